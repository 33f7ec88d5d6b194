//! Households: registering one with all its members in one transaction, editing, the list of an
//! RT with member counts, and the household screen (members with their latest measurements).

use crate::areas;
use crate::error::{Result, StoreError};
use crate::events::{self, LatestMeasurements};
use crate::input::{self, HouseholdInput, MotherRef, PersonInput};
use crate::persons;
use crate::pregnancies;
use crate::write::{Fields, WriteTx, changed_fields};
use ilp_model::{
    AreaId, GeoPoint, Household, HouseholdId, JknStatus, KkNumber, NikWarning, Person, PersonId,
    Pregnancy, ValidationError,
};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

/// What registering a household produced: ids in member order, and NIK warnings by member index.
#[derive(Clone, Debug, PartialEq)]
pub struct Registered {
    pub household: HouseholdId,
    pub members: Vec<PersonId>,
    pub warnings: Vec<(usize, NikWarning)>,
}

pub(crate) const HOUSEHOLD_COLUMNS: &str =
    "id, rt_id, kk_number, address, lat, lon, jkn, clean_water, healthy_latrine, notes";

pub(crate) fn household_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Household> {
    let bad = |i| {
        move |_| {
            rusqlite::Error::FromSqlConversionFailure(
                i,
                rusqlite::types::Type::Text,
                "bad value".into(),
            )
        }
    };
    let lat: Option<f64> = r.get(4)?;
    let lon: Option<f64> = r.get(5)?;
    Ok(Household {
        id: r.get::<_, String>(0)?.parse().map_err(bad(0))?,
        rt: r.get::<_, String>(1)?.parse().map_err(bad(1))?,
        kk_number: r
            .get::<_, Option<String>>(2)?
            .and_then(|k| KkNumber::parse("kk_number", &k).ok()),
        address: r.get(3)?,
        gps: lat.zip(lon).map(|(lat, lon)| GeoPoint { lat, lon }),
        jkn: JknStatus::from_code(&r.get::<_, String>(6)?),
        clean_water: r.get(7)?,
        healthy_latrine: r.get(8)?,
        notes: r.get(9)?,
    })
}

pub fn get_household(conn: &Connection, id: HouseholdId) -> Result<Household> {
    conn.prepare_cached(&format!(
        "SELECT {HOUSEHOLD_COLUMNS} FROM household WHERE id = ?1"
    ))?
    .query_row([id.to_string()], household_from_row)
    .optional()?
    .ok_or_else(|| StoreError::not_found("household", id))
}

fn household_fields(h: &Household) -> Fields {
    let mut f = Fields::new();
    f.insert("rt_id".into(), json!(h.rt.to_string()));
    f.insert(
        "kk_number".into(),
        json!(h.kk_number.as_ref().map(KkNumber::as_str)),
    );
    f.insert("address".into(), json!(h.address));
    f.insert("lat".into(), json!(h.gps.map(|g| g.lat)));
    f.insert("lon".into(), json!(h.gps.map(|g| g.lon)));
    f.insert("jkn".into(), json!(h.jkn.code()));
    f.insert("clean_water".into(), json!(h.clean_water));
    f.insert("healthy_latrine".into(), json!(h.healthy_latrine));
    f.insert("notes".into(), json!(h.notes));
    f
}

fn write_row(wtx: &WriteTx<'_>, h: &Household, clocks: &str, insert: bool) -> Result<()> {
    let sql = if insert {
        "INSERT INTO household (id, rt_id, kk_number, address, lat, lon, jkn, clean_water, healthy_latrine, notes,
         created_at, updated_at, hlc_fields) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)"
    } else {
        "UPDATE household SET rt_id = ?2, kk_number = ?3, address = ?4, lat = ?5, lon = ?6, jkn = ?7,
         clean_water = ?8, healthy_latrine = ?9, notes = ?10, updated_at = ?11, hlc_fields = ?12 WHERE id = ?1"
    };
    wtx.conn().prepare_cached(sql)?.execute(params![
        h.id.to_string(),
        h.rt.to_string(),
        h.kk_number.as_ref().map(KkNumber::as_str),
        h.address,
        h.gps.map(|g| g.lat),
        h.gps.map(|g| g.lon),
        h.jkn.code(),
        h.clean_water,
        h.healthy_latrine,
        h.notes,
        wtx.ctx.now.millis(),
        clocks,
    ])?;
    Ok(())
}

fn check_kk_free(conn: &Connection, kk: &KkNumber, except: Option<HouseholdId>) -> Result<()> {
    let existing: Option<String> = conn
        .prepare_cached("SELECT id FROM household WHERE kk_number = ?1 AND id IS NOT ?2 LIMIT 1")?
        .query_row(params![kk.as_str(), except.map(|e| e.to_string())], |r| {
            r.get(0)
        })
        .optional()?;
    match existing {
        Some(id) => Err(ValidationError::new(
            "kk_number",
            format!("is already registered to household {id}"),
        )
        .into()),
        None => Ok(()),
    }
}

fn build_household(id: HouseholdId, input: &HouseholdInput) -> Result<Household> {
    let v = input::validate_household(input)?;
    Ok(Household {
        id,
        rt: input.rt,
        kk_number: v.kk_number,
        address: v.address,
        gps: v.gps,
        jkn: input.jkn.clone(),
        clean_water: input.clean_water,
        healthy_latrine: input.healthy_latrine,
        notes: v.notes,
    })
}

/// Inserts an already-built household (import and demo loading); checks RT and KK.
pub fn insert_household(wtx: &mut WriteTx<'_>, h: &Household) -> Result<()> {
    areas::require_rt(wtx.conn(), "rt", h.rt)?;
    if let Some(kk) = &h.kk_number {
        check_kk_free(wtx.conn(), kk, None)?;
    }
    let (_, clocks) =
        wtx.record_change("household", &h.id.to_string(), household_fields(h), None)?;
    write_row(wtx, h, &clocks, true)
}

/// Registers a household with its members in one transaction. A member's mother may be another
/// member (by index, registered earlier in the list or later) or an existing person. Any refused
/// field refuses the whole registration, named as `members[i].field`.
pub fn register(
    wtx: &mut WriteTx<'_>,
    household: &HouseholdInput,
    members: &[PersonInput],
) -> Result<Registered> {
    let hid = HouseholdId::from_random_bytes(wtx.random_id_bytes());
    let h = build_household(hid, household)?;
    insert_household(wtx, &h)?;
    let today = wtx.ctx.today;
    let prefixed = |i: usize, e: StoreError| match e {
        StoreError::Validation(v) => StoreError::Validation(v.within(&format!("members[{i}]"))),
        other => other,
    };
    // Validate and create every person first, then link mothers, so order in the list is free.
    let mut people = Vec::with_capacity(members.len());
    let mut warnings = Vec::new();
    for (i, m) in members.iter().enumerate() {
        let pid = PersonId::from_random_bytes(wtx.random_id_bytes());
        let (person, w) = input::validate_person(pid, Some(hid), m, today)
            .map_err(|e| prefixed(i, StoreError::Validation(e)))?;
        warnings.extend(w.into_iter().map(|w| (i, w)));
        people.push(person);
    }
    for i in 0..people.len() {
        if let Some(n) = &people[i].nik
            && let Some(j) = people[..i].iter().position(|p| p.nik.as_ref() == Some(n))
        {
            return Err(prefixed(
                i,
                ValidationError::new("nik", format!("is the same as members[{j}]")).into(),
            ));
        }
        people[i].mother = match &members[i].mother {
            None => None,
            Some(MotherRef::Existing(m)) => Some(*m),
            Some(MotherRef::Member(j)) => {
                let mother = people.get(*j).filter(|_| *j != i).ok_or_else(|| {
                    prefixed(
                        i,
                        ValidationError::new(
                            "mother",
                            format!("refers to member {j}, which is not in the list"),
                        )
                        .into(),
                    )
                })?;
                input::check_mother(&people[i], mother).map_err(|e| prefixed(i, e.into()))?;
                Some(mother.id)
            }
        };
    }
    // Members that are mothers of others go first, so each insert finds its mother stored.
    let order = mother_first_order(&people);
    for i in order {
        persons::insert_person(wtx, &people[i]).map_err(|e| prefixed(i, e))?;
    }
    Ok(Registered {
        household: hid,
        members: people.iter().map(|p| p.id).collect(),
        warnings,
    })
}

fn mother_first_order(people: &[Person]) -> Vec<usize> {
    let mut order: Vec<usize> = Vec::with_capacity(people.len());
    let mut placed = vec![false; people.len()];
    fn place(
        i: usize,
        people: &[Person],
        placed: &mut [bool],
        order: &mut Vec<usize>,
        depth: usize,
    ) {
        if placed[i] || depth > people.len() {
            return;
        }
        if let Some(m) = people[i].mother
            && let Some(j) = people.iter().position(|p| p.id == m)
        {
            place(j, people, placed, order, depth + 1);
        }
        if !placed[i] {
            placed[i] = true;
            order.push(i);
        }
    }
    for i in 0..people.len() {
        place(i, people, &mut placed, &mut order, 0);
    }
    order
}

/// Replaces a household's fields with `input` (the whole form); changed fields go to the outbox.
pub fn edit(wtx: &mut WriteTx<'_>, id: HouseholdId, input: &HouseholdInput) -> Result<()> {
    let old = get_household(wtx.conn(), id)?;
    let new = build_household(id, input)?;
    if new.rt != old.rt {
        areas::require_rt(wtx.conn(), "rt", new.rt)?;
    }
    if let Some(kk) = &new.kk_number
        && old.kk_number.as_ref() != Some(kk)
    {
        check_kk_free(wtx.conn(), kk, Some(id))?;
    }
    let changed = changed_fields(&household_fields(&old), &household_fields(&new));
    if changed.is_empty() {
        return Ok(());
    }
    let prev: String = wtx.conn().query_row(
        "SELECT hlc_fields FROM household WHERE id = ?1",
        [id.to_string()],
        |r| r.get(0),
    )?;
    let (_, clocks) = wtx.record_change("household", &id.to_string(), changed, Some(&prev))?;
    write_row(wtx, &new, &clocks, false)?;
    // The members' due items carry the RT, address and position the worklist shows.
    for m in persons::members_of(wtx.conn(), id)? {
        wtx.touch_person(m.id);
    }
    Ok(())
}

/// A row of the RT's household list.
#[derive(Clone, Debug, PartialEq)]
pub struct HouseholdSummary {
    pub household: Household,
    pub head_name: Option<String>,
    pub member_count: u32,
}

/// The households of one RT with their head's name and member count, in one query.
pub fn households_in_rt(conn: &Connection, rt: AreaId) -> Result<Vec<HouseholdSummary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.id, h.rt_id, h.kk_number, h.address, h.lat, h.lon, h.jkn, h.clean_water, h.healthy_latrine, h.notes,
                (SELECT count(*) FROM person p WHERE p.household_id = h.id AND p.merged_into IS NULL),
                (SELECT p.name FROM person p WHERE p.household_id = h.id AND p.merged_into IS NULL
                   ORDER BY p.relation = 'head' DESC, p.birth_date LIMIT 1) AS head
         FROM household h WHERE h.rt_id = ?1 ORDER BY head COLLATE NOCASE, h.address",
    )?;
    let rows = stmt.query_map([rt.to_string()], |r| {
        Ok(HouseholdSummary {
            household: household_from_row(r)?,
            member_count: r.get(10)?,
            head_name: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A member on the household screen.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberDetail {
    pub person: Person,
    pub latest: LatestMeasurements,
    pub pregnancy: Option<Pregnancy>,
}

/// The household screen: the household, its place, and its members with their latest measurements.
#[derive(Clone, Debug, PartialEq)]
pub struct HouseholdDetail {
    pub household: Household,
    pub place: areas::RtPlace,
    pub members: Vec<MemberDetail>,
}

pub fn household_detail(conn: &Connection, id: HouseholdId) -> Result<HouseholdDetail> {
    let household = get_household(conn, id)?;
    let place = areas::rt_place(conn, household.rt)?;
    let members = persons::members_of(conn, id)?
        .into_iter()
        .map(|person| {
            let latest = events::latest_measurements(conn, person.id)?;
            let pregnancy = pregnancies::current_for(conn, person.id)?;
            Ok(MemberDetail {
                person,
                latest,
                pregnancy,
            })
        })
        .collect::<Result<_>>()?;
    Ok(HouseholdDetail {
        household,
        place,
        members,
    })
}
