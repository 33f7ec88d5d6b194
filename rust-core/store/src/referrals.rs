//! Referrals of the persons living in some RTs, with corrections applied: what the supervisor
//! dashboard lists as the month's emergency referrals and pick-ups. Read from the event rows
//! themselves (a referral is one event of a visit), so every replica lists the same.

use crate::error::Result;
use crate::events::{EVENT_COLUMNS, apply_corrections, event_from_row};
use ilp_model::{AreaId, Event, EventPayload, Referral};
use rusqlite::{Connection, params};

/// One referral event with its (corrected) content.
#[derive(Clone, Debug, PartialEq)]
pub struct ReferralEvent {
    pub event: Event,
    pub referral: Referral,
}

/// The referrals of persons whose household lies in `rts`, with `from_ms <= occurred_at < to_ms`,
/// voided ones left out and amended ones as amended; oldest first. `emergency_only` keeps only
/// emergency referrals.
pub fn referrals_in_rts(
    conn: &Connection,
    rts: &[AreaId],
    from_ms: i64,
    to_ms: i64,
    emergency_only: bool,
) -> Result<Vec<ReferralEvent>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM event
         WHERE kind = 'referral' AND occurred_at >= ?1 AND occurred_at < ?2
           AND person_id IN (SELECT p.id FROM person p JOIN household h ON h.id = p.household_id
                             WHERE h.rt_id = ?3)"
    ))?;
    let mut found: Vec<Event> = Vec::new();
    for rt in rts {
        let rows = stmt.query_map(params![from_ms, to_ms, rt.to_string()], event_from_row)?;
        for e in rows {
            found.push(e?);
        }
    }
    // The voids and amendments of those events.
    let mut corrections = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM event WHERE target_id = ?1 AND kind IN ('void', 'amend')"
    ))?;
    let mut all = Vec::with_capacity(found.len());
    for e in &found {
        let rows = corrections.query_map([e.id.to_string()], event_from_row)?;
        for c in rows {
            all.push(c?);
        }
    }
    all.extend(found);
    let mut out: Vec<ReferralEvent> = apply_corrections(all)
        .into_iter()
        .filter_map(|e| match &e.payload {
            EventPayload::Referral(r) if r.emergency || !emergency_only => Some(ReferralEvent {
                referral: r.clone(),
                event: e,
            }),
            _ => None,
        })
        .collect();
    out.sort_by_key(|r| (r.event.occurred_at, r.event.id));
    Ok(out)
}
