//! Due items kept precomputed: each person's items from the schedule rules, stored with the
//! household and RT they belong to so a worklist is one indexed range read. Items are derived,
//! never synced: they are recomputed inside the write that touches a person, and rebuilt for
//! everyone when the month turns (recurring items follow the calendar) or after a bulk load.

use crate::error::{Result, StoreError};
use crate::events::{self, EVENT_COLUMNS, event_from_row};
use crate::persons::{self, PERSON_COLUMNS, person_from_row};
use crate::pregnancies;
use ilp_model::{AreaId, Event, HouseholdId, Person, PersonId, Pregnancy};
use ilp_rules::due::{ClosesAs, DueItem, DueKind, TableRef, Window};
use ilp_rules::facts::{PersonFacts, RuleContext};
use ilp_rules::kms;
use ilp_rules::schedule::{ScheduleTables, due_items_with_mother};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{HashMap, HashSet};
use time::Date;

/// The month (first day, ISO) the stored items were last rebuilt for; absent = rebuild needed.
const META_AS_OF: &str = "due_items_as_of";

/// One stored item with where its person lives.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredDueItem {
    pub item: DueItem,
    pub household: Option<HouseholdId>,
    pub rt: Option<AreaId>,
}

/// Everything the rules know about one person, read from the store.
pub fn person_facts(conn: &Connection, id: PersonId) -> Result<PersonFacts> {
    let person = persons::get_person(conn, id)?;
    let events = events::effective_events(conn, id)?;
    let pregnancies = pregnancies_of(conn, &persons::merged_ids(conn, id)?)?;
    Ok(PersonFacts {
        person,
        events,
        pregnancies,
    })
}

fn pregnancies_of(conn: &Connection, ids: &[String]) -> Result<Vec<Pregnancy>> {
    let mut all = Vec::new();
    for id in ids {
        all.extend(pregnancies::all_for(conn, id)?);
    }
    all.sort_by_key(|p| p.hpht.or(p.edd));
    Ok(all)
}

/// Recomputes the items of `persons` (inside the caller's write transaction).
pub(crate) fn recompute(
    conn: &Connection,
    persons: impl IntoIterator<Item = PersonId>,
    tables: &ScheduleTables,
    ctx: &RuleContext,
) -> Result<()> {
    for id in persons {
        let Ok(person) = persons::get_person(conn, id) else {
            continue;
        };
        if let Some(survivor) = person.merged_into {
            // A merged record's items move to the survivor, which the merge also touched.
            delete_for(conn, id)?;
            let _ = survivor;
            continue;
        }
        let facts = person_facts(conn, id)?;
        let rt = rt_of(conn, facts.person.household)?;
        replace_for(conn, &facts, rt, tables, ctx)?;
    }
    Ok(())
}

/// Rebuilds every person's items (a new month, a bulk load, a schedule table change) in
/// batches, streaming persons and their events in id order so memory stays bounded.
pub(crate) fn rebuild_all(
    conn: &Connection,
    tables: &ScheduleTables,
    ctx: &RuleContext,
) -> Result<usize> {
    conn.execute("DELETE FROM due_item", [])?;
    let merged_sources: HashSet<String> = conn
        .prepare("SELECT DISTINCT merged_into FROM person WHERE merged_into IS NOT NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let rts: HashMap<String, String> = conn
        .prepare("SELECT id, rt_id FROM household")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut pregnancies_by_person: HashMap<PersonId, Vec<Pregnancy>> = HashMap::new();
    for p in pregnancies::all(conn)? {
        pregnancies_by_person.entry(p.person).or_default().push(p);
    }
    let mut persons_stmt = conn.prepare(&format!(
        "SELECT {PERSON_COLUMNS} FROM person WHERE merged_into IS NULL ORDER BY id"
    ))?;
    let mut events_stmt = conn.prepare(&format!(
        "SELECT {EVENT_COLUMNS} FROM event ORDER BY person_id"
    ))?;
    let mut events = events_stmt.query_map([], event_from_row)?.peekable();
    let mut count = 0;
    for person in persons_stmt.query_map([], |r| person_from_row(r, 0))? {
        let person: Person = person?;
        let key = person.id.to_string();
        let mut own: Vec<Event> = Vec::new();
        // Events are ordered by the person id's text, as persons are: skip those of persons
        // not listed (merged away), take this person's.
        while let Some(next) = events.peek() {
            let next_person = match next {
                Ok(e) => e.person.to_string(),
                Err(_) => {
                    return Err(events.next().expect("peeked").unwrap_err().into());
                }
            };
            match next_person.cmp(&key) {
                std::cmp::Ordering::Less => {
                    events.next();
                }
                std::cmp::Ordering::Equal => {
                    own.push(events.next().expect("peeked")?);
                }
                std::cmp::Ordering::Greater => break,
            }
        }
        let facts = if merged_sources.contains(&key) {
            person_facts(conn, person.id)?
        } else {
            own.sort_by(|a, b| {
                (a.occurred_at, a.recorded_at, a.id).cmp(&(b.occurred_at, b.recorded_at, b.id))
            });
            let mut pregnancies = pregnancies_by_person.remove(&person.id).unwrap_or_default();
            pregnancies.sort_by_key(|p| p.hpht.or(p.edd));
            PersonFacts {
                person,
                events: events::apply_corrections(own),
                pregnancies,
            }
        };
        let rt = facts
            .person
            .household
            .and_then(|h| rts.get(&h.to_string()))
            .map(|r| r.parse())
            .transpose()
            .map_err(|_| StoreError::Malformed("household rt_id".into()))?;
        replace_for(conn, &facts, rt, tables, ctx)?;
        count += 1;
    }
    set_as_of(conn, ctx.today)?;
    Ok(count)
}

/// The first day of `d`'s month: items are rebuilt when it changes.
fn month_of(d: Date) -> Date {
    d.replace_day(1).expect("day 1 exists")
}

fn set_as_of(conn: &Connection, today: Date) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![META_AS_OF, month_of(today).to_string()],
    )?;
    Ok(())
}

/// Forgets when items were built, so the next read rebuilds them (after a bulk load).
pub(crate) fn invalidate(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM meta WHERE key = ?1", [META_AS_OF])?;
    Ok(())
}

/// Whether the stored items are current for `today`'s month.
pub fn is_current(conn: &Connection, today: Date) -> Result<bool> {
    let stored: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [META_AS_OF], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(stored.as_deref() == Some(month_of(today).to_string().as_str()))
}

fn rt_of(conn: &Connection, household: Option<HouseholdId>) -> Result<Option<AreaId>> {
    let Some(h) = household else {
        return Ok(None);
    };
    let rt: Option<String> = conn
        .prepare_cached("SELECT rt_id FROM household WHERE id = ?1")?
        .query_row([h.to_string()], |r| r.get(0))
        .optional()?;
    rt.map(|r| r.parse())
        .transpose()
        .map_err(|_| StoreError::Malformed("household rt_id".into()))
}

fn delete_for(conn: &Connection, id: PersonId) -> Result<()> {
    conn.prepare_cached("DELETE FROM due_item WHERE person_id = ?1")?
        .execute([id.to_string()])?;
    Ok(())
}

fn replace_for(
    conn: &Connection,
    facts: &PersonFacts,
    rt: Option<AreaId>,
    tables: &ScheduleTables,
    ctx: &RuleContext,
) -> Result<()> {
    delete_for(conn, facts.person.id)?;
    let mother = newborn_mother(conn, facts, ctx)?;
    let mut items = due_items_with_mother(facts, mother.as_ref(), tables, ctx);
    if growth_faltering(facts, ctx) {
        for item in &mut items {
            item.high_risk = true;
        }
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO due_item (person_id, item_key, household_id, rt_id, kind, earliest, due, latest, done_on, closes_as, high_risk, rule_table)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let person = facts.person.id.to_string();
    let household = facts.person.household.map(|h| h.to_string());
    let rt = rt.map(|r| r.to_string());
    for item in &items {
        insert.execute(params![
            person,
            item.kind.key(),
            household,
            rt,
            serde_json::to_string(&item.kind)?,
            item.window.earliest.to_julian_day(),
            item.window.due.to_julian_day(),
            item.window.latest.map(Date::to_julian_day),
            item.done_on.map(Date::to_julian_day),
            closes_as_code(item.closes_as),
            item.high_risk,
            item.table.to_string(),
        ])?;
    }
    Ok(())
}

/// The mother's record for a baby under two months (the KN windows run from her delivery time).
fn newborn_mother(
    conn: &Connection,
    facts: &PersonFacts,
    ctx: &RuleContext,
) -> Result<Option<PersonFacts>> {
    let (Some(mother), Some(birth)) = (facts.person.mother, facts.person.birth) else {
        return Ok(None);
    };
    if birth.age_days(ctx.today) > 60 {
        return Ok(None);
    }
    match persons::get_person(conn, mother) {
        Ok(m) => {
            let pregnancies = pregnancies_of(conn, &persons::merged_ids(conn, m.id)?)?;
            Ok(Some(PersonFacts {
                person: m,
                events: Vec::new(),
                pregnancies,
            }))
        }
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// An under-five whose latest weighing (this month or last) is below the red line or the second
/// T running: every item of theirs is high-risk, so an overdue one outranks other overdue items.
fn growth_faltering(facts: &PersonFacts, ctx: &RuleContext) -> bool {
    let Some(birth) = facts.person.birth else {
        return false;
    };
    if birth.age_months(ctx.today) >= 60
        || !facts.measurements().any(|(_, m)| m.weight_kg.is_some())
    {
        return false;
    }
    let weighings = kms::weighings_with_wfa(facts, ctx);
    let results = kms::assess(birth.date, &weighings, &kms::KmsTables::default());
    let recent = kms::previous_month(ctx.today);
    results
        .iter()
        .rev()
        .find(|r| r.month_record)
        .is_some_and(|r| r.month() >= recent && (r.bgm || r.two_t))
}

fn closes_as_code(c: ClosesAs) -> &'static str {
    match c {
        ClosesAs::Missed => "missed",
        ClosesAs::NotAllowed => "not_allowed",
    }
}

const ITEM_COLUMNS: &str = "person_id, household_id, rt_id, kind, earliest, due, latest, done_on, closes_as, high_risk, rule_table";

fn item_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredDueItem> {
    fn bad<E>(i: usize, what: &'static str) -> impl Fn(E) -> rusqlite::Error {
        move |_| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, what.into())
        }
    }
    let day = |i: usize, v: i32| Date::from_julian_day(v).map_err(bad(i, "bad day"));
    let person: String = r.get(0)?;
    let kind: String = r.get(3)?;
    let kind: DueKind = serde_json::from_str(&kind).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let latest: Option<i32> = r.get(6)?;
    let done: Option<i32> = r.get(7)?;
    let closes: String = r.get(8)?;
    let table: String = r.get(10)?;
    Ok(StoredDueItem {
        item: DueItem {
            person: person.parse().map_err(bad(0, "bad id"))?,
            kind,
            window: Window {
                earliest: day(4, r.get(4)?)?,
                due: day(5, r.get(5)?)?,
                latest: latest.map(|l| day(6, l)).transpose()?,
            },
            done_on: done.map(|d| day(7, d)).transpose()?,
            closes_as: if closes == "not_allowed" {
                ClosesAs::NotAllowed
            } else {
                ClosesAs::Missed
            },
            high_risk: r.get(9)?,
            table: TableRef::parse(&table),
        },
        household: r
            .get::<_, Option<String>>(1)?
            .map(|h| h.parse().map_err(bad(1, "bad id")))
            .transpose()?,
        rt: r
            .get::<_, Option<String>>(2)?
            .map(|h| h.parse().map_err(bad(2, "bad id")))
            .transpose()?,
    })
}

/// A person's stored items, in due-date order.
pub fn for_person(conn: &Connection, id: PersonId) -> Result<Vec<StoredDueItem>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} FROM due_item WHERE person_id = ?1 ORDER BY due, item_key"
    ))?;
    let items = stmt
        .query_map([id.to_string()], item_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(items)
}

/// The items of the given RTs that are open on `today` (window opened, not closed, not done).
pub fn open_in_rts(conn: &Connection, rts: &[AreaId], today: Date) -> Result<Vec<StoredDueItem>> {
    let day = today.to_julian_day();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} FROM due_item
         WHERE rt_id = ?1 AND done_on IS NULL AND earliest <= ?2 AND (latest IS NULL OR latest >= ?2)"
    ))?;
    let mut out = Vec::new();
    for rt in rts {
        let rows = stmt.query_map(params![rt.to_string(), day], item_from_row)?;
        for row in rows {
            out.push(row?);
        }
    }
    Ok(out)
}

/// The items of the given RTs done on `date` (who was served at a Posyandu session).
pub fn done_on_in_rts(conn: &Connection, rts: &[AreaId], date: Date) -> Result<Vec<StoredDueItem>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} FROM due_item WHERE rt_id = ?1 AND done_on = ?2"
    ))?;
    let mut out = Vec::new();
    for rt in rts {
        for row in stmt.query_map(params![rt.to_string(), date.to_julian_day()], item_from_row)? {
            out.push(row?);
        }
    }
    Ok(out)
}
