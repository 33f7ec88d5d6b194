//! Fixtures shared by the schedule tests, and the properties every schedule keeps: windows never
//! run backwards, keys are unique per person, a done item has the event that did it, a done item
//! is never "not allowed". Dates are fixed; the wall clock is never read.

use super::*;
use crate::due::DueStatus;
use ilp_model::pregnancy::OutcomeKind;
use ilp_model::timestamp::wita;
use ilp_model::{
    Antigen, BirthDate, Condition, ConditionStatus, DangerSign, DeviceId, EventId, HealthStatus,
    Immunization, Measurement, Person, PersonId, Pregnancy, PregnancyId, PregnancyOutcome,
    Referral, Service, ServiceKind, Sex, Timestamp, UserId, VisitKind,
};
use proptest::prelude::*;
use std::collections::HashSet;
use time::macros::date;
use time::{Duration, PrimitiveDateTime, Time};

/// A person's record being built for a test.
#[derive(Debug)]
pub(crate) struct Rec {
    pub facts: PersonFacts,
    next: u32,
}

pub(crate) fn pid(n: u8) -> PersonId {
    PersonId::from_random_bytes([n; 16])
}

pub(crate) fn preg_id(n: u8) -> PregnancyId {
    PregnancyId::from_random_bytes([n; 16])
}

/// A local (WITA) date and hour as a UTC instant.
pub(crate) fn wita_at(d: Date, hour: u8) -> Timestamp {
    Timestamp::from_datetime(
        PrimitiveDateTime::new(d, Time::from_hms(hour, 0, 0).unwrap()).assume_offset(wita()),
    )
}

pub(crate) fn ctx(today: Date) -> RuleContext {
    RuleContext::new(today, wita())
}

impl Rec {
    pub fn new(n: u8, sex: Option<Sex>, birth: Option<Date>) -> Self {
        Self {
            facts: PersonFacts::new(Person {
                id: pid(n),
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
            }),
            next: u32::from(n) << 16,
        }
    }

    pub fn child(n: u8, birth: Date) -> Self {
        Self::new(n, Some(Sex::Female), Some(birth))
    }

    /// Appends an event at `hour` local time on `on` and returns its id. Events stay ordered by
    /// time as the store gives them.
    pub fn event_at(&mut self, on: Date, hour: u8, payload: EventPayload) -> EventId {
        self.next += 1;
        let mut bytes = [0u8; 16];
        bytes[..4].copy_from_slice(&self.next.to_be_bytes());
        let id = EventId::from_random_bytes(bytes);
        let at = wita_at(on, hour);
        self.facts.events.push(Event {
            id,
            person: self.facts.person.id,
            visit: None,
            recorded_by: UserId::from_random_bytes([7; 16]),
            device: DeviceId::from_random_bytes([8; 16]),
            occurred_at: at,
            recorded_at: at,
            payload,
        });
        self.facts.events.sort_by_key(|e| e.occurred_at);
        id
    }

    pub fn event(&mut self, on: Date, payload: EventPayload) -> EventId {
        self.event_at(on, 10, payload)
    }

    pub fn dose(&mut self, antigen: Antigen, dose: u8, on: Date) -> &mut Self {
        self.event(
            on,
            EventPayload::Immunization(Immunization {
                antigen,
                dose,
                given_on: on,
                batch: None,
                recorded_from_history: false,
            }),
        );
        self
    }

    pub fn visit(&mut self, kind: VisitKind, pregnancy: Option<PregnancyId>, on: Date) -> EventId {
        self.event(
            on,
            EventPayload::Visit(Visit {
                kind,
                posyandu: None,
                place: None,
                pregnancy,
            }),
        )
    }

    pub fn weigh(&mut self, on: Date) -> &mut Self {
        self.event(
            on,
            EventPayload::Measurement(Measurement {
                weight_kg: Some(9.0),
                ..Default::default()
            }),
        );
        self
    }

    pub fn blood_pressure(&mut self, on: Date) -> &mut Self {
        self.event(
            on,
            EventPayload::Measurement(Measurement {
                systolic_mmhg: Some(150),
                diastolic_mmhg: Some(95),
                ..Default::default()
            }),
        );
        self
    }

    pub fn service(&mut self, kind: ServiceKind, on: Date) -> &mut Self {
        self.event(
            on,
            EventPayload::Service(Service {
                kind,
                quantity: Some(1),
            }),
        );
        self
    }

    pub fn danger_sign(&mut self, on: Date) -> EventId {
        self.event(
            on,
            EventPayload::DangerSigns {
                signs: vec![DangerSign::Bleeding],
                note: None,
            },
        )
    }

    pub fn referral(&mut self, on: Date) -> EventId {
        self.event(
            on,
            EventPayload::Referral(Referral {
                to: "Puskesmas Oesapa".into(),
                emergency: false,
                reason: None,
                pickup_called: false,
                pickup_called_at: None,
                pickup_service: None,
            }),
        )
    }

    pub fn condition(&mut self, condition: Condition, resolved: bool, on: Date) -> &mut Self {
        self.event(
            on,
            EventPayload::HealthStatus(HealthStatus {
                conditions: vec![ConditionStatus {
                    condition,
                    on_treatment: Some(true),
                    neglected: None,
                    resolved,
                }],
                ..Default::default()
            }),
        );
        self
    }

    pub fn pregnancy(
        &mut self,
        n: u8,
        hpht: Option<Date>,
        outcome: Option<(OutcomeKind, Timestamp)>,
    ) -> PregnancyId {
        let id = preg_id(n);
        self.facts.pregnancies.push(Pregnancy {
            id,
            person: self.facts.person.id,
            hpht,
            edd: hpht.map(ilp_model::pregnancy::edd_from_hpht),
            outcome: outcome.map(|(kind, at)| PregnancyOutcome {
                kind,
                at,
                place: None,
                place_kind: None,
            }),
        });
        id
    }

    pub fn items(&self, today: Date) -> Vec<DueItem> {
        due_items(&self.facts, &ScheduleTables::national(), &ctx(today))
    }
}

/// The item with `key`; panics with the keys present if there is none.
pub(crate) fn find<'a>(items: &'a [DueItem], key: &str) -> &'a DueItem {
    items.iter().find(|i| same_key(i, key)).unwrap_or_else(|| {
        panic!(
            "no item {key}; have {:?}",
            items.iter().map(|i| i.kind.key()).collect::<Vec<_>>()
        )
    })
}

pub(crate) fn has(items: &[DueItem], key: &str) -> bool {
    items.iter().any(|i| same_key(i, key))
}

/// A doctor's ANC contact carries `:dokter` in its key; the tests name contacts by number.
fn same_key(i: &DueItem, key: &str) -> bool {
    let k = i.kind.key();
    k == key || k.strip_suffix(":dokter") == Some(key)
}

#[test]
fn every_built_in_table_reads_and_names_its_source() {
    let t = ScheduleTables::national();
    let refs = t.table_refs();
    assert_eq!(refs.iter().map(|r| r.id).collect::<HashSet<_>>().len(), 8);
    for meta in [
        &t.immunization.meta,
        &t.bias.meta,
        &t.anc.meta,
        &t.postnatal.meta,
        &t.weighing.meta,
        &t.vitamin_a.meta,
        &t.screening.meta,
        &t.follow_up.meta,
    ] {
        assert!(!meta.source.is_empty(), "{} has no source", meta.table);
    }
    assert_eq!(t.immunization.meta.source, "S9");
}

#[test]
fn versions_are_picked_by_effective_date() {
    // Before any built-in version took effect the oldest applies; afterwards the one in force.
    let early = ScheduleTables::effective_on(date!(2000 - 01 - 01));
    let now = ScheduleTables::effective_on(date!(2026 - 06 - 01));
    assert_eq!(now, ScheduleTables::national());
    assert_eq!(early.immunization.meta.table, now.immunization.meta.table);
    let r = registry();
    assert_eq!(
        r.bias.on(date!(2026 - 01 - 01)).1.meta.effective_from,
        date!(2025 - 01 - 01)
    );
}

#[test]
fn a_district_config_patches_the_national_tables() {
    let t = ScheduleTables::from_json(
        r#"{"immunization": {"je_endemic": true, "rows": {"pcv:3": {"due_before": "18m"}}},
            "follow_up": {"id": "follow-up-kupang", "version": 2, "referral": {"due_after": "2d"}}}"#,
    )
    .unwrap();
    assert!(t.immunization.je_endemic);
    let pcv3 = t
        .immunization
        .rows
        .iter()
        .find(|r| r.antigen == Antigen::Pcv && r.dose == 3)
        .unwrap();
    assert_eq!(pcv3.due_before, Age::Months(18));
    assert_eq!(t.follow_up.meta.table.to_string(), "follow-up-kupang@2");
    assert_eq!(t.follow_up.referral.due_after, Age::Days(2));
    assert_eq!(t.follow_up.referral.latest_after, Age::Days(30));
    // Families the config does not mention stay national.
    assert_eq!(t.anc, ScheduleTables::national().anc);
}

#[test]
fn a_bad_config_names_the_field() {
    let field = |text: &str| ScheduleTables::from_json(text).unwrap_err().field;
    assert_eq!(
        field(r#"{"bias": {"rows": {"sd6_hpv": {"month": 13}}}}"#),
        "bias.rows.sd6_hpv.month"
    );
    assert_eq!(
        field(r#"{"immunization": {"je_endemik": true}}"#),
        "immunization.je_endemik"
    );
    assert_eq!(
        field(r#"{"immunization": {"rows": {"pcv:3": {"due_before": "18 months"}}}}"#),
        "immunization.rows.pcv:3.due_before"
    );
    assert_eq!(
        field(
            r#"{"anc": {"contacts": [{"contact": 1, "from_week": 5, "until_week": 2, "due_before_week": 3}]}}"#
        ),
        "anc.contacts[0].until_week"
    );
    assert_eq!(field(r#"{"effective_on": "June 2026"}"#), "effective_on");
    assert_eq!(field(r#"{"vaccines": {}}"#), "vaccines");
    assert_eq!(field("{"), "config");
    assert_eq!(
        field(r#"{"bias": {"rows": {"sd6_hpv": {"catch_up_of": "sd9_hpv"}}}}"#),
        "bias.rows.sd6_hpv.catch_up_of"
    );
}

#[test]
fn merged_away_records_have_no_items() {
    let mut r = Rec::child(1, date!(2026 - 01 - 10));
    assert!(!r.items(date!(2026 - 03 - 01)).is_empty());
    r.facts.person.merged_into = Some(pid(2));
    assert!(r.items(date!(2026 - 03 - 01)).is_empty());
}

#[test]
fn recurring_items_cover_twelve_months_back_and_three_ahead() {
    // [S8] monthly weighing 0-59 months: a two-year-old on 15 June 2026 gets June 2025 to
    // September 2026, sixteen months.
    let r = Rec::child(1, date!(2024 - 03 - 05));
    let items = r.items(date!(2026 - 06 - 15));
    let months: Vec<Date> = items
        .iter()
        .filter_map(|i| match i.kind {
            DueKind::Weighing { month } => Some(month),
            _ => None,
        })
        .collect();
    assert_eq!(months.len(), 16);
    assert_eq!(months[0], date!(2025 - 06 - 01));
    assert_eq!(months[15], date!(2026 - 09 - 01));
}

/// A record with random history: a child or adult, doses, weighings, visits, alarms, a pregnancy.
fn arb_record() -> impl Strategy<Value = (Rec, Date)> {
    (
        0i64..365 * 70,
        prop::collection::vec((0usize..9, 0i64..2000, 1u8..5), 0..40),
        proptest::option::of((0i64..400, proptest::option::of((0u8..3, 0i64..400)))),
        0i64..3000,
    )
        .prop_map(|(age_days, evs, preg, today_offset)| {
            let base = date!(2020 - 01 - 01);
            let birth = base - Duration::days(age_days);
            let mut r = Rec::new(1, Some(Sex::Female), Some(birth));
            let antigens = Antigen::KNOWN;
            for (kind, day, n) in evs {
                let on = birth + Duration::days(day);
                match kind {
                    0 | 1 => {
                        let a = antigens[(day as usize + n as usize) % antigens.len()].clone();
                        r.dose(a, n, on);
                    }
                    2 => {
                        r.weigh(on);
                    }
                    3 => {
                        r.visit(
                            VisitKind::Anc {
                                contact: None,
                                by_doctor: n % 2 == 0,
                            },
                            None,
                            on,
                        );
                    }
                    4 => {
                        r.visit(VisitKind::Kf { number: n }, None, on);
                    }
                    5 => {
                        r.visit(VisitKind::Kn { number: n }, None, on);
                    }
                    6 => {
                        r.danger_sign(on);
                    }
                    7 => {
                        r.referral(on);
                    }
                    _ => {
                        r.condition(Condition::Hypertension, n == 4, on);
                        r.blood_pressure(on);
                    }
                }
            }
            if let Some((start, outcome)) = preg {
                let hpht = base + Duration::days(start);
                let outcome = outcome.map(|(k, d)| {
                    let kind = [
                        OutcomeKind::LiveBirth,
                        OutcomeKind::Stillbirth,
                        OutcomeKind::Miscarriage,
                    ][k as usize]
                        .clone();
                    (kind, wita_at(hpht + Duration::days(d), 3))
                });
                r.pregnancy(1, Some(hpht), outcome);
            }
            (r, base + Duration::days(today_offset - 1000))
        })
}

proptest! {
    #[test]
    fn schedules_keep_their_invariants((r, today) in arb_record(), probe in 0i64..4000) {
        let tables = ScheduleTables::national();
        let items = due_items(&r.facts, &tables, &ctx(today));
        let mut keys = HashSet::new();
        let probe = today - Duration::days(2000) + Duration::days(probe);
        for item in &items {
            prop_assert!(keys.insert(item.kind.key()), "duplicate key {}", item.kind.key());
            let w = item.window;
            prop_assert!(w.earliest <= w.due);
            prop_assert!(w.latest.is_none_or(|l| w.due <= l));
            prop_assert_eq!(item.person, r.facts.person.id);
            if let Some(on) = item.done_on {
                // Something on that date did it.
                let dated = r.facts.events.iter().any(|e| {
                    ctx(today).date_of(e) == on
                        || matches!(&e.payload, EventPayload::Immunization(i) if i.given_on == on)
                });
                prop_assert!(dated, "{} done on {} with no event that day", item.kind.key(), on);
                prop_assert_eq!(item.status(probe), DueStatus::Done { on });
            } else if item.status(probe) == DueStatus::NotAllowed {
                prop_assert_eq!(item.closes_as, ClosesAs::NotAllowed);
            }
        }
    }
}
