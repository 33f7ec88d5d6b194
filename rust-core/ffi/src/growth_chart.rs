//! The growth chart screen: a child's measurements as points with their WHO z-scores, Permenkes
//! categories and KMS weighing codes, against the reference lines from −3 to +3 SD.

use crate::error::{IlpError, validation};
use crate::growth_fields::{kms_fields, score_fields};
use crate::{IlpCore, forms, now};
use ilp_model::{HeightMethod, PersonId};
use ilp_rules::facts::RuleContext;
use ilp_rules::growth::{self, GrowthInput, Indicator};
use ilp_rules::kms;
use ilp_store::due_items;

/// One reference position: x and the values at −3, −2, −1, 0, +1, +2, +3 SD.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct CurvePointView {
    pub x: f64,
    pub sd: Vec<f64>,
}

/// One of the child's measurements on the chart.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct GrowthPoint {
    pub date: String,
    pub age_days: i64,
    /// Age in days, or length/height in cm on a weight-for-length chart.
    pub x: f64,
    /// The measured value (kg, cm or kg/m² for BMI).
    pub value: f64,
    pub z: Option<f64>,
    /// Outside WHO's plausible range: likely a measuring or typing error.
    pub flagged: bool,
    pub category: Option<String>,
    pub category_label: Option<String>,
    /// Weight-for-age charts: the KMS code of the weighing (N, T, O, B).
    pub kms_code: Option<String>,
    /// Weight-for-age charts: why to refer (2T, BGM, ...), in Bahasa Indonesia.
    pub referral_reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct GrowthChart {
    pub person_id: String,
    /// wfa, lhfa, wflh, bmifa, hcfa, acfa.
    pub indicator: String,
    pub label: String,
    /// "days" or "cm".
    pub x_unit: String,
    pub curves: Vec<CurvePointView>,
    pub points: Vec<GrowthPoint>,
}

fn value_of(indicator: Indicator, m: &ilp_model::Measurement) -> Option<f64> {
    match indicator {
        Indicator::WeightForAge | Indicator::WeightForLength => m.weight_kg,
        Indicator::LengthForAge => m.length_or_height_cm,
        Indicator::BmiForAge => match (m.weight_kg, m.length_or_height_cm) {
            (Some(w), Some(l)) if l > 0.0 => Some(w / (l / 100.0).powi(2)),
            _ => None,
        },
        Indicator::HeadForAge => m.head_circumference_cm,
        Indicator::MuacForAge => m.muac_cm,
    }
}

#[uniffi::export]
impl IlpCore {
    /// A child's growth chart for one indicator (`wfa`, `lhfa`, `wflh`, `bmifa`, `hcfa`, `acfa`):
    /// every measurement as a point with its z-score, category and, for weight-for-age, its KMS
    /// code, and the −3..+3 SD reference lines over the child's age range.
    pub fn growth_chart(
        &self,
        person_id: String,
        indicator: String,
    ) -> Result<GrowthChart, IlpError> {
        let id: PersonId = forms::parse_id("person_id", &person_id)?;
        self.check_person(id)?;
        let indicator = Indicator::from_code(indicator.trim()).ok_or_else(|| {
            validation(
                "indicator",
                "must be one of wfa, lhfa, wflh, bmifa, hcfa, acfa",
            )
        })?;
        let today = self.today_at(now());
        let facts = self.store.read(|c| {
            let id = ilp_store::persons::resolve_merged(c, id)?;
            due_items::person_facts(c, id)
        })?;
        let (Some(sex), Some(birth)) = (facts.person.sex, facts.person.birth) else {
            return Err(validation(
                "person_id",
                "the child's sex and birth date are needed for a growth chart",
            ));
        };
        let ctx = RuleContext::new(today, self.offset);
        let kms_results = if indicator == Indicator::WeightForAge {
            kms::assess(
                birth.date,
                &kms::weighings_with_wfa(&facts, &ctx),
                &kms::KmsTables::default(),
            )
        } else {
            Vec::new()
        };
        let mut points = Vec::new();
        for (e, m) in facts.measurements() {
            let Some(value) = value_of(indicator, m) else {
                continue;
            };
            let date = ctx.date_of(e);
            let age_days = birth.age_days(date);
            if age_days < 0 {
                continue;
            }
            let assessment = growth::assess(&GrowthInput::from_measurement(sex, age_days, m));
            let score = assessment
                .as_ref()
                .ok()
                .and_then(|a| a.score(indicator).copied());
            let x = if indicator == Indicator::WeightForLength {
                let Some(l) = assessment.as_ref().ok().and_then(|a| a.length_used_cm) else {
                    continue;
                };
                l
            } else {
                age_days as f64
            };
            let weighing = kms_results
                .iter()
                .find(|r| r.on == date && (r.weight_kg - value).abs() < 1e-9);
            let fields = score_fields(score.as_ref());
            let (kms_code, referral_reasons) = kms_fields(weighing);
            points.push(GrowthPoint {
                date: date.to_string(),
                age_days,
                x,
                value,
                z: fields.z,
                flagged: fields.flagged,
                category: fields.category,
                category_label: fields.category_label,
                kms_code,
                referral_reasons,
            });
        }
        let age_now = birth.age_days(today).max(0) as f64;
        let curves = match indicator {
            Indicator::WeightForLength => {
                let lying = facts
                    .measurements()
                    .last()
                    .and_then(|(_, m)| m.height_method)
                    .map_or(age_now < 731.0, |h| h == HeightMethod::Recumbent);
                if lying {
                    growth::reference_curves(indicator, sex, 45.0, 110.0, 0.5)
                } else {
                    growth::weight_for_height_curves(sex, 65.0, 120.0, 0.5)
                }
            }
            _ => {
                // The under-five chart by week, or the school-age chart by month to the child's
                // age plus a year.
                if age_now <= 1856.0 {
                    growth::reference_curves(indicator, sex, 0.0, 1855.0, 7.0)
                } else {
                    growth::reference_curves(
                        indicator,
                        sex,
                        0.0,
                        (age_now + 365.0).min(228.0 * 30.4375),
                        30.4375,
                    )
                }
            }
        };
        Ok(GrowthChart {
            person_id: facts.person.id.to_string(),
            indicator: indicator.code().to_string(),
            label: indicator.label_id().to_string(),
            x_unit: if indicator == Indicator::WeightForLength {
                "cm"
            } else {
                "days"
            }
            .to_string(),
            curves: curves
                .into_iter()
                .map(|c| CurvePointView {
                    x: c.x,
                    sd: c.sd.to_vec(),
                })
                .collect(),
            points,
        })
    }
}
