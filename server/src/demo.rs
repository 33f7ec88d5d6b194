//! The demo kelurahan on the server: generated with `ilp_demo` (Kelurahan Oesapa, Kota Kupang),
//! loaded into a temporary device store so every record gets the same outbox entry a phone would
//! push, then ingested from that outbox as the server's own device; finally logins for the demo
//! users with documented passwords (the username followed by [`DEMO_PASSWORD_SUFFIX`]).

use crate::admin::{Admin, AdminChange};
use crate::error::{Error, Result};
use crate::merge::Fields;
use ilp_model::{DeviceId, Timestamp};
use ilp_store::outbox::OutboxOp;
use ilp_store::{SeededEntropy, Store, StoreConfig, WriteCtx};
use ilp_sync::protocol::{MAX_PUSH_CHANGES, Op, entity};
use serde_json::Value;

/// A demo user's password is the username followed by this.
pub const DEMO_PASSWORD_SUFFIX: &str = "-demo";

pub fn demo_password(username: &str) -> String {
    format!("{username}{DEMO_PASSWORD_SUFFIX}")
}

/// What the seed made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedSummary {
    pub records: usize,
    pub households: usize,
    pub users: usize,
}

/// Seeds the demo kelurahan. `today` is the last day of the generated histories.
pub fn seed(
    admin: &Admin<'_>,
    households: usize,
    seed: u64,
    today: time::Date,
) -> Result<SeedSummary> {
    let now = admin.clock.now_ms();
    let data = ilp_demo::generate(&ilp_demo::DemoConfig::new(seed, households, today));
    let dir = tempfile::tempdir()?;
    let mut device = [0u8; 16];
    admin.entropy.fill(&mut device);
    let store_err = |e: ilp_store::StoreError| Error::Usage(format!("demo store: {e}"));
    let (store, _) = Store::open(
        StoreConfig {
            path: dir.path().join("demo.db"),
            key: None,
            device: DeviceId::from_random_bytes(device),
            utc_offset: ilp_model::timestamp::wita(),
        },
        Box::new(SeededEntropy::new(seed)),
        Timestamp::from_millis(now),
    )
    .map_err(store_err)?;
    let admin_user = data
        .users
        .iter()
        .find(|u| u.role == ilp_model::Role::Admin)
        .map(|u| u.id)
        .ok_or_else(|| Error::Usage("the demo has no admin".into()))?;
    ilp_demo::load::load_into(
        &store,
        &data,
        &WriteCtx {
            user: admin_user,
            now: Timestamp::from_millis(now),
            today,
        },
        |_, _| {},
    )
    .map_err(store_err)?;
    // A username the server already has (an admin made before the seed) keeps its user.
    let taken: std::collections::HashSet<String> = admin
        .users()?
        .into_iter()
        .map(|(u, _)| u.username)
        .collect();
    let skipped: std::collections::HashSet<String> = data
        .users
        .iter()
        .filter(|u| taken.contains(&u.username))
        .map(|u| u.id.to_string())
        .collect();
    // The outbox, in sequence order and push-sized batches, as a phone would send it.
    let mut after = 0;
    let mut summary = SeedSummary::default();
    loop {
        let entries = store
            .outbox_pending(after, MAX_PUSH_CHANGES)
            .map_err(store_err)?;
        let Some(last) = entries.last() else { break };
        after = last.seq;
        summary.records += entries.len();
        let changes = entries
            .into_iter()
            .filter(|e| !(e.entity == entity::USER && skipped.contains(&e.entity_id)))
            .map(|e| AdminChange {
                entity: e.entity,
                id: e.entity_id,
                op: match e.op {
                    OutboxOp::Upsert => Op::Upsert,
                    OutboxOp::Append => Op::Append,
                },
                payload: e.payload,
                hlc: Some(e.hlc),
            })
            .collect();
        admin.write(changes)?;
    }
    for u in data
        .users
        .iter()
        .filter(|u| !skipped.contains(&u.id.to_string()))
    {
        admin.set_password(&u.username, &demo_password(&u.username))?;
        summary.users += 1;
    }
    summary.households = data.households.len();
    Ok(summary)
}

/// One demo login to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoLogin {
    pub role: String,
    pub username: String,
    pub password: String,
    /// The names of the areas assigned ("RW 001", "Oesapa").
    pub areas: String,
}

/// The first kader, bidan and supervisor of the demo (and the admin), for the banner.
pub fn demo_logins(admin: &Admin<'_>) -> Result<Vec<DemoLogin>> {
    let users = admin.users()?;
    let areas = admin.db.read(|tx| Ok(tx.records(entity::AREA)?))?;
    let name_of = |id: &str| {
        areas
            .iter()
            .find(|a| a.id == id)
            .and_then(|a| {
                let f: Fields = serde_json::from_str(&a.fields).ok()?;
                let level = f.get("level").and_then(Value::as_str).unwrap_or_default();
                let name = f.get("name").and_then(Value::as_str).unwrap_or_default();
                let code = f.get("code").and_then(Value::as_str).unwrap_or_default();
                Some(match level {
                    "rt" => format!("RT {code}"),
                    "rw" => format!("RW {code}"),
                    _ => name.to_string(),
                })
            })
            .unwrap_or_else(|| id.to_string())
    };
    let mut out = Vec::new();
    for role in ["kader", "bidan", "supervisor", "admin"] {
        if let Some((u, a)) = users.iter().find(|(u, _)| u.role == role && u.active) {
            let mut names: Vec<String> = a.iter().map(|id| name_of(id)).collect();
            names.sort();
            if names.len() > 3 {
                let (first, last) = (names[0].clone(), names[names.len() - 1].clone());
                names = vec![format!("{first} to {last} ({} areas)", a.len())];
            }
            out.push(DemoLogin {
                role: role.into(),
                username: u.username.clone(),
                password: demo_password(&u.username),
                areas: names.join(", "),
            });
        }
    }
    Ok(out)
}
