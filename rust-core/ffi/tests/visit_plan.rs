//! The visit form's plan for each life stage, on a demo database: a household with a newborn and
//! its mother after delivery, a toddler, a pregnant adolescent, an adult and a grandmother.

use ilpcore::*;
use time::Duration;

mod common;

use common::{in_scope_rts as rts, member, today};

const DEVICE: &str = "6f0c1f7e-8d3a-4b6e-9a51-2f3c4d5e6f71";
const KEY: [u8; 32] = [5; 32];

fn open_as(path: &str, username: &str) -> std::sync::Arc<IlpCore> {
    common::open_as(path, &KEY, DEVICE, username)
}

#[test]
fn each_life_stage_gets_its_form() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db").display().to_string();
    let summary = create_demo_database(
        path.clone(),
        vec![5; 32],
        DEVICE.into(),
        900,
        11,
        today().to_string(),
    )
    .unwrap();
    let kader = open_as(&path, &summary.usernames[0]);
    let admin = open_as(&path, summary.usernames.last().unwrap());
    let today = today();
    let reg = kader
        .register_household(
            HouseholdForm {
                rt_id: rts(&kader)[0].clone(),
                kk_number: None,
                address: Some("Jl. Adisucipto No. 3".into()),
                latitude: None,
                longitude: None,
                jkn: "pbi".into(),
                clean_water: None,
                healthy_latrine: None,
                notes: None,
            },
            vec![
                member(
                    "Maria Lete",
                    SexCode::Female,
                    today - Duration::days(28 * 365),
                    "head",
                ),
                member(
                    "Bayi Lete",
                    SexCode::Male,
                    today - Duration::days(10),
                    "child",
                ),
                member(
                    "Ana Lete",
                    SexCode::Female,
                    today - Duration::days(3 * 365),
                    "child",
                ),
                member(
                    "Sisilia Lete",
                    SexCode::Female,
                    today - Duration::days(16 * 365 + 30),
                    "other_family",
                ),
                member(
                    "Yakobus Lete",
                    SexCode::Male,
                    today - Duration::days(40 * 365),
                    "spouse",
                ),
                member(
                    "Oma Lete",
                    SexCode::Female,
                    today - Duration::days(66 * 365),
                    "parent",
                ),
            ],
        )
        .unwrap();
    let ids = reg.member_ids.clone();
    // Maria delivered Bayi ten days ago; Sisilia is 18 weeks pregnant.
    let delivered = kader
        .register_pregnancy(
            ids[0].clone(),
            Some((today - Duration::days(290)).to_string()),
            None,
        )
        .unwrap();
    let ten_days_ago = time::OffsetDateTime::now_utc() - Duration::days(10);
    kader
        .record_pregnancy_outcome(
            delivered,
            "live_birth".into(),
            (ten_days_ago.unix_timestamp_nanos() / 1_000_000) as i64,
            Some("Puskesmas Oesapa".into()),
            Some("health_facility".into()),
        )
        .unwrap();
    let ongoing = kader
        .register_pregnancy(
            ids[3].clone(),
            Some((today - Duration::days(18 * 7)).to_string()),
            None,
        )
        .unwrap();

    let mother = kader.visit_plan(ids[0].clone(), false).unwrap();
    assert_eq!(mother.life_stage, "postpartum");
    assert_eq!(mother.stages, ["postpartum", "adult"]);
    assert!(
        matches!(mother.suggested_kind, VisitKindForm::Kf { number } if (1..=4).contains(&number))
    );
    assert!(
        mother
            .questions
            .contains(&"exclusive_breastfeeding".to_string())
    );
    assert!(mother.fields.contains(&"blood_pressure".to_string()));
    assert!(mother.delivered_on.is_some());

    let baby = kader.visit_plan(ids[1].clone(), false).unwrap();
    assert_eq!(baby.stages, ["newborn", "under_five"]);
    assert_eq!(baby.life_stage_label, "Bayi baru lahir");
    assert!(
        matches!(baby.suggested_kind, VisitKindForm::Kn { number } if (1..=3).contains(&number))
    );
    assert_eq!(baby.measure_lying, Some(true));
    assert!(!baby.fields.contains(&"muac".to_string()));

    let toddler = kader.visit_plan(ids[2].clone(), false).unwrap();
    assert_eq!(toddler.life_stage, "under_five");
    assert_eq!(toddler.measure_lying, Some(false));
    assert!(toddler.fields.contains(&"muac".to_string()));
    assert_eq!(toddler.suggested_kind, VisitKindForm::HomeVisit);
    let at_posyandu = kader.visit_plan(ids[2].clone(), true).unwrap();
    assert_eq!(at_posyandu.suggested_kind, VisitKindForm::Posyandu);

    let teen = kader.visit_plan(ids[3].clone(), false).unwrap();
    assert_eq!(teen.stages, ["pregnant", "school_age"]);
    assert_eq!(teen.pregnancy_id.as_deref(), Some(ongoing.as_str()));
    match teen.suggested_kind {
        VisitKindForm::Anc { contact, .. } => {
            assert!(contact.is_some(), "the next ANC contact is named")
        }
        other => panic!("a pregnant woman's visit is ANC, not {other:?}"),
    }
    assert!(
        teen.open_items
            .iter()
            .all(|i| i.status == "due" || i.status == "overdue")
    );

    let man = kader.visit_plan(ids[4].clone(), false).unwrap();
    assert_eq!(man.life_stage, "adult");
    assert_eq!(
        man.fields,
        ["weight", "length_or_height", "blood_pressure", "glucose"]
    );
    assert_eq!(man.questions, ["smoking", "known_conditions"]);

    let oma = kader.visit_plan(ids[5].clone(), false).unwrap();
    assert_eq!(oma.life_stage, "elderly");
    assert_eq!(oma.rule_tables, ["ilp-life-stages@1"]);

    // Bad input and scope.
    match kader.visit_plan("not-an-id".into(), false) {
        Err(IlpError::Validation { field, .. }) => assert_eq!(field, "person_id"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    let mine = rts(&kader);
    let outside = rts(&admin)
        .into_iter()
        .filter(|r| !mine.contains(r))
        .map(|r| admin.households_in_rt(r).unwrap())
        .find(|h| !h.is_empty())
        .expect("a household outside the kader's RTs");
    let someone = admin
        .household_detail(outside[0].id.clone())
        .unwrap()
        .members[0]
        .person_id
        .clone();
    assert!(matches!(
        kader.visit_plan(someone, false),
        Err(IlpError::Auth { .. })
    ));
}
