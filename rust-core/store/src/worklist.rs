//! Reads behind the worklist and the Posyandu session: the open due items of a set of RTs with the
//! households and persons they belong to, handed to the pure worklist rules; and who is expected
//! at a Posyandu on its day, who came, and who becomes a home visit.

use crate::due_items::{self, StoredDueItem};
use crate::error::{Result, StoreError};
use crate::persons::{PERSON_COLUMNS, person_from_row};
use ilp_model::{AreaId, EventPayload, GeoPoint, HouseholdId, Person, PersonId, PosyanduId};
use ilp_rules::due::DueItem;
use ilp_rules::worklist::{self, OpenItem, RtGroup};
use rusqlite::{Connection, params};
use std::collections::{HashMap, HashSet};
use time::{Date, UtcOffset};

/// A household as a worklist stop shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct StopHousehold {
    pub address: Option<String>,
    pub head_name: Option<String>,
    pub gps: Option<GeoPoint>,
}

/// The worklist with what its screen shows beside the items.
#[derive(Clone, Debug, PartialEq)]
pub struct Worklist {
    pub today: Date,
    pub groups: Vec<RtGroup>,
    pub persons: HashMap<PersonId, Person>,
    pub households: HashMap<HouseholdId, StopHousehold>,
}

impl Worklist {
    /// Number of open items listed.
    pub fn item_count(&self) -> usize {
        self.groups
            .iter()
            .flat_map(|g| &g.stops)
            .map(|s| s.items.len())
            .sum()
    }
}

/// How far back a Posyandu session still turns its absentees into home visits.
const SESSION_LOOKBACK_DAYS: i64 = 35;

/// The worklist of `rts` on `today` from the stored items (the caller refreshes them first).
/// Persons expected at their Posyandu's last session who did not come have their Posyandu
/// services turned into a home visit due now.
pub fn worklist(
    conn: &Connection,
    rts: &[AreaId],
    today: Date,
    offset: UtcOffset,
) -> Result<Worklist> {
    let open = due_items::open_in_rts(conn, rts, today)?;
    let missed = missed_sessions(conn, rts, &open, today, offset)?;
    let households = households_of(conn, rts)?;
    let gps: HashMap<HouseholdId, GeoPoint> = households
        .iter()
        .filter_map(|(id, h)| h.gps.map(|g| (*id, g)))
        .collect();
    let person_ids: HashSet<PersonId> = open.iter().map(|s| s.item.person).collect();
    let persons = persons_in(conn, rts, &person_ids)?;
    let items = open
        .into_iter()
        .map(|s| OpenItem {
            missed_session: missed.get(&s.item.person).copied(),
            item: s.item,
            household: s.household,
            rt: s.rt,
        })
        .collect();
    Ok(Worklist {
        today,
        groups: worklist::build(items, &gps, today),
        persons,
        households,
    })
}

/// Persons of `rts` expected at the last session (before today, within the lookback) of a
/// Posyandu serving their RT who did not come, with that session's date.
fn missed_sessions(
    conn: &Connection,
    rts: &[AreaId],
    open: &[StoredDueItem],
    today: Date,
    offset: UtcOffset,
) -> Result<HashMap<PersonId, Date>> {
    let wanted: HashSet<String> = rts.iter().map(|r| r.to_string()).collect();
    let mut posyandu_of: HashMap<AreaId, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT posyandu_id, rt_id FROM posyandu_rt")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (p, rt) = row?;
        if wanted.contains(&rt) {
            let rt: AreaId = rt
                .parse()
                .map_err(|_| StoreError::Malformed("posyandu_rt.rt_id".into()))?;
            posyandu_of.entry(rt).or_default().push(p);
        }
    }
    let from = (today - time::Duration::days(SESSION_LOOKBACK_DAYS))
        .midnight()
        .assume_offset(offset)
        .unix_timestamp()
        * 1000;
    let until = today.midnight().assume_offset(offset).unix_timestamp() * 1000;
    let mut visits = conn.prepare_cached(
        "SELECT e.occurred_at, e.person_id FROM event e INDEXED BY event_visit_time
         JOIN person p ON p.id = e.person_id
         JOIN household h ON h.id = p.household_id
         JOIN posyandu_rt r ON r.rt_id = h.rt_id
         WHERE e.kind = 'visit' AND e.occurred_at >= ?2 AND e.occurred_at < ?3
           AND r.posyandu_id = ?1 AND json_extract(e.payload, '$.kind.kind') = 'posyandu'",
    )?;
    // The last session date of each Posyandu and who came to it.
    let mut sessions: HashMap<String, (Date, HashSet<String>)> = HashMap::new();
    let posyandus: HashSet<&String> = posyandu_of.values().flatten().collect();
    for p in posyandus {
        let mut by_day: HashMap<Date, HashSet<String>> = HashMap::new();
        for row in visits.query_map(params![p, from, until], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })? {
            let (at, person) = row?;
            let day = ilp_model::Timestamp::from_millis(at).date_at(offset);
            by_day.entry(day).or_default().insert(person);
        }
        if let Some((day, came)) = by_day.into_iter().max_by_key(|(d, _)| *d) {
            sessions.insert(p.clone(), (day, came));
        }
    }
    let mut missed = HashMap::new();
    for s in open {
        let Some(rt) = s.rt else { continue };
        if !worklist::is_posyandu_service(&s.item.kind) {
            continue;
        }
        for p in posyandu_of.get(&rt).into_iter().flatten() {
            if let Some((day, came)) = sessions.get(p)
                && s.item.window.contains(*day)
                && !came.contains(&s.item.person.to_string())
            {
                let e = missed.entry(s.item.person).or_insert(*day);
                *e = (*e).max(*day);
            }
        }
    }
    Ok(missed)
}

fn households_of(conn: &Connection, rts: &[AreaId]) -> Result<HashMap<HouseholdId, StopHousehold>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.id, h.address, h.lat, h.lon,
                (SELECT p.name FROM person p WHERE p.household_id = h.id AND p.relation = 'head' AND p.merged_into IS NULL LIMIT 1)
         FROM household h WHERE h.rt_id = ?1",
    )?;
    let mut out = HashMap::new();
    for rt in rts {
        let rows = stmt.query_map([rt.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<f64>>(2)?,
                r.get::<_, Option<f64>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        for row in rows {
            let (id, address, lat, lon, head_name) = row?;
            let id: HouseholdId = id
                .parse()
                .map_err(|_| StoreError::Malformed("household id".into()))?;
            out.insert(
                id,
                StopHousehold {
                    address,
                    head_name,
                    gps: lat.zip(lon).map(|(lat, lon)| GeoPoint { lat, lon }),
                },
            );
        }
    }
    Ok(out)
}

/// The persons of `rts` named in `wanted` (one query per RT, not per person).
fn persons_in(
    conn: &Connection,
    rts: &[AreaId],
    wanted: &HashSet<PersonId>,
) -> Result<HashMap<PersonId, Person>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM person p JOIN household h ON p.household_id = h.id WHERE h.rt_id = ?1",
        PERSON_COLUMNS
            .split(", ")
            .map(|c| format!("p.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))?;
    let mut out = HashMap::new();
    for rt in rts {
        for p in stmt.query_map([rt.to_string()], |r| person_from_row(r, 0))? {
            let p = p?;
            if wanted.contains(&p.id) {
                out.insert(p.id, p);
            }
        }
    }
    Ok(out)
}

/// One person expected at a Posyandu session.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectedPerson {
    pub person: Person,
    pub household: Option<HouseholdId>,
    /// The Posyandu services due for them that day.
    pub items: Vec<DueItem>,
    /// They were seen at a Posyandu visit that day.
    pub attended: bool,
}

/// Who is expected at a Posyandu on `date`: persons of its RTs with a Posyandu service
/// (weighing, a dose, vitamin A, a screening, a condition check) open that day, and whether they
/// came. After the day, those who did not come are the home visits the session leaves behind.
#[derive(Clone, Debug, PartialEq)]
pub struct PosyanduSession {
    pub posyandu: PosyanduId,
    pub date: Date,
    pub expected: Vec<ExpectedPerson>,
}

impl PosyanduSession {
    /// Expected persons who did not come: home visits once the day is over.
    pub fn absent(&self) -> impl Iterator<Item = &ExpectedPerson> {
        self.expected.iter().filter(|e| !e.attended)
    }
}

pub fn posyandu_session(
    conn: &Connection,
    posyandu: PosyanduId,
    date: Date,
    offset: UtcOffset,
) -> Result<PosyanduSession> {
    let rts: Vec<AreaId> = conn
        .prepare_cached("SELECT rt_id FROM posyandu_rt WHERE posyandu_id = ?1")?
        .query_map([posyandu.to_string()], |r| r.get::<_, String>(0))?
        .map(|r| {
            r.map_err(StoreError::from).and_then(|s| {
                s.parse()
                    .map_err(|_| StoreError::Malformed("posyandu_rt.rt_id".into()))
            })
        })
        .collect::<Result<_>>()?;
    if rts.is_empty() {
        crate::areas::posyandu_list(conn)?
            .into_iter()
            .find(|p| p.id == posyandu)
            .ok_or_else(|| StoreError::not_found("posyandu", posyandu))?;
    }
    // Items done that day count too: someone weighed at the session is still "expected".
    let mut by_person: HashMap<PersonId, (Option<HouseholdId>, Vec<DueItem>)> = HashMap::new();
    for StoredDueItem {
        item, household, ..
    } in open_or_done_on(conn, &rts, date)?
    {
        if worklist::is_posyandu_service(&item.kind) {
            by_person
                .entry(item.person)
                .or_insert_with(|| (household, Vec::new()))
                .1
                .push(item);
        }
    }
    let wanted: HashSet<PersonId> = by_person.keys().copied().collect();
    let persons = persons_in(conn, &rts, &wanted)?;
    let attended = attended_on(conn, &rts, date, offset)?;
    let mut expected: Vec<ExpectedPerson> = by_person
        .into_iter()
        .filter_map(|(id, (household, mut items))| {
            let person = persons.get(&id)?.clone();
            items.sort_by_key(|i| (i.window.due, i.kind.key()));
            Some(ExpectedPerson {
                attended: attended.contains(&id),
                person,
                household,
                items,
            })
        })
        .collect();
    expected.sort_by(|a, b| {
        (a.household, a.person.name.as_deref(), a.person.id).cmp(&(
            b.household,
            b.person.name.as_deref(),
            b.person.id,
        ))
    });
    Ok(PosyanduSession {
        posyandu,
        date,
        expected,
    })
}

/// The latest day on or before `today` with a Posyandu visit in the Posyandu's RTs: the last
/// session, when the caller does not name one.
pub fn last_session_date(
    conn: &Connection,
    posyandu: PosyanduId,
    today: Date,
    offset: UtcOffset,
) -> Result<Option<Date>> {
    let until = (today + time::Duration::days(1))
        .midnight()
        .assume_offset(offset)
        .unix_timestamp()
        * 1000;
    let latest: Option<i64> = conn
        .prepare_cached(
            "SELECT max(e.occurred_at) FROM event e
             JOIN person p ON p.id = e.person_id
             JOIN household h ON h.id = p.household_id
             JOIN posyandu_rt r ON r.rt_id = h.rt_id
             WHERE r.posyandu_id = ?1 AND e.kind = 'visit' AND e.occurred_at < ?2
               AND json_extract(e.payload, '$.kind.kind') = 'posyandu'",
        )?
        .query_row(params![posyandu.to_string(), until], |r| r.get(0))?;
    Ok(latest.map(|ms| ilp_model::Timestamp::from_millis(ms).date_at(offset)))
}

/// Items of `rts` open on `date` or done on it.
fn open_or_done_on(conn: &Connection, rts: &[AreaId], date: Date) -> Result<Vec<StoredDueItem>> {
    let mut items = due_items::open_in_rts(conn, rts, date)?;
    items.extend(due_items::done_on_in_rts(conn, rts, date)?);
    Ok(items)
}

/// Persons of `rts` with a Posyandu visit on the local date `date`.
fn attended_on(
    conn: &Connection,
    rts: &[AreaId],
    date: Date,
    offset: UtcOffset,
) -> Result<HashSet<PersonId>> {
    let start = date.midnight().assume_offset(offset);
    let from = start.unix_timestamp() * 1000;
    let to = from + 86_400_000;
    let mut stmt = conn.prepare_cached(
        "SELECT e.person_id, e.payload FROM event e JOIN person p ON p.id = e.person_id JOIN household h ON h.id = p.household_id
         WHERE h.rt_id = ?1 AND e.kind = 'visit' AND e.occurred_at >= ?2 AND e.occurred_at < ?3",
    )?;
    let mut out = HashSet::new();
    for rt in rts {
        let rows = stmt.query_map(params![rt.to_string(), from, to], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (person, payload) = row?;
            let payload: EventPayload = serde_json::from_str(&payload)?;
            if let EventPayload::Visit(v) = payload
                && v.kind == ilp_model::VisitKind::Posyandu
            {
                let id = person
                    .parse()
                    .map_err(|_| StoreError::Malformed("event.person_id".into()))?;
                out.insert(crate::persons::resolve_merged(conn, id)?);
            }
        }
    }
    Ok(out)
}
