//! The calls a form and a drill-down make, on a demo database: the measurement preview against
//! what saving and the growth chart give, the persons and households behind a coverage number,
//! and ending a Posyandu session on its day.

use ilpcore::*;
use std::collections::HashSet;
use time::{Date, Duration};

mod common;

use common::{in_scope_rts, member, today};

const DEVICE: &str = "6f0c1f7e-8d3a-4b6e-9a51-2f3c4d5e6f70";
const KEY: [u8; 32] = [7; 32];

fn setup(households: u32) -> (tempfile::TempDir, String, DemoSummary) {
    common::demo(&KEY, DEVICE, households, 42)
}

fn open_as(path: &str, username: &str) -> std::sync::Arc<IlpCore> {
    common::open_as(path, &KEY, DEVICE, username)
}

fn household_form(rt: &str) -> HouseholdForm {
    HouseholdForm {
        rt_id: rt.into(),
        kk_number: None,
        address: Some("Jl. Timor Raya No. 12".into()),
        latitude: None,
        longitude: None,
        jkn: "pbi".into(),
        clean_water: Some(true),
        healthy_latrine: Some(true),
        notes: None,
    }
}

fn empty_measurement() -> MeasurementForm {
    MeasurementForm {
        weight_kg: None,
        length_or_height_cm: None,
        measured_lying: None,
        head_circumference_cm: None,
        muac_cm: None,
        systolic_mmhg: None,
        diastolic_mmhg: None,
        blood_glucose_mg_dl: None,
        glucose_timing: None,
    }
}

fn visit(person: &str, at_ms: Option<i64>, m: Option<MeasurementForm>) -> VisitForm {
    VisitForm {
        person_id: person.into(),
        occurred_at_ms: at_ms,
        kind: VisitKindForm::Posyandu,
        posyandu_id: None,
        place: None,
        pregnancy_id: None,
        measurement: m,
        immunizations: vec![],
        services: vec![],
        danger_signs: vec![],
        danger_note: None,
        referral: None,
        note: None,
        health_status: None,
    }
}

/// Noon in Kupang on `d`, in ms.
fn noon_ms(d: Date) -> i64 {
    d.with_hms(12, 0, 0)
        .unwrap()
        .assume_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap())
        .unix_timestamp()
        * 1000
}

/// An RT outside `core`'s area and a household in it, seen by the admin.
fn outside_household(core: &IlpCore, admin: &IlpCore) -> (String, String) {
    let mine = in_scope_rts(core);
    for rt in in_scope_rts(admin) {
        if mine.contains(&rt) {
            continue;
        }
        if let Some(h) = admin.households_in_rt(rt.clone()).unwrap().first() {
            return (rt, h.id.clone());
        }
    }
    panic!("the demo spans several RW")
}

#[test]
fn the_preview_gives_what_saving_and_the_growth_chart_give() {
    let (_dir, path, summary) = setup(900);
    let core = open_as(&path, &summary.usernames[0]);
    let admin = open_as(&path, summary.usernames.last().unwrap());
    let today = today();
    let rt = in_scope_rts(&core)[0].clone();
    let reg = core
        .register_household(
            household_form(&rt),
            vec![
                member(
                    "Yohana Benu",
                    SexCode::Female,
                    today - Duration::days(27 * 365),
                    "head",
                ),
                member(
                    "Kornelis Benu",
                    SexCode::Male,
                    today - Duration::days(300),
                    "child",
                ),
                member(
                    "Paulus Benu",
                    SexCode::Male,
                    today - Duration::days(50 * 365),
                    "parent",
                ),
            ],
        )
        .unwrap();
    let (mother, child, grandfather) = (
        reg.member_ids[0].clone(),
        reg.member_ids[1].clone(),
        reg.member_ids[2].clone(),
    );

    // Last month's weighing (the 15th of the previous month), then this month's, previewed.
    let last_month = today.replace_day(1).unwrap() - Duration::days(17);
    let mut first = empty_measurement();
    first.weight_kg = Some(8.0);
    core.record_visit(visit(&child, Some(noon_ms(last_month)), Some(first)))
        .unwrap();
    let form = MeasurementForm {
        weight_kg: Some(8.1),
        length_or_height_cm: Some(71.5),
        head_circumference_cm: Some(44.5),
        muac_cm: Some(14.0),
        ..empty_measurement()
    };
    let history_before = core.person_history(child.clone()).unwrap().len();
    let preview = core
        .assess_measurement(child.clone(), None, form.clone())
        .unwrap();
    assert_eq!(
        core.person_history(child.clone()).unwrap().len(),
        history_before,
        "a preview writes nothing"
    );
    assert_eq!(preview.measured_on, today.to_string());
    assert_eq!(preview.age_days, Some(300));
    let codes: Vec<&str> = preview
        .z_scores
        .iter()
        .map(|z| z.indicator.as_str())
        .collect();
    assert_eq!(codes, ["wfa", "lhfa", "wflh", "bmifa", "hcfa", "acfa"]);
    let kms = preview.kms.clone().expect("a weighing of an under-five");
    assert_eq!(
        kms.code, "T",
        "100 g in a month is below the KBM at 9 months"
    );
    assert_eq!(kms.gain_g, Some(100));
    assert_eq!(kms.compared_with, Some(last_month.to_string()));
    assert!(kms.refer && !kms.two_t);
    assert!(
        preview
            .alerts
            .contains(&"T: berat badan tidak naik, rujuk ke Puskesmas".to_string())
    );
    assert!(!preview.pregnant && preview.kek.is_none() && preview.blood_pressure.is_none());

    // Saved, the growth chart shows the same numbers for today's point.
    core.record_visit(visit(&child, None, Some(form))).unwrap();
    for z in &preview.z_scores {
        let chart = core
            .growth_chart(child.clone(), z.indicator.clone())
            .unwrap();
        let point = chart.points.last().unwrap();
        assert_eq!(point.date, today.to_string(), "{}", z.indicator);
        assert_eq!(point.z, Some(z.z), "{}", z.indicator);
        assert_eq!(point.flagged, z.flagged, "{}", z.indicator);
        assert_eq!(point.category, z.category, "{}", z.indicator);
        assert_eq!(point.category_label, z.category_label, "{}", z.indicator);
        assert_eq!(chart.label, z.label);
        if z.indicator == "wfa" {
            assert_eq!(point.kms_code.as_deref(), Some(kms.code.as_str()));
            assert_eq!(point.referral_reasons, kms.referral_reasons);
        }
    }

    // An impossible value is refused as saving refuses it, naming the field.
    let heavy = MeasurementForm {
        weight_kg: Some(70.0),
        ..empty_measurement()
    };
    let refused = core.assess_measurement(child.clone(), None, heavy.clone());
    let saved = core.record_visit(visit(&child, None, Some(heavy)));
    match (refused, saved) {
        (
            Err(IlpError::Validation { field, reason }),
            Err(IlpError::Validation {
                field: f2,
                reason: r2,
            }),
        ) => {
            assert_eq!(field, "measurement.weight_kg");
            assert_eq!((field, reason), (f2, r2));
        }
        other => panic!("{other:?}"),
    }
    let bad_timing = MeasurementForm {
        blood_glucose_mg_dl: Some(120.0),
        glucose_timing: Some("after_lunch".into()),
        ..empty_measurement()
    };
    assert!(matches!(
        core.assess_measurement(grandfather.clone(), None, bad_timing),
        Err(IlpError::Validation { field, .. }) if field == "measurement.glucose_timing"
    ));
    let weight = MeasurementForm {
        weight_kg: Some(60.0),
        ..empty_measurement()
    };
    assert!(matches!(
        core.assess_measurement(
            grandfather.clone(),
            Some((today + Duration::days(1)).to_string()),
            weight.clone()
        ),
        Err(IlpError::Validation { field, .. }) if field == "measured_on"
    ));
    assert!(matches!(
        core.assess_measurement(
            "0b7e2f4e-6a0c-4c59-9d7e-1f2a3b4c5d6e".into(),
            None,
            weight.clone()
        ),
        Err(IlpError::Validation { field, .. }) if field == "person_id"
    ));

    // An adult: blood pressure and glucose categories, no z-scores.
    let adult = core
        .assess_measurement(
            grandfather,
            None,
            MeasurementForm {
                weight_kg: Some(64.0),
                length_or_height_cm: Some(165.0),
                systolic_mmhg: Some(152),
                diastolic_mmhg: Some(94),
                blood_glucose_mg_dl: Some(240.0),
                glucose_timing: Some("random".into()),
                ..empty_measurement()
            },
        )
        .unwrap();
    assert!(adult.z_scores.is_empty() && adult.kms.is_none());
    assert!(!adult.growth_needs_sex_and_birth);
    assert_eq!(
        adult.blood_pressure.as_ref().map(|c| c.code.as_str()),
        Some("hypertension")
    );
    assert_eq!(
        adult.glucose.as_ref().map(|c| c.code.as_str()),
        Some("diabetes")
    );
    assert_eq!(
        adult.alerts,
        [
            "Hipertensi: rujuk ke Puskesmas",
            "Gula darah tinggi: rujuk ke Puskesmas"
        ]
    );
    assert!(adult.rule_tables.contains(&"bp.jnc7@1".to_string()));

    // A pregnant woman with a thin arm: KEK.
    let pregnancy = core
        .register_pregnancy(
            mother.clone(),
            Some((today - Duration::days(100)).to_string()),
            None,
        )
        .unwrap();
    let lila = core
        .assess_measurement(
            mother,
            None,
            MeasurementForm {
                muac_cm: Some(22.8),
                systolic_mmhg: Some(118),
                diastolic_mmhg: Some(76),
                ..empty_measurement()
            },
        )
        .unwrap();
    assert!(lila.pregnant);
    assert_eq!(lila.pregnancy_id, Some(pregnancy));
    assert_eq!(lila.kek, Some(true));
    assert_eq!(
        lila.blood_pressure.map(|c| c.code),
        Some("normal".to_string())
    );
    assert_eq!(
        lila.alerts,
        ["KEK: LiLA di bawah 23,5 cm, rujuk ke bidan/Puskesmas"]
    );

    // Someone outside the kader's area is refused like every other call.
    let (_, outside) = outside_household(&core, &admin);
    let stranger = admin.household_detail(outside).unwrap().members[0]
        .person_id
        .clone();
    assert!(matches!(
        core.assess_measurement(stranger, None, weight),
        Err(IlpError::Auth { .. })
    ));
}

#[test]
fn a_coverage_number_opens_on_the_persons_and_households_behind_it() {
    let (_dir, path, summary) = setup(900);
    let core = open_as(&path, &summary.usernames[0]);
    let admin = open_as(&path, summary.usernames.last().unwrap());
    let me = core.current_user().display_name;
    let rts = in_scope_rts(&core);
    let month = format!("{:04}-{:02}", today().year(), u8::from(today().month()));
    let table = core.coverage(Some(rts[0].clone()), None, month).unwrap();
    let persons = table
        .rows
        .iter()
        .find(|r| r.unit == "person" && !r.missing_ids.is_empty())
        .expect("someone is behind on something");
    let rows = core.describe_subjects(persons.missing_ids.clone()).unwrap();
    assert_eq!(
        rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        persons.missing_ids,
        "input order kept"
    );
    for r in &rows {
        assert_eq!(r.kind, "person");
        assert!(!r.name.is_empty());
        assert!(r.age_label.is_some() && r.sex.is_some());
        assert!(r.household_id.is_some());
        assert_eq!(r.rt_id.as_deref(), Some(rts[0].as_str()));
        assert!(r.rt_label.as_deref().unwrap().starts_with("RT "));
        let kader = r.kader.as_deref().expect("the demo RT has kaders");
        assert!(kader.contains(&me), "{kader} lists the signed-in kader");
    }
    if let Some(households) = table
        .rows
        .iter()
        .find(|r| r.unit == "household" && !r.numerator_ids.is_empty())
    {
        let rows = core
            .describe_subjects(households.numerator_ids.clone())
            .unwrap();
        assert!(rows.iter().all(|r| r.kind == "household"
            && r.household_id.as_deref() == Some(r.id.as_str())
            && r.age_label.is_none()));
    }

    // Unknown or malformed ids name their place in the list; outside the area is refused.
    let mut ids = vec![persons.missing_ids[0].clone()];
    ids.push("0b7e2f4e-6a0c-4c59-9d7e-1f2a3b4c5d6e".into());
    assert!(matches!(
        core.describe_subjects(ids),
        Err(IlpError::Validation { field, .. }) if field == "ids[1]"
    ));
    assert!(matches!(
        core.describe_subjects(vec!["nonsense".into()]),
        Err(IlpError::Validation { field, .. }) if field == "ids[0]"
    ));
    let (_, outside) = outside_household(&core, &admin);
    assert!(matches!(
        core.describe_subjects(vec![persons.missing_ids[0].clone(), outside.clone()]),
        Err(IlpError::Auth { .. })
    ));
    let seen_by_admin = admin.describe_subjects(vec![outside]).unwrap();
    assert_eq!(seen_by_admin[0].kind, "household");
    assert!(seen_by_admin[0].kader.is_some());
}

#[test]
fn ending_the_session_makes_the_absentees_home_visits_the_same_day() {
    let (_dir, path, summary) = setup(900);
    let core = open_as(&path, &summary.usernames[0]);
    let admin = open_as(&path, summary.usernames.last().unwrap());
    let today = today();
    let day = today.to_string();
    let posyandu = core.posyandu_list().unwrap()[0].id.clone();
    let before = core
        .posyandu_session(posyandu.clone(), day.clone())
        .unwrap();
    assert!(!before.ended);
    let comer = before
        .attendees
        .iter()
        .find(|a| !a.attended)
        .expect("someone is expected today")
        .person_id
        .clone();
    core.record_visit(VisitForm {
        posyandu_id: Some(posyandu.clone()),
        ..visit(&comer, None, None)
    })
    .unwrap();
    let open = core
        .posyandu_session(posyandu.clone(), day.clone())
        .unwrap();
    assert!(
        open.attendees
            .iter()
            .any(|a| a.person_id == comer && a.attended)
    );
    assert!(
        open.attendees.iter().all(|a| !a.home_visit),
        "the day is not over"
    );
    let missed_today = |core: &IlpCore| -> HashSet<String> {
        core.worklist(None)
            .unwrap()
            .groups
            .into_iter()
            .flat_map(|g| g.stops)
            .filter(|s| s.missed_posyandu_on.as_deref() == Some(day.as_str()))
            .flat_map(|s| s.entries)
            .map(|e| e.item.person_id)
            .collect()
    };
    assert!(missed_today(&core).is_empty());

    let ended = core
        .end_posyandu_session(posyandu.clone(), day.clone())
        .unwrap();
    assert!(ended.ended);
    let absent: Vec<&ExpectedAttendee> = ended.attendees.iter().filter(|a| !a.attended).collect();
    assert!(!absent.is_empty());
    assert!(absent.iter().all(|a| a.home_visit));
    assert!(
        ended
            .attendees
            .iter()
            .any(|a| a.person_id == comer && a.attended && !a.home_visit)
    );
    assert_eq!(ended.home_visits as usize, absent.len());
    assert_eq!(ended.home_visits, ended.expected - ended.attended);

    // The worklist lists them today, with the session's date.
    let mine: HashSet<String> = in_scope_rts(&core)
        .into_iter()
        .flat_map(|rt| core.households_in_rt(rt).unwrap())
        .map(|h| h.id)
        .collect();
    let listed = missed_today(&core);
    let expected_here: Vec<&&ExpectedAttendee> = absent
        .iter()
        .filter(|a| a.household_id.as_ref().is_some_and(|h| mine.contains(h)))
        .collect();
    assert!(!expected_here.is_empty());
    for a in expected_here {
        assert!(listed.contains(&a.person_id), "{} is a home visit", a.name);
    }

    // Again: nothing changes. A future day is refused; so is a Posyandu outside the area.
    assert_eq!(
        core.end_posyandu_session(posyandu.clone(), day.clone())
            .unwrap(),
        ended
    );
    assert!(matches!(
        core.end_posyandu_session(posyandu.clone(), (today + Duration::days(1)).to_string()),
        Err(IlpError::Validation { field, .. }) if field == "date"
    ));
    assert!(matches!(
        core.end_posyandu_session(posyandu, "20-11-2026".into()),
        Err(IlpError::Validation { field, .. }) if field == "date"
    ));
    let mine: Vec<String> = core
        .posyandu_list()
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    let other = admin
        .posyandu_list()
        .unwrap()
        .into_iter()
        .find(|p| !mine.contains(&p.id))
        .expect("another RW's Posyandu")
        .id;
    assert!(matches!(
        core.end_posyandu_session(other, day),
        Err(IlpError::Auth { .. })
    ));
}
