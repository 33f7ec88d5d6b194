//! Cost of one person's due items: the store recomputes a person after every visit (2 ms budget
//! with SQLite) and everyone each month (50,000 persons). A child with a full card and monthly
//! weighings, and an adult woman with a delivered pregnancy, hypertension and monthly checks.

use criterion::{Criterion, criterion_group, criterion_main};
use ilp_model::pregnancy::OutcomeKind;
use ilp_model::timestamp::wita;
use ilp_model::{
    Antigen, BirthDate, Condition, ConditionStatus, DangerSign, DeviceId, Event, EventId,
    EventPayload, HealthStatus, Immunization, Measurement, Person, PersonId, Pregnancy,
    PregnancyId, PregnancyOutcome, Service, ServiceKind, Sex, Timestamp, UserId, Visit, VisitKind,
};
use ilp_rules::facts::{PersonFacts, RuleContext};
use ilp_rules::schedule::{ScheduleTables, due_items};
use std::hint::black_box;
use time::macros::date;
use time::{Date, Duration, PrimitiveDateTime, Time};

struct Builder {
    facts: PersonFacts,
    n: u32,
}

impl Builder {
    fn new(sex: Sex, birth: Date) -> Self {
        Self {
            facts: PersonFacts::new(Person {
                id: PersonId::from_random_bytes([1; 16]),
                household: None,
                name: None,
                sex: Some(sex),
                birth: Some(BirthDate::exact(birth)),
                nik: None,
                phone: None,
                relation: None,
                mother: None,
                description: None,
                merged_into: None,
            }),
            n: 0,
        }
    }

    fn add(&mut self, on: Date, payload: EventPayload) {
        self.n += 1;
        let mut bytes = [0u8; 16];
        bytes[..4].copy_from_slice(&self.n.to_be_bytes());
        let at = Timestamp::from_datetime(
            PrimitiveDateTime::new(on, Time::from_hms(9, 0, 0).unwrap()).assume_offset(wita()),
        );
        self.facts.events.push(Event {
            id: EventId::from_random_bytes(bytes),
            person: self.facts.person.id,
            visit: None,
            recorded_by: UserId::from_random_bytes([2; 16]),
            device: DeviceId::from_random_bytes([3; 16]),
            occurred_at: at,
            recorded_at: at,
            payload,
        });
    }

    fn visit(&mut self, on: Date, kind: VisitKind) {
        self.add(
            on,
            EventPayload::Visit(Visit {
                kind,
                posyandu: None,
                place: None,
                pregnancy: None,
            }),
        );
    }

    fn done(mut self) -> PersonFacts {
        self.facts.events.sort_by_key(|e| e.occurred_at);
        self.facts
    }
}

const TODAY: Date = date!(2026 - 06 - 15);

/// A 29-month-old with every dose, a weighing every month, vitamin A rounds, KN visits and a
/// danger sign with its referral: about 100 events.
fn child() -> PersonFacts {
    let birth = date!(2024 - 01 - 10);
    let mut b = Builder::new(Sex::Female, birth);
    let doses: [(Antigen, u8, i64); 20] = [
        (Antigen::Hb0, 1, 0),
        (Antigen::Bcg, 1, 20),
        (Antigen::Opv, 1, 20),
        (Antigen::DptHbHib, 1, 62),
        (Antigen::Opv, 2, 62),
        (Antigen::Pcv, 1, 62),
        (Antigen::Rv, 1, 62),
        (Antigen::DptHbHib, 2, 95),
        (Antigen::Opv, 3, 95),
        (Antigen::Pcv, 2, 95),
        (Antigen::Rv, 2, 95),
        (Antigen::DptHbHib, 3, 125),
        (Antigen::Opv, 4, 125),
        (Antigen::Ipv, 1, 125),
        (Antigen::Rv, 3, 125),
        (Antigen::Mr, 1, 275),
        (Antigen::Ipv, 2, 275),
        (Antigen::Pcv, 3, 370),
        (Antigen::DptHbHib, 4, 550),
        (Antigen::Mr, 2, 550),
    ];
    for (antigen, dose, day) in doses {
        let on = birth + Duration::days(day);
        b.visit(on, VisitKind::Posyandu);
        b.add(
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
    for n in 1..=3u8 {
        b.visit(
            birth + Duration::days(i64::from(n) * 4),
            VisitKind::Kn { number: n },
        );
    }
    let mut month = birth + Duration::days(5);
    while month <= TODAY {
        b.visit(month, VisitKind::Posyandu);
        b.add(
            month,
            EventPayload::Measurement(Measurement {
                weight_kg: Some(9.5),
                length_or_height_cm: Some(80.0),
                ..Default::default()
            }),
        );
        if matches!(u8::from(month.month()), 2 | 8) {
            b.add(
                month,
                EventPayload::Service(Service {
                    kind: ServiceKind::VitaminARed,
                    quantity: Some(1),
                }),
            );
        }
        month += Duration::days(30);
    }
    b.add(
        date!(2026 - 04 - 02),
        EventPayload::DangerSigns {
            signs: vec![DangerSign::DiarrhoeaDehydration],
            note: None,
        },
    );
    b.done()
}

/// A 32-year-old mother: a pregnancy delivered in March 2026 with six ANC visits and four KF
/// visits, known hypertension since 2025 with monthly blood pressure, a referral.
fn adult() -> PersonFacts {
    let mut b = Builder::new(Sex::Female, date!(1994 - 02 - 14));
    let hpht = date!(2025 - 06 - 03);
    for (week, doctor) in [
        (10, true),
        (16, false),
        (22, false),
        (28, false),
        (33, true),
        (37, false),
    ] {
        b.visit(
            hpht + Duration::weeks(week),
            VisitKind::Anc {
                contact: None,
                by_doctor: doctor,
            },
        );
    }
    let delivery = date!(2026 - 03 - 08);
    for (n, day) in [(1u8, 1i64), (2, 5), (3, 15), (4, 35)] {
        b.visit(delivery + Duration::days(day), VisitKind::Kf { number: n });
    }
    b.add(
        date!(2025 - 05 - 01),
        EventPayload::HealthStatus(HealthStatus {
            conditions: vec![ConditionStatus {
                condition: Condition::Hypertension,
                on_treatment: Some(true),
                neglected: None,
                resolved: false,
            }],
            ..Default::default()
        }),
    );
    let mut month = date!(2025 - 05 - 05);
    while month <= TODAY {
        b.visit(month, VisitKind::HomeVisit);
        b.add(
            month,
            EventPayload::Measurement(Measurement {
                systolic_mmhg: Some(145),
                diastolic_mmhg: Some(92),
                ..Default::default()
            }),
        );
        month += Duration::days(30);
    }
    b.add(
        date!(2026 - 01 - 20),
        EventPayload::Referral(ilp_model::Referral {
            to: "RSUD S.K. Lerik".into(),
            emergency: false,
            reason: None,
            pickup_called: false,
            pickup_called_at: None,
            pickup_service: None,
        }),
    );
    let mut facts = b.done();
    facts.pregnancies.push(Pregnancy {
        id: PregnancyId::from_random_bytes([4; 16]),
        person: facts.person.id,
        hpht: Some(hpht),
        edd: Some(hpht + Duration::days(280)),
        outcome: Some(PregnancyOutcome {
            kind: OutcomeKind::LiveBirth,
            at: Timestamp::from_datetime(
                PrimitiveDateTime::new(delivery, Time::from_hms(3, 0, 0).unwrap())
                    .assume_offset(wita()),
            ),
            place: None,
            place_kind: None,
        }),
    });
    facts
}

fn bench(c: &mut Criterion) {
    let tables = ScheduleTables::national();
    let ctx = RuleContext::new(TODAY, wita());
    let child = child();
    let adult = adult();
    eprintln!(
        "child: {} events, {} items; adult: {} events, {} items",
        child.events.len(),
        due_items(&child, &tables, &ctx).len(),
        adult.events.len(),
        due_items(&adult, &tables, &ctx).len()
    );
    c.bench_function("due_items/child_full_history", |b| {
        b.iter(|| due_items(black_box(&child), &tables, &ctx))
    });
    c.bench_function("due_items/adult", |b| {
        b.iter(|| due_items(black_box(&adult), &tables, &ctx))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
