//! The family health index screen (IKS, PIS-PK): a household's 12 indicators with the answer,
//! who it concerns, the score and the family class. Indicators the records cannot answer are
//! asked on the household visit (health status on the visit form; water and latrine on the
//! household form).

use crate::error::IlpError;
use crate::{IlpCore, forms, now};
use ilp_model::HouseholdId;
use ilp_rules::facts::RuleContext;
use ilp_rules::iks::{self, IksTables};
use ilp_store::coverage::household_facts_of;

/// One of the 12 indicators for a household.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct IksIndicatorView {
    /// 1 to 12, in the PIS-PK order.
    pub number: u8,
    pub code: String,
    /// Bahasa Indonesia ("Keluarga mengikuti program KB").
    pub label: String,
    /// yes, no, not_applicable or not_asked_yet.
    pub answer: String,
    pub answer_label: String,
    /// The members the indicator concerns, with each one's own answer.
    pub persons: Vec<IksPersonAnswer>,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct IksPersonAnswer {
    pub person_id: String,
    pub answer: String,
}

/// A household's family health index.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct FamilyHealthIndex {
    pub household_id: String,
    pub indicators: Vec<IksIndicatorView>,
    /// Yes / (12 − not applicable), when every applicable indicator is answered.
    pub score: Option<f64>,
    /// healthy, pre_healthy or unhealthy, with `score`.
    pub class: Option<String>,
    pub class_label: Option<String>,
    /// Yes / answered so far: progress while some indicators are not asked yet (no class).
    pub answered_score: Option<f64>,
    pub not_asked_yet: u32,
    pub rule_tables: Vec<String>,
}

#[uniffi::export]
impl IlpCore {
    /// The family health index (IKS) of a household on today's date.
    pub fn family_health_index(&self, household_id: String) -> Result<FamilyHealthIndex, IlpError> {
        let id: HouseholdId = forms::parse_id("household_id", &household_id)?;
        let facts = self.store.read(|c| household_facts_of(c, id))?;
        self.check_rt(facts.household.rt)?;
        let ctx = RuleContext::new(self.today_at(now()), self.offset);
        let r = iks::assess(&facts, &ctx, &IksTables::default());
        Ok(FamilyHealthIndex {
            household_id: id.to_string(),
            indicators: r
                .indicators
                .iter()
                .map(|i| IksIndicatorView {
                    number: i.indicator.number(),
                    code: i.indicator.code().to_string(),
                    label: i.indicator.label_id().to_string(),
                    answer: i.answer.code().to_string(),
                    answer_label: i.answer.label_id().to_string(),
                    persons: i
                        .persons
                        .iter()
                        .map(|p| IksPersonAnswer {
                            person_id: p.person.to_string(),
                            answer: p.answer.code().to_string(),
                        })
                        .collect(),
                })
                .collect(),
            score: r.score.map(|s| (s * 1000.0).round() / 1000.0),
            class: r.class.map(|c| c.code().to_string()),
            class_label: r.class.map(|c| c.label_id().to_string()),
            answered_score: r.answered_score.map(|s| (s * 1000.0).round() / 1000.0),
            not_asked_yet: r.not_asked_yet,
            rule_tables: vec![r.bands.to_string(), r.idl.to_string()],
        })
    }
}
