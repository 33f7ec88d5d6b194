use super::*;
use ilp_model::{
    AreaId, DeviceId, Event, EventId, HealthStatus, Household, Immunization, Person,
    PregnancyOutcome, Relation, Service, Sex, UserId, Visit, pregnancy::DeliveryPlace,
};
use proptest::prelude::*;
use time::macros::{date, offset};

const FEB: Date = date!(2026 - 02 - 01);

fn ctx() -> RuleContext {
    RuleContext::new(date!(2026 - 03 - 10), offset!(+8))
}

fn at(on: Date, hour: u8) -> Timestamp {
    Timestamp::from_datetime(on.with_hms(hour, 0, 0).unwrap().assume_offset(offset!(+8)))
}

struct Family {
    hh: HouseholdFacts,
    next: u8,
}

impl Family {
    fn new(n: u8) -> Self {
        Self {
            hh: HouseholdFacts {
                household: Household {
                    id: HouseholdId::from_random_bytes([n; 16]),
                    rt: AreaId::from_random_bytes([1; 16]),
                    kk_number: None,
                    address: None,
                    gps: None,
                    jkn: JknStatus::Pbi,
                    clean_water: Some(true),
                    healthy_latrine: Some(true),
                    notes: None,
                },
                members: Vec::new(),
            },
            next: n.wrapping_mul(16),
        }
    }

    /// Adds a member and returns its index.
    fn add(&mut self, sex: Sex, birth: Option<Date>, relation: Relation) -> usize {
        self.next = self.next.wrapping_add(1);
        let mut bytes = [self.next; 16];
        bytes[0] = self.hh.household.id.as_uuid().as_bytes()[0];
        self.hh.members.push(PersonFacts::new(Person {
            id: PersonId::from_random_bytes(bytes),
            household: Some(self.hh.household.id),
            name: None,
            sex: Some(sex),
            birth: birth.map(BirthDate::exact),
            nik: None,
            phone: None,
            relation: Some(relation),
            mother: None,
            description: None,
            merged_into: None,
        }));
        self.hh.members.len() - 1
    }

    fn id(&self, i: usize) -> PersonId {
        self.hh.members[i].person.id
    }

    fn event(&mut self, i: usize, when: Timestamp, payload: EventPayload) {
        let p = &mut self.hh.members[i];
        let n = p.events.len() as u8;
        p.events.push(Event {
            id: EventId::from_random_bytes([n; 16]),
            person: p.person.id,
            visit: None,
            recorded_by: UserId::from_random_bytes([2; 16]),
            device: DeviceId::from_random_bytes([3; 16]),
            occurred_at: when,
            recorded_at: when,
            payload,
        });
        p.events.sort_by_key(|e| e.occurred_at);
    }

    fn weigh(&mut self, i: usize, on: Date, kg: f64) {
        self.measure(
            i,
            on,
            Measurement {
                weight_kg: Some(kg),
                ..Default::default()
            },
        );
    }

    fn measure(&mut self, i: usize, on: Date, m: Measurement) {
        self.event(i, at(on, 9), EventPayload::Measurement(m));
    }

    fn visit(
        &mut self,
        i: usize,
        when: Timestamp,
        kind: VisitKind,
        pregnancy: Option<PregnancyId>,
    ) {
        self.event(
            i,
            when,
            EventPayload::Visit(Visit {
                kind,
                posyandu: None,
                place: None,
                pregnancy,
            }),
        );
    }

    fn dose(&mut self, i: usize, antigen: Antigen, dose: u8, on: Date) {
        self.event(
            i,
            at(on, 9),
            EventPayload::Immunization(Immunization {
                antigen,
                dose,
                given_on: on,
                batch: None,
                recorded_from_history: false,
            }),
        );
    }

    fn mbg(&mut self, i: usize, on: Date) {
        self.event(
            i,
            at(on, 9),
            EventPayload::Service(Service {
                kind: ServiceKind::MbgPackage,
                quantity: Some(1),
            }),
        );
    }

    fn pregnancy(
        &mut self,
        i: usize,
        n: u8,
        hpht: Date,
        outcome: Option<(Timestamp, OutcomeKind)>,
    ) -> PregnancyId {
        let id = PregnancyId::from_random_bytes([n; 16]);
        let person = self.id(i);
        self.hh.members[i].pregnancies.push(Pregnancy {
            id,
            person,
            hpht: Some(hpht),
            edd: Some(ilp_model::pregnancy::edd_from_hpht(hpht)),
            outcome: outcome.map(|(at, kind)| PregnancyOutcome {
                kind,
                at,
                place: None,
                place_kind: Some(DeliveryPlace::HealthFacility),
            }),
        });
        id
    }
}

fn row_ids(t: &CoverageTable, i: Indicator) -> (Vec<PersonId>, Vec<PersonId>) {
    let r = t.row(i);
    (r.numerator_persons.clone(), r.denominator_persons.clone())
}

fn counts(t: &CoverageTable, i: Indicator) -> (u32, u32) {
    (t.row(i).numerator, t.row(i).denominator)
}

// DOMAIN.md section 3 SKDN and weighing codes [S8][S11b]; N/D = N/(D−O−B).
#[test]
fn skdn_for_a_month() {
    let mut f = Family::new(1);
    // N: 1 Jan → 1 Feb at 10 months, +400 g ≥ KBM 300.
    let n = f.add(Sex::Male, Some(date!(2025 - 04 - 01)), Relation::Child);
    f.weigh(n, date!(2026 - 01 - 12), 8.6);
    f.weigh(n, date!(2026 - 02 - 12), 9.0);
    // 2T: T in January (+100 g at 20 months) and in February (+0 g).
    let tt = f.add(Sex::Female, Some(date!(2024 - 06 - 01)), Relation::Child);
    f.weigh(tt, date!(2025 - 12 - 12), 10.0);
    f.weigh(tt, date!(2026 - 01 - 12), 10.1);
    f.weigh(tt, date!(2026 - 02 - 12), 10.1);
    // O: weighed in December and February.
    let o = f.add(Sex::Female, Some(date!(2023 - 06 - 01)), Relation::Child);
    f.weigh(o, date!(2025 - 12 - 12), 12.0);
    f.weigh(o, date!(2026 - 02 - 12), 12.4);
    // B: first weighing, far below the red line (boy of 12 months, 5.5 kg).
    let b = f.add(Sex::Male, Some(date!(2025 - 02 - 10)), Relation::Child);
    f.weigh(b, date!(2026 - 02 - 12), 5.5);
    // Not weighed in February.
    let absent = f.add(Sex::Female, Some(date!(2022 - 06 - 01)), Relation::Child);
    f.weigh(absent, date!(2026 - 01 - 12), 13.0);
    // Six years old: not an under-five, its weighing does not count.
    let older = f.add(Sex::Male, Some(date!(2020 - 01 - 01)), Relation::Child);
    f.weigh(older, date!(2026 - 02 - 12), 20.0);
    // No birth date: in no age-defined target.
    let unknown_age = f.hh.members.len();
    f.hh.members.push(PersonFacts::new(Person {
        birth: None,
        ..f.hh.members[older].person.clone()
    }));
    f.hh.members[unknown_age].person.id = PersonId::from_random_bytes([99; 16]);

    let t = coverage(
        &[f.hh.clone()],
        date!(2026 - 02 - 20),
        &ctx(),
        &CoverageTables::default(),
    );
    assert_eq!(t.month, FEB);
    assert_eq!(t.as_of, date!(2026 - 02 - 28));
    assert_eq!(counts(&t, Indicator::SkdnS), (5, 5));
    assert_eq!(counts(&t, Indicator::SkdnK), (5, 5));
    assert_eq!(counts(&t, Indicator::SkdnD), (4, 5));
    assert_eq!(counts(&t, Indicator::SkdnN), (1, 5));
    // D − O − B = 2 (the N and the 2T child).
    assert_eq!(counts(&t, Indicator::SkdnNPerD), (1, 2));
    assert_eq!(row_ids(&t, Indicator::SkdnNPerD).0, [f.id(n)]);
    assert_eq!(counts(&t, Indicator::SkdnO), (1, 4));
    assert_eq!(counts(&t, Indicator::SkdnB), (1, 4));
    assert_eq!(row_ids(&t, Indicator::TwoT).0, [f.id(tt)]);
    assert_eq!(row_ids(&t, Indicator::Bgm).0, [f.id(b)]);
    assert!(row_ids(&t, Indicator::SkdnS).1.contains(&f.id(absent)));
    assert!(!row_ids(&t, Indicator::SkdnS).1.contains(&f.id(older)));
    // Underweight among those weighed this month (boy B only is below −2).
    assert_eq!(row_ids(&t, Indicator::Underweight).0, [f.id(b)]);
    assert_eq!(t.row(Indicator::Underweight).denominator, 4);
}

// The month is capped at `today`, and later records do not count: January recomputed in March
// sees no February weighing.
#[test]
fn a_past_month_ignores_later_records() {
    let mut f = Family::new(2);
    let c = f.add(Sex::Male, Some(date!(2025 - 04 - 01)), Relation::Child);
    f.weigh(c, date!(2026 - 01 - 12), 8.6);
    f.weigh(c, date!(2026 - 02 - 12), 9.0);
    let jan = coverage(
        &[f.hh.clone()],
        date!(2026 - 01 - 01),
        &ctx(),
        &CoverageTables::default(),
    );
    assert_eq!(counts(&jan, Indicator::SkdnD), (1, 1));
    assert_eq!(counts(&jan, Indicator::SkdnB), (1, 1));
    let running = coverage(
        &[f.hh.clone()],
        date!(2026 - 02 - 01),
        &RuleContext::new(date!(2026 - 02 - 05), offset!(+8)),
        &CoverageTables::default(),
    );
    assert_eq!(running.as_of, date!(2026 - 02 - 05));
    assert_eq!(counts(&running, Indicator::SkdnD), (0, 1));
}

// DOMAIN.md section 3 IDL [S9] and section 1 PWS cumulative from January.
#[test]
fn idl_year_to_date() {
    let mut f = Family::new(3);
    let birth = date!(2025 - 03 - 01);
    let done = f.add(Sex::Female, Some(birth), Relation::Child);
    let days = |d: i64| birth + Duration::days(d);
    for (a, n, d) in [
        (Antigen::Hb0, 1, 0),
        (Antigen::Bcg, 1, 20),
        (Antigen::Opv, 1, 20),
        (Antigen::DptHbHib, 1, 61),
        (Antigen::Opv, 2, 61),
        (Antigen::DptHbHib, 2, 92),
        (Antigen::Opv, 3, 92),
        (Antigen::DptHbHib, 3, 122),
        (Antigen::Opv, 4, 122),
        (Antigen::Ipv, 1, 122),
    ] {
        f.dose(done, a, n, days(d));
    }
    // MR at 11 months, in January 2026: complete this year before 12 months.
    f.dose(done, Antigen::Mr, 1, date!(2026 - 01 - 20));
    // Another infant with only HB0.
    let partial = f.add(Sex::Male, Some(date!(2025 - 10 - 01)), Relation::Child);
    f.dose(partial, Antigen::Hb0, 1, date!(2025 - 10 - 01));
    // Fourteen months on 1 January: not an infant this year.
    let older = f.add(Sex::Male, Some(date!(2024 - 11 - 01)), Relation::Child);
    f.dose(older, Antigen::Hb0, 1, date!(2024 - 11 - 01));
    let t = coverage(&[f.hh.clone()], FEB, &ctx(), &CoverageTables::default());
    assert_eq!(
        row_ids(&t, Indicator::Idl),
        (vec![f.id(done)], vec![f.id(done), f.id(partial)])
    );
    // The same child under the set with PCV and RV is not complete.
    let t = coverage(
        &[f.hh],
        FEB,
        &ctx(),
        &CoverageTables {
            idl: crate::idl::IDL_WITH_PCV_RV,
            ..Default::default()
        },
    );
    assert_eq!(counts(&t, Indicator::Idl), (0, 2));
}

// DOMAIN.md sections 2-3: K1 akses/murni, K4 (1-1-2), K6 (1-2-3, doctor in T1 and T3) [S7][S13].
#[test]
fn anc_contacts() {
    let mut f = Family::new(4);
    let anc = |doctor| VisitKind::Anc {
        contact: None,
        by_doctor: doctor,
    };
    // HPHT 1 Oct 2025: T1 to 30 Dec 2025 (week 12), T2 to 23 Mar 2026 (week 24).
    let w = f.add(Sex::Female, Some(date!(1996 - 01 - 01)), Relation::Spouse);
    let preg = f.pregnancy(w, 1, date!(2025 - 10 - 01), None);
    for (on, doctor) in [
        (date!(2026 - 01 - 05), true),  // T2 (week 13): first contact, after T1
        (date!(2026 - 02 - 10), false), // T2
    ] {
        f.visit(w, at(on, 9), anc(doctor), Some(preg));
    }
    // A second woman, first contact in T1 (week 6), linked only by date.
    let v = f.add(Sex::Female, Some(date!(1999 - 01 - 01)), Relation::Spouse);
    f.pregnancy(v, 2, date!(2026 - 01 - 01), None);
    f.visit(v, at(date!(2026 - 02 - 12), 9), anc(true), None);
    // A third woman delivered on 20 Dec 2025: not a target this year.
    let x = f.add(Sex::Female, Some(date!(1990 - 01 - 01)), Relation::Spouse);
    f.pregnancy(
        x,
        3,
        date!(2025 - 03 - 15),
        Some((at(date!(2025 - 12 - 20), 3), OutcomeKind::LiveBirth)),
    );
    f.visit(x, at(date!(2025 - 05 - 01), 9), anc(true), None);
    let t = coverage(&[f.hh.clone()], FEB, &ctx(), &CoverageTables::default());
    assert_eq!(
        row_ids(&t, Indicator::K1Access),
        (vec![f.id(w), f.id(v)], vec![f.id(w), f.id(v)])
    );
    assert_eq!(row_ids(&t, Indicator::K1Pure).0, [f.id(v)]);
    assert_eq!(counts(&t, Indicator::K4), (0, 2));

    // HPHT 1 June 2025: T1 to 30 Aug (week 12), T2 to 22 Nov 2025 (week 24), T3 after; contacts
    // across the new year.
    let mut g = Family::new(5);
    let y = g.add(Sex::Female, Some(date!(1995 - 01 - 01)), Relation::Spouse);
    let p = g.pregnancy(y, 4, date!(2025 - 06 - 01), None);
    for (on, doctor) in [
        (date!(2025 - 07 - 10), true),  // T1, doctor
        (date!(2025 - 09 - 10), false), // T2
        (date!(2025 - 10 - 10), false), // T2
        (date!(2025 - 12 - 10), false), // T3
        (date!(2026 - 01 - 10), false), // T3: second in T3, K4 (1-1-2) reached
        (date!(2026 - 02 - 10), false), // T3: 3 in T3, but no doctor in T3 yet
        (date!(2026 - 02 - 20), true),  // T3 doctor: K6 reached
    ] {
        g.visit(y, at(on, 9), anc(doctor), Some(p));
    }
    let t = coverage(&[g.hh.clone()], FEB, &ctx(), &CoverageTables::default());
    // First contact was in 2025: K1 is last year's, not this year's.
    assert_eq!(counts(&t, Indicator::K1Access), (0, 1));
    assert_eq!(counts(&t, Indicator::K4), (1, 1));
    assert_eq!(counts(&t, Indicator::K6), (1, 1));
    // In January the K6 pattern was not reached yet.
    let jan = coverage(
        &[g.hh.clone()],
        date!(2026 - 01 - 01),
        &ctx(),
        &CoverageTables::default(),
    );
    assert_eq!(counts(&jan, Indicator::K4), (1, 1));
    assert_eq!(counts(&jan, Indicator::K6), (0, 1));
    // With "any two doctor contacts", the T3 doctor is not needed: reached on 10 Feb.
    let mut any_two = CoverageTables::default();
    any_two.anc.k6_doctor = DoctorRule::AnyTwo;
    g.hh.members[y]
        .events
        .retain(|e| e.occurred_at != at(date!(2026 - 02 - 20), 9));
    let t = coverage(&[g.hh.clone()], FEB, &ctx(), &any_two);
    assert_eq!(
        counts(&t, Indicator::K6),
        (0, 1),
        "only one doctor contact left"
    );
}

// DOMAIN.md section 2: KF1 6 h–2 d · KF2 d3–7 · KF3 d8–28 · KF4 d29–42 [S8b]; KN1–KN3 [S8c].
#[test]
fn postnatal_visits() {
    let mut f = Family::new(6);
    let mother = f.add(Sex::Female, Some(date!(1995 - 01 - 01)), Relation::Spouse);
    let delivered = at(date!(2026 - 01 - 03), 22);
    let preg = f.pregnancy(
        mother,
        1,
        date!(2025 - 04 - 01),
        Some((delivered, OutcomeKind::LiveBirth)),
    );
    // KF1 only 3 hours after delivery: too early. Then KF1 again at 14 h, KF2 day 5, KF3 day 10,
    // KF4 day 40.
    f.visit(
        mother,
        at(date!(2026 - 01 - 04), 1),
        VisitKind::Kf { number: 1 },
        Some(preg),
    );
    f.visit(
        mother,
        at(date!(2026 - 01 - 04), 12),
        VisitKind::Kf { number: 1 },
        Some(preg),
    );
    f.visit(
        mother,
        at(date!(2026 - 01 - 08), 9),
        VisitKind::Kf { number: 2 },
        None,
    );
    f.visit(
        mother,
        at(date!(2026 - 01 - 13), 9),
        VisitKind::Kf { number: 3 },
        None,
    );
    f.visit(
        mother,
        at(date!(2026 - 02 - 12), 9),
        VisitKind::Kf { number: 4 },
        None,
    );
    let baby = f.add(Sex::Male, Some(date!(2026 - 01 - 03)), Relation::Child);
    f.visit(
        baby,
        at(date!(2026 - 01 - 04), 10),
        VisitKind::Kn { number: 1 },
        None,
    );
    f.visit(
        baby,
        at(date!(2026 - 01 - 07), 10),
        VisitKind::Kn { number: 2 },
        None,
    );
    // KN3 on day 30: outside d8–28.
    f.visit(
        baby,
        at(date!(2026 - 02 - 02), 10),
        VisitKind::Kn { number: 3 },
        None,
    );
    let t = coverage(&[f.hh.clone()], FEB, &ctx(), &CoverageTables::default());
    assert_eq!(counts(&t, Indicator::Kf1), (1, 1));
    assert_eq!(counts(&t, Indicator::KfComplete), (1, 1));
    assert_eq!(counts(&t, Indicator::Kn1), (1, 1));
    assert_eq!(counts(&t, Indicator::KnComplete), (0, 1));
    // Without the 14 h visit, KF1 fails its 6-hour lower bound.
    f.hh.members[mother]
        .events
        .retain(|e| e.occurred_at != at(date!(2026 - 01 - 04), 12));
    let t = coverage(&[f.hh.clone()], FEB, &ctx(), &CoverageTables::default());
    assert_eq!(counts(&t, Indicator::Kf1), (0, 1));
    assert_eq!(counts(&t, Indicator::KfComplete), (0, 1));
    // In January, KF4 (day 40, 12 Feb) has not happened yet.
    let jan = coverage(
        &[f.hh],
        date!(2026 - 01 - 01),
        &ctx(),
        &CoverageTables::default(),
    );
    assert_eq!(counts(&jan, Indicator::KfComplete), (0, 1));
}

// DOMAIN.md section 4 (Permenkes 2/2020 [S11]): stunting and wasting among those measured.
#[test]
fn nutrition_prevalence() {
    let mut f = Family::new(7);
    // Boy of 365 days: 75.7 cm / 9.6 kg is normal (HAZ −0.02, WHZ −0.06 per DOMAIN.md checks).
    let normal = f.add(Sex::Male, Some(date!(2025 - 02 - 10)), Relation::Child);
    f.measure(
        normal,
        date!(2026 - 02 - 10),
        Measurement {
            weight_kg: Some(9.6),
            length_or_height_cm: Some(75.7),
            ..Default::default()
        },
    );
    // Same age, 68 cm and 7.0 kg: stunted (HAZ < −3) and wasting judged on 68 cm.
    let short = f.add(Sex::Male, Some(date!(2025 - 02 - 10)), Relation::Child);
    f.measure(
        short,
        date!(2026 - 02 - 10),
        Measurement {
            weight_kg: Some(7.0),
            length_or_height_cm: Some(68.0),
            ..Default::default()
        },
    );
    // Only weighed: counts for underweight, not for stunting or wasting.
    let weighed = f.add(Sex::Female, Some(date!(2024 - 02 - 10)), Relation::Child);
    f.weigh(weighed, date!(2026 - 02 - 10), 11.5);
    let t = coverage(&[f.hh.clone()], FEB, &ctx(), &CoverageTables::default());
    assert_eq!(
        row_ids(&t, Indicator::Stunting),
        (vec![f.id(short)], vec![f.id(normal), f.id(short)])
    );
    assert_eq!(t.row(Indicator::Wasting).denominator, 2);
    assert_eq!(t.row(Indicator::Underweight).denominator, 3);
    let wasted_short = t
        .row(Indicator::Wasting)
        .numerator_persons
        .contains(&f.id(short));
    let whz = crate::growth::assess(&crate::growth::GrowthInput {
        sex: Sex::Male,
        age_days: 365,
        weight_kg: Some(7.0),
        length_cm: Some(68.0),
        method: None,
        head_cm: None,
        muac_cm: None,
    })
    .unwrap()
    .z(crate::growth::Indicator::WeightForLength)
    .unwrap();
    assert_eq!(wasted_short, whz < -2.0);
}

// SPM screening (DOMAIN.md section 2, unverified) counted as a blood pressure in the year.
#[test]
fn adult_screening_and_households() {
    let mut f = Family::new(8);
    let adult = f.add(Sex::Male, Some(date!(1980 - 01 - 01)), Relation::Head);
    f.measure(
        adult,
        date!(2026 - 01 - 15),
        Measurement {
            systolic_mmhg: Some(130),
            diastolic_mmhg: Some(85),
            ..Default::default()
        },
    );
    let elder = f.add(Sex::Female, Some(date!(1950 - 01 - 01)), Relation::Parent);
    // Screened last year only.
    f.measure(
        elder,
        date!(2025 - 11 - 15),
        Measurement {
            systolic_mmhg: Some(150),
            diastolic_mmhg: Some(90),
            ..Default::default()
        },
    );
    for m in [adult, elder] {
        f.event(
            m,
            at(date!(2026 - 01 - 15), 9),
            EventPayload::HealthStatus(HealthStatus {
                smokes: Some(false),
                ..Default::default()
            }),
        );
    }
    let mut other = Family::new(9);
    other.hh.household.jkn = JknStatus::NotEnrolled;
    other.hh.household.clean_water = None;
    let mut unknown = Family::new(10);
    unknown.hh.household.jkn = JknStatus::Unknown;
    let t = coverage(
        &[f.hh.clone(), other.hh.clone(), unknown.hh.clone()],
        FEB,
        &ctx(),
        &CoverageTables::default(),
    );
    assert_eq!(
        row_ids(&t, Indicator::PtmScreening),
        (vec![f.id(adult)], vec![f.id(adult)])
    );
    assert_eq!(counts(&t, Indicator::ElderlyScreening), (0, 1));
    let hh = |r: &CoverageRow| {
        (
            r.numerator_households.clone(),
            r.denominator_households.clone(),
        )
    };
    assert_eq!(
        hh(t.row(Indicator::HouseholdsWithoutJkn)),
        (
            vec![other.hh.household.id],
            vec![f.hh.household.id, other.hh.household.id]
        )
    );
    // f: complete (4 household-level yes + smoking yes) → healthy; other: water not asked; the
    // empty household has nobody asked about smoking.
    assert_eq!(counts(&t, Indicator::IksComplete), (1, 3));
    assert_eq!(
        hh(t.row(Indicator::IksHealthy)),
        (vec![f.hh.household.id], vec![f.hh.household.id])
    );
    assert_eq!(counts(&t, Indicator::IksUnhealthy), (0, 1));
    assert!(t.row(Indicator::IksHealthy).numerator_persons.is_empty());
}

// DOMAIN.md section 8: MBG for the 3B, eligible and served in the month.
#[test]
fn mbg_for_the_three_b() {
    let mut f = Family::new(11);
    let pregnant = f.add(Sex::Female, Some(date!(1997 - 01 - 01)), Relation::Spouse);
    f.pregnancy(pregnant, 1, date!(2025 - 11 - 01), None);
    f.mbg(pregnant, date!(2026 - 02 - 03));
    let nursing = f.add(
        Sex::Female,
        Some(date!(1998 - 01 - 01)),
        Relation::ChildInLaw,
    );
    f.pregnancy(
        nursing,
        2,
        date!(2025 - 03 - 01),
        Some((at(date!(2025 - 12 - 01), 8), OutcomeKind::LiveBirth)),
    );
    // Served in January only.
    f.mbg(nursing, date!(2026 - 01 - 20));
    let toddler = f.add(Sex::Male, Some(date!(2024 - 01 - 01)), Relation::Grandchild);
    f.mbg(toddler, date!(2026 - 02 - 03));
    let baby = f.add(Sex::Male, Some(date!(2025 - 12 - 01)), Relation::Grandchild);
    let t = coverage(&[f.hh.clone()], FEB, &ctx(), &CoverageTables::default());
    assert_eq!(
        row_ids(&t, Indicator::MbgPregnant),
        (vec![f.id(pregnant)], vec![f.id(pregnant)])
    );
    assert_eq!(
        row_ids(&t, Indicator::MbgBreastfeeding),
        (vec![], vec![f.id(nursing)])
    );
    // The 2-month-old is below the 6-month MBG band.
    assert_eq!(
        row_ids(&t, Indicator::MbgUnderFive),
        (vec![f.id(toddler)], vec![f.id(toddler)])
    );
    assert!(
        !t.row(Indicator::MbgUnderFive)
            .denominator_persons
            .contains(&f.id(baby))
    );
}

#[test]
fn rows_follow_the_indicator_order() {
    let t = coverage(&[], FEB, &ctx(), &CoverageTables::default());
    assert_eq!(t.rows.len(), Indicator::ALL.len());
    for (r, i) in t.rows.iter().zip(Indicator::ALL) {
        assert_eq!(r.indicator, i);
        assert_eq!((r.numerator, r.denominator), (0, 0));
        assert_eq!(r.ratio(), None);
    }
    let codes: std::collections::HashSet<_> = Indicator::ALL.iter().map(|i| i.code()).collect();
    assert_eq!(codes.len(), Indicator::ALL.len());
}

/// A random household: members of any age (half of them under five) with random weighings,
/// doses, visits, services and pregnancies from June 2025 to March 2026.
fn arb_household(n: u8) -> impl Strategy<Value = HouseholdFacts> {
    let member = (
        prop_oneof![0i64..1_800, 5_000i64..30_000],
        any::<bool>(),
        proptest::collection::vec((0i64..300, 0u8..8, 0u8..5, 1.0f64..30.0), 0..16),
        proptest::option::of((0i64..300, proptest::option::of(0i64..300))),
    );
    (proptest::collection::vec(member, 0..5), 0usize..5).prop_map(move |(members, jkn)| {
        let mut f = Family::new(n);
        f.hh.household.jkn = JknStatus::KNOWN[jkn].clone();
        let base = date!(2025 - 06 - 01);
        for (age_days, female, events, preg) in members {
            let sex = if female { Sex::Female } else { Sex::Male };
            let i = f.add(
                sex,
                Some(date!(2026 - 03 - 01) - Duration::days(age_days)),
                Relation::Child,
            );
            let pid = preg.map(|(start, outcome)| {
                let hpht = base + Duration::days(start);
                f.pregnancy(
                    i,
                    n.wrapping_add(i as u8),
                    hpht,
                    outcome.map(|d| (at(hpht + Duration::days(d), 10), OutcomeKind::LiveBirth)),
                )
            });
            for (day, kind, k, kg) in events {
                let on = base + Duration::days(day);
                match kind {
                    0 | 1 => f.weigh(i, on, kg),
                    2 => f.dose(i, Antigen::KNOWN[k as usize].clone(), k.max(1), on),
                    3 => f.visit(
                        i,
                        at(on, 9),
                        VisitKind::Anc {
                            contact: None,
                            by_doctor: k % 2 == 0,
                        },
                        pid,
                    ),
                    4 => f.visit(i, at(on, 9), VisitKind::Kf { number: k.max(1) }, pid),
                    5 => f.visit(i, at(on, 9), VisitKind::Kn { number: k.max(1) }, None),
                    6 => f.mbg(i, on),
                    _ => f.measure(
                        i,
                        on,
                        Measurement {
                            systolic_mmhg: Some(120),
                            length_or_height_cm: Some(40.0 + kg * 3.0),
                            weight_kg: Some(kg),
                            ..Default::default()
                        },
                    ),
                }
            }
        }
        f.hh
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn numerators_are_within_denominators(
        (a, b, c) in (arb_household(1), arb_household(41), arb_household(81)),
        take in 0usize..=3,
        month in 0i64..10,
    ) {
        let mut households = vec![a, b, c];
        households.truncate(take);
        let month = date!(2025 - 06 - 01) + Duration::days(month * 31);
        let t = coverage(&households, month, &ctx(), &CoverageTables::default());
        for r in &t.rows {
            prop_assert!(r.numerator <= r.denominator, "{}", r.code);
            for p in &r.numerator_persons {
                prop_assert!(r.denominator_persons.contains(p), "{}", r.code);
            }
            for h in &r.numerator_households {
                prop_assert!(r.denominator_households.contains(h), "{}", r.code);
            }
            if let Some(x) = r.ratio() {
                prop_assert!((0.0..=1.0).contains(&x));
            }
        }
        // Counted in parts and joined, the same table.
        let tables = CoverageTables::default();
        for cut in 0..=households.len() {
            let (first, second) = households.split_at(cut);
            let joined = join_counts(
                vec![count(first, month, &ctx(), &tables), count(second, month, &ctx(), &tables)],
                month,
                &ctx(),
                &tables,
            );
            prop_assert_eq!(&joined, &t);
        }
        // D ⊆ S, and N/D's denominator is D − O − B.
        let d = t.row(Indicator::SkdnD);
        let (o, b) = (t.row(Indicator::SkdnO).numerator, t.row(Indicator::SkdnB).numerator);
        prop_assert_eq!(t.row(Indicator::SkdnNPerD).denominator, d.numerator - o - b);
        prop_assert_eq!(t.row(Indicator::SkdnN).numerator, t.row(Indicator::SkdnNPerD).numerator);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// The store gives the coverage rules only the events [`reads`] names: adding any other
    /// event to a history, or leaving them all out, gives the same table.
    #[test]
    fn events_coverage_does_not_read_change_nothing(
        (a, b) in (arb_household(1), arb_household(41)),
        noise in proptest::collection::vec((0usize..10, 0i64..300, 0u8..6), 0..24),
        month in 0i64..10,
    ) {
        let mut households = vec![a, b];
        let month = date!(2025 - 06 - 01) + Duration::days(month * 31);
        let tables = CoverageTables::default();
        let before = coverage(&households, month, &ctx(), &tables);
        for (who, day, kind) in noise {
            let f = &mut households[who % 2];
            if f.members.is_empty() {
                continue;
            }
            let i = who % f.members.len();
            let on = date!(2025 - 06 - 01) + Duration::days(day);
            let payload = match kind {
                0 => EventPayload::Visit(Visit {
                    kind: VisitKind::Posyandu,
                    posyandu: None,
                    place: None,
                    pregnancy: None,
                }),
                1 => EventPayload::Visit(Visit {
                    kind: VisitKind::HomeVisit,
                    posyandu: None,
                    place: None,
                    pregnancy: None,
                }),
                2 => EventPayload::Service(Service {
                    kind: ServiceKind::VitaminABlue,
                    quantity: Some(1),
                }),
                3 => EventPayload::Note { text: "catatan".into() },
                4 => EventPayload::DangerSigns { signs: vec![ilp_model::DangerSign::HighFever], note: None },
                _ => EventPayload::Service(Service {
                    kind: ServiceKind::IronTablets,
                    quantity: Some(30),
                }),
            };
            prop_assert!(!reads(&payload));
            let m = &mut f.members[i];
            m.events.push(Event {
                id: EventId::from_random_bytes([200; 16]),
                person: m.person.id,
                visit: None,
                recorded_by: UserId::from_random_bytes([2; 16]),
                device: DeviceId::from_random_bytes([3; 16]),
                occurred_at: at(on, 9),
                recorded_at: at(on, 9),
                payload,
            });
            m.events.sort_by_key(|e| e.occurred_at);
        }
        prop_assert_eq!(&coverage(&households, month, &ctx(), &tables), &before);
        for f in &mut households {
            for m in &mut f.members {
                m.events.retain(|e| reads(&e.payload));
            }
        }
        prop_assert_eq!(&coverage(&households, month, &ctx(), &tables), &before);
        // Nor do they read a dose's batch, a visit's place or Posyandu (the store leaves them
        // out), or who recorded an event in which visit.
        for f in &mut households {
            for m in &mut f.members {
                for e in &mut m.events {
                    e.visit = Some(EventId::from_random_bytes([201; 16]));
                    e.recorded_by = UserId::from_random_bytes([202; 16]);
                    match &mut e.payload {
                        EventPayload::Immunization(i) => i.batch = Some("BCG2611A".into()),
                        EventPayload::Visit(v) => {
                            v.place = Some("Pustu Oesapa".into());
                            v.posyandu = Some(ilp_model::PosyanduId::from_random_bytes([203; 16]));
                        }
                        _ => {}
                    }
                }
            }
        }
        prop_assert_eq!(&coverage(&households, month, &ctx(), &tables), &before);
    }
}

#[test]
fn problems_are_better_lower_and_counts_neither() {
    use super::{Better, Indicator};
    for i in Indicator::ALL {
        let expected = match i.code() {
            "skdn_s" | "skdn_b" | "iks_pre_healthy" => Better::Neither,
            "skdn_o"
            | "bgm"
            | "two_t"
            | "stunting"
            | "wasting"
            | "underweight"
            | "iks_unhealthy"
            | "households_without_jkn" => Better::Lower,
            _ => Better::Higher,
        };
        assert_eq!(i.better(), expected, "{}", i.code());
    }
}

#[test]
fn percent_rounds_halves_up_to_one_decimal() {
    assert_eq!(percent(82, 160), Some(51.3)); // 51.25: `{:.1}` of the ratio would give 51.2
    assert_eq!(percent(1, 8), Some(12.5));
    assert_eq!(percent(1, 3), Some(33.3));
    assert_eq!(percent(2, 3), Some(66.7));
    assert_eq!(percent(1, 2000), Some(0.1)); // 0.05
    assert_eq!(percent(0, 7), Some(0.0));
    assert_eq!(percent(7, 7), Some(100.0));
    assert_eq!(percent(3, 0), None);
}

proptest! {
    /// The shown percentage is the exact one rounded half up: within a twentieth of a point,
    /// below it only when the exact value lies under the half.
    #[test]
    fn percent_is_the_exact_value_rounded(d in 1u32..100_000, n_frac in 0.0f64..=1.0) {
        let n = (f64::from(d) * n_frac).floor() as u32;
        let shown = percent(n, d).unwrap();
        let exact = f64::from(n) * 100.0 / f64::from(d);
        prop_assert!((shown - exact).abs() <= 0.05 + 1e-9, "{n}/{d}: {shown} vs {exact}");
        prop_assert!((0.0..=100.0).contains(&shown));
        // Tenths are what is shown: printing with one decimal never rounds it again.
        prop_assert_eq!(format!("{shown:.1}").parse::<f64>().unwrap(), shown);
    }
}
