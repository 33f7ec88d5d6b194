//! Reading the feed: pull pages after a cursor and snapshot pages of the current state, both
//! limited to what the user may read. Cursors are `f1.<feed seq>`; a pull cursor advances past
//! entries the user does not see, so an idle area costs one empty page.

use crate::error::{ApiError, Result};
use crate::ingest::full_state;
use crate::scope::Principal;
use crate::storage::{EventRow, FeedRow, RecordRow, Tx};
use ilp_sync::protocol::{
    FeedChange, MAX_PULL_CHANGES, MAX_SNAPSHOT_RECORDS, Op, PROTOCOL_VERSION, PullPage,
    SnapshotPage, SnapshotRequest, entity,
};

pub fn cursor_text(seq: i64) -> String {
    format!("f1.{seq}")
}

/// The feed sequence of a cursor; `None` is the start.
pub fn parse_cursor(cursor: Option<&str>, head: i64) -> std::result::Result<i64, ApiError> {
    let Some(c) = cursor else { return Ok(0) };
    let seq = c
        .strip_prefix("f1.")
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .ok_or_else(|| ApiError::malformed("cursor is not one this server gave"))?;
    if seq > head {
        return Err(ApiError::malformed(
            "cursor is ahead of this server's feed (was the server replaced?)",
        ));
    }
    Ok(seq)
}

fn payload(text: &str) -> Result<serde_json::Value> {
    Ok(serde_json::from_str(text).map_err(crate::error::StorageError::from)?)
}

fn feed_change(row: FeedRow) -> Result<FeedChange> {
    Ok(FeedChange {
        payload: payload(&row.payload)?,
        entity: row.entity,
        entity_id: row.entity_id,
        op: if row.op == "append" {
            Op::Append
        } else {
            Op::Upsert
        },
        hlc: row.hlc,
    })
}

/// The next pull page for `device` of `principal` after `cursor`.
pub fn pull(
    tx: &mut dyn Tx,
    principal: &Principal,
    device: &str,
    cursor: Option<&str>,
    max_changes: u32,
    areas_digest: Option<&str>,
) -> Result<PullPage> {
    let head = tx.feed_head(false)?;
    let after = parse_cursor(cursor, head)?;
    let limit = max_changes.clamp(1, MAX_PULL_CHANGES) as usize;
    let mut rows = tx.feed_page(
        after,
        head,
        &principal.read_scope(),
        device,
        limit as i64 + 1,
    )?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more {
        rows.last().map_or(head, |r| r.seq)
    } else {
        head
    };
    let changes = rows
        .into_iter()
        .map(feed_change)
        .collect::<Result<Vec<_>>>()?;
    Ok(PullPage {
        protocol: PROTOCOL_VERSION,
        changes,
        next_cursor: cursor_text(next),
        more,
        areas: {
            let areas = tx.user_areas(&principal.user_id)?;
            (areas_digest != Some(ilp_sync::protocol::areas_digest(&areas).as_str()))
                .then_some(areas)
        },
    })
}

fn record_change(row: &RecordRow) -> Result<FeedChange> {
    let (text, hlc) = full_state(row)?;
    Ok(FeedChange {
        entity: row.entity.clone(),
        entity_id: row.id.clone(),
        op: Op::Upsert,
        hlc,
        payload: payload(&text)?,
    })
}

fn event_change(row: &EventRow) -> Result<FeedChange> {
    Ok(FeedChange {
        entity: entity::EVENT.into(),
        entity_id: row.id.clone(),
        op: Op::Append,
        hlc: row.hlc.clone(),
        payload: payload(&row.payload)?,
    })
}

/// Snapshot keys: `<entity>:<id>`, ordered by entity (in `entity::ALL` order) then id.
fn parse_key(key: &str) -> std::result::Result<(usize, String), ApiError> {
    if key.is_empty() {
        return Ok((0, String::new()));
    }
    let (e, id) = key
        .split_once(':')
        .ok_or_else(|| ApiError::malformed("after_key is not one this server gave"))?;
    let i = entity::ALL
        .iter()
        .position(|x| *x == e)
        .ok_or_else(|| ApiError::malformed("after_key names no entity"))?;
    Ok((i, id.to_string()))
}

/// One snapshot page of what `principal` may read.
pub fn snapshot(
    tx: &mut dyn Tx,
    principal: &Principal,
    req: &SnapshotRequest,
) -> Result<SnapshotPage> {
    let head = tx.feed_head(false)?;
    let (cursor, after_key) = match &req.resume {
        None => (cursor_text(head), String::new()),
        Some(r) => {
            parse_cursor(Some(&r.cursor), head)?;
            (r.cursor.clone(), r.after_key.clone())
        }
    };
    let (start, mut after_id) = parse_key(&after_key)?;
    let limit = req.max_records.clamp(1, MAX_SNAPSHOT_RECORDS) as usize;
    let scope = principal.read_scope();
    let mut records = Vec::new();
    let mut last_key = after_key.clone();
    let mut more = false;
    for name in &entity::ALL[start..] {
        let want = limit + 1 - records.len();
        let page: Vec<(String, FeedChange)> = match *name {
            // A user record has one key per kelurahan: filtered here, users are few.
            entity::USER => tx
                .records(entity::USER)?
                .into_iter()
                .filter(|r| r.id > after_id && principal.may_read(&r.scope_key))
                .take(want)
                .map(|r| Ok((r.id.clone(), record_change(&r)?)))
                .collect::<Result<_>>()?,
            entity::EVENT => tx
                .event_page(&after_id, &scope, want as i64)?
                .iter()
                .map(|r| Ok((r.id.clone(), event_change(r)?)))
                .collect::<Result<_>>()?,
            _ => tx
                .record_page(name, &after_id, &scope, want as i64)?
                .iter()
                .map(|r| Ok((r.id.clone(), record_change(r)?)))
                .collect::<Result<_>>()?,
        };
        for (id, change) in page {
            if records.len() == limit {
                more = true;
                break;
            }
            last_key = format!("{name}:{id}");
            records.push(change);
        }
        if more {
            break;
        }
        after_id = String::new();
    }
    Ok(SnapshotPage {
        protocol: PROTOCOL_VERSION,
        cursor,
        records,
        last_key,
        more,
        areas: tx.user_areas(&principal.user_id)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        assert_eq!(parse_cursor(Some(&cursor_text(42)), 50).unwrap(), 42);
        assert_eq!(parse_cursor(None, 50).unwrap(), 0);
        assert!(parse_cursor(Some("c1.5"), 50).is_err());
        assert!(parse_cursor(Some("f1.51"), 50).is_err());
        assert_eq!(parse_key("person:abc").unwrap(), (4, "abc".into()));
        assert!(parse_key("nothing:abc").is_err());
    }
}
