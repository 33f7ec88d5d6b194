//! Permenkes 2/2020 (*Standar Antropometri Anak*) status categories: which z-score band of which
//! indicator gets which label. The cut-offs are data ([`PERMENKES_2_2020`]) with a [`TableRef`],
//! so a stored or exported category can say which table produced it; a new regulation is a new
//! table with a new version.
//!
//! Boundaries follow DOMAIN.md section 4 exactly: a z-score on a cut-off belongs to the band the
//! regulation's wording puts it in ("−3 to <−2 underweight · −2 to +1 normal": −2 is normal,
//! −3 is underweight, +1 is normal, anything above +1 is the next band). Categories are taken
//! from the z-score rounded to 2 decimals, as WHO's software rounds before counting against
//! cut-offs (see [`super::zscore::round2`]).

use super::Indicator;
use crate::due::TableRef;
use serde::{Deserialize, Serialize};
use time::{Date, macros::date};

/// A status category. The code is stable (stored, exported); the label is for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    // BB/U (weight-for-age)
    SeverelyUnderweight,
    Underweight,
    NormalWeight,
    RiskOfOverweight,
    // PB/U or TB/U (length/height-for-age)
    SeverelyStunted,
    Stunted,
    NormalHeight,
    Tall,
    // BB/PB, BB/TB and IMT/U 0-60 months; Normal, Overweight and Obese also IMT/U 5-18 years
    SeverelyWasted,
    Wasted,
    Normal,
    PossibleRiskOfOverweight,
    Overweight,
    Obese,
    // IMT/U 5-18 years
    SeverelyThin,
    Thin,
    // LK/U (head circumference-for-age)
    Microcephaly,
    NormalHeadCircumference,
    Macrocephaly,
}

impl Category {
    pub const ALL: [Category; 19] = [
        Category::SeverelyUnderweight,
        Category::Underweight,
        Category::NormalWeight,
        Category::RiskOfOverweight,
        Category::SeverelyStunted,
        Category::Stunted,
        Category::NormalHeight,
        Category::Tall,
        Category::SeverelyWasted,
        Category::Wasted,
        Category::Normal,
        Category::PossibleRiskOfOverweight,
        Category::Overweight,
        Category::Obese,
        Category::SeverelyThin,
        Category::Thin,
        Category::Microcephaly,
        Category::NormalHeadCircumference,
        Category::Macrocephaly,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::SeverelyUnderweight => "severely_underweight",
            Category::Underweight => "underweight",
            Category::NormalWeight => "normal_weight",
            Category::RiskOfOverweight => "risk_of_overweight",
            Category::SeverelyStunted => "severely_stunted",
            Category::Stunted => "stunted",
            Category::NormalHeight => "normal_height",
            Category::Tall => "tall",
            Category::SeverelyWasted => "severely_wasted",
            Category::Wasted => "wasted",
            Category::Normal => "normal",
            Category::PossibleRiskOfOverweight => "possible_risk_of_overweight",
            Category::Overweight => "overweight",
            Category::Obese => "obese",
            Category::SeverelyThin => "severely_thin",
            Category::Thin => "thin",
            Category::Microcephaly => "microcephaly",
            Category::NormalHeadCircumference => "normal_head_circumference",
            Category::Macrocephaly => "macrocephaly",
        }
    }

    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Bahasa Indonesia as the regulation words it, the English term after it.
    pub fn label_id(self) -> &'static str {
        match self {
            Category::SeverelyUnderweight => "Berat badan sangat kurang (severely underweight)",
            Category::Underweight => "Berat badan kurang (underweight)",
            Category::NormalWeight => "Berat badan normal",
            Category::RiskOfOverweight => "Risiko berat badan lebih",
            Category::SeverelyStunted => "Sangat pendek (severely stunted)",
            Category::Stunted => "Pendek (stunted)",
            Category::NormalHeight => "Normal",
            Category::Tall => "Tinggi",
            Category::SeverelyWasted => "Gizi buruk (severely wasted)",
            Category::Wasted => "Gizi kurang (wasted)",
            Category::Normal => "Gizi baik (normal)",
            Category::PossibleRiskOfOverweight => {
                "Berisiko gizi lebih (possible risk of overweight)"
            }
            Category::Overweight => "Gizi lebih (overweight)",
            Category::Obese => "Obesitas (obese)",
            Category::SeverelyThin => "Gizi buruk (severely thinness)",
            Category::Thin => "Gizi kurang (thinness)",
            Category::Microcephaly => "Mikrosefali (microcephaly)",
            Category::NormalHeadCircumference => "Normal",
            Category::Macrocephaly => "Makrosefali (macrocephaly)",
        }
    }

    /// TB/U (PB/U) below −2: pendek or sangat pendek. Meaningful on a length/height-for-age
    /// category.
    pub fn is_stunted(self) -> bool {
        matches!(self, Category::SeverelyStunted | Category::Stunted)
    }

    /// BB/TB (BB/PB) below −2: gizi kurang or gizi buruk. Meaningful on a weight-for-length/height
    /// category (IMT/U 0-60 months shares its labels).
    pub fn is_wasted(self) -> bool {
        matches!(self, Category::SeverelyWasted | Category::Wasted)
    }

    /// BB/U below −2.
    pub fn is_underweight(self) -> bool {
        matches!(self, Category::SeverelyUnderweight | Category::Underweight)
    }

    /// BB/U below −3: "bawah garis merah" (BGM) on the KMS.
    pub fn is_severely_underweight(self) -> bool {
        self == Category::SeverelyUnderweight
    }
}

/// Where a band ends (upwards).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Upper {
    /// z < x
    Below(f64),
    /// z <= x
    AtMost(f64),
    /// No upper end (the last band).
    Open,
}

impl Upper {
    fn admits(self, z: f64) -> bool {
        match self {
            Upper::Below(x) => z < x,
            Upper::AtMost(x) => z <= x,
            Upper::Open => true,
        }
    }
}

/// The bands of one index, lowest first; a z-score gets the first band that admits it.
pub type Bands = &'static [(Upper, Category)];

/// A versioned category table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CategoryTable {
    pub table: TableRef,
    /// From when this table applies. Permenkes 2/2020 is cited here by its year: the exact day
    /// it took effect (promulgation) is **[UNVERIFIED]**.
    pub effective: Date,
    /// BB/U, 0-60 months (also used for WHO 2007 weight-for-age, 5-10 years).
    pub weight_for_age: Bands,
    /// PB/U or TB/U, every age that has a score.
    pub length_for_age: Bands,
    /// BB/PB or BB/TB; also IMT/U up to 60 months.
    pub weight_for_length: Bands,
    /// IMT/U 5-18 years (WHO Reference 2007; applied to its whole range, 61-228 months).
    pub bmi_for_age_5_18: Bands,
    /// LK/U: common practice (the PMK text for it is **[UNVERIFIED]**).
    pub head_for_age: Bands,
}

use Category as C;
use Upper::{AtMost, Below, Open};

/// Permenkes 2/2020 categories, as DOMAIN.md section 4 states them.
pub const PERMENKES_2_2020: CategoryTable = CategoryTable {
    table: TableRef {
        id: "permenkes-2-2020-status-gizi",
        version: 1,
    },
    effective: date!(2020 - 01 - 01),
    weight_for_age: &[
        (Below(-3.0), C::SeverelyUnderweight),
        (Below(-2.0), C::Underweight),
        (AtMost(1.0), C::NormalWeight),
        (Open, C::RiskOfOverweight),
    ],
    length_for_age: &[
        (Below(-3.0), C::SeverelyStunted),
        (Below(-2.0), C::Stunted),
        (AtMost(3.0), C::NormalHeight),
        (Open, C::Tall),
    ],
    weight_for_length: &[
        (Below(-3.0), C::SeverelyWasted),
        (Below(-2.0), C::Wasted),
        (AtMost(1.0), C::Normal),
        (AtMost(2.0), C::PossibleRiskOfOverweight),
        (AtMost(3.0), C::Overweight),
        (Open, C::Obese),
    ],
    bmi_for_age_5_18: &[
        (Below(-3.0), C::SeverelyThin),
        (Below(-2.0), C::Thin),
        (AtMost(1.0), C::Normal),
        (AtMost(2.0), C::Overweight),
        (Open, C::Obese),
    ],
    head_for_age: &[
        (Below(-2.0), C::Microcephaly),
        (AtMost(2.0), C::NormalHeadCircumference),
        (Open, C::Macrocephaly),
    ],
};

/// The table [`super::assess`] applies.
pub const CURRENT: &CategoryTable = &PERMENKES_2_2020;

impl CategoryTable {
    /// The bands for `indicator` at an age on `reference`; `None` when the regulation has no
    /// categories for it (arm circumference-for-age).
    pub fn bands(&self, indicator: Indicator, who_2007: bool) -> Option<Bands> {
        match indicator {
            Indicator::WeightForAge => Some(self.weight_for_age),
            Indicator::LengthForAge => Some(self.length_for_age),
            Indicator::WeightForLength => Some(self.weight_for_length),
            Indicator::BmiForAge if who_2007 => Some(self.bmi_for_age_5_18),
            Indicator::BmiForAge => Some(self.weight_for_length),
            Indicator::HeadForAge => Some(self.head_for_age),
            Indicator::MuacForAge => None,
        }
    }

    /// The category of a (rounded) z-score.
    pub fn categorize(&self, indicator: Indicator, who_2007: bool, z: f64) -> Option<Category> {
        if !z.is_finite() {
            return None;
        }
        self.bands(indicator, who_2007)?
            .iter()
            .find(|(upper, _)| upper.admits(z))
            .map(|&(_, c)| c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cat(i: Indicator, z: f64) -> Category {
        CURRENT.categorize(i, false, z).unwrap()
    }

    #[test]
    fn boundaries_follow_the_regulation_wording() {
        use Indicator::*;
        let cases = [
            (WeightForAge, -3.01, C::SeverelyUnderweight),
            (WeightForAge, -3.0, C::Underweight),
            (WeightForAge, -2.01, C::Underweight),
            (WeightForAge, -2.0, C::NormalWeight),
            (WeightForAge, 1.0, C::NormalWeight),
            (WeightForAge, 1.01, C::RiskOfOverweight),
            (LengthForAge, -3.01, C::SeverelyStunted),
            (LengthForAge, -3.0, C::Stunted),
            (LengthForAge, -2.0, C::NormalHeight),
            (LengthForAge, 3.0, C::NormalHeight),
            (LengthForAge, 3.01, C::Tall),
            (WeightForLength, -3.0, C::Wasted),
            (WeightForLength, -2.0, C::Normal),
            (WeightForLength, 1.0, C::Normal),
            (WeightForLength, 1.01, C::PossibleRiskOfOverweight),
            (WeightForLength, 2.0, C::PossibleRiskOfOverweight),
            (WeightForLength, 2.01, C::Overweight),
            (WeightForLength, 3.0, C::Overweight),
            (WeightForLength, 3.01, C::Obese),
            (BmiForAge, -2.5, C::Wasted),
            (HeadForAge, -2.01, C::Microcephaly),
            (HeadForAge, -2.0, C::NormalHeadCircumference),
            (HeadForAge, 2.0, C::NormalHeadCircumference),
            (HeadForAge, 2.01, C::Macrocephaly),
        ];
        for (i, z, want) in cases {
            assert_eq!(cat(i, z), want, "{i:?} {z}");
        }
        let school = |z| CURRENT.categorize(BmiForAge, true, z).unwrap();
        assert_eq!(school(-3.01), C::SeverelyThin);
        assert_eq!(school(-2.01), C::Thin);
        assert_eq!(school(-2.0), C::Normal);
        assert_eq!(school(1.01), C::Overweight);
        assert_eq!(school(2.0), C::Overweight);
        assert_eq!(school(2.01), C::Obese);
        assert_eq!(CURRENT.categorize(MuacForAge, false, 0.0), None);
        assert_eq!(CURRENT.categorize(WeightForAge, false, f64::NAN), None);
    }

    #[test]
    fn predicates_and_codes() {
        assert!(C::SeverelyUnderweight.is_severely_underweight());
        assert!(C::SeverelyUnderweight.is_underweight() && C::Underweight.is_underweight());
        assert!(!C::Underweight.is_severely_underweight() && !C::NormalWeight.is_underweight());
        assert!(C::Stunted.is_stunted() && C::SeverelyStunted.is_stunted());
        assert!(!C::NormalHeight.is_stunted() && !C::Tall.is_stunted());
        assert!(C::Wasted.is_wasted() && C::SeverelyWasted.is_wasted() && !C::Thin.is_wasted());
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(c));
            assert!(!c.label_id().is_empty());
        }
        assert_eq!(
            C::SeverelyStunted.label_id(),
            "Sangat pendek (severely stunted)"
        );
        assert_eq!(
            PERMENKES_2_2020.table.to_string(),
            "permenkes-2-2020-status-gizi@1"
        );
    }

    proptest! {
        /// Bands are ordered: a higher z-score never gets a lower band, and the predicates agree
        /// with the cut-offs.
        #[test]
        fn categories_are_monotone(a in -8.0f64..8.0, b in -8.0f64..8.0, i in 0usize..5, school in any::<bool>()) {
            let ind = Indicator::ALL[i];
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let bands = CURRENT.bands(ind, school).unwrap();
            let rank = |z: f64| {
                let c = CURRENT.categorize(ind, school, z).unwrap();
                bands.iter().position(|&(_, x)| x == c).unwrap()
            };
            prop_assert!(rank(lo) <= rank(hi));
            let wfa = CURRENT.categorize(Indicator::WeightForAge, false, a).unwrap();
            prop_assert_eq!(wfa.is_underweight(), a < -2.0);
            prop_assert_eq!(wfa.is_severely_underweight(), a < -3.0);
            let lfa = CURRENT.categorize(Indicator::LengthForAge, school, a).unwrap();
            prop_assert_eq!(lfa.is_stunted(), a < -2.0);
            let wfl = CURRENT.categorize(Indicator::WeightForLength, false, a).unwrap();
            prop_assert_eq!(wfl.is_wasted(), a < -2.0);
        }
    }
}
