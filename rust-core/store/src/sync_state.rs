//! The device's sync state: the pull cursor and snapshot resume point (written only together with
//! the page they follow, see `replica`), the session, the PIN verifier, the last success and
//! error, all in `meta`; and the outbox side of a push: acknowledging what the server stored,
//! marking what it refused with its code and reason, and pruning acknowledged entries.

use crate::Store;
use crate::error::{Result, StoreError};
use ilp_model::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

pub(crate) const META_CURSOR: &str = "sync.cursor";
pub(crate) const META_SNAPSHOT: &str = "sync.snapshot";

/// The `meta` entries the sync client reads and writes itself. The cursor and the snapshot
/// position are not among them: they change only with the page they belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyncKey {
    /// JSON text of the session: token, user, server URL.
    Session,
    /// The Argon2id verifier (PHC string) of the user's PIN, for offline log-in.
    PinVerifier,
    /// Milliseconds since 1970 of the last sync that finished.
    LastSuccess,
    /// Why the last sync failed (no health data), cleared by the next success.
    LastError,
}

impl SyncKey {
    pub fn meta_key(self) -> &'static str {
        match self {
            SyncKey::Session => "sync.session",
            SyncKey::PinVerifier => "auth.pin",
            SyncKey::LastSuccess => "sync.last_success",
            SyncKey::LastError => "sync.last_error",
        }
    }
}

/// Where a snapshot stands after a page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SnapshotProgress {
    /// More pages follow: the next request resumes after `after_key` of the snapshot `cursor`.
    Resume { cursor: String, after_key: String },
    /// That was the last page: `cursor` becomes the pull cursor.
    Done { cursor: String },
}

/// A snapshot in progress, as stored in `meta`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct SnapshotResume {
    pub cursor: String,
    pub after_key: String,
}

/// Everything the sync client and the sync screen need to know, read at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncState {
    /// The last pull cursor committed with its page; `None` before the first pull.
    pub cursor: Option<String>,
    /// A snapshot that was interrupted and resumes here: (snapshot cursor, last key applied).
    pub snapshot: Option<(String, String)>,
    pub last_success_ms: Option<i64>,
    pub last_error: Option<String>,
    /// Outbox entries not yet acknowledged by the server.
    pub pending: i64,
    /// Outbox entries the server refused (see [`Store::refused_entries`]).
    pub refused: i64,
}

/// One refusal in a push answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushRefusal {
    pub seq: i64,
    pub code: String,
    pub reason: String,
}

/// A refused outbox entry as the sync screen lists it: what and why, never the data itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedEntry {
    pub seq: i64,
    pub entity: String,
    pub entity_id: String,
    pub code: String,
    pub reason: String,
    pub created_at: Timestamp,
}

pub(crate) fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub(crate) fn put(conn: &Connection, key: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) => conn
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![key, v])?,
        None => conn
            .prepare_cached("DELETE FROM meta WHERE key = ?1")?
            .execute([key])?,
    };
    Ok(())
}

pub(crate) fn put_snapshot_progress(conn: &Connection, progress: &SnapshotProgress) -> Result<()> {
    match progress {
        SnapshotProgress::Resume { cursor, after_key } => {
            let resume = SnapshotResume {
                cursor: cursor.clone(),
                after_key: after_key.clone(),
            };
            put(conn, META_SNAPSHOT, Some(&serde_json::to_string(&resume)?))
        }
        SnapshotProgress::Done { cursor } => {
            put(conn, META_SNAPSHOT, None)?;
            put(conn, META_CURSOR, Some(cursor))
        }
    }
}

pub(crate) fn read_state(conn: &Connection) -> Result<SyncState> {
    let snapshot = get(conn, META_SNAPSHOT)?
        .map(|s| {
            serde_json::from_str::<SnapshotResume>(&s)
                .map(|r| (r.cursor, r.after_key))
                .map_err(|_| StoreError::Malformed(format!("meta {META_SNAPSHOT}")))
        })
        .transpose()?;
    let last_success_ms = get(conn, SyncKey::LastSuccess.meta_key())?
        .map(|s| {
            s.parse().map_err(|_| {
                StoreError::Malformed(format!("meta {}", SyncKey::LastSuccess.meta_key()))
            })
        })
        .transpose()?;
    let stats = crate::outbox::stats(conn)?;
    Ok(SyncState {
        cursor: get(conn, META_CURSOR)?,
        snapshot,
        last_success_ms,
        last_error: get(conn, SyncKey::LastError.meta_key())?,
        pending: stats.pending,
        refused: stats.refused,
    })
}

impl Store {
    /// The sync state in one read.
    pub fn sync_state(&self) -> Result<SyncState> {
        self.read(read_state)
    }

    /// One of the client's own `meta` entries.
    pub fn sync_meta(&self, key: SyncKey) -> Result<Option<String>> {
        self.read(|c| get(c, key.meta_key()))
    }

    /// Sets (or with `None` removes) one of the client's `meta` entries, in its own transaction.
    pub fn set_sync_meta(&self, key: SyncKey, value: Option<&str>) -> Result<()> {
        if key == SyncKey::LastSuccess
            && let Some(v) = value
            && v.parse::<i64>().is_err()
        {
            return Err(ilp_model::ValidationError::new(
                "last_success",
                "must be milliseconds since 1970",
            )
            .into());
        }
        self.write_plain(|c| put(c, key.meta_key(), value))
    }

    /// Records a push answer in one transaction: the refused entries are marked refused with the
    /// server's code and reason (they stay on the sync screen and never block later pushes), and
    /// every other pending entry up to `stored_through` acknowledged.
    pub fn record_push_result(&self, stored_through: i64, refused: &[PushRefusal]) -> Result<()> {
        self.write_plain(|c| {
            let mut mark = c.prepare_cached(
                "UPDATE outbox SET state = 'refused', refusal_code = ?2, refusal = ?3
                 WHERE seq = ?1 AND state != 'acked'",
            )?;
            for r in refused {
                mark.execute(params![r.seq, r.code, r.reason])?;
            }
            c.prepare_cached(
                "UPDATE outbox SET state = 'acked' WHERE state = 'pending' AND seq <= ?1",
            )?
            .execute([stored_through])?;
            Ok(())
        })
    }

    /// Forgets the pull cursor and any snapshot in progress, so the next sync starts the area
    /// again from a snapshot: when the user's scope grew, the records of the new areas were never
    /// in this device's feed. Re-applying what the device already has changes nothing (merges are
    /// idempotent); the outbox is untouched.
    pub fn restart_feed(&self) -> Result<()> {
        self.write_plain(|c| {
            put(c, META_CURSOR, None)?;
            put(c, META_SNAPSHOT, None)
        })
    }

    /// Deletes acknowledged outbox entries (after the pull that follows a push has committed);
    /// sequence numbers are never reused. Returns how many.
    pub fn prune_acked(&self) -> Result<usize> {
        self.write_plain(|c| Ok(c.execute("DELETE FROM outbox WHERE state = 'acked'", [])?))
    }

    /// The entries the server refused, oldest first.
    pub fn refused_entries(&self) -> Result<Vec<RefusedEntry>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, entity, entity_id, coalesce(refusal_code, ''), coalesce(refusal, ''), created_at
                 FROM outbox WHERE state = 'refused' ORDER BY seq",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(RefusedEntry {
                    seq: r.get(0)?,
                    entity: r.get(1)?,
                    entity_id: r.get(2)?,
                    code: r.get(3)?,
                    reason: r.get(4)?,
                    created_at: Timestamp::from_millis(r.get(5)?),
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}
