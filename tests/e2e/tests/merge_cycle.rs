//! Opposite merges made offline on two phones, through the real server: the kader merges A into B,
//! the bidan (later, not knowing it) B into A. The server keeps both values, as last-writer-wins
//! says; every replica, and a third phone's first sync from a snapshot, settles the cycle the same
//! way (the newer merge is set aside, A into B stands), and no sync stops on it.

use ilp_e2e::{DemoServer, Device, dump, first_difference, restrict};
use ilp_model::{HouseholdId, PersonId, Sex};
use ilp_store::input::PersonInput;
use ilp_store::{merge, persons};
use ilp_sync::engine::SyncOptions;
use std::collections::BTreeSet;

fn add_member(device: &Device, household: HouseholdId, name: &str) -> PersonId {
    let ctx = device.write_ctx();
    let input = PersonInput {
        name: Some(name.into()),
        sex: Some(Sex::Male),
        birth_date: Some(time::macros::date!(1980 - 02 - 03)),
        ..Default::default()
    };
    device
        .store()
        .write(&ctx, |w| {
            persons::add_person(w, Some(household), &input, None)
        })
        .unwrap()
        .0
}

fn merge_into(device: &Device, survivor: PersonId, merged: PersonId) {
    let ctx = device.write_ctx();
    device
        .store()
        .write(&ctx, |w| merge::merge_persons(w, survivor, merged))
        .unwrap();
}

fn set_aside(device: &Device) -> Vec<(String, String)> {
    device
        .store()
        .read(|c| {
            let mut s = c.prepare("SELECT person_id, merged_into FROM merge_set_aside")?;
            let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opposite_merges_on_two_phones_settle_the_same_everywhere() {
    let server = DemoServer::start(24).await;
    let kader_name = server.usernames("kader")[0].clone();
    let options = SyncOptions::default();
    let kader = Device::login(&server.base, &kader_name, options).await;
    let bidan = Device::login(&server.base, "bidan.oesapa.1", options).await;
    kader.sync().await.unwrap();
    let household: HouseholdId = dump(kader.store())["household"]
        .keys()
        .next()
        .expect("the kader's RT has households")
        .parse()
        .unwrap();
    // One man registered twice in the kader's RT, by mistake.
    let a = add_member(&kader, household, "Melkianus Bani");
    let b = add_member(&kader, household, "Melkianus Bani");
    kader.sync().await.unwrap();
    bidan.sync().await.unwrap();

    // Offline, both find the double: the kader keeps B, the bidan (ten seconds later) keeps A.
    let t = kader.write_ctx().now.millis();
    kader.clock.set(t + 1_000);
    merge_into(&kader, b, a);
    bidan.clock.set(t + 11_000);
    merge_into(&bidan, a, b);

    for _round in 0..2 {
        let k = kader.sync().await.unwrap();
        let d = bidan.sync().await.unwrap();
        assert_eq!((k.refused, d.refused), (0, 0), "no merge is refused");
    }

    // The server holds both merges as written; every replica agrees with it field by field.
    ilp_e2e::model::check_server_records(&server, &dump(bidan.store())).unwrap();
    for (id, into) in [(a, b), (b, a)] {
        let record = server
            .state
            .db
            .read(|tx| Ok(tx.record("person", &id.to_string())?))
            .unwrap()
            .expect("the server holds the person");
        let fields: serde_json::Value = serde_json::from_str(&record.fields).unwrap();
        assert_eq!(fields["merged_into"], into.to_string().as_str());
    }

    // A third phone starts from a snapshot holding the cycle.
    let supervisor = Device::login(&server.base, "supervisor.oesapa", options).await;
    supervisor.sync().await.unwrap();

    let kader_rts: BTreeSet<String> = dump(kader.store())["household"]
        .values()
        .map(|h| h["rt_id"].as_str().unwrap().to_string())
        .collect();
    let bidan_dump = dump(bidan.store());
    assert_eq!(
        first_difference(&bidan_dump, &dump(supervisor.store())),
        None
    );
    assert_eq!(
        first_difference(&dump(kader.store()), &restrict(&bidan_dump, &kader_rts)),
        None
    );
    for (name, d) in [
        ("kader", &kader),
        ("bidan", &bidan),
        ("supervisor", &supervisor),
    ] {
        let store = d.store();
        let (pa, pb) = store
            .read(|c| Ok((persons::get_person(c, a)?, persons::get_person(c, b)?)))
            .unwrap();
        assert_eq!(pa.merged_into, Some(b), "{name}: A into B stands");
        assert_eq!(pb.merged_into, None, "{name}: B is the survivor");
        assert_eq!(
            set_aside(d),
            vec![(b.to_string(), a.to_string())],
            "{name}: B into A is set aside"
        );
        let state = store.sync_state().unwrap();
        assert_eq!(state.pending, 0, "{name}: everything pushed");
        assert!(store.integrity_check().unwrap().is_empty());
        // The survivor is on the worklist and found by name; the merged record is not.
        let hits = ilp_store::search::search(store, "Melkianus Bani", None, 10).unwrap();
        let found: Vec<PersonId> = hits.iter().map(|h| h.person.id).collect();
        assert_eq!(found, vec![b], "{name}: search finds the survivor only");
    }
}
