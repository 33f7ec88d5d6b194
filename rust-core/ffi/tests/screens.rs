//! The FFI as the apps use it: a demo database opened by a kader, each screen call, and the
//! refusals a screen must show (validation with the field, duplicate NIK, outside the area).

use ilpcore::*;

const DEVICE: &str = "6f0c1f7e-8d3a-4b6e-9a51-2f3c4d5e6f70";

fn setup(households: u32) -> (tempfile::TempDir, String, DemoSummary) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db").display().to_string();
    let summary = create_demo_database(
        path.clone(),
        vec![7; 32],
        DEVICE.into(),
        households,
        42,
        "2026-11-20".into(),
    )
    .unwrap();
    (dir, path, summary)
}

fn open_as(path: &str, username: &str) -> std::sync::Arc<IlpCore> {
    IlpCore::open(OpenConfig {
        db_path: path.into(),
        key: vec![7; 32],
        device_id: DEVICE.into(),
        username: username.into(),
        utc_offset_minutes: 480,
    })
    .unwrap()
}

fn member(name: &str, sex: SexCode, birth: &str) -> PersonForm {
    PersonForm {
        name: Some(name.into()),
        sex: Some(sex),
        birth_date: Some(birth.into()),
        birth_date_estimated: false,
        age_years: None,
        age_months: None,
        nik: None,
        phone: None,
        relation: None,
        mother_member_index: None,
        mother_id: None,
        description: None,
    }
}

fn household_form(rt: &str) -> HouseholdForm {
    HouseholdForm {
        rt_id: rt.into(),
        kk_number: None,
        address: Some("Jl. Adisucipto No. 7".into()),
        latitude: Some(-10.14),
        longitude: Some(123.63),
        jkn: "pbi".into(),
        clean_water: Some(true),
        healthy_latrine: Some(true),
        notes: None,
    }
}

fn visit(person: &str) -> VisitForm {
    VisitForm {
        person_id: person.into(),
        occurred_at_ms: None,
        kind: VisitKindForm::Posyandu,
        posyandu_id: None,
        place: None,
        pregnancy_id: None,
        measurement: Some(MeasurementForm {
            weight_kg: Some(7.9),
            length_or_height_cm: Some(67.5),
            measured_lying: None,
            head_circumference_cm: None,
            muac_cm: None,
            systolic_mmhg: None,
            diastolic_mmhg: None,
            blood_glucose_mg_dl: None,
            glucose_timing: None,
        }),
        immunizations: vec![],
        services: vec![],
        danger_signs: vec![],
        danger_note: None,
        referral: None,
        note: None,
        health_status: None,
    }
}

#[test]
fn a_kader_registers_searches_records_and_reads_back() {
    let (_dir, path, summary) = setup(60);
    assert_eq!(summary.households, 60);
    let kader = summary.usernames[0].clone();
    let core = open_as(&path, &kader);
    assert_eq!(core.current_user().role, "kader");

    let tree = core.area_tree().unwrap();
    let my_rt = tree
        .iter()
        .find(|a| a.level == "rt" && a.in_scope)
        .expect("an RT in scope")
        .id
        .clone();
    assert!(
        tree.iter()
            .any(|a| a.level == "village" && a.name == "Oesapa")
    );
    let before = core.households_in_rt(my_rt.clone()).unwrap().len();
    let posyandu = core.posyandu_list().unwrap();
    assert!(
        posyandu.iter().any(|p| p.rt_ids.contains(&my_rt)),
        "the kader's Posyandu serves the RT"
    );

    let mut mother = member("Yuliana Manafe", SexCode::Female, "1996-02-14");
    mother.relation = Some("head".into());
    let mut baby = member("Djoko Manafe", SexCode::Male, "2026-05-01");
    baby.relation = Some("child".into());
    baby.mother_member_index = Some(0);
    let reg = core
        .register_household(household_form(&my_rt), vec![mother, baby])
        .unwrap();
    assert_eq!(reg.member_ids.len(), 2);
    assert_eq!(
        core.households_in_rt(my_rt.clone()).unwrap().len(),
        before + 1
    );

    let hits = core.search("joko manafe".into(), 10).unwrap();
    assert_eq!(hits[0].person_id, reg.member_ids[1]);
    assert!(hits[0].rt_label.as_deref().unwrap().starts_with("RT "));

    let rec = core.record_visit(visit(&reg.member_ids[1])).unwrap();
    assert_eq!(rec.event_ids.len(), 1);
    let screen = core.household_detail(reg.household_id.clone()).unwrap();
    let card = screen
        .members
        .iter()
        .find(|m| m.person_id == reg.member_ids[1])
        .unwrap();
    assert_eq!(card.latest.weight_kg, Some(7.9));
    assert_eq!(card.latest.measured_lying, Some(true));
    assert_eq!(card.mother_id.as_deref(), Some(reg.member_ids[0].as_str()));
    assert_eq!(
        core.person_history(reg.member_ids[1].clone())
            .unwrap()
            .len(),
        2
    );

    // A mistyped weight is amended, then a wrong entry voided; the household screen follows.
    let card_of = |id: &str| {
        core.household_detail(reg.household_id.clone())
            .unwrap()
            .members
            .into_iter()
            .find(|m| m.person_id == id)
            .unwrap()
    };
    let mut fixed = visit(&reg.member_ids[1]).measurement.unwrap();
    fixed.weight_kg = Some(7.6);
    core.amend_measurement(rec.event_ids[0].clone(), fixed, "salah ketik".into())
        .unwrap();
    assert_eq!(card_of(&reg.member_ids[1]).latest.weight_kg, Some(7.6));
    core.void_event(rec.event_ids[0].clone(), "salah orang".into())
        .unwrap();
    assert_eq!(card_of(&reg.member_ids[1]).latest.weight_kg, None);
    assert!(matches!(
        core.void_event(rec.event_ids[0].clone(), "lagi".into()),
        Err(IlpError::Validation { field, .. }) if field == "target"
    ));

    // A pregnancy, and its outcome.
    let pregnancy = core
        .register_pregnancy(reg.member_ids[0].clone(), Some("2026-06-01".into()), None)
        .unwrap();
    assert_eq!(
        card_of(&reg.member_ids[0])
            .pregnancy
            .unwrap()
            .edd
            .as_deref(),
        Some("2027-03-08")
    );
    assert!(matches!(
        core.register_pregnancy(reg.member_ids[1].clone(), Some("2026-06-01".into()), None),
        Err(IlpError::Validation { .. })
    ));
    assert!(matches!(
        core.record_pregnancy_outcome(pregnancy.clone(), "twins".into(), 0, None, None),
        Err(IlpError::Validation { field, .. }) if field == "outcome"
    ));
    let born = time::OffsetDateTime::now_utc().unix_timestamp() * 1000 - 3_600_000;
    core.record_pregnancy_outcome(
        pregnancy,
        "live_birth".into(),
        born,
        Some("Puskesmas Oesapa".into()),
        Some("health_facility".into()),
    )
    .unwrap();
    assert_eq!(
        card_of(&reg.member_ids[0])
            .pregnancy
            .unwrap()
            .outcome
            .as_deref(),
        Some("live_birth")
    );
    assert!(core.outbox_status().unwrap().pending > 0);
}

#[test]
fn refusals_are_typed_and_name_the_field() {
    let (_dir, path, summary) = setup(900);
    let core = open_as(&path, &summary.usernames[0]);
    let tree = core.area_tree().unwrap();
    let my_rt = tree
        .iter()
        .find(|a| a.level == "rt" && a.in_scope)
        .unwrap()
        .id
        .clone();
    let reg = core
        .register_household(
            household_form(&my_rt),
            vec![member("Agustina Tefa", SexCode::Female, "2025-01-10")],
        )
        .unwrap();

    let mut heavy = visit(&reg.member_ids[0]);
    heavy.measurement.as_mut().unwrap().weight_kg = Some(70.0);
    match core.record_visit(heavy) {
        Err(IlpError::Validation { field, .. }) => assert_eq!(field, "measurement.weight_kg"),
        other => panic!("{other:?}"),
    }
    let mut future = member("Bayi", SexCode::Male, "2030-01-01");
    future.relation = Some("child".into());
    match core.register_household(household_form(&my_rt), vec![future]) {
        Err(IlpError::Validation { field, .. }) => assert_eq!(field, "members[0].birth_date"),
        other => panic!("{other:?}"),
    }
    let mut bad_code = visit(&reg.member_ids[0]);
    bad_code.danger_signs = vec!["sneezing".into()];
    assert!(
        matches!(core.record_visit(bad_code), Err(IlpError::Validation { field, .. }) if field == "danger_signs[0]")
    );

    // An RT outside the kader's assignment.
    let admin = open_as(&path, summary.usernames.last().unwrap());
    let all_rts: Vec<String> = admin
        .area_tree()
        .unwrap()
        .into_iter()
        .filter(|a| a.level == "rt")
        .map(|a| a.id)
        .collect();
    assert!(all_rts.len() > 2, "900 households span several RW");
    let mine: Vec<String> = tree
        .iter()
        .filter(|a| a.level == "rt" && a.in_scope)
        .map(|a| a.id.clone())
        .collect();
    let outside = all_rts.into_iter().find(|id| !mine.contains(id)).unwrap();
    assert!(matches!(
        core.households_in_rt(outside),
        Err(IlpError::Auth { .. })
    ));
    assert!(
        matches!(core.households_in_rt("nonsense".into()), Err(IlpError::Validation { field, .. }) if field == "rt_id")
    );
}

#[test]
fn duplicate_nik_names_the_existing_person_and_merge_keeps_histories() {
    let (_dir, path, summary) = setup(30);
    let core = open_as(&path, &summary.usernames[0]);
    let my_rt = core
        .area_tree()
        .unwrap()
        .into_iter()
        .find(|a| a.level == "rt" && a.in_scope)
        .unwrap()
        .id;
    let mut p = member("Petrus Lakapu", SexCode::Male, "1980-03-05");
    p.nik = Some("5371030503800007".into());
    let first = core
        .register_household(household_form(&my_rt), vec![p.clone()])
        .unwrap();
    match core.register_household(household_form(&my_rt), vec![p]) {
        Err(IlpError::DuplicateNik { existing_person_id }) => {
            assert_eq!(existing_person_id, first.member_ids[0])
        }
        other => panic!("{other:?}"),
    }
    let stranger = core
        .register_unattached_person(PersonForm {
            name: None,
            sex: Some(SexCode::Male),
            birth_date: None,
            birth_date_estimated: false,
            age_years: Some(45),
            age_months: None,
            nik: None,
            phone: None,
            relation: None,
            mother_member_index: None,
            mother_id: None,
            description: Some("Laki-laki ±45 th, pingsan di Pasar Oesapa".into()),
        })
        .unwrap();
    let mut emergency = visit(&stranger);
    emergency.kind = VisitKindForm::HomeVisit;
    emergency.measurement = None;
    emergency.danger_signs = vec!["unconscious".into()];
    emergency.referral = Some(ReferralForm {
        to: "RSUD S.K. Lerik".into(),
        emergency: true,
        reason: None,
        pickup_called: true,
        pickup_called_at_ms: None,
        pickup_service: Some("Brigade Kupang Sehat".into()),
    });
    core.record_visit(emergency).unwrap();
    let merged = core
        .merge_persons(first.member_ids[0].clone(), stranger)
        .unwrap();
    assert!(merged.filled_fields.contains(&"description".to_string()));
    let history = core.person_history(first.member_ids[0].clone()).unwrap();
    assert!(
        history
            .iter()
            .any(|h| h.kind == "referral" && h.summary.contains("darurat"))
    );
}

#[test]
fn close_and_reopen_around_the_background() {
    let (_dir, path, summary) = setup(10);
    let core = open_as(&path, &summary.usernames[0]);
    core.close_database().unwrap();
    assert!(matches!(core.area_tree(), Err(IlpError::Storage { .. })));
    core.reopen_database().unwrap();
    assert!(!core.area_tree().unwrap().is_empty());
    let wrong = IlpCore::open(OpenConfig {
        db_path: path.clone(),
        key: vec![8; 32],
        device_id: DEVICE.into(),
        username: summary.usernames[0].clone(),
        utc_offset_minutes: 480,
    });
    assert!(matches!(wrong, Err(IlpError::KeyRejected)));
    assert!(matches!(
        IlpCore::open(OpenConfig {
            db_path: path,
            key: vec![7; 32],
            device_id: DEVICE.into(),
            username: "nobody".into(),
            utc_offset_minutes: 480
        }),
        Err(IlpError::Auth { .. })
    ));
}

#[test]
fn the_worklist_and_a_childs_schedule_follow_a_recorded_visit() {
    let (_dir, path, summary) = setup(60);
    let kader = summary.usernames[0].clone();
    let core = open_as(&path, &kader);
    let date = "2026-11-20".to_string();
    let list = core.worklist(Some(date.clone())).unwrap();
    assert!(list.item_count > 0, "a demo RT has open items");
    let listed: Vec<(String, String)> = list
        .groups
        .iter()
        .flat_map(|g| g.stops.iter())
        .flat_map(|s| s.entries.iter())
        .map(|e| (e.item.person_id.clone(), e.item.key.clone()))
        .collect();
    let mut unique = listed.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), listed.len(), "each item once");
    assert_eq!(listed.len() as u32, list.item_count);
    // Priorities never rise again down the RT list.
    let order = [
        "follow_up",
        "overdue_high_risk",
        "overdue",
        "due_today",
        "due_this_week",
        "due_later",
    ];
    let rank = |p: &str| order.iter().position(|o| *o == p).unwrap();
    for w in list.groups.windows(2) {
        assert!(rank(&w[0].priority) <= rank(&w[1].priority));
    }

    // Register a baby, give a dose, and see the schedule and the worklist change.
    let rt = core
        .area_tree()
        .unwrap()
        .into_iter()
        .find(|a| a.level == "rt" && a.in_scope)
        .unwrap()
        .id;
    let reg = core
        .register_household(
            household_form(&rt),
            vec![member("Maria Lay", SexCode::Female, "2026-08-01")],
        )
        .unwrap();
    let baby = reg.member_ids[0].clone();
    let before = core.due_items(baby.clone(), Some(date.clone())).unwrap();
    let bcg = before.items.iter().find(|i| i.key == "imm:bcg:1").unwrap();
    assert_eq!(bcg.status, "overdue");
    assert_eq!(bcg.label, "Imunisasi BCG 1");
    core.record_visit(VisitForm {
        immunizations: vec![ImmunizationForm {
            antigen: "bcg".into(),
            dose: 1,
            given_on: Some(date.clone()),
            batch: None,
            from_history: false,
        }],
        health_status: Some(HealthStatusForm {
            conditions: vec![],
            smokes: None,
            family_planning: None,
            exclusive_breastfeeding: Some(true),
        }),
        ..visit(&baby)
    })
    .unwrap();
    let after = core.due_items(baby.clone(), Some(date.clone())).unwrap();
    let bcg = after.items.iter().find(|i| i.key == "imm:bcg:1").unwrap();
    assert_eq!(bcg.status, "done");
    let list = core.worklist(Some(date)).unwrap();
    assert!(
        !list
            .groups
            .iter()
            .flat_map(|g| g.stops.iter())
            .flat_map(|s| s.entries.iter())
            .any(|e| e.item.person_id == baby && e.item.key == "imm:bcg:1"),
        "a dose given leaves the worklist"
    );
    // An unknown condition code names its field.
    let bad = core.record_visit(VisitForm {
        health_status: Some(HealthStatusForm {
            conditions: vec![ConditionForm {
                condition: "flu".into(),
                on_treatment: None,
                neglected: None,
                resolved: false,
            }],
            smokes: None,
            family_planning: None,
            exclusive_breastfeeding: None,
        }),
        ..visit(&baby)
    });
    assert!(
        matches!(bad, Err(IlpError::Validation { field, .. }) if field == "health_status.conditions[0].condition")
    );
}

#[test]
fn a_households_family_health_index_follows_its_answers() {
    let (_dir, path, summary) = setup(60);
    let core = open_as(&path, &summary.usernames[0]);
    let rt = core
        .area_tree()
        .unwrap()
        .into_iter()
        .find(|a| a.level == "rt" && a.in_scope)
        .unwrap()
        .id;
    let reg = core
        .register_household(
            household_form(&rt),
            vec![PersonForm {
                relation: Some("head".into()),
                ..member("Lukas Tefa", SexCode::Male, "1970-02-01")
            }],
        )
        .unwrap();
    let before = core.family_health_index(reg.household_id.clone()).unwrap();
    assert_eq!(
        before
            .indicators
            .iter()
            .map(|i| i.number)
            .collect::<Vec<_>>(),
        (1..=12).collect::<Vec<u8>>()
    );
    let smoking = |x: &FamilyHealthIndex| {
        x.indicators
            .iter()
            .find(|i| i.number == 9)
            .unwrap()
            .answer
            .clone()
    };
    assert_eq!(smoking(&before), "not_asked_yet");
    assert!(
        before.class.is_none(),
        "no class while indicators are unasked"
    );
    core.record_visit(VisitForm {
        kind: VisitKindForm::HomeVisit,
        measurement: None,
        health_status: Some(HealthStatusForm {
            conditions: vec![],
            smokes: Some(false),
            family_planning: None,
            exclusive_breastfeeding: None,
        }),
        ..visit(&reg.member_ids[0])
    })
    .unwrap();
    let after = core.family_health_index(reg.household_id).unwrap();
    assert_eq!(smoking(&after), "yes", "no member smokes");
    assert!(after.not_asked_yet < before.not_asked_yet);
    if let Some(score) = after.score {
        assert!((0.0..=1.0).contains(&score));
    }
}
