//! The family health index (Indeks Keluarga Sehat, IKS) of PIS-PK (Permenkes 39/2016, DOMAIN.md
//! section 7): the twelve indicators of one household as yes, no, not applicable or not asked
//! yet, the persons behind each answer, the score and the class.
//!
//! # Where each answer comes from
//!
//! Applicability follows the PIS-PK operational definitions ("Definisi operasional 12 indikator
//! keluarga sehat", Kemenkes 2016 training material; age bands in [`IKS_BANDS_PIS_PK_2016`]):
//!
//! | # | applies when the family has | yes when | data |
//! |---|---|---|---|
//! | 1 | a couple of reproductive age (wife 15–49 y) | the couple uses family planning | `HealthStatus::family_planning` of the wife, else the husband |
//! | 2 | a mother who delivered in the last 0–11 months | the delivery was at a health facility | the pregnancy outcome's `place_kind` |
//! | 3 | an infant of 12–23 months | the infant has complete basic immunization | immunizations vs an [`IdlSet`] |
//! | 4 | an infant of 7–23 months | breast milk only for 0–6 months | `HealthStatus::exclusive_breastfeeding` of the infant |
//! | 5 | a child of 2–59 months | weighed last month | weight measurements |
//! | 6 | a member ≥ 15 y with TB | treated to standard | `ConditionStatus::on_treatment` |
//! | 7 | a member ≥ 15 y with hypertension | treated regularly | `ConditionStatus::on_treatment` |
//! | 8 | a member with severe mental illness | treated and not neglected or shackled | `on_treatment`, `neglected` |
//! | 9 | always | no member smokes | `HealthStatus::smokes` of members ≥ 15 y (younger only if answered) |
//! | 10 | always | the whole family is in JKN | `Household::jkn` (PBI or non-PBI; partial is no) |
//! | 11 | always | access to clean water | `Household::clean_water` |
//! | 12 | always | access to and use of a healthy latrine | `Household::healthy_latrine` |
//!
//! Decisions where the definitions leave a gap:
//!
//! - **Not asked yet.** An indicator that applies but lacks an answer for someone is "belum
//!   ditanyakan". Then the household has no score and no class ([`IksResult::score`] is `None`),
//!   because PIS-PK scores only complete family data and a score over the answered indicators
//!   would flatter a household whose hard questions were skipped. [`IksResult::answered_score`]
//!   gives that partial figure, labelled as such, for a kader's progress view.
//! - **Records, not recall.** Indicators 3 and 5 read the app's records: a missing weighing last
//!   month is "no". A child of 12–23 months with no immunization recorded at all is "not asked
//!   yet" (the card has not been copied in), not "no"; with some doses recorded, a missing dose is
//!   "no". The IDL age limit does not apply here (the definition asks only whether the infant has
//!   received the doses). Indicator 5 also accepts a weighing in the current month, which answers
//!   the same question more recently.
//! - **The couple (1).** A woman of 15–49 years is one half of a couple when she is the head or the
//!   spouse in a household that has both a head and a spouse, or when a family-planning answer was
//!   recorded for her (the kader judged her part of a couple). Pregnancy does not change the
//!   answer (whether a pregnant wife counts as "ber-KB" is not settled in the sources read).
//! - **Several persons.** A person-level indicator is "no" when anyone's answer is no, else "not
//!   asked yet" when anyone's is missing, else "yes".
//! - **As of a date.** Events and deliveries after `ctx.today` are ignored, so a past month can be
//!   scored; household fields (JKN, water, latrine) have no history and are read as they are now.
//! - Members whose birth date is unknown are left out of the age-banded child indicators and
//!   counted as adults for smoking, TB and hypertension.

use crate::due::TableRef;
use crate::facts::{HouseholdFacts, PersonFacts, RuleContext};
use crate::idl::{IDL_WITH_IPV, IdlSet};
use crate::kms::{first_of_month, previous_month};
use ilp_model::{
    BirthDate, Condition, DeliveryPlace, Event, EventPayload, HealthStatus, HouseholdId, JknStatus,
    PersonId, Relation, Sex, pregnancy::OutcomeKind,
};
use serde::Serialize;
use time::Date;

/// The twelve PIS-PK indicators, in their official order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Indicator {
    FamilyPlanning,
    FacilityDelivery,
    CompleteBasicImmunization,
    ExclusiveBreastfeeding,
    GrowthMonitoring,
    TuberculosisTreatment,
    HypertensionTreatment,
    MentalIllnessTreated,
    NoSmoking,
    Jkn,
    CleanWater,
    HealthyLatrine,
}

impl Indicator {
    pub const ALL: [Indicator; 12] = [
        Indicator::FamilyPlanning,
        Indicator::FacilityDelivery,
        Indicator::CompleteBasicImmunization,
        Indicator::ExclusiveBreastfeeding,
        Indicator::GrowthMonitoring,
        Indicator::TuberculosisTreatment,
        Indicator::HypertensionTreatment,
        Indicator::MentalIllnessTreated,
        Indicator::NoSmoking,
        Indicator::Jkn,
        Indicator::CleanWater,
        Indicator::HealthyLatrine,
    ];

    /// 1..=12 as PIS-PK numbers them.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    pub fn code(self) -> &'static str {
        match self {
            Indicator::FamilyPlanning => "iks1_kb",
            Indicator::FacilityDelivery => "iks2_persalinan_faskes",
            Indicator::CompleteBasicImmunization => "iks3_idl",
            Indicator::ExclusiveBreastfeeding => "iks4_asi_eksklusif",
            Indicator::GrowthMonitoring => "iks5_pemantauan_pertumbuhan",
            Indicator::TuberculosisTreatment => "iks6_tb",
            Indicator::HypertensionTreatment => "iks7_hipertensi",
            Indicator::MentalIllnessTreated => "iks8_gangguan_jiwa",
            Indicator::NoSmoking => "iks9_tidak_merokok",
            Indicator::Jkn => "iks10_jkn",
            Indicator::CleanWater => "iks11_air_bersih",
            Indicator::HealthyLatrine => "iks12_jamban_sehat",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Indicator::FamilyPlanning => "Keluarga mengikuti program KB",
            Indicator::FacilityDelivery => "Ibu bersalin di fasilitas kesehatan",
            Indicator::CompleteBasicImmunization => "Bayi mendapat imunisasi dasar lengkap",
            Indicator::ExclusiveBreastfeeding => "Bayi mendapat ASI eksklusif",
            Indicator::GrowthMonitoring => "Balita mendapat pemantauan pertumbuhan",
            Indicator::TuberculosisTreatment => "Penderita TB paru berobat sesuai standar",
            Indicator::HypertensionTreatment => "Penderita hipertensi berobat teratur",
            Indicator::MentalIllnessTreated => {
                "Penderita gangguan jiwa berat diobati dan tidak ditelantarkan"
            }
            Indicator::NoSmoking => "Tidak ada anggota keluarga yang merokok",
            Indicator::Jkn => "Keluarga menjadi anggota JKN",
            Indicator::CleanWater => "Keluarga mempunyai akses air bersih",
            Indicator::HealthyLatrine => "Keluarga mempunyai akses atau menggunakan jamban sehat",
        }
    }
}

/// One indicator's answer for a household or one person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Answer {
    Yes,
    No,
    NotApplicable,
    /// Applies, but the answer is not recorded yet.
    NotAskedYet,
}

impl Answer {
    pub fn code(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::NotApplicable => "not_applicable",
            Answer::NotAskedYet => "not_asked_yet",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Answer::Yes => "Ya",
            Answer::No => "Tidak",
            Answer::NotApplicable => "Tidak berlaku",
            Answer::NotAskedYet => "Belum ditanyakan",
        }
    }

    fn from_bool(b: Option<bool>) -> Answer {
        match b {
            Some(true) => Answer::Yes,
            Some(false) => Answer::No,
            None => Answer::NotAskedYet,
        }
    }
}

/// What one person contributes to an indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PersonAnswer {
    pub person: PersonId,
    /// `Yes`, `No` or `NotAskedYet`.
    pub answer: Answer,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndicatorResult {
    pub indicator: Indicator,
    pub answer: Answer,
    /// The persons the indicator applies to, with their own answers; empty for the household-level
    /// indicators 10–12 (the household itself is behind them) and when not applicable.
    pub persons: Vec<PersonAnswer>,
}

/// The IKS class of a complete household.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum IksClass {
    /// IKS > 0.800.
    Healthy,
    /// 0.500 ≤ IKS ≤ 0.800.
    PreHealthy,
    /// IKS < 0.500.
    Unhealthy,
}

impl IksClass {
    pub const ALL: [IksClass; 3] = [IksClass::Healthy, IksClass::PreHealthy, IksClass::Unhealthy];

    pub fn code(self) -> &'static str {
        match self {
            IksClass::Healthy => "healthy",
            IksClass::PreHealthy => "pre_healthy",
            IksClass::Unhealthy => "unhealthy",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            IksClass::Healthy => "Keluarga sehat",
            IksClass::PreHealthy => "Keluarga pra-sehat",
            IksClass::Unhealthy => "Keluarga tidak sehat",
        }
    }

    /// The class of `yes` out of `applicable` indicators, in exact integer arithmetic so that
    /// 8/10 lands on 0.800 (pre-healthy) and not a rounding error away. `None` if nothing applies.
    pub fn of_counts(yes: u32, applicable: u32) -> Option<IksClass> {
        if applicable == 0 {
            return None;
        }
        let per_mille = u64::from(yes) * 1000;
        let n = u64::from(applicable);
        Some(if per_mille > 800 * n {
            IksClass::Healthy
        } else if per_mille >= 500 * n {
            IksClass::PreHealthy
        } else {
            IksClass::Unhealthy
        })
    }
}

/// One household's index.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IksResult {
    pub household: HouseholdId,
    /// All twelve, in PIS-PK order.
    pub indicators: Vec<IndicatorResult>,
    pub yes: u32,
    pub no: u32,
    pub not_applicable: u32,
    pub not_asked_yet: u32,
    /// yes / (12 − not applicable); `None` while any applicable indicator is not asked yet.
    pub score: Option<f64>,
    pub class: Option<IksClass>,
    /// yes / (yes + no): a progress figure over what has been answered, never a class.
    pub answered_score: Option<f64>,
    pub bands: TableRef,
    pub idl: TableRef,
}

impl IksResult {
    pub fn indicator(&self, indicator: Indicator) -> &IndicatorResult {
        &self.indicators[indicator as usize]
    }

    /// Every applicable indicator is answered.
    pub fn is_complete(&self) -> bool {
        self.not_asked_yet == 0
    }
}

/// Age bands of the PIS-PK operational definitions, inclusive at both ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IksBands {
    pub table: TableRef,
    pub effective_from: Date,
    pub source: &'static str,
    /// Wife of a couple of reproductive age (PUS), years.
    pub couple_woman_years: (i32, i32),
    /// Age of the baby since the last delivery, months (indicator 2).
    pub delivery_months: (i32, i32),
    /// Infants judged for complete basic immunization, months (indicator 3).
    pub immunization_months: (i32, i32),
    /// Infants asked about exclusive breastfeeding, months (indicator 4).
    pub breastfeeding_months: (i32, i32),
    /// Children weighed monthly, months (indicator 5).
    pub growth_months: (i32, i32),
    /// Youngest TB and hypertension patients counted, years (indicators 6, 7).
    pub patient_min_years: i32,
    /// Youngest member asked about smoking, years (indicator 9; younger members count only when
    /// an answer was recorded for them).
    pub smoking_min_years: i32,
}

/// PIS-PK operational definitions (Kemenkes 2016, "Definisi operasional 12 indikator keluarga
/// sehat"): PUS wife 15–49 y · mother after delivery with a baby of 0–11 mo · infant 12–23 mo
/// for IDL · infant 7–23 mo for exclusive breastfeeding · balita 2–59 mo weighed last month ·
/// TB and hypertension patients ≥ 15 y. Smoking from 15 y is this project's choice (the definition
/// asks about every member).
pub const IKS_BANDS_PIS_PK_2016: IksBands = IksBands {
    table: TableRef {
        id: "iks.bands.pis_pk_2016",
        version: 1,
    },
    effective_from: time::macros::date!(2016 - 01 - 01),
    source: "PIS-PK definisi operasional 12 indikator keluarga sehat (Permenkes 39/2016 guide)",
    couple_woman_years: (15, 49),
    delivery_months: (0, 11),
    immunization_months: (12, 23),
    breastfeeding_months: (7, 23),
    growth_months: (2, 59),
    patient_min_years: 15,
    smoking_min_years: 15,
};

/// The tables one IKS evaluation uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IksTables {
    pub bands: IksBands,
    pub idl: IdlSet,
}

impl Default for IksTables {
    fn default() -> Self {
        Self {
            bands: IKS_BANDS_PIS_PK_2016,
            idl: IDL_WITH_IPV,
        }
    }
}

fn in_band(value: i32, (lo, hi): (i32, i32)) -> bool {
    lo <= value && value <= hi
}

/// The first instant after `day` in the local offset: an event is on or before `day` exactly when
/// it happened before this (an integer comparison instead of a date conversion per event).
pub(crate) fn end_of_day(day: Date, offset: time::UtcOffset) -> ilp_model::Timestamp {
    let next = day.next_day().unwrap_or(day);
    ilp_model::Timestamp::from_datetime(next.midnight().assume_offset(offset))
}

/// A person's events up to the evaluation date.
fn events_until<'a>(p: &'a PersonFacts, ctx: &'a RuleContext) -> impl Iterator<Item = &'a Event> {
    let cutoff = end_of_day(ctx.today, ctx.offset);
    p.events.iter().filter(move |e| e.occurred_at < cutoff)
}

/// The latest recorded answer to one health-status question, up to the evaluation date.
fn latest_answer(
    p: &PersonFacts,
    ctx: &RuleContext,
    question: impl Fn(&HealthStatus) -> Option<bool>,
) -> Option<bool> {
    let mut latest = None;
    for e in events_until(p, ctx) {
        if let EventPayload::HealthStatus(h) = &e.payload
            && let Some(a) = question(h)
        {
            latest = Some(a);
        }
    }
    latest
}

/// A condition as known on the evaluation date: each field keeps its latest recorded value and a
/// `resolved` entry clears everything before it. `None` when the condition does not apply.
fn condition_as_of(
    p: &PersonFacts,
    ctx: &RuleContext,
    condition: &Condition,
) -> Option<(Option<bool>, Option<bool>)> {
    let mut state: Option<(Option<bool>, Option<bool>)> = None;
    for e in events_until(p, ctx) {
        if let EventPayload::HealthStatus(h) = &e.payload {
            for c in h.conditions.iter().filter(|c| &c.condition == condition) {
                if c.resolved {
                    state = None;
                } else {
                    let (treated, neglected) = state.unwrap_or((None, None));
                    state = Some((c.on_treatment.or(treated), c.neglected.or(neglected)));
                }
            }
        }
    }
    state
}

fn age_months(p: &PersonFacts, on: Date) -> Option<i32> {
    p.person
        .birth
        .map(|b| BirthDate::exact(b.date).age_months(on))
        .filter(|m| *m >= 0)
}

fn age_years(p: &PersonFacts, on: Date) -> Option<i32> {
    age_months(p, on).map(|m| m.div_euclid(12))
}

/// Combines persons' answers: any no → no; any missing → not asked yet; all yes → yes; nobody →
/// not applicable.
fn combine(indicator: Indicator, persons: Vec<PersonAnswer>) -> IndicatorResult {
    let answer = if persons.is_empty() {
        Answer::NotApplicable
    } else if persons.iter().any(|p| p.answer == Answer::No) {
        Answer::No
    } else if persons.iter().any(|p| p.answer == Answer::NotAskedYet) {
        Answer::NotAskedYet
    } else {
        Answer::Yes
    };
    IndicatorResult {
        indicator,
        answer,
        persons,
    }
}

fn household_level(indicator: Indicator, answer: Answer) -> IndicatorResult {
    IndicatorResult {
        indicator,
        answer,
        persons: Vec::new(),
    }
}

/// The family health index of one household on `ctx.today`.
pub fn assess(household: &HouseholdFacts, ctx: &RuleContext, tables: &IksTables) -> IksResult {
    let bands = &tables.bands;
    let today = ctx.today;
    let members = &household.members;
    let pa = |p: &PersonFacts, answer: Answer| PersonAnswer {
        person: p.person.id,
        answer,
    };

    // 1. Family planning of couples of reproductive age.
    let has_relation = |r: Relation| {
        members
            .iter()
            .any(|m| m.person.relation.as_ref() == Some(&r))
    };
    let is_couple_household = has_relation(Relation::Head) && has_relation(Relation::Spouse);
    let family_planning = members
        .iter()
        .filter(|m| m.person.sex == Some(Sex::Female))
        .filter(|m| age_years(m, today).is_some_and(|y| in_band(y, bands.couple_woman_years)))
        .filter_map(|woman| {
            let own = latest_answer(woman, ctx, |h| h.family_planning);
            let in_couple = is_couple_household
                && matches!(
                    woman.person.relation,
                    Some(Relation::Head) | Some(Relation::Spouse)
                );
            if own.is_none() && !in_couple {
                return None;
            }
            let partner = || {
                members
                    .iter()
                    .filter(|m| m.person.sex == Some(Sex::Male))
                    .filter(|m| {
                        matches!(
                            (&woman.person.relation, &m.person.relation),
                            (Some(Relation::Head), Some(Relation::Spouse))
                                | (Some(Relation::Spouse), Some(Relation::Head))
                        )
                    })
                    .find_map(|m| latest_answer(m, ctx, |h| h.family_planning))
            };
            Some(pa(woman, Answer::from_bool(own.or_else(partner))))
        })
        .collect();

    // 2. Place of the last delivery, for mothers whose baby is 0-11 months old.
    let mut mothers = Vec::new();
    for m in members {
        let last_delivery = m
            .pregnancies
            .iter()
            .filter_map(|p| p.outcome.as_ref())
            .filter(|o| matches!(o.kind, OutcomeKind::LiveBirth | OutcomeKind::Stillbirth))
            .map(|o| (o.at.date_at(ctx.offset), o))
            .filter(|(on, _)| *on <= today)
            .max_by_key(|(on, _)| *on);
        if let Some((on, outcome)) = last_delivery
            && in_band(
                BirthDate::exact(on).age_months(today),
                bands.delivery_months,
            )
        {
            let answer = match &outcome.place_kind {
                Some(DeliveryPlace::HealthFacility) => Answer::Yes,
                Some(DeliveryPlace::Home) | Some(DeliveryPlace::OnTheWay) => Answer::No,
                Some(DeliveryPlace::Other(_)) | None => Answer::NotAskedYet,
            };
            mothers.push(pa(m, answer));
        }
    }
    if mothers.is_empty() {
        // A baby of that age with no delivery recorded in the household: the delivery applies
        // but its place is unknown.
        mothers = members
            .iter()
            .filter(|m| age_months(m, today).is_some_and(|a| in_band(a, bands.delivery_months)))
            .map(|m| pa(m, Answer::NotAskedYet))
            .collect();
    }

    // 3. Complete basic immunization of infants 12-23 months.
    let immunization = members
        .iter()
        .filter(|m| age_months(m, today).is_some_and(|a| in_band(a, bands.immunization_months)))
        .map(|infant| {
            let doses: Vec<_> = events_until(infant, ctx)
                .filter_map(|e| match &e.payload {
                    EventPayload::Immunization(i) => Some((i.antigen.clone(), i.dose, i.given_on)),
                    _ => None,
                })
                .filter(|(_, _, on)| *on <= today)
                .collect();
            let answer = if doses.is_empty() {
                Answer::NotAskedYet
            } else if tables.idl.completed_on(doses).is_some() {
                Answer::Yes
            } else {
                Answer::No
            };
            pa(infant, answer)
        })
        .collect();

    // 4. Exclusive breastfeeding of infants 7-23 months.
    let breastfeeding = members
        .iter()
        .filter(|m| age_months(m, today).is_some_and(|a| in_band(a, bands.breastfeeding_months)))
        .map(|infant| {
            pa(
                infant,
                Answer::from_bool(latest_answer(infant, ctx, |h| h.exclusive_breastfeeding)),
            )
        })
        .collect();

    // 5. Growth monitoring: weighed last month (or already this month).
    let last_month = previous_month(today);
    let growth = members
        .iter()
        .filter(|m| age_months(m, today).is_some_and(|a| in_band(a, bands.growth_months)))
        .map(|child| {
            let weighed = events_until(child, ctx).any(|e| {
                matches!(&e.payload, EventPayload::Measurement(m) if m.weight_kg.is_some())
                    && first_of_month(ctx.date_of(e)) >= last_month
            });
            pa(child, if weighed { Answer::Yes } else { Answer::No })
        })
        .collect();

    // 6-7. TB and hypertension patients treated.
    let patients = |condition: Condition| -> Vec<PersonAnswer> {
        members
            .iter()
            .filter(|m| age_years(m, today).is_none_or(|y| y >= bands.patient_min_years))
            .filter_map(|m| {
                condition_as_of(m, ctx, &condition)
                    .map(|(treated, _)| pa(m, Answer::from_bool(treated)))
            })
            .collect()
    };
    let tb = patients(Condition::Tuberculosis);
    let hypertension = patients(Condition::Hypertension);

    // 8. Severe mental illness: treated and neither neglected nor shackled.
    let mental = members
        .iter()
        .filter_map(|m| {
            condition_as_of(m, ctx, &Condition::SevereMentalIllness).map(|(treated, neglected)| {
                let answer = match (treated, neglected) {
                    (Some(false), _) | (_, Some(true)) => Answer::No,
                    (Some(true), Some(false)) => Answer::Yes,
                    _ => Answer::NotAskedYet,
                };
                pa(m, answer)
            })
        })
        .collect();

    // 9. Nobody smokes.
    let smoking: Vec<PersonAnswer> = members
        .iter()
        .filter_map(|m| {
            let answer = latest_answer(m, ctx, |h| h.smokes);
            let asked_age = age_years(m, today).is_none_or(|y| y >= bands.smoking_min_years);
            // "Yes" for the indicator means this person does not smoke.
            (asked_age || answer.is_some()).then(|| pa(m, Answer::from_bool(answer.map(|s| !s))))
        })
        .collect();
    let no_smoking = if members.is_empty() {
        household_level(Indicator::NoSmoking, Answer::NotAskedYet)
    } else if smoking.is_empty() {
        // Only young children: nobody to smoke.
        household_level(Indicator::NoSmoking, Answer::Yes)
    } else {
        combine(Indicator::NoSmoking, smoking)
    };

    // 10-12. The household itself.
    let h = &household.household;
    let jkn = match h.jkn {
        JknStatus::Pbi | JknStatus::NonPbi => Answer::Yes,
        JknStatus::NotEnrolled | JknStatus::Partial => Answer::No,
        JknStatus::Unknown | JknStatus::Other(_) => Answer::NotAskedYet,
    };

    let indicators = vec![
        combine(Indicator::FamilyPlanning, family_planning),
        combine(Indicator::FacilityDelivery, mothers),
        combine(Indicator::CompleteBasicImmunization, immunization),
        combine(Indicator::ExclusiveBreastfeeding, breastfeeding),
        combine(Indicator::GrowthMonitoring, growth),
        combine(Indicator::TuberculosisTreatment, tb),
        combine(Indicator::HypertensionTreatment, hypertension),
        combine(Indicator::MentalIllnessTreated, mental),
        no_smoking,
        household_level(Indicator::Jkn, jkn),
        household_level(Indicator::CleanWater, Answer::from_bool(h.clean_water)),
        household_level(
            Indicator::HealthyLatrine,
            Answer::from_bool(h.healthy_latrine),
        ),
    ];
    score(h.id, indicators, tables)
}

fn score(
    household: HouseholdId,
    indicators: Vec<IndicatorResult>,
    tables: &IksTables,
) -> IksResult {
    let count = |a: Answer| indicators.iter().filter(|i| i.answer == a).count() as u32;
    let (yes, no) = (count(Answer::Yes), count(Answer::No));
    let (not_applicable, not_asked_yet) =
        (count(Answer::NotApplicable), count(Answer::NotAskedYet));
    let applicable = 12 - not_applicable;
    let complete = not_asked_yet == 0 && applicable > 0;
    IksResult {
        household,
        indicators,
        yes,
        no,
        not_applicable,
        not_asked_yet,
        score: complete.then(|| f64::from(yes) / f64::from(applicable)),
        class: if complete {
            IksClass::of_counts(yes, applicable)
        } else {
            None
        },
        answered_score: (yes + no > 0).then(|| f64::from(yes) / f64::from(yes + no)),
        bands: tables.bands.table,
        idl: tables.idl.table,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idl::IDL_PIS_PK_2016;
    use ilp_model::{
        Antigen, AreaId, ConditionStatus, DeviceId, EventId, Household, Immunization, Measurement,
        Person, Pregnancy, PregnancyId, PregnancyOutcome, Timestamp, UserId,
    };
    use proptest::prelude::*;
    use time::macros::{date, offset};

    const TODAY: Date = date!(2026 - 03 - 15);

    fn ctx() -> RuleContext {
        RuleContext::new(TODAY, offset!(+8))
    }

    fn id(n: u8) -> PersonId {
        PersonId::from_random_bytes([n; 16])
    }

    fn person(n: u8, sex: Sex, birth: Date, relation: Relation) -> PersonFacts {
        PersonFacts::new(Person {
            id: id(n),
            household: None,
            name: None,
            sex: Some(sex),
            birth: Some(BirthDate::exact(birth)),
            nik: None,
            phone: None,
            relation: Some(relation),
            mother: None,
            description: None,
            merged_into: None,
        })
    }

    fn at(on: Date) -> Timestamp {
        Timestamp::from_datetime(on.with_hms(10, 0, 0).unwrap().assume_offset(offset!(+8)))
    }

    fn event(p: &mut PersonFacts, on: Date, payload: EventPayload) {
        let n = p.events.len() as u8;
        p.events.push(Event {
            id: EventId::from_random_bytes([n; 16]),
            person: p.person.id,
            visit: None,
            recorded_by: UserId::from_random_bytes([2; 16]),
            device: DeviceId::from_random_bytes([3; 16]),
            occurred_at: at(on),
            recorded_at: at(on),
            payload,
        });
    }

    fn status(p: &mut PersonFacts, on: Date, h: HealthStatus) {
        event(p, on, EventPayload::HealthStatus(h));
    }

    fn household(members: Vec<PersonFacts>) -> HouseholdFacts {
        HouseholdFacts {
            household: Household {
                id: HouseholdId::from_random_bytes([9; 16]),
                rt: AreaId::from_random_bytes([8; 16]),
                kk_number: None,
                address: None,
                gps: None,
                jkn: JknStatus::Pbi,
                clean_water: Some(true),
                healthy_latrine: Some(true),
                notes: None,
            },
            members,
        }
    }

    fn answers(r: &IksResult) -> Vec<&'static str> {
        r.indicators.iter().map(|i| i.answer.code()).collect()
    }

    // DOMAIN.md section 7: an elderly couple with nothing but the household questions applicable.
    #[test]
    fn household_questions_only() {
        let mut head = person(1, Sex::Male, date!(1950 - 01 - 01), Relation::Head);
        status(
            &mut head,
            date!(2026 - 01 - 10),
            HealthStatus {
                smokes: Some(false),
                ..Default::default()
            },
        );
        let mut wife = person(2, Sex::Female, date!(1955 - 01 - 01), Relation::Spouse);
        status(
            &mut wife,
            date!(2026 - 01 - 10),
            HealthStatus {
                smokes: Some(false),
                ..Default::default()
            },
        );
        let r = assess(&household(vec![head, wife]), &ctx(), &IksTables::default());
        assert_eq!(
            answers(&r),
            [
                "not_applicable",
                "not_applicable",
                "not_applicable",
                "not_applicable",
                "not_applicable",
                "not_applicable",
                "not_applicable",
                "not_applicable",
                "yes",
                "yes",
                "yes",
                "yes"
            ]
        );
        assert_eq!((r.yes, r.not_applicable), (4, 8));
        assert_eq!(r.score, Some(1.0));
        assert_eq!(r.class, Some(IksClass::Healthy));
    }

    /// A young family: father smokes, mother 28 on family planning after a home delivery 4
    /// months ago, a 4-month-old weighed last month, a 20-month-old with IDL complete.
    fn young_family() -> HouseholdFacts {
        let mut father = person(1, Sex::Male, date!(1994 - 05 - 01), Relation::Head);
        status(
            &mut father,
            date!(2026 - 02 - 10),
            HealthStatus {
                smokes: Some(true),
                ..Default::default()
            },
        );
        let mut mother = person(2, Sex::Female, date!(1998 - 02 - 01), Relation::Spouse);
        status(
            &mut mother,
            date!(2026 - 02 - 10),
            HealthStatus {
                smokes: Some(false),
                family_planning: Some(true),
                ..Default::default()
            },
        );
        mother.pregnancies.push(Pregnancy {
            id: PregnancyId::from_random_bytes([5; 16]),
            person: id(2),
            hpht: Some(date!(2025 - 02 - 01)),
            edd: None,
            outcome: Some(PregnancyOutcome {
                kind: OutcomeKind::LiveBirth,
                at: at(date!(2025 - 11 - 10)),
                place: Some("rumah".into()),
                place_kind: Some(DeliveryPlace::Home),
            }),
        });
        let mut baby = person(3, Sex::Female, date!(2025 - 11 - 10), Relation::Child);
        event(
            &mut baby,
            date!(2026 - 02 - 12),
            EventPayload::Measurement(Measurement {
                weight_kg: Some(6.1),
                ..Default::default()
            }),
        );
        let mut toddler = person(4, Sex::Male, date!(2024 - 07 - 01), Relation::Child);
        for (antigen, dose, days) in [
            (Antigen::Hb0, 1, 0),
            (Antigen::Bcg, 1, 25),
            (Antigen::Opv, 1, 25),
            (Antigen::DptHbHib, 1, 62),
            (Antigen::Opv, 2, 62),
            (Antigen::DptHbHib, 2, 93),
            (Antigen::Opv, 3, 93),
            (Antigen::DptHbHib, 3, 123),
            (Antigen::Opv, 4, 123),
            (Antigen::Ipv, 1, 123),
            (Antigen::Mr, 1, 275),
        ] {
            let on = date!(2024 - 07 - 01) + time::Duration::days(days);
            event(
                &mut toddler,
                on,
                EventPayload::Immunization(Immunization {
                    antigen,
                    dose,
                    given_on: on,
                    batch: None,
                    recorded_from_history: false,
                }),
            );
        }
        status(
            &mut toddler,
            date!(2026 - 02 - 12),
            HealthStatus {
                exclusive_breastfeeding: Some(true),
                ..Default::default()
            },
        );
        event(
            &mut toddler,
            date!(2026 - 02 - 12),
            EventPayload::Measurement(Measurement {
                weight_kg: Some(11.0),
                ..Default::default()
            }),
        );
        household(vec![father, mother, baby, toddler])
    }

    // PIS-PK definisi operasional (Permenkes 39/2016 guide), indicators 1-5 and 9 from records.
    #[test]
    fn young_family_from_records() {
        let r = assess(&young_family(), &ctx(), &IksTables::default());
        use Indicator::*;
        assert_eq!(r.indicator(FamilyPlanning).answer, Answer::Yes);
        assert_eq!(
            r.indicator(FamilyPlanning).persons,
            [PersonAnswer {
                person: id(2),
                answer: Answer::Yes
            }]
        );
        assert_eq!(r.indicator(FacilityDelivery).answer, Answer::No);
        assert_eq!(r.indicator(CompleteBasicImmunization).answer, Answer::Yes);
        // The 4-month-old is below the 7-23 month band; the toddler answers.
        assert_eq!(r.indicator(ExclusiveBreastfeeding).persons.len(), 1);
        assert_eq!(r.indicator(ExclusiveBreastfeeding).answer, Answer::Yes);
        assert_eq!(r.indicator(GrowthMonitoring).answer, Answer::Yes);
        assert_eq!(r.indicator(GrowthMonitoring).persons.len(), 2);
        assert_eq!(r.indicator(NoSmoking).answer, Answer::No);
        assert_eq!(
            r.indicator(NoSmoking).persons,
            [
                PersonAnswer {
                    person: id(1),
                    answer: Answer::No
                },
                PersonAnswer {
                    person: id(2),
                    answer: Answer::Yes
                },
            ]
        );
        assert_eq!(
            r.indicator(TuberculosisTreatment).answer,
            Answer::NotApplicable
        );
        // yes: 1, 3, 4, 5, 10, 11, 12 = 7 of 9 applicable: 0.778, pre-healthy.
        assert_eq!((r.yes, r.no, r.not_applicable), (7, 2, 3));
        assert!((r.score.unwrap() - 7.0 / 9.0).abs() < 1e-12);
        assert_eq!(r.class, Some(IksClass::PreHealthy));
    }

    #[test]
    fn missing_answers_leave_no_score() {
        let mut h = young_family();
        h.household.clean_water = None;
        h.household.jkn = JknStatus::Unknown;
        let r = assess(&h, &ctx(), &IksTables::default());
        assert_eq!(r.not_asked_yet, 2);
        assert_eq!(r.score, None);
        assert_eq!(r.class, None);
        assert!(!r.is_complete());
        // 5 yes, 2 no answered.
        assert!((r.answered_score.unwrap() - 5.0 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn evaluated_as_of_a_date() {
        // In January 2026 the toddler (18 mo) and the baby had no February weighing yet, and no
        // answer about breastfeeding had been recorded.
        let c = RuleContext::new(date!(2026 - 01 - 20), offset!(+8));
        let r = assess(&young_family(), &c, &IksTables::default());
        assert_eq!(r.indicator(Indicator::GrowthMonitoring).answer, Answer::No);
        assert_eq!(
            r.indicator(Indicator::ExclusiveBreastfeeding).answer,
            Answer::NotAskedYet
        );
        assert_eq!(
            r.indicator(Indicator::FamilyPlanning).answer,
            Answer::NotAskedYet
        );
    }

    // PIS-PK indicator 3 under the PIS-PK antigen list (no IPV) vs the current set with IPV.
    #[test]
    fn immunization_follows_the_chosen_set() {
        let mut h = young_family();
        let toddler = h.members.iter_mut().find(|m| m.person.id == id(4)).unwrap();
        toddler.events.retain(
            |e| !matches!(&e.payload, EventPayload::Immunization(i) if i.antigen == Antigen::Ipv),
        );
        let default = assess(&h, &ctx(), &IksTables::default());
        assert_eq!(
            default
                .indicator(Indicator::CompleteBasicImmunization)
                .answer,
            Answer::No
        );
        let pis_pk = assess(
            &h,
            &ctx(),
            &IksTables {
                idl: IDL_PIS_PK_2016,
                ..Default::default()
            },
        );
        assert_eq!(
            pis_pk
                .indicator(Indicator::CompleteBasicImmunization)
                .answer,
            Answer::Yes
        );
        // No dose recorded at all: not asked yet.
        let toddler = h.members.iter_mut().find(|m| m.person.id == id(4)).unwrap();
        toddler
            .events
            .retain(|e| !matches!(e.payload, EventPayload::Immunization(_)));
        let r = assess(&h, &ctx(), &IksTables::default());
        assert_eq!(
            r.indicator(Indicator::CompleteBasicImmunization).answer,
            Answer::NotAskedYet
        );
    }

    // PIS-PK indicators 6-8: patients ≥ 15 y; treatment answers kept per field; resolved clears.
    #[test]
    fn conditions_and_their_treatment() {
        let cs = |condition, on_treatment, neglected, resolved| HealthStatus {
            conditions: vec![ConditionStatus {
                condition,
                on_treatment,
                neglected,
                resolved,
            }],
            ..Default::default()
        };
        let mut grandma = person(1, Sex::Female, date!(1950 - 01 - 01), Relation::Parent);
        status(
            &mut grandma,
            date!(2025 - 06 - 01),
            cs(Condition::Hypertension, Some(true), None, false),
        );
        status(
            &mut grandma,
            date!(2025 - 06 - 01),
            cs(Condition::Tuberculosis, Some(false), None, false),
        );
        // Asked again without the treatment question: keeps "treated".
        status(
            &mut grandma,
            date!(2025 - 09 - 01),
            cs(Condition::Hypertension, None, None, false),
        );
        status(
            &mut grandma,
            date!(2026 - 01 - 01),
            cs(Condition::Tuberculosis, None, None, true),
        );
        let mut uncle = person(2, Sex::Male, date!(1980 - 01 - 01), Relation::OtherFamily);
        status(
            &mut uncle,
            date!(2025 - 06 - 01),
            cs(
                Condition::SevereMentalIllness,
                Some(true),
                Some(true),
                false,
            ),
        );
        // A 12-year-old with hypertension is outside the ≥ 15 y definition.
        let mut child = person(3, Sex::Male, date!(2013 - 06 - 01), Relation::Grandchild);
        status(
            &mut child,
            date!(2025 - 06 - 01),
            cs(Condition::Hypertension, Some(false), None, false),
        );
        let r = assess(
            &household(vec![grandma, uncle, child]),
            &ctx(),
            &IksTables::default(),
        );
        assert_eq!(
            r.indicator(Indicator::HypertensionTreatment).answer,
            Answer::Yes
        );
        assert_eq!(
            r.indicator(Indicator::HypertensionTreatment).persons.len(),
            1
        );
        assert_eq!(
            r.indicator(Indicator::TuberculosisTreatment).answer,
            Answer::NotApplicable
        );
        assert_eq!(
            r.indicator(Indicator::MentalIllnessTreated).answer,
            Answer::No
        );
        // Smoking: grandma and uncle were never asked; the 12-year-old is not asked.
        assert_eq!(
            r.indicator(Indicator::NoSmoking).answer,
            Answer::NotAskedYet
        );
        assert_eq!(r.indicator(Indicator::NoSmoking).persons.len(), 2);
    }

    #[test]
    fn a_baby_without_a_recorded_delivery_leaves_indicator_2_open() {
        let mut h = young_family();
        h.members[1].pregnancies.clear();
        let r = assess(&h, &ctx(), &IksTables::default());
        let i2 = r.indicator(Indicator::FacilityDelivery);
        assert_eq!(i2.answer, Answer::NotAskedYet);
        assert_eq!(i2.persons[0].person, id(3));
    }

    #[test]
    fn partial_jkn_is_no() {
        let mut h = young_family();
        h.household.jkn = JknStatus::Partial;
        let r = assess(&h, &ctx(), &IksTables::default());
        assert_eq!(r.indicator(Indicator::Jkn).answer, Answer::No);
    }

    // DOMAIN.md section 7: healthy > 0.800, pre-healthy 0.500-0.800, unhealthy < 0.500.
    #[test]
    fn class_boundaries() {
        assert_eq!(IksClass::of_counts(8, 10), Some(IksClass::PreHealthy));
        assert_eq!(IksClass::of_counts(9, 11), Some(IksClass::Healthy));
        assert_eq!(IksClass::of_counts(5, 10), Some(IksClass::PreHealthy));
        assert_eq!(IksClass::of_counts(4, 9), Some(IksClass::Unhealthy));
        assert_eq!(IksClass::of_counts(0, 0), None);
    }

    fn arb_answer() -> impl Strategy<Value = Option<bool>> {
        prop_oneof![Just(None), Just(Some(true)), Just(Some(false))]
    }

    proptest! {
        #[test]
        fn score_and_class_agree(
            members in proptest::collection::vec(
                (0i64..30_000, any::<bool>(), arb_answer(), arb_answer(), arb_answer(), 0u8..10),
                0..7,
            ),
            jkn in 0usize..5,
            water in arb_answer(),
            latrine in arb_answer(),
        ) {
            let people = members
                .iter()
                .enumerate()
                .map(|(i, (age_days, female, smokes, fp, bf, rel))| {
                    let birth = TODAY - time::Duration::days(*age_days);
                    let sex = if *female { Sex::Female } else { Sex::Male };
                    let mut p = person(i as u8 + 1, sex, birth, Relation::KNOWN[*rel as usize].clone());
                    status(&mut p, date!(2026 - 02 - 01), HealthStatus {
                        smokes: *smokes,
                        family_planning: *fp,
                        exclusive_breastfeeding: *bf,
                        ..Default::default()
                    });
                    p
                })
                .collect();
            let mut h = household(people);
            h.household.jkn = JknStatus::KNOWN[jkn].clone();
            h.household.clean_water = water;
            h.household.healthy_latrine = latrine;
            let r = assess(&h, &ctx(), &IksTables::default());
            prop_assert_eq!(r.indicators.len(), 12);
            prop_assert_eq!(r.yes + r.no + r.not_applicable + r.not_asked_yet, 12);
            for (i, ind) in r.indicators.iter().enumerate() {
                prop_assert_eq!(ind.indicator, Indicator::ALL[i]);
            }
            match r.score {
                Some(s) => {
                    prop_assert!((0.0..=1.0).contains(&s));
                    prop_assert!(r.is_complete());
                    let class = r.class.unwrap();
                    let expected = if s > 0.8 + 1e-12 {
                        IksClass::Healthy
                    } else if s >= 0.5 - 1e-12 {
                        IksClass::PreHealthy
                    } else {
                        IksClass::Unhealthy
                    };
                    prop_assert_eq!(class, expected);
                }
                None => prop_assert!(r.class.is_none() && !r.is_complete()),
            }
            if let Some(a) = r.answered_score {
                prop_assert!((0.0..=1.0).contains(&a));
            }
        }
    }
}
