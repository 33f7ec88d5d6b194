//! The apps' demo and training mode: a practice database of the demo kelurahan, so a new kader can
//! learn the app without touching real records.

use crate::error::IlpError;
use crate::forms;
use ilp_model::{DeviceId, Timestamp};
use ilp_store::{DbKey, OsEntropy, Store, StoreConfig, WriteCtx};

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct DemoSummary {
    pub households: u64,
    pub persons: u64,
    pub events: u64,
    /// Usernames to open the demo with: kaders first, then bidan, supervisor, admin.
    pub usernames: Vec<String>,
}

/// Creates a demo database at `db_path` (which must not exist yet) with `households` households
/// of Kelurahan Oesapa, deterministic for `seed`, with histories up to `today` (YYYY-MM-DD).
#[uniffi::export]
pub fn create_demo_database(
    db_path: String,
    key: Vec<u8>,
    device_id: String,
    households: u32,
    seed: u64,
    today: String,
) -> Result<DemoSummary, IlpError> {
    if std::path::Path::new(&db_path).exists() {
        return Err(crate::error::validation(
            "db_path",
            "already exists; a demo is made in a new file",
        ));
    }
    if !(1..=20_000).contains(&households) {
        return Err(crate::error::validation("households", "must be 1 to 20000"));
    }
    let today = forms::parse_date("today", &today)?;
    let device: DeviceId = forms::parse_id("device_id", &device_id)?;
    let key = DbKey::from_slice(&key)?;
    let data = ilp_demo::generate(&ilp_demo::DemoConfig {
        seed,
        households: households as usize,
        today,
    });
    let now = Timestamp::from_datetime(time::OffsetDateTime::now_utc());
    let (store, _) = Store::open(
        StoreConfig {
            path: db_path.into(),
            key: Some(key),
            device,
            utc_offset: ilp_model::timestamp::wita(),
        },
        Box::new(OsEntropy),
        now,
    )?;
    let admin = data
        .users_by_role(ilp_model::Role::Admin)
        .first()
        .map(|u| u.id)
        .unwrap_or(data.users[0].id);
    let ctx = WriteCtx {
        user: admin,
        now,
        today,
    };
    let loaded = ilp_demo::load::load_into(&store, &data, &ctx, |_, _| {})?;
    store.close()?;
    let mut usernames: Vec<(u8, String)> = data
        .users
        .iter()
        .map(|u| {
            let rank = match u.role {
                ilp_model::Role::Kader => 0,
                ilp_model::Role::Bidan => 1,
                ilp_model::Role::Supervisor => 2,
                ilp_model::Role::Admin => 3,
            };
            (rank, u.username.clone())
        })
        .collect();
    usernames.sort();
    Ok(DemoSummary {
        households: loaded.households as u64,
        persons: loaded.persons as u64,
        events: loaded.events as u64,
        usernames: usernames.into_iter().map(|(_, u)| u).collect(),
    })
}
