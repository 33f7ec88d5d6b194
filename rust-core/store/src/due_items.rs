//! Due items kept precomputed: each person's items still to do, from the schedule rules, stored
//! with the household and RT they belong to and what a worklist row shows of them, so a worklist
//! is one covering index read. A person's whole card (done and missed items too) is computed when
//! asked. Items are derived, never synced: they are recomputed inside the write that
//! touches a person, and rebuilt for everyone when the month turns (recurring items follow the
//! calendar) or after a bulk load. The days each Posyandu held its session are kept beside them.

use crate::error::{Result, StoreError};
use crate::events::{self, EVENT_COLUMNS, event_from_row};
use crate::persons::{self, PERSON_COLUMNS, person_from_row};
use crate::pregnancies;
use ilp_model::{
    AreaId, BirthDate, Event, EventPayload, GeoPoint, HouseholdId, Person, PersonId, PosyanduId,
    Pregnancy, VisitKind,
};
use ilp_rules::due::{ClosesAs, DueItem, DueKind, TableRef, Window};
use ilp_rules::facts::{PersonFacts, RuleContext};
use ilp_rules::kms;
use ilp_rules::schedule::{ScheduleTables, due_items_with_mother};
use rusqlite::{Connection, OptionalExtension, params};
use rustc_hash::FxHashMap;
use std::collections::{HashMap, HashSet};
use time::{Date, UtcOffset};

/// The month (first day, ISO) the stored items were last rebuilt for; absent = rebuild needed.
const META_AS_OF: &str = "due_items_as_of";

/// One stored item with where its person lives.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredDueItem {
    pub item: DueItem,
    pub household: Option<HouseholdId>,
    pub rt: Option<AreaId>,
}

/// A person as a worklist row shows them (borrowed from the list's [`PersonLabels`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PersonLabel<'a> {
    /// The name, or the description of an unidentified person.
    pub name: Option<&'a str>,
    pub birth: Option<BirthDate>,
}

/// A household as a worklist stop shows it (borrowed from the list's [`HouseholdLabels`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StopHousehold<'a> {
    pub address: Option<&'a str>,
    pub head_name: Option<&'a str>,
    pub gps: Option<GeoPoint>,
}

/// Where one label's text lies in its [`Texts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    start: u32,
    len: u32,
}

/// The texts of many labels in one buffer. A bidan's list shows thousands of names and
/// addresses: one allocation for all of them instead of one each (the allocator took about a
/// quarter of a large worklist's time, most of it for these small strings).
#[derive(Clone, Debug, Default)]
struct Texts(String);

impl Texts {
    fn push(&mut self, text: Option<&str>) -> Option<Span> {
        let text = text?;
        let start = self.0.len();
        self.0.push_str(text);
        Some(Span {
            start: start as u32,
            len: text.len() as u32,
        })
    }

    fn get(&self, span: Option<Span>) -> Option<&str> {
        let s = span?;
        Some(&self.0[s.start as usize..(s.start + s.len) as usize])
    }
}

/// Labels read by one reader: their texts and, by id, where each lies.
#[derive(Clone, Debug)]
struct Part<K, V> {
    texts: Texts,
    by_id: FxHashMap<K, V>,
}

/// Labels by id, in the parts the readers of disjoint RTs read (an id is in one part): joining
/// two lists moves the other's parts over instead of inserting each id again.
#[derive(Clone, Debug)]
struct Parts<K, V>(Vec<Part<K, V>>);

impl<K: std::hash::Hash + Eq + Copy, V> Parts<K, V> {
    fn with_capacity(n: usize, text_per_id: usize) -> Self {
        Self(vec![Part {
            texts: Texts(String::with_capacity(n * text_per_id)),
            by_id: FxHashMap::with_capacity_and_hasher(n, Default::default()),
        }])
    }

    /// The part being filled (the last).
    fn last(&mut self) -> &mut Part<K, V> {
        if self.0.is_empty() {
            self.0.push(Part {
                texts: Texts::default(),
                by_id: FxHashMap::default(),
            });
        }
        self.0.last_mut().expect("one part at least")
    }

    fn get(&self, id: &K) -> Option<(&Texts, &V)> {
        self.0
            .iter()
            .find_map(|p| p.by_id.get(id).map(|v| (&p.texts, v)))
    }

    fn len(&self) -> usize {
        self.0.iter().map(|p| p.by_id.len()).sum()
    }

    fn keys(&self) -> impl Iterator<Item = K> + '_ {
        self.0.iter().flat_map(|p| p.by_id.keys().copied())
    }

    fn extend(&mut self, other: Parts<K, V>) {
        self.0
            .extend(other.0.into_iter().filter(|p| !p.by_id.is_empty()));
    }
}

impl<K, V> Default for Parts<K, V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

/// The persons of a worklist as its rows show them, by id.
#[derive(Clone, Debug, Default)]
pub struct PersonLabels(Parts<PersonId, (Option<Span>, Option<BirthDate>)>);

impl PersonLabels {
    fn with_capacity(n: usize) -> Self {
        Self(Parts::with_capacity(n, 16))
    }

    fn insert(&mut self, id: PersonId, name: Option<&str>, birth: Option<BirthDate>) {
        let part = self.0.last();
        let name = part.texts.push(name);
        part.by_id.insert(id, (name, birth));
    }

    pub fn get(&self, id: &PersonId) -> Option<PersonLabel<'_>> {
        self.0.get(id).map(|(texts, (name, birth))| PersonLabel {
            name: texts.get(*name),
            birth: *birth,
        })
    }

    pub fn contains_key(&self, id: &PersonId) -> bool {
        self.0.get(id).is_some()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = (PersonId, PersonLabel<'_>)> {
        self.0.keys().map(|id| (id, self.get(&id).expect("listed")))
    }

    /// Adds the persons of another list of other RTs (a person is listed in their own RT only).
    pub fn extend(&mut self, other: PersonLabels) {
        self.0.extend(other.0);
    }
}

impl PartialEq for PersonLabels {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(id, l)| other.get(&id) == Some(l))
    }
}

/// The households of a worklist as its stops show them, by id.
#[derive(Clone, Debug, Default)]
pub struct HouseholdLabels(Parts<HouseholdId, HouseholdSpans>);

/// A household's address, head's name (where they lie in the texts) and position.
type HouseholdSpans = (Option<Span>, Option<Span>, Option<GeoPoint>);

impl HouseholdLabels {
    fn with_capacity(n: usize) -> Self {
        Self(Parts::with_capacity(n, 48))
    }

    fn insert(
        &mut self,
        id: HouseholdId,
        address: Option<&str>,
        head_name: Option<&str>,
        gps: Option<GeoPoint>,
    ) {
        let part = self.0.last();
        let address = part.texts.push(address);
        let head_name = part.texts.push(head_name);
        part.by_id.insert(id, (address, head_name, gps));
    }

    pub fn get(&self, id: &HouseholdId) -> Option<StopHousehold<'_>> {
        self.0
            .get(id)
            .map(|(texts, (address, head_name, gps))| StopHousehold {
                address: texts.get(*address),
                head_name: texts.get(*head_name),
                gps: *gps,
            })
    }

    /// Where a household is, when known.
    pub fn gps(&self, id: &HouseholdId) -> Option<GeoPoint> {
        self.0.get(id).and_then(|(_, h)| h.2)
    }

    pub fn contains_key(&self, id: &HouseholdId) -> bool {
        self.0.get(id).is_some()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = (HouseholdId, StopHousehold<'_>)> {
        self.0.keys().map(|id| (id, self.get(&id).expect("listed")))
    }

    /// Adds the households of another list of other RTs.
    pub fn extend(&mut self, other: HouseholdLabels) {
        self.0.extend(other.0);
    }
}

impl PartialEq for HouseholdLabels {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(id, h)| other.get(&id) == Some(h))
    }
}

/// The open items of some RTs with what their rows show of persons and households.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OpenItems {
    pub items: Vec<StoredDueItem>,
    pub persons: PersonLabels,
    pub households: HouseholdLabels,
}

/// Where a person lives, as their items carry it.
#[derive(Clone, Debug, Default, PartialEq)]
struct Home {
    household: Option<HouseholdId>,
    rt: Option<String>,
    head_name: Option<String>,
    address: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
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

fn home_of(conn: &Connection, household: Option<HouseholdId>) -> Result<Home> {
    let Some(h) = household else {
        return Ok(Home::default());
    };
    let row = conn
        .prepare_cached(
            "SELECT rt_id, address, lat, lon,
                    (SELECT name FROM person WHERE household_id = ?1 AND relation = 'head' AND merged_into IS NULL
                       AND name IS NOT NULL ORDER BY id LIMIT 1)
             FROM household WHERE id = ?1",
        )?
        .query_row([h.to_string()], |r| {
            Ok(Home {
                household: Some(h),
                rt: r.get(0)?,
                address: r.get(1)?,
                lat: r.get(2)?,
                lon: r.get(3)?,
                head_name: r.get(4)?,
            })
        })
        .optional()?;
    Ok(row.unwrap_or(Home {
        household: Some(h),
        ..Home::default()
    }))
}

/// Recomputes the items of `persons` (inside the caller's write transaction).
pub(crate) fn recompute(
    conn: &Connection,
    persons: impl IntoIterator<Item = PersonId>,
    tables: &ScheduleTables,
    ctx: &RuleContext,
) -> Result<()> {
    for id in persons {
        let person = match persons::get_person(conn, id) {
            Ok(p) => p,
            Err(StoreError::NotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        if person.merged_into.is_some() {
            // A merged record's items move to the survivor, which the merge also touched.
            delete_for(conn, id)?;
            continue;
        }
        let facts = person_facts(conn, id)?;
        let home = home_of(conn, facts.person.household)?;
        replace_for(conn, &facts, &home, tables, ctx)?;
    }
    Ok(())
}

/// Rebuilds every person's items and every Posyandu's session days (a new month, a bulk load, a
/// schedule table change), streaming persons and their events in id order so memory stays
/// bounded.
pub(crate) fn rebuild_all(
    conn: &Connection,
    tables: &ScheduleTables,
    ctx: &RuleContext,
) -> Result<usize> {
    // The worklist's index is built again once every item is in, from its sorted rows, instead
    // of taking each item as it comes: its entries then lie in key order within its pages, as
    // a worklist reads them, and a large worklist reads them about a sixth faster (BENCHMARKS.md
    // section 12). Its definition is the schema's, read back, not a second copy.
    let open_index: String = conn.query_row(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'due_item_open'",
        [],
        |r| r.get(0),
    )?;
    conn.execute("DROP INDEX due_item_open", [])?;
    conn.execute("DELETE FROM due_item", [])?;
    conn.execute("DELETE FROM posyandu_day", [])?;
    let merged_sources: HashSet<String> = conn
        .prepare("SELECT DISTINCT merged_into FROM person WHERE merged_into IS NOT NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // Two heads in one household (two phones each set one): the lowest id names it, in
    // `home_of` too, so every replica shows the same name whatever the order it learnt them in.
    let heads: HashMap<String, String> = conn
        .prepare(
            "SELECT household_id, name FROM person
             WHERE relation = 'head' AND merged_into IS NULL AND household_id IS NOT NULL AND name IS NOT NULL
             ORDER BY id DESC",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut homes: HashMap<HouseholdId, Home> = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, rt_id, address, lat, lon FROM household")?;
    for row in stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<f64>>(3)?,
            r.get::<_, Option<f64>>(4)?,
        ))
    })? {
        let (id, rt, address, lat, lon) = row?;
        let household: HouseholdId = id
            .parse()
            .map_err(|_| StoreError::Malformed("household.id".into()))?;
        homes.insert(
            household,
            Home {
                household: Some(household),
                head_name: heads.get(&id).cloned(),
                rt: Some(rt),
                address,
                lat,
                lon,
            },
        );
    }
    let posyandus_of_rt = posyandus_by_rt(conn)?;
    let mut sessions = SessionDays::default();
    let mut pregnancies_by_person: HashMap<PersonId, Vec<Pregnancy>> = HashMap::new();
    for p in pregnancies::all(conn)? {
        pregnancies_by_person.entry(p.person).or_default().push(p);
    }
    // Records merged away are not listed below, but their Posyandu visits were sessions all the
    // same: they count where the merged record lived, as they did when they were recorded.
    let merged_homes: HashMap<String, Option<String>> = conn
        .prepare("SELECT id, household_id FROM person WHERE merged_into IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let merged_rt = |person: &str| -> Option<String> {
        let h: HouseholdId = merged_homes.get(person)?.as_deref()?.parse().ok()?;
        homes.get(&h)?.rt.clone()
    };
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
        let home = person
            .household
            .and_then(|h| homes.get(&h).cloned())
            .unwrap_or(Home {
                household: person.household,
                ..Home::default()
            });
        let mut own: Vec<Event> = Vec::new();
        // Events are ordered by the person id's text, as persons are: skip those of persons
        // not listed (merged away; their events reach the survivor below), take this person's.
        while let Some(next) = events.peek() {
            let next_person = match next {
                Ok(e) => e.person.to_string(),
                Err(_) => {
                    return Err(events.next().expect("peeked").unwrap_err().into());
                }
            };
            match next_person.cmp(&key) {
                std::cmp::Ordering::Less => {
                    let e = events.next().expect("peeked")?;
                    if merged_homes.contains_key(&next_person) {
                        sessions.note(
                            &e,
                            merged_rt(&next_person).as_deref(),
                            &posyandus_of_rt,
                            ctx.offset,
                        );
                    }
                }
                std::cmp::Ordering::Equal => {
                    own.push(events.next().expect("peeked")?);
                }
                std::cmp::Ordering::Greater => break,
            }
        }
        for e in &own {
            sessions.note(e, home.rt.as_deref(), &posyandus_of_rt, ctx.offset);
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
        replace_for(conn, &facts, &home, tables, ctx)?;
        count += 1;
    }
    // Events after the last listed person: only merged records' visits still count.
    for e in events {
        let e = e?;
        let person = e.person.to_string();
        if merged_homes.contains_key(&person) {
            sessions.note(
                &e,
                merged_rt(&person).as_deref(),
                &posyandus_of_rt,
                ctx.offset,
            );
        }
    }
    sessions.store(conn)?;
    conn.execute(&open_index, [])?;
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

fn delete_for(conn: &Connection, id: PersonId) -> Result<()> {
    conn.prepare_cached("DELETE FROM due_item WHERE person_id = ?1")?
        .execute([id.to_string()])?;
    Ok(())
}

fn replace_for(
    conn: &Connection,
    facts: &PersonFacts,
    home: &Home,
    tables: &ScheduleTables,
    ctx: &RuleContext,
) -> Result<()> {
    delete_for(conn, facts.person.id)?;
    let items = items_of(conn, facts, tables, ctx)?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO due_item (person_id, item_key, household_id, rt_id, earliest, due, latest, closes_as,
                               high_risk, rule_table, person_name, birth_date, birth_estimated, head_name,
                               address, lat, lon, shown)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?;
    let p = &facts.person;
    let person = p.id.to_string();
    let household = home.household.map(|h| h.to_string());
    let name = p.name.as_deref().or(p.description.as_deref());
    let today = ctx.today.to_julian_day();
    let mut shown = Vec::with_capacity(256);
    for item in &items {
        let latest = item.window.latest.map(Date::to_julian_day);
        // Done and closed items are never on a worklist: only what is still to do is kept.
        if item.done_on.is_some() || latest.is_some_and(|l| l < today) {
            continue;
        }
        let key = item.kind.key();
        let table = item.table.to_string();
        shown.clear();
        Shown {
            person: p.id,
            household: home.household,
            due: item.window.due.to_julian_day(),
            high_risk: item.high_risk,
            closes_as: item.closes_as,
            birth: p.birth,
            gps: home.lat.zip(home.lon),
            item_key: &key,
            table: &table,
            name,
            head_name: home.head_name.as_deref(),
            address: home.address.as_deref(),
        }
        .write(&mut shown);
        insert.execute(params![
            person,
            key,
            household,
            home.rt,
            item.window.earliest.to_julian_day(),
            item.window.due.to_julian_day(),
            latest,
            closes_as_code(item.closes_as),
            item.high_risk,
            table,
            name,
            p.birth.map(|b| b.date.to_julian_day()),
            p.birth.is_some_and(|b| b.estimated),
            home.head_name,
            home.address,
            home.lat,
            home.lon,
            shown,
        ])?;
    }
    Ok(())
}

/// What a worklist row shows of an item, packed into the one `shown` column its index holds: a
/// worklist reads three columns a row instead of sixteen (SQLite's stepping through the columns
/// and the driver's calls per column were about a third of a large list's time). Ids are their
/// 16 bytes; the labels come last, so a person or household already read skips them. The
/// columns beside it keep the same values for SQL readers and tests.
#[derive(Debug, PartialEq)]
struct Shown<'a> {
    person: PersonId,
    household: Option<HouseholdId>,
    due: i32,
    high_risk: bool,
    closes_as: ClosesAs,
    birth: Option<BirthDate>,
    gps: Option<(f64, f64)>,
    item_key: &'a str,
    table: &'a str,
    name: Option<&'a str>,
    head_name: Option<&'a str>,
    address: Option<&'a str>,
}

/// Marks an absent text (a length no text of ours reaches).
const NO_TEXT: u32 = u32::MAX;

impl<'a> Shown<'a> {
    fn write(&self, out: &mut Vec<u8>) {
        let text = |out: &mut Vec<u8>, t: Option<&str>| match t {
            Some(t) => {
                out.extend_from_slice(&(t.len() as u32).to_le_bytes());
                out.extend_from_slice(t.as_bytes());
            }
            None => out.extend_from_slice(&NO_TEXT.to_le_bytes()),
        };
        out.extend_from_slice(self.person.0.as_bytes());
        match self.household {
            Some(h) => {
                out.push(1);
                out.extend_from_slice(h.0.as_bytes());
            }
            None => out.push(0),
        }
        out.extend_from_slice(&self.due.to_le_bytes());
        out.push(u8::from(self.high_risk));
        out.push(match self.closes_as {
            ClosesAs::Missed => 0,
            ClosesAs::NotAllowed => 1,
        });
        match self.birth {
            Some(b) => {
                out.push(1 + u8::from(b.estimated));
                out.extend_from_slice(&b.date.to_julian_day().to_le_bytes());
            }
            None => out.push(0),
        }
        match self.gps {
            Some((lat, lon)) => {
                out.push(1);
                out.extend_from_slice(&lat.to_le_bytes());
                out.extend_from_slice(&lon.to_le_bytes());
            }
            None => out.push(0),
        }
        text(out, Some(self.item_key));
        text(out, Some(self.table));
        text(out, self.name);
        text(out, self.head_name);
        text(out, self.address);
    }
}

/// Reads a packed [`Shown`] front to back; `None` when it is cut short or malformed.
struct ShownReader<'a>(&'a [u8]);

impl<'a> ShownReader<'a> {
    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.bytes(N)?.try_into().ok()
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.array::<1>()?[0])
    }

    fn i32(&mut self) -> Option<i32> {
        Some(i32::from_le_bytes(self.array()?))
    }

    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_le_bytes(self.array()?))
    }

    fn id(&mut self) -> Option<uuid::Uuid> {
        Some(uuid::Uuid::from_bytes(self.array()?))
    }

    fn text(&mut self) -> Option<Option<&'a [u8]>> {
        let len = u32::from_le_bytes(self.array()?);
        if len == NO_TEXT {
            return Some(None);
        }
        self.bytes(len as usize).map(Some)
    }

    /// The fixed part read, the texts left as bytes (a worklist checks a text only the first
    /// time it meets it: most rows repeat an item key, a table and a household already read).
    fn read_packed(bytes: &'a [u8]) -> Option<Packed<'a>> {
        let mut r = ShownReader(bytes);
        let person = PersonId(r.id()?);
        let household = match r.u8()? {
            0 => None,
            _ => Some(HouseholdId(r.id()?)),
        };
        let due = r.i32()?;
        let high_risk = r.u8()? != 0;
        let closes_as = match r.u8()? {
            0 => ClosesAs::Missed,
            _ => ClosesAs::NotAllowed,
        };
        let birth = match r.u8()? {
            0 => None,
            flag => Some(BirthDate {
                estimated: flag == 2,
                date: Date::from_julian_day(r.i32()?).ok()?,
            }),
        };
        let gps = match r.u8()? {
            0 => None,
            _ => Some((r.f64()?, r.f64()?)),
        };
        let item_key = r.text()??;
        let table = r.text()??;
        Some(Packed {
            person,
            household,
            due,
            high_risk,
            closes_as,
            birth,
            gps,
            item_key,
            table,
            labels: [r.text()?, r.text()?, r.text()?],
        })
    }

    #[cfg(test)]
    fn read(bytes: &'a [u8]) -> Option<Shown<'a>> {
        let p = Self::read_packed(bytes)?;
        let text = |b: &'a [u8]| std::str::from_utf8(b).ok();
        let label = |b: Option<&'a [u8]>| b.map(text).map_or(Some(None), |t| t.map(Some));
        Some(Shown {
            person: p.person,
            household: p.household,
            due: p.due,
            high_risk: p.high_risk,
            closes_as: p.closes_as,
            birth: p.birth,
            gps: p.gps,
            item_key: text(p.item_key)?,
            table: text(p.table)?,
            name: label(p.labels[0])?,
            head_name: label(p.labels[1])?,
            address: label(p.labels[2])?,
        })
    }
}

/// A packed [`Shown`] as read, its texts not yet checked: the item key, the table, and the
/// name, head's name and address.
struct Packed<'a> {
    person: PersonId,
    household: Option<HouseholdId>,
    due: i32,
    high_risk: bool,
    closes_as: ClosesAs,
    birth: Option<BirthDate>,
    gps: Option<(f64, f64)>,
    item_key: &'a [u8],
    table: &'a [u8],
    labels: [Option<&'a [u8]>; 3],
}

impl<'a> Packed<'a> {
    /// Label `i` (name, head's name, address) as text.
    fn label(&self, i: usize) -> rusqlite::Result<Option<&'a str>> {
        self.labels[i]
            .map(|b| std::str::from_utf8(b).map_err(|_| bad::<()>(2, "bad label")(())))
            .transpose()
    }
}

/// Julian day numbers as dates, for the days around today that nearly every item falls in (the
/// conversion was a few percent of a large worklist).
struct Days {
    first: i32,
    dates: Vec<Option<Date>>,
}

impl Days {
    fn around(today: i32) -> Self {
        Days {
            first: today - 1024,
            dates: vec![None; 2048],
        }
    }

    fn get(&mut self, i: usize, v: i32) -> rusqlite::Result<Date> {
        let slot = usize::try_from(i64::from(v) - i64::from(self.first))
            .ok()
            .and_then(|k| self.dates.get_mut(k));
        match slot {
            Some(Some(d)) => Ok(*d),
            Some(slot) => {
                let d = day(i, v)?;
                *slot = Some(d);
                Ok(d)
            }
            None => day(i, v),
        }
    }
}

/// A person's items: the schedules, with the mother's delivery for a newborn and growth
/// faltering marking every item of a child high-risk.
fn items_of(
    conn: &Connection,
    facts: &PersonFacts,
    tables: &ScheduleTables,
    ctx: &RuleContext,
) -> Result<Vec<DueItem>> {
    let mother = newborn_mother(conn, facts, ctx)?;
    let mut items = due_items_with_mother(facts, mother.as_ref(), tables, ctx);
    if growth_faltering(facts, ctx) {
        for item in &mut items {
            item.high_risk = true;
        }
    }
    Ok(items)
}

/// A person's whole card on `ctx.today`: every item, done, open, upcoming, missed and not
/// allowed, computed from their records now (the store keeps only what is still to do).
pub fn card_of(
    conn: &Connection,
    id: PersonId,
    tables: &ScheduleTables,
    ctx: &RuleContext,
) -> Result<Vec<DueItem>> {
    let facts = person_facts(conn, id)?;
    let mut items = items_of(conn, &facts, tables, ctx)?;
    items.sort_by_cached_key(|i| (i.window.due, i.kind.key()));
    Ok(items)
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

fn bad<E>(i: usize, what: &'static str) -> impl Fn(E) -> rusqlite::Error {
    move |_| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, what.into())
}

fn day(i: usize, v: i32) -> rusqlite::Result<Date> {
    Date::from_julian_day(v).map_err(bad(i, "bad day"))
}

/// The items of the given RTs that are open on `today` (window opened, not closed, not done),
/// with the persons and households they belong to: one covering-index range per RT.
pub fn open_in_rts(conn: &Connection, rts: &[AreaId], today: Date) -> Result<OpenItems> {
    let mut reader = OpenItemReader::new(conn, rts.len(), today)?;
    let mut items = Vec::with_capacity(rts.len() * 128);
    for rt in rts {
        reader.read_rt(*rt, |s| items.push(s))?;
    }
    let (persons, households) = reader.finish();
    Ok(OpenItems {
        items,
        persons,
        households,
    })
}

/// Reads the open items of RTs one RT at a time (the worklist builds each RT's part as soon as
/// it is read): per row the window and the packed [`Shown`]. Ids, table references, item keys
/// and labels repeat across rows, so each is read once per reader.
pub(crate) struct OpenItemReader<'c> {
    stmt: rusqlite::CachedStatement<'c>,
    today: i32,
    days: Days,
    persons: PersonLabels,
    households: HouseholdLabels,
    tables: FxHashMap<Vec<u8>, TableRef>,
    kinds: FxHashMap<Vec<u8>, DueKind>,
}

impl<'c> OpenItemReader<'c> {
    /// A reader for about `rts` RTs (the maps are sized for a typical RT, about 120 open items
    /// of 80 persons in 30 households, so they do not grow step by step).
    pub(crate) fn new(conn: &'c Connection, rts: usize, today: Date) -> Result<Self> {
        let stmt = conn.prepare_cached(
            "SELECT earliest, latest, shown FROM due_item INDEXED BY due_item_open
             WHERE rt_id = ?1 AND earliest <= ?2 AND (latest IS NULL OR latest >= ?2)",
        )?;
        Ok(Self {
            stmt,
            today: today.to_julian_day(),
            days: Days::around(today.to_julian_day()),
            persons: PersonLabels::with_capacity(rts * 80),
            households: HouseholdLabels::with_capacity(rts * 32),
            tables: FxHashMap::default(),
            kinds: FxHashMap::default(),
        })
    }

    /// Where a household read so far is, when known.
    pub(crate) fn gps(&self, h: &HouseholdId) -> Option<GeoPoint> {
        self.households.gps(h)
    }

    /// The labels of every person and household read so far.
    pub(crate) fn finish(self) -> (PersonLabels, HouseholdLabels) {
        (self.persons, self.households)
    }

    /// Hands each open item of `rt` to `each`.
    pub(crate) fn read_rt(
        &mut self,
        rt: AreaId,
        mut each: impl FnMut(StoredDueItem),
    ) -> Result<()> {
        let mut rt_text = [0u8; 36];
        let rt_text: &str = rt.0.hyphenated().encode_lower(&mut rt_text);
        let mut rows = self.stmt.query(params![rt_text, self.today])?;
        while let Some(r) = rows.next()? {
            let shown = ShownReader::read_packed(r.get_ref(2)?.as_blob()?)
                .ok_or_else(|| bad::<()>(2, "bad shown")(()))?;
            if !self.persons.contains_key(&shown.person) {
                self.persons
                    .insert(shown.person, shown.label(0)?, shown.birth);
            }
            if let Some(h) = shown.household
                && !self.households.contains_key(&h)
            {
                self.households.insert(
                    h,
                    shown.label(2)?,
                    shown.label(1)?,
                    shown.gps.map(|(lat, lon)| GeoPoint { lat, lon }),
                );
            }
            let table = match self.tables.get(shown.table) {
                Some(t) => *t,
                None => {
                    let text = std::str::from_utf8(shown.table)
                        .map_err(|_| bad::<()>(2, "bad table")(()))?;
                    let t = TableRef::parse(text);
                    self.tables.insert(shown.table.to_vec(), t);
                    t
                }
            };
            // Most keys repeat across persons ("ptm:2026-01-01", "imm:mr:1"): read each once.
            let kind = match self.kinds.get(shown.item_key) {
                Some(k) => k.clone(),
                None => {
                    let k = std::str::from_utf8(shown.item_key)
                        .ok()
                        .and_then(DueKind::from_key)
                        .ok_or_else(|| bad::<()>(2, "bad item key")(()))?;
                    self.kinds.insert(shown.item_key.to_vec(), k.clone());
                    k
                }
            };
            let latest: Option<i32> = r.get(1)?;
            each(StoredDueItem {
                item: DueItem {
                    person: shown.person,
                    kind,
                    window: Window {
                        earliest: self.days.get(0, r.get(0)?)?,
                        due: self.days.get(2, shown.due)?,
                        latest: latest.map(|l| self.days.get(1, l)).transpose()?,
                    },
                    done_on: None,
                    closes_as: shown.closes_as,
                    high_risk: shown.high_risk,
                    table,
                },
                household: shown.household,
                rt: Some(rt),
            });
        }
        Ok(())
    }
}

/// The Posyandus serving each RT, by the ids' text.
pub(crate) fn posyandus_by_rt(conn: &Connection) -> Result<HashMap<String, Vec<String>>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT posyandu_id, rt_id FROM posyandu_rt")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (p, rt) = row?;
        out.entry(rt).or_default().push(p);
    }
    Ok(out)
}

/// Session days gathered while rebuilding.
#[derive(Default)]
struct SessionDays(HashMap<(String, i32), i64>);

impl SessionDays {
    fn note(
        &mut self,
        e: &Event,
        rt: Option<&str>,
        posyandus_of_rt: &HashMap<String, Vec<String>>,
        offset: UtcOffset,
    ) {
        for p in session_posyandus(e, rt, posyandus_of_rt) {
            let day = e.occurred_at.date_at(offset).to_julian_day();
            *self.0.entry((p, day)).or_default() += 1;
        }
    }

    fn store(self, conn: &Connection) -> Result<()> {
        let mut insert = conn.prepare_cached(
            "INSERT INTO posyandu_day (posyandu_id, day, visits) VALUES (?1, ?2, ?3)",
        )?;
        for ((p, day), visits) in self.0 {
            insert.execute(params![p, day, visits])?;
        }
        Ok(())
    }
}

/// The Posyandu a visit event was a session of: the one it names, else those serving the
/// person's RT. Empty for anything but a Posyandu visit.
fn session_posyandus(
    e: &Event,
    rt: Option<&str>,
    posyandus_of_rt: &HashMap<String, Vec<String>>,
) -> Vec<String> {
    match &e.payload {
        EventPayload::Visit(v) if v.kind == VisitKind::Posyandu => match v.posyandu {
            Some(p) => vec![p.to_string()],
            None => rt
                .and_then(|rt| posyandus_of_rt.get(rt))
                .cloned()
                .unwrap_or_default(),
        },
        _ => Vec::new(),
    }
}

/// Notes a Posyandu visit in its session's day (inside the write that records it).
pub(crate) fn note_session_visit(conn: &Connection, e: &Event, offset: UtcOffset) -> Result<()> {
    let EventPayload::Visit(v) = &e.payload else {
        return Ok(());
    };
    if v.kind != VisitKind::Posyandu {
        return Ok(());
    }
    let rt: Option<String> = conn
        .prepare_cached(
            "SELECT h.rt_id FROM person p JOIN household h ON h.id = p.household_id WHERE p.id = ?1",
        )?
        .query_row([e.person.to_string()], |r| r.get(0))
        .optional()?;
    let posyandus = if v.posyandu.is_some() {
        session_posyandus(e, None, &HashMap::new())
    } else {
        let Some(rt) = rt else {
            return Ok(());
        };
        conn.prepare_cached("SELECT posyandu_id FROM posyandu_rt WHERE rt_id = ?1")?
            .query_map([rt], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let day = e.occurred_at.date_at(offset).to_julian_day();
    let mut upsert = conn.prepare_cached(
        "INSERT INTO posyandu_day (posyandu_id, day, visits) VALUES (?1, ?2, 1)
         ON CONFLICT(posyandu_id, day) DO UPDATE SET visits = visits + 1",
    )?;
    for p in posyandus {
        upsert.execute(params![p, day])?;
    }
    Ok(())
}

/// Notes the Posyandu visits of a person that name no Posyandu, now that the person's RT became
/// known: a pulled person or household that arrived after the person's visits (a visit whose
/// person or household was missing counted for no session when it was stored).
pub(crate) fn note_late_session_visits(
    conn: &Connection,
    person: &str,
    offset: UtcOffset,
) -> Result<()> {
    let visits: Vec<Event> = conn
        .prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM event WHERE person_id = ?1 AND kind = 'visit'"
        ))?
        .query_map([person], event_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    for e in visits {
        if matches!(&e.payload, EventPayload::Visit(v) if v.posyandu.is_none()) {
            note_session_visit(conn, &e, offset)?;
        }
    }
    Ok(())
}

/// The last day from `from` to `until` (inclusive) a Posyandu held its session.
pub fn last_session_day(
    conn: &Connection,
    posyandu: PosyanduId,
    from: Date,
    until: Date,
) -> Result<Option<Date>> {
    let day: Option<i32> = conn
        .prepare_cached(
            "SELECT max(day) FROM posyandu_day WHERE posyandu_id = ?1 AND day >= ?2 AND day <= ?3",
        )?
        .query_row(
            params![
                posyandu.to_string(),
                from.to_julian_day(),
                until.to_julian_day()
            ],
            |r| r.get(0),
        )?;
    day.map(Date::from_julian_day)
        .transpose()
        .map_err(|_| StoreError::Malformed("posyandu_day.day".into()))
}

/// For each Posyandu with a session from `from` to `until` (inclusive), its last session day.
pub fn last_session_days(
    conn: &Connection,
    from: Date,
    until: Date,
) -> Result<HashMap<PosyanduId, Date>> {
    let mut stmt = conn.prepare_cached(
        "SELECT posyandu_id, max(day) FROM posyandu_day WHERE day >= ?1 AND day <= ?2
         GROUP BY posyandu_id",
    )?;
    let mut out = HashMap::new();
    let mut rows = stmt.query(params![from.to_julian_day(), until.to_julian_day()])?;
    while let Some(r) = rows.next()? {
        let day = Date::from_julian_day(r.get(1)?)
            .map_err(|_| StoreError::Malformed("posyandu_day.day".into()))?;
        let id: String = r.get(0)?;
        let id = id
            .parse()
            .map_err(|_| StoreError::Malformed("posyandu_day.posyandu_id".into()))?;
        out.insert(id, day);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = Option<String>> {
        proptest::option::of("\\PC{0,40}")
    }

    proptest! {
        #[test]
        fn a_packed_row_reads_back_as_written(
            ids in any::<([u8; 16], [u8; 16])>(),
            household in any::<bool>(),
            due in -100_000i32..3_000_000,
            flags in any::<(bool, bool)>(),
            birth in proptest::option::of((2_400_000i32..2_500_000, any::<bool>())),
            gps in proptest::option::of((-90.0f64..90.0, -180.0f64..180.0)),
            key in "\\PC{1,30}",
            table in "\\PC{1,30}",
            labels in (text(), text(), text()),
        ) {
            let shown = Shown {
                person: PersonId(uuid::Uuid::from_bytes(ids.0)),
                household: household.then(|| HouseholdId(uuid::Uuid::from_bytes(ids.1))),
                due,
                high_risk: flags.0,
                closes_as: if flags.1 { ClosesAs::NotAllowed } else { ClosesAs::Missed },
                birth: birth.map(|(d, estimated)| BirthDate {
                    date: Date::from_julian_day(d).unwrap(),
                    estimated,
                }),
                gps,
                item_key: &key,
                table: &table,
                name: labels.0.as_deref(),
                head_name: labels.1.as_deref(),
                address: labels.2.as_deref(),
            };
            let mut bytes = Vec::new();
            shown.write(&mut bytes);
            prop_assert_eq!(ShownReader::read(&bytes), Some(shown));
            // Cut short anywhere, it is refused rather than misread.
            for n in 0..bytes.len() {
                prop_assert!(ShownReader::read(&bytes[..n]).is_none());
            }
        }
    }
}
