//! `referrals::referrals_in_rts`: the emergency referrals of an RT's persons in a time range, with
//! voided ones left out and amended ones as amended.

mod common;

use common::*;
use ilp_model::{EventPayload, JknStatus, Relation, Sex, VisitKind};
use ilp_store::events::{self, ReferralInput, VisitInput};
use ilp_store::input::{HouseholdInput, PersonInput};
use ilp_store::{households, referrals};

#[test]
fn emergency_referrals_of_an_rt_in_a_range_with_corrections() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("a.db"), None);
    let tree = seed_tree(&store);
    let reg = store
        .write(&ctx(tree.kader), |w| {
            households::register(
                w,
                &HouseholdInput {
                    rt: tree.rt1,
                    kk_number: None,
                    address: Some("Jl. Timor Raya No. 3".into()),
                    gps: None,
                    jkn: JknStatus::Pbi,
                    clean_water: None,
                    healthy_latrine: None,
                    notes: None,
                },
                &[PersonInput {
                    name: Some("Yohanes Ndun".into()),
                    sex: Some(Sex::Male),
                    birth_date: Some(time::macros::date!(1960 - 01 - 01)),
                    relation: Some(Relation::Head),
                    ..Default::default()
                }],
            )
        })
        .unwrap();
    let person = reg.members[0];
    let refer = |emergency: bool, minutes: i64| {
        let at = ilp_model::Timestamp::from_millis(now().millis() - minutes * 60_000);
        let rec = store
            .write(&ctx(tree.kader), |w| {
                events::record_visit(
                    w,
                    &VisitInput {
                        referral: Some(ReferralInput {
                            to: "RSUD S.K. Lerik".into(),
                            emergency,
                            reason: Some("Nyeri dada".into()),
                            pickup_called: emergency,
                            pickup_called_at: emergency.then_some(at),
                            pickup_service: emergency.then(|| "Brigade Kupang Sehat".into()),
                        }),
                        ..VisitInput::new(person, at, VisitKind::HomeVisit)
                    },
                )
            })
            .unwrap();
        rec.parts[0]
    };
    let kept = refer(true, 30);
    refer(false, 20);
    let voided = refer(true, 10);
    store
        .write(&ctx(tree.kader), |w| {
            events::void_event(w, voided, "dicatat dua kali")
        })
        .unwrap();
    let day = 86_400_000;
    let (from, to) = (now().millis() - day, now().millis() + day);
    let list = store
        .read(|c| referrals::referrals_in_rts(c, &[tree.rt1], from, to, true))
        .unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0].event.id, kept);
    assert_eq!(list[0].event.person, person);
    assert!(list[0].referral.pickup_called);
    assert!(matches!(list[0].event.payload, EventPayload::Referral(_)));
    // Every referral, emergency or not; none in another RT or outside the range.
    let all = store
        .read(|c| referrals::referrals_in_rts(c, &[tree.rt1], from, to, false))
        .unwrap();
    assert_eq!(all.len(), 2);
    assert!(
        store
            .read(|c| referrals::referrals_in_rts(c, &[tree.rt2], from, to, true))
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .read(|c| referrals::referrals_in_rts(c, &[tree.rt1], to, to + day, true))
            .unwrap()
            .is_empty()
    );
}
