//! The compact copy of the events that a large area's coverage reads (`coverage_event`): kept in
//! step with the event table by every write, and giving the coverage rules the same facts as
//! the event table itself, whatever was recorded, voided, amended or merged.

mod common;

use common::*;
use ilp_model::{
    Antigen, Condition, ConditionStatus, DangerSign, EventId, EventPayload, HealthStatus,
    JknStatus, Measurement, PersonId, Service, ServiceKind, Timestamp, Visit, VisitKind,
};
use ilp_store::coverage::{ReadPlan, household_facts_planned};
use ilp_store::events::{ImmunizationInput, VisitInput};
use ilp_store::input::HouseholdInput;
use ilp_store::{Store, households, merge};
use proptest::prelude::*;
use time::macros::date;

/// Rows of the copy that differ from what `coverage_event_of` derives from the events now
/// (either way round): none when the copy is in step.
fn copy_out_of_step(conn: &rusqlite::Connection) -> i64 {
    conn.query_row(
        "SELECT (SELECT count(*) FROM (SELECT * FROM coverage_event EXCEPT SELECT * FROM coverage_event_of))
              + (SELECT count(*) FROM (SELECT * FROM coverage_event_of EXCEPT SELECT * FROM coverage_event))",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

fn family(store: &Store, tree: &Tree, rt: ilp_model::AreaId, born: time::Date) -> Vec<PersonId> {
    store
        .write(&ctx(tree.kader), |w| {
            households::register(
                w,
                &HouseholdInput {
                    rt,
                    kk_number: None,
                    address: Some("Jl. Adisucipto".into()),
                    gps: Some((-10.15, 123.63)),
                    jkn: JknStatus::Pbi,
                    clean_water: Some(true),
                    healthy_latrine: Some(true),
                    notes: None,
                },
                &mother_and_baby(born),
            )
        })
        .unwrap()
        .members
}

#[derive(Clone, Debug)]
enum Op {
    /// A visit of one kind (0-5) with some of seven parts (bits).
    Visit {
        who: usize,
        days_ago: i64,
        kind: u8,
        parts: u8,
    },
    Void(usize),
    /// Amends an earlier event: a visit becomes an ANC visit, a weight changes.
    Amend(usize),
    Merge(usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0usize..6, 0i64..400, 0u8..6, any::<u8>()).prop_map(|(who, days_ago, kind, parts)| Op::Visit { who, days_ago, kind, parts }),
        2 => any::<usize>().prop_map(Op::Void),
        2 => any::<usize>().prop_map(Op::Amend),
        1 => (0usize..6, 0usize..6).prop_map(|(a, b)| Op::Merge(a, b)),
    ]
}

fn visit(who: PersonId, days_ago: i64, kind: u8, parts: u8) -> VisitInput {
    let at = Timestamp::from_millis(now().millis() - days_ago * 86_400_000);
    let kind = match kind {
        0 => VisitKind::Posyandu,
        1 => VisitKind::HomeVisit,
        2 => VisitKind::Anc {
            contact: None,
            by_doctor: parts.is_multiple_of(3),
        },
        3 => VisitKind::Kf { number: 1 },
        4 => VisitKind::Kn { number: 1 },
        _ => VisitKind::Other,
    };
    let bit = |i: u8| parts & (1 << i) != 0;
    let mut services = Vec::new();
    if bit(2) {
        services.push(Service {
            kind: ServiceKind::MbgPackage,
            quantity: Some(1),
        });
    }
    if bit(3) {
        services.push(Service {
            kind: ServiceKind::VitaminABlue,
            quantity: None,
        });
    }
    VisitInput {
        measurement: bit(0).then(|| Measurement {
            weight_kg: Some(5.0 + f64::from(parts % 50) * 0.7),
            systolic_mmhg: bit(5).then_some(120),
            diastolic_mmhg: bit(5).then_some(80),
            ..Default::default()
        }),
        immunizations: if bit(1) {
            vec![ImmunizationInput {
                antigen: Antigen::Bcg,
                dose: 1,
                given_on: None,
                batch: Some("BCG-26".into()),
                recorded_from_history: false,
            }]
        } else {
            Vec::new()
        },
        services,
        danger_signs: if bit(4) {
            vec![DangerSign::HighFever]
        } else {
            Vec::new()
        },
        health_status: bit(6).then(|| HealthStatus {
            conditions: vec![ConditionStatus {
                condition: Condition::Hypertension,
                on_treatment: Some(true),
                neglected: None,
                resolved: false,
            }],
            smokes: Some(false),
            ..Default::default()
        }),
        note: bit(7).then(|| "kontrol bulan depan".to_string()),
        ..VisitInput::new(who, at, kind)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn the_copy_follows_the_events_and_gives_the_same_facts(ops in proptest::collection::vec(op(), 0..40)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let store = open(&path, None);
        let tree = seed_tree(&store);
        let mut people = family(&store, &tree, tree.rt1, date!(2026 - 03 - 01));
        people.extend(family(&store, &tree, tree.rt1, date!(2025 - 10 - 01)));
        people.extend(family(&store, &tree, tree.rt2, date!(2026 - 09 - 15)));
        let mut events: Vec<EventId> = Vec::new();
        for op in ops {
            // Refused inputs (a void of a voided event, a merge of a merged record) change
            // nothing, as in the app.
            let _ = store.write(&ctx(tree.kader), |w| match &op {
                Op::Visit { who, days_ago, kind, parts } => {
                    let rec = ilp_store::events::record_visit(w, &visit(people[*who], *days_ago, *kind, *parts))?;
                    events.push(rec.visit);
                    events.extend(rec.parts);
                    Ok(())
                }
                Op::Void(i) if !events.is_empty() => {
                    ilp_store::events::void_event(w, events[i % events.len()], "salah orang").map(|_| ())
                }
                Op::Amend(i) if !events.is_empty() => {
                    let target = events[i % events.len()];
                    let replacement = match ilp_store::events::load_event(w.conn(), target)?.payload {
                        EventPayload::Visit(v) => EventPayload::Visit(Visit {
                            kind: VisitKind::Anc { contact: Some(1), by_doctor: true },
                            ..v
                        }),
                        EventPayload::Measurement(m) => EventPayload::Measurement(Measurement {
                            weight_kg: m.weight_kg.map(|kg| kg + 0.5),
                            ..m
                        }),
                        other => other,
                    };
                    ilp_store::events::amend_event(w, target, replacement, "salah ketik").map(|_| ())
                }
                Op::Merge(a, b) => merge::merge_persons(w, people[*a], people[*b]).map(|_| ()),
                _ => Ok(()),
            });
        }
        prop_assert_eq!(store.read(|c| Ok(copy_out_of_step(c))).unwrap(), 0);
        let read = |plan| {
            store
                .read(|c| household_facts_planned(c, &[tree.rt1, tree.rt2], plan))
                .unwrap()
        };
        prop_assert_eq!(read(ReadPlan::ByRt), read(ReadPlan::TableScans));
    }
}

#[test]
fn deleted_events_leave_the_copy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.db");
    let store = open(&path, None);
    let tree = seed_tree(&store);
    let people = family(&store, &tree, tree.rt1, date!(2026 - 03 - 01));
    for (i, p) in people.iter().enumerate() {
        store
            .write(&ctx(tree.kader), |w| {
                ilp_store::events::record_visit(w, &visit(*p, i as i64, 0, 0x14))
            })
            .unwrap();
    }
    store.close().unwrap();
    drop(store);
    // As leaving an area's scope deletes its persons' events.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let copied = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("SELECT count(*) FROM coverage_event", [], |r| r.get(0))
            .unwrap()
    };
    let before = copied(&conn);
    assert!(before > 0);
    let gone = conn
        .execute(
            "DELETE FROM event WHERE person_id = ?1",
            [people[0].to_string()],
        )
        .unwrap() as i64;
    assert!(gone > 0);
    assert_eq!(copied(&conn), before - gone);
    assert_eq!(copy_out_of_step(&conn), 0);
}
