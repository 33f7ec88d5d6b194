//! Due items kept precomputed in the store: recomputed inside the write that touches a person,
//! rebuilt when the month turns or after a bulk load, and read back as the worklist and the
//! Posyandu session.

mod common;

use common::*;
use ilp_model::{
    Antigen, DangerSign, JknStatus, Measurement, PersonId, Posyandu, PosyanduId, Timestamp,
    VisitKind,
};
use ilp_rules::due::{DueKind, DueStatus};
use ilp_rules::worklist::Priority;
use ilp_store::due_items;
use ilp_store::events::{ImmunizationInput, VisitInput};
use ilp_store::input::HouseholdInput;
use ilp_store::{Store, WriteCtx, areas, households, merge};
use time::macros::{date, datetime};
use time::{Date, Duration};

fn household(rt: ilp_model::AreaId, gps: (f64, f64)) -> HouseholdInput {
    HouseholdInput {
        rt,
        kk_number: None,
        address: Some("Jl. Adisucipto".into()),
        gps: Some(gps),
        jkn: JknStatus::Pbi,
        clean_water: Some(true),
        healthy_latrine: Some(true),
        notes: None,
    }
}

fn ctx_on(user: ilp_model::UserId, today: Date) -> WriteCtx {
    WriteCtx {
        user,
        now: Timestamp::from_datetime(today.midnight().assume_utc() + Duration::hours(1)),
        today,
    }
}

fn register(store: &Store, tree: &Tree, gps: (f64, f64), born: Date) -> (PersonId, PersonId) {
    let reg = store
        .write(&ctx(tree.kader), |w| {
            households::register(w, &household(tree.rt1, gps), &mother_and_baby(born))
        })
        .unwrap();
    (reg.members[0], reg.members[1])
}

fn dose(antigen: Antigen, dose: u8) -> ImmunizationInput {
    ImmunizationInput {
        antigen,
        dose,
        given_on: None,
        batch: None,
        recorded_from_history: false,
    }
}

fn items_of(store: &Store, person: PersonId) -> Vec<ilp_rules::due::DueItem> {
    store.due_items_of(person, date!(2026 - 11 - 22)).unwrap()
}

fn key_status(items: &[ilp_rules::due::DueItem], key: &str, today: Date) -> Option<DueStatus> {
    items
        .iter()
        .find(|i| i.kind.key() == key)
        .map(|i| i.status(today))
}

/// person, key, earliest, latest, high risk, person name.
type StoredRow = (String, String, i64, Option<i64>, bool, Option<String>);

fn stored_rows(store: &Store) -> Vec<StoredRow> {
    store
        .read(|c| {
            let mut st = c.prepare(
                "SELECT person_id, item_key, earliest, latest, high_risk, person_name FROM due_item ORDER BY person_id, item_key",
            )?;
            let rows = st
                .query_map([], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .unwrap()
}

#[test]
fn a_visit_recomputes_the_persons_items_in_the_same_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("s.db"), Some(key()));
    let tree = seed_tree(&store);
    let today = date!(2026 - 11 - 22);
    // Born 1 July 2026: at almost five months DPT-HB-Hib 1-3 and OPV 2-4 are overdue.
    let (_, baby) = register(&store, &tree, (-10.15, 123.63), date!(2026 - 07 - 01));
    let before = items_of(&store, baby);
    assert_eq!(
        key_status(&before, "imm:dpt_hb_hib:1", today),
        Some(DueStatus::Overdue)
    );
    store
        .write(&ctx(tree.kader), |w| {
            ilp_store::events::record_visit(
                w,
                &VisitInput {
                    measurement: Some(Measurement {
                        weight_kg: Some(6.4),
                        ..Default::default()
                    }),
                    immunizations: vec![dose(Antigen::DptHbHib, 1), dose(Antigen::Opv, 2)],
                    ..VisitInput::new(baby, now(), VisitKind::Posyandu)
                },
            )
        })
        .unwrap();
    let after = items_of(&store, baby);
    assert_eq!(
        key_status(&after, "imm:dpt_hb_hib:1", today),
        Some(DueStatus::Done { on: today })
    );
    assert!(matches!(
        key_status(&after, "weigh:2026-11-01", today),
        Some(DueStatus::Done { .. })
    ));
    // The stored items are what a rebuild from scratch gives: incremental == full.
    let incremental = stored_rows(&store);
    store.rebuild_due_items(today).unwrap();
    assert_eq!(stored_rows(&store), incremental);
}

#[test]
fn the_worklist_lists_each_open_item_once_with_follow_ups_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("w.db"), Some(key()));
    let tree = seed_tree(&store);
    let today = date!(2026 - 11 - 22);
    let (mother1, quiet_baby) = register(&store, &tree, (-10.150, 123.630), date!(2026 - 07 - 01));
    let (mother2, sick_baby) = register(&store, &tree, (-10.152, 123.634), date!(2026 - 09 - 20));
    store
        .write(&ctx(tree.kader), |w| {
            ilp_store::events::record_visit(
                w,
                &VisitInput {
                    danger_signs: vec![DangerSign::HighFever],
                    ..VisitInput::new(
                        sick_baby,
                        Timestamp::from_datetime(datetime!(2026-11-21 02:00 UTC)),
                        VisitKind::HomeVisit,
                    )
                },
            )
        })
        .unwrap();
    let list = store.worklist(&[tree.rt1, tree.rt2], today).unwrap();
    assert_eq!(list.groups.len(), 1, "both households are in RT 001");
    let group = &list.groups[0];
    let stops = &group.stops;
    assert_eq!(stops.len(), 2);
    assert_eq!(stops[0].priority, Priority::FollowUp);
    assert!(group.items_of(&stops[0]).iter().any(
        |(i, _)| i.person == sick_baby && matches!(i.kind, DueKind::DangerSignFollowUp { .. })
    ));
    // Every open stored item is listed exactly once.
    let mut listed: Vec<(PersonId, String)> = stops
        .iter()
        .flat_map(|s| {
            group
                .items_of(s)
                .iter()
                .map(|(i, _)| (i.person, i.kind.key()))
        })
        .collect();
    let total = listed.len();
    listed.sort();
    listed.dedup();
    assert_eq!(listed.len(), total);
    // Exactly the open items of the four persons (the mothers' yearly screening included).
    let mut open: Vec<(PersonId, String)> = [mother1, quiet_baby, mother2, sick_baby]
        .into_iter()
        .flat_map(|p| items_of(&store, p))
        .filter(|i| i.status(today).is_open())
        .map(|i| (i.person, i.kind.key()))
        .collect();
    open.sort();
    assert_eq!(listed, open);
    assert_eq!(list.item_count(), total);
}

#[test]
fn a_new_month_rebuilds_the_items_and_a_bulk_load_defers_them() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("m.db"), Some(key()));
    let tree = seed_tree(&store);
    let (_, baby) = register(&store, &tree, (-10.15, 123.63), date!(2026 - 07 - 01));
    assert!(
        store
            .read(|c| due_items::is_current(c, date!(2026 - 11 - 22)))
            .unwrap()
            || !items_of(&store, baby).is_empty()
    );
    // Next month: December's weighing appears only after the monthly rebuild.
    let december = date!(2026 - 12 - 05);
    assert!(store.refresh_due_items(december).unwrap());
    assert!(!store.refresh_due_items(december).unwrap(), "once a month");
    let items = store.due_items_of(baby, december).unwrap();
    assert!(items.iter().any(|i| i.kind.key() == "weigh:2026-12-01"));

    store
        .write(&ctx_on(tree.kader, december), |w| {
            w.defer_due_items();
            households::register(
                w,
                &household(tree.rt1, (-10.16, 123.64)),
                &mother_and_baby(date!(2026 - 10 - 01)),
            )
        })
        .unwrap();
    assert!(
        !store.read(|c| due_items::is_current(c, december)).unwrap(),
        "a deferred write leaves the items to rebuild"
    );
    let list = store.worklist(&[tree.rt1], december).unwrap();
    assert!(list.item_count() > 0);
    assert!(store.read(|c| due_items::is_current(c, december)).unwrap());
}

#[test]
fn a_merge_moves_the_items_to_the_survivor() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("g.db"), Some(key()));
    let tree = seed_tree(&store);
    let (_, baby) = register(&store, &tree, (-10.15, 123.63), date!(2026 - 07 - 01));
    let (_, twin_record) = register(&store, &tree, (-10.15, 123.63), date!(2026 - 07 - 01));
    store
        .write(&ctx(tree.kader), |w| {
            ilp_store::events::record_visit(
                w,
                &VisitInput {
                    immunizations: vec![dose(Antigen::Bcg, 1)],
                    ..VisitInput::new(twin_record, now(), VisitKind::Posyandu)
                },
            )
        })
        .unwrap();
    store
        .write(&ctx(tree.kader), |w| {
            merge::merge_persons(w, baby, twin_record)
        })
        .unwrap();
    let today = date!(2026 - 11 - 22);
    let survivor = items_of(&store, baby);
    assert!(matches!(
        key_status(&survivor, "imm:bcg:1", today),
        Some(DueStatus::Done { .. })
    ));
    let gone: i64 = store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM due_item WHERE person_id = ?1",
                [twin_record.to_string()],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(gone, 0);
}

#[test]
fn the_posyandu_session_shows_who_came_and_who_becomes_a_home_visit() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("p.db"), Some(key()));
    let tree = seed_tree(&store);
    let posyandu = PosyanduId::from_random_bytes([40; 16]);
    store
        .write(&ctx(tree.kader), |w| {
            areas::insert_posyandu(
                w,
                &Posyandu {
                    id: posyandu,
                    village: tree.village,
                    name: "Posyandu Mawar".into(),
                    rts: vec![tree.rt1],
                },
            )
        })
        .unwrap();
    let (_, came) = register(&store, &tree, (-10.15, 123.63), date!(2026 - 07 - 01));
    let (_, stayed_home) = register(&store, &tree, (-10.16, 123.63), date!(2026 - 08 - 01));
    let day = date!(2026 - 11 - 22);
    store
        .write(&ctx(tree.kader), |w| {
            ilp_store::events::record_visit(
                w,
                &VisitInput {
                    posyandu: Some(posyandu),
                    measurement: Some(Measurement {
                        weight_kg: Some(6.8),
                        ..Default::default()
                    }),
                    ..VisitInput::new(came, now(), VisitKind::Posyandu)
                },
            )
        })
        .unwrap();
    let session = store.posyandu_session(posyandu, day, day).unwrap();
    let find = |id: PersonId| session.expected.iter().find(|e| e.person.id == id);
    assert!(find(came).unwrap().attended);
    assert!(!find(stayed_home).unwrap().attended);
    let absent: Vec<PersonId> = session.absent().map(|e| e.person.id).collect();
    assert!(absent.contains(&stayed_home));
    assert!(!absent.contains(&came));

    // The next day the absent child's weighing is a home visit due now; the child who came has
    // no weighing left to do.
    let next_day = date!(2026 - 11 - 23);
    let list = store.worklist(&[tree.rt1], next_day).unwrap();
    let stop_of = |p: PersonId| {
        list.groups.iter().find_map(|g| {
            g.stops
                .iter()
                .find(|s| g.items_of(s).iter().any(|(i, _)| i.person == p))
                .map(|s| (s, g.items_of(s)))
        })
    };
    let (home, items) = stop_of(stayed_home).expect("the absent child is on the worklist");
    assert_eq!(home.missed_session, Some(day));
    let weighing = items
        .iter()
        .find(|(i, _)| i.person == stayed_home && i.kind.key() == "weigh:2026-11-01")
        .unwrap();
    assert_eq!(weighing.1, Priority::DueToday);
    assert!(
        stop_of(came).is_none_or(|(_, items)| !items
            .iter()
            .any(|(i, _)| i.person == came && matches!(i.kind, DueKind::Weighing { .. }))),
        "the child weighed at the session has no weighing left"
    );
}

#[test]
fn the_worklist_shows_the_household_as_it_is_after_an_edit() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("e.db"), Some(key()));
    let tree = seed_tree(&store);
    let today = date!(2026 - 11 - 22);
    let reg = store
        .write(&ctx(tree.kader), |w| {
            households::register(
                w,
                &household(tree.rt1, (-10.15, 123.63)),
                &mother_and_baby(date!(2026 - 07 - 01)),
            )
        })
        .unwrap();
    let stop_address = |store: &Store| {
        let list = store.worklist(&[tree.rt1], today).unwrap();
        let stop = &list.groups[0].stops[0];
        let ilp_rules::worklist::StopKey::Household(h) = stop.key else {
            panic!("a household stop")
        };
        let household = list.households.get(&h).expect("the stop's household");
        (
            household.address.map(str::to_owned),
            household.head_name.map(str::to_owned),
            stop.gps,
        )
    };
    assert_eq!(
        stop_address(&store),
        (
            Some("Jl. Adisucipto".into()),
            Some("Yohana Fanggidae".into()),
            Some(ilp_model::GeoPoint {
                lat: -10.15,
                lon: 123.63
            })
        )
    );
    store
        .write(&ctx(tree.kader), |w| {
            households::edit(
                w,
                reg.household,
                &HouseholdInput {
                    address: Some("Jl. Timor Raya No. 3".into()),
                    gps: Some((-10.16, 123.64)),
                    ..household(tree.rt1, (0.0, 0.0))
                },
            )
        })
        .unwrap();
    let (address, head, gps) = stop_address(&store);
    assert_eq!(address.as_deref(), Some("Jl. Timor Raya No. 3"));
    assert_eq!(head.as_deref(), Some("Yohana Fanggidae"));
    assert_eq!(
        gps,
        Some(ilp_model::GeoPoint {
            lat: -10.16,
            lon: 123.64
        })
    );
}

#[test]
fn both_reading_plans_give_the_same_household_facts() {
    use ilp_store::coverage::{ReadPlan, household_facts_planned};
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("c.db"), Some(key()));
    let tree = seed_tree(&store);
    let (mother, baby) = register(&store, &tree, (-10.15, 123.63), date!(2026 - 07 - 01));
    let (_, other) = register(&store, &tree, (-10.16, 123.63), date!(2026 - 05 - 01));
    for (p, kg) in [(baby, 6.9), (other, 7.4), (baby, 7.2)] {
        store
            .write(&ctx(tree.kader), |w| {
                ilp_store::events::record_visit(
                    w,
                    &VisitInput {
                        measurement: Some(Measurement {
                            weight_kg: Some(kg),
                            ..Default::default()
                        }),
                        immunizations: vec![dose(Antigen::Bcg, 1)],
                        ..VisitInput::new(p, now(), VisitKind::Posyandu)
                    },
                )
            })
            .ok();
    }
    let rec = store
        .write(&ctx(tree.kader), |w| {
            ilp_store::events::record_visit(
                w,
                &VisitInput {
                    measurement: Some(Measurement {
                        weight_kg: Some(58.0),
                        systolic_mmhg: Some(130),
                        diastolic_mmhg: Some(85),
                        ..Default::default()
                    }),
                    ..VisitInput::new(mother, now(), VisitKind::HomeVisit)
                },
            )
        })
        .unwrap();
    store
        .write(&ctx(tree.kader), |w| {
            ilp_store::events::void_event(w, rec.parts[0], "wrong person")
        })
        .unwrap();
    let read = |plan| {
        store
            .read(|c| household_facts_planned(c, &[tree.rt1, tree.rt2], plan))
            .unwrap()
    };
    let by_rt = read(ReadPlan::ByRt);
    let by_scans = read(ReadPlan::TableScans);
    assert_eq!(by_rt.len(), 2);
    assert_eq!(by_rt, by_scans);
    let events: usize = by_rt
        .iter()
        .flat_map(|h| &h.members)
        .map(|m| m.events.len())
        .sum();
    assert!(
        events >= 6,
        "visits and their parts, the voided one left out"
    );
}

#[test]
fn a_large_area_read_by_two_readers_gives_the_same_facts_as_one() {
    use ilp_store::coverage::{ReadPlan, household_facts, household_facts_planned};
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("t.db"), Some(key()));
    let tree = seed_tree(&store);
    let mut people = Vec::new();
    for i in 0..40 {
        let rt = if i % 2 == 0 { tree.rt1 } else { tree.rt2 };
        let reg = store
            .write(&ctx(tree.kader), |w| {
                households::register(
                    w,
                    &household(rt, (-10.15 - i as f64 * 0.001, 123.63)),
                    &mother_and_baby(date!(2026 - 01 - 01)),
                )
            })
            .unwrap();
        people.extend(reg.members);
    }
    // More than 10,000 event rows, so the event table is split between the two readers.
    store
        .write(&ctx(tree.kader), |w| {
            w.defer_due_items();
            for round in 0..70 {
                // Members alternate mother, baby.
                for (i, p) in people.iter().enumerate() {
                    ilp_store::events::record_visit(
                        w,
                        &VisitInput {
                            measurement: Some(Measurement {
                                weight_kg: Some(if i % 2 == 0 { 60.0 } else { 8.0 }),
                                ..Default::default()
                            }),
                            ..VisitInput::new(
                                *p,
                                Timestamp::from_millis(now().millis() - round * 86_400_000),
                                VisitKind::Posyandu,
                            )
                        },
                    )?;
                }
            }
            Ok(())
        })
        .unwrap();
    let rows: i64 = store
        .read(|c| Ok(c.query_row("SELECT max(rowid) FROM event", [], |r| r.get(0))?))
        .unwrap();
    assert!(rows > 10_000, "{rows} events");
    let rts = [tree.rt1, tree.rt2];
    let two = household_facts(&store, &rts).unwrap();
    let one = store
        .read(|c| household_facts_planned(c, &rts, ReadPlan::ByRt))
        .unwrap();
    assert_eq!(two.len(), 40);
    assert_eq!(two, one);
}

#[test]
fn visits_are_counted_once_per_visit_by_their_recorder_within_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("s.db"), Some(key()));
    let tree = seed_tree(&store);
    let (_, baby) = register(&store, &tree, (-10.15, 123.63), date!(2026 - 08 - 01));
    for at in [
        datetime!(2026-11-20 02:00 UTC),
        datetime!(2026-11-21 02:00 UTC),
        datetime!(2026-10-31 02:00 UTC),
    ] {
        store
            .write(&ctx(tree.kader), |w| {
                ilp_store::events::record_visit(
                    w,
                    &VisitInput {
                        measurement: Some(Measurement {
                            weight_kg: Some(7.1),
                            ..Default::default()
                        }),
                        immunizations: vec![dose(Antigen::Opv, 1)],
                        ..VisitInput::new(baby, Timestamp::from_datetime(at), VisitKind::HomeVisit)
                    },
                )
            })
            .unwrap();
    }
    let from = Timestamp::from_datetime(datetime!(2026-11-01 00:00 UTC)).millis();
    let to = Timestamp::from_datetime(datetime!(2026-12-01 00:00 UTC)).millis();
    let counts = store
        .read(|c| ilp_store::activity::visits_recorded(c, from, to))
        .unwrap();
    // Two November visits (each with several events), the October one outside the range.
    assert_eq!(counts.get(&tree.kader.to_string()), Some(&2));
    assert_eq!(counts.len(), 1);
}

#[test]
fn a_long_rt_list_read_in_two_halves_equals_one_read() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("h.db"), Some(key()));
    let tree = seed_tree(&store);
    let today = date!(2026 - 11 - 22);
    let (mother, baby) = register(&store, &tree, (-10.150, 123.630), date!(2026 - 07 - 01));
    store
        .write(&ctx(tree.kader), |w| {
            households::register(
                w,
                &HouseholdInput {
                    address: Some("Jl. Timor Raya".into()),
                    ..household(tree.rt2, (-10.152, 123.634))
                },
                &mother_and_baby(date!(2026 - 09 - 20)),
            )
        })
        .unwrap();
    // Eight RTs or more are read by two threads, each half into its own labels, then joined:
    // RT 002 falls in the second half.
    let mut rts: Vec<ilp_model::AreaId> = (40..47)
        .map(|b| ilp_model::AreaId::from_random_bytes([b; 16]))
        .collect();
    rts.insert(0, tree.rt1);
    rts.push(tree.rt2);
    let halves = store.worklist(&rts, today).unwrap();
    let one = store
        .read(|c| ilp_store::worklist::worklist(c, &rts, today))
        .unwrap();
    assert_eq!(halves, one);
    // Read inside a caller's own transaction, it reads in that one.
    let within = store
        .read(|c| {
            let tx = c.unchecked_transaction()?;
            let list = ilp_store::worklist::worklist(&tx, &rts, today)?;
            tx.finish()?;
            Ok(list)
        })
        .unwrap();
    assert_eq!(within, one);
    assert_eq!(halves.groups.len(), 2);
    assert_eq!(
        halves.persons.get(&mother).and_then(|p| p.name),
        Some("Yohana Fanggidae")
    );
    assert_eq!(
        halves.persons.get(&baby).map(|p| p.birth.map(|b| b.date)),
        Some(Some(date!(2026 - 07 - 01)))
    );
    let addresses: Vec<Option<&str>> = halves
        .groups
        .iter()
        .flat_map(|g| &g.stops)
        .map(|s| match s.key {
            ilp_rules::worklist::StopKey::Household(h) => {
                halves.households.get(&h).unwrap().address
            }
            ilp_rules::worklist::StopKey::Person(_) => None,
        })
        .collect();
    assert!(addresses.contains(&Some("Jl. Adisucipto")));
    assert!(addresses.contains(&Some("Jl. Timor Raya")));
    assert_eq!(halves.persons.len(), 4);
    assert_eq!(halves.households.len(), 2);
}
