//! Reads behind the coverage table: an area (RT, RW, kelurahan, kecamatan or a Posyandu's RTs)
//! resolved to its households, loaded as the rules' household facts in a few set-wise queries
//! (one per RT, never one per person; a large share of the database in one pass over the event
//! table), which the store hands to the pure coverage rules.

use crate::areas;
use crate::error::{Result, StoreError};
use crate::events::{EVENT_COLUMNS, apply_corrections, event_from_row};
use crate::households::{HOUSEHOLD_COLUMNS, household_from_row};
use crate::persons::{PERSON_COLUMNS, person_from_row};
use crate::pregnancies::{self, COLUMNS as PREGNANCY_COLUMNS};
use ilp_model::{AreaId, Event, HouseholdId, Person, PersonId, PosyanduId, Pregnancy};
use ilp_rules::facts::{HouseholdFacts, PersonFacts};
use rusqlite::Connection;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashMap;

/// What a coverage table is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoverageArea {
    /// An RT, RW, kelurahan, kecamatan or kota: every RT at or below it.
    Area(AreaId),
    /// The RTs a Posyandu serves.
    Posyandu(PosyanduId),
}

/// The RTs of an area.
pub fn area_rts(conn: &Connection, area: CoverageArea) -> Result<Vec<AreaId>> {
    match area {
        CoverageArea::Area(id) => {
            areas::get_area(conn, id)?;
            areas::rts_under(conn, &[id])
        }
        CoverageArea::Posyandu(id) => areas::posyandu_list(conn)?
            .into_iter()
            .find(|p| p.id == id)
            .map(|p| p.rts)
            .ok_or_else(|| StoreError::not_found("posyandu", id)),
    }
}

type EventsByPerson = FxHashMap<PersonId, Vec<Event>>;

/// The events of `wanted` persons with rowids in `[from, to)`, in one pass in storage order.
fn scan_events(
    conn: &Connection,
    wanted: &FxHashSet<PersonId>,
    from: i64,
    to: i64,
) -> Result<EventsByPerson> {
    let mut out = EventsByPerson::default();
    let mut stmt = conn.prepare(&format!(
        "SELECT {EVENT_COLUMNS} FROM event WHERE rowid >= ?1 AND rowid < ?2"
    ))?;
    for e in stmt.query_map([from, to], event_from_row)? {
        let e = e?;
        if wanted.contains(&e.person) {
            out.entry(e.person).or_default().push(e);
        }
    }
    Ok(out)
}

/// Opens another read connection on the same database (for a second scanning thread).
pub type ConnectionFactory<'a> = &'a (dyn Fn() -> Result<Connection> + Sync);

/// The households of `rts` with their members' effective histories and pregnancies. Events of
/// records merged into a member count for the member; merged-away records are not members.
/// With `more_readers`, a large share of the database is scanned by two threads, each on its own
/// connection (decrypting the event table is most of the cost).
pub fn household_facts(
    conn: &Connection,
    rts: &[AreaId],
    more_readers: Option<ConnectionFactory<'_>>,
) -> Result<Vec<HouseholdFacts>> {
    let mut out = Vec::new();
    let mut households_stmt = conn.prepare_cached(&format!(
        "SELECT {HOUSEHOLD_COLUMNS} FROM household WHERE rt_id = ?1 ORDER BY id"
    ))?;
    let mut persons_stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM person p JOIN household h ON p.household_id = h.id WHERE h.rt_id = ?1",
        prefixed("p", PERSON_COLUMNS)
    ))?;
    let mut events_stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM event e JOIN person p ON e.person_id = p.id JOIN household h ON p.household_id = h.id
         WHERE h.rt_id = ?1",
        prefixed("e", EVENT_COLUMNS)
    ))?;
    let mut pregnancies_stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM pregnancy g JOIN person p ON g.person_id = p.id JOIN household h ON p.household_id = h.id
         WHERE h.rt_id = ?1",
        prefixed("g", PREGNANCY_COLUMNS)
    ))?;
    // A large share of the database is read fastest as one pass over the event table in storage
    // order; a few RTs through the person index.
    let total_households: i64 =
        conn.query_row("SELECT count(*) FROM household", [], |r| r.get(0))?;
    let mut area_households = 0i64;
    let mut count_stmt = conn.prepare_cached("SELECT count(*) FROM household WHERE rt_id = ?1")?;
    for rt in rts {
        area_households += count_stmt.query_row([rt.to_string()], |r| r.get::<_, i64>(0))?;
    }
    let full_scan = area_households * 3 > total_households;
    let mut scanned = EventsByPerson::default();
    if full_scan {
        let in_area: std::collections::HashSet<String> =
            rts.iter().map(|r| r.to_string()).collect();
        let mut person_rt = conn.prepare(
            "SELECT p.id, h.rt_id FROM person p JOIN household h ON p.household_id = h.id",
        )?;
        let mut wanted: FxHashSet<PersonId> = FxHashSet::default();
        for row in
            person_rt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        {
            let (p, rt) = row?;
            if in_area.contains(&rt) {
                wanted.insert(
                    p.parse()
                        .map_err(|_| StoreError::Malformed("person.id".into()))?,
                );
            }
        }
        let (first, last): (Option<i64>, Option<i64>) =
            conn.query_row("SELECT min(rowid), max(rowid) FROM event", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        if let (Some(first), Some(last)) = (first, last) {
            match more_readers {
                Some(open) if last - first > 10_000 => {
                    let mid = first + (last - first) / 2;
                    let wanted = &wanted;
                    let (low, high) = std::thread::scope(|s| {
                        let high = s.spawn(move || scan_events(&open()?, wanted, mid, i64::MAX));
                        let low = scan_events(conn, wanted, first, mid);
                        (low, high.join())
                    });
                    scanned = low?;
                    let high = high.map_err(|_| {
                        StoreError::Malformed("the event scanning thread panicked".into())
                    })??;
                    for (p, events) in high {
                        scanned.entry(p).or_default().extend(events);
                    }
                }
                _ => scanned = scan_events(conn, &wanted, first, i64::MAX)?,
            }
        }
    }
    for rt in rts {
        let rt_key = rt.to_string();
        let households: Vec<_> = households_stmt
            .query_map([&rt_key], household_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let persons: Vec<Person> = persons_stmt
            .query_map([&rt_key], |r| person_from_row(r, 0))?
            .collect::<rusqlite::Result<_>>()?;
        // Merged-away records point (possibly through a chain) at the record that survived.
        let merged: HashMap<PersonId, PersonId> = persons
            .iter()
            .filter_map(|p| p.merged_into.map(|into| (p.id, into)))
            .collect();
        let survivor = |mut id: PersonId| {
            for _ in 0..32 {
                match merged.get(&id) {
                    Some(next) => id = *next,
                    None => break,
                }
            }
            id
        };
        let mut events: HashMap<PersonId, Vec<Event>> = HashMap::new();
        if full_scan {
            for p in &persons {
                if let Some(own) = scanned.remove(&p.id) {
                    events.entry(survivor(p.id)).or_default().extend(own);
                }
            }
        } else {
            for e in events_stmt.query_map([&rt_key], event_from_row)? {
                let e = e?;
                events.entry(survivor(e.person)).or_default().push(e);
            }
        }
        let mut pregnancies: HashMap<PersonId, Vec<Pregnancy>> = HashMap::new();
        for p in pregnancies_stmt.query_map([&rt_key], pregnancies::from_row)? {
            let p = p?;
            pregnancies.entry(survivor(p.person)).or_default().push(p);
        }
        let mut members: HashMap<HouseholdId, Vec<PersonFacts>> = HashMap::new();
        for person in persons {
            if person.merged_into.is_some() {
                continue;
            }
            let Some(h) = person.household else {
                continue;
            };
            let mut own = events.remove(&person.id).unwrap_or_default();
            own.sort_by(|a, b| {
                (a.occurred_at, a.recorded_at, a.id).cmp(&(b.occurred_at, b.recorded_at, b.id))
            });
            let mut own_pregnancies = pregnancies.remove(&person.id).unwrap_or_default();
            own_pregnancies.sort_by_key(|p| p.hpht.or(p.edd));
            members.entry(h).or_default().push(PersonFacts {
                person,
                events: apply_corrections(own),
                pregnancies: own_pregnancies,
            });
        }
        for household in households {
            let mut m = members.remove(&household.id).unwrap_or_default();
            m.sort_by_key(|p| p.person.id);
            out.push(HouseholdFacts {
                household,
                members: m,
            });
        }
    }
    Ok(out)
}

fn prefixed(alias: &str, columns: &str) -> String {
    columns
        .split(',')
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One household with its members' effective histories and pregnancies (the family health
/// index of one household).
pub fn household_facts_of(conn: &Connection, id: HouseholdId) -> Result<HouseholdFacts> {
    let household = crate::households::get_household(conn, id)?;
    let mut members = Vec::new();
    for p in crate::persons::members_of(conn, id)? {
        if p.merged_into.is_none() {
            members.push(crate::due_items::person_facts(conn, p.id)?);
        }
    }
    Ok(HouseholdFacts { household, members })
}
