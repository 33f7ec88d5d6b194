//! End-to-end registry behaviour of the store: registration in one transaction with its outbox,
//! refusals that leave nothing behind, NIK rules, search, visits, corrections and merges.

mod common;

use common::*;
use ilp_model::{
    Antigen, DangerSign, EventPayload, JknStatus, Measurement, Relation, Service, ServiceKind, Sex,
    VisitKind,
};
use ilp_store::events::{ImmunizationInput, ReferralInput, VisitInput};
use ilp_store::input::{HouseholdInput, MotherRef, PersonInput};
use ilp_store::{StoreError, events, households, merge, persons, search};
use time::macros::date;

fn household(rt: ilp_model::AreaId) -> HouseholdInput {
    HouseholdInput {
        rt,
        kk_number: Some("5371031201200012".into()),
        address: Some("Jl. Timor Raya No. 12".into()),
        gps: Some((-10.14, 123.63)),
        jkn: JknStatus::Pbi,
        clean_water: Some(true),
        healthy_latrine: Some(false),
        notes: None,
    }
}

fn family() -> Vec<PersonInput> {
    vec![
        PersonInput {
            name: Some("Yohanes Ndun".into()),
            sex: Some(Sex::Male),
            birth_date: Some(date!(1990 - 07 - 12)),
            nik: Some("5371031207900003".into()),
            relation: Some(Relation::Head),
            phone: Some("0812-3456-7890".into()),
            ..Default::default()
        },
        PersonInput {
            name: Some("Yohana Fanggidae".into()),
            sex: Some(Sex::Female),
            birth_date: Some(date!(1995 - 07 - 12)),
            nik: Some("5371035207950003".into()),
            relation: Some(Relation::Spouse),
            ..Default::default()
        },
        PersonInput {
            name: Some("Soekarno Ndun".into()),
            sex: Some(Sex::Male),
            birth_date: Some(date!(2025 - 11 - 01)),
            relation: Some(Relation::Child),
            mother: Some(MotherRef::Member(1)),
            ..Default::default()
        },
    ]
}

/// Registers the test family in RT 001 as the kader.
fn register_family(store: &ilp_store::Store, tree: &Tree) -> households::Registered {
    store
        .write(&ctx(tree.kader), |w| {
            households::register(w, &household(tree.rt1), &family())
        })
        .unwrap()
}

fn counts(store: &ilp_store::Store) -> (i64, i64, i64) {
    store
        .read(|c| {
            let q = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0));
            Ok((
                q("SELECT count(*) FROM household")?,
                q("SELECT count(*) FROM person")?,
                q("SELECT count(*) FROM outbox")?,
            ))
        })
        .unwrap()
}

#[test]
fn a_household_and_its_members_commit_together_with_their_outbox_entries() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("a.db"), Some(key()));
    let tree = seed_tree(&store);
    let before = counts(&store);
    let reg = register_family(&store, &tree);
    assert_eq!(reg.members.len(), 3);
    assert!(reg.warnings.is_empty());
    let after = counts(&store);
    assert_eq!(after.0 - before.0, 1);
    assert_eq!(after.1 - before.1, 3);
    assert_eq!(after.2 - before.2, 4, "one outbox entry per record");

    let detail = store
        .read(|c| households::household_detail(c, reg.household))
        .unwrap();
    assert_eq!(detail.members.len(), 3);
    assert_eq!(detail.members[0].person.relation, Some(Relation::Head));
    assert_eq!(detail.place.label(), "RT 001 / RW 001, Oesapa");
    let child = detail
        .members
        .iter()
        .find(|m| m.person.name.as_deref() == Some("Soekarno Ndun"))
        .unwrap();
    assert_eq!(child.person.mother, Some(reg.members[1]));
    assert_eq!(child.person.phone, None);
    let head = &detail.members[0].person;
    assert_eq!(head.phone.as_deref(), Some("+6281234567890"));

    let list = store
        .read(|c| households::households_in_rt(c, tree.rt1))
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].member_count, 3);
    assert_eq!(list[0].head_name.as_deref(), Some("Yohanes Ndun"));
}

#[test]
fn a_bad_member_refuses_the_whole_household_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("a.db"), None);
    let tree = seed_tree(&store);
    let before = counts(&store);
    let cases: Vec<(Vec<PersonInput>, &str)> = vec![
        (
            {
                let mut f = family();
                f[2].birth_date = Some(date!(2027 - 01 - 01));
                f
            },
            "members[2].birth_date",
        ),
        (
            {
                let mut f = family();
                f[1].nik = Some("5371035207950000".into());
                f
            },
            "members[1].nik",
        ),
        (
            {
                let mut f = family();
                f[0].name = Some("x".repeat(101));
                f
            },
            "members[0].name",
        ),
        (
            {
                let mut f = family();
                f[2].mother = Some(MotherRef::Member(0));
                f
            },
            "members[2].mother",
        ),
        (
            {
                let mut f = family();
                f[1].nik = f[0].nik.clone();
                f
            },
            "members[1].nik",
        ),
    ];
    for (members, field) in cases {
        let err = store
            .write(&ctx(tree.kader), |w| {
                households::register(w, &household(tree.rt1), &members)
            })
            .unwrap_err();
        match err {
            StoreError::Validation(v) => assert_eq!(v.field, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    let unknown_rt = HouseholdInput {
        rt: ilp_model::AreaId::from_random_bytes([99; 16]),
        ..household(tree.rt1)
    };
    let err = store
        .write(&ctx(tree.kader), |w| {
            households::register(w, &unknown_rt, &family())
        })
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Validation(ref v) if v.field == "rt"),
        "{err:?}"
    );
    assert_eq!(counts(&store), before, "nothing written, outbox included");
}

#[test]
fn a_nik_used_by_another_person_is_refused_with_that_persons_id() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("a.db"), None);
    let tree = seed_tree(&store);
    let first = register_family(&store, &tree);
    let mut again = family();
    again.truncate(1);
    let h2 = HouseholdInput {
        kk_number: None,
        ..household(tree.rt2)
    };
    let err = store
        .write(&ctx(tree.kader), |w| households::register(w, &h2, &again))
        .unwrap_err();
    match err {
        StoreError::DuplicateNik { existing } => assert_eq!(existing, first.members[0]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_contradictory_nik_is_a_warning_not_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("a.db"), None);
    let tree = seed_tree(&store);
    let mut f = family();
    f[0].sex = Some(Sex::Female);
    f[0].mother = None;
    f.truncate(1);
    let reg = store
        .write(&ctx(tree.kader), |w| {
            households::register(w, &household(tree.rt1), &f)
        })
        .unwrap();
    assert_eq!(reg.warnings.len(), 1);
    assert_eq!(reg.warnings[0].0, 0);
}

#[test]
fn search_tolerates_old_spelling_case_spacing_and_typos_and_finds_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("a.db"), None);
    let tree = seed_tree(&store);
    let reg = register_family(&store, &tree);
    let find = |q: &str| search::search(&store, q, None, 10).unwrap();
    for q in [
        "sukarno",
        "SOEKARNO  ndun",
        "Sukarmo",
        "yohanes",
        "Johanes Ndun",
        "yohana fangidae",
    ] {
        assert!(!find(q).is_empty(), "{q}");
    }
    assert_eq!(find("sukarno")[0].person.id, reg.members[2]);
    assert!(find("budi").is_empty());
    assert_eq!(find("5371031207900003")[0].person.id, reg.members[0]);
    assert_eq!(
        find("5371031201200012").len(),
        3,
        "KK number finds the whole household"
    );
    assert_eq!(find("0812 3456 7890")[0].person.id, reg.members[0]);
    let scope: std::collections::HashSet<_> = [tree.rt2].into_iter().collect();
    assert!(
        search::search(&store, "sukarno", Some(&scope), 10)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_whole_visit_is_recorded_and_read_back_with_corrections_applied() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("a.db"), Some(key()));
    let tree = seed_tree(&store);
    let reg = register_family(&store, &tree);
    let child = reg.members[2];
    let visit = VisitInput {
        person: child,
        occurred_at: now(),
        kind: VisitKind::Posyandu,
        posyandu: None,
        place: Some("Posyandu Mawar".into()),
        pregnancy: None,
        measurement: Some(Measurement {
            weight_kg: Some(9.6),
            length_or_height_cm: Some(75.7),
            ..Default::default()
        }),
        immunizations: vec![ImmunizationInput {
            antigen: Antigen::Mr,
            dose: 1,
            given_on: None,
            batch: Some("MR-2611".into()),
            recorded_from_history: false,
        }],
        services: vec![Service {
            kind: ServiceKind::VitaminABlue,
            quantity: Some(1),
        }],
        danger_signs: vec![DangerSign::HighFever],
        danger_note: None,
        referral: Some(ReferralInput {
            to: "RSUD S.K. Lerik".into(),
            emergency: true,
            reason: None,
            pickup_called: true,
            pickup_called_at: None,
            pickup_service: Some("Brigade Kupang Sehat".into()),
        }),
        health_status: None,
        note: Some("Anak rewel".into()),
    };
    let before = counts(&store).2;
    let rec = store
        .write(&ctx(tree.kader), |w| events::record_visit(w, &visit))
        .unwrap();
    assert_eq!(rec.parts.len(), 6);
    assert_eq!(
        counts(&store).2 - before,
        7,
        "visit plus six parts, each with an outbox entry"
    );
    // The outbox carries each event whole on the way out, read from the event row.
    let sent = store.outbox_pending(0, 1000).unwrap();
    let carried: Vec<&serde_json::Value> = sent
        .iter()
        .filter(|e| e.entity == "event")
        .map(|e| &e.payload)
        .collect();
    assert_eq!(carried.len(), 7);
    assert!(
        carried
            .iter()
            .any(|p| p["payload"]["type"] == "referral" && p["payload"]["pickup_called"] == true)
    );
    let measurement = sent
        .iter()
        .find(|e| e.entity_id == rec.parts[0].to_string())
        .unwrap();
    assert_eq!(measurement.payload["payload"]["weight_kg"], 9.6);
    assert_eq!(measurement.payload["visit"], rec.visit.to_string());

    let latest = store
        .read(|c| events::latest_measurements(c, child))
        .unwrap();
    assert_eq!(latest.weight_kg.unwrap().value, 9.6);
    assert_eq!(
        latest.length_or_height_cm.unwrap().value.1,
        ilp_model::HeightMethod::Recumbent
    );

    // A mistyped weight is amended; a wrong entry voided.
    let measurement_id = rec.parts[0];
    store
        .write(&ctx(tree.kader), |w| {
            events::amend_event(
                w,
                measurement_id,
                EventPayload::Measurement(Measurement {
                    weight_kg: Some(9.2),
                    ..Default::default()
                }),
                "salah ketik",
            )
        })
        .unwrap();
    let note_id = *rec.parts.last().unwrap();
    store
        .write(&ctx(tree.kader), |w| {
            events::void_event(w, note_id, "salah orang")
        })
        .unwrap();
    let history = store.read(|c| events::effective_events(c, child)).unwrap();
    assert!(!history.iter().any(|e| e.id == note_id));
    assert!(!history.iter().any(|e| matches!(
        e.payload,
        EventPayload::Void { .. } | EventPayload::Amend { .. }
    )));
    let latest = store
        .read(|c| events::latest_measurements(c, child))
        .unwrap();
    assert_eq!(latest.weight_kg.unwrap().value, 9.2);
    assert!(
        latest.length_or_height_cm.is_none(),
        "the amendment replaced the whole measurement"
    );
}

#[test]
fn implausible_or_contradictory_visits_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("a.db"), None);
    let tree = seed_tree(&store);
    let reg = register_family(&store, &tree);
    let base = VisitInput::new(reg.members[2], now(), VisitKind::HomeVisit);
    let before = counts(&store);
    let cases: Vec<(VisitInput, &str)> = vec![
        (
            VisitInput {
                measurement: Some(Measurement {
                    weight_kg: Some(45.0),
                    ..Default::default()
                }),
                ..base.clone()
            },
            "measurement.weight_kg",
        ),
        (
            VisitInput {
                measurement: Some(Measurement {
                    weight_kg: Some(f64::NAN),
                    ..Default::default()
                }),
                ..base.clone()
            },
            "measurement.weight_kg",
        ),
        (
            VisitInput {
                occurred_at: ilp_model::Timestamp::from_millis(now().millis() + 86_400_000),
                ..base.clone()
            },
            "occurred_at",
        ),
        (
            VisitInput {
                kind: VisitKind::Anc {
                    contact: Some(1),
                    by_doctor: false,
                },
                ..base.clone()
            },
            "kind",
        ),
        (
            VisitInput {
                immunizations: vec![ImmunizationInput {
                    antigen: Antigen::Bcg,
                    dose: 2,
                    given_on: None,
                    batch: None,
                    recorded_from_history: false,
                }],
                ..base.clone()
            },
            "immunizations[0].dose",
        ),
        (
            VisitInput {
                referral: Some(ReferralInput {
                    to: " ".into(),
                    ..Default::default()
                }),
                ..base.clone()
            },
            "referral.to",
        ),
        (
            VisitInput {
                person: ilp_model::PersonId::from_random_bytes([3; 16]),
                ..base.clone()
            },
            "person",
        ),
    ];
    for (input, field) in cases {
        match store
            .write(&ctx(tree.kader), |w| events::record_visit(w, &input))
            .unwrap_err()
        {
            StoreError::Validation(v) => assert_eq!(v.field, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert_eq!(counts(&store), before);
}

#[test]
fn merging_an_unidentified_record_keeps_both_histories() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("a.db"), None);
    let tree = seed_tree(&store);
    let reg = register_family(&store, &tree);
    let known = reg.members[0];
    let (stranger, _) = store
        .write(&ctx(tree.kader), |w| {
            persons::add_person(
                w,
                None,
                &PersonInput {
                    description: Some("Laki-laki ±35 th, ditemukan di Pasar Oesapa".into()),
                    age_years: Some(35),
                    ..Default::default()
                },
                None,
            )
        })
        .unwrap();
    let emergency = VisitInput {
        place: Some("Pasar Oesapa".into()),
        measurement: Some(Measurement {
            systolic_mmhg: Some(190),
            diastolic_mmhg: Some(110),
            ..Default::default()
        }),
        danger_signs: vec![DangerSign::Unconscious],
        referral: Some(ReferralInput {
            to: "RSUD S.K. Lerik".into(),
            emergency: true,
            pickup_called: true,
            ..Default::default()
        }),
        ..VisitInput::new(stranger, now(), VisitKind::HomeVisit)
    };
    store
        .write(&ctx(tree.kader), |w| events::record_visit(w, &emergency))
        .unwrap();
    let found = search::search(&store, "pasar oesapa", None, 10).unwrap();
    assert_eq!(
        found[0].person.id, stranger,
        "an unidentified person is found by the description"
    );
    let result = store
        .write(&ctx(tree.kader), |w| {
            merge::merge_persons(w, known, stranger)
        })
        .unwrap();
    assert!(result.filled_fields.contains(&"description".to_string()));
    let history = store.read(|c| events::effective_events(c, known)).unwrap();
    assert!(
        history
            .iter()
            .any(|e| matches!(e.payload, EventPayload::Referral(_)))
    );
    assert!(
        history
            .iter()
            .any(|e| matches!(e.payload, EventPayload::PersonMerged { .. }))
    );
    assert_eq!(
        store
            .read(|c| events::latest_measurements(c, known))
            .unwrap()
            .blood_pressure
            .unwrap()
            .value,
        (190, 110)
    );
    // A visit recorded later for the merged record lands on the survivor.
    let rec = store
        .write(&ctx(tree.kader), |w| {
            events::record_visit(
                w,
                &VisitInput {
                    danger_signs: vec![],
                    referral: None,
                    ..emergency.clone()
                },
            )
        })
        .unwrap();
    assert_eq!(rec.person, known);
    assert!(
        search::search(&store, "Yohanes", None, 10)
            .unwrap()
            .iter()
            .all(|h| h.person.id != stranger)
    );
    assert!(matches!(
        store.write(&ctx(tree.kader), |w| merge::merge_persons(
            w, known, stranger
        )),
        Err(StoreError::Validation(_))
    ));
}

#[test]
fn editing_sends_only_changed_fields() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("a.db"), None);
    let tree = seed_tree(&store);
    let reg = register_family(&store, &tree);
    let mut edit = family()[0].clone();
    edit.phone = Some("081399998888".into());
    let seq_before = store.outbox_stats().unwrap().highest_seq;
    store
        .write(&ctx(tree.kader), |w| {
            persons::edit_person(w, reg.members[0], &edit)
        })
        .unwrap();
    let entries = store.outbox_pending(seq_before, 10).unwrap();
    assert_eq!(entries.len(), 1);
    let fields = entries[0].payload["fields"].as_object().unwrap();
    assert_eq!(fields.keys().collect::<Vec<_>>(), vec!["phone"]);
    // Same form again: nothing changes, nothing is sent.
    store
        .write(&ctx(tree.kader), |w| {
            persons::edit_person(w, reg.members[0], &edit)
        })
        .unwrap();
    assert_eq!(store.outbox_stats().unwrap().highest_seq, seq_before + 1);
}

#[test]
fn the_name_index_follows_commits_and_ignores_rollbacks() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("a.db"), None);
    let tree = seed_tree(&store);
    // Load the index before any person exists.
    assert!(
        search::search(&store, "yohanes", None, 10)
            .unwrap()
            .is_empty()
    );
    let reg = register_family(&store, &tree);
    assert_eq!(
        search::search(&store, "johanes ndun", None, 10).unwrap()[0]
            .person
            .id,
        reg.members[0]
    );

    // A write that fails after touching names leaves the index as it was.
    let mut doomed = family();
    doomed[0].name = Some("Kristofel Benu".into());
    doomed[0].nik = None;
    doomed[1].nik = None;
    let _ = store.write(&ctx(tree.kader), |w| {
        households::register(
            w,
            &HouseholdInput {
                kk_number: None,
                ..household(tree.rt2)
            },
            &doomed,
        )?;
        Err::<(), _>(StoreError::Validation(ilp_model::ValidationError::new(
            "test",
            "forced rollback",
        )))
    });
    assert!(
        search::search(&store, "kristofel", None, 10)
            .unwrap()
            .is_empty()
    );

    // A renamed person is found by the new name only.
    let mut renamed = family()[0].clone();
    renamed.name = Some("Yohanis Dethan".into());
    store
        .write(&ctx(tree.kader), |w| {
            persons::edit_person(w, reg.members[0], &renamed)
        })
        .unwrap();
    assert!(
        search::search(&store, "ndun yohanes", None, 10)
            .unwrap()
            .iter()
            .all(|h| h.person.id != reg.members[0])
    );
    assert_eq!(
        search::search(&store, "dethan", None, 10).unwrap()[0]
            .person
            .id,
        reg.members[0]
    );

    // After close and reopen the index is rebuilt from the file.
    store.close().unwrap();
    store.reopen(now()).unwrap();
    assert_eq!(
        search::search(&store, "dethan", None, 10).unwrap()[0]
            .person
            .id,
        reg.members[0]
    );
}
