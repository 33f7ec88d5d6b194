//! Pregnancy episodes: HPHT (first day of the last menstrual period), the estimated delivery date,
//! and the outcome once known.

use crate::ids::{PersonId, PregnancyId};
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

code_enum!(
    /// How a pregnancy ended.
    OutcomeKind {
        LiveBirth = "live_birth",
        Stillbirth = "stillbirth",
        Miscarriage = "miscarriage",
        Unknown = "unknown",
    }
);

code_enum!(
    /// Where a delivery happened (IKS indicator 2 asks whether it was a health facility).
    DeliveryPlace {
        /// Puskesmas, Pustu, clinic, hospital, praktik bidan.
        HealthFacility = "health_facility",
        Home = "home",
        OnTheWay = "on_the_way",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PregnancyOutcome {
    pub kind: OutcomeKind,
    /// Date and time of delivery: KF and KN windows start from it, to the hour.
    pub at: Timestamp,
    /// The place's name as told ("RSUD S.K. Lerik", "rumah").
    pub place: Option<String>,
    /// What kind of place it was; `None` when not told.
    #[serde(default)]
    pub place_kind: Option<DeliveryPlace>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pregnancy {
    pub id: PregnancyId,
    pub person: PersonId,
    pub hpht: Option<Date>,
    /// Hari perkiraan lahir: from HPHT by Naegele's rule unless ultrasound gave another.
    pub edd: Option<Date>,
    pub outcome: Option<PregnancyOutcome>,
}

/// Naegele's rule: HPHT + 280 days.
pub fn edd_from_hpht(hpht: Date) -> Date {
    hpht + Duration::days(280)
}

/// Gestational age in completed weeks on `on`.
pub fn gestational_weeks(hpht: Date, on: Date) -> i64 {
    (on - hpht).whole_days().div_euclid(7)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn naegele() {
        assert_eq!(edd_from_hpht(date!(2026 - 01 - 01)), date!(2026 - 10 - 08));
        assert_eq!(
            gestational_weeks(date!(2026 - 01 - 01), date!(2026 - 03 - 26)),
            12
        );
    }
}
