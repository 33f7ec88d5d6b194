//! A kader moved to another RT by the admin: her next sync drops the households that left her
//! area, except one whose change the server has not accepted (it stays, with the refusal on the
//! sync screen), and brings the households of her new RT from a fresh snapshot.

use ilp_e2e::model::edit_household;
use ilp_e2e::{DemoServer, Device, dump};
use ilp_model::HouseholdId;
use ilp_sync::engine::SyncOptions;
use std::collections::BTreeSet;

fn household_rts(device: &Device) -> BTreeSet<String> {
    dump(device.store())["household"]
        .values()
        .map(|h| h["rt_id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reassigned_kader_drops_the_old_rt_keeps_unaccepted_changes_and_gets_the_new_rt() {
    let server = DemoServer::start(100).await;
    let bidan = Device::login(&server.base, "bidan.oesapa.1", SyncOptions::default()).await;
    bidan.sync().await.unwrap();
    // Two RTs with households (the bidan sees the whole kelurahan): the kader starts in the first.
    let rts: Vec<String> = household_rts(&bidan).into_iter().collect();
    assert!(
        rts.len() >= 2,
        "the demo has two RTs with households: {rts:?}"
    );
    let (rt_a, rt_b) = (rts[0].clone(), rts[1].clone());
    let assign = |rt: &str| {
        tokio::task::block_in_place(|| {
            server
                .admin()
                .assign("kader.rw001.a", &[rt.to_string()])
                .unwrap()
        })
    };
    assign(&rt_a);
    let kader = Device::login(&server.base, "kader.rw001.a", SyncOptions::default()).await;
    kader.sync().await.unwrap();
    assert_eq!(household_rts(&kader), BTreeSet::from([rt_a.clone()]));

    // An offline edit the server will refuse once she has left RT A.
    let household: HouseholdId = dump(kader.store())["household"]
        .keys()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    edit_household(&kader, household, |h| {
        h.address = Some("Jl. Baru No. 1".into())
    });

    assign(&rt_b);
    let report = kader.sync().await.unwrap();
    assert_eq!(report.refused, 1, "the edit in RT A is refused now");
    let refused = kader.store().refused_entries().unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].code, "out_of_scope");
    assert_eq!(refused[0].entity_id, household.to_string());
    assert!(report.dropped > 0, "RT A's other households left");

    let after = dump(kader.store());
    let kept: Vec<&String> = after["household"]
        .iter()
        .filter(|(_, h)| h["rt_id"] != rt_b.as_str())
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        kept,
        vec![&household.to_string()],
        "only the refused household stays of RT A"
    );
    // Everything the server holds for RT B came with the restarted snapshot: the bidan sees the
    // same households there, with the same members.
    bidan.sync().await.unwrap();
    let bidan_dump = dump(bidan.store());
    let of_b = |d: &std::collections::BTreeMap<
        String,
        std::collections::BTreeMap<String, serde_json::Value>,
    >|
     -> BTreeSet<String> {
        d["household"]
            .iter()
            .filter(|(_, h)| h["rt_id"] == rt_b.as_str())
            .map(|(id, _)| id.clone())
            .collect()
    };
    assert!(!of_b(&after).is_empty());
    assert_eq!(of_b(&after), of_b(&bidan_dump));
    let members = |d: &std::collections::BTreeMap<
        String,
        std::collections::BTreeMap<String, serde_json::Value>,
    >|
     -> usize {
        let hs = of_b(d);
        d["person"]
            .values()
            .filter(|p| p["household_id"].as_str().is_some_and(|h| hs.contains(h)))
            .count()
    };
    assert_eq!(members(&after), members(&bidan_dump));
    assert!(kader.store().integrity_check().unwrap().is_empty());

    // Nothing changed since: the next sync is one round trip and keeps everything.
    let idle = kader.sync().await.unwrap();
    assert_eq!(idle.wire.round_trips, 1);
    assert_eq!(idle.dropped, 0);
}
