//! The outbox: every local write appends an entry in the same transaction, with the device's next
//! sequence number and an HLC stamp. Sync (a later layer) pushes pending entries in sequence order
//! and marks them acknowledged up to the server's durable high-water mark, or refused with a reason.

use crate::error::Result;
use ilp_model::{Hlc, Timestamp};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

/// What an entry carries: a mutable record's changed fields, or an appended event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxOp {
    /// Fields of a mutable record (area, household, person, pregnancy, user) were set.
    Upsert,
    /// An append-only event was added.
    Append,
}

impl OutboxOp {
    fn code(&self) -> &'static str {
        match self {
            OutboxOp::Upsert => "upsert",
            OutboxOp::Append => "append",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    Pending,
    Acked,
    Refused,
}

/// One stored outbox entry.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxEntry {
    pub seq: i64,
    pub entity: String,
    pub entity_id: String,
    pub op: OutboxOp,
    pub hlc: Hlc,
    pub payload: serde_json::Value,
    pub created_at: Timestamp,
    pub state: OutboxState,
    pub refusal: Option<String>,
}

/// Counts for the sync status screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboxStats {
    pub pending: i64,
    pub refused: i64,
    pub acked: i64,
    pub highest_seq: i64,
}

/// Appends an entry inside the caller's transaction; returns its sequence number.
pub(crate) fn append(
    tx: &Transaction<'_>,
    entity: &str,
    entity_id: &str,
    op: OutboxOp,
    hlc: &Hlc,
    payload: &serde_json::Value,
    now: Timestamp,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO outbox (entity, entity_id, op, hlc, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![entity, entity_id, op.code(), hlc.to_string(), payload.to_string(), now.millis()])?;
    Ok(tx.last_insert_rowid())
}

fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxEntry> {
    let conversion = |i: usize, e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e)
    };
    let op: String = r.get(3)?;
    let hlc: String = r.get(4)?;
    let payload: String = r.get(5)?;
    let state: String = r.get(7)?;
    Ok(OutboxEntry {
        seq: r.get(0)?,
        entity: r.get(1)?,
        entity_id: r.get(2)?,
        op: if op == "append" {
            OutboxOp::Append
        } else {
            OutboxOp::Upsert
        },
        hlc: hlc.parse().map_err(|e| conversion(4, Box::new(e)))?,
        payload: serde_json::from_str(&payload).map_err(|e| conversion(5, Box::new(e)))?,
        created_at: Timestamp::from_millis(r.get(6)?),
        state: match state.as_str() {
            "acked" => OutboxState::Acked,
            "refused" => OutboxState::Refused,
            _ => OutboxState::Pending,
        },
        refusal: r.get(8)?,
    })
}

/// Pending entries after `after_seq`, in sequence order, at most `limit`.
pub fn pending(conn: &Connection, after_seq: i64, limit: usize) -> Result<Vec<OutboxEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, entity, entity_id, op, hlc, payload, created_at, state, refusal FROM outbox
         WHERE state = 'pending' AND seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![after_seq, limit as i64], entry_from_row)?;
    let mut entries: Vec<OutboxEntry> = rows.collect::<rusqlite::Result<_>>()?;
    // Appended events are stored once, in the event table; the entry carries them on the way out.
    for e in entries
        .iter_mut()
        .filter(|e| e.op == OutboxOp::Append && e.payload.is_null())
    {
        let id = e
            .entity_id
            .parse()
            .map_err(|_| crate::StoreError::Malformed("outbox event id".into()))?;
        e.payload = serde_json::to_value(crate::events::load_event(conn, id)?)?;
    }
    Ok(entries)
}

/// Marks every pending entry up to and including `seq` acknowledged (the server stored them).
pub fn mark_acked_through(tx: &Transaction<'_>, seq: i64) -> Result<usize> {
    Ok(tx.execute(
        "UPDATE outbox SET state = 'acked' WHERE state = 'pending' AND seq <= ?1",
        [seq],
    )?)
}

/// Marks one entry refused by the server, with its reason; it no longer blocks the rest.
pub fn mark_refused(tx: &Transaction<'_>, seq: i64, reason: &str) -> Result<bool> {
    Ok(tx.execute(
        "UPDATE outbox SET state = 'refused', refusal = ?2 WHERE seq = ?1 AND state = 'pending'",
        params![seq, reason],
    )? == 1)
}

pub fn stats(conn: &Connection) -> Result<OutboxStats> {
    let mut s = OutboxStats::default();
    let mut stmt = conn.prepare_cached("SELECT state, count(*) FROM outbox GROUP BY state")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (state, n) = row?;
        match state.as_str() {
            "pending" => s.pending = n,
            "refused" => s.refused = n,
            "acked" => s.acked = n,
            _ => {}
        }
    }
    s.highest_seq = conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    Ok(s)
}
