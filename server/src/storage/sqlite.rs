//! The SQLite backend: one file in the data directory, WAL, one writer connection (IMMEDIATE
//! transactions, so writers queue instead of failing) and a few readers; schema versions by
//! `user_version`, each migration in one transaction, a newer file refused.

use super::{Db, Dialect, SResult, Sql, Tx, Val};
use crate::error::{Error, Result, StorageError};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Schema versions this server knows, oldest first; `MIGRATIONS[i]` takes version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE users (
  id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
  role TEXT NOT NULL, active INTEGER NOT NULL, password_hash TEXT);
CREATE TABLE user_area (user_id TEXT NOT NULL, area_id TEXT NOT NULL, PRIMARY KEY (user_id, area_id));
CREATE TABLE user_key (
  user_id TEXT NOT NULL, scope_key TEXT NOT NULL, readable INTEGER NOT NULL, writable INTEGER NOT NULL,
  PRIMARY KEY (user_id, scope_key));
CREATE TABLE device (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT, registered_at INTEGER NOT NULL,
  revoked_at INTEGER, last_seen_at INTEGER, stored_through INTEGER NOT NULL DEFAULT 0);
CREATE TABLE token (
  hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, device_id TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER);
CREATE INDEX token_device ON token (device_id);
CREATE INDEX token_user ON token (user_id);
CREATE TABLE refusal (
  device_id TEXT NOT NULL, seq INTEGER NOT NULL, code TEXT NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY (device_id, seq)) WITHOUT ROWID;
CREATE TABLE record (
  entity TEXT NOT NULL, id TEXT NOT NULL, scope_key TEXT NOT NULL, parent_id TEXT,
  fields TEXT NOT NULL, clocks TEXT NOT NULL, PRIMARY KEY (entity, id));
CREATE INDEX record_parent ON record (entity, parent_id);
CREATE INDEX record_scope ON record (entity, scope_key, id);
CREATE TABLE event (
  id TEXT PRIMARY KEY, person_id TEXT NOT NULL, scope_key TEXT NOT NULL, hlc TEXT NOT NULL,
  payload TEXT NOT NULL);
CREATE INDEX event_person ON event (person_id);
CREATE INDEX event_scope ON event (scope_key, id);
CREATE TABLE feed (
  seq INTEGER PRIMARY KEY, scope_key TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL,
  op TEXT NOT NULL, hlc TEXT NOT NULL, payload TEXT NOT NULL, origin_device TEXT NOT NULL);
CREATE TABLE feed_counter (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
INSERT INTO feed_counter (id, seq) VALUES (1, 0);
"#,
    r#"
CREATE TABLE web_session (
  hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX web_session_user ON web_session (user_id);
CREATE TABLE dashboard_target (
  user_id TEXT NOT NULL, indicator TEXT NOT NULL, percent_tenths INTEGER NOT NULL,
  PRIMARY KEY (user_id, indicator));
"#,
    // When each sync item was refused, for the dashboard's refusals of a month; rows refused
    // before this version have none.
    r#"
ALTER TABLE refusal ADD COLUMN refused_at INTEGER;
CREATE INDEX refusal_at ON refusal (refused_at);
"#,
];

/// Readers kept open for pulls and snapshots.
const MAX_IDLE_READERS: usize = 4;

pub struct SqliteDb {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

fn connection(path: &Path, read_only: bool) -> SResult<Connection> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    if !read_only {
        conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    // NORMAL in WAL mode is durable at every checkpoint but may lose the last commits on power
    // loss; a push answer promises durability, so FULL.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> SResult<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let supported = MIGRATIONS.len() as i64;
    if version > supported {
        return Err(StorageError::TooNew {
            found: version,
            supported,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

impl SqliteDb {
    pub fn open(path: &Path) -> Result<Self> {
        let mut writer = connection(path, false)?;
        migrate(&mut writer)?;
        Ok(Self {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    /// Whether a database file exists at `path` (the demo seeds only an empty directory).
    pub fn exists(path: &Path) -> bool {
        path.exists()
    }
}

/// An open transaction on one connection.
struct SqliteTx<'a> {
    conn: &'a Connection,
}

fn bind(v: &Val) -> ToSqlOutput<'_> {
    match v {
        Val::Null => ToSqlOutput::Owned(Value::Null),
        Val::Int(i) => ToSqlOutput::Owned(Value::Integer(*i)),
        Val::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        Val::Bool(b) => ToSqlOutput::Owned(Value::Integer(*b as i64)),
    }
}

struct Param<'a>(&'a Val);
impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(bind(self.0))
    }
}

/// `$1` placeholders as SQLite's `?1`.
fn sqlite_sql(sql: &str) -> String {
    sql.replace('$', "?")
}

impl Sql for SqliteTx<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&mut self, sql: &'static str, params: &[Val]) -> SResult<u64> {
        let mut stmt = self.conn.prepare_cached(&sqlite_sql(sql))?;
        let n = stmt.execute(rusqlite::params_from_iter(params.iter().map(Param)))?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &'static str, params: &[Val]) -> SResult<Vec<Vec<Val>>> {
        let mut stmt = self.conn.prepare_cached(&sqlite_sql(sql))?;
        let cols = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter().map(Param)))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut row = Vec::with_capacity(cols);
            for i in 0..cols {
                row.push(match r.get_ref(i)? {
                    ValueRef::Null => Val::Null,
                    ValueRef::Integer(n) => Val::Int(n),
                    ValueRef::Real(f) => Val::Int(f as i64),
                    ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(_) => {
                        return Err(StorageError::Corrupt("unexpected blob".into()));
                    }
                });
            }
            out.push(row);
        }
        Ok(out)
    }
}

fn run_in(
    conn: &Connection,
    begin: &str,
    f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
) -> Result<()> {
    conn.execute_batch(begin).map_err(StorageError::from)?;
    let mut tx = SqliteTx { conn };
    match f(&mut tx) {
        Ok(()) => {
            if let Err(e) = conn.execute_batch("COMMIT") {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(Error::Storage(e.into()));
            }
            Ok(())
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

impl Db for SqliteDb {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn transaction(&self, write: bool, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        if write {
            let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
            return run_in(&conn, "BEGIN IMMEDIATE", f);
        }
        let reader = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match reader {
            Some(c) => c,
            None => connection(&self.path, true)?,
        };
        let out = run_in(&conn, "BEGIN", f);
        let mut idle = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        out
    }
}
