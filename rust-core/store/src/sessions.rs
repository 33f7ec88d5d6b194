//! Posyandu sessions a kader ended on this device. Ending the day's session turns its absentees
//! into home visits at once instead of the next morning. The closure is the kader's own act on
//! this phone: it lives in the local `meta` table (no schema change, never synced), one entry
//! per Posyandu and day, keyed `posyandu_ended:<posyandu id>:<YYYY-MM-DD>` with the instant it
//! was ended (ms). Other devices see the missed session the next day, as they always did.

use crate::error::{Result, StoreError};
use ilp_model::{PosyanduId, Timestamp};
use rusqlite::{Connection, params};
use time::Date;

const PREFIX: &str = "posyandu_ended:";

fn key(posyandu: PosyanduId, day: Date) -> String {
    format!("{PREFIX}{posyandu}:{day}")
}

/// Records that the session of `posyandu` on `day` was ended at `at`. Ending it again changes
/// nothing (the first instant is kept). Returns whether this call ended it.
pub fn end_session(
    conn: &Connection,
    posyandu: PosyanduId,
    day: Date,
    at: Timestamp,
) -> Result<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
        params![key(posyandu, day), at.millis().to_string()],
    )?;
    Ok(n == 1)
}

/// Whether the session of `posyandu` on `day` was ended on this device.
pub fn is_ended(conn: &Connection, posyandu: PosyanduId, day: Date) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM meta WHERE key = ?1)")?
        .query_row([key(posyandu, day)], |r| r.get(0))?)
}

/// For each Posyandu, the latest day from `from` to `until` (inclusive) whose session was ended
/// on this device (ISO dates sort as text): one range read of every ended session
/// (a worklist of many RTs asks for all their Posyandus at once).
pub fn last_ended_days(
    conn: &Connection,
    from: Date,
    until: Date,
) -> Result<std::collections::HashMap<PosyanduId, Date>> {
    let mut out = std::collections::HashMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT key FROM meta WHERE key > ?1 AND key < ?2 ORDER BY key")?;
    // ';' sorts right after ':', so the range holds every key with the prefix.
    let end = format!("{};", PREFIX.trim_end_matches(':'));
    let mut rows = stmt.query(params![PREFIX, end])?;
    while let Some(r) = rows.next()? {
        let k: String = r.get(0)?;
        let bad = || StoreError::Malformed(format!("meta key {k}"));
        let (posyandu, day) = k[PREFIX.len()..].rsplit_once(':').ok_or_else(bad)?;
        let posyandu: PosyanduId = posyandu.parse().map_err(|_| bad())?;
        let day = Date::parse(day, &time::format_description::well_known::Iso8601::DATE)
            .map_err(|_| bad())?;
        if day >= from && day <= until {
            // Keys of one Posyandu come in date order: the last one kept is its latest.
            out.insert(posyandu, day);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn conn() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
        )
        .unwrap();
        c
    }

    #[test]
    fn ending_is_idempotent_and_found_by_range() {
        let c = conn();
        let p = PosyanduId::from_random_bytes([4; 16]);
        let other = PosyanduId::from_random_bytes([5; 16]);
        let day = date!(2026 - 11 - 20);
        assert!(!is_ended(&c, p, day).unwrap());
        assert!(end_session(&c, p, day, Timestamp::from_millis(1)).unwrap());
        assert!(!end_session(&c, p, day, Timestamp::from_millis(2)).unwrap());
        assert!(is_ended(&c, p, day).unwrap());
        assert!(!is_ended(&c, other, day).unwrap());
        let value: String = c
            .query_row("SELECT value FROM meta", [], |r| r.get(0))
            .unwrap();
        assert_eq!(value, "1", "the first instant is kept");
        end_session(&c, p, date!(2026 - 10 - 18), Timestamp::from_millis(3)).unwrap();
        end_session(&c, other, date!(2026 - 11 - 25), Timestamp::from_millis(3)).unwrap();
        let last_ended = |from, until| last_ended_days(&c, from, until).unwrap().get(&p).copied();
        assert_eq!(
            last_ended(date!(2026 - 10 - 01), date!(2026 - 11 - 30)),
            Some(day)
        );
        assert_eq!(
            last_ended(date!(2026 - 10 - 01), date!(2026 - 11 - 19)),
            Some(date!(2026 - 10 - 18))
        );
        assert_eq!(
            last_ended(date!(2026 - 11 - 21), date!(2026 - 12 - 31)),
            None
        );
    }

    #[test]
    fn the_last_ended_day_of_every_posyandu_is_read_at_once() {
        let c = conn();
        let p = PosyanduId::from_random_bytes([4; 16]);
        let other = PosyanduId::from_random_bytes([5; 16]);
        let quiet = PosyanduId::from_random_bytes([6; 16]);
        for (who, day) in [
            (p, date!(2026 - 10 - 18)),
            (p, date!(2026 - 11 - 20)),
            (p, date!(2026 - 12 - 05)),
            (other, date!(2026 - 11 - 02)),
            (quiet, date!(2026 - 01 - 10)),
        ] {
            end_session(&c, who, day, Timestamp::from_millis(1)).unwrap();
        }
        // Another meta key on either side of the range is not read as a session.
        c.execute_batch(
            "INSERT INTO meta VALUES ('posyandu', 'x'), ('posyandu_endless', 'y'), ('zz', 'z')",
        )
        .unwrap();
        let (from, until) = (date!(2026 - 10 - 17), date!(2026 - 11 - 30));
        let all = last_ended_days(&c, from, until).unwrap();
        assert_eq!(all.len(), 2, "{all:?}");
        assert_eq!(all[&p], date!(2026 - 11 - 20));
        assert_eq!(all[&other], date!(2026 - 11 - 02));
        assert!(!all.contains_key(&quiet));
    }
}
