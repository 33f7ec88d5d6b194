//! Helpers the FFI's integration tests share: today in Kupang, a demo database, opening it as a
//! user, a member form, the RTs in a user's scope.
#![allow(dead_code)]

use ilpcore::*;
use time::Date;

/// Today in Kupang (WITA), as the core reckons it for `utc_offset_minutes: 480`.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap())
        .date()
}

/// A demo database of `households` households made for today, in a fresh directory.
pub fn demo(
    key: &[u8],
    device: &str,
    households: u32,
    seed: u64,
) -> (tempfile::TempDir, String, DemoSummary) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db").display().to_string();
    let summary = create_demo_database(
        path.clone(),
        key.to_vec(),
        device.into(),
        households,
        seed,
        today().to_string(),
    )
    .unwrap();
    (dir, path, summary)
}

pub fn open_as(path: &str, key: &[u8], device: &str, username: &str) -> std::sync::Arc<IlpCore> {
    IlpCore::open(OpenConfig {
        db_path: path.into(),
        key: key.to_vec(),
        device_id: device.into(),
        username: username.into(),
        utc_offset_minutes: 480,
    })
    .unwrap()
}

pub fn member(name: &str, sex: SexCode, birth: Date, relation: &str) -> PersonForm {
    PersonForm {
        name: Some(name.into()),
        sex: Some(sex),
        birth_date: Some(birth.to_string()),
        birth_date_estimated: false,
        age_years: None,
        age_months: None,
        nik: None,
        phone: None,
        relation: Some(relation.into()),
        mother_member_index: None,
        mother_id: None,
        description: None,
    }
}

/// The RTs in `core`'s scope.
pub fn in_scope_rts(core: &IlpCore) -> Vec<String> {
    core.area_tree()
        .unwrap()
        .into_iter()
        .filter(|a| a.level == "rt" && a.in_scope)
        .map(|a| a.id)
        .collect()
}
