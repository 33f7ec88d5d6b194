//! Categories of the adult and pregnancy measurements a Posyandu takes: blood pressure, blood
//! glucose, and LiLA for chronic energy deficiency (KEK) in pregnancy. Each cut-off set is data
//! with a [`TableRef`], so a category can say which table produced it and a change of guideline
//! is a new table, not new code.
//!
//! Where the numbers come from:
//!
//! - **KEK**: DOMAIN.md section 4, programme threshold LiLA < 23.5 cm in pregnancy (primary text
//!   unverified there).
//! - **Blood pressure**: DOMAIN.md gives no thresholds. The table follows JNC 7 (Chobanian et
//!   al., *JAMA* 2003;289:2560-72), the classification Kemenkes P2PTM material for Posbindu uses
//!   (normal < 120/80, pre-hipertensi 120-139 or 80-89, hipertensi >= 140 or >= 90), and the
//!   threshold for hypertension in pregnancy (>= 140 or >= 90, ACOG / WHO). Categories are for
//!   adults (18 years and over) and pregnant women; children's blood pressure is judged by
//!   percentiles a Posyandu does not have, so they get no category.
//! - **Blood glucose**: PERKENI 2021 *Pedoman Pengelolaan dan Pencegahan DM Tipe 2* (same cut-offs
//!   as ADA *Standards of Care*): fasting 100-125 prediabetes, >= 126 diabetes; 2 hours after a
//!   meal or glucose load 140-199 prediabetes, >= 200 diabetes; random >= 200 diabetes (a
//!   screening finding to confirm at the Puskesmas). Below 70 mg/dL is hypoglycaemia (ADA level
//!   1). A random value of 70-199 cannot tell prediabetes from normal and is reported normal,
//!   as Posbindu screening does; a value without its timing is read as random. Newborns (under
//!   29 days) have their own hypoglycaemia thresholds and get no category.

use crate::due::TableRef;
use ilp_model::GlucoseTiming;
use serde::Serialize;
use time::{Date, macros::date};

/// LiLA threshold for KEK in pregnancy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KekTable {
    pub table: TableRef,
    pub effective_from: Date,
    pub source: &'static str,
    /// LiLA below this (cm) is KEK.
    pub below_cm: f64,
}

/// The programme threshold, DOMAIN.md section 4.
pub const KEK_PROGRAMME: KekTable = KekTable {
    table: TableRef {
        id: "kek.lila_programme",
        version: 1,
    },
    effective_from: date!(2010 - 01 - 01),
    source: "LiLA < 23.5 cm, DOMAIN.md section 4 (programme threshold, unverified)",
    below_cm: 23.5,
};

impl KekTable {
    /// LiLA (cm) below the threshold.
    pub fn is_kek(&self, muac_cm: f64) -> bool {
        muac_cm < self.below_cm
    }
}

/// Blood pressure category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BpCategory {
    Normal,
    /// Pre-hipertensi (JNC 7): raised, not yet hypertension.
    High,
    Hypertension,
}

impl BpCategory {
    pub fn code(self) -> &'static str {
        match self {
            BpCategory::Normal => "normal",
            BpCategory::High => "high",
            BpCategory::Hypertension => "hypertension",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            BpCategory::Normal => "Normal",
            BpCategory::High => "Pra-hipertensi (tekanan darah tinggi-normal)",
            BpCategory::Hypertension => "Hipertensi",
        }
    }
}

/// Blood pressure cut-offs, mmHg; a reading is in the highest category either number reaches.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BpTable {
    pub table: TableRef,
    pub effective_from: Date,
    pub source: &'static str,
    /// (systolic, diastolic) from which a reading is [`BpCategory::High`].
    pub high_from: (u16, u16),
    /// (systolic, diastolic) from which a reading is [`BpCategory::Hypertension`].
    pub hypertension_from: (u16, u16),
    /// The same in pregnancy.
    pub pregnancy_hypertension_from: (u16, u16),
    /// Youngest age (completed years) classified, pregnancy apart.
    pub adult_from_years: i32,
}

/// JNC 7 as Kemenkes Posbindu material uses it, and hypertension in pregnancy (module docs).
pub const BP_JNC7: BpTable = BpTable {
    table: TableRef {
        id: "bp.jnc7",
        version: 1,
    },
    effective_from: date!(2003 - 05 - 21),
    source: "JNC 7 (Chobanian et al., JAMA 2003) as used by Kemenkes P2PTM/Posbindu; pregnancy >= 140/90 (ACOG, WHO)",
    high_from: (120, 80),
    hypertension_from: (140, 90),
    pregnancy_hypertension_from: (140, 90),
    adult_from_years: 18,
};

impl BpTable {
    /// The category of a reading for a person of `age_years` (`None`: unknown, taken as an adult,
    /// since a kader measures blood pressure of adults), `pregnant` or not. `None` for a
    /// child who is not pregnant.
    pub fn classify(
        &self,
        systolic: u16,
        diastolic: u16,
        age_years: Option<i32>,
        pregnant: bool,
    ) -> Option<BpCategory> {
        let reaches = |(s, d): (u16, u16)| systolic >= s || diastolic >= d;
        if pregnant {
            return Some(if reaches(self.pregnancy_hypertension_from) {
                BpCategory::Hypertension
            } else if reaches(self.high_from) {
                BpCategory::High
            } else {
                BpCategory::Normal
            });
        }
        if age_years.is_some_and(|a| a < self.adult_from_years) {
            return None;
        }
        Some(if reaches(self.hypertension_from) {
            BpCategory::Hypertension
        } else if reaches(self.high_from) {
            BpCategory::High
        } else {
            BpCategory::Normal
        })
    }
}

/// Blood glucose category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum GlucoseCategory {
    /// Hypoglycaemia.
    Low,
    Normal,
    Prediabetes,
    /// At or above the diabetes cut-off for the timing: to be confirmed by a doctor.
    Diabetes,
}

impl GlucoseCategory {
    pub fn code(self) -> &'static str {
        match self {
            GlucoseCategory::Low => "low",
            GlucoseCategory::Normal => "normal",
            GlucoseCategory::Prediabetes => "prediabetes",
            GlucoseCategory::Diabetes => "diabetes",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            GlucoseCategory::Low => "Gula darah rendah (hipoglikemia)",
            GlucoseCategory::Normal => "Normal",
            GlucoseCategory::Prediabetes => "Prediabetes",
            GlucoseCategory::Diabetes => "Gula darah tinggi (curiga diabetes)",
        }
    }
}

/// Glucose cut-offs in mg/dL: (prediabetes from, diabetes from) per timing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GlucoseTable {
    pub table: TableRef,
    pub effective_from: Date,
    pub source: &'static str,
    pub low_below: f64,
    pub fasting: (f64, f64),
    pub two_hours: (f64, f64),
    /// Random: only the diabetes cut-off means something.
    pub random_diabetes_from: f64,
    /// Youngest age in days classified.
    pub from_age_days: i64,
}

/// PERKENI 2021 / ADA (module docs).
pub const GLUCOSE_PERKENI_2021: GlucoseTable = GlucoseTable {
    table: TableRef {
        id: "glucose.perkeni_2021",
        version: 1,
    },
    effective_from: date!(2021 - 01 - 01),
    source: "PERKENI 2021 Pedoman Pengelolaan dan Pencegahan DM Tipe 2 (= ADA Standards of Care); hypoglycaemia < 70 mg/dL (ADA level 1)",
    low_below: 70.0,
    fasting: (100.0, 126.0),
    two_hours: (140.0, 200.0),
    random_diabetes_from: 200.0,
    from_age_days: 29,
};

impl GlucoseTable {
    /// The category of a reading taken at `timing` (`None`: read as random) at `age_days`
    /// (`None`: unknown, classified). `None` for a newborn.
    pub fn classify(
        &self,
        mg_dl: f64,
        timing: Option<GlucoseTiming>,
        age_days: Option<i64>,
    ) -> Option<GlucoseCategory> {
        if age_days.is_some_and(|d| d < self.from_age_days) || !mg_dl.is_finite() {
            return None;
        }
        if mg_dl < self.low_below {
            return Some(GlucoseCategory::Low);
        }
        let (pre, dm) = match timing {
            Some(GlucoseTiming::Fasting) => self.fasting,
            Some(GlucoseTiming::TwoHoursAfterMeal) => self.two_hours,
            Some(GlucoseTiming::Random) | None => {
                (self.random_diabetes_from, self.random_diabetes_from)
            }
        };
        Some(if mg_dl >= dm {
            GlucoseCategory::Diabetes
        } else if mg_dl >= pre {
            GlucoseCategory::Prediabetes
        } else {
            GlucoseCategory::Normal
        })
    }
}

/// The tables one assessment uses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VitalsTables {
    pub kek: KekTable,
    pub bp: BpTable,
    pub glucose: GlucoseTable,
}

impl Default for VitalsTables {
    fn default() -> Self {
        Self {
            kek: KEK_PROGRAMME,
            bp: BP_JNC7,
            glucose: GLUCOSE_PERKENI_2021,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BpCategory::*;
    use GlucoseCategory as G;

    #[test]
    fn kek_is_strictly_below_23_5() {
        assert!(KEK_PROGRAMME.is_kek(23.4));
        assert!(!KEK_PROGRAMME.is_kek(23.5));
        assert!(!KEK_PROGRAMME.is_kek(28.0));
    }

    #[test]
    fn blood_pressure_takes_the_higher_of_the_two_numbers() {
        let adult = Some(40);
        let cases = [
            (119, 79, Normal),
            (120, 70, High),
            (110, 80, High),
            (139, 89, High),
            (140, 70, Hypertension),
            (130, 90, Hypertension),
            (180, 110, Hypertension),
        ];
        for (s, d, want) in cases {
            assert_eq!(BP_JNC7.classify(s, d, adult, false), Some(want), "{s}/{d}");
        }
    }

    #[test]
    fn children_get_no_category_unless_pregnant_and_unknown_age_is_adult() {
        assert_eq!(BP_JNC7.classify(150, 95, Some(12), false), None);
        assert_eq!(
            BP_JNC7.classify(150, 95, Some(17), true),
            Some(Hypertension)
        );
        assert_eq!(
            BP_JNC7.classify(150, 95, Some(18), false),
            Some(Hypertension)
        );
        assert_eq!(BP_JNC7.classify(118, 76, None, false), Some(Normal));
        assert_eq!(BP_JNC7.classify(139, 89, Some(25), true), Some(High));
    }

    #[test]
    fn glucose_by_timing() {
        let t = GLUCOSE_PERKENI_2021;
        let adult = Some(15_000);
        let f = Some(GlucoseTiming::Fasting);
        let pp = Some(GlucoseTiming::TwoHoursAfterMeal);
        let r = Some(GlucoseTiming::Random);
        let cases = [
            (69.0, f, G::Low),
            (70.0, f, G::Normal),
            (99.0, f, G::Normal),
            (100.0, f, G::Prediabetes),
            (125.0, f, G::Prediabetes),
            (126.0, f, G::Diabetes),
            (139.0, pp, G::Normal),
            (140.0, pp, G::Prediabetes),
            (200.0, pp, G::Diabetes),
            (199.0, r, G::Normal),
            (200.0, r, G::Diabetes),
            (250.0, None, G::Diabetes),
            (150.0, None, G::Normal),
        ];
        for (v, timing, want) in cases {
            assert_eq!(t.classify(v, timing, adult), Some(want), "{v} {timing:?}");
        }
        assert_eq!(t.classify(40.0, f, Some(3)), None, "newborns apart");
        assert_eq!(t.classify(40.0, f, None), Some(G::Low));
    }
}
