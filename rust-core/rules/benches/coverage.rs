//! Coverage of a supervisor's kelurahan: `coverage::coverage` over synthetic facts of about 200,000
//! events (4,000 households, 20,000 persons), for one month. The facts mimic an area's mix: under-fives
//! weighed most months with their doses, pregnant and postpartum women with ANC, KF and KN visits,
//! adults with blood pressure and health-status answers, MBG packages.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ilp_model::{
    Antigen, AreaId, BirthDate, DeviceId, Event, EventId, EventPayload, HealthStatus, Household,
    HouseholdId, Immunization, JknStatus, Measurement, Person, PersonId, Pregnancy, PregnancyId,
    PregnancyOutcome, Relation, Service, ServiceKind, Sex, Timestamp, UserId, Visit, VisitKind,
    pregnancy::{DeliveryPlace, OutcomeKind},
};
use ilp_rules::coverage::{CoverageTables, coverage};
use ilp_rules::facts::{HouseholdFacts, PersonFacts, RuleContext};
use std::hint::black_box;
use time::macros::{date, offset};
use time::{Date, Duration};

/// A deterministic generator (linear congruential), so runs compare.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const TODAY: Date = date!(2026 - 03 - 10);

fn at(on: Date) -> Timestamp {
    Timestamp::from_datetime(on.with_hms(9, 0, 0).unwrap().assume_offset(offset!(+8)))
}

struct Builder {
    rng: Lcg,
    ids: u64,
    events: usize,
}

impl Builder {
    fn id(&mut self) -> [u8; 16] {
        self.ids += 1;
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&self.ids.to_le_bytes());
        b
    }

    fn person(
        &mut self,
        hh: HouseholdId,
        sex: Sex,
        birth: Date,
        relation: Relation,
    ) -> PersonFacts {
        let id = PersonId::from_random_bytes(self.id());
        PersonFacts::new(Person {
            id,
            household: Some(hh),
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

    fn event(&mut self, p: &mut PersonFacts, on: Date, payload: EventPayload) {
        let id = EventId::from_random_bytes(self.id());
        p.events.push(Event {
            id,
            person: p.person.id,
            visit: None,
            recorded_by: UserId::from_random_bytes([1; 16]),
            device: DeviceId::from_random_bytes([2; 16]),
            occurred_at: at(on),
            recorded_at: at(on),
            payload,
        });
        self.events += 1;
    }

    fn visit(
        &mut self,
        p: &mut PersonFacts,
        on: Date,
        kind: VisitKind,
        pregnancy: Option<PregnancyId>,
    ) {
        self.event(
            p,
            on,
            EventPayload::Visit(Visit {
                kind,
                posyandu: None,
                place: None,
                pregnancy,
            }),
        );
    }

    fn child(&mut self, hh: HouseholdId) -> PersonFacts {
        let birth = TODAY - Duration::days(self.rng.below(1_800) as i64);
        let sex = if self.rng.chance(50) {
            Sex::Male
        } else {
            Sex::Female
        };
        let mut c = self.person(hh, sex, birth, Relation::Child);
        // Monthly weighings from birth, missing about one month in five, for up to 24 months.
        let months = ((TODAY - birth).whole_days() / 30).min(24);
        let mut kg = 3.2;
        for m in 0..=months {
            let on = TODAY - Duration::days((months - m) * 30 + 5);
            kg += 0.2 + self.rng.below(500) as f64 / 1000.0;
            if on >= birth && self.rng.chance(80) {
                let length = if self.rng.chance(30) {
                    Some(50.0 + m as f64 * 1.5)
                } else {
                    None
                };
                self.event(
                    &mut c,
                    on,
                    EventPayload::Measurement(Measurement {
                        weight_kg: Some(kg),
                        length_or_height_cm: length,
                        ..Default::default()
                    }),
                );
            }
        }
        for (antigen, dose, day) in [
            (Antigen::Hb0, 1, 0),
            (Antigen::Bcg, 1, 25),
            (Antigen::Opv, 1, 25),
            (Antigen::DptHbHib, 1, 61),
            (Antigen::Opv, 2, 61),
            (Antigen::DptHbHib, 2, 92),
            (Antigen::Opv, 3, 92),
            (Antigen::DptHbHib, 3, 122),
            (Antigen::Opv, 4, 122),
            (Antigen::Ipv, 1, 122),
            (Antigen::Mr, 1, 275),
        ] {
            let on = birth + Duration::days(day);
            if on <= TODAY && self.rng.chance(90) {
                self.event(
                    &mut c,
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
        }
        if (TODAY - birth).whole_days() < 40 {
            for (n, d) in [(1, 1), (2, 5), (3, 15)] {
                self.visit(
                    &mut c,
                    birth + Duration::days(d),
                    VisitKind::Kn { number: n },
                    None,
                );
            }
        }
        if self.rng.chance(50) {
            self.event(
                &mut c,
                TODAY - Duration::days(8),
                EventPayload::Service(Service {
                    kind: ServiceKind::MbgPackage,
                    quantity: Some(1),
                }),
            );
        }
        c.events.sort_by_key(|e| e.occurred_at);
        c
    }

    fn adult(
        &mut self,
        hh: HouseholdId,
        sex: Sex,
        relation: Relation,
        years: (u64, u64),
    ) -> PersonFacts {
        let age = years.0 * 365 + self.rng.below((years.1 - years.0) * 365);
        let birth = TODAY - Duration::days(age as i64);
        let mut a = self.person(hh, sex, birth, relation);
        for k in 0..(1 + self.rng.below(4)) {
            let on = TODAY - Duration::days(20 + k as i64 * 90);
            let m = Measurement {
                systolic_mmhg: Some(110 + self.rng.below(60) as u16),
                diastolic_mmhg: Some(70 + self.rng.below(30) as u16),
                weight_kg: Some(50.0 + self.rng.below(30) as f64),
                ..Default::default()
            };
            self.event(&mut a, on, EventPayload::Measurement(m));
        }
        let fp = (sex == Sex::Female).then(|| self.rng.chance(60));
        let smokes = Some(sex == Sex::Male && self.rng.chance(60));
        self.event(
            &mut a,
            TODAY - Duration::days(60),
            EventPayload::HealthStatus(HealthStatus {
                smokes,
                family_planning: fp,
                ..Default::default()
            }),
        );
        a.events.sort_by_key(|e| e.occurred_at);
        a
    }

    /// A pregnancy of `w` with its ANC contacts, and for one in two a delivery with KF visits.
    fn pregnancy(&mut self, w: &mut PersonFacts) {
        let hpht = TODAY - Duration::days(60 + self.rng.below(300) as i64);
        let id = PregnancyId::from_random_bytes(self.id());
        let delivered = hpht + Duration::days(270);
        let outcome = (delivered <= TODAY).then(|| PregnancyOutcome {
            kind: OutcomeKind::LiveBirth,
            at: at(delivered),
            place: None,
            place_kind: Some(DeliveryPlace::HealthFacility),
        });
        for week in [8, 16, 22, 28, 34, 38] {
            let on = hpht + Duration::weeks(week);
            if on <= TODAY {
                self.visit(
                    w,
                    on,
                    VisitKind::Anc {
                        contact: None,
                        by_doctor: week % 3 == 2,
                    },
                    Some(id),
                );
            }
        }
        if outcome.is_some() {
            for (n, d) in [(1, 1), (2, 5), (3, 15), (4, 35)] {
                let on = delivered + Duration::days(d);
                if on <= TODAY {
                    self.visit(w, on, VisitKind::Kf { number: n }, Some(id));
                }
            }
        }
        w.pregnancies.push(Pregnancy {
            id,
            person: w.person.id,
            hpht: Some(hpht),
            edd: Some(hpht + Duration::days(280)),
            outcome,
        });
        w.events.sort_by_key(|e| e.occurred_at);
    }

    fn household(&mut self) -> HouseholdFacts {
        let id = HouseholdId::from_random_bytes(self.id());
        let mut members = vec![
            self.adult(id, Sex::Male, Relation::Head, (25, 60)),
            self.adult(id, Sex::Female, Relation::Spouse, (20, 45)),
        ];
        if self.rng.chance(15) {
            self.pregnancy(&mut members[1]);
        }
        for _ in 0..(1 + self.rng.below(2)) {
            members.push(self.child(id));
        }
        if self.rng.chance(50) {
            members.push(self.adult(id, Sex::Female, Relation::Parent, (60, 85)));
        }
        HouseholdFacts {
            household: Household {
                id,
                rt: AreaId::from_random_bytes([3; 16]),
                kk_number: None,
                address: None,
                gps: None,
                jkn: JknStatus::KNOWN[self.rng.below(5) as usize].clone(),
                clean_water: Some(self.rng.chance(90)),
                healthy_latrine: Some(self.rng.chance(80)),
                notes: None,
            },
            members,
        }
    }
}

/// Households until about `events` events.
fn area(events: usize) -> (Vec<HouseholdFacts>, usize, usize) {
    let mut b = Builder {
        rng: Lcg(0x9E37_79B9_7F4A_7C15),
        ids: 0,
        events: 0,
    };
    let mut households = Vec::new();
    while b.events < events {
        households.push(b.household());
    }
    let persons = households.iter().map(|h| h.members.len()).sum();
    (households, persons, b.events)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("coverage");
    g.sample_size(20);
    let ctx = RuleContext::new(TODAY, offset!(+8));
    let tables = CoverageTables::default();
    for target in [50_000, 200_000] {
        let (households, persons, events) = area(target);
        eprintln!(
            "coverage bench: {} households, {persons} persons, {events} events",
            households.len()
        );
        g.throughput(Throughput::Elements(events as u64));
        g.bench_function(format!("month_{}k_events", target / 1000), |b| {
            b.iter(|| {
                let t = coverage(black_box(&households), date!(2026 - 02 - 01), &ctx, &tables);
                black_box(t.rows.len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
