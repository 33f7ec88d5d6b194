//! Dropping what left the user's scope (PROTOCOL.md "Scope"): after the user's areas changed, the
//! households of RTs the user may no longer read go from this device with everything under them
//! (persons, pregnancies, events, due items, waiting orphans). Never from the server: sync never
//! deletes records, and a household with any write not yet acknowledged stays until the push
//! that acknowledges it (the next call drops it). Areas, Posyandu and users stay: they are the
//! tree every scope is read against.

use crate::Store;
use crate::areas;
use crate::error::{Result, StoreError};
use ilp_model::{AreaId, PersonId, Role};
use rusqlite::{Connection, TransactionBehavior};
use std::collections::HashSet;

/// What [`Store::drop_outside_scope`] removed, and what it kept for unacknowledged writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DropReport {
    pub households: usize,
    pub persons: usize,
    pub pregnancies: usize,
    pub events: usize,
    /// Households (or persons without one) outside the scope kept because a write to them or to
    /// something under them is not acknowledged yet.
    pub kept_unsynced: usize,
}

fn strings(conn: &Connection, sql: &str, key: &str) -> Result<Vec<String>> {
    Ok(conn
        .prepare_cached(sql)?
        .query_map([key], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The records with outbox entries the server has not acknowledged (pending, or refused: a refused
/// write may be the only copy of what the user entered), as the persons and households they
/// belong to.
struct Unsynced {
    households: HashSet<String>,
    persons: HashSet<String>,
}

fn unsynced(conn: &Connection) -> Result<Unsynced> {
    let mut out = Unsynced {
        households: HashSet::new(),
        persons: HashSet::new(),
    };
    let mut stmt = conn.prepare(
        "SELECT DISTINCT entity, entity_id FROM outbox WHERE state IN ('pending', 'refused')",
    )?;
    let rows: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (entity, id) in rows {
        match entity.as_str() {
            "household" => {
                out.households.insert(id);
            }
            "person" => {
                out.persons.insert(id);
            }
            "pregnancy" => out.persons.extend(strings(
                conn,
                "SELECT person_id FROM pregnancy WHERE id = ?1",
                &id,
            )?),
            "event" => out.persons.extend(strings(
                conn,
                "SELECT person_id FROM event WHERE id = ?1",
                &id,
            )?),
            _ => {}
        }
    }
    Ok(out)
}

/// Deletes persons and everything under them; returns (pregnancies, events) deleted.
fn delete_persons(conn: &Connection, persons: &[String]) -> Result<(usize, usize)> {
    let (mut pregnancies, mut events) = (0, 0);
    for p in persons {
        for pregnancy in strings(conn, "SELECT id FROM pregnancy WHERE person_id = ?1", p)? {
            conn.prepare_cached(
                "DELETE FROM remote_orphan WHERE entity = 'pregnancy' AND entity_id = ?1",
            )?
            .execute([&pregnancy])?;
        }
        pregnancies += conn
            .prepare_cached("DELETE FROM pregnancy WHERE person_id = ?1")?
            .execute([p])?;
        events += conn
            .prepare_cached("DELETE FROM event WHERE person_id = ?1")?
            .execute([p])?;
        conn.prepare_cached("DELETE FROM due_item WHERE person_id = ?1")?
            .execute([p])?;
        conn.prepare_cached(
            "DELETE FROM remote_orphan WHERE entity = 'person' AND entity_id = ?1",
        )?
        .execute([p])?;
        conn.prepare_cached("DELETE FROM merge_set_aside WHERE person_id = ?1")?
            .execute([p])?;
        conn.prepare_cached("DELETE FROM person WHERE id = ?1")?
            .execute([p])?;
    }
    Ok((pregnancies, events))
}

fn drop_in(conn: &Connection, role: Role, areas: &[AreaId]) -> Result<(DropReport, Vec<String>)> {
    let mut report = DropReport::default();
    let mut dropped_persons = Vec::new();
    if role == Role::Admin {
        return Ok((report, dropped_persons));
    }
    // A kader's RTs and RWs, a bidan's or supervisor's kelurahan(s): every RT at or below them.
    let readable: HashSet<String> = areas::rts_under(conn, areas)?
        .into_iter()
        .map(|a| a.to_string())
        .collect();
    let unsynced = unsynced(conn)?;
    let households: Vec<(String, String)> = conn
        .prepare("SELECT id, rt_id FROM household")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (household, rt) in households {
        if readable.contains(&rt) {
            continue;
        }
        let members = strings(
            conn,
            "SELECT id FROM person WHERE household_id = ?1",
            &household,
        )?;
        if unsynced.households.contains(&household)
            || members.iter().any(|m| unsynced.persons.contains(m))
        {
            report.kept_unsynced += 1;
            continue;
        }
        let (pregnancies, events) = delete_persons(conn, &members)?;
        conn.prepare_cached(
            "DELETE FROM remote_orphan WHERE entity = 'household' AND entity_id = ?1",
        )?
        .execute([&household])?;
        conn.prepare_cached("DELETE FROM household WHERE id = ?1")?
            .execute([&household])?;
        report.households += 1;
        report.persons += members.len();
        report.pregnancies += pregnancies;
        report.events += events;
        dropped_persons.extend(members);
    }
    // Persons without a household are read under `u:` keys, which a bidan or supervisor reads
    // and a kader does not.
    if role == Role::Kader {
        let homeless: Vec<String> = conn
            .prepare("SELECT id FROM person WHERE household_id IS NULL")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for p in homeless {
            if unsynced.persons.contains(&p) {
                report.kept_unsynced += 1;
                continue;
            }
            let (pregnancies, events) = delete_persons(conn, std::slice::from_ref(&p))?;
            report.persons += 1;
            report.pregnancies += pregnancies;
            report.events += events;
            dropped_persons.push(p);
        }
    }
    Ok((report, dropped_persons))
}

impl Store {
    /// Drops the households (and persons without one, for a kader) this user may no longer read
    /// after their assignment changed, keeping anything with unacknowledged writes. Call it again
    /// after a push to drop what was kept. Areas, Posyandu and users stay.
    pub fn drop_outside_scope(&self, role: Role, areas: &[AreaId]) -> Result<DropReport> {
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let w = guard.as_mut().ok_or(StoreError::Closed)?;
        let tx = w
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (report, dropped) = drop_in(&tx, role, areas)?;
        // A record dropped from the middle of a merge cycle ends it here (rare): its other records'
        // survivors change, so their items and the name index are rebuilt on the next read.
        let settled = !dropped.is_empty() && !crate::merge_cycles::settle(&tx)?.changed.is_empty();
        if settled {
            crate::due_items::invalidate(&tx)?;
        }
        tx.commit()?;
        // As in `write`: the index follows only what committed, under the writer lock.
        let mut index = self.name_index.lock().unwrap_or_else(|p| p.into_inner());
        if settled {
            *index = None;
        } else if let Some(index) = index.as_mut() {
            for p in &dropped {
                if let Ok(id) = p.parse::<PersonId>() {
                    index.set(id, None);
                }
            }
        }
        drop(guard);
        Ok(report)
    }
}
