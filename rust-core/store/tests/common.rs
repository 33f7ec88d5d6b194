//! Shared set-up for the store's end-to-end tests: a small Oesapa tree and a kader.
#![allow(dead_code)]

use ilp_model::{Area, AreaId, AreaLevel, DeviceId, Relation, Role, Sex, Timestamp, User, UserId};
use ilp_store::input::{MotherRef, PersonInput};
use ilp_store::{DbKey, SeededEntropy, Store, StoreConfig, WriteCtx};
use std::path::Path;
use time::macros::{date, datetime};

pub const NOW: i64 = 1_795_300_000_000; // 2026-11-22 in Kupang

pub fn now() -> Timestamp {
    Timestamp::from_datetime(datetime!(2026-11-22 01:00 UTC))
}

pub fn device() -> DeviceId {
    DeviceId::from_random_bytes([9; 16])
}

pub fn key() -> DbKey {
    DbKey::new([7; 32])
}

pub fn open(path: &Path, key: Option<DbKey>) -> Store {
    Store::open(
        StoreConfig {
            path: path.to_path_buf(),
            key,
            device: device(),
            utc_offset: ilp_model::timestamp::wita(),
        },
        Box::new(SeededEntropy::new(1)),
        now(),
    )
    .expect("open")
    .0
}

pub struct Tree {
    pub village: AreaId,
    pub rw: AreaId,
    pub rt1: AreaId,
    pub rt2: AreaId,
    pub kader: UserId,
}

pub fn ctx(user: UserId) -> WriteCtx {
    WriteCtx {
        user,
        now: now(),
        today: date!(2026 - 11 - 22),
    }
}

pub fn seed_tree(store: &Store) -> Tree {
    let id = |b: u8| AreaId::from_random_bytes([b; 16]);
    let admin = UserId::from_random_bytes([1; 16]);
    let kader = UserId::from_random_bytes([2; 16]);
    store
        .write(&ctx(admin), |w| {
            let area = |i: u8, parent: Option<u8>, level, code: &str, name: &str| Area {
                id: id(i),
                parent: parent.map(id),
                level,
                code: code.into(),
                name: name.into(),
            };
            for a in [
                area(10, None, AreaLevel::City, "53.71", "Kota Kupang"),
                area(11, Some(10), AreaLevel::District, "53.71.03", "Kelapa Lima"),
                area(12, Some(11), AreaLevel::Village, "53.71.03.1010", "Oesapa"),
                area(13, Some(12), AreaLevel::Rw, "001", "RW 001"),
                area(14, Some(13), AreaLevel::Rt, "001", "RT 001"),
                area(15, Some(13), AreaLevel::Rt, "002", "RT 002"),
            ] {
                ilp_store::areas::insert_area(w, &a)?;
            }
            ilp_store::users::insert_user(
                w,
                &User {
                    id: kader,
                    username: "kader.rw001.a".into(),
                    display_name: "Maria Benu".into(),
                    role: Role::Kader,
                    areas: vec![id(14)],
                    active: true,
                },
            )
        })
        .expect("seed tree");
    Tree {
        village: id(12),
        rw: id(13),
        rt1: id(14),
        rt2: id(15),
        kader,
    }
}

/// A mother and her baby born on `born`.
pub fn mother_and_baby(born: time::Date) -> Vec<PersonInput> {
    vec![
        PersonInput {
            name: Some("Yohana Fanggidae".into()),
            sex: Some(Sex::Female),
            birth_date: Some(date!(1995 - 07 - 12)),
            relation: Some(Relation::Head),
            ..Default::default()
        },
        PersonInput {
            name: Some("Kristina Fanggidae".into()),
            sex: Some(Sex::Female),
            birth_date: Some(born),
            relation: Some(Relation::Child),
            mother: Some(MotherRef::Member(0)),
            ..Default::default()
        },
    ]
}
