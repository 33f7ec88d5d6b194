//! Applying pulled changes on the device (BENCHMARKS.md section 13): 50,000 rows (6,000
//! households, 20,000 persons, 24,000 events, as the feed and the outbox carry them) applied into a
//! fresh SQLCipher store with `Store::apply_pull_page` in pages of 5,000 (the protocol's page
//! bound), against the same rows written by a plain bulk insert (prepared statements, values
//! extracted before the clock starts) into the same schema in one transaction.
//!
//! - `apply_pull/50k_rows_pages_of_5000`: the device's path: per change, checks, the per-field
//!   merge read, the row, the name index (warmed, as the app does after opening); due items are
//!   deferred to the next read as for any first sync (their rebuild is section 12's figure).
//! - `apply_pull/50k_rows_one_page`: the same in one transaction, the like-for-like comparison.
//! - `bulk_insert/50k_rows_one_transaction`: the baseline; `bulk_insert/50k_rows_transactions_of_5000`
//!   the same rows committed 5,000 at a time, what paging alone costs.
//!
//! Each iteration starts from a new database file (`ILP_BENCH_DIR` picks the parent directory; a
//! real disk, since commits are fsync-bound).

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use ilp_model::{
    DeviceId, Event, EventId, EventPayload, Hlc, HouseholdId, Measurement, PersonId, Timestamp,
    UserId, Visit, VisitKind,
};
use ilp_store::outbox::OutboxOp;
use ilp_store::{DbKey, RemoteChange, SeededEntropy, Store, StoreConfig};
use rusqlite::types::Value;
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use time::macros::{date, datetime};

const HOUSEHOLDS: usize = 6_000;
const PERSONS: usize = 20_000;
const EVENTS: usize = 24_000;
const ROWS: usize = HOUSEHOLDS + PERSONS + EVENTS;
const PAGE: usize = 5_000;
const TODAY: time::Date = date!(2026 - 11 - 22);

fn now() -> Timestamp {
    Timestamp::from_datetime(datetime!(2026-11-22 01:00 UTC))
}

fn bench_dir() -> PathBuf {
    std::env::var_os("ILP_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
}

fn fresh_store(dir: &std::path::Path) -> Store {
    Store::open(
        StoreConfig {
            path: dir.join("apply.db"),
            key: Some(DbKey::new([7; 32])),
            device: DeviceId::from_random_bytes([9; 16]),
            utc_offset: ilp_model::timestamp::wita(),
        },
        Box::new(SeededEntropy::new(1)),
        now(),
    )
    .expect("open")
    .0
}

/// SplitMix64, so every run applies the same rows.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn bytes(&mut self) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&self.next().to_le_bytes());
        b[8..].copy_from_slice(&self.next().to_le_bytes());
        b
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const GIVEN: &[&str] = &[
    "Yohanes", "Maria", "Siti", "Petrus", "Agustina", "Kristina", "Djoko", "Aminah", "Nur",
];
const FAMILY: &[&str] = &["Ndun", "Fanggidae", "Bana", "Tefa", "Lay", "Benu", "Manafe"];

/// The rows as the feed carries them, in feed order (a household before its members, a person
/// before their events).
fn changes() -> Vec<RemoteChange> {
    let mut rng = Rng(0x5eed);
    let device = DeviceId::from_random_bytes([3; 16]);
    let user = UserId::from_random_bytes([2; 16]);
    let rts: Vec<String> = (0..20)
        .map(|_| ilp_model::AreaId::from_random_bytes(rng.bytes()).to_string())
        .collect();
    let base = now().millis() - 30 * 86_400_000;
    let mut stamp = 0i64;
    let mut hlc = || {
        stamp += 1;
        Hlc {
            wall_ms: base + stamp,
            counter: 0,
            device,
        }
    };
    let mut out = Vec::with_capacity(ROWS);
    let mut households = Vec::with_capacity(HOUSEHOLDS);
    for i in 0..HOUSEHOLDS {
        let id = HouseholdId::from_random_bytes(rng.bytes());
        households.push(id);
        out.push(RemoteChange {
            entity: "household".into(),
            entity_id: id.to_string(),
            op: OutboxOp::Upsert,
            hlc: hlc(),
            payload: json!({"fields": {
                "rt_id": rts[i % rts.len()],
                "kk_number": format!("53710312{:08}", i),
                "address": format!("Jl. Timor Raya No. {}", i % 300),
                "lat": -10.14 - (i % 100) as f64 / 1e4,
                "lon": 123.63 + (i % 97) as f64 / 1e4,
                "jkn": "pbi",
                "clean_water": true,
                "healthy_latrine": i % 3 == 0,
                "notes": null,
            }}),
        });
    }
    let mut persons = Vec::with_capacity(PERSONS);
    for i in 0..PERSONS {
        let id = PersonId::from_random_bytes(rng.bytes());
        persons.push(id);
        let household = households[i * HOUSEHOLDS / PERSONS];
        let name = format!(
            "{} {}",
            GIVEN[rng.below(GIVEN.len() as u64) as usize],
            FAMILY[rng.below(FAMILY.len() as u64) as usize]
        );
        let year = 1950 + rng.below(75);
        out.push(RemoteChange {
            entity: "person".into(),
            entity_id: id.to_string(),
            op: OutboxOp::Upsert,
            hlc: hlc(),
            payload: json!({"fields": {
                "household_id": household.to_string(),
                "name": name,
                "sex": if i % 2 == 0 { "male" } else { "female" },
                "birth_date": format!("{year}-0{}-1{}", 1 + i % 9, i % 10),
                "birth_estimated": false,
                "nik": format!("53710312{:08}", 40_000_000 + i),
                "phone": null,
                "relation": if i % 4 == 0 { "head" } else { "child" },
                "mother_id": null,
                "description": null,
                "merged_into": null,
            }}),
        });
    }
    for i in 0..EVENTS {
        let person = persons[rng.below(PERSONS as u64) as usize];
        let at = Timestamp::from_millis(base + rng.below(30 * 86_400_000) as i64);
        let payload = if i % 2 == 0 {
            EventPayload::Visit(Visit {
                kind: VisitKind::HomeVisit,
                posyandu: None,
                place: Some("rumah".into()),
                pregnancy: None,
            })
        } else {
            EventPayload::Measurement(Measurement {
                weight_kg: Some(50.0 + (i % 200) as f64 / 10.0),
                systolic_mmhg: Some(120),
                diastolic_mmhg: Some(80),
                ..Default::default()
            })
        };
        let event = Event {
            id: EventId::time_ordered(at.millis(), rng.bytes()),
            person,
            visit: None,
            recorded_by: user,
            device,
            occurred_at: at,
            recorded_at: at,
            payload,
        };
        out.push(RemoteChange {
            entity: "event".into(),
            entity_id: event.id.to_string(),
            op: OutboxOp::Append,
            hlc: hlc(),
            payload: serde_json::to_value(&event).expect("event json"),
        });
    }
    out
}

/// The same rows as plain statements and values, prepared before timing.
struct Plain {
    sql: &'static str,
    values: Vec<Value>,
}

const HOUSEHOLD_SQL: &str = "INSERT INTO household (id, rt_id, kk_number, address, lat, lon, jkn, clean_water, healthy_latrine, notes, created_at, updated_at, hlc_fields)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)";
const PERSON_SQL: &str = "INSERT INTO person (id, household_id, name, sex, birth_date, birth_estimated, nik, phone, relation, mother_id, description, merged_into, created_at, updated_at, hlc_fields)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14)";
const EVENT_SQL: &str = "INSERT INTO event (id, person_id, visit_id, kind, target_id, occurred_at, recorded_at, recorded_by, device_id, hlc, payload)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

fn plain_rows(changes: &[RemoteChange]) -> Vec<Plain> {
    let v = |j: &serde_json::Value| match j {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(*b as i64),
        serde_json::Value::Number(n) if n.is_f64() => Value::Real(n.as_f64().unwrap()),
        serde_json::Value::Number(n) => Value::Integer(n.as_i64().unwrap()),
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    };
    changes
        .iter()
        .map(|c| {
            let clocks = Value::Text(format!("{{\"*\":\"{}\"}}", c.hlc));
            let now = Value::Integer(now().millis());
            let id = Value::Text(c.entity_id.clone());
            match c.entity.as_str() {
                "household" => {
                    let f = &c.payload["fields"];
                    let mut values = vec![id];
                    for k in [
                        "rt_id",
                        "kk_number",
                        "address",
                        "lat",
                        "lon",
                        "jkn",
                        "clean_water",
                        "healthy_latrine",
                        "notes",
                    ] {
                        values.push(v(&f[k]));
                    }
                    values.extend([now, clocks]);
                    Plain {
                        sql: HOUSEHOLD_SQL,
                        values,
                    }
                }
                "person" => {
                    let f = &c.payload["fields"];
                    let mut values = vec![id];
                    for k in [
                        "household_id",
                        "name",
                        "sex",
                        "birth_date",
                        "birth_estimated",
                        "nik",
                        "phone",
                        "relation",
                        "mother_id",
                        "description",
                        "merged_into",
                    ] {
                        values.push(v(&f[k]));
                    }
                    values.extend([now, clocks]);
                    Plain {
                        sql: PERSON_SQL,
                        values,
                    }
                }
                _ => {
                    let e: Event = serde_json::from_value(c.payload.clone()).unwrap();
                    Plain {
                        sql: EVENT_SQL,
                        values: vec![
                            id,
                            Value::Text(e.person.to_string()),
                            Value::Null,
                            Value::Text(e.payload.kind().into()),
                            Value::Null,
                            Value::Integer(e.occurred_at.millis()),
                            Value::Integer(e.recorded_at.millis()),
                            Value::Text(e.recorded_by.to_string()),
                            Value::Text(e.device.to_string()),
                            Value::Text(c.hlc.to_string()),
                            Value::Text(serde_json::to_string(&e.payload).unwrap()),
                        ],
                    }
                }
            }
        })
        .collect()
}

fn apply_all(store: &Store, changes: &[RemoteChange], page: usize) {
    for (i, chunk) in changes.chunks(page).enumerate() {
        let r = store
            .apply_pull_page(now(), TODAY, chunk, &format!("f1.{i}"))
            .expect("apply");
        assert_eq!(r.applied, chunk.len());
    }
}

fn bulk_insert(store: &Store, rows: &[Plain], page: usize) {
    // The store's reader connection has the same key, cipher and pragmas as the writer; the
    // writer is idle, so these are plain transactions on an identical connection.
    store
        .read(|c| {
            for chunk in rows.chunks(page) {
                c.execute_batch("BEGIN IMMEDIATE")?;
                for r in chunk {
                    c.prepare_cached(r.sql)?
                        .execute(rusqlite::params_from_iter(r.values.iter()))?;
                }
                c.execute_batch("COMMIT")?;
            }
            Ok(())
        })
        .expect("bulk insert");
}

/// Times `run` on a new database each iteration (opening it is not timed).
fn on_fresh(iters: u64, run: impl Fn(&Store)) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let dir = tempfile::tempdir_in(bench_dir()).expect("temp dir");
        let store = fresh_store(dir.path());
        store.warm_search_index().expect("warm index");
        let t = Instant::now();
        run(&store);
        total += t.elapsed();
        store.close().expect("close");
    }
    total
}

fn apply(c: &mut Criterion) {
    let changes = changes();
    let plain = plain_rows(&changes);
    // One run of each first, printed: the ratio is the figure the issue asks for.
    let once = |f: &dyn Fn(&Store)| on_fresh(1, f).as_secs_f64();
    let paged = once(&|s| apply_all(s, &changes, PAGE));
    let bulk = once(&|s| bulk_insert(s, &plain, ROWS));
    eprintln!(
        "one run: apply {:.0} rows/s, bulk insert {:.0} rows/s, ratio {:.2}",
        ROWS as f64 / paged,
        ROWS as f64 / bulk,
        bulk / paged
    );

    let mut g = c.benchmark_group("apply_pull");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("50k_rows_pages_of_5000", |b| {
        b.iter_custom(|iters| on_fresh(iters, |s| apply_all(s, &changes, PAGE)))
    });
    g.bench_function("50k_rows_one_page", |b| {
        b.iter_custom(|iters| on_fresh(iters, |s| apply_all(s, &changes, ROWS)))
    });
    g.finish();

    let mut g = c.benchmark_group("bulk_insert");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("50k_rows_one_transaction", |b| {
        b.iter_custom(|iters| on_fresh(iters, |s| bulk_insert(s, &plain, ROWS)))
    });
    g.bench_function("50k_rows_transactions_of_5000", |b| {
        b.iter_custom(|iters| on_fresh(iters, |s| bulk_insert(s, &plain, PAGE)))
    });
    g.finish();
}

criterion_group!(benches, apply);
criterion_main!(benches);
