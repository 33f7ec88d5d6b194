//! Pregnancy episodes: registering one (HPHT and estimated delivery date), recording its outcome,
//! and the current pregnancy of a woman for the household and person screens.

use crate::error::{Result, StoreError};
use crate::persons;
use crate::write::{Fields, WriteTx, changed_fields};
use ilp_model::pregnancy::{DeliveryPlace, OutcomeKind, edd_from_hpht};
use ilp_model::validation::{limits, optional_text};
use ilp_model::{
    PersonId, Pregnancy, PregnancyId, PregnancyOutcome, Sex, Timestamp, ValidationError,
};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;
use time::{Date, Duration};

pub(crate) const COLUMNS: &str =
    "id, person_id, hpht, edd, outcome, outcome_at, outcome_place, outcome_place_kind";

pub(crate) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Pregnancy> {
    let bad = |i: usize| {
        move |_: time::error::Parse| {
            rusqlite::Error::FromSqlConversionFailure(
                i,
                rusqlite::types::Type::Text,
                "bad value".into(),
            )
        }
    };
    let date = |s: Option<String>, i: usize| -> rusqlite::Result<Option<Date>> {
        s.map(|d| {
            Date::parse(&d, &time::format_description::well_known::Iso8601::DATE).map_err(bad(i))
        })
        .transpose()
    };
    let outcome: Option<String> = r.get(4)?;
    let outcome_at: Option<i64> = r.get(5)?;
    Ok(Pregnancy {
        id: r
            .get::<_, String>(0)?
            .parse()
            .map_err(|_| rusqlite::Error::InvalidQuery)?,
        person: r
            .get::<_, String>(1)?
            .parse()
            .map_err(|_| rusqlite::Error::InvalidQuery)?,
        hpht: date(r.get(2)?, 2)?,
        edd: date(r.get(3)?, 3)?,
        outcome: outcome.zip(outcome_at).map(|(k, at)| PregnancyOutcome {
            kind: OutcomeKind::from_code(&k),
            at: Timestamp::from_millis(at),
            place: None,
            place_kind: None,
        }),
    })
    .and_then(|mut p| {
        if let Some(o) = p.outcome.as_mut() {
            o.place = r.get(6)?;
            o.place_kind = r
                .get::<_, Option<String>>(7)?
                .map(|c| DeliveryPlace::from_code(&c));
        }
        Ok(p)
    })
}

fn fields(p: &Pregnancy) -> Fields {
    let mut f = Fields::new();
    f.insert("person_id".into(), json!(p.person.to_string()));
    f.insert("hpht".into(), json!(p.hpht.map(|d| d.to_string())));
    f.insert("edd".into(), json!(p.edd.map(|d| d.to_string())));
    f.insert(
        "outcome".into(),
        json!(p.outcome.as_ref().map(|o| o.kind.code().to_string())),
    );
    f.insert(
        "outcome_at".into(),
        json!(p.outcome.as_ref().map(|o| o.at.millis())),
    );
    f.insert(
        "outcome_place".into(),
        json!(p.outcome.as_ref().and_then(|o| o.place.clone())),
    );
    f.insert(
        "outcome_place_kind".into(),
        json!(
            p.outcome
                .as_ref()
                .and_then(|o| o.place_kind.as_ref().map(|k| k.code().to_string()))
        ),
    );
    f
}

pub fn get(conn: &Connection, id: PregnancyId) -> Result<Pregnancy> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM pregnancy WHERE id = ?1"))?
        .query_row([id.to_string()], from_row)
        .optional()?
        .ok_or_else(|| StoreError::not_found("pregnancy", id))
}

/// Every pregnancy recorded for the person with this id (text form, as `merged_ids` gives).
pub fn all_for(conn: &Connection, person: &str) -> Result<Vec<Pregnancy>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM pregnancy WHERE person_id = ?1"
    ))?;
    let rows = stmt
        .query_map([person], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Every pregnancy in the store (rebuilding everyone's due items).
pub fn all(conn: &Connection) -> Result<Vec<Pregnancy>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM pregnancy"))?;
    let rows = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The ongoing pregnancy of a person (no outcome yet), or the latest one that ended in the last
/// 42 days (the postpartum period the KF visits cover).
pub fn current_for(conn: &Connection, person: PersonId) -> Result<Option<Pregnancy>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM pregnancy WHERE person_id = ?1 ORDER BY outcome IS NOT NULL, coalesce(hpht, edd) DESC LIMIT 1"
        ))?
        .query_row([person.to_string()], from_row)
        .optional()?)
}

fn write_row(wtx: &mut WriteTx<'_>, p: &Pregnancy, clocks: &str, insert: bool) -> Result<()> {
    // A delivery opens the KF items of the mother and the KN items of her newborns.
    wtx.touch_person(p.person);
    let children: Vec<String> = wtx
        .conn()
        .prepare_cached("SELECT id FROM person WHERE mother_id = ?1")?
        .query_map([p.person.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for c in children {
        if let Ok(id) = c.parse() {
            wtx.touch_person(id);
        }
    }
    let sql = if insert {
        "INSERT INTO pregnancy (id, person_id, hpht, edd, outcome, outcome_at, outcome_place, created_at, updated_at, hlc_fields, outcome_place_kind)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10)"
    } else {
        "UPDATE pregnancy SET person_id = ?2, hpht = ?3, edd = ?4, outcome = ?5, outcome_at = ?6, outcome_place = ?7,
         updated_at = ?8, hlc_fields = ?9, outcome_place_kind = ?10 WHERE id = ?1"
    };
    wtx.conn().prepare_cached(sql)?.execute(params![
        p.id.to_string(),
        p.person.to_string(),
        p.hpht.map(|d| d.to_string()),
        p.edd.map(|d| d.to_string()),
        p.outcome.as_ref().map(|o| o.kind.code().to_string()),
        p.outcome.as_ref().map(|o| o.at.millis()),
        p.outcome.as_ref().and_then(|o| o.place.clone()),
        wtx.ctx.now.millis(),
        clocks,
        p.outcome
            .as_ref()
            .and_then(|o| o.place_kind.as_ref().map(|k| k.code().to_string())),
    ])?;
    Ok(())
}

/// Inserts a pregnancy after checking it against the person and the calendar.
pub fn insert(wtx: &mut WriteTx<'_>, p: &Pregnancy) -> Result<()> {
    let person = persons::get_person(wtx.conn(), p.person)
        .map_err(|_| ValidationError::new("person", "is not a registered person"))?;
    if person.sex == Some(Sex::Male) {
        return Err(ValidationError::new("person", "is recorded as male").into());
    }
    let today = wtx.ctx.today;
    if let Some(h) = p.hpht {
        if h > today {
            return Err(ValidationError::new("hpht", "is in the future").into());
        }
        if p.outcome.is_none() && today - h > Duration::weeks(45) {
            return Err(ValidationError::new(
                "hpht",
                "is more than 45 weeks ago for an ongoing pregnancy",
            )
            .into());
        }
    }
    if p.hpht.is_none() && p.edd.is_none() {
        return Err(
            ValidationError::new("hpht", "give the HPHT or the estimated delivery date").into(),
        );
    }
    let ongoing: Option<String> = wtx
        .conn()
        .query_row(
            "SELECT id FROM pregnancy WHERE person_id = ?1 AND outcome IS NULL AND id != ?2 LIMIT 1",
            params![p.person.to_string(), p.id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    if p.outcome.is_none() && ongoing.is_some() {
        return Err(ValidationError::new(
            "person",
            "already has an ongoing pregnancy; record its outcome first",
        )
        .into());
    }
    let (_, clocks) = wtx.record_change("pregnancy", &p.id.to_string(), fields(p), None)?;
    write_row(wtx, p, &clocks, true)
}

/// Registers a new pregnancy from HPHT (the delivery date follows by Naegele's rule unless given).
pub fn register(
    wtx: &mut WriteTx<'_>,
    person: PersonId,
    hpht: Option<Date>,
    edd: Option<Date>,
) -> Result<PregnancyId> {
    let id = PregnancyId::from_random_bytes(wtx.random_id_bytes());
    let p = Pregnancy {
        id,
        person,
        hpht,
        edd: edd.or(hpht.map(edd_from_hpht)),
        outcome: None,
    };
    insert(wtx, &p)?;
    Ok(id)
}

/// Records how and when a pregnancy ended.
pub fn record_outcome(
    wtx: &mut WriteTx<'_>,
    id: PregnancyId,
    kind: OutcomeKind,
    at: Timestamp,
    place: Option<&str>,
    place_kind: Option<DeliveryPlace>,
) -> Result<()> {
    let old = get(wtx.conn(), id)?;
    if at.millis() > wtx.ctx.now.millis() + 10 * 60 * 1000 {
        return Err(ValidationError::new("outcome_at", "is in the future").into());
    }
    if let Some(h) = old.hpht
        && at.date_at(wtx.offset) < h
    {
        return Err(ValidationError::new("outcome_at", "is before the HPHT").into());
    }
    if let OutcomeKind::Other(c) = &kind {
        return Err(ValidationError::new("outcome", format!("unknown outcome '{c}'")).into());
    }
    if let Some(DeliveryPlace::Other(c)) = &place_kind {
        return Err(ValidationError::new("place_kind", format!("unknown place kind '{c}'")).into());
    }
    let mut new = old.clone();
    new.outcome = Some(PregnancyOutcome {
        kind,
        at,
        place: optional_text("place", place, limits::PLACE)?,
        place_kind,
    });
    let changed = changed_fields(&fields(&old), &fields(&new));
    let prev: String = wtx.conn().query_row(
        "SELECT hlc_fields FROM pregnancy WHERE id = ?1",
        [id.to_string()],
        |r| r.get(0),
    )?;
    let (_, clocks) = wtx.record_change("pregnancy", &id.to_string(), changed, Some(&prev))?;
    write_row(wtx, &new, &clocks, false)
}
