//! Applying changes pulled from the server (feed pages and snapshot pages) to this replica: the
//! per-field last-writer-wins merge of mutable records (PROTOCOL.md "Merge"), events stored once by
//! id, partial upserts of records not held yet kept aside in `remote_orphan` until the record
//! arrives, and the derived state kept right (name index, due items, Posyandu session days, link
//! tables). A page, its cursor and the clock commit in one transaction or not at all; nothing
//! applied goes to the outbox.
//!
//! Stamps are compared as text: `Hlc`'s Display form sorts like the stamp itself, and every stamp
//! stored here was parsed and printed again, so both sides of a comparison are canonical.

use crate::error::{Result, StoreError};
use crate::events;
use crate::merge_cycles;
use crate::outbox::OutboxOp;
use crate::persons;
use crate::sync_state::{self, SnapshotProgress};
use crate::write::WriteTx;
use crate::{Store, due_items};
use ilp_model::{AreaLevel, Event, Hlc, PersonId, Role, Timestamp};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One change from the server's feed or snapshot. An upsert's payload is `{"fields": {...}}`,
/// optionally with `"clocks": {field: stamp}` giving fields their own stamps (`"*"` for every field
/// without one; otherwise `hlc`). An append's payload is the whole `ilp_model::Event`.
#[derive(Clone, Debug, PartialEq)]
pub struct RemoteChange {
    pub entity: String,
    pub entity_id: String,
    pub op: OutboxOp,
    pub hlc: Hlc,
    pub payload: Json,
}

/// What applying a page did, change by change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// Changes that created a record, replaced at least one field, or stored a new event.
    pub applied: usize,
    /// Changes this replica already had (equal or older stamps, an event already stored).
    pub unchanged: usize,
    /// Partial upserts of records this replica does not hold yet, kept aside.
    pub orphaned: usize,
    /// Changes whose stamp was beyond the clock's drift bound: applied (the server bounded it),
    /// but not adopted by this device's clock.
    pub clock_ahead: usize,
}

/// Above this many persons touched by one page, due items are rebuilt for everyone on the next
/// read instead of person by person inside the page's transaction (a first sync).
pub const DEFER_DUE_ITEMS_ABOVE: usize = 300;

/// How a field's JSON value is checked and stored.
#[derive(Clone, Copy)]
enum Kind {
    /// A record id (UUID text, stored in canonical lower-case form).
    Id,
    Text,
    /// An ISO calendar date.
    Date,
    Bool,
    Real,
    Int,
    /// Text from a closed set.
    Code(fn(&str) -> bool),
    /// A list of ids kept in a link table, not a column.
    IdList,
}

struct FieldSpec {
    name: &'static str,
    kind: Kind,
    nullable: bool,
}

const fn field(name: &'static str, kind: Kind, nullable: bool) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        nullable,
    }
}

/// The link table an `IdList` field lives in: (table, owner column, item column).
type Link = (&'static str, &'static str, &'static str);

/// A mutable entity as the outbox and the feed carry it. Field names are the column names the
/// local writers put into the outbox (`households::household_fields`, `persons::person_fields`,
/// ...), in table order.
struct Spec {
    entity: &'static str,
    table: &'static str,
    fields: &'static [FieldSpec],
    link: Option<Link>,
    /// Household, person and pregnancy rows carry `created_at` / `updated_at`.
    timestamps: bool,
    /// Area, Posyandu and user rows keep their newest stamp in `hlc` (schema 1's column).
    hlc_column: bool,
}

fn is_sex(s: &str) -> bool {
    matches!(s, "male" | "female")
}
fn is_level(s: &str) -> bool {
    AreaLevel::from_code("level", s).is_ok()
}
fn is_role(s: &str) -> bool {
    Role::parse("role", s).is_ok()
}

const SPECS: [Spec; 6] = [
    Spec {
        entity: "area",
        table: "area",
        fields: &[
            field("parent_id", Kind::Id, true),
            field("level", Kind::Code(is_level), false),
            field("code", Kind::Text, false),
            field("name", Kind::Text, false),
        ],
        link: None,
        timestamps: false,
        hlc_column: true,
    },
    Spec {
        entity: "posyandu",
        table: "posyandu",
        fields: &[
            field("village_id", Kind::Id, false),
            field("name", Kind::Text, false),
            field("rts", Kind::IdList, false),
        ],
        link: Some(("posyandu_rt", "posyandu_id", "rt_id")),
        timestamps: false,
        hlc_column: true,
    },
    Spec {
        entity: "user",
        table: "app_user",
        fields: &[
            field("username", Kind::Text, false),
            field("display_name", Kind::Text, false),
            field("role", Kind::Code(is_role), false),
            field("active", Kind::Bool, false),
            field("areas", Kind::IdList, false),
        ],
        link: Some(("user_area", "user_id", "area_id")),
        timestamps: false,
        hlc_column: true,
    },
    Spec {
        entity: "household",
        table: "household",
        fields: &[
            field("rt_id", Kind::Id, false),
            field("kk_number", Kind::Text, true),
            field("address", Kind::Text, true),
            field("lat", Kind::Real, true),
            field("lon", Kind::Real, true),
            field("jkn", Kind::Text, false),
            field("clean_water", Kind::Bool, true),
            field("healthy_latrine", Kind::Bool, true),
            field("notes", Kind::Text, true),
        ],
        link: None,
        timestamps: true,
        hlc_column: false,
    },
    Spec {
        entity: "person",
        table: "person",
        fields: &[
            field("household_id", Kind::Id, true),
            field("name", Kind::Text, true),
            field("sex", Kind::Code(is_sex), true),
            field("birth_date", Kind::Date, true),
            field("birth_estimated", Kind::Bool, false),
            field("nik", Kind::Text, true),
            field("phone", Kind::Text, true),
            field("relation", Kind::Text, true),
            field("mother_id", Kind::Id, true),
            field("description", Kind::Text, true),
            field("merged_into", Kind::Id, true),
        ],
        link: None,
        timestamps: true,
        hlc_column: false,
    },
    Spec {
        entity: "pregnancy",
        table: "pregnancy",
        fields: &[
            field("person_id", Kind::Id, false),
            field("hpht", Kind::Date, true),
            field("edd", Kind::Date, true),
            field("outcome", Kind::Text, true),
            field("outcome_at", Kind::Int, true),
            field("outcome_place", Kind::Text, true),
            field("outcome_place_kind", Kind::Text, true),
        ],
        link: None,
        timestamps: true,
        hlc_column: false,
    },
];

fn spec_of(entity: &str) -> Option<(usize, &'static Spec)> {
    SPECS.iter().enumerate().find(|(_, s)| s.entity == entity)
}

impl Spec {
    fn index_of(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// The fields stored in columns (every field but an id list), in table order.
    fn columns(&self) -> impl Iterator<Item = &FieldSpec> {
        self.fields
            .iter()
            .filter(|f| !matches!(f.kind, Kind::IdList))
    }
}

/// The statements of one entity, built once.
struct Sql {
    select: String,
    insert: String,
    update: String,
}

fn sql_of(i: usize) -> &'static Sql {
    static SQL: OnceLock<Vec<Sql>> = OnceLock::new();
    &SQL.get_or_init(|| {
        SPECS
            .iter()
            .map(|s| {
                let cols: Vec<&str> = s.columns().map(|f| f.name).collect();
                let mut select = format!("SELECT {}, hlc_fields", cols.join(", "));
                if s.hlc_column {
                    select.push_str(", hlc");
                }
                select.push_str(&format!(" FROM {} WHERE id = ?1", s.table));
                // ?1 id, ?2.. columns, then hlc_fields, then the time or the newest stamp.
                let n = cols.len();
                let extra = if s.timestamps {
                    "created_at, updated_at"
                } else {
                    "hlc"
                };
                let extra_values = if s.timestamps {
                    format!("?{0}, ?{0}", n + 3)
                } else {
                    format!("?{}", n + 3)
                };
                let marks: Vec<String> = (2..n + 2).map(|i| format!("?{i}")).collect();
                let insert = format!(
                    "INSERT INTO {} (id, {}, hlc_fields, {extra}) VALUES (?1, {}, ?{}, {extra_values})
                     ON CONFLICT(id) DO NOTHING",
                    s.table,
                    cols.join(", "),
                    marks.join(", "),
                    n + 2
                );
                let sets: Vec<String> = cols
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{c} = ?{}", i + 2))
                    .collect();
                let last = if s.timestamps { "updated_at" } else { "hlc" };
                let update = format!(
                    "UPDATE {} SET {}, hlc_fields = ?{}, {last} = ?{} WHERE id = ?1",
                    s.table,
                    sets.join(", "),
                    n + 2,
                    n + 3
                );
                Sql {
                    select,
                    insert,
                    update,
                }
            })
            .collect()
    })[i]
}

/// A record's per-field stamps: field -> stamp text, `"*"` for every field without its own.
type Clocks = BTreeMap<String, String>;

fn effective<'c>(clocks: &'c Clocks, field: &str) -> Option<&'c str> {
    clocks
        .get(field)
        .or_else(|| clocks.get("*"))
        .map(String::as_str)
}

fn clocks_text(clocks: &Clocks) -> String {
    // A creation's map (one stamp) is most of a first sync: stamps need no JSON escaping.
    if clocks.len() == 1
        && let Some(star) = clocks.get("*")
    {
        return format!("{{\"*\":\"{star}\"}}");
    }
    serde_json::to_string(clocks).expect("a map of strings serialises")
}

/// The error for change `index`, naming the field; never the value.
struct Blame<'a> {
    index: usize,
    change: &'a RemoteChange,
}

impl Blame<'_> {
    fn err(&self, field: impl Into<String>, reason: impl Into<String>) -> StoreError {
        StoreError::BadRemoteChange {
            index: self.index,
            entity: self.change.entity.clone(),
            entity_id: self.change.entity_id.clone(),
            field: field.into(),
            reason: reason.into(),
        }
    }
}

fn canonical_id(s: &str) -> Option<String> {
    uuid::Uuid::parse_str(s).ok().map(|u| u.to_string())
}

/// Checks a field's value and returns its canonical JSON (ids lower-case, dates ISO).
fn normalize(f: &FieldSpec, v: &Json) -> std::result::Result<Json, &'static str> {
    if v.is_null() {
        return if f.nullable {
            Ok(Json::Null)
        } else {
            Err("may not be null")
        };
    }
    match f.kind {
        Kind::Id => v
            .as_str()
            .and_then(canonical_id)
            .map(Json::String)
            .ok_or("must be a UUID text"),
        Kind::Text => v.as_str().map(|_| v.clone()).ok_or("must be text"),
        Kind::Date => v
            .as_str()
            .and_then(|s| {
                time::Date::parse(s, &time::format_description::well_known::Iso8601::DATE).ok()
            })
            .map(|d| Json::String(d.to_string()))
            .ok_or("must be an ISO date (YYYY-MM-DD)"),
        Kind::Bool => v.as_bool().map(Json::Bool).ok_or("must be true or false"),
        Kind::Real => v
            .as_f64()
            .filter(|x| x.is_finite())
            .map(|_| v.clone())
            .ok_or("must be a number"),
        Kind::Int => v
            .as_i64()
            .map(|_| v.clone())
            .ok_or("must be a whole number"),
        Kind::Code(ok) => v
            .as_str()
            .filter(|s| ok(s))
            .map(|_| v.clone())
            .ok_or("is not a known code"),
        Kind::IdList => {
            let items = v.as_array().ok_or("must be a list of UUID texts")?;
            let mut ids = items
                .iter()
                .map(|i| i.as_str().and_then(canonical_id))
                .collect::<Option<Vec<String>>>()
                .ok_or("must be a list of UUID texts")?;
            ids.sort();
            ids.dedup();
            Ok(Json::from(ids))
        }
    }
}

/// A checked JSON value as SQLite stores it.
fn to_sql(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Integer(*b as i64),
        Json::Number(n) => match n.as_i64() {
            Some(i) if !n.is_f64() => Value::Integer(i),
            _ => Value::Real(n.as_f64().unwrap_or(0.0)),
        },
        Json::String(s) => Value::Text(s.clone()),
        // Lists live in link tables and objects are refused by `normalize`.
        other => Value::Text(other.to_string()),
    }
}

fn value_text(v: &Value) -> Option<&str> {
    match v {
        Value::Text(s) => Some(s),
        _ => None,
    }
}

/// One checked upsert: the entity, the canonical id, and each field with its value and stamp.
struct Upsert {
    spec_index: usize,
    spec: &'static Spec,
    id: String,
    fields: Vec<(usize, Json, String)>,
    /// The stamps of `clocks`, for the device's clock to observe.
    stamps: Vec<Hlc>,
}

fn parse_upsert(blame: &Blame<'_>, c: &RemoteChange) -> Result<Upsert> {
    let Some((spec_index, spec)) = spec_of(&c.entity) else {
        return Err(blame.err(
            "entity",
            if c.entity == "event" {
                "is appended, not upserted"
            } else {
                "is not a known entity"
            },
        ));
    };
    let id = canonical_id(&c.entity_id).ok_or_else(|| blame.err("entity_id", "is not a UUID"))?;
    let obj = c
        .payload
        .as_object()
        .ok_or_else(|| blame.err("payload", "must be an object"))?;
    for key in obj.keys() {
        if key != "fields" && key != "clocks" {
            return Err(blame.err(format!("payload.{key}"), "is not part of an upsert"));
        }
    }
    let fields = obj
        .get("fields")
        .and_then(Json::as_object)
        .ok_or_else(|| blame.err("payload.fields", "must be an object"))?;
    let base = c.hlc.to_string();
    let mut clocks: BTreeMap<&str, String> = BTreeMap::new();
    let mut stamps = Vec::new();
    match obj.get("clocks") {
        None | Some(Json::Null) => {}
        Some(Json::Object(m)) => {
            for (k, v) in m {
                if k != "*" && spec.index_of(k).is_none() {
                    return Err(blame.err(
                        format!("payload.clocks.{k}"),
                        format!("is not a field of a {}", spec.entity),
                    ));
                }
                let stamp: Hlc = v.as_str().and_then(|s| s.parse().ok()).ok_or_else(|| {
                    blame.err(format!("payload.clocks.{k}"), "is not an HLC stamp")
                })?;
                clocks.insert(k.as_str(), stamp.to_string());
                stamps.push(stamp);
            }
        }
        Some(_) => return Err(blame.err("payload.clocks", "must be an object")),
    }
    let default_stamp = clocks.get("*").cloned().unwrap_or(base);
    let mut out = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        let Some(i) = spec.index_of(name) else {
            return Err(blame.err(
                format!("payload.fields.{name}"),
                format!("is not a field of a {}", spec.entity),
            ));
        };
        let value = normalize(&spec.fields[i], value)
            .map_err(|reason| blame.err(format!("payload.fields.{name}"), reason))?;
        let stamp = clocks
            .get(name.as_str())
            .cloned()
            .unwrap_or_else(|| default_stamp.clone());
        out.push((i, value, stamp));
    }
    if out.is_empty() {
        return Err(blame.err("payload.fields", "is empty"));
    }
    Ok(Upsert {
        spec_index,
        spec,
        id,
        fields: out,
        stamps,
    })
}

/// A stored record: its column values in spec order and its stamps.
struct Stored {
    values: Vec<Value>,
    clocks: Clocks,
}

fn load(conn: &Connection, u: &Upsert) -> Result<Option<Stored>> {
    let spec = u.spec;
    let n = spec.columns().count();
    let row = conn
        .prepare_cached(&sql_of(u.spec_index).select)?
        .query_row([&u.id], |r| {
            let mut values = Vec::with_capacity(n);
            for i in 0..n {
                values.push(r.get::<_, Value>(i)?);
            }
            let clocks: Option<String> = r.get(n)?;
            let hlc: Option<String> = if spec.hlc_column { r.get(n + 1)? } else { None };
            Ok((values, clocks, hlc))
        })
        .optional()?;
    let Some((values, clocks, hlc)) = row else {
        return Ok(None);
    };
    let clocks: Clocks = match (clocks, hlc) {
        (Some(text), _) => serde_json::from_str(&text)
            .map_err(|_| StoreError::Malformed(format!("{}.hlc_fields of {}", spec.table, u.id)))?,
        // Written before schema 3 by a writer that kept only the creation stamp.
        (None, Some(h)) => BTreeMap::from([("*".to_string(), h)]),
        (None, None) => Clocks::new(),
    };
    Ok(Some(Stored { values, clocks }))
}

/// The column position of field `i` (id lists have none).
fn column_of(spec: &Spec, i: usize) -> Option<usize> {
    if matches!(spec.fields[i].kind, Kind::IdList) {
        return None;
    }
    Some(
        spec.fields[..i]
            .iter()
            .filter(|f| !matches!(f.kind, Kind::IdList))
            .count(),
    )
}

/// What one change did.
enum Outcome {
    Applied,
    Unchanged,
    Orphaned,
}

/// Per-page state: whether any orphan may be waiting (checked once, not per record).
struct Page {
    orphans_exist: bool,
}

fn apply_upsert(wtx: &mut WriteTx<'_>, page: &mut Page, u: Upsert) -> Result<Outcome> {
    let spec = u.spec;
    let full = u.fields.len() == spec.fields.len();
    // A full upsert is most often a creation (a first sync, a snapshot): try the insert first and
    // read the stored record only when there is one, saving a look-up per new record.
    if full && !page.orphans_exist && create(wtx, page, &u)? {
        return Ok(Outcome::Applied);
    }
    let stored = load(wtx.conn(), &u)?;
    let Some(stored) = stored else {
        if !full {
            keep_orphan(wtx.conn(), &u)?;
            page.orphans_exist = true;
            return Ok(Outcome::Orphaned);
        }
        if !create(wtx, page, &u)? {
            return Err(StoreError::Malformed(format!(
                "{} {} could be neither read nor inserted",
                spec.entity, u.id
            )));
        }
        return Ok(Outcome::Applied);
    };
    let old = stored.values.clone();
    let mut values = stored.values;
    let mut clocks = stored.clocks;
    let mut changed: Vec<usize> = Vec::new();
    let mut lists: Vec<(usize, Json)> = Vec::new();
    for (i, value, stamp) in u.fields {
        // Replace iff the remote stamp is newer; an equal stamp is the same write.
        if effective(&clocks, spec.fields[i].name).is_some_and(|local| stamp.as_str() <= local) {
            continue;
        }
        match column_of(spec, i) {
            Some(col) => values[col] = to_sql(&value),
            None => lists.push((i, value)),
        }
        clocks.insert(spec.fields[i].name.to_string(), stamp);
        changed.push(i);
    }
    if changed.is_empty() {
        return Ok(Outcome::Unchanged);
    }
    write_row(wtx, u.spec_index, &u.id, &values, &clocks, false)?;
    for (i, list) in &lists {
        replace_links(wtx.conn(), spec, &u.id, *i, list)?;
    }
    after_change(wtx, spec, &u.id, Some(&old), &values, &changed)?;
    Ok(Outcome::Applied)
}

/// Creates a record from a full upsert, folding in fields pulled before it. Returns `false`
/// (writing nothing) when the record is already stored.
fn create(wtx: &mut WriteTx<'_>, page: &Page, u: &Upsert) -> Result<bool> {
    let spec = u.spec;
    let n = spec.columns().count();
    let mut values = vec![Value::Null; n];
    let mut lists: BTreeMap<usize, Json> = BTreeMap::new();
    // The creation stamp is the most common one (every field of a plain creation carries it).
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, _, s) in &u.fields {
        *counts.entry(s.as_str()).or_default() += 1;
    }
    let base = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(s, _)| s.to_string())
        .expect("a full upsert has fields");
    let mut clocks = Clocks::from([("*".to_string(), base.clone())]);
    for (i, value, stamp) in &u.fields {
        match column_of(spec, *i) {
            Some(col) => values[col] = to_sql(value),
            None => {
                lists.insert(*i, value.clone());
            }
        }
        if *stamp != base {
            clocks.insert(spec.fields[*i].name.to_string(), stamp.clone());
        }
    }
    if page.orphans_exist {
        for (field, value, stamp) in take_orphans(wtx.conn(), spec, &u.id)? {
            let Some(i) = spec.index_of(&field) else {
                continue;
            };
            if effective(&clocks, &field).is_some_and(|local| stamp.as_str() <= local) {
                continue;
            }
            match column_of(spec, i) {
                Some(col) => values[col] = to_sql(&value),
                None => {
                    lists.insert(i, value);
                }
            }
            clocks.insert(field, stamp);
        }
    }
    if write_row(wtx, u.spec_index, &u.id, &values, &clocks, true)? == 0 {
        return Ok(false);
    }
    for (i, list) in &lists {
        replace_links(wtx.conn(), spec, &u.id, *i, list)?;
    }
    let all: Vec<usize> = (0..spec.fields.len()).collect();
    after_change(wtx, spec, &u.id, None, &values, &all)?;
    Ok(true)
}

fn write_row(
    wtx: &WriteTx<'_>,
    spec_index: usize,
    id: &str,
    values: &[Value],
    clocks: &Clocks,
    insert: bool,
) -> Result<usize> {
    let spec = &SPECS[spec_index];
    let sql = sql_of(spec_index);
    let mut params: Vec<Value> = Vec::with_capacity(values.len() + 3);
    params.push(Value::Text(id.to_string()));
    params.extend(values.iter().cloned());
    params.push(Value::Text(clocks_text(clocks)));
    params.push(if spec.timestamps {
        Value::Integer(wtx.ctx.now.millis())
    } else {
        Value::Text(clocks.values().max().cloned().unwrap_or_default())
    });
    let statement = if insert { &sql.insert } else { &sql.update };
    Ok(wtx
        .conn()
        .prepare_cached(statement)?
        .execute(rusqlite::params_from_iter(params))?)
}

fn replace_links(
    conn: &Connection,
    spec: &Spec,
    id: &str,
    _field: usize,
    list: &Json,
) -> Result<()> {
    let Some((table, owner, item)) = spec.link else {
        return Ok(());
    };
    conn.prepare_cached(&format!("DELETE FROM {table} WHERE {owner} = ?1"))?
        .execute([id])?;
    let mut insert = conn.prepare_cached(&format!(
        "INSERT OR IGNORE INTO {table} ({owner}, {item}) VALUES (?1, ?2)"
    ))?;
    for v in list.as_array().into_iter().flatten() {
        if let Some(s) = v.as_str() {
            insert.execute(params![id, s])?;
        }
    }
    Ok(())
}

fn keep_orphan(conn: &Connection, u: &Upsert) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO remote_orphan (entity, entity_id, field, value, hlc) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(entity, entity_id, field) DO UPDATE SET value = excluded.value, hlc = excluded.hlc
         WHERE excluded.hlc > remote_orphan.hlc",
    )?;
    for (i, value, stamp) in &u.fields {
        stmt.execute(params![
            u.spec.entity,
            u.id,
            u.spec.fields[*i].name,
            value.to_string(),
            stamp
        ])?;
    }
    Ok(())
}

fn take_orphans(conn: &Connection, spec: &Spec, id: &str) -> Result<Vec<(String, Json, String)>> {
    let rows: Vec<(String, String, String)> = conn
        .prepare_cached(
            "SELECT field, value, hlc FROM remote_orphan WHERE entity = ?1 AND entity_id = ?2",
        )?
        .query_map([spec.entity, id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    conn.prepare_cached("DELETE FROM remote_orphan WHERE entity = ?1 AND entity_id = ?2")?
        .execute([spec.entity, id])?;
    rows.into_iter()
        .map(|(f, v, h)| {
            let v = serde_json::from_str(&v)
                .map_err(|_| StoreError::Malformed(format!("remote_orphan {id}.{f}")))?;
            Ok((f, v, h))
        })
        .collect()
}

fn ids_where(conn: &Connection, sql: &str, key: &str) -> Result<Vec<PersonId>> {
    let ids: Vec<String> = conn
        .prepare_cached(sql)?
        .query_map([key], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids.iter().filter_map(|s| s.parse().ok()).collect())
}

fn touch_members(wtx: &mut WriteTx<'_>, household: &str) -> Result<()> {
    for m in ids_where(
        wtx.conn(),
        "SELECT id FROM person WHERE household_id = ?1",
        household,
    )? {
        wtx.touch_person(m);
    }
    Ok(())
}

/// Keeps derived state right after a record was created (`old` = None) or fields in `changed`
/// replaced: due items of the persons whose schedule or worklist rows may change, the name index.
fn after_change(
    wtx: &mut WriteTx<'_>,
    spec: &Spec,
    id: &str,
    old: Option<&[Value]>,
    new: &[Value],
    changed: &[usize],
) -> Result<()> {
    let col = |name: &str| column_of(spec, spec.index_of(name).expect("known field")).unwrap();
    let did = |name: &str| changed.contains(&spec.index_of(name).expect("known field"));
    let deferred = wtx.defer_due_items;
    match spec.entity {
        "household" => {
            // The members' items carry the RT, address and position the worklist shows.
            if !deferred && ["rt_id", "address", "lat", "lon"].iter().any(|f| did(f)) {
                touch_members(wtx, id)?;
            }
            if !deferred && old.is_none() {
                // Members' visits pulled before the household counted for no session yet.
                for m in ids_where(
                    wtx.conn(),
                    "SELECT id FROM person WHERE household_id = ?1",
                    id,
                )? {
                    due_items::note_late_session_visits(wtx.conn(), &m.to_string(), wtx.offset)?;
                }
            }
        }
        "person" => {
            let pid: PersonId = id
                .parse()
                .map_err(|_| StoreError::Malformed("person id".into()))?;
            let merged = value_text(&new[col("merged_into")]).is_some();
            if (old.is_some() && did("merged_into")) || (old.is_none() && merged) {
                merge_cycles::field_written(wtx, id)?;
            }
            if !deferred && old.is_none() {
                // Visits pulled before the person counted for no session yet.
                due_items::note_late_session_visits(wtx.conn(), id, wtx.offset)?;
            }
            if !deferred {
                wtx.touch_person(pid);
                let relation = col("relation");
                let household = col("household_id");
                let head = |v: &[Value]| value_text(&v[relation]) == Some("head");
                let was_head = old.is_some_and(head);
                // Every member's worklist rows show the head's name.
                if (was_head || head(new))
                    && ["relation", "name", "household_id", "merged_into"]
                        .iter()
                        .any(|f| did(f))
                {
                    for v in old.into_iter().chain(std::iter::once(new)) {
                        if let Some(h) = value_text(&v[household]) {
                            touch_members(wtx, h)?;
                        }
                    }
                }
                if did("merged_into") {
                    // The survivor's facts now include this record's events.
                    let merged = col("merged_into");
                    for v in old.into_iter().chain(std::iter::once(new)) {
                        if let Some(s) = value_text(&v[merged]).and_then(|s| s.parse().ok()) {
                            wtx.touch_person(s);
                        }
                    }
                }
            }
            if ["name", "description", "merged_into"]
                .iter()
                .any(|f| did(f))
            {
                let text = if value_text(&new[col("merged_into")]).is_some() {
                    None
                } else {
                    value_text(&new[col("name")])
                        .or(value_text(&new[col("description")]))
                        .map(str::to_owned)
                };
                wtx.name_changes.push((pid, text));
            }
        }
        "pregnancy" if !deferred => {
            // A delivery opens the KF items of the mother and the KN items of her newborns.
            let person = col("person_id");
            for v in old.into_iter().chain(std::iter::once(new)) {
                let Some(mother) = value_text(&v[person]).map(str::to_owned) else {
                    continue;
                };
                if let Ok(m) = mother.parse() {
                    wtx.touch_person(m);
                }
                for child in ids_where(
                    wtx.conn(),
                    "SELECT id FROM person WHERE mother_id = ?1",
                    &mother,
                )? {
                    wtx.touch_person(child);
                }
            }
        }
        "posyandu" if old.is_some() && did("rts") => {
            // Session days and missed-session visits follow the RTs a Posyandu serves: rare
            // enough to rebuild everything on the next read.
            wtx.defer_due_items();
        }
        _ => {}
    }
    Ok(())
}

/// The top-level fields of an event and what each must be, checked before serde reads it so
/// that an error names the field.
const EVENT_IDS: [&str; 4] = ["id", "person", "recorded_by", "device"];

fn parse_event(blame: &Blame<'_>, c: &RemoteChange) -> Result<Event> {
    if c.entity != "event" {
        return Err(blame.err("op", "append is for events only"));
    }
    let obj = c
        .payload
        .as_object()
        .ok_or_else(|| blame.err("payload", "must be an event object"))?;
    for k in EVENT_IDS {
        if obj
            .get(k)
            .and_then(Json::as_str)
            .and_then(canonical_id)
            .is_none()
        {
            return Err(blame.err(format!("payload.{k}"), "must be a UUID text"));
        }
    }
    if obj
        .get("visit")
        .is_some_and(|v| !v.is_null() && v.as_str().and_then(canonical_id).is_none())
    {
        return Err(blame.err("payload.visit", "must be a UUID text or null"));
    }
    for k in ["occurred_at", "recorded_at"] {
        if !obj.get(k).is_some_and(Json::is_i64) {
            return Err(blame.err(format!("payload.{k}"), "must be milliseconds since 1970"));
        }
    }
    let kind = obj
        .get("payload")
        .and_then(|p| p.get("type"))
        .and_then(Json::as_str)
        .ok_or_else(|| blame.err("payload.payload.type", "must name the kind of event"))?;
    let event = Event::deserialize(&c.payload).map_err(|_| {
        blame.err(
            "payload.payload",
            format!("does not read as a '{kind}' event of this version"),
        )
    })?;
    if canonical_id(&c.entity_id).as_deref() != Some(event.id.to_string().as_str()) {
        return Err(blame.err("entity_id", "is not the event's id"));
    }
    Ok(event)
}

fn apply_event(wtx: &mut WriteTx<'_>, e: &Event, hlc: &Hlc) -> Result<Outcome> {
    if !events::insert_event_row(wtx.conn(), e, &hlc.to_string(), true)? {
        return Ok(Outcome::Unchanged);
    }
    if !wtx.defer_due_items {
        // Deferred, session days are rebuilt with everything else on the next read.
        due_items::note_session_visit(wtx.conn(), e, wtx.offset)?;
        wtx.touch_person(e.person);
        // An event filed under a record merged away counts for the survivor.
        // A cycle closed earlier in this page has no survivor yet: settling it before the commit
        // touches the survivor it gets.
        match persons::survivor_of(wtx.conn(), e.person) {
            Ok(Some(s)) if s != e.person => wtx.touch_person(s),
            Ok(_) | Err(StoreError::NotFound { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(Outcome::Applied)
}

/// Applies `changes` inside the caller's remote write. Any malformed change fails the whole call
/// (the transaction rolls back), so a page is applied whole or not at all.
pub(crate) fn apply_changes(
    wtx: &mut WriteTx<'_>,
    changes: &[RemoteChange],
) -> Result<ApplyReport> {
    let mut report = ApplyReport::default();
    let mut page = Page {
        orphans_exist: wtx.conn().query_row(
            "SELECT EXISTS(SELECT 1 FROM remote_orphan)",
            [],
            |r| r.get(0),
        )?,
    };
    // Items not built for this month are rebuilt for everyone on the next read anyway.
    if !due_items::is_current(wtx.conn(), wtx.ctx.today)? {
        wtx.defer_due_items();
    }
    for (index, change) in changes.iter().enumerate() {
        let blame = Blame { index, change };
        if !wtx.observe(&change.hlc) {
            report.clock_ahead += 1;
        }
        let outcome = match change.op {
            OutboxOp::Upsert => {
                let u = parse_upsert(&blame, change)?;
                for h in &u.stamps {
                    wtx.observe(h);
                }
                apply_upsert(wtx, &mut page, u)?
            }
            OutboxOp::Append => {
                let e = parse_event(&blame, change)?;
                apply_event(wtx, &e, &change.hlc)?
            }
        };
        match outcome {
            Outcome::Applied => report.applied += 1,
            Outcome::Unchanged => report.unchanged += 1,
            Outcome::Orphaned => report.orphaned += 1,
        }
        if !wtx.defer_due_items && wtx.touched.len() > DEFER_DUE_ITEMS_ABOVE {
            wtx.defer_due_items();
        }
    }
    Ok(report)
}

impl Store {
    /// Applies one page of the server's change feed and stores its cursor, in one IMMEDIATE
    /// transaction: a sync killed at any point resumes from the last committed page, and applying
    /// a page again changes nothing. A malformed change refuses the whole page
    /// ([`StoreError::BadRemoteChange`] names it and its field); the cursor stays where it was.
    pub fn apply_pull_page(
        &self,
        now: Timestamp,
        today: time::Date,
        changes: &[RemoteChange],
        next_cursor: &str,
    ) -> Result<ApplyReport> {
        self.write_remote(now, today, |wtx| {
            let report = apply_changes(wtx, changes)?;
            sync_state::put(wtx.conn(), sync_state::META_CURSOR, Some(next_cursor))?;
            Ok(report)
        })
    }

    /// Applies one page of a snapshot (first sync of a large area) with its progress, in one
    /// transaction: `Resume` records where the next page starts, `Done` makes the snapshot's
    /// cursor the pull cursor.
    pub fn apply_snapshot_page(
        &self,
        now: Timestamp,
        today: time::Date,
        records: &[RemoteChange],
        progress: SnapshotProgress,
    ) -> Result<ApplyReport> {
        self.write_remote(now, today, |wtx| {
            let report = apply_changes(wtx, records)?;
            sync_state::put_snapshot_progress(wtx.conn(), &progress)?;
            Ok(report)
        })
    }

    /// How many pulled fields wait for their record (partial upserts of records not held).
    pub fn remote_orphan_count(&self) -> Result<i64> {
        self.read(|c| Ok(c.query_row("SELECT count(*) FROM remote_orphan", [], |r| r.get(0))?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_name_every_column_once() {
        for (i, spec) in SPECS.iter().enumerate() {
            let sql = sql_of(i);
            for f in spec.columns() {
                assert_eq!(
                    sql.insert.matches(&format!(" {},", f.name)).count()
                        + sql.insert.matches(&format!("({},", f.name)).count(),
                    1,
                    "{} in {}",
                    f.name,
                    sql.insert
                );
            }
            assert!(sql.update.ends_with("WHERE id = ?1"));
        }
    }

    #[test]
    fn normalize_names_what_is_wrong_without_the_value() {
        let id = field("rt_id", Kind::Id, false);
        assert_eq!(normalize(&id, &Json::Null), Err("may not be null"));
        assert_eq!(
            normalize(&id, &Json::from("Maria")),
            Err("must be a UUID text")
        );
        let upper = "5F0E8C1A-0000-4000-8000-000000000001";
        assert_eq!(
            normalize(&id, &Json::from(upper)).unwrap(),
            Json::from(upper.to_ascii_lowercase())
        );
        let date = field("birth_date", Kind::Date, true);
        assert_eq!(
            normalize(&date, &Json::from("2026-02-30")),
            Err("must be an ISO date (YYYY-MM-DD)")
        );
        let list = field("rts", Kind::IdList, false);
        let a = "00000000-0000-4000-8000-000000000002";
        let b = "00000000-0000-4000-8000-000000000001";
        assert_eq!(
            normalize(&list, &serde_json::json!([a, b, a])).unwrap(),
            serde_json::json!([b, a])
        );
        assert!(normalize(&field("sex", Kind::Code(is_sex), true), &Json::from("x")).is_err());
    }

    #[test]
    fn a_creation_stamp_map_is_written_as_json_would() {
        let stamp = "000001795300000000.0000000003.00000000-0000-4000-8000-000000000001";
        let one = Clocks::from([("*".to_string(), stamp.to_string())]);
        assert_eq!(clocks_text(&one), serde_json::to_string(&one).unwrap());
        let two = Clocks::from([
            ("*".to_string(), stamp.to_string()),
            ("name".to_string(), stamp.to_string()),
        ]);
        assert_eq!(clocks_text(&two), serde_json::to_string(&two).unwrap());
    }

    #[test]
    fn to_sql_keeps_integers_and_reals_apart() {
        assert_eq!(to_sql(&serde_json::json!(3)), Value::Integer(3));
        assert_eq!(to_sql(&serde_json::json!(3.5)), Value::Real(3.5));
        assert_eq!(to_sql(&serde_json::json!(true)), Value::Integer(1));
    }
}
