//! Append-only events: visits and what was done in them (measurements, immunizations, services,
//! danger signs, referrals, notes). Events never change and never conflict; a correction is a new
//! event that voids or amends an earlier one, and a person merge travels as an event too.

use crate::ids::{DeviceId, EventId, PersonId, PosyanduId, PregnancyId, UserId};
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use time::Date;

/// One event. `visit` links the parts of a visit to the visit event itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: EventId,
    pub person: PersonId,
    pub visit: Option<EventId>,
    pub recorded_by: UserId,
    pub device: DeviceId,
    /// When it happened (the visit's time).
    pub occurred_at: Timestamp,
    /// When it was written on the device.
    pub recorded_at: Timestamp,
    pub payload: EventPayload,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventPayload {
    Visit(Visit),
    Measurement(Measurement),
    Immunization(Immunization),
    Service(Service),
    DangerSigns {
        signs: Vec<DangerSign>,
        note: Option<String>,
    },
    Referral(Referral),
    /// Answers about a person's health that the rules need and no measurement gives: known
    /// conditions and their treatment, smoking, family planning, exclusive breastfeeding.
    HealthStatus(HealthStatus),
    Note {
        text: String,
    },
    /// Withdraws an earlier event (recorded for the wrong person, entered twice).
    Void {
        target: EventId,
        reason: String,
    },
    /// Replaces an earlier event's content (a typo in a weight).
    Amend {
        target: EventId,
        replacement: Box<EventPayload>,
        reason: String,
    },
    /// `merged`'s record was found to be `into`'s; all of `merged`'s events count for `into`.
    PersonMerged {
        merged: PersonId,
        into: PersonId,
    },
}

impl EventPayload {
    /// Reads a payload whose kind is known from elsewhere (the store keeps it in its own column).
    /// The common kinds are read straight into their struct (the `type` field is ignored), which
    /// skips the buffering an internally tagged enum needs; the rest take the general path. Same
    /// result as `serde_json::from_str::<EventPayload>`.
    pub fn from_json_of_kind(kind: &str, json: &str) -> serde_json::Result<EventPayload> {
        Ok(match kind {
            "measurement" => EventPayload::Measurement(serde_json::from_str(json)?),
            "immunization" => EventPayload::Immunization(serde_json::from_str(json)?),
            "service" => EventPayload::Service(serde_json::from_str(json)?),
            "visit" => EventPayload::Visit(serde_json::from_str(json)?),
            "health_status" => EventPayload::HealthStatus(serde_json::from_str(json)?),
            "referral" => EventPayload::Referral(serde_json::from_str(json)?),
            _ => serde_json::from_str(json)?,
        })
    }

    /// The stored kind code (one per variant).
    pub fn kind(&self) -> &'static str {
        match self {
            EventPayload::Visit(_) => "visit",
            EventPayload::Measurement(_) => "measurement",
            EventPayload::Immunization(_) => "immunization",
            EventPayload::Service(_) => "service",
            EventPayload::DangerSigns { .. } => "danger_signs",
            EventPayload::Referral(_) => "referral",
            EventPayload::HealthStatus(_) => "health_status",
            EventPayload::Note { .. } => "note",
            EventPayload::Void { .. } => "void",
            EventPayload::Amend { .. } => "amend",
            EventPayload::PersonMerged { .. } => "person_merged",
        }
    }
}

/// Where and why a visit happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VisitKind {
    /// The monthly Posyandu day.
    Posyandu,
    /// A kader's or bidan's home visit.
    HomeVisit,
    /// Antenatal contact; `contact` is K1..K6 when known, `by_doctor` for the doctor contacts.
    Anc {
        contact: Option<u8>,
        by_doctor: bool,
    },
    /// Postpartum visit KF1..KF4.
    Kf { number: u8 },
    /// Neonatal visit KN1..KN3.
    Kn { number: u8 },
    /// Anything else (a Pustu visit, a school screening).
    Other,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub kind: VisitKind,
    pub posyandu: Option<PosyanduId>,
    /// Free text place when not a Posyandu ("rumah", "Pustu Oesapa").
    pub place: Option<String>,
    pub pregnancy: Option<PregnancyId>,
}

/// How a child's length or height was taken: WHO switches from length to height at 731 days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeightMethod {
    /// Lying down (panjang badan).
    Recumbent,
    /// Standing (tinggi badan).
    Standing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GlucoseTiming {
    Fasting,
    Random,
    TwoHoursAfterMeal,
}

/// Measurements taken in one visit; any subset may be present, at least one is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    pub weight_kg: Option<f64>,
    pub length_or_height_cm: Option<f64>,
    pub height_method: Option<HeightMethod>,
    pub head_circumference_cm: Option<f64>,
    /// Lingkar lengan atas (LiLA / MUAC).
    pub muac_cm: Option<f64>,
    pub systolic_mmhg: Option<u16>,
    pub diastolic_mmhg: Option<u16>,
    pub blood_glucose_mg_dl: Option<f64>,
    pub glucose_timing: Option<GlucoseTiming>,
}

impl Measurement {
    pub fn is_empty(&self) -> bool {
        self.weight_kg.is_none()
            && self.length_or_height_cm.is_none()
            && self.head_circumference_cm.is_none()
            && self.muac_cm.is_none()
            && self.systolic_mmhg.is_none()
            && self.diastolic_mmhg.is_none()
            && self.blood_glucose_mg_dl.is_none()
    }
}

code_enum!(
    /// Antigens of the national schedule and BIAS (DOMAIN.md section 2).
    Antigen {
        Hb0 = "hb0",
        Bcg = "bcg",
        Opv = "opv",
        DptHbHib = "dpt_hb_hib",
        Pcv = "pcv",
        Rv = "rv",
        Ipv = "ipv",
        Mr = "mr",
        Je = "je",
        Dt = "dt",
        Td = "td",
        Hpv = "hpv",
        Tt = "tt",
    }
);

impl Antigen {
    /// Highest dose number the national schedule gives (boosters count as further doses).
    pub fn max_dose(&self) -> u8 {
        match self {
            Antigen::Hb0 | Antigen::Bcg | Antigen::Je => 1,
            Antigen::Rv | Antigen::Pcv => 3,
            Antigen::Opv | Antigen::DptHbHib => 4,
            Antigen::Ipv | Antigen::Mr | Antigen::Hpv | Antigen::Dt => 2,
            Antigen::Td | Antigen::Tt => 5,
            Antigen::Other(_) => 9,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Immunization {
    pub antigen: Antigen,
    pub dose: u8,
    pub given_on: Date,
    pub batch: Option<String>,
    /// Given somewhere else and recalled from the card or memory.
    pub recorded_from_history: bool,
}

code_enum!(
    /// Services handed out.
    ServiceKind {
        /// Vitamin A 100,000 IU (blue capsule), 6-11 months.
        VitaminABlue = "vitamin_a_blue",
        /// Vitamin A 200,000 IU (red capsule), 12-59 months and postpartum.
        VitaminARed = "vitamin_a_red",
        /// Tablet tambah darah (iron-folic acid).
        IronTablets = "iron_tablets",
        /// Makan Bergizi Gratis food package for the 3B (pregnant, breastfeeding, under-five).
        MbgPackage = "mbg_package",
        /// Pemberian makanan tambahan.
        Pmt = "pmt",
        /// Oralit / zinc for diarrhoea.
        OralitZinc = "oralit_zinc",
        /// Family-planning counselling or method given.
        FamilyPlanning = "family_planning",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub kind: ServiceKind,
    /// Tablets, packages or capsules handed out.
    pub quantity: Option<u32>,
}

code_enum!(
    /// Danger signs from the Buku KIA (pregnancy, postpartum, newborn, child) and adult emergencies.
    DangerSign {
        Bleeding = "bleeding",
        HighFever = "high_fever",
        SevereHeadacheBlurredVision = "severe_headache_blurred_vision",
        Convulsions = "convulsions",
        SwellingFaceHands = "swelling_face_hands",
        ReducedFetalMovement = "reduced_fetal_movement",
        WatersBrokeEarly = "waters_broke_early",
        PersistentVomiting = "persistent_vomiting",
        BreathingDifficulty = "breathing_difficulty",
        FoulDischarge = "foul_discharge",
        NotFeeding = "not_feeding",
        Lethargic = "lethargic",
        FastBreathing = "fast_breathing",
        ChestIndrawing = "chest_indrawing",
        Hypothermia = "hypothermia",
        Jaundice = "jaundice",
        UmbilicalInfection = "umbilical_infection",
        DiarrhoeaDehydration = "diarrhoea_dehydration",
        SevereWasting = "severe_wasting",
        ChestPain = "chest_pain",
        StrokeSigns = "stroke_signs",
        Unconscious = "unconscious",
        SevereMentalCrisis = "severe_mental_crisis",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Referral {
    /// Where the person is referred or was taken ("Puskesmas Oesapa", "RSUD S.K. Lerik").
    pub to: String,
    pub emergency: bool,
    pub reason: Option<String>,
    /// An emergency pick-up (Brigade Kupang Sehat, ambulance) was called.
    pub pickup_called: bool,
    pub pickup_called_at: Option<Timestamp>,
    pub pickup_service: Option<String>,
}

code_enum!(
    /// Long-term conditions the schedules and the family health index follow.
    Condition {
        Hypertension = "hypertension",
        Diabetes = "diabetes",
        Tuberculosis = "tuberculosis",
        /// Gangguan jiwa berat (ODGJ berat).
        SevereMentalIllness = "severe_mental_illness",
    }
);

/// What is known about one condition of a person, as of the event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConditionStatus {
    pub condition: Condition,
    /// Takes treatment regularly (minum obat teratur / berobat sesuai standar); `None` if not asked.
    #[serde(default)]
    pub on_treatment: Option<bool>,
    /// For severe mental illness: restrained (dipasung) or neglected; `None` if not asked.
    #[serde(default)]
    pub neglected: Option<bool>,
    /// The condition no longer applies (TB treatment completed, a wrong earlier answer).
    #[serde(default)]
    pub resolved: bool,
}

/// Answers given on a visit; a field left `None` was not asked and keeps its earlier answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HealthStatus {
    #[serde(default)]
    pub conditions: Vec<ConditionStatus>,
    /// Smokes tobacco in any form (IKS indicator 9 asks it of every household member).
    #[serde(default)]
    pub smokes: Option<bool>,
    /// Uses a family-planning method (a woman of a couple of reproductive age, IKS indicator 1).
    #[serde(default)]
    pub family_planning: Option<bool>,
    /// Asked of an infant's carer: breast milk only for the first six months (IKS indicator 4).
    #[serde(default)]
    pub exclusive_breastfeeding: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_by_kind_gives_what_the_general_reader_gives() {
        let payloads = vec![
            EventPayload::Measurement(Measurement {
                weight_kg: Some(9.6),
                height_method: Some(HeightMethod::Recumbent),
                ..Default::default()
            }),
            EventPayload::Immunization(Immunization {
                antigen: Antigen::Mr,
                dose: 1,
                given_on: time::macros::date!(2026 - 11 - 20),
                batch: Some("MR-1".into()),
                recorded_from_history: false,
            }),
            EventPayload::Service(Service {
                kind: ServiceKind::MbgPackage,
                quantity: Some(1),
            }),
            EventPayload::Visit(Visit {
                kind: VisitKind::Anc {
                    contact: Some(2),
                    by_doctor: true,
                },
                posyandu: None,
                place: Some("rumah".into()),
                pregnancy: None,
            }),
            EventPayload::HealthStatus(HealthStatus {
                smokes: Some(true),
                ..Default::default()
            }),
            EventPayload::Note { text: "x".into() },
        ];
        for p in payloads {
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(
                EventPayload::from_json_of_kind(p.kind(), &json).unwrap(),
                p,
                "{json}"
            );
        }
    }

    #[test]
    fn payloads_round_trip_and_unknown_codes_survive() {
        let p = EventPayload::DangerSigns {
            signs: vec![
                DangerSign::Bleeding,
                DangerSign::Other("new_sign_2027".into()),
            ],
            note: None,
        };
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains("\"type\":\"danger_signs\""));
        assert_eq!(serde_json::from_str::<EventPayload>(&json).unwrap(), p);
        let amend = EventPayload::Amend {
            target: EventId::from_random_bytes([1; 16]),
            replacement: Box::new(EventPayload::Measurement(Measurement {
                weight_kg: Some(9.6),
                ..Default::default()
            })),
            reason: "typo".into(),
        };
        let back: EventPayload =
            serde_json::from_str(&serde_json::to_string(&amend).unwrap()).unwrap();
        assert_eq!(back, amend);
        assert_eq!(back.kind(), "amend");
    }
}
