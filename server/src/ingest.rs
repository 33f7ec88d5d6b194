//! Push ingest: one request's changes decided in one transaction. Each change is skipped (a
//! replay: its sequence is already decided), refused with a code and a reason (nothing of it
//! stored), or merged into its record and written to the feed under its scope key(s). A record
//! whose scope key changes is written under the old and the new key, and its full state and
//! everything under it is re-sent under the new key. The device's `stored_through` moves in the
//! same transaction, so an answer given after commit is durable.
//!
//! Admin writes (users, areas, Posyandu, the demo seed) come through here too, as pushes of the
//! server's own device.

use crate::error::Result;
use crate::merge::{self, Fields};
use crate::scope::{self, AreaTree, Principal};
use crate::storage::{EventRow, FeedRow, RecordRow, Tx, UserRow};
use crate::validate;
use ilp_model::Hlc;
use ilp_sync::protocol::{Change, Op, Refusal, entity};
use serde_json::{Value, json};
use std::collections::HashSet;

/// Stamps before 2020 come from a phone whose date was reset (the app did not exist then).
pub const EARLIEST_PLAUSIBLE_MS: i64 = 1_577_836_800_000;

/// Who pushes, and the server's clock.
pub struct Ingest<'a> {
    pub principal: &'a Principal,
    pub device: &'a str,
    pub now_ms: i64,
    pub max_drift_ms: i64,
}

/// What one request did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IngestOutcome {
    pub stored_through: i64,
    /// Refusals among the request's sequences (stored earlier ones too, for a replay).
    pub refused: Vec<Refusal>,
    /// Changes decided now: stored, and refused.
    pub stored: usize,
    pub refused_now: usize,
    /// Changes already decided by an earlier request.
    pub replayed: usize,
    pub feed_entries: usize,
}

/// A change refused: code and reason for the device.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Refuse {
    code: &'static str,
    reason: String,
}

fn refuse(code: &'static str, reason: impl Into<String>) -> Refuse {
    Refuse {
        code,
        reason: reason.into(),
    }
}

impl From<validate::Invalid> for Refuse {
    fn from(e: validate::Invalid) -> Self {
        refuse("invalid", e.0)
    }
}

/// A storage failure aborts the request; a refusal is an answer.
enum Fail {
    Refused(Refuse),
    Error(crate::error::Error),
}

impl From<Refuse> for Fail {
    fn from(r: Refuse) -> Self {
        Fail::Refused(r)
    }
}
impl From<validate::Invalid> for Fail {
    fn from(e: validate::Invalid) -> Self {
        Fail::Refused(e.into())
    }
}
impl From<crate::error::StorageError> for Fail {
    fn from(e: crate::error::StorageError) -> Self {
        Fail::Error(e.into())
    }
}

type Decided<T> = std::result::Result<T, Fail>;

/// The transaction with what the request has written so far.
struct Writer<'t> {
    tx: &'t mut dyn Tx,
    head: i64,
    origin: String,
    feed_entries: usize,
    areas_changed: bool,
    users_changed: Vec<String>,
}

impl Writer<'_> {
    fn feed(
        &mut self,
        key: &str,
        entity: &str,
        id: &str,
        op: Op,
        hlc: &str,
        payload: String,
    ) -> Decided<()> {
        self.head += 1;
        self.feed_entries += 1;
        self.tx.insert_feed(&FeedRow {
            seq: self.head,
            scope_key: key.to_string(),
            entity: entity.to_string(),
            entity_id: id.to_string(),
            op: match op {
                Op::Upsert => "upsert".into(),
                Op::Append => "append".into(),
            },
            hlc: hlc.to_string(),
            payload,
            origin_device: self.origin.clone(),
        })?;
        Ok(())
    }

    /// A record's full state with per-field stamps, as re-homing and snapshots send it.
    fn feed_full(&mut self, key: &str, row: &RecordRow) -> Decided<()> {
        let (payload, hlc) = full_state(row)?;
        self.feed(key, &row.entity, &row.id, Op::Upsert, &hlc, payload)
    }
}

/// `{"fields": ..., "clocks": ...}` of a stored record, and its latest stamp.
pub fn full_state(
    row: &RecordRow,
) -> std::result::Result<(String, String), crate::error::StorageError> {
    let fields: Value = serde_json::from_str(&row.fields)?;
    let clocks: Fields = serde_json::from_str(&row.clocks)?;
    let hlc = merge::latest_stamp(&clocks);
    Ok((json!({"fields": fields, "clocks": clocks}).to_string(), hlc))
}

/// Decides `changes` of `ctx.device` inside `tx`. The caller has checked the device's clock and
/// that the device is the token's.
pub fn ingest(tx: &mut dyn Tx, ctx: &Ingest<'_>, changes: &[Change]) -> Result<IngestOutcome> {
    let device = tx.device(ctx.device, true)?.ok_or_else(|| {
        crate::error::Error::Usage(format!("device {} is not registered", ctx.device))
    })?;
    // Taken first by every ingest: feed sequences follow commit order.
    let head = tx.feed_head(true)?;
    let mut out = IngestOutcome::default();
    let mut through = device.stored_through;
    let mut w = Writer {
        tx,
        head,
        origin: ctx.device.to_string(),
        feed_entries: 0,
        areas_changed: false,
        users_changed: Vec::new(),
    };
    for change in changes {
        if change.seq <= through {
            out.replayed += 1;
            continue;
        }
        match decide(&mut w, ctx, change) {
            Ok(()) => out.stored += 1,
            Err(Fail::Refused(r)) => {
                w.tx.insert_refusal(ctx.device, change.seq, r.code, &r.reason, ctx.now_ms)?;
                out.refused_now += 1;
            }
            Err(Fail::Error(e)) => return Err(e),
        }
        through = change.seq;
    }
    let tx = w.tx;
    if through != device.stored_through {
        tx.set_stored_through(ctx.device, through)?;
    }
    if w.head != head {
        tx.set_feed_head(w.head)?;
    }
    if w.areas_changed {
        scope::recompute_user_keys(tx, None)?;
    } else if !w.users_changed.is_empty() {
        scope::recompute_user_keys(tx, Some(&w.users_changed))?;
    }
    out.feed_entries = w.feed_entries;
    out.stored_through = through;
    if let (Some(min), Some(max)) = (
        changes.iter().map(|c| c.seq).min(),
        changes.iter().map(|c| c.seq).max(),
    ) {
        let asked: HashSet<i64> = changes.iter().map(|c| c.seq).collect();
        out.refused = tx
            .refusals(ctx.device, min, max)?
            .into_iter()
            .filter(|(seq, _, _)| asked.contains(seq))
            .map(|(seq, code, reason)| Refusal { seq, code, reason })
            .collect();
    }
    Ok(out)
}

fn decide(w: &mut Writer<'_>, ctx: &Ingest<'_>, c: &Change) -> Decided<()> {
    let stamp: Hlc = c
        .hlc
        .parse()
        .map_err(|_| refuse("invalid", "hlc is not a clock stamp"))?;
    let ahead = stamp.wall_ms - ctx.now_ms;
    if ahead > ctx.max_drift_ms {
        return Err(refuse(
            "clock_ahead",
            format!(
                "recorded with the phone's clock {} minutes ahead of the server",
                ahead / 60_000
            ),
        )
        .into());
    }
    if stamp.wall_ms < EARLIEST_PLAUSIBLE_MS {
        return Err(refuse(
            "clock_behind",
            "recorded while the phone's date was before 2020",
        )
        .into());
    }
    let hlc = stamp.to_string();
    let known = entity::ALL.contains(&c.entity.as_str());
    if !known {
        return Err(refuse("invalid", "unknown entity").into());
    }
    if uuid::Uuid::parse_str(&c.entity_id).is_err() {
        return Err(refuse("invalid", "entity_id is not an id").into());
    }
    if !ctx.principal.is_admin()
        && matches!(
            c.entity.as_str(),
            entity::AREA | entity::POSYANDU | entity::USER
        )
    {
        return Err(refuse(
            "forbidden_entity",
            format!("only an admin changes {} records", c.entity),
        )
        .into());
    }
    // Ids are stored in their canonical (lowercase) form.
    let id = c.entity_id.trim().to_ascii_lowercase();
    match (entity::is_mutable(&c.entity), c.op) {
        (true, Op::Upsert) => upsert(w, ctx, &c.entity, &id, &c.payload, &hlc),
        (false, Op::Append) => append(w, ctx, &id, &c.payload, &hlc),
        _ => Err(refuse(
            "invalid",
            format!("{} records cannot be {:?}", c.entity, c.op),
        )
        .into()),
    }
}

fn append(
    w: &mut Writer<'_>,
    ctx: &Ingest<'_>,
    id: &str,
    payload: &Value,
    hlc: &str,
) -> Decided<()> {
    let event = validate::event(id, payload)?;
    if w.tx.event_exists(id)? {
        // Events are append-only: a second delivery is the same event.
        return Ok(());
    }
    let person = event.person.to_string();
    let Some(parent) = w.tx.record(entity::PERSON, &person)? else {
        return Err(refuse(
            "unknown_parent",
            "the event's person is not known to the server",
        )
        .into());
    };
    if !ctx.principal.may_write(&parent.scope_key) {
        return Err(refuse("out_of_scope", "the person is outside your areas").into());
    }
    let text = payload.to_string();
    w.tx.insert_event(&EventRow {
        id: id.to_string(),
        person_id: person,
        scope_key: parent.scope_key.clone(),
        hlc: hlc.to_string(),
        payload: text.clone(),
    })?;
    w.feed(&parent.scope_key, entity::EVENT, id, Op::Append, hlc, text)
}

/// Where a record belongs: its scope key(s) and the parent re-homing follows.
struct Place {
    key: String,
    parent: Option<String>,
}

fn str_field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields.get(name).and_then(Value::as_str)
}

fn locate(
    w: &mut Writer<'_>,
    ctx: &Ingest<'_>,
    entity_name: &str,
    id: &str,
    fields: &Fields,
    existing: Option<&RecordRow>,
) -> Decided<Place> {
    let missing = |what: &str| {
        refuse(
            "unknown_parent",
            format!("{what} is not known to the server"),
        )
    };
    Ok(match entity_name {
        entity::HOUSEHOLD => {
            let rt = str_field(fields, "rt_id")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let area =
                w.tx.record(entity::AREA, &rt)?
                    .ok_or_else(|| missing("the RT"))?;
            if area_level(&area)? != "rt" {
                return Err(refuse("invalid", "rt_id must name an RT").into());
            }
            Place {
                key: rt.clone(),
                parent: Some(rt),
            }
        }
        entity::PERSON => match str_field(fields, "household_id") {
            Some(h) => {
                let h = h.to_ascii_lowercase();
                let hh =
                    w.tx.record(entity::HOUSEHOLD, &h)?
                        .ok_or_else(|| missing("the household"))?;
                Place {
                    key: hh.scope_key,
                    parent: Some(h),
                }
            }
            None => Place {
                key: existing
                    .map(|e| e.scope_key.clone())
                    .filter(|k| k.starts_with("u:"))
                    .unwrap_or_else(|| ctx.principal.unhoused.clone()),
                parent: None,
            },
        },
        entity::PREGNANCY => {
            let p = str_field(fields, "person_id")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let person =
                w.tx.record(entity::PERSON, &p)?
                    .ok_or_else(|| missing("the pregnancy's person"))?;
            Place {
                key: person.scope_key,
                parent: Some(p),
            }
        }
        entity::AREA => {
            let level = str_field(fields, "level").unwrap_or_default();
            let parent = str_field(fields, "parent_id").map(str::to_ascii_lowercase);
            let parent_row = match &parent {
                Some(p) => Some(
                    w.tx.record(entity::AREA, p)?
                        .ok_or_else(|| missing("the parent area"))?,
                ),
                None => None,
            };
            let key = match level {
                "village" => scope::village_key(id),
                "rw" | "rt" => match parent_row {
                    Some(p) if p.scope_key.starts_with("v:") => p.scope_key,
                    _ => {
                        return Err(
                            refuse("invalid", "an RW or RT must be under a kelurahan").into()
                        );
                    }
                },
                _ => scope::EVERYWHERE.to_string(),
            };
            Place { key, parent }
        }
        entity::POSYANDU => {
            let v = str_field(fields, "village_id")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let area =
                w.tx.record(entity::AREA, &v)?
                    .ok_or_else(|| missing("the kelurahan"))?;
            if area_level(&area)? != "village" {
                return Err(refuse("invalid", "village_id must name a kelurahan").into());
            }
            Place {
                key: scope::village_key(&v),
                parent: Some(v),
            }
        }
        entity::USER => {
            let areas = id_list(fields, "areas");
            for a in &areas {
                if w.tx.record(entity::AREA, a)?.is_none() {
                    return Err(missing("an assigned area").into());
                }
            }
            let tree = AreaTree::load(w.tx)?;
            Place {
                key: tree.user_record_keys(&areas).join(" "),
                parent: None,
            }
        }
        _ => return Err(refuse("invalid", "unknown entity").into()),
    })
}

fn area_level(row: &RecordRow) -> Decided<String> {
    let f: Fields = serde_json::from_str(&row.fields).map_err(crate::error::StorageError::from)?;
    Ok(str_field(&f, "level").unwrap_or_default().to_string())
}

pub fn id_list(fields: &Fields, name: &str) -> Vec<String> {
    fields
        .get(name)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default()
}

fn upsert(
    w: &mut Writer<'_>,
    ctx: &Ingest<'_>,
    entity_name: &str,
    id: &str,
    payload: &Value,
    hlc: &str,
) -> Decided<()> {
    let existing = w.tx.record(entity_name, id)?;
    let incoming = validate::upsert_fields(entity_name, payload, existing.is_none())?;
    let stored = match &existing {
        Some(e) => Some((
            serde_json::from_str::<Fields>(&e.fields).map_err(crate::error::StorageError::from)?,
            serde_json::from_str::<Fields>(&e.clocks).map_err(crate::error::StorageError::from)?,
        )),
        None => None,
    };
    let merged = merge::merge(stored, incoming, hlc);
    let place = locate(w, ctx, entity_name, id, &merged.fields, existing.as_ref())?;
    let old_key = existing.as_ref().map(|e| e.scope_key.clone());
    if let Some(old) = &old_key
        && !ctx.principal.may_write(old)
    {
        return Err(refuse(
            "out_of_scope",
            format!("the {entity_name} is outside your areas"),
        )
        .into());
    }
    if !ctx.principal.may_write(&place.key) {
        return Err(refuse(
            "out_of_scope",
            format!("the {entity_name} would be outside your areas"),
        )
        .into());
    }
    if entity_name == entity::USER {
        let username = str_field(&merged.fields, "username").unwrap_or_default();
        if let Some(other) = w.tx.user_by_name(username)?
            && other.id != id
        {
            return Err(refuse("invalid", "the username is taken").into());
        }
    }
    if existing.is_some() && merged.won.is_empty() {
        // Every field already holds a later write: decided, nothing to store.
        return Ok(());
    }
    let row = RecordRow {
        entity: entity_name.to_string(),
        id: id.to_string(),
        scope_key: place.key.clone(),
        parent_id: place.parent.clone(),
        fields: Value::Object(merged.fields.clone()).to_string(),
        clocks: Value::Object(merged.clocks.clone()).to_string(),
    };
    w.tx.put_record(&row)?;
    let partial = json!({ "fields": merged.won }).to_string();
    let new_keys: Vec<&str> = place.key.split(' ').collect();
    match &old_key {
        None => {
            for k in &new_keys {
                w.feed(k, entity_name, id, Op::Upsert, hlc, partial.clone())?;
            }
        }
        Some(old) => {
            let old_keys: Vec<&str> = old.split(' ').collect();
            for k in &old_keys {
                w.feed(k, entity_name, id, Op::Upsert, hlc, partial.clone())?;
            }
            for k in new_keys.iter().filter(|k| !old_keys.contains(k)) {
                // A replica in the new scope has never seen the record: full state first.
                w.feed_full(k, &row)?;
                if new_keys.len() == 1 {
                    rehome_children(w, entity_name, id, k)?;
                }
            }
        }
    }
    match entity_name {
        entity::AREA => w.areas_changed = true,
        entity::USER => {
            sync_account(w.tx, id, &merged.fields, ctx.now_ms)?;
            w.users_changed.push(id.to_string());
        }
        _ => {}
    }
    Ok(())
}

/// Moves everything under a re-homed record to its new key and re-sends it there in full.
fn rehome_children(w: &mut Writer<'_>, entity_name: &str, id: &str, key: &str) -> Decided<()> {
    match entity_name {
        entity::HOUSEHOLD => {
            for person in w.tx.children(entity::PERSON, id)? {
                w.tx.set_record_scope(entity::PERSON, &person.id, key)?;
                w.feed_full(key, &person)?;
                rehome_children(w, entity::PERSON, &person.id, key)?;
            }
        }
        entity::PERSON => {
            for pregnancy in w.tx.children(entity::PREGNANCY, id)? {
                w.tx.set_record_scope(entity::PREGNANCY, &pregnancy.id, key)?;
                w.feed_full(key, &pregnancy)?;
            }
            for event in w.tx.events_of_person(id)? {
                w.feed(
                    key,
                    entity::EVENT,
                    &event.id,
                    Op::Append,
                    &event.hlc,
                    event.payload,
                )?;
            }
            w.tx.set_events_scope(id, key)?;
        }
        _ => {}
    }
    Ok(())
}

/// Keeps the login table in step with a user record: name, role, activity and areas.
fn sync_account(tx: &mut dyn Tx, id: &str, fields: &Fields, now_ms: i64) -> Decided<()> {
    let active = fields
        .get("active")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    tx.upsert_user(&UserRow {
        id: id.to_string(),
        username: str_field(fields, "username")
            .unwrap_or_default()
            .to_string(),
        display_name: str_field(fields, "display_name")
            .unwrap_or_default()
            .to_string(),
        role: str_field(fields, "role").unwrap_or("kader").to_string(),
        active,
        password_hash: None,
    })?;
    tx.set_user_areas(id, &id_list(fields, "areas"))?;
    if !active {
        tx.revoke_tokens(crate::storage::TokenFilter::User(id), now_ms)?;
    }
    Ok(())
}
