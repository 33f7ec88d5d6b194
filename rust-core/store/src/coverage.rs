//! Reads behind the coverage table: an area (RT, RW, kelurahan, kecamatan or a Posyandu's RTs)
//! resolved to its households, loaded as the rules' household facts in a few set-wise queries
//! (one per RT, never one per person; a large area table by table, the events by two threads),
//! which the store hands to the pure coverage rules.

use crate::Store;
use crate::areas;
use crate::error::{Result, StoreError};
use crate::events::{EVENT_COLUMNS, apply_corrections, event_from_row};
use crate::households::{HOUSEHOLD_COLUMNS, household_from_row};
use crate::persons::{PERSON_COLUMNS, person_from_row};
use crate::pregnancies::{self, COLUMNS as PREGNANCY_COLUMNS};
use ilp_model::{
    AreaId, DeviceId, Event, EventId, EventPayload, Household, HouseholdId, Person, PersonId,
    PosyanduId, Pregnancy, Timestamp, UserId,
};
use ilp_rules::coverage::{CoverageTable, CoverageTables};
use ilp_rules::facts::{HouseholdFacts, PersonFacts, RuleContext};
use rusqlite::Connection;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI64, Ordering};

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

/// The households of `rts` with their members' effective histories and pregnancies, as the
/// coverage rules read them: of each history only the events the rules read
/// ([`ilp_rules::coverage::reads`]), without who recorded them, on which device or in which
/// visit, nor a dose's batch or a visit's place and Posyandu. Events of records merged into a member count for the member; merged-away records are
/// not members.
///
/// A few RTs are read through the person index, a few set-wise queries per RT. A large share of
/// the database is read table by table in storage order instead (events are stored by time, so
/// reading them RT by RT would decrypt most pages many times), the events from their compact
/// copy (`coverage_event`, a quarter of the event table's size) split between the store's two
/// readers.
pub fn household_facts(store: &Store, rts: &[AreaId]) -> Result<Vec<HouseholdFacts>> {
    let (total, in_area, first, last) = store.read(|conn| {
        let total: i64 = conn.query_row("SELECT count(*) FROM household", [], |r| r.get(0))?;
        let mut count_stmt =
            conn.prepare_cached("SELECT count(*) FROM household WHERE rt_id = ?1")?;
        let mut in_area = 0i64;
        for rt in rts {
            in_area += count_stmt.query_row([rt.to_string()], |r| r.get::<_, i64>(0))?;
        }
        // Two subqueries: SQLite reads min() or max() alone from the end of the table's b-tree,
        // but both in one query scanned (and decrypted) the whole table.
        let (first, last): (Option<i64>, Option<i64>) = conn.query_row(
            "SELECT (SELECT min(event_rowid) FROM coverage_event), (SELECT max(event_rowid) FROM coverage_event)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((total, in_area, first.unwrap_or(0), last.unwrap_or(-1)))
    })?;
    if in_area * 4 <= total {
        return store.read(|c| facts_by_rt(c, rts));
    }
    if last - first <= 10_000 {
        return store.read(|c| {
            Ok(scan_area(c, rts, &EventSlices::whole(), &OnceLock::new())?.finish(Vec::new()))
        });
    }
    // The first reader reads the households and persons, the second starts on the events at
    // once; both take slices of the event table until none is left, so they finish together
    // however the area's events lie in the table. Until the first has published who lives in
    // the area, the second keeps everyone's events (the area's are picked when joining).
    let slices = EventSlices::new(first, last);
    let wanted = OnceLock::new();
    let (area, upper) = store.read_in_two(
        |c| scan_area(c, rts, &slices, &wanted),
        |c| {
            let mut events = EventsByPerson::default();
            while let Some((from, to)) = slices.next() {
                scan_events(c, wanted.get(), from, to, &mut events)?;
            }
            Ok(events)
        },
    )?;
    Ok(area.finish(vec![upper]))
}

/// The event table's rowids cut into slices that readers take one at a time.
struct EventSlices {
    first: i64,
    last: i64,
    size: i64,
    next: AtomicI64,
}

impl EventSlices {
    /// About 32 slices: few enough that restarting the scan costs nothing, enough that the
    /// readers end within a slice of each other.
    fn new(first: i64, last: i64) -> Self {
        Self {
            first,
            last,
            size: ((last - first + 32) / 32).max(1),
            next: AtomicI64::new(0),
        }
    }

    /// One slice for the whole table (one reader).
    fn whole() -> Self {
        Self {
            first: i64::MIN,
            last: i64::MIN,
            size: 1,
            next: AtomicI64::new(0),
        }
    }

    /// The next slice `[from, to)` not yet taken; the last one runs to the end of the table
    /// (rows added since the bounds were read are kept too, as one read would).
    fn next(&self) -> Option<(i64, i64)> {
        let i = i128::from(self.next.fetch_add(1, Ordering::Relaxed));
        let (first, last, size) = (
            i128::from(self.first),
            i128::from(self.last),
            i128::from(self.size),
        );
        let from = first + i * size;
        if from > last {
            return None;
        }
        let to = from + size;
        Some((from as i64, if to > last { i64::MAX } else { to as i64 }))
    }
}

/// An id as its column holds it (36 characters).
type IdText = [u8; 36];

fn id_text(id: uuid::Uuid) -> IdText {
    let mut out = [0u8; 36];
    id.hyphenated().encode_lower(&mut out);
    out
}

/// A person id as `coverage_event` holds it (16 bytes): events are kept or skipped by it before
/// anything of theirs is parsed.
type IdBytes = [u8; 16];

/// How [`household_facts_planned`] reads; both give the same facts (the choice is only speed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadPlan {
    ByRt,
    TableScans,
}

/// [`household_facts`] on one connection with the reading plan chosen by the caller (tests
/// compare the two).
pub fn household_facts_planned(
    conn: &Connection,
    rts: &[AreaId],
    plan: ReadPlan,
) -> Result<Vec<HouseholdFacts>> {
    match plan {
        ReadPlan::ByRt => facts_by_rt(conn, rts),
        ReadPlan::TableScans => {
            Ok(scan_area(conn, rts, &EventSlices::whole(), &OnceLock::new())?.finish(Vec::new()))
        }
    }
}

/// RT by RT through the indexes.
fn facts_by_rt(conn: &Connection, rts: &[AreaId]) -> Result<Vec<HouseholdFacts>> {
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
        let households: Vec<Household> = households_stmt
            .query_map([&rt_key], household_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let persons: Vec<Person> = persons_stmt
            .query_map([&rt_key], |r| person_from_row(r, 0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut events = EventsByPerson::default();
        for e in events_stmt.query_map([&rt_key], event_from_row)? {
            let e = e?;
            events.entry(e.person).or_default().push(e);
        }
        let pregnancies: Vec<Pregnancy> = pregnancies_stmt
            .query_map([&rt_key], pregnancies::from_row)?
            .collect::<rusqlite::Result<_>>()?;
        assemble(households, persons, events, pregnancies, &mut out);
    }
    Ok(out)
}

/// An area's rows read table by table, the events of one rowid range of the event table.
struct AreaRows {
    households_by_rt: Vec<Vec<Household>>,
    persons_by_rt: Vec<Vec<Person>>,
    pregnancies_by_rt: Vec<Vec<Pregnancy>>,
    /// Each person of the area and the index of their RT.
    rt_of_person: FxHashMap<PersonId, usize>,
    events: EventsByPerson,
}

/// Whole tables in storage order, kept when in the area (rows of other areas are skipped on
/// their RT's or household's id before anything of theirs is parsed); publishes who lives in the
/// area in `wanted`, then reads the events of the slices it takes.
fn scan_area(
    conn: &Connection,
    rts: &[AreaId],
    slices: &EventSlices,
    wanted: &OnceLock<FxHashSet<IdBytes>>,
) -> Result<AreaRows> {
    let key = |v: rusqlite::types::ValueRef<'_>| -> Result<Option<IdText>> {
        Ok(v.as_bytes_or_null()?.and_then(|b| b.try_into().ok()))
    };
    let order: FxHashMap<IdText, usize> = rts
        .iter()
        .enumerate()
        .map(|(i, r)| (id_text(r.0), i))
        .collect();
    let mut households_by_rt: Vec<Vec<Household>> = vec![Vec::new(); rts.len()];
    let mut rt_of: FxHashMap<IdText, usize> = FxHashMap::default();
    let mut stmt = conn.prepare(&format!("SELECT {HOUSEHOLD_COLUMNS} FROM household"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let Some(i) = key(r.get_ref(1)?)?.and_then(|rt| order.get(&rt).copied()) else {
            continue;
        };
        let h = household_from_row(r)?;
        rt_of.insert(id_text(h.id.0), i);
        households_by_rt[i].push(h);
    }
    let mut persons_by_rt: Vec<Vec<Person>> = vec![Vec::new(); rts.len()];
    let mut rt_of_person: FxHashMap<PersonId, usize> = FxHashMap::default();
    let mut stmt = conn.prepare(&format!("SELECT {PERSON_COLUMNS} FROM person"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let Some(i) = key(r.get_ref(1)?)?.and_then(|h| rt_of.get(&h).copied()) else {
            continue;
        };
        let p = person_from_row(r, 0)?;
        rt_of_person.insert(p.id, i);
        persons_by_rt[i].push(p);
    }
    let wanted = wanted.get_or_init(|| rt_of_person.keys().map(|p| *p.0.as_bytes()).collect());
    let mut events = EventsByPerson::default();
    while let Some((from, to)) = slices.next() {
        scan_events(conn, Some(wanted), from, to, &mut events)?;
    }
    let mut pregnancies_by_rt: Vec<Vec<Pregnancy>> = vec![Vec::new(); rts.len()];
    let mut stmt = conn.prepare(&format!("SELECT {PREGNANCY_COLUMNS} FROM pregnancy"))?;
    for p in stmt.query_map([], pregnancies::from_row)? {
        let p = p?;
        if let Some(i) = rt_of_person.get(&p.person) {
            pregnancies_by_rt[*i].push(p);
        }
    }
    Ok(AreaRows {
        households_by_rt,
        persons_by_rt,
        pregnancies_by_rt,
        rt_of_person,
        events,
    })
}

impl AreaRows {
    /// The household facts, with the events another reader read from the rest of the table.
    fn finish(self, more_events: Vec<EventsByPerson>) -> Vec<HouseholdFacts> {
        let mut events_by_rt: Vec<EventsByPerson> =
            vec![EventsByPerson::default(); self.households_by_rt.len()];
        for events in std::iter::once(self.events).chain(more_events) {
            for (person, mut e) in events {
                if let Some(i) = self.rt_of_person.get(&person) {
                    events_by_rt[*i].entry(person).or_default().append(&mut e);
                }
            }
        }
        let mut first: Vec<_> = self
            .households_by_rt
            .into_iter()
            .zip(self.persons_by_rt)
            .zip(events_by_rt)
            .zip(self.pregnancies_by_rt)
            .collect();
        // Assembling sorts and corrects every member's history: the RTs are independent, so the
        // second half is assembled by a second thread, then joined in RT order.
        let second = first.split_off(first.len() / 2);
        type Rt = (
            ((Vec<Household>, Vec<Person>), EventsByPerson),
            Vec<Pregnancy>,
        );
        let assemble_all = |parts: Vec<Rt>| {
            let mut out = Vec::new();
            for (((mut households, persons), events), pregnancies) in parts {
                households.sort_by_key(|h| h.id);
                assemble(households, persons, events, pregnancies, &mut out);
            }
            out
        };
        std::thread::scope(|s| {
            let later = s.spawn(|| assemble_all(second));
            let mut out = assemble_all(first);
            out.extend(
                later
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
            out
        })
    }
}

/// Adds to `out` the events of the persons in `wanted` (everyone's without it) with rowids in
/// `[from, to)`, from the
/// compact copy of the event table, in one pass in storage order; the others' events are skipped
/// before anything of theirs is parsed.
fn scan_events(
    conn: &Connection,
    wanted: Option<&FxHashSet<IdBytes>>,
    from: i64,
    to: i64,
    out: &mut EventsByPerson,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT person, id, occurred_at, recorded_at, kind, payload FROM coverage_event
         WHERE event_rowid >= ?1 AND event_rowid < ?2",
    )?;
    let mut rows = stmt.query([from, to])?;
    while let Some(r) = rows.next()? {
        let person: Option<IdBytes> = r
            .get_ref(0)?
            .as_blob_or_null()?
            .and_then(|b| b.try_into().ok());
        // A malformed id (null here): reading it below reports it.
        if let (Some(wanted), Some(p)) = (wanted, person)
            && !wanted.contains(&p)
        {
            continue;
        }
        let e = compact_event_from_row(r)?;
        out.entry(e.person).or_default().push(e);
    }
    Ok(())
}

/// An event from its `coverage_event` row: who recorded it, on which device and in which visit,
/// a dose's batch and a visit's place and Posyandu are not kept there (the coverage rules read
/// none of them; [`assemble`] leaves them empty for every reading). An event the rules never read has no payload: it stands in as an empty
/// note, so corrections still find it, and is left out once they are applied.
fn compact_event_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    fn id(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<uuid::Uuid> {
        r.get_ref(i)?
            .as_blob_or_null()?
            .and_then(|b| uuid::Uuid::from_slice(b).ok())
            .ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    i,
                    rusqlite::types::Type::Blob,
                    "bad id".into(),
                )
            })
    }
    let payload = match r.get_ref(5)?.as_str_or_null()? {
        None => EventPayload::Note {
            text: String::new(),
        },
        Some(json) => {
            let kind = match r.get::<_, i64>(4)? {
                1 => "measurement",
                2 => "immunization",
                3 => "service",
                4 => "visit",
                5 => "health_status",
                // Voids, amendments and anything else keep their `type`.
                _ => "",
            };
            EventPayload::from_json_of_kind(kind, json).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    5,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?
        }
    };
    Ok(Event {
        id: EventId(id(r, 1)?),
        person: PersonId(id(r, 0)?),
        visit: None,
        recorded_by: UserId(uuid::Uuid::nil()),
        device: DeviceId(uuid::Uuid::nil()),
        occurred_at: Timestamp::from_millis(r.get(2)?),
        recorded_at: Timestamp::from_millis(r.get(3)?),
        payload,
    })
}

/// Builds the household facts of one RT from its rows: merged-away records' events and
/// pregnancies go to the record that survived, each member's history in time order with
/// corrections applied.
fn assemble(
    households: Vec<Household>,
    persons: Vec<Person>,
    mut events: EventsByPerson,
    pregnancies: Vec<Pregnancy>,
    out: &mut Vec<HouseholdFacts>,
) {
    let merged: FxHashMap<PersonId, PersonId> = persons
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
    for (gone, _) in merged.iter() {
        if let Some(e) = events.remove(gone) {
            events.entry(survivor(*gone)).or_default().extend(e);
        }
    }
    let mut pregnancies_of: FxHashMap<PersonId, Vec<Pregnancy>> = FxHashMap::default();
    for p in pregnancies {
        pregnancies_of
            .entry(survivor(p.person))
            .or_default()
            .push(p);
    }
    let mut members: FxHashMap<HouseholdId, Vec<PersonFacts>> = FxHashMap::default();
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
        let mut own_pregnancies = pregnancies_of.remove(&person.id).unwrap_or_default();
        own_pregnancies.sort_by_key(|p| p.hpht.or(p.edd));
        // Only what the coverage rules read, the same whichever table it was read from.
        let mut events = apply_corrections(own);
        events.retain(|e| ilp_rules::coverage::reads(&e.payload));
        for e in &mut events {
            e.visit = None;
            e.recorded_by = UserId(uuid::Uuid::nil());
            e.device = DeviceId(uuid::Uuid::nil());
            match &mut e.payload {
                EventPayload::Immunization(i) => i.batch = None,
                EventPayload::Visit(v) => {
                    v.place = None;
                    v.posyandu = None;
                }
                _ => {}
            }
        }
        members.entry(h).or_default().push(PersonFacts {
            person,
            events,
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

/// The coverage table of `facts` for the month containing `month`, a large area's households
/// counted in two halves by two threads (the rules took 30-40 ms for 200,000 events on one).
pub(crate) fn count_in_two(
    facts: &[HouseholdFacts],
    month: time::Date,
    ctx: &RuleContext,
    tables: &CoverageTables,
) -> CoverageTable {
    use ilp_rules::coverage::{count, coverage, join_counts};
    if facts.len() < 1_000 {
        return coverage(facts, month, ctx, tables);
    }
    let (first, second) = facts.split_at(facts.len() / 2);
    let parts = std::thread::scope(|s| {
        let later = s.spawn(|| count(second, month, ctx, tables));
        let first = count(first, month, ctx, tables);
        let second = later
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        vec![first, second]
    });
    join_counts(parts, month, ctx, tables)
}

/// Frees an area's facts in two threads: hundreds of thousands of events and their persons are
/// freed one by one, which took about a tenth of a large area's coverage on one thread.
pub(crate) fn drop_in_two(mut facts: Vec<HouseholdFacts>) {
    if facts.len() < 1_000 {
        return;
    }
    let second = facts.split_off(facts.len() / 2);
    std::thread::scope(|s| {
        s.spawn(move || drop(second));
        drop(facts);
    });
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

#[cfg(test)]
mod tests {
    use super::EventSlices;

    fn all(slices: &EventSlices) -> Vec<(i64, i64)> {
        std::iter::from_fn(|| slices.next()).collect()
    }

    #[test]
    fn slices_cover_the_table_once_and_the_last_runs_to_its_end() {
        for (first, last) in [(1, 300_000), (1, 31), (5, 5), (-3, 100), (1, 1_000_003)] {
            let slices = all(&EventSlices::new(first, last));
            assert_eq!(slices[0].0, first);
            assert_eq!(slices.last().unwrap().1, i64::MAX);
            for w in slices.windows(2) {
                assert_eq!(w[0].1, w[1].0, "contiguous");
                assert!(w[0].0 < w[0].1);
            }
            assert!(slices.len() <= 32, "{} slices", slices.len());
        }
        assert_eq!(all(&EventSlices::whole()), vec![(i64::MIN, i64::MAX)]);
    }
}
