//! A real server on a loopback port, in-process, over a fresh database: SQLite in a temporary
//! directory, or a fresh schema of the PostgreSQL named by `ILP_TEST_DATABASE_URL`. A small area
//! tree with users of every role, an HTTP client, change builders and a reference replica that
//! applies feed pages the way a device does.
#![allow(dead_code)]

use ilp_model::{DeviceId, Event, EventId, EventPayload, Hlc, PersonId, Timestamp, UserId};
use ilp_server::admin::{Admin, AdminChange};
use ilp_server::auth::PasswordCost;
use ilp_server::clock::{Clock, OsEntropy, ShiftedClock};
use ilp_server::config::Config;
use ilp_server::http::AppState;
use ilp_server::merge::{self, Fields};
use ilp_server::storage::{self, Db};
use ilp_sync::protocol::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

pub const PASSWORD: &str = "rahasia-123";

/// Ids of the fixture's area tree: kelurahan with RW 1 (RT A, RT B) and RW 2 (RT C).
#[derive(Clone, Debug)]
pub struct World {
    pub city: String,
    pub district: String,
    pub village: String,
    pub rw1: String,
    pub rw2: String,
    pub rt_a: String,
    pub rt_b: String,
    pub rt_c: String,
}

pub struct TestServer {
    pub base: String,
    pub state: Arc<AppState>,
    pub clock: Arc<ShiftedClock>,
    pub world: World,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A fresh PostgreSQL schema for one test, when the suite runs against PostgreSQL.
pub fn postgres_url() -> Option<String> {
    let base = std::env::var("ILP_TEST_DATABASE_URL").ok()?;
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut c = postgres::Client::connect(&base, postgres::NoTls)
        .expect("connect to ILP_TEST_DATABASE_URL");
    c.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}options=-csearch_path%3D{schema}"))
}

pub fn backend_is_postgres() -> bool {
    std::env::var("ILP_TEST_DATABASE_URL").is_ok()
}

pub fn admin_of(state: &AppState) -> Admin<'_> {
    Admin {
        db: state.db.as_ref(),
        clock: state.clock.as_ref(),
        entropy: state.entropy.as_ref(),
        cost: PasswordCost::cheap(),
        max_drift_ms: state.config.max_drift_ms,
    }
}

fn area(id: &str, parent: Option<&str>, level: &str, code: &str, name: &str) -> AdminChange {
    AdminChange {
        entity: entity::AREA.into(),
        id: id.into(),
        op: Op::Upsert,
        payload: json!({"fields": {"parent_id": parent, "level": level, "code": code, "name": name}}),
        hlc: None,
    }
}

impl TestServer {
    /// A server with the fixture world and users: kader.a (RT A), kader.b (RT B), kader.rw1 (RW
    /// 1), bidan and supervisor (the kelurahan), admin.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(tune: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        tune(&mut config);
        let clock = Arc::new(ShiftedClock::default());
        let (db, config) = tokio::task::spawn_blocking(move || {
            config.database_url = postgres_url();
            (storage::open(&config).expect("open database"), config)
        })
        .await
        .unwrap();
        let state = Arc::new(AppState {
            db,
            config,
            clock: clock.clone(),
            entropy: Arc::new(OsEntropy),
            metrics: Default::default(),
        });
        let world = World {
            city: uuid(),
            district: uuid(),
            village: uuid(),
            rw1: uuid(),
            rw2: uuid(),
            rt_a: uuid(),
            rt_b: uuid(),
            rt_c: uuid(),
        };
        let st = state.clone();
        let w = world.clone();
        tokio::task::spawn_blocking(move || {
            let admin = admin_of(&st);
            admin
                .write(vec![
                    area(&w.city, None, "city", "53.71", "Kota Kupang"),
                    area(
                        &w.district,
                        Some(&w.city),
                        "district",
                        "53.71.03",
                        "Kelapa Lima",
                    ),
                    area(
                        &w.village,
                        Some(&w.district),
                        "village",
                        "53.71.03.1010",
                        "Oesapa",
                    ),
                    area(&w.rw1, Some(&w.village), "rw", "001", "RW 001"),
                    area(&w.rt_a, Some(&w.rw1), "rt", "001", "RT 001"),
                    area(&w.rt_b, Some(&w.rw1), "rt", "002", "RT 002"),
                    area(&w.rw2, Some(&w.village), "rw", "002", "RW 002"),
                    area(&w.rt_c, Some(&w.rw2), "rt", "001", "RT 001"),
                ])
                .unwrap();
            for (name, role, areas) in [
                ("kader.a", "kader", vec![w.rt_a.clone()]),
                ("kader.b", "kader", vec![w.rt_b.clone()]),
                ("kader.rw1", "kader", vec![w.rw1.clone()]),
                ("bidan", "bidan", vec!["53.71.03.1010".to_string()]),
                ("supervisor", "supervisor", vec![w.village.clone()]),
                ("admin", "admin", vec![w.city.clone()]),
            ] {
                admin.add_user(name, name, role, &areas, PASSWORD).unwrap();
            }
        })
        .await
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(ilp_server::http::serve(
            listener,
            state.clone(),
            async move {
                let _ = rx.await;
            },
        ));
        TestServer {
            base: format!("http://{addr}"),
            state,
            clock,
            world,
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
            _dir: dir,
            stop: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Runs storage work for a test's own checks.
    pub async fn db<R: Send + 'static>(&self, f: impl FnOnce(&dyn Db) -> R + Send + 'static) -> R {
        let db = self.state.db.clone();
        tokio::task::spawn_blocking(move || f(db.as_ref()))
            .await
            .unwrap()
    }

    /// POSTs JSON; returns the status and the JSON answer.
    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        let mut req = self.http.post(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn login(&self, username: &str) -> Device {
        self.login_as(username, PASSWORD, &uuid())
            .await
            .expect("login")
    }

    pub async fn login_as(
        &self,
        username: &str,
        secret: &str,
        device: &str,
    ) -> Result<Device, (u16, Value)> {
        let (status, body) = self
            .post(
                "/api/v1/login",
                None,
                &json!({"protocol": 1, "username": username, "secret": secret, "device_id": device, "device_name": "HP test"}),
            )
            .await;
        if status != 200 {
            return Err((status, body));
        }
        let resp: LoginResponse = serde_json::from_value(body).unwrap();
        Ok(Device {
            id: device.to_string(),
            token: resp.token,
            user: resp.user,
            seq: 0,
            counter: AtomicU32::new(0),
            replica: Replica::default(),
            cursor: None,
        })
    }
}

/// One simulated phone: its token, its outbox sequence, its replica and its feed cursor.
#[derive(Debug)]
pub struct Device {
    pub id: String,
    pub token: String,
    pub user: UserInfo,
    pub seq: i64,
    counter: AtomicU32,
    pub replica: Replica,
    pub cursor: Option<String>,
}

impl Device {
    pub fn stamp(&self, wall_ms: i64) -> String {
        Hlc {
            wall_ms,
            counter: self.counter.fetch_add(1, Ordering::SeqCst),
            device: self.id.parse::<DeviceId>().unwrap(),
        }
        .to_string()
    }

    /// The next outbox change: an upsert of `fields`.
    pub fn upsert(&mut self, now_ms: i64, entity: &str, id: &str, fields: Value) -> Change {
        self.seq += 1;
        Change {
            seq: self.seq,
            entity: entity.into(),
            entity_id: id.into(),
            op: Op::Upsert,
            hlc: self.stamp(now_ms),
            payload: json!({ "fields": fields }),
        }
    }

    /// The next outbox change: a note event about `person`.
    pub fn note(&mut self, now_ms: i64, person: &str, text: &str) -> Change {
        self.seq += 1;
        let id = EventId::new_random();
        let event = Event {
            id,
            person: person.parse::<PersonId>().unwrap(),
            visit: None,
            recorded_by: self.user.id.parse::<UserId>().unwrap(),
            device: self.id.parse().unwrap(),
            occurred_at: Timestamp::from_millis(now_ms),
            recorded_at: Timestamp::from_millis(now_ms),
            payload: EventPayload::Note { text: text.into() },
        };
        Change {
            seq: self.seq,
            entity: entity::EVENT.into(),
            entity_id: id.to_string(),
            op: Op::Append,
            hlc: self.stamp(now_ms),
            payload: serde_json::to_value(event).unwrap(),
        }
    }

    pub fn push_body(&self, now_ms: i64, changes: &[Change]) -> Value {
        json!({"protocol": 1, "device_id": self.id, "device_time_ms": now_ms, "changes": changes})
    }

    pub async fn push(&self, server: &TestServer, changes: &[Change]) -> (u16, Value) {
        server
            .post(
                "/api/v1/push",
                Some(&self.token),
                &self.push_body(server.now_ms(), changes),
            )
            .await
    }

    pub async fn push_ok(&self, server: &TestServer, changes: &[Change]) -> PushResponse {
        let (status, body) = self.push(server, changes).await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_value(body).unwrap()
    }

    /// One pull page after the device's cursor (not applied).
    pub async fn pull_page(&self, server: &TestServer, max: u32) -> PullPage {
        let (status, body) = server
            .post(
                "/api/v1/pull",
                Some(&self.token),
                &json!({"protocol": 1, "device_id": self.id, "cursor": self.cursor, "max_changes": max}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_value(body).unwrap()
    }

    /// Pulls and applies pages until none is left; returns the pages' sizes.
    pub async fn pull_all(&mut self, server: &TestServer, max: u32) -> Vec<usize> {
        let mut sizes = Vec::new();
        loop {
            let page = self.pull_page(server, max).await;
            sizes.push(page.changes.len());
            for c in &page.changes {
                self.replica.apply(c);
            }
            self.cursor = Some(page.next_cursor);
            if !page.more {
                return sizes;
            }
        }
    }
}

/// What a device holds: merged records and events, applied as PROTOCOL.md says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Replica {
    pub records: BTreeMap<(String, String), (Fields, Fields)>,
    pub events: BTreeSet<String>,
}

impl Replica {
    pub fn apply(&mut self, c: &FeedChange) {
        if c.op == Op::Append {
            self.events.insert(c.entity_id.clone());
            return;
        }
        let fields = c.payload["fields"].as_object().cloned().unwrap_or_default();
        let key = (c.entity.clone(), c.entity_id.clone());
        let existing = self.records.remove(&key);
        let merged = match c.payload.get("clocks").and_then(Value::as_object) {
            // Full state: each field merges with its own stamp.
            Some(clocks) => {
                let mut state = existing;
                for (k, v) in &fields {
                    let stamp = merge::field_stamp(clocks, k)
                        .unwrap_or_default()
                        .to_string();
                    let mut one = Fields::new();
                    one.insert(k.clone(), v.clone());
                    let m = merge::merge(state.take(), one, &stamp);
                    let mut clocks = m.clocks;
                    // A fresh record from one field: stamp that field, not "*" for all.
                    if let Some(star) = clocks.remove("*") {
                        for f in m.fields.keys() {
                            clocks.entry(f.clone()).or_insert(star.clone());
                        }
                    }
                    state = Some((m.fields, clocks));
                }
                state.unwrap_or_default()
            }
            None => {
                let m = merge::merge(existing, fields, &c.hlc);
                (m.fields, m.clocks)
            }
        };
        self.records.insert(key, merged);
    }

    pub fn has(&self, entity: &str, id: &str) -> bool {
        self.records
            .contains_key(&(entity.to_string(), id.to_string()))
    }

    pub fn field(&self, entity: &str, id: &str, name: &str) -> Option<Value> {
        self.records
            .get(&(entity.to_string(), id.to_string()))
            .and_then(|(f, _)| f.get(name).cloned())
    }

    /// Fields only (stamps aside), for comparing replicas.
    pub fn state(&self) -> (BTreeMap<(String, String), Fields>, BTreeSet<String>) {
        (
            self.records
                .iter()
                .map(|(k, (f, _))| (k.clone(), f.clone()))
                .collect(),
            self.events.clone(),
        )
    }
}

pub fn new_id() -> String {
    uuid()
}
