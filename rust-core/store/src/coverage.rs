//! Reads behind the coverage table: an area (RT, RW, kelurahan, kecamatan or a Posyandu's RTs)
//! resolved to its households, loaded as the rules' household facts in a few set-wise queries
//! (one per RT, never one per person), then handed to the pure coverage rules.

use crate::areas;
use crate::error::{Result, StoreError};
use crate::events::{EVENT_COLUMNS, apply_corrections, event_from_row};
use crate::households::{HOUSEHOLD_COLUMNS, household_from_row};
use crate::persons::{PERSON_COLUMNS, person_from_row};
use crate::pregnancies::{self, COLUMNS as PREGNANCY_COLUMNS};
use ilp_model::{AreaId, Event, HouseholdId, Person, PersonId, PosyanduId, Pregnancy};
use ilp_rules::coverage::{CoverageTable, CoverageTables, coverage};
use ilp_rules::facts::{HouseholdFacts, PersonFacts, RuleContext};
use rusqlite::Connection;
use std::collections::HashMap;
use time::Date;

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

/// The households of `rts` with their members' effective histories and pregnancies. Events of
/// records merged into a member count for the member; merged-away records are not members.
pub fn household_facts(conn: &Connection, rts: &[AreaId]) -> Result<Vec<HouseholdFacts>> {
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
        for e in events_stmt.query_map([&rt_key], event_from_row)? {
            let e = e?;
            events.entry(survivor(e.person)).or_default().push(e);
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

/// The coverage table of `area` for the month containing `month`.
pub fn coverage_table(
    conn: &Connection,
    area: CoverageArea,
    month: Date,
    ctx: &RuleContext,
    tables: &CoverageTables,
) -> Result<CoverageTable> {
    let rts = area_rts(conn, area)?;
    let facts = household_facts(conn, &rts)?;
    Ok(coverage(&facts, month, ctx, tables))
}
