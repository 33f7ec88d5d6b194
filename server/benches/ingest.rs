//! Push ingest throughput, durable on SQLite (WAL, synchronous=FULL): the demo kelurahan's whole
//! outbox (areas, Posyandu, users, households, persons, pregnancies, a year of events), pushed in
//! batches of `MAX_PUSH_CHANGES` by one admin device, (1) straight into the ingest transaction
//! and (2) over HTTP on loopback with zstd bodies, each into a fresh database. Prints records/s.
//!
//! `cargo bench -p ilp-server --bench ingest -- [households]` (default 2000).

use ilp_model::{DeviceId, Timestamp};
use ilp_server::admin::Admin;
use ilp_server::auth::PasswordCost;
use ilp_server::clock::{Clock, OsEntropy, SystemClock};
use ilp_server::config::Config;
use ilp_server::http::AppState;
use ilp_server::ingest::{self, Ingest};
use ilp_server::scope::Principal;
use ilp_server::storage;
use ilp_store::outbox::OutboxOp;
use ilp_store::{SeededEntropy, Store, StoreConfig, WriteCtx};
use ilp_sync::protocol::{Change, LoginResponse, MAX_PUSH_CHANGES, Op, PushResponse};
use std::sync::Arc;
use std::time::Instant;

fn outbox(households: usize) -> Vec<Change> {
    let today = time::macros::date!(2026 - 11 - 22);
    let now = SystemClock.now_ms();
    let data = ilp_demo::generate(&ilp_demo::DemoConfig::new(7, households, today));
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(
        StoreConfig {
            path: dir.path().join("demo.db"),
            key: None,
            device: DeviceId::from_random_bytes([9; 16]),
            utc_offset: ilp_model::timestamp::wita(),
        },
        Box::new(SeededEntropy::new(7)),
        Timestamp::from_millis(now),
    )
    .unwrap();
    let ctx = WriteCtx {
        user: data.users[0].id,
        now: Timestamp::from_millis(now),
        today,
    };
    ilp_demo::load::load_into(&store, &data, &ctx, |_, _| {}).unwrap();
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let entries = store.outbox_pending(after, 5000).unwrap();
        let Some(last) = entries.last() else { break };
        after = last.seq;
        out.extend(entries.into_iter().map(|e| Change {
            seq: e.seq,
            entity: e.entity,
            entity_id: e.entity_id,
            op: if e.op == OutboxOp::Append {
                Op::Append
            } else {
                Op::Upsert
            },
            hlc: e.hlc.to_string(),
            payload: e.payload,
        }));
    }
    out
}

/// A fresh SQLite server database with an admin who pushes from one device.
fn fresh() -> (tempfile::TempDir, AppState, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    let state = AppState {
        db: storage::open(&config).unwrap(),
        config,
        clock: Arc::new(SystemClock),
        entropy: Arc::new(OsEntropy),
        metrics: Default::default(),
    };
    let admin = Admin {
        db: state.db.as_ref(),
        clock: &SystemClock,
        entropy: &OsEntropy,
        cost: PasswordCost::cheap(),
        max_drift_ms: state.config.max_drift_ms,
    };
    let user = admin
        .add_user("bench", "Bench", "admin", &[], "bench-pass")
        .unwrap();
    (dir, state, user, uuid::Uuid::new_v4().to_string())
}

fn direct(changes: &[Change]) -> f64 {
    let (_dir, state, user, device) = fresh();
    state
        .db
        .write(|tx| {
            tx.insert_device(&ilp_server::storage::DeviceRow {
                id: device.clone(),
                user_id: user.clone(),
                name: None,
                registered_at: 0,
                revoked_at: None,
                last_seen_at: None,
                stored_through: 0,
            })?;
            Ok(())
        })
        .unwrap();
    let principal = Principal::admin(&user);
    let start = Instant::now();
    for batch in changes.chunks(MAX_PUSH_CHANGES) {
        let out = state
            .db
            .write(|tx| {
                ingest::ingest(
                    tx,
                    &Ingest {
                        principal: &principal,
                        device: &device,
                        now_ms: SystemClock.now_ms(),
                        max_drift_ms: state.config.max_drift_ms,
                    },
                    batch,
                )
            })
            .unwrap();
        assert!(out.refused.is_empty(), "{:?}", out.refused.first());
    }
    start.elapsed().as_secs_f64()
}

fn over_http(changes: &[Change]) -> f64 {
    let (_dir, state, _user, device) = fresh();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(ilp_server::http::serve(
            listener,
            Arc::new(state),
            std::future::pending(),
        ));
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let login: LoginResponse = http
            .post(format!("{base}/api/v1/login"))
            .json(&serde_json::json!({"protocol": 1, "username": "bench", "secret": "bench-pass", "device_id": device}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let start = Instant::now();
        for batch in changes.chunks(MAX_PUSH_CHANGES) {
            let body = serde_json::to_vec(&serde_json::json!({
                "protocol": 1, "device_id": device, "device_time_ms": SystemClock.now_ms(), "changes": batch,
            }))
            .unwrap();
            let packed = zstd::encode_all(&body[..], 3).unwrap();
            let r: PushResponse = http
                .post(format!("{base}/api/v1/push"))
                .bearer_auth(&login.token)
                .header("content-encoding", "zstd")
                .body(packed)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(r.refused.is_empty());
        }
        start.elapsed().as_secs_f64()
    })
}

fn main() {
    let households: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2000);
    let changes = outbox(households);
    let n = changes.len() as f64;
    println!(
        "push ingest, SQLite durable (WAL, synchronous=FULL), demo kelurahan of {households} households: {} records in batches of {MAX_PUSH_CHANGES}",
        changes.len()
    );
    let t = direct(&changes);
    println!(
        "  ingest transaction only: {t:.2} s, {:.0} records/s",
        n / t
    );
    let t = over_http(&changes);
    println!(
        "  HTTP on loopback, zstd bodies: {t:.2} s, {:.0} records/s",
        n / t
    );
}
