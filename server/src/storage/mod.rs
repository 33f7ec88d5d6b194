//! Storage: a small synchronous interface with two backends, SQLite (default, one file in the
//! data directory) and PostgreSQL. Everything above it (auth, ingest, feed, snapshot, admin) is
//! written once against [`Tx`], whose domain-level primitives are written once too, in plain SQL
//! that both backends accept, over the few low-level calls of [`Sql`] each backend provides.
//! Async handlers reach storage through `tokio::task::spawn_blocking`.

pub mod postgres;
mod queries;
pub mod sqlite;

pub use queries::{ReadScope, TokenFilter};

use crate::error::{Result, StorageError};

pub type SResult<T> = std::result::Result<T, StorageError>;

/// One SQL value, as both backends bind and return it.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
}

impl Val {
    pub fn int(&self) -> SResult<i64> {
        match self {
            Val::Int(i) => Ok(*i),
            other => Err(StorageError::Corrupt(format!(
                "expected an integer, got {other:?}"
            ))),
        }
    }
    pub fn opt_int(&self) -> SResult<Option<i64>> {
        match self {
            Val::Null => Ok(None),
            v => v.int().map(Some),
        }
    }
    pub fn text(self) -> SResult<String> {
        match self {
            Val::Text(s) => Ok(s),
            other => Err(StorageError::Corrupt(format!(
                "expected text, got {other:?}"
            ))),
        }
    }
    pub fn opt_text(self) -> SResult<Option<String>> {
        match self {
            Val::Null => Ok(None),
            v => v.text().map(Some),
        }
    }
    pub fn bool(&self) -> SResult<bool> {
        match self {
            Val::Bool(b) => Ok(*b),
            // SQLite keeps booleans as integers.
            Val::Int(i) => Ok(*i != 0),
            other => Err(StorageError::Corrupt(format!(
                "expected a boolean, got {other:?}"
            ))),
        }
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Self {
        Val::Text(s.to_string())
    }
}
impl From<String> for Val {
    fn from(s: String) -> Self {
        Val::Text(s)
    }
}
impl From<&String> for Val {
    fn from(s: &String) -> Self {
        Val::Text(s.clone())
    }
}
impl From<i64> for Val {
    fn from(i: i64) -> Self {
        Val::Int(i)
    }
}
impl From<bool> for Val {
    fn from(b: bool) -> Self {
        Val::Bool(b)
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(o: Option<T>) -> Self {
        o.map_or(Val::Null, Into::into)
    }
}

/// Which SQL dialect a statement must be written in, for the few places they differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The low-level calls a backend's open transaction provides. Statements use `$1`, `$2`, ...
/// placeholders, numbered in order of first use (SQLite reads them as `?1`, `?2`).
pub trait Sql {
    fn dialect(&self) -> Dialect;
    fn execute(&mut self, sql: &'static str, params: &[Val]) -> SResult<u64>;
    fn query(&mut self, sql: &'static str, params: &[Val]) -> SResult<Vec<Vec<Val>>>;
}

/// One scope key of a user: whether its records are read (pull, snapshot) and written (push).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeKey {
    pub key: String,
    pub read: bool,
    pub write: bool,
}

/// A user as the server stores them for login and scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    /// Argon2id PHC string; `None` for a user who cannot log in (yet).
    pub password_hash: Option<String>,
}

/// A registered device (one store on one phone for one user).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceRow {
    pub id: String,
    pub user_id: String,
    pub name: Option<String>,
    pub registered_at: i64,
    pub revoked_at: Option<i64>,
    pub last_seen_at: Option<i64>,
    /// Highest outbox sequence of this device the server has decided (stored or refused).
    pub stored_through: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRow {
    /// SHA-256 of the token, hex.
    pub hash: String,
    pub user_id: String,
    pub device_id: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// A merged mutable record: current fields and the stamp of each field's last write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordRow {
    pub entity: String,
    pub id: String,
    /// One key; for users, every key separated by spaces.
    pub scope_key: String,
    /// Household of a person, person of a pregnancy: what re-homing follows.
    pub parent_id: Option<String>,
    /// JSON object of fields.
    pub fields: String,
    /// JSON object field -> HLC text (`"*"` for fields without their own stamp).
    pub clocks: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    pub id: String,
    pub person_id: String,
    pub scope_key: String,
    pub hlc: String,
    pub payload: String,
}

/// One entry of the change feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedRow {
    pub seq: i64,
    pub scope_key: String,
    pub entity: String,
    pub entity_id: String,
    pub op: String,
    pub hlc: String,
    pub payload: String,
    pub origin_device: String,
}

/// A dashboard (browser) session: only the SHA-256 of the cookie's random id is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebSessionRow {
    pub hash: String,
    pub user_id: String,
    /// The session's CSRF token, echoed by every form it posts.
    pub csrf: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Domain-level storage primitives, used inside one transaction. Implemented once, over
/// [`Sql`], in `queries.rs`; see there for each statement.
pub trait Tx: Sql {
    fn meta_get(&mut self, key: &str) -> SResult<Option<String>>;
    fn meta_set(&mut self, key: &str, value: &str) -> SResult<()>;

    fn user_by_name(&mut self, username: &str) -> SResult<Option<UserRow>>;
    fn user_by_id(&mut self, id: &str) -> SResult<Option<UserRow>>;
    fn users(&mut self) -> SResult<Vec<UserRow>>;
    /// Inserts or updates a user's name, role and activity; the password hash is kept unless
    /// `row.password_hash` is `Some`.
    fn upsert_user(&mut self, row: &UserRow) -> SResult<()>;
    fn user_areas(&mut self, user: &str) -> SResult<Vec<String>>;
    fn set_user_areas(&mut self, user: &str, areas: &[String]) -> SResult<()>;
    /// The scope keys derived from a user's role and areas (none for an admin: reads all).
    fn user_keys(&mut self, user: &str) -> SResult<Vec<ScopeKey>>;
    fn set_user_keys(&mut self, user: &str, keys: &[ScopeKey]) -> SResult<()>;

    /// `lock`: hold the row until commit (PostgreSQL), so two pushes of one device serialise.
    fn device(&mut self, id: &str, lock: bool) -> SResult<Option<DeviceRow>>;
    fn insert_device(&mut self, row: &DeviceRow) -> SResult<()>;
    fn devices(&mut self) -> SResult<Vec<DeviceRow>>;
    fn set_device_seen(&mut self, id: &str, at: i64) -> SResult<()>;
    fn set_stored_through(&mut self, id: &str, seq: i64) -> SResult<()>;
    fn revoke_device(&mut self, id: &str, at: i64) -> SResult<bool>;

    fn insert_token(&mut self, row: &TokenRow) -> SResult<()>;
    fn token(&mut self, hash: &str) -> SResult<Option<TokenRow>>;
    fn revoke_tokens(&mut self, which: TokenFilter<'_>, at: i64) -> SResult<u64>;

    fn insert_web_session(&mut self, row: &WebSessionRow) -> SResult<()>;
    fn web_session(&mut self, hash: &str) -> SResult<Option<WebSessionRow>>;
    /// Ends one session (logout) and drops every session expired at `now`.
    fn end_web_session(&mut self, hash: &str, now: i64) -> SResult<()>;
    /// A user's dashboard targets: (indicator code, target in tenths of a percent).
    fn dashboard_targets(&mut self, user: &str) -> SResult<Vec<(String, i64)>>;
    /// Sets (or, with `None`, clears) one target of a user.
    fn set_dashboard_target(
        &mut self,
        user: &str,
        indicator: &str,
        percent_tenths: Option<i64>,
    ) -> SResult<()>;

    /// Records a refused sync item and when the server refused it (milliseconds).
    fn insert_refusal(
        &mut self,
        device: &str,
        seq: i64,
        code: &str,
        reason: &str,
        at_ms: i64,
    ) -> SResult<()>;
    /// Refused sync items per device with `from <= refused_at < to` (milliseconds); items
    /// refused before refusal times were recorded are in no range.
    fn refusal_counts(&mut self, from: i64, to: i64) -> SResult<Vec<(String, i64)>>;
    /// Refusals of `device` with `from <= seq <= to`, by sequence.
    fn refusals(&mut self, device: &str, from: i64, to: i64)
    -> SResult<Vec<(i64, String, String)>>;

    fn record(&mut self, entity: &str, id: &str) -> SResult<Option<RecordRow>>;
    fn put_record(&mut self, row: &RecordRow) -> SResult<()>;
    fn set_record_scope(&mut self, entity: &str, id: &str, scope_key: &str) -> SResult<()>;
    fn children(&mut self, entity: &str, parent_id: &str) -> SResult<Vec<RecordRow>>;
    fn records(&mut self, entity: &str) -> SResult<Vec<RecordRow>>;
    /// Records of one entity with id after `after_id`, readable in `scope`, in id order.
    fn record_page(
        &mut self,
        entity: &str,
        after_id: &str,
        scope: &ReadScope,
        limit: i64,
    ) -> SResult<Vec<RecordRow>>;

    fn event_exists(&mut self, id: &str) -> SResult<bool>;
    fn insert_event(&mut self, row: &EventRow) -> SResult<()>;
    fn events_of_person(&mut self, person: &str) -> SResult<Vec<EventRow>>;
    fn set_events_scope(&mut self, person: &str, scope_key: &str) -> SResult<()>;
    fn event_page(
        &mut self,
        after_id: &str,
        scope: &ReadScope,
        limit: i64,
    ) -> SResult<Vec<EventRow>>;

    /// The highest feed sequence; `lock` holds the counter until commit, so feed sequences are
    /// handed out in commit order.
    fn feed_head(&mut self, lock: bool) -> SResult<i64>;
    fn set_feed_head(&mut self, seq: i64) -> SResult<()>;
    fn insert_feed(&mut self, row: &FeedRow) -> SResult<()>;
    /// Entries with `after < seq <= through` readable in `scope`, not from `exclude_device`.
    fn feed_page(
        &mut self,
        after: i64,
        through: i64,
        scope: &ReadScope,
        exclude_device: &str,
        limit: i64,
    ) -> SResult<Vec<FeedRow>>;
}

/// A database: runs a closure in one transaction, committing if it returns `Ok`.
pub trait Db: Send + Sync {
    /// `"sqlite"` or `"postgres"`, for `/health` and the logs.
    fn backend(&self) -> &'static str;
    fn transaction(&self, write: bool, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;
}

impl dyn Db + '_ {
    /// A write transaction (one writer at a time on SQLite).
    pub fn write<R>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<R>) -> Result<R> {
        self.run(true, f)
    }

    /// A read-only transaction: one consistent view.
    pub fn read<R>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<R>) -> Result<R> {
        self.run(false, f)
    }

    fn run<R>(&self, write: bool, f: impl FnOnce(&mut dyn Tx) -> Result<R>) -> Result<R> {
        let mut f = Some(f);
        let mut out = None;
        self.transaction(write, &mut |tx| {
            let f = f.take().expect("a transaction runs its closure once");
            out = Some(f(tx)?);
            Ok(())
        })?;
        Ok(out.expect("the closure ran"))
    }
}

/// Opens the configured database (PostgreSQL for a `postgres://` URL, else SQLite in the data
/// directory), migrating its schema.
pub fn open(config: &crate::config::Config) -> Result<std::sync::Arc<dyn Db>> {
    Ok(match config.postgres_url() {
        Some(url) => std::sync::Arc::new(postgres::PgDb::open(url, config.pool_size)?),
        None => {
            std::fs::create_dir_all(&config.data_dir)?;
            std::sync::Arc::new(sqlite::SqliteDb::open(&config.sqlite_path())?)
        }
    })
}
