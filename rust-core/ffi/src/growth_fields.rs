//! What a z-score and a KMS result look like on a screen, shared by the growth chart and the
//! measurement preview so both show the same numbers for the same measurement: the z-score
//! rounded to 2 decimals as WHO's software reports it, the Permenkes category as code and
//! Bahasa label, and the KMS code with its referral reasons in Bahasa.

use ilp_rules::growth::{ZScore, zscore};
use ilp_rules::kms::KmsResult;

/// The screen fields of one (possibly absent) z-score.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ScoreFields {
    pub z: Option<f64>,
    pub flagged: bool,
    pub category: Option<String>,
    pub category_label: Option<String>,
}

pub(crate) fn score_fields(score: Option<&ZScore>) -> ScoreFields {
    ScoreFields {
        z: score.map(|s| zscore::round2(s.z)),
        flagged: score.is_some_and(|s| s.flagged),
        category: score.and_then(|s| s.category).map(|c| c.code().to_string()),
        category_label: score
            .and_then(|s| s.category)
            .map(|c| c.label_id().to_string()),
    }
}

/// The KMS code of a weighing and why to refer, in Bahasa Indonesia (2T before T).
pub(crate) fn kms_fields(result: Option<&KmsResult>) -> (Option<String>, Vec<String>) {
    (
        result.map(|w| w.code.code().to_string()),
        result
            .map(|w| {
                w.referral_reasons()
                    .into_iter()
                    .map(|r| r.label_id().to_string())
                    .collect()
            })
            .unwrap_or_default(),
    )
}
