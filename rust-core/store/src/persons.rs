//! Person rows: insert, edit (per-field diff into the outbox), reads, the NIK uniqueness rule and the
//! name-gram index that makes spelling-tolerant search fast.

use crate::error::{Result, StoreError};
use crate::input::{self, MotherRef, PersonInput};
use crate::write::{Fields, WriteTx, changed_fields};
use ilp_model::{BirthDate, HouseholdId, Nik, NikWarning, Person, PersonId, Relation, Sex};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

pub(crate) const PERSON_COLUMNS: &str = "id, household_id, name, sex, birth_date, birth_estimated, nik, phone, relation, mother_id, description, merged_into";

fn parse_col<T: std::str::FromStr>(v: Option<String>, what: &str) -> rusqlite::Result<Option<T>> {
    v.map(|s| {
        s.parse::<T>().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Text,
                format!("bad {what}").into(),
            )
        })
    })
    .transpose()
}

/// Maps a row selected with [`PERSON_COLUMNS`] (starting at column `at`).
pub(crate) fn person_from_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Person> {
    let birth_date: Option<String> = r.get(at + 4)?;
    let birth = birth_date
        .map(|d| {
            time::Date::parse(&d, &time::format_description::well_known::Iso8601::DATE).map_err(
                |_| {
                    rusqlite::Error::FromSqlConversionFailure(
                        at + 4,
                        rusqlite::types::Type::Text,
                        "bad birth_date".into(),
                    )
                },
            )
        })
        .transpose()?
        .map(|date| BirthDate {
            date,
            estimated: false,
        });
    let estimated: bool = r.get(at + 5)?;
    let nik: Option<String> = r.get(at + 6)?;
    Ok(Person {
        id: parse_col(r.get(at)?, "id")?.expect("primary key"),
        household: parse_col(r.get(at + 1)?, "household_id")?,
        name: r.get(at + 2)?,
        sex: r.get::<_, Option<String>>(at + 3)?.map(|s| {
            if s == "female" {
                Sex::Female
            } else {
                Sex::Male
            }
        }),
        birth: birth.map(|b| BirthDate { estimated, ..b }),
        // Stored NIKs were validated on the way in; one from a newer rule set stays readable.
        nik: nik.and_then(|n| Nik::parse("nik", &n).ok()),
        phone: r.get(at + 7)?,
        relation: r
            .get::<_, Option<String>>(at + 8)?
            .map(|c| Relation::from_code(&c)),
        mother: parse_col(r.get(at + 9)?, "mother_id")?,
        description: r.get(at + 10)?,
        merged_into: parse_col(r.get(at + 11)?, "merged_into")?,
    })
}

pub fn get_person(conn: &Connection, id: PersonId) -> Result<Person> {
    conn.prepare_cached(&format!(
        "SELECT {PERSON_COLUMNS} FROM person WHERE id = ?1"
    ))?
    .query_row([id.to_string()], |r| person_from_row(r, 0))
    .optional()?
    .ok_or_else(|| StoreError::not_found("person", id))
}

/// Follows merges to the surviving record.
pub fn resolve_merged(conn: &Connection, id: PersonId) -> Result<PersonId> {
    survivor_of(conn, id)?
        .ok_or_else(|| StoreError::Malformed(format!("the merges from person {id} form a cycle")))
}

/// Follows merges to the surviving record; `None` when they run round a cycle, which exists only
/// inside a write that pulled one and settles it before committing (see `merge_cycles`).
pub(crate) fn survivor_of(conn: &Connection, id: PersonId) -> Result<Option<PersonId>> {
    let mut seen = vec![id];
    let mut current = id;
    loop {
        let next: Option<Option<String>> = conn
            .prepare_cached("SELECT merged_into FROM person WHERE id = ?1")?
            .query_row([current.to_string()], |r| r.get(0))
            .optional()?;
        match next {
            None => return Err(StoreError::not_found("person", id)),
            Some(None) => return Ok(Some(current)),
            Some(Some(n)) => {
                current = n
                    .parse()
                    .map_err(|_| StoreError::Malformed("merged_into".into()))?;
                if seen.contains(&current) {
                    return Ok(None);
                }
                seen.push(current);
            }
        }
    }
}

/// Every record merged (directly or transitively) into `id`, and `id` itself.
pub fn merged_ids(conn: &Connection, id: PersonId) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE m(id) AS (SELECT ?1 UNION SELECT p.id FROM person p JOIN m ON p.merged_into = m.id)
         SELECT id FROM m",
    )?;
    let ids = stmt
        .query_map([id.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}

/// Refuses a NIK that another live (unmerged) person already has.
pub fn check_nik_free(conn: &Connection, nik: &Nik, except: Option<PersonId>) -> Result<()> {
    let existing: Option<String> = conn
        .prepare_cached(
            "SELECT id FROM person WHERE nik = ?1 AND merged_into IS NULL AND id IS NOT ?2 LIMIT 1",
        )?
        .query_row(params![nik.as_str(), except.map(|e| e.to_string())], |r| {
            r.get(0)
        })
        .optional()?;
    match existing {
        Some(id) => Err(StoreError::DuplicateNik {
            existing: id
                .parse()
                .map_err(|_| StoreError::Malformed("person id".into()))?,
        }),
        None => Ok(()),
    }
}

/// The fields of a person as the outbox carries them (column name -> value).
pub(crate) fn person_fields(p: &Person) -> Fields {
    let mut f = Fields::new();
    f.insert(
        "household_id".into(),
        json!(p.household.map(|h| h.to_string())),
    );
    f.insert("name".into(), json!(p.name));
    f.insert("sex".into(), json!(p.sex.map(Sex::code)));
    f.insert(
        "birth_date".into(),
        json!(p.birth.map(|b| b.date.to_string())),
    );
    f.insert(
        "birth_estimated".into(),
        json!(p.birth.is_some_and(|b| b.estimated)),
    );
    f.insert("nik".into(), json!(p.nik.as_ref().map(Nik::as_str)));
    f.insert("phone".into(), json!(p.phone));
    f.insert(
        "relation".into(),
        json!(p.relation.as_ref().map(|r| r.code().to_string())),
    );
    f.insert("mother_id".into(), json!(p.mother.map(|m| m.to_string())));
    f.insert("description".into(), json!(p.description));
    f.insert(
        "merged_into".into(),
        json!(p.merged_into.map(|m| m.to_string())),
    );
    f
}

fn write_row(wtx: &mut WriteTx<'_>, p: &Person, hlc_fields: &str, insert: bool) -> Result<()> {
    // Every member's worklist rows show the head's name: the household of a head, and the one a
    // head left or stopped heading, get their members' rows rewritten.
    let mut households: Vec<String> = Vec::new();
    if p.relation == Some(Relation::Head)
        && let Some(h) = p.household
    {
        households.push(h.to_string());
    }
    if !insert {
        let old: Option<Option<String>> = wtx
            .conn()
            .prepare_cached("SELECT household_id FROM person WHERE id = ?1 AND relation = 'head'")?
            .query_row([p.id.to_string()], |r| r.get(0))
            .optional()?;
        households.extend(old.flatten().filter(|h| !households.contains(h)));
    }
    for h in households {
        let members: Vec<String> = wtx
            .conn()
            .prepare_cached("SELECT id FROM person WHERE household_id = ?1")?
            .query_map([h], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for m in members {
            if let Ok(id) = m.parse() {
                wtx.touch_person(id);
            }
        }
    }
    wtx.touch_person(p.id);
    let now = wtx.ctx.now.millis();
    let values = params![
        p.id.to_string(),
        p.household.map(|h| h.to_string()),
        p.name,
        p.sex.map(Sex::code),
        p.birth.map(|b| b.date.to_string()),
        p.birth.is_some_and(|b| b.estimated),
        p.nik.as_ref().map(Nik::as_str),
        p.phone,
        p.relation.as_ref().map(|r| r.code().to_string()),
        p.mother.map(|m| m.to_string()),
        p.description,
        p.merged_into.map(|m| m.to_string()),
        now,
        hlc_fields,
    ];
    if insert {
        wtx.conn()
            .prepare_cached(&format!(
                "INSERT INTO person ({PERSON_COLUMNS}, created_at, updated_at, hlc_fields)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14)"
            ))?
            .execute(values)?;
    } else {
        wtx.conn()
            .prepare_cached(
                "UPDATE person SET household_id = ?2, name = ?3, sex = ?4, birth_date = ?5, birth_estimated = ?6,
                 nik = ?7, phone = ?8, relation = ?9, mother_id = ?10, description = ?11, merged_into = ?12,
                 updated_at = ?13, hlc_fields = ?14 WHERE id = ?1",
            )?
            .execute(values)?;
    }
    Ok(())
}

/// What search matches a person by: the name, or for an unidentified person the description
/// ("pasar oesapa" finds the man registered there).
pub(crate) fn searchable_text(p: &Person) -> Option<&str> {
    p.name.as_deref().or(p.description.as_deref())
}

/// Records the person's searchable text for the name index (applied after commit). A merged
/// record leaves the index: its survivor is the one to find.
pub(crate) fn index_name(wtx: &mut WriteTx<'_>, p: &Person) {
    let text = if p.merged_into.is_some() {
        None
    } else {
        searchable_text(p).map(str::to_owned)
    };
    wtx.name_changes.push((p.id, text));
}

/// Inserts a validated person: NIK uniqueness, mother link, row, index and outbox.
pub fn insert_person(wtx: &mut WriteTx<'_>, p: &Person) -> Result<()> {
    if let Some(n) = &p.nik {
        check_nik_free(wtx.conn(), n, None)?;
    }
    if let Some(m) = p.mother {
        let mother = get_person(wtx.conn(), m).map_err(|_| {
            StoreError::Validation(ilp_model::ValidationError::new(
                "mother",
                "is not a registered person",
            ))
        })?;
        input::check_mother(p, &mother)?;
    }
    let (_, clocks) = wtx.record_change("person", &p.id.to_string(), person_fields(p), None)?;
    write_row(wtx, p, &clocks, true)?;
    index_name(wtx, p);
    Ok(())
}

/// Validates and inserts a new person in `household` (or none). Mother references to other
/// members are resolved by the caller and passed as `mother`.
pub fn add_person(
    wtx: &mut WriteTx<'_>,
    household: Option<HouseholdId>,
    input: &PersonInput,
    mother: Option<PersonId>,
) -> Result<(PersonId, Vec<NikWarning>)> {
    let id = PersonId::from_random_bytes(wtx.random_id_bytes());
    let today = wtx.ctx.today;
    let (mut person, warnings) = input::validate_person(id, household, input, today)?;
    person.mother = mother;
    insert_person(wtx, &person)?;
    Ok((id, warnings))
}

/// Replaces a person's editable fields with `input` (the whole form); only the fields that changed
/// get a new clock stamp and go to the outbox. Household and merge state are not edited here.
pub fn edit_person(
    wtx: &mut WriteTx<'_>,
    id: PersonId,
    input: &PersonInput,
) -> Result<Vec<NikWarning>> {
    let old = get_person(wtx.conn(), id)?;
    if old.merged_into.is_some() {
        return Err(StoreError::Validation(ilp_model::ValidationError::new(
            "id",
            "this record was merged into another; edit that one",
        )));
    }
    let today = wtx.ctx.today;
    let (mut new, warnings) = input::validate_person(id, old.household, input, today)?;
    new.mother = match &input.mother {
        Some(MotherRef::Existing(m)) => Some(*m),
        Some(MotherRef::Member(_)) => {
            return Err(StoreError::Validation(ilp_model::ValidationError::new(
                "mother",
                "must be an existing person when editing",
            )));
        }
        None => None,
    };
    if let Some(n) = &new.nik
        && old.nik.as_ref() != Some(n)
    {
        check_nik_free(wtx.conn(), n, Some(id))?;
    }
    if let Some(m) = new.mother
        && old.mother != Some(m)
    {
        let mother = get_person(wtx.conn(), m).map_err(|_| {
            StoreError::Validation(ilp_model::ValidationError::new(
                "mother",
                "is not a registered person",
            ))
        })?;
        input::check_mother(&new, &mother)?;
    }
    let changed = changed_fields(&person_fields(&old), &person_fields(&new));
    if changed.is_empty() {
        return Ok(warnings);
    }
    let prev: String = wtx.conn().query_row(
        "SELECT hlc_fields FROM person WHERE id = ?1",
        [id.to_string()],
        |r| r.get(0),
    )?;
    let name_changed = ["name", "description", "merged_into"]
        .iter()
        .any(|f| changed.contains_key(*f));
    let (_, clocks) = wtx.record_change("person", &id.to_string(), changed, Some(&prev))?;
    write_row(wtx, &new, &clocks, false)?;
    if name_changed {
        index_name(wtx, &new);
    }
    Ok(warnings)
}

/// Sets specific fields of a stored person (merge bookkeeping), stamped and sent like an edit.
pub(crate) fn set_fields(wtx: &mut WriteTx<'_>, updated: &Person) -> Result<()> {
    let old = get_person(wtx.conn(), updated.id)?;
    let changed = changed_fields(&person_fields(&old), &person_fields(updated));
    if changed.is_empty() {
        return Ok(());
    }
    let prev: String = wtx.conn().query_row(
        "SELECT hlc_fields FROM person WHERE id = ?1",
        [updated.id.to_string()],
        |r| r.get(0),
    )?;
    let name_changed = ["name", "description", "merged_into"]
        .iter()
        .any(|f| changed.contains_key(*f));
    let merge_written = changed.contains_key("merged_into");
    let (_, clocks) = wtx.record_change("person", &updated.id.to_string(), changed, Some(&prev))?;
    write_row(wtx, updated, &clocks, false)?;
    if merge_written {
        crate::merge_cycles::field_written(wtx, &updated.id.to_string())?;
    }
    if name_changed {
        index_name(wtx, updated);
    }
    Ok(())
}

/// Live members of a household (merged records excluded), head first, then by age.
pub fn members_of(conn: &Connection, household: HouseholdId) -> Result<Vec<Person>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PERSON_COLUMNS} FROM person WHERE household_id = ?1 AND merged_into IS NULL
         ORDER BY relation = 'head' DESC, birth_date IS NULL, birth_date, name"
    ))?;
    let rows = stmt.query_map([household.to_string()], |r| person_from_row(r, 0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
