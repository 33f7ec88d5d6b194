//! The end-to-end harness: the real sync server (`ilp-server`) on a loopback port, in-process,
//! seeded with the demo kelurahan (SQLite in a temporary directory, or a fresh schema of the
//! PostgreSQL named by `ILP_TEST_DATABASE_URL`), and device stores that log in as demo users and
//! sync through the real client (`ilp_sync::engine::Syncer`) over HTTP. A canonical dump of a
//! device store lets tests compare replicas; a fault-injecting proxy drops answers after the
//! server has committed.

use ilp_model::{DeviceId, Timestamp};
use ilp_server::admin::Admin;
use ilp_server::auth::PasswordCost;
use ilp_server::clock::{Clock as ServerClock, OsEntropy, ShiftedClock};
use ilp_server::config::Config;
use ilp_server::http::AppState;
use ilp_server::storage;
use ilp_store::{SeededEntropy, Store, StoreConfig};
use ilp_sync::engine::{CancelToken, Clock, Silent, SyncOptions, SyncReport, Syncer};
use ilp_sync::error::SyncError;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};

pub mod model;
pub mod proxy;

/// The demo's documented password of a user.
pub fn demo_password(username: &str) -> String {
    ilp_server::demo::demo_password(username)
}

/// A fresh PostgreSQL schema for one test, when the suite runs against PostgreSQL.
fn postgres_url() -> Option<String> {
    let base = std::env::var("ILP_TEST_DATABASE_URL").ok()?;
    let schema = format!("e2e_{}", uuid::Uuid::new_v4().simple());
    let mut c = postgres::Client::connect(&base, postgres::NoTls)
        .expect("connect to ILP_TEST_DATABASE_URL");
    c.batch_execute(&format!("CREATE SCHEMA {schema}"))
        .expect("create a test schema");
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}options=-csearch_path%3D{schema}"))
}

/// The server's database as the tests hold it: every transaction runs through
/// `tokio::task::block_in_place`, so test code may read or administer the server straight from an
/// async test. The synchronous PostgreSQL client blocks on a runtime of its own, which tokio
/// forbids on a worker thread; SQLite does not care. Inside the server's own `spawn_blocking`
/// calls `block_in_place` just runs the closure.
struct InPlace(Arc<dyn storage::Db>);

impl storage::Db for InPlace {
    fn backend(&self) -> &'static str {
        self.0.backend()
    }

    fn transaction(
        &self,
        write: bool,
        f: &mut dyn FnMut(&mut dyn storage::Tx) -> ilp_server::error::Result<()>,
    ) -> ilp_server::error::Result<()> {
        tokio::task::block_in_place(|| self.0.transaction(write, f))
    }
}

/// The demo server, seeded, listening on 127.0.0.1 on a free port.
pub struct DemoServer {
    pub base: String,
    pub state: Arc<AppState>,
    pub clock: Arc<ShiftedClock>,
    _dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

impl DemoServer {
    /// Seeds `households` demo households (seed 7) and serves them. Must run inside a tokio
    /// runtime with a blocking pool.
    pub async fn start(households: usize) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        let clock = Arc::new(ShiftedClock::default());
        let c = clock.clone();
        let (db, config) = tokio::task::spawn_blocking(move || {
            let mut config = config;
            config.database_url = postgres_url();
            let db = storage::open(&config).expect("open the server database");
            let admin = Admin {
                db: db.as_ref(),
                clock: c.as_ref(),
                entropy: &OsEntropy,
                cost: PasswordCost::cheap(),
                max_drift_ms: config.max_drift_ms,
            };
            let today = Timestamp::from_millis(c.now_ms()).date_at(ilp_model::timestamp::wita());
            ilp_server::demo::seed(&admin, households, 7, today).expect("seed the demo");
            (db, config)
        })
        .await
        .expect("seed task");
        let state = Arc::new(AppState {
            db: Arc::new(InPlace(db)),
            config,
            clock: clock.clone(),
            entropy: Arc::new(OsEntropy),
            metrics: Default::default(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("local addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let st = state.clone();
        tokio::spawn(async move {
            let _ = ilp_server::http::serve(listener, st, async {
                let _ = rx.await;
            })
            .await;
        });
        Self {
            base,
            state,
            clock,
            _dir: dir,
            stop: Some(tx),
        }
    }

    pub fn admin(&self) -> Admin<'_> {
        Admin {
            db: self.state.db.as_ref(),
            clock: self.state.clock.as_ref(),
            entropy: self.state.entropy.as_ref(),
            cost: PasswordCost::cheap(),
            max_drift_ms: self.state.config.max_drift_ms,
        }
    }

    /// Demo usernames by role, as the seed made them.
    pub fn usernames(&self, role: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .admin()
            .users()
            .expect("list users")
            .into_iter()
            .filter(|(u, _)| u.role == role)
            .map(|(u, _)| u.username)
            .collect();
        names.sort();
        names
    }
}

/// A device clock the test moves: every read advances a millisecond, so two writes never share
/// a stamp by accident and time never stands still.
#[derive(Debug)]
pub struct TestClock(AtomicI64);

impl TestClock {
    pub fn new(ms: i64) -> Self {
        Self(AtomicI64::new(ms))
    }

    /// Sets the phone's date and time (a user who set it wrong, or fixed it).
    pub fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_millis(self.0.fetch_add(1, Ordering::SeqCst))
    }
}

static DEVICE_COUNTER: AtomicU32 = AtomicU32::new(1);

/// One phone's store for one user, synced through the real client.
pub struct Device {
    pub username: String,
    pub syncer: Syncer,
    pub clock: Arc<TestClock>,
    pub dir: tempfile::TempDir,
    pub path: std::path::PathBuf,
    pub device: DeviceId,
    pub options: SyncOptions,
}

impl Device {
    /// A new store (unencrypted: the tests are about sync) logged in online as `username`.
    pub async fn login(server_base: &str, username: &str, options: SyncOptions) -> Device {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("device.db");
        let n = DEVICE_COUNTER.fetch_add(1, Ordering::SeqCst);
        let mut bytes = *uuid::Uuid::new_v4().as_bytes();
        bytes[0] = n as u8;
        let device = DeviceId::from_random_bytes(bytes);
        let clock = Arc::new(TestClock::new(
            ilp_server::clock::SystemClock.now_ms() - 60_000,
        ));
        let store = open_device_store(&path, device, clock.now(), n as u64);
        let syncer = Syncer::new(Arc::new(store), clock.clone(), options);
        syncer
            .login(server_base, username, &demo_password(username), None)
            .await
            .expect("demo login");
        Device {
            username: username.to_string(),
            syncer,
            clock,
            dir,
            path,
            device,
            options,
        }
    }

    pub fn store(&self) -> &Store {
        self.syncer.store()
    }

    pub async fn sync(&self) -> Result<SyncReport, SyncError> {
        self.syncer.sync_once(&Silent, &CancelToken::new()).await
    }

    /// The acting user's id (from the session).
    pub fn user_id(&self) -> ilp_model::UserId {
        ilp_sync::session::load_session(self.store())
            .expect("session")
            .expect("logged in")
            .user
            .id
            .parse()
            .expect("user id")
    }

    pub fn write_ctx(&self) -> ilp_store::WriteCtx {
        let now = self.clock.now();
        ilp_store::WriteCtx {
            user: self.user_id(),
            now,
            today: now.date_at(ilp_model::timestamp::wita()),
        }
    }

    /// Closes the store and opens it again, as after the app was killed.
    pub fn reopen(&mut self) {
        // A fresh entropy seed: a reopened store that drew the same ids again would collide
        // with its own earlier records (and with other reopened devices).
        let seed = uuid::Uuid::new_v4().as_u64_pair().0;
        let store = open_device_store(&self.path, self.device, self.clock.now(), seed);
        let syncer = Syncer::new(Arc::new(store), self.clock.clone(), self.options);
        let old = std::mem::replace(&mut self.syncer, syncer);
        drop(old);
    }
}

pub fn open_device_store(
    path: &std::path::Path,
    device: DeviceId,
    now: Timestamp,
    seed: u64,
) -> Store {
    Store::open(
        StoreConfig {
            path: path.to_path_buf(),
            key: None,
            device,
            utc_offset: ilp_model::timestamp::wita(),
        },
        Box::new(SeededEntropy::new(seed ^ 0x5eed)),
        now,
    )
    .expect("open the device store")
    .0
}

/// The synced tables of a store, canonically: table → id → the row's columns (without local
/// bookkeeping: created/updated times and clock maps). Derived tables (due items, session days)
/// are left out; they follow from these.
pub fn dump(store: &Store) -> BTreeMap<String, BTreeMap<String, Value>> {
    const TABLES: [(&str, &str, &[&str]); 8] = [
        ("area", "id", &["hlc"]),
        ("posyandu", "id", &["hlc"]),
        ("app_user", "id", &["hlc"]),
        (
            "household",
            "id",
            &["created_at", "updated_at", "hlc_fields"],
        ),
        ("person", "id", &["created_at", "updated_at", "hlc_fields"]),
        (
            "pregnancy",
            "id",
            &["created_at", "updated_at", "hlc_fields"],
        ),
        ("event", "id", &[]),
        ("merge_set_aside", "person_id", &[]),
    ];
    store
        .read(|c| {
            let mut out = BTreeMap::new();
            for (table, key, skip) in TABLES {
                let mut stmt = c.prepare(&format!("SELECT * FROM {table}"))?;
                let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
                let mut rows = stmt.query([])?;
                let mut by_id = BTreeMap::new();
                while let Some(r) = rows.next()? {
                    let mut obj = serde_json::Map::new();
                    let mut id = String::new();
                    for (i, n) in names.iter().enumerate() {
                        if skip.contains(&n.as_str()) {
                            continue;
                        }
                        let v = match r.get_ref(i)? {
                            rusqlite::types::ValueRef::Null => Value::Null,
                            rusqlite::types::ValueRef::Integer(x) => Value::from(x),
                            rusqlite::types::ValueRef::Real(x) => Value::from(x),
                            rusqlite::types::ValueRef::Text(t) => {
                                Value::from(String::from_utf8_lossy(t).into_owned())
                            }
                            rusqlite::types::ValueRef::Blob(b) => Value::from(b.to_vec()),
                        };
                        if n == key {
                            id = v.as_str().unwrap_or_default().to_string();
                        }
                        obj.insert(n.clone(), v);
                    }
                    by_id.insert(id, Value::Object(obj));
                }
                out.insert(table.to_string(), by_id);
            }
            for (link, a, b) in [
                ("posyandu_rt", "posyandu_id", "rt_id"),
                ("user_area", "user_id", "area_id"),
            ] {
                let mut stmt = c.prepare(&format!("SELECT {a}, {b} FROM {link}"))?;
                let rows =
                    stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
                let mut by_id: BTreeMap<String, Value> = BTreeMap::new();
                for row in rows {
                    let (x, y) = row?;
                    by_id.insert(format!("{x}/{y}"), Value::Bool(true));
                }
                out.insert(link.to_string(), by_id);
            }
            Ok(out)
        })
        .expect("dump the store")
}

/// The part of a dump about the households of `rts` (and everything under them), plus the
/// reference tables: what two replicas with different scopes must agree on.
pub fn restrict(
    dump: &BTreeMap<String, BTreeMap<String, Value>>,
    rts: &std::collections::BTreeSet<String>,
) -> BTreeMap<String, BTreeMap<String, Value>> {
    let mut out = BTreeMap::new();
    let households: std::collections::BTreeSet<String> = dump["household"]
        .iter()
        .filter(|(_, h)| rts.contains(h["rt_id"].as_str().unwrap_or_default()))
        .map(|(id, _)| id.clone())
        .collect();
    let persons: std::collections::BTreeSet<String> = dump["person"]
        .iter()
        .filter(|(_, p)| {
            p["household_id"]
                .as_str()
                .is_some_and(|h| households.contains(h))
        })
        .map(|(id, _)| id.clone())
        .collect();
    for (table, rows) in dump {
        let keep = |id: &String, row: &Value| -> bool {
            match table.as_str() {
                "household" => households.contains(id),
                "person" | "merge_set_aside" => persons.contains(id),
                "pregnancy" | "event" => row["person_id"]
                    .as_str()
                    .is_some_and(|p| persons.contains(p)),
                _ => true,
            }
        };
        out.insert(
            table.clone(),
            rows.iter()
                .filter(|(id, row)| keep(id, row))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        );
    }
    out
}

/// The first difference between two dumps, for a readable assertion message.
pub fn first_difference(
    a: &BTreeMap<String, BTreeMap<String, Value>>,
    b: &BTreeMap<String, BTreeMap<String, Value>>,
) -> Option<String> {
    for (table, rows) in a {
        let Some(other) = b.get(table) else {
            return Some(format!("table {table} missing on the right"));
        };
        for (id, row) in rows {
            match other.get(id) {
                None => return Some(format!("{table} {id} missing on the right")),
                Some(o) if o != row => {
                    return Some(format!("{table} {id} differs:\n  left  {row}\n  right {o}"));
                }
                _ => {}
            }
        }
        for id in other.keys() {
            if !rows.contains_key(id) {
                return Some(format!("{table} {id} missing on the left"));
            }
        }
    }
    None
}
