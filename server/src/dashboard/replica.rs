//! The dashboard's figures come from `ilp_store`, the device store, never from SQL of the server's
//! own: the server keeps a replica store (`dashboard.db` in the data directory) that follows the
//! server's change feed with an admin's scope (`*`, everything), applied page by page through
//! `Store::apply_pull_page`, the very path a phone's sync takes. Coverage, drill-down lists and
//! subjects are then read with the store's own calls (`Store::coverage_of_rts`,
//! `ilp_store::subjects::describe`), so the dashboard, the app's supervisor screen and `ilp
//! coverage` share one implementation.
//!
//! The replica is caught up before each dashboard read, behind a mutex: when the feed head equals
//! the replica's cursor that is one read of the feed counter. It is a derived cache: a file that
//! does not fit this server (another server's cursor, another replica device) is deleted and
//! rebuilt from the feed, which loses nothing since nothing is ever written to it but the feed.
//!
//! The file is plain SQLite (no SQLCipher key): it holds a copy of what the server database next to
//! it already holds in the clear (SQLite file or PostgreSQL), on the same disk and under the same
//! permissions; a key stored beside it would protect nothing the server database does not expose.

use crate::error::{Error, Result};
use crate::feed;
use crate::scope::Principal;
use crate::storage::Db;
use ilp_model::{DeviceId, Timestamp};
use ilp_store::outbox::OutboxOp;
use ilp_store::{OsEntropy, RemoteChange, Store, StoreConfig, StoreError};
use ilp_sync::protocol::{FeedChange, MAX_PULL_CHANGES, Op};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The server-`meta` key holding the replica's device id (a store refuses a file made for another).
const META_REPLICA_DEVICE: &str = "dashboard.replica_device";
/// The file name in the data directory.
pub const FILE_NAME: &str = "dashboard.db";

/// The server-side replica store and how to keep it current.
pub struct Replica {
    db: Arc<dyn Db>,
    path: PathBuf,
    store: Mutex<Option<Arc<Store>>>,
}

fn store_err(e: StoreError) -> Error {
    Error::Usage(format!("dashboard replica: {e}"))
}

fn to_remote(c: FeedChange) -> Result<RemoteChange> {
    let hlc = c
        .hlc
        .parse()
        .map_err(|e| Error::Usage(format!("dashboard replica: feed stamp: {e}")))?;
    Ok(RemoteChange {
        entity: c.entity,
        entity_id: c.entity_id,
        op: match c.op {
            Op::Upsert => OutboxOp::Upsert,
            Op::Append => OutboxOp::Append,
        },
        hlc,
        payload: c.payload,
    })
}

/// The feed sequence of a cursor this server gave (`f1.<seq>`).
fn cursor_seq(cursor: Option<&str>) -> i64 {
    cursor
        .and_then(|c| c.strip_prefix("f1."))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

impl Replica {
    pub fn new(db: Arc<dyn Db>, data_dir: PathBuf) -> Self {
        Self {
            db,
            path: data_dir.join(FILE_NAME),
            store: Mutex::new(None),
        }
    }

    fn device(&self) -> Result<DeviceId> {
        let text = self.db.write(|tx| {
            if let Some(d) = tx.meta_get(META_REPLICA_DEVICE)? {
                return Ok(d);
            }
            let d = uuid::Uuid::new_v4().to_string();
            tx.meta_set(META_REPLICA_DEVICE, &d)?;
            Ok(d)
        })?;
        text.parse()
            .map_err(|_| Error::Usage("dashboard replica: stored device id is malformed".into()))
    }

    fn open(&self, now: Timestamp) -> Result<Store> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let config = StoreConfig {
            path: self.path.clone(),
            key: None,
            device: self.device()?,
            utc_offset: ilp_model::timestamp::wita(),
        };
        match Store::open(config.clone(), Box::new(OsEntropy), now) {
            Ok((s, _)) => Ok(s),
            Err(StoreError::DeviceMismatch { .. }) => {
                tracing::warn!("dashboard replica made for another server; rebuilding it");
                self.remove_files()?;
                Ok(Store::open(config, Box::new(OsEntropy), now)
                    .map_err(store_err)?
                    .0)
            }
            Err(e) => Err(store_err(e)),
        }
    }

    fn remove_files(&self) -> Result<()> {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = self.path.clone().into_os_string();
            p.push(suffix);
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// The replica store, caught up with the feed as of now. Blocking: call it on the blocking
    /// pool.
    pub fn current(&self, now_ms: i64) -> Result<Arc<Store>> {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let now = Timestamp::from_millis(now_ms);
        let store = match guard.as_ref() {
            Some(s) => s.clone(),
            None => {
                let s = Arc::new(self.open(now)?);
                *guard = Some(s.clone());
                s
            }
        };
        match self.catch_up(&store, now) {
            Ok(()) => Ok(store),
            Err(e) => {
                // A cursor ahead of this server's feed: the database was replaced under the
                // replica. Rebuild once from the start.
                let ahead = matches!(&e, Error::Api(a) if a.code == "malformed");
                if !ahead {
                    return Err(e);
                }
                tracing::warn!("dashboard replica is ahead of the feed; rebuilding it");
                *guard = None;
                store.close().map_err(store_err)?;
                drop(store);
                self.remove_files()?;
                let fresh = Arc::new(self.open(now)?);
                self.catch_up(&fresh, now)?;
                *guard = Some(fresh.clone());
                Ok(fresh)
            }
        }
    }

    /// Applies every feed page after the replica's cursor.
    fn catch_up(&self, store: &Store, now: Timestamp) -> Result<()> {
        let device = store.device().to_string();
        let today = now.date_at(store.utc_offset());
        let mut cursor = store.sync_state().map_err(store_err)?.cursor;
        let head = self.db.read(|tx| Ok(tx.feed_head(false)?))?;
        if cursor.is_some() && cursor_seq(cursor.as_deref()) == head {
            return Ok(());
        }
        // The admin's read scope: every key, as an admin's phone would pull.
        let principal = Principal::admin("dashboard");
        loop {
            let page = self.db.read(|tx| {
                feed::pull(
                    tx,
                    &principal,
                    &device,
                    cursor.as_deref(),
                    MAX_PULL_CHANGES,
                    None,
                )
            })?;
            let changes = page
                .changes
                .into_iter()
                .map(to_remote)
                .collect::<Result<Vec<_>>>()?;
            store
                .apply_pull_page(now, today, &changes, &page.next_cursor)
                .map_err(store_err)?;
            cursor = Some(page.next_cursor);
            if !page.more {
                return Ok(());
            }
        }
    }
}
