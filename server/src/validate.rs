//! Checks a pushed change's payload before anything of it is stored: upserts carry
//! `{"fields": {...}}` with the fields each entity has (the device store's column names) and
//! values of the right shape; appends carry a whole `ilp_model::Event`. Reasons name the field
//! and never repeat a value (values may be health data).

use crate::merge::Fields;
use ilp_sync::protocol::entity;
use serde_json::Value;

/// Why a payload is refused (`invalid`), for the device's sync screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid(pub String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Id,
    Text,
    Bool,
    Number,
    Integer,
    /// `YYYY-MM-DD`.
    Date,
    IdList,
    OneOf(&'static [&'static str]),
}

struct Spec {
    name: &'static str,
    kind: Kind,
    /// May be null.
    optional: bool,
    /// A creation must carry it (the scope follows from it).
    required: bool,
}

const fn f(name: &'static str, kind: Kind, optional: bool, required: bool) -> Spec {
    Spec {
        name,
        kind,
        optional,
        required,
    }
}

const LEVELS: &[&str] = &["province", "city", "district", "village", "rw", "rt"];
const ROLES: &[&str] = &["kader", "bidan", "supervisor", "admin"];
const SEXES: &[&str] = &["male", "female"];

const HOUSEHOLD: &[Spec] = &[
    f("rt_id", Kind::Id, false, true),
    f("kk_number", Kind::Text, true, false),
    f("address", Kind::Text, true, false),
    f("lat", Kind::Number, true, false),
    f("lon", Kind::Number, true, false),
    f("jkn", Kind::Text, false, false),
    f("clean_water", Kind::Bool, true, false),
    f("healthy_latrine", Kind::Bool, true, false),
    f("notes", Kind::Text, true, false),
];

const PERSON: &[Spec] = &[
    f("household_id", Kind::Id, true, true),
    f("name", Kind::Text, true, false),
    f("sex", Kind::OneOf(SEXES), true, false),
    f("birth_date", Kind::Date, true, false),
    f("birth_estimated", Kind::Bool, false, false),
    f("nik", Kind::Text, true, false),
    f("phone", Kind::Text, true, false),
    f("relation", Kind::Text, true, false),
    f("mother_id", Kind::Id, true, false),
    f("description", Kind::Text, true, false),
    f("merged_into", Kind::Id, true, false),
];

const PREGNANCY: &[Spec] = &[
    f("person_id", Kind::Id, false, true),
    f("hpht", Kind::Date, true, false),
    f("edd", Kind::Date, true, false),
    f("outcome", Kind::Text, true, false),
    f("outcome_at", Kind::Integer, true, false),
    f("outcome_place", Kind::Text, true, false),
    f("outcome_place_kind", Kind::Text, true, false),
];

const AREA: &[Spec] = &[
    f("parent_id", Kind::Id, true, true),
    f("level", Kind::OneOf(LEVELS), false, true),
    f("code", Kind::Text, false, false),
    f("name", Kind::Text, false, false),
];

const POSYANDU: &[Spec] = &[
    f("village_id", Kind::Id, false, true),
    f("name", Kind::Text, false, false),
    f("rts", Kind::IdList, false, false),
];

const USER: &[Spec] = &[
    f("username", Kind::Text, false, true),
    f("display_name", Kind::Text, false, false),
    f("role", Kind::OneOf(ROLES), false, true),
    f("active", Kind::Bool, false, false),
    f("areas", Kind::IdList, false, true),
];

fn specs(entity: &str) -> Option<&'static [Spec]> {
    Some(match entity {
        entity::HOUSEHOLD => HOUSEHOLD,
        entity::PERSON => PERSON,
        entity::PREGNANCY => PREGNANCY,
        entity::AREA => AREA,
        entity::POSYANDU => POSYANDU,
        entity::USER => USER,
        _ => return None,
    })
}

/// Longest text a field may hold (an address, a note).
const MAX_TEXT: usize = 4000;

fn is_id(v: &Value) -> bool {
    v.as_str().is_some_and(|s| uuid::Uuid::parse_str(s).is_ok())
}

fn shape_ok(kind: Kind, v: &Value) -> bool {
    match kind {
        Kind::Id => is_id(v),
        Kind::Text => v.as_str().is_some_and(|s| s.len() <= MAX_TEXT),
        Kind::Bool => v.is_boolean(),
        Kind::Number => v.as_f64().is_some_and(f64::is_finite),
        Kind::Integer => v.is_i64(),
        Kind::Date => v.as_str().is_some_and(|s| {
            time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).is_ok()
        }),
        Kind::IdList => v
            .as_array()
            .is_some_and(|a| a.len() <= 1000 && a.iter().all(is_id)),
        Kind::OneOf(options) => v.as_str().is_some_and(|s| options.contains(&s)),
    }
}

fn describe(kind: Kind) -> &'static str {
    match kind {
        Kind::Id => "an id (UUID)",
        Kind::Text => "text (at most 4000 bytes)",
        Kind::Bool => "true or false",
        Kind::Number => "a number",
        Kind::Integer => "an integer",
        Kind::Date => "a date (YYYY-MM-DD)",
        Kind::IdList => "a list of ids",
        Kind::OneOf(_) => "one of the known codes",
    }
}

/// The fields of an upsert of `entity`, checked. `creation`: the server has no such record yet,
/// so the fields its scope follows from must be there.
pub fn upsert_fields(entity: &str, payload: &Value, creation: bool) -> Result<Fields, Invalid> {
    let specs = specs(entity).ok_or_else(|| Invalid(format!("{entity} is not upserted")))?;
    let fields = payload
        .get("fields")
        .and_then(Value::as_object)
        .ok_or_else(|| Invalid("payload must be {\"fields\": {...}}".into()))?;
    if fields.is_empty() {
        return Err(Invalid("payload has no fields".into()));
    }
    for (name, v) in fields {
        let spec = specs
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| Invalid(format!("{entity} has no field '{}'", printable(name))))?;
        if v.is_null() {
            if !spec.optional {
                return Err(Invalid(format!("field '{name}' must not be empty")));
            }
        } else if !shape_ok(spec.kind, v) {
            return Err(Invalid(format!(
                "field '{name}' must be {}",
                describe(spec.kind)
            )));
        }
    }
    if creation
        && let Some(missing) = specs
            .iter()
            .find(|s| s.required && !fields.contains_key(s.name))
    {
        return Err(Invalid(format!(
            "a new {entity} must carry field '{}'",
            missing.name
        )));
    }
    Ok(fields.clone())
}

/// A field name as it may be echoed: short and plain, or not at all.
fn printable(name: &str) -> String {
    if name.len() <= 40 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        name.to_string()
    } else {
        "(unprintable)".into()
    }
}

/// An appended event, parsed as the model's type.
pub fn event(entity_id: &str, payload: &Value) -> Result<ilp_model::Event, Invalid> {
    let event: ilp_model::Event = serde_json::from_value(payload.clone()).map_err(|e| {
        // serde's message may quote a value; keep only where it failed.
        let what = match e.classify() {
            serde_json::error::Category::Data => "a field is missing or has the wrong type",
            _ => "it is not a JSON object",
        };
        Invalid(format!("payload is not a valid event: {what}"))
    })?;
    if event.id.to_string() != entity_id.trim().to_ascii_lowercase() {
        return Err(Invalid("entity_id differs from the event's id".into()));
    }
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RT: &str = "6f0c1f7e-8d3a-4b6e-9a51-2f3c4d5e6f70";

    #[test]
    fn a_household_creation_needs_its_rt() {
        assert!(
            upsert_fields(
                "household",
                &json!({"fields": {"rt_id": RT, "jkn": "pbi"}}),
                true
            )
            .is_ok()
        );
        let err =
            upsert_fields("household", &json!({"fields": {"address": "Jl. X"}}), true).unwrap_err();
        assert!(err.0.contains("rt_id"), "{err:?}");
        assert!(
            upsert_fields("household", &json!({"fields": {"address": "Jl. X"}}), false).is_ok()
        );
    }

    #[test]
    fn wrong_shapes_name_the_field_not_the_value() {
        let err = upsert_fields(
            "person",
            &json!({"fields": {"birth_date": "Siti 12/3"}}),
            false,
        )
        .unwrap_err();
        assert!(
            err.0.contains("birth_date") && !err.0.contains("Siti"),
            "{err:?}"
        );
        assert!(upsert_fields("person", &json!({"fields": {"shoe_size": 3}}), false).is_err());
        assert!(upsert_fields("person", &json!({"name": "x"}), false).is_err());
    }

    #[test]
    fn a_broken_event_is_refused_without_echoing_it() {
        let err = event("x", &json!({"id": "Budi hypertension"})).unwrap_err();
        assert!(!err.0.contains("Budi"));
    }
}
