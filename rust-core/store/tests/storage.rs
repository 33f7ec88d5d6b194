//! Storage guarantees: encryption at rest, key refusal without damage, newer schemas refused,
//! corrupt files moved aside (never deleted), every released schema upgraded, the outbox sequence
//! and clock surviving a reopen, and close/reopen for the app's background cycle.

mod common;

use common::*;
use ilp_store::{DbKey, SCHEMA_VERSION, SeededEntropy, Store, StoreConfig, StoreError, outbox};
use std::io::{Seek, SeekFrom, Write};

fn try_open(
    path: &std::path::Path,
    key: Option<DbKey>,
) -> Result<(Store, ilp_store::OpenReport), StoreError> {
    Store::open(
        StoreConfig {
            path: path.to_path_buf(),
            key,
            device: device(),
            utc_offset: ilp_model::timestamp::wita(),
        },
        Box::new(SeededEntropy::new(2)),
        now(),
    )
}

#[test]
fn the_file_cannot_be_read_without_the_key_or_with_a_wrong_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("enc.db");
    {
        let store = open(&path, Some(key()));
        seed_tree(&store);
        store.close().unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    assert_ne!(&bytes[..16], b"SQLite format 3\0", "header is encrypted");
    assert!(
        !bytes.windows(6).any(|w| w == b"Oesapa"),
        "no plaintext names in the file"
    );
    assert!(matches!(
        try_open(&path, Some(DbKey::new([8; 32]))),
        Err(StoreError::KeyRejected)
    ));
    assert!(matches!(
        try_open(&path, None),
        Err(StoreError::KeyRequired)
    ));
    // A refused key never moves the file aside: it is still there and opens with the right key.
    assert!(path.exists());
    let (store, report) = try_open(&path, Some(key())).unwrap();
    assert!(report.moved_aside.is_none());
    assert_eq!(
        store
            .read(|c| Ok(ilp_store::areas::area_tree(c)?.len()))
            .unwrap(),
        6
    );
}

#[test]
fn a_key_of_the_wrong_length_is_a_validation_error() {
    assert!(
        matches!(DbKey::from_slice(&[1; 16]), Err(StoreError::Validation(v)) if v.field == "key")
    );
    assert!(DbKey::from_hex(&"ab".repeat(32)).is_ok());
    assert!(DbKey::from_hex("xyz").is_err());
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    {
        let store = open(&path, None);
        store.close().unwrap();
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    match try_open(&path, None) {
        Err(StoreError::NewerSchema { found, supported }) => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("newer schema opened"),
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION + 1);
}

#[test]
fn a_corrupt_file_is_moved_aside_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.db");
    {
        let store = open(&path, None);
        seed_tree(&store);
        store.close().unwrap();
    }
    // Keep SQLite's magic but damage the rest of page 1 (the schema root).
    let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.seek(SeekFrom::Start(100)).unwrap();
    f.write_all(&[0xA5; 3000]).unwrap();
    drop(f);
    let original = std::fs::read(&path).unwrap();
    let (store, report) = try_open(&path, None).unwrap();
    let moved = report.moved_aside.expect("moved aside");
    assert!(report.created);
    assert_eq!(
        std::fs::read(&moved).unwrap(),
        original,
        "the damaged file is kept byte for byte"
    );
    assert_eq!(
        store
            .read(|c| Ok(ilp_store::areas::area_tree(c)?.len()))
            .unwrap(),
        0,
        "a fresh database"
    );
}

#[test]
fn an_encrypted_file_damaged_past_its_first_page_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad-enc.db");
    {
        let store = open(&path, Some(key()));
        seed_tree(&store);
        store.close().unwrap();
    }
    let len = std::fs::metadata(&path).unwrap().len();
    assert!(len > 8192);
    let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    // Damage every page after the first: the schema spans several pages.
    let mut at = 4096;
    while at < len {
        f.seek(SeekFrom::Start(at + 100)).unwrap();
        f.write_all(&[0x5A; 64]).unwrap();
        at += 4096;
    }
    drop(f);
    let result = try_open(&path, Some(key()));
    match result {
        Ok((_, report)) => assert!(report.moved_aside.is_some()),
        Err(e) => panic!("expected move aside, got {e:?}"),
    }
}

/// Opens a database made from a fixture, as the device that wrote it.
fn open_fixture(path: &std::path::Path) -> Store {
    Store::open(
        StoreConfig {
            path: path.to_path_buf(),
            key: None,
            device: "00000000-0000-4000-8000-000000000001".parse().unwrap(),
            utc_offset: ilp_model::timestamp::wita(),
        },
        Box::new(SeededEntropy::new(3)),
        now(),
    )
    .unwrap()
    .0
}

#[test]
fn every_released_schema_upgrades_and_matches_a_fresh_one() {
    let fixtures = [
        (1, include_str!("fixtures/schema-v1.sql")),
        (2, include_str!("fixtures/schema-v2.sql")),
        (3, include_str!("fixtures/schema-v3.sql")),
        (4, include_str!("fixtures/schema-v4.sql")),
        (5, include_str!("fixtures/schema-v5.sql")),
    ];
    // A schema not released yet would have no fixture: count it here while it is being built.
    const UNRELEASED: i64 = 0;
    assert_eq!(
        fixtures.len() as i64 + UNRELEASED,
        SCHEMA_VERSION,
        "add a fixture for each released schema"
    );
    let dir = tempfile::tempdir().unwrap();
    let fresh_path = dir.path().join("fresh.db");
    let fresh = open(&fresh_path, None);
    let schema = |s: &Store| {
        s.read(|c| {
            let mut st = c.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")?;
            Ok(st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))?.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap()
    };
    for (version, sql) in fixtures {
        let path = dir.path().join(format!("v{version}.db"));
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(sql).unwrap();
        drop(conn);
        let old = open_fixture(&path);
        assert_eq!(
            schema(&old),
            schema(&fresh),
            "schema {version} upgraded differs from a fresh one"
        );
        let child: ilp_model::PersonId = "40000000-0000-4000-8000-000000000002".parse().unwrap();
        let latest = old
            .read(|c| ilp_store::events::latest_measurements(c, child))
            .unwrap();
        assert_eq!(
            latest.weight_kg.unwrap().value,
            9.6,
            "data of schema {version} still reads"
        );
        let today = time::macros::date!(2026 - 11 - 22);
        let items = old.due_items_of(child, today).unwrap();
        assert!(
            items.iter().any(|i| i.kind.key() == "imm:mr:1"),
            "due items of schema {version} data are (re)built"
        );
        assert!(old.integrity_check().unwrap().is_empty());
        // The compact copy of the events is built from the old events, and coverage reads the
        // same facts from it as from the events themselves.
        let (events, copied): (i64, i64) = old
            .read(|c| {
                Ok(c.query_row(
                    "SELECT (SELECT count(*) FROM event), (SELECT count(*) FROM coverage_event c JOIN event e ON e.rowid = c.event_rowid)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?)
            })
            .unwrap();
        assert!(events > 0);
        assert_eq!(copied, events, "schema {version} events copied");
        let rts: Vec<ilp_model::AreaId> = old
            .read(|c| {
                let mut st = c.prepare("SELECT id FROM area WHERE level = 'rt' ORDER BY id")?;
                let ids = st.query_map([], |r| r.get::<_, String>(0))?;
                Ok(ids.map(|id| id.unwrap().parse().unwrap()).collect())
            })
            .unwrap();
        let facts = |plan| {
            old.read(|c| ilp_store::coverage::household_facts_planned(c, &rts, plan))
                .unwrap()
        };
        let by_rt = facts(ilp_store::coverage::ReadPlan::ByRt);
        assert!(
            by_rt
                .iter()
                .flat_map(|h| &h.members)
                .any(|m| !m.events.is_empty())
        );
        assert_eq!(by_rt, facts(ilp_store::coverage::ReadPlan::TableScans));
        // Due items of older schemas are rebuilt with the worklist's packed rows: the worklist
        // lists exactly the open items of each person's card.
        let worklist = old.worklist(&rts, today).unwrap();
        let mut listed: Vec<(ilp_model::PersonId, String)> = worklist
            .groups
            .iter()
            .flat_map(|g| &g.items)
            .map(|(i, _)| (i.person, i.kind.key()))
            .collect();
        listed.sort();
        let mut open: Vec<(ilp_model::PersonId, String)> = Vec::new();
        for m in by_rt.iter().flat_map(|h| &h.members) {
            for i in old.due_items_of(m.person.id, today).unwrap() {
                if i.status(today).is_open() {
                    assert!(worklist.persons.contains_key(&i.person));
                    open.push((i.person, i.kind.key()));
                }
            }
        }
        open.sort();
        assert!(!open.is_empty(), "schema {version} data has open items");
        assert_eq!(listed, open, "schema {version} worklist");
        // Areas and users of older schemas merge per field from their creation stamp.
        let unstamped: i64 = old
            .read(|c| {
                Ok(c.query_row(
                    "SELECT (SELECT count(*) FROM area WHERE hlc_fields IS NOT '{\"*\":\"' || hlc || '\"}')
                          + (SELECT count(*) FROM app_user WHERE hlc_fields IS NOT '{\"*\":\"' || hlc || '\"}')",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(
            unstamped, 0,
            "schema {version} areas and users get hlc_fields"
        );
        let state = old.sync_state().unwrap();
        if version < 3 {
            assert_eq!(state.cursor, None);
        } else {
            // Sync state, refusals and orphans of schema 3 survive as they were.
            assert_eq!(state.cursor.as_deref(), Some("f1.42"));
            assert_eq!(state.last_success_ms, Some(1_763_800_000_000));
            let refused = old.refused_entries().unwrap();
            assert_eq!(refused.len(), 1);
            assert_eq!(refused[0].code, "out_of_scope");
            assert_eq!(old.remote_orphan_count().unwrap(), 1);
            assert!(
                old.sync_meta(ilp_store::SyncKey::Session)
                    .unwrap()
                    .is_some_and(|s| s.contains("kader.rw001.a"))
            );
        }
    }
}

/// Schema 3 could store a merge cycle pulled from two devices (A into B here, B into A there): the
/// upgrade settles it by the rule every later sync applies (the newer merge is set aside).
#[test]
fn a_merge_cycle_stored_by_schema_3_is_settled_on_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3-cycle.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(include_str!("fixtures/schema-v3.sql"))
        .unwrap();
    let (child, twin) = (
        "40000000-0000-4000-8000-000000000002",
        "40000000-0000-4000-8000-000000000003",
    );
    conn.execute(
        "INSERT INTO person (id, household_id, name, sex, birth_date, birth_estimated, relation,
             merged_into, created_at, updated_at, hlc_fields)
         VALUES (?1, '30000000-0000-4000-8000-000000000001', 'Sukarno Ndun', 'male', '2025-03-01', 0,
             'child', ?2, 1763800000000, 1763800000000,
             '{\"*\":\"000001763800000000.0000000002.00000000-0000-4000-8000-000000000002\",
               \"merged_into\":\"000001763800005000.0000000000.00000000-0000-4000-8000-000000000002\"}')",
        [twin, child],
    )
    .unwrap();
    conn.execute(
        "UPDATE person SET merged_into = ?2, hlc_fields = json_set(hlc_fields, '$.merged_into',
             '000001763800001000.0000000000.00000000-0000-4000-8000-000000000001') WHERE id = ?1",
        [child, twin],
    )
    .unwrap();
    drop(conn);
    let store = open_fixture(&path);
    let (merged_into, aside): (Option<String>, Option<String>) = store
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT merged_into FROM person WHERE id = ?1),
                        (SELECT merged_into FROM merge_set_aside WHERE person_id = ?2)",
                [child, twin],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert_eq!(merged_into.as_deref(), Some(twin), "the older merge stands");
    assert_eq!(aside.as_deref(), Some(child), "the newer one is set aside");
    let twin_id: ilp_model::PersonId = twin.parse().unwrap();
    let today = time::macros::date!(2026 - 11 - 22);
    let items = store.due_items_of(twin_id, today).unwrap();
    assert!(
        items.iter().any(|i| i.kind.key() == "imm:mr:1"),
        "the survivor has the child's schedule"
    );
    let latest = store
        .read(|c| ilp_store::events::latest_measurements(c, twin_id))
        .unwrap();
    assert_eq!(
        latest.weight_kg.unwrap().value,
        9.6,
        "the merged record's weighing counts for the survivor"
    );
    assert!(store.integrity_check().unwrap().is_empty());
}

#[test]
fn outbox_sequence_and_clock_continue_after_reopen_and_ack_and_refusal_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("o.db");
    let store = open(&path, Some(key()));
    let tree = seed_tree(&store);
    let stats = store.outbox_stats().unwrap();
    assert_eq!(stats.pending, 7);
    let entries = store.outbox_pending(0, 100).unwrap();
    let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=7).collect::<Vec<_>>());
    assert!(
        entries.windows(2).all(|w| w[0].hlc < w[1].hlc),
        "stamps increase with the sequence"
    );
    let last_clock = store.clock_last().unwrap();

    store.close().unwrap();
    assert!(matches!(store.read(|_| Ok(())), Err(StoreError::Closed)));
    store.reopen(now()).unwrap();
    assert_eq!(
        store.clock_last().unwrap(),
        last_clock,
        "clock resumes from disk"
    );

    store
        .write(&ctx(tree.kader), |w| {
            outbox::mark_acked_through(w.conn(), 3)?;
            outbox::mark_refused(w.conn(), 5, "outside the kader's RT")?;
            Ok(())
        })
        .unwrap();
    let stats = store.outbox_stats().unwrap();
    assert_eq!(
        (stats.acked, stats.refused, stats.pending, stats.highest_seq),
        (3, 1, 3, 7)
    );
    assert_eq!(
        store
            .outbox_pending(0, 100)
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>(),
        vec![4, 6, 7]
    );
}

#[test]
fn a_database_from_another_device_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.db");
    open(&path, None).close().unwrap();
    let other = Store::open(
        StoreConfig {
            path,
            key: None,
            device: ilp_model::DeviceId::from_random_bytes([1; 16]),
            utc_offset: ilp_model::timestamp::wita(),
        },
        Box::new(SeededEntropy::new(1)),
        now(),
    );
    assert!(matches!(other, Err(StoreError::DeviceMismatch { .. })));
}
