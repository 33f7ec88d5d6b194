//! What one measurement says about a person, before or after it is recorded: the WHO z-scores
//! and Permenkes categories of a child (see [`crate::growth`]), the KMS code of the weighing
//! against the child's recorded weighings (see [`crate::kms`]), KEK in pregnancy, blood pressure
//! and glucose categories (see [`crate::vitals`]), and the lines a form shows in red, in Bahasa
//! Indonesia.
//!
//! Who gets what:
//!
//! - z-scores: a person with known sex and birth date, from birth to 19 years (228 months), each
//!   indicator where the WHO references cover the age ([`crate::growth`]); nothing for adults.
//! - KMS: a weighing of a child of 0-59 completed months with a known birth date (KMS is the
//!   under-five chart).
//! - KEK: a woman with a pregnancy ongoing on the day ([`pregnancy_on`]) whose LiLA was taken.
//! - Blood pressure and glucose: when measured, by the tables' own age rules.
//!
//! Alerts, in this order: implausible z-scores (measure again), growth categories that need
//! action, KMS referral reasons, KEK, hypertension, glucose. A line appears once even when two
//! indicators give it (gizi buruk by BB/TB and by IMT/U).

use crate::coverage::ANC_PMK_21_2021;
use crate::due::TableRef;
use crate::facts::{PersonFacts, RuleContext};
use crate::growth::{self, Category, GrowthAssessment, GrowthInput, Indicator};
use crate::kms::{self, KmsResult, KmsTables, ReferralReason, WeighingCode};
use crate::vitals::{BpCategory, GlucoseCategory, VitalsTables};
use ilp_model::{Measurement, Pregnancy};
use time::{Date, Duration};

/// Everything one measurement says.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasurementReview {
    /// Age in completed days on the day (`None`: birth date unknown).
    pub age_days: Option<i64>,
    /// The child's z-scores; `None` for adults, or when sex or birth date is unknown, or when no
    /// anthropometric value was given.
    pub growth: Option<GrowthAssessment>,
    /// A weight, length, head or arm circumference was given but sex or birth date is unknown,
    /// so no z-score could be computed.
    pub growth_needs_sex_and_birth: bool,
    /// The KMS result of this weighing (children of 0-59 months with a weight).
    pub kms: Option<KmsResult>,
    /// The pregnancy ongoing on the day.
    pub pregnancy: Option<Pregnancy>,
    /// LiLA below the KEK threshold (pregnant women with a LiLA only).
    pub kek: Option<bool>,
    pub blood_pressure: Option<BpCategory>,
    pub glucose: Option<GlucoseCategory>,
    /// Lines a form shows in red, Bahasa Indonesia.
    pub alerts: Vec<String>,
    /// The rule tables the review followed.
    pub tables: Vec<TableRef>,
}

/// Oldest age (days) the WHO 2007 reference covers: 228 months.
const LAST_GROWTH_DAY: f64 = 228.0 * growth::DAYS_PER_MONTH;

/// The pregnancy of `person` ongoing on `on`: no outcome recorded before `on`, started (HPHT, or
/// EDD − 280 days) on or before `on` when known, and, without an outcome, `on` no later than the
/// EDD plus the days after which an unrecorded pregnancy is taken as ended (PMK 21/2021 table,
/// as the ANC coverage counts it).
pub fn pregnancy_on<'a>(
    person: &'a PersonFacts,
    on: Date,
    ctx: &RuleContext,
) -> Option<&'a Pregnancy> {
    let ended_after = Duration::days(ANC_PMK_21_2021.ended_days_after_edd);
    person.pregnancies.iter().rev().find(|p| {
        let start = p.hpht.or(p.edd.map(|e| e - Duration::days(280)));
        if start.is_some_and(|s| s > on) {
            return false;
        }
        match &p.outcome {
            Some(o) => o.at.date_at(ctx.offset) > on,
            None => p
                .edd
                .or(start.map(|s| s + Duration::days(280)))
                .is_none_or(|edd| on <= edd + ended_after),
        }
    })
}

/// Reviews `m`, taken on `on`, for `person` with their recorded history. `m` is a measurement
/// that passed the plausibility limits (the store checks it first).
pub fn review(
    person: &PersonFacts,
    on: Date,
    m: &Measurement,
    ctx: &RuleContext,
    kms_tables: &KmsTables,
    vitals: &VitalsTables,
) -> MeasurementReview {
    let birth = person.person.birth;
    let age_days = birth.map(|b| b.age_days(on));
    let anthropometric = m.weight_kg.is_some()
        || m.length_or_height_cm.is_some()
        || m.head_circumference_cm.is_some()
        || m.muac_cm.is_some();
    let mut tables = Vec::new();

    let child_age = age_days.filter(|&d| d >= 0 && (d as f64) <= LAST_GROWTH_DAY);
    let growth = match (person.person.sex, child_age) {
        (Some(sex), Some(age)) if anthropometric => {
            growth::assess(&GrowthInput::from_measurement(sex, age, m)).ok()
        }
        _ => None,
    };
    if let Some(g) = &growth {
        tables.push(g.categories);
    }
    let growth_needs_sex_and_birth = anthropometric
        && (person.person.sex.is_none() || birth.is_none())
        && age_days.is_none_or(|d| d as f64 <= LAST_GROWTH_DAY);

    let kms = match (birth, m.weight_kg) {
        (Some(b), Some(kg)) if (0..60).contains(&b.age_months(on)) && age_days >= Some(0) => {
            kms::assess_new_weighing(person, ctx, on, kg, kms_tables)
        }
        _ => None,
    };
    if let Some(k) = &kms {
        tables.push(k.kbm_table);
        tables.push(k.lines_table);
    }

    let pregnancy = pregnancy_on(person, on, ctx).cloned();
    let kek = match (&pregnancy, m.muac_cm) {
        (Some(_), Some(muac)) => {
            tables.push(vitals.kek.table);
            Some(vitals.kek.is_kek(muac))
        }
        _ => None,
    };
    let blood_pressure = match (m.systolic_mmhg, m.diastolic_mmhg) {
        (Some(s), Some(d)) => {
            let years = birth.map(|b| b.age_years(on));
            let c = vitals.bp.classify(s, d, years, pregnancy.is_some());
            if c.is_some() {
                tables.push(vitals.bp.table);
            }
            c
        }
        _ => None,
    };
    let glucose = m.blood_glucose_mg_dl.and_then(|g| {
        let c = vitals.glucose.classify(g, m.glucose_timing, age_days);
        if c.is_some() {
            tables.push(vitals.glucose.table);
        }
        c
    });

    let mut out = MeasurementReview {
        age_days,
        growth,
        growth_needs_sex_and_birth,
        kms,
        pregnancy,
        kek,
        blood_pressure,
        glucose,
        alerts: Vec::new(),
        tables,
    };
    out.alerts = alerts(&out, vitals);
    out
}

/// The index's short name, as forms print it.
pub fn indicator_short_id(i: Indicator) -> &'static str {
    match i {
        Indicator::WeightForAge => "BB/U",
        Indicator::LengthForAge => "PB/U atau TB/U",
        Indicator::WeightForLength => "BB/PB atau BB/TB",
        Indicator::BmiForAge => "IMT/U",
        Indicator::HeadForAge => "LK/U",
        Indicator::MuacForAge => "LiLA/U",
    }
}

/// The red line a growth category calls for, if any.
pub fn category_alert_id(c: Category) -> Option<&'static str> {
    Some(match c {
        Category::SeverelyUnderweight => "Berat badan sangat kurang (BB/U): rujuk ke Puskesmas",
        Category::Underweight => "Berat badan kurang (BB/U)",
        Category::SeverelyStunted => "Sangat pendek (PB/U atau TB/U): rujuk ke Puskesmas",
        Category::Stunted => "Pendek/stunting (PB/U atau TB/U): rujuk ke Puskesmas",
        Category::SeverelyWasted | Category::SeverelyThin => "Gizi buruk: rujuk ke Puskesmas",
        Category::Wasted | Category::Thin => "Gizi kurang",
        Category::Overweight => "Gizi lebih",
        Category::Obese => "Obesitas",
        Category::Microcephaly => "Mikrosefali (LK/U di bawah −2 SD): rujuk ke Puskesmas",
        Category::Macrocephaly => "Makrosefali (LK/U di atas +2 SD): rujuk ke Puskesmas",
        Category::NormalWeight
        | Category::RiskOfOverweight
        | Category::NormalHeight
        | Category::Tall
        | Category::Normal
        | Category::PossibleRiskOfOverweight
        | Category::NormalHeadCircumference => return None,
    })
}

/// The red line of a KMS referral reason.
pub fn kms_alert_id(r: ReferralReason) -> &'static str {
    match r {
        ReferralReason::TwoT => "2T: tidak naik 2 kali berturut-turut, rujuk ke Puskesmas",
        ReferralReason::T => "T: berat badan tidak naik, rujuk ke Puskesmas",
        ReferralReason::Bgm => "BGM: di bawah garis merah, rujuk ke Puskesmas",
        ReferralReason::AboveOrange => "Di atas garis oranye: rujuk ke Puskesmas",
    }
}

fn alerts(r: &MeasurementReview, vitals: &VitalsTables) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    if let Some(g) = &r.growth {
        for s in g.scores.iter().filter(|s| s.flagged) {
            push(format!(
                "Periksa ulang {}: di luar batas wajar WHO (salah ukur atau salah ketik?)",
                indicator_short_id(s.indicator)
            ));
        }
        for s in &g.scores {
            if let Some(line) = s.category.and_then(category_alert_id) {
                push(line.to_string());
            }
        }
    }
    if let Some(k) = &r.kms {
        for reason in k.referral_reasons() {
            // 2T says T already.
            if reason == ReferralReason::T && k.two_t {
                continue;
            }
            push(kms_alert_id(reason).to_string());
        }
        debug_assert!(!k.two_t || k.code == WeighingCode::T);
    }
    if r.kek == Some(true) {
        push(format!(
            "KEK: LiLA di bawah {} cm, rujuk ke bidan/Puskesmas",
            decimal_id(vitals.kek.below_cm)
        ));
    }
    if r.blood_pressure == Some(BpCategory::Hypertension) {
        push(if r.pregnancy.is_some() {
            "Hipertensi dalam kehamilan: segera rujuk ke bidan/Puskesmas".to_string()
        } else {
            "Hipertensi: rujuk ke Puskesmas".to_string()
        });
    }
    match r.glucose {
        Some(GlucoseCategory::Diabetes) => {
            push("Gula darah tinggi: rujuk ke Puskesmas".to_string())
        }
        Some(GlucoseCategory::Low) => {
            push("Gula darah rendah (hipoglikemia): segera rujuk".to_string())
        }
        _ => {}
    }
    out
}

/// A number with the Indonesian decimal comma ("23,5").
fn decimal_id(x: f64) -> String {
    format!("{x}").replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ilp_model::{
        BirthDate, DeviceId, Event, EventId, EventPayload, Person, PersonId, PregnancyId,
        PregnancyOutcome, Sex, Timestamp, UserId, pregnancy::OutcomeKind,
    };
    use time::macros::{date, offset};

    const TODAY: Date = date!(2026 - 03 - 15);

    fn ctx() -> RuleContext {
        RuleContext::new(TODAY, offset!(+8))
    }

    fn person(sex: Option<Sex>, birth: Option<Date>) -> PersonFacts {
        PersonFacts::new(Person {
            id: PersonId::from_random_bytes([1; 16]),
            household: None,
            name: None,
            sex,
            birth: birth.map(BirthDate::exact),
            nik: None,
            phone: None,
            relation: None,
            mother: None,
            description: None,
            merged_into: None,
        })
    }

    fn at(on: Date) -> Timestamp {
        Timestamp::from_datetime(on.with_hms(10, 0, 0).unwrap().assume_offset(offset!(+8)))
    }

    fn weigh(p: &mut PersonFacts, on: Date, kg: f64) {
        let n = p.events.len() as u8;
        p.events.push(Event {
            id: EventId::from_random_bytes([n; 16]),
            person: p.person.id,
            visit: None,
            recorded_by: UserId::from_random_bytes([2; 16]),
            device: DeviceId::from_random_bytes([3; 16]),
            occurred_at: at(on),
            recorded_at: at(on),
            payload: EventPayload::Measurement(Measurement {
                weight_kg: Some(kg),
                ..Default::default()
            }),
        });
    }

    fn run(p: &PersonFacts, on: Date, m: Measurement) -> MeasurementReview {
        review(
            p,
            on,
            &m,
            &ctx(),
            &KmsTables::default(),
            &VitalsTables::default(),
        )
    }

    fn pregnancy(hpht: Date, outcome: Option<Date>) -> Pregnancy {
        Pregnancy {
            id: PregnancyId::from_random_bytes([9; 16]),
            person: PersonId::from_random_bytes([1; 16]),
            hpht: Some(hpht),
            edd: Some(hpht + Duration::days(280)),
            outcome: outcome.map(|d| PregnancyOutcome {
                kind: OutcomeKind::LiveBirth,
                at: at(d),
                place: None,
                place_kind: None,
            }),
        }
    }

    #[test]
    fn a_second_flat_month_is_2t_and_alerts_once() {
        let mut p = person(Some(Sex::Male), Some(date!(2025 - 06 - 01)));
        weigh(&mut p, date!(2026 - 01 - 10), 8.0);
        weigh(&mut p, date!(2026 - 02 - 10), 8.1);
        let r = run(
            &p,
            TODAY,
            Measurement {
                weight_kg: Some(8.1),
                ..Default::default()
            },
        );
        let k = r.kms.unwrap();
        assert_eq!(k.code, WeighingCode::T);
        assert!(k.two_t);
        assert_eq!(k.compared_with, Some(date!(2026 - 02 - 10)));
        assert!(r.alerts.iter().any(|a| a.starts_with("2T")));
        assert!(!r.alerts.iter().any(|a| a.starts_with("T:")), "2T says T");
        assert_eq!(
            r.growth
                .unwrap()
                .score(Indicator::WeightForAge)
                .map(|s| s.indicator),
            Some(Indicator::WeightForAge)
        );
    }

    #[test]
    fn the_review_matches_the_kms_of_the_recorded_weighing() {
        let mut p = person(Some(Sex::Female), Some(date!(2025 - 09 - 01)));
        weigh(&mut p, date!(2026 - 02 - 03), 6.0);
        let r = run(
            &p,
            TODAY,
            Measurement {
                weight_kg: Some(6.9),
                ..Default::default()
            },
        );
        weigh(&mut p, TODAY, 6.9);
        let after = kms::assess(
            date!(2025 - 09 - 01),
            &kms::weighings_with_wfa(&p, &ctx()),
            &KmsTables::default(),
        );
        assert_eq!(r.kms, after.last().copied());
        assert_eq!(r.kms.unwrap().code, WeighingCode::N);
    }

    #[test]
    fn severe_wasting_and_implausible_values_alert() {
        let p = person(Some(Sex::Male), Some(date!(2024 - 03 - 15)));
        // 24 months, 87 cm, 9.3 kg: BB/PB below −3 SD.
        let r = run(
            &p,
            TODAY,
            Measurement {
                weight_kg: Some(9.3),
                length_or_height_cm: Some(87.0),
                ..Default::default()
            },
        );
        let g = r.growth.as_ref().unwrap();
        assert_eq!(
            g.category(Indicator::WeightForLength),
            Some(Category::SeverelyWasted)
        );
        assert_eq!(
            r.alerts
                .iter()
                .filter(|a| *a == "Gizi buruk: rujuk ke Puskesmas")
                .count(),
            1
        );
        let r = run(
            &p,
            TODAY,
            Measurement {
                length_or_height_cm: Some(130.0),
                ..Default::default()
            },
        );
        assert!(r.growth.unwrap().scores[0].flagged);
        assert!(r.alerts[0].starts_with("Periksa ulang PB/U atau TB/U"));
    }

    #[test]
    fn adults_get_vitals_and_no_growth() {
        let p = person(Some(Sex::Male), Some(date!(1970 - 01 - 01)));
        let r = run(
            &p,
            TODAY,
            Measurement {
                weight_kg: Some(70.0),
                length_or_height_cm: Some(168.0),
                systolic_mmhg: Some(150),
                diastolic_mmhg: Some(85),
                blood_glucose_mg_dl: Some(230.0),
                ..Default::default()
            },
        );
        assert!(r.growth.is_none() && r.kms.is_none() && r.kek.is_none());
        assert!(!r.growth_needs_sex_and_birth);
        assert_eq!(r.blood_pressure, Some(BpCategory::Hypertension));
        assert_eq!(r.glucose, Some(GlucoseCategory::Diabetes));
        assert_eq!(
            r.alerts,
            vec![
                "Hipertensi: rujuk ke Puskesmas".to_string(),
                "Gula darah tinggi: rujuk ke Puskesmas".to_string()
            ]
        );
    }

    #[test]
    fn kek_only_in_an_ongoing_pregnancy() {
        let mut p = person(Some(Sex::Female), Some(date!(1998 - 05 - 05)));
        let lila = Measurement {
            muac_cm: Some(22.0),
            systolic_mmhg: Some(145),
            diastolic_mmhg: Some(92),
            ..Default::default()
        };
        let r = run(&p, TODAY, lila.clone());
        assert_eq!(r.kek, None);
        p.pregnancies.push(pregnancy(date!(2025 - 11 - 01), None));
        let r = run(&p, TODAY, lila.clone());
        assert_eq!(r.kek, Some(true));
        assert!(
            r.alerts
                .contains(&"KEK: LiLA di bawah 23,5 cm, rujuk ke bidan/Puskesmas".to_string())
        );
        assert!(
            r.alerts
                .iter()
                .any(|a| a.starts_with("Hipertensi dalam kehamilan"))
        );
        let r = run(
            &p,
            TODAY,
            Measurement {
                muac_cm: Some(23.5),
                ..Default::default()
            },
        );
        assert_eq!(r.kek, Some(false));
        assert!(r.alerts.is_empty());
        // Delivered before the day: no longer pregnant.
        p.pregnancies[0] = pregnancy(date!(2025 - 05 - 01), Some(date!(2026 - 02 - 01)));
        assert_eq!(run(&p, TODAY, lila.clone()).kek, None);
        // No outcome recorded, long past the EDD + 42 days.
        p.pregnancies[0] = pregnancy(date!(2025 - 01 - 01), None);
        assert_eq!(run(&p, TODAY, lila).kek, None);
    }

    #[test]
    fn unknown_sex_or_birth_says_so() {
        let p = person(None, Some(date!(2025 - 01 - 01)));
        let r = run(
            &p,
            TODAY,
            Measurement {
                weight_kg: Some(9.0),
                ..Default::default()
            },
        );
        assert!(r.growth.is_none());
        assert!(r.growth_needs_sex_and_birth);
        // KMS needs only the birth date (no BGM without sex).
        assert_eq!(r.kms.unwrap().code, WeighingCode::B);
        let r = run(
            &person(Some(Sex::Female), None),
            TODAY,
            Measurement {
                weight_kg: Some(9.0),
                ..Default::default()
            },
        );
        assert!(r.kms.is_none() && r.growth_needs_sex_and_birth);
    }
}
