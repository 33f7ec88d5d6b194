//! Three devices (a kader, a bidan, a supervisor) on the real server over loopback: each edits
//! the same household offline, fields overlapping, records visits, and they sync in every order.
//! All replicas end identical (the kader's on her RTs), equal to the server's merged record, and
//! nothing is lost or doubled.

use ilp_e2e::model::edit_household;
use ilp_e2e::{DemoServer, Device, dump, first_difference, restrict};
use ilp_model::{HouseholdId, JknStatus, PersonId, VisitKind};
use ilp_store::events::{VisitInput, record_visit};
use ilp_sync::engine::SyncOptions;
use std::collections::BTreeSet;

/// Records a home visit with a note; returns every event id it made.
fn visit(device: &Device, person: PersonId, note: &str) -> Vec<String> {
    let ctx = device.write_ctx();
    let input = VisitInput {
        note: Some(note.to_string()),
        ..VisitInput::new(person, ctx.now, VisitKind::HomeVisit)
    };
    let done = device
        .store()
        .write(&ctx, |w| record_visit(w, &input))
        .unwrap();
    std::iter::once(done.visit)
        .chain(done.parts)
        .map(|e| e.to_string())
        .collect()
}

fn rts_of(store: &ilp_store::Store) -> BTreeSet<String> {
    store
        .read(|c| {
            let mut stmt = c.prepare("SELECT DISTINCT rt_id FROM household")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<rusqlite::Result<BTreeSet<_>>>()?)
        })
        .unwrap()
}

async fn scenario(order: [usize; 3]) {
    let server = DemoServer::start(24).await;
    let kader_name = server.usernames("kader")[0].clone();
    let options = SyncOptions {
        pull_page: 300,
        ..SyncOptions::default()
    };
    let devices = [
        Device::login(&server.base, &kader_name, options).await,
        Device::login(&server.base, "bidan.oesapa.1", options).await,
        Device::login(&server.base, "supervisor.oesapa", options).await,
    ];
    for d in &devices {
        d.sync().await.unwrap();
    }
    let kader_rts = rts_of(devices[0].store());
    assert!(
        !kader_rts.is_empty(),
        "the kader's first sync brought her RTs"
    );

    // A household of the kader's RTs, and one of its members.
    let (household, person): (HouseholdId, PersonId) = devices[0]
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT h.id, p.id FROM household h JOIN person p ON p.household_id = h.id
                 ORDER BY h.id, p.id LIMIT 1",
                [],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )?)
        })
        .map(|(h, p)| (h.parse().unwrap(), p.parse().unwrap()))
        .unwrap();

    // Offline, all three: the address by everyone, one more field each, a visit each.
    edit_household(&devices[0], household, |h| {
        h.address = Some("Jl. Kader 1".into());
        h.jkn = JknStatus::Pbi;
    });
    edit_household(&devices[1], household, |h| {
        h.address = Some("Jl. Bidan 2".into());
        h.notes = Some("anjing galak".into());
    });
    edit_household(&devices[2], household, |h| {
        h.address = Some("Jl. Supervisor 3".into());
        h.clean_water = Some(true);
    });
    let mut made: BTreeSet<String> = BTreeSet::new();
    for (i, d) in devices.iter().enumerate() {
        made.extend(visit(d, person, &format!("kunjungan {i}")));
    }

    // Two rounds in the given order: the first brings everything to the server, the second
    // back to everyone.
    for _round in 0..2 {
        for &i in &order {
            devices[i].sync().await.unwrap();
        }
    }

    let kader = dump(devices[0].store());
    let bidan = dump(devices[1].store());
    let supervisor = dump(devices[2].store());
    assert_eq!(
        first_difference(&bidan, &supervisor),
        None,
        "bidan and supervisor differ (order {order:?})"
    );
    assert_eq!(
        first_difference(&kader, &restrict(&bidan, &kader_rts)),
        None,
        "kader and bidan differ on the kader's RTs (order {order:?})"
    );

    let h = &bidan["household"][&household.to_string()];
    // Fields written by one device only are all there; the address is the last writer's.
    assert_eq!(h["jkn"], "pbi");
    assert_eq!(h["notes"], "anjing galak");
    assert_eq!(h["clean_water"], 1);
    let address = h["address"].as_str().unwrap().to_string();
    assert!(
        ["Jl. Kader 1", "Jl. Bidan 2", "Jl. Supervisor 3"].contains(&address.as_str()),
        "{address}"
    );
    // The server's merged record agrees.
    let record = server
        .state
        .db
        .read(|tx| Ok(tx.record("household", &household.to_string())?))
        .unwrap()
        .expect("the server holds the household");
    let fields: serde_json::Value = serde_json::from_str(&record.fields).unwrap();
    assert_eq!(fields["address"], address.as_str());
    assert_eq!(fields["jkn"], "pbi");

    // Every event of the three visits on every replica (ids are keys: present means once).
    for (name, d) in [
        ("kader", &kader),
        ("bidan", &bidan),
        ("supervisor", &supervisor),
    ] {
        let missing: Vec<&String> = made
            .iter()
            .filter(|e| !d["event"].contains_key(*e))
            .collect();
        assert!(
            missing.is_empty(),
            "{name} lacks events {missing:?} (order {order:?})"
        );
    }
    for d in &devices {
        assert_eq!(d.store().sync_state().unwrap().pending, 0);
        assert!(d.store().integrity_check().unwrap().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_devices_converge_in_every_sync_order() {
    for order in [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ] {
        scenario(order).await;
    }
}
