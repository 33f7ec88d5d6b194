//! The PostgreSQL backend: the synchronous `postgres` client over a small pool, each connection
//! with its own cache of prepared statements. Writes run at READ COMMITTED and serialise on the
//! feed counter row (locked first by every ingest), so feed sequences commit in order; reads run
//! in REPEATABLE READ, READ ONLY, for one consistent view of the feed head and its page.
//! Schema versions live in `schema_version`, each migration in one transaction.

use super::{Db, Dialect, SResult, Sql, Tx, Val};
use crate::error::{Error, Result, StorageError};
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, IsolationLevel, NoTls, Statement};
use std::collections::HashMap;
use std::sync::{Condvar, Mutex};

const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE users (
  id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
  role TEXT NOT NULL, active BOOLEAN NOT NULL, password_hash TEXT);
CREATE TABLE user_area (user_id TEXT NOT NULL, area_id TEXT NOT NULL, PRIMARY KEY (user_id, area_id));
CREATE TABLE user_key (
  user_id TEXT NOT NULL, scope_key TEXT NOT NULL, readable BOOLEAN NOT NULL, writable BOOLEAN NOT NULL,
  PRIMARY KEY (user_id, scope_key));
CREATE TABLE device (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT, registered_at BIGINT NOT NULL,
  revoked_at BIGINT, last_seen_at BIGINT, stored_through BIGINT NOT NULL DEFAULT 0);
CREATE TABLE token (
  hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, device_id TEXT NOT NULL,
  created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, revoked_at BIGINT);
CREATE INDEX token_device ON token (device_id);
CREATE INDEX token_user ON token (user_id);
CREATE TABLE refusal (
  device_id TEXT NOT NULL, seq BIGINT NOT NULL, code TEXT NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY (device_id, seq));
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
  seq BIGINT PRIMARY KEY, scope_key TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL,
  op TEXT NOT NULL, hlc TEXT NOT NULL, payload TEXT NOT NULL, origin_device TEXT NOT NULL);
CREATE TABLE feed_counter (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL);
INSERT INTO feed_counter (id, seq) VALUES (1, 0);
"#,
    r#"
CREATE TABLE web_session (
  hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, csrf TEXT NOT NULL,
  created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);
CREATE INDEX web_session_user ON web_session (user_id);
CREATE TABLE dashboard_target (
  user_id TEXT NOT NULL, indicator TEXT NOT NULL, percent_tenths BIGINT NOT NULL,
  PRIMARY KEY (user_id, indicator));
"#,
    // When each sync item was refused, for the dashboard's refusals of a month; rows refused
    // before this version have none.
    r#"
ALTER TABLE refusal ADD COLUMN refused_at BIGINT;
CREATE INDEX refusal_at ON refusal (refused_at);
"#,
];

struct PgConn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

/// The pool: at most `size` connections open at once; a transaction that finds none idle and the
/// pool full waits for one (on tokio's blocking pool), rather than opening more than PostgreSQL's
/// `max_connections` allows when a thousand phones sync at once.
pub struct PgDb {
    url: String,
    pool: Mutex<Pool>,
    returned: Condvar,
    size: usize,
}

struct Pool {
    idle: Vec<PgConn>,
    /// Connections open now, idle or in use.
    open: usize,
}

fn connect(url: &str) -> SResult<PgConn> {
    Ok(PgConn {
        client: Client::connect(url, NoTls)?,
        statements: HashMap::new(),
    })
}

fn migrate(conn: &mut Client) -> SResult<()> {
    let mut tx = conn.transaction()?;
    // Two servers starting at once on an empty database take turns.
    tx.execute("SELECT pg_advisory_xact_lock(7214001)", &[])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")?;
    let version: i64 = tx
        .query_opt("SELECT version FROM schema_version", &[])?
        .map(|r| r.get(0))
        .unwrap_or(0);
    tx.commit()?;
    let supported = MIGRATIONS.len() as i64;
    if version > supported {
        return Err(StorageError::TooNew {
            found: version,
            supported,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let mut tx = conn.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock(7214001)", &[])?;
        let now: i64 = tx
            .query_opt("SELECT version FROM schema_version", &[])?
            .map(|r| r.get(0))
            .unwrap_or(0);
        if now != i as i64 {
            continue;
        }
        tx.batch_execute(sql)?;
        tx.execute("DELETE FROM schema_version", &[])?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&((i + 1) as i64)],
        )?;
        tx.commit()?;
    }
    Ok(())
}

impl PgDb {
    pub fn open(url: &str, pool_size: usize) -> Result<Self> {
        let mut first = connect(url)?;
        migrate(&mut first.client)?;
        Ok(Self {
            url: url.to_string(),
            pool: Mutex::new(Pool {
                idle: vec![first],
                open: 1,
            }),
            returned: Condvar::new(),
            size: pool_size.max(1),
        })
    }

    /// An idle connection, a new one while the pool has room, or the next one returned.
    fn checkout(&self) -> Result<PgConn> {
        let mut pool = self.pool.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            while let Some(c) = pool.idle.pop() {
                if !c.client.is_closed() {
                    return Ok(c);
                }
                pool.open -= 1;
            }
            if pool.open < self.size {
                pool.open += 1;
                drop(pool);
                return connect(&self.url).map_err(|e| {
                    self.release(None);
                    Error::Storage(e)
                });
            }
            pool = self.returned.wait(pool).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Gives a connection back (or, for a closed or failed one, its place in the pool).
    fn release(&self, conn: Option<PgConn>) {
        let mut pool = self.pool.lock().unwrap_or_else(|p| p.into_inner());
        match conn {
            Some(c) if !c.client.is_closed() => pool.idle.push(c),
            _ => pool.open -= 1,
        }
        drop(pool);
        self.returned.notify_one();
    }
}

impl Drop for PgDb {
    /// Closing a connection blocks on the client's own runtime, which panics on an async thread
    /// (where the last handle to the server state may well be dropped): close them on a thread
    /// of their own.
    fn drop(&mut self) {
        let pool = self.pool.get_mut().unwrap_or_else(|p| p.into_inner());
        let idle = std::mem::take(&mut pool.idle);
        if !idle.is_empty() {
            let _ = std::thread::Builder::new()
                .name("pg-close".into())
                .spawn(move || drop(idle));
        }
    }
}

impl ToSql for Val {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Val::Null => Ok(IsNull::Yes),
            Val::Int(i) if *ty == Type::INT4 => (*i as i32).to_sql(ty, out),
            Val::Int(i) => i.to_sql(ty, out),
            Val::Text(s) => s.as_str().to_sql(ty, out),
            Val::Bool(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

struct PgTx<'a, 'c> {
    tx: &'a mut postgres::Transaction<'c>,
    statements: &'a mut HashMap<&'static str, Statement>,
}

impl PgTx<'_, '_> {
    fn statement(&mut self, sql: &'static str) -> SResult<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }
}

fn params(p: &[Val]) -> Vec<&(dyn ToSql + Sync)> {
    p.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

impl Sql for PgTx<'_, '_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &'static str, p: &[Val]) -> SResult<u64> {
        let stmt = self.statement(sql)?;
        Ok(self.tx.execute(&stmt, &params(p))?)
    }

    fn query(&mut self, sql: &'static str, p: &[Val]) -> SResult<Vec<Vec<Val>>> {
        let stmt = self.statement(sql)?;
        let rows = self.tx.query(&stmt, &params(p))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let mut row = Vec::with_capacity(r.len());
            for (i, col) in r.columns().iter().enumerate() {
                let ty = col.type_();
                row.push(if *ty == Type::INT8 {
                    r.try_get::<_, Option<i64>>(i)?.map_or(Val::Null, Val::Int)
                } else if *ty == Type::INT4 {
                    r.try_get::<_, Option<i32>>(i)?
                        .map_or(Val::Null, |v| Val::Int(v as i64))
                } else if *ty == Type::BOOL {
                    r.try_get::<_, Option<bool>>(i)?
                        .map_or(Val::Null, Val::Bool)
                } else {
                    r.try_get::<_, Option<String>>(i)?
                        .map_or(Val::Null, Val::Text)
                });
            }
            out.push(row);
        }
        Ok(out)
    }
}

impl Db for PgDb {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn transaction(&self, write: bool, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let mut conn = self.checkout()?;
        let out = (|| {
            let PgConn { client, statements } = &mut conn;
            let mut tx = if write {
                client.transaction().map_err(StorageError::from)?
            } else {
                client
                    .build_transaction()
                    .isolation_level(IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start()
                    .map_err(StorageError::from)?
            };
            let result = f(&mut PgTx {
                tx: &mut tx,
                statements,
            });
            match result {
                Ok(()) => tx.commit().map_err(|e| Error::Storage(e.into())),
                Err(e) => {
                    let _ = tx.rollback();
                    Err(e)
                }
            }
        })();
        self.release(Some(conn));
        out
    }
}
