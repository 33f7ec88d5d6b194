//! Who recorded what: the visits each user recorded in a time range, with corrections applied,
//! for the supervisor dashboard's kader and bidan activity. Kept apart from `events` (which owns
//! recording and correcting) so the activity page's read has one home.

use crate::error::Result;
use rusqlite::{Connection, params};
use std::collections::HashMap;

/// Visits per user with `from_ms <= occurred_at < to_ms`, corrections applied: a visit counts
/// once for each user who recorded it or one of its parts (at a Posyandu the kader registers the
/// visit and the bidan records the dose she gave), unless the visit's own event was voided or
/// every one of its parts (weighing, doses, services...) was, which is how the apps withdraw a
/// visit entered for the wrong person; a visit with no parts (an ANC contact recorded on its own)
/// counts for whoever recorded it. A voided part, a void or an amendment never makes a visit count
/// for anyone.
pub fn visits_recorded(
    conn: &Connection,
    from_ms: i64,
    to_ms: i64,
) -> Result<HashMap<String, u64>> {
    let mut stmt = conn.prepare_cached(
        "WITH visit AS (
           SELECT v.id, v.recorded_by FROM event v
           WHERE v.kind = 'visit' AND v.occurred_at >= ?1 AND v.occurred_at < ?2
             AND NOT EXISTS (SELECT 1 FROM event x WHERE x.target_id = v.id AND x.kind = 'void')
         ),
         part AS (
           SELECT p.visit_id, p.recorded_by,
                  EXISTS (SELECT 1 FROM event x WHERE x.target_id = p.id AND x.kind = 'void') AS voided
           FROM event p JOIN visit ON p.visit_id = visit.id
           WHERE p.kind NOT IN ('void', 'amend')
         ),
         kept AS (
           SELECT id, recorded_by FROM visit
           WHERE id IN (SELECT visit_id FROM part WHERE NOT voided)
              OR id NOT IN (SELECT visit_id FROM part)
         )
         SELECT recorded_by, COUNT(DISTINCT id) FROM (
           SELECT id, recorded_by FROM kept
           UNION ALL
           SELECT visit_id, recorded_by FROM part
           WHERE NOT voided AND visit_id IN (SELECT id FROM kept)
         )
         GROUP BY recorded_by",
    )?;
    let rows = stmt.query_map(params![from_ms, to_ms], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut out = HashMap::new();
    for r in rows {
        let (user, n) = r?;
        out.insert(user, n.max(0) as u64);
    }
    Ok(out)
}
