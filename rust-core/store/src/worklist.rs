//! Reads behind the worklist and the Posyandu session: the open due items of a set of RTs with the
//! households and persons they belong to, handed to the pure worklist rules; and who is expected
//! at a Posyandu on its day, who came, and who becomes a home visit.

use crate::due_items::{self, StoredDueItem};
use crate::error::{Result, StoreError};
use ilp_model::{AreaId, EventPayload, HouseholdId, Person, PersonId, PosyanduId};
use ilp_rules::due::DueItem;
use ilp_rules::facts::RuleContext;
use ilp_rules::schedule::ScheduleTables;
use ilp_rules::worklist::{self, OpenItem, RtGroup};
use rusqlite::{Connection, params};
use rustc_hash::FxHashMap;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use time::{Date, UtcOffset};

pub use crate::due_items::{HouseholdLabels, PersonLabel, PersonLabels, StopHousehold};

/// The worklist with what its screen shows beside the items.
#[derive(Clone, Debug, PartialEq)]
pub struct Worklist {
    pub today: Date,
    pub groups: Vec<RtGroup>,
    pub persons: PersonLabels,
    pub households: HouseholdLabels,
}

impl Worklist {
    /// Joins the worklists of two disjoint sets of RTs (of the same day) into one, RT groups in
    /// priority order.
    pub fn merge(mut self, other: Worklist) -> Worklist {
        self.groups.extend(other.groups);
        worklist::sort_groups(&mut self.groups);
        self.persons.extend(other.persons);
        self.households.extend(other.households);
        self
    }

    /// Number of open items listed.
    pub fn item_count(&self) -> usize {
        self.groups.iter().map(|g| g.items.len()).sum()
    }
}

/// How far back a Posyandu session still turns its absentees into home visits.
const SESSION_LOOKBACK_DAYS: i64 = 35;

/// The worklist of `rts` on `today` from the stored items (the caller refreshes them first): one
/// covering-index read per RT, each RT's part of the list built as soon as it is read (an RT's
/// stops, priorities and walking route depend only on its own items), so the rows never pass
/// through one large intermediate list. Persons expected at their Posyandu's last session who
/// were not served there have their Posyandu services turned into a home visit due now.
pub fn worklist(conn: &Connection, rts: &[AreaId], today: Date) -> Result<Worklist> {
    let snapshot = Snapshot::begin(conn)?;
    let sessions = SessionDays::load(conn, rts, today)?;
    let list = worklist_shared(conn, rts, &sessions, &AtomicUsize::new(0), today)?;
    snapshot.end()?;
    Ok(list)
}

/// One read transaction around several reads, so they see one state of the store and do not
/// each begin their own; none when the caller has one open already.
struct Snapshot<'c>(Option<rusqlite::Transaction<'c>>);

impl<'c> Snapshot<'c> {
    fn begin(conn: &'c Connection) -> Result<Self> {
        Ok(Self(if conn.is_autocommit() {
            Some(conn.unchecked_transaction()?)
        } else {
            None
        }))
    }

    fn end(self) -> Result<()> {
        if let Some(tx) = self.0 {
            tx.finish()?;
        }
        Ok(())
    }
}

/// [`worklist`] of the RTs this reader takes from `rts`, one at a time from `next`, which other
/// readers share: each ends with its part of the list (joined with [`Worklist::merge`]), and
/// together they finish when the last RT is read, however the items lie among the RTs.
pub(crate) fn worklist_shared(
    conn: &Connection,
    rts: &[AreaId],
    sessions: &SessionDays,
    next: &AtomicUsize,
    today: Date,
) -> Result<Worklist> {
    let snapshot = Snapshot::begin(conn)?;
    let mut reader = due_items::OpenItemReader::new(conn, rts.len(), today)?;
    let mut missed: FxHashMap<PersonId, Date> = FxHashMap::default();
    let mut groups = Vec::with_capacity(rts.len());
    let mut items: Vec<OpenItem> = Vec::with_capacity(256);
    while let Some(rt) = rts.get(next.fetch_add(1, Ordering::Relaxed)) {
        let days = sessions.of_rt(rt);
        reader.read_rt(*rt, |s| {
            items.push(OpenItem {
                item: s.item,
                household: s.household,
                rt: s.rt,
                missed_session: None,
            })
        })?;
        if !days.is_empty() {
            missed.clear();
            for o in &items {
                for day in days {
                    if worklist::expected_at_session(&o.item, *day) {
                        let e = missed.entry(o.item.person).or_insert(*day);
                        *e = (*e).max(*day);
                    }
                }
            }
            for o in &mut items {
                o.missed_session = missed.get(&o.item.person).copied();
            }
        }
        groups.extend(worklist::build_with(&mut items, |h| reader.gps(&h), today));
    }
    worklist::sort_groups(&mut groups);
    let (persons, households) = reader.finish();
    snapshot.end()?;
    Ok(Worklist {
        today,
        groups,
        persons,
        households,
    })
}

/// The last session days (before today, or today once a kader ended it on this device; within
/// the lookback) of the Posyandus serving each RT asked for: a person of the RT expected there
/// and not served (a Posyandu service whose window held the day is still open) missed it. Read
/// once per worklist, before its readers start, in three queries whatever the number of RTs.
pub(crate) struct SessionDays(FxHashMap<AreaId, Vec<Date>>);

impl SessionDays {
    pub(crate) fn load(conn: &Connection, rts: &[AreaId], today: Date) -> Result<Self> {
        let from = today - time::Duration::days(SESSION_LOOKBACK_DAYS);
        let yesterday = today - time::Duration::days(1);
        let wanted: HashSet<AreaId> = rts.iter().copied().collect();
        let snapshot = Snapshot::begin(conn)?;
        let mut links: Vec<(PosyanduId, AreaId)> = Vec::new();
        for (rt, posyandus) in due_items::posyandus_by_rt(conn)? {
            let rt: AreaId = rt
                .parse()
                .map_err(|_| StoreError::Malformed("posyandu_rt.rt_id".into()))?;
            if !wanted.contains(&rt) {
                continue;
            }
            for p in posyandus {
                let p = p
                    .parse()
                    .map_err(|_| StoreError::Malformed("posyandu_rt.posyandu_id".into()))?;
                links.push((p, rt));
            }
        }
        let held = due_items::last_session_days(conn, from, yesterday)?;
        let ended = crate::sessions::last_ended_days(conn, from, today)?;
        let mut by_rt: FxHashMap<AreaId, Vec<Date>> = FxHashMap::default();
        for (p, rt) in links {
            let day = held.get(&p).max(ended.get(&p));
            by_rt.entry(rt).or_default().extend(day.copied());
        }
        snapshot.end()?;
        Ok(Self(by_rt))
    }

    fn of_rt(&self, rt: &AreaId) -> &[Date] {
        self.0.get(rt).map_or(&[], Vec::as_slice)
    }
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

/// The session of `posyandu` on `date`, read on `ctx.today`: those still owed a Posyandu service
/// whose window held the day, and those who came with what they were given that day.
pub fn posyandu_session(
    conn: &Connection,
    posyandu: PosyanduId,
    date: Date,
    tables: &ScheduleTables,
    ctx: &RuleContext,
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
    let mut by_person: HashMap<PersonId, (Option<HouseholdId>, Vec<DueItem>)> = HashMap::new();
    for StoredDueItem {
        item, household, ..
    } in due_items::open_in_rts(conn, &rts, date)?.items
    {
        if worklist::expected_at_session(&item, date) {
            by_person
                .entry(item.person)
                .or_insert_with(|| (household, Vec::new()))
                .1
                .push(item);
        }
    }
    // Those who came are expected too, with what they were given that day.
    let attended = attended_on(conn, &rts, date, ctx.offset)?;
    for id in &attended {
        let person = crate::persons::get_person(conn, *id)?;
        let served: Vec<DueItem> = due_items::card_of(conn, *id, tables, ctx)?
            .into_iter()
            .filter(|i| i.done_on == Some(date) && worklist::is_posyandu_service(&i.kind))
            .collect();
        by_person
            .entry(*id)
            .or_insert_with(|| (person.household, Vec::new()))
            .1
            .extend(served);
    }
    let mut persons = HashMap::new();
    for id in by_person.keys() {
        persons.insert(*id, crate::persons::get_person(conn, *id)?);
    }
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
