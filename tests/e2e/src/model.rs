//! What the robustness tests share: local edits made through the store's own write calls (as the
//! app makes them), the ids of what a replica holds, the RTs a user reads, and a reference model of
//! the merged state. The model is fed the outbox entries each local write committed (with their
//! HLC stamps) and keeps, per record field, the value of the write with the greatest stamp (per-field
//! last-writer-wins, PROTOCOL.md "Merge"), and every event id appended: after a quiescent sync every
//! replica and the server must hold exactly that.

use crate::{DemoServer, Device};
use ilp_model::{AreaId, Hlc, HouseholdId, JknStatus, PersonId, VisitKind};
use ilp_store::Store;
use ilp_store::events::{VisitInput, record_visit};
use ilp_store::households::{self, get_household};
use ilp_store::input::{HouseholdInput, MotherRef, PersonInput};
use ilp_store::outbox::{OutboxEntry, OutboxOp};
use ilp_store::persons::{edit_person, get_person};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A canonical dump (see [`crate::dump`]).
pub type Dump = BTreeMap<String, BTreeMap<String, Value>>;

/// A household's form as it stands in `store`.
pub fn household_input(store: &Store, id: HouseholdId) -> HouseholdInput {
    let h = store
        .read(|c| get_household(c, id))
        .expect("read the household");
    HouseholdInput {
        rt: h.rt,
        kk_number: h.kk_number.map(|k| k.as_str().to_string()),
        address: h.address,
        gps: h.gps.map(|g| (g.lat, g.lon)),
        jkn: h.jkn,
        clean_water: h.clean_water,
        healthy_latrine: h.healthy_latrine,
        notes: h.notes,
    }
}

/// Edits a household's form and saves it (one local commit with its outbox entry, when anything
/// changed).
pub fn edit_household(device: &Device, id: HouseholdId, change: impl FnOnce(&mut HouseholdInput)) {
    let mut input = household_input(device.store(), id);
    change(&mut input);
    device
        .store()
        .write(&device.write_ctx(), |w| households::edit(w, id, &input))
        .expect("edit the household");
}

/// A person's form as it stands in `store` (an edit keeps every field it does not change).
pub fn person_input(store: &Store, id: PersonId) -> PersonInput {
    let p = store.read(|c| get_person(c, id)).expect("read the person");
    PersonInput {
        name: p.name,
        sex: p.sex,
        birth_date: p.birth.map(|b| b.date),
        birth_date_estimated: p.birth.is_some_and(|b| b.estimated),
        age_years: None,
        age_months: None,
        nik: p.nik.map(|n| n.as_str().to_string()),
        phone: p.phone,
        relation: p.relation,
        mother: p.mother.map(MotherRef::Existing),
        description: p.description,
    }
}

/// Edits a person's form and saves it.
pub fn edit_person_with(device: &Device, id: PersonId, change: impl FnOnce(&mut PersonInput)) {
    let mut input = person_input(device.store(), id);
    change(&mut input);
    device
        .store()
        .write(&device.write_ctx(), |w| edit_person(w, id, &input))
        .expect("edit the person");
}

/// Records a home visit with a note; returns every event id it made.
pub fn visit(device: &Device, person: PersonId, note: &str) -> Vec<String> {
    let ctx = device.write_ctx();
    let input = VisitInput {
        note: Some(note.to_string()),
        ..VisitInput::new(person, ctx.now, VisitKind::HomeVisit)
    };
    let done = device
        .store()
        .write(&ctx, |w| record_visit(w, &input))
        .expect("record the visit");
    std::iter::once(done.visit)
        .chain(done.parts)
        .map(|e| e.to_string())
        .collect()
}

/// Registers a household with one adult member in `rt`; returns both ids.
pub fn register_household(device: &Device, rt: AreaId, name: &str) -> (HouseholdId, PersonId) {
    let household = HouseholdInput {
        rt,
        kk_number: None,
        address: Some(format!("Jl. {name}")),
        gps: None,
        jkn: JknStatus::Unknown,
        clean_water: None,
        healthy_latrine: None,
        notes: None,
    };
    let member = PersonInput {
        name: Some(name.to_string()),
        sex: Some(ilp_model::Sex::Female),
        age_years: Some(30),
        relation: Some(ilp_model::Relation::Head),
        ..PersonInput::default()
    };
    let done = device
        .store()
        .write(&device.write_ctx(), |w| {
            households::register(w, &household, std::slice::from_ref(&member))
        })
        .expect("register a household");
    (done.household, done.members[0])
}

/// The households a replica holds, by id, with their RT.
pub fn households_of(store: &Store) -> Vec<(HouseholdId, AreaId)> {
    store
        .read(|c| {
            let mut stmt = c.prepare("SELECT id, rt_id FROM household ORDER BY id")?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .expect("list households")
        .into_iter()
        .map(|(h, rt)| (h.parse().expect("id"), rt.parse().expect("id")))
        .collect()
}

/// The persons of households a replica holds that can be edited (not merged into another), by id.
pub fn persons_of(store: &Store) -> Vec<PersonId> {
    store
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT id FROM person WHERE household_id IS NOT NULL AND merged_into IS NULL
                 ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .expect("list persons")
        .into_iter()
        .map(|p| p.parse().expect("id"))
        .collect()
}

/// The RTs a user with `areas` reads: each RT that is one of the areas or lies under one (a kader's
/// RW, a bidan's kelurahan), found in the area tree of `dump`.
pub fn readable_rts(dump: &Dump, areas: &[String]) -> BTreeSet<String> {
    let parent = |id: &str| -> Option<String> {
        dump["area"]
            .get(id)
            .and_then(|a| a["parent_id"].as_str().map(str::to_string))
    };
    dump["area"]
        .iter()
        .filter(|(_, a)| a["level"] == "rt")
        .filter(|(id, _)| {
            let mut at = Some((*id).clone());
            // The tree is a few levels deep; the bound only guards against a cycle.
            for _ in 0..16 {
                match at {
                    Some(a) if areas.contains(&a) => return true,
                    Some(a) => at = parent(&a),
                    None => return false,
                }
            }
            false
        })
        .map(|(id, _)| id.clone())
        .collect()
}

/// The areas of the user logged in on `device`, as the server last told it.
pub fn session_areas(device: &Device) -> Vec<String> {
    ilp_sync::session::load_session(device.store())
        .expect("session")
        .expect("logged in")
        .user
        .areas
}

/// Outbox entries still pending after `after_seq`, in sequence order.
pub fn pending_after(store: &Store, after_seq: i64) -> Vec<OutboxEntry> {
    store
        .outbox_pending(after_seq, 100_000)
        .expect("read the outbox")
}

/// A JSON field value as the dump shows the column (SQLite keeps booleans as integers).
pub fn as_column(v: &Value) -> Value {
    match v {
        Value::Bool(b) => Value::from(*b as i64),
        other => other.clone(),
    }
}

/// Two column values are equal (numbers compared as numbers: `1` and `1.0` are one value).
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// The table a mutable entity lives in on a device.
fn table_of(entity: &str) -> &str {
    match entity {
        "user" => "app_user",
        other => other,
    }
}

/// The reference model: per field the greatest-stamped write, and every appended event.
#[derive(Default, Debug)]
pub struct Reference {
    /// (entity, id, field) -> (stamp, value).
    pub fields: BTreeMap<(String, String, String), (Hlc, Value)>,
    /// Event id -> the device that wrote it.
    pub events: BTreeMap<String, String>,
    /// Every field write the model was fed, in order: (entity id, field, stamp, value, device),
    /// to explain a failure.
    pub history: Vec<(String, String, Hlc, Value, String)>,
}

impl Reference {
    /// The model of the server's state now: every household and person field with its stamp,
    /// every event. Long-lived devices that have not synced yet write with stamps older than some
    /// of these, and lose to them field by field, so the model must start from them.
    pub fn from_server(server: &DemoServer) -> Reference {
        let (records, events) = server
            .state
            .db
            .read(|tx| {
                let mut records = Vec::new();
                for entity in ["household", "person"] {
                    records.extend(tx.records(entity)?);
                }
                let events = tx.query("SELECT id FROM event", &[])?;
                Ok((records, events))
            })
            .expect("read the server");
        let mut model = Reference::default();
        for r in records {
            let fields: serde_json::Map<String, Value> =
                serde_json::from_str(&r.fields).expect("fields are JSON");
            let clocks: BTreeMap<String, String> =
                serde_json::from_str(&r.clocks).expect("clocks are JSON");
            for (name, value) in fields {
                let stamp = clocks
                    .get(&name)
                    .or_else(|| clocks.get("*"))
                    .expect("every field has a stamp")
                    .parse()
                    .expect("a stamp");
                model
                    .fields
                    .insert((r.entity.clone(), r.id.clone(), name), (stamp, value));
            }
        }
        for row in events {
            let id = row
                .into_iter()
                .next()
                .expect("column")
                .text()
                .expect("text");
            model.events.insert(id, "server".into());
        }
        model
    }

    /// Takes in the outbox entries of one device's local commits.
    pub fn record(&mut self, device: &str, entries: &[OutboxEntry]) {
        for e in entries {
            match e.op {
                OutboxOp::Append => {
                    let before = self.events.insert(e.entity_id.clone(), device.to_string());
                    assert!(before.is_none(), "event id {} made twice", e.entity_id);
                }
                OutboxOp::Upsert => {
                    let Some(fields) = e.payload["fields"].as_object() else {
                        panic!("an upsert without fields: {}", e.payload);
                    };
                    for (name, value) in fields {
                        self.history.push((
                            e.entity_id.clone(),
                            name.clone(),
                            e.hlc,
                            value.clone(),
                            device.to_string(),
                        ));
                        let key = (e.entity.clone(), e.entity_id.clone(), name.clone());
                        match self.fields.get(&key) {
                            Some((stamp, _)) if *stamp >= e.hlc => {}
                            _ => {
                                self.fields.insert(key, (e.hlc, value.clone()));
                            }
                        }
                    }
                }
            }
        }
    }

    /// Checks a replica against the model: each modelled field of a record the replica holds has
    /// the model's value, and each event of a person it holds is there. `complete` replicas (the
    /// kelurahan's) must hold every modelled record and event. A failure names the record's id.
    pub fn check(&self, dump: &Dump, complete: bool) -> Result<(), (String, String)> {
        for ((entity, id, field), (stamp, value)) in &self.fields {
            let Some(row) = dump[table_of(entity)].get(id) else {
                if complete {
                    return Err((
                        id.clone(),
                        format!("{entity} {id} is missing (written at {stamp})"),
                    ));
                }
                continue;
            };
            let have = &row[field.as_str()];
            if !same(have, &as_column(value)) {
                return Err((
                    id.clone(),
                    format!(
                        "{entity} {id} field {field}: {have} but the last write ({stamp}) was {value}"
                    ),
                ));
            }
        }
        for (id, device) in &self.events {
            if !dump["event"].contains_key(id) {
                if complete {
                    return Err((
                        id.clone(),
                        format!("event {id} of device {device} is missing"),
                    ));
                }
                // A partial replica must hold it when it holds the person.
                continue;
            }
        }
        Ok(())
    }
}

/// A record's story, for a failure message: the model's writes of it, the server's merged record
/// and its feed entries.
pub fn explain(server: &DemoServer, model: &Reference, id: &str) -> String {
    let mut out = String::from("writes (entity id, field, stamp, value, device):\n");
    for h in model.history.iter().filter(|h| h.0 == id) {
        out.push_str(&format!("  {} {} {} {}\n", h.1, h.2, h.3, h.4));
    }
    let (records, feed) = server
        .state
        .db
        .read(|tx| {
            let mut records = Vec::new();
            for entity in ["household", "person"] {
                records.extend(tx.record(entity, id)?);
            }
            let feed = tx.query(
                "SELECT seq, scope_key, op, hlc, payload, origin_device FROM feed
                 WHERE entity_id = $1 ORDER BY seq",
                &[id.into()],
            )?;
            Ok((records, feed))
        })
        .expect("read the server");
    for r in records {
        out.push_str(&format!(
            "server record: {}\n  clocks {}\n",
            r.fields, r.clocks
        ));
    }
    out.push_str("feed:\n");
    for row in feed {
        out.push_str(&format!("  {row:?}\n"));
    }
    out
}

/// The server's merged households and persons compared with a replica of the whole kelurahan:
/// every record the replica holds has, on the server, the same value in every field (a merge set
/// aside counting as the value it holds).
pub fn check_server_records(server: &DemoServer, dump: &Dump) -> Result<(), String> {
    let rows = server
        .state
        .db
        .read(|tx| {
            let mut all = Vec::new();
            for entity in ["household", "person"] {
                all.extend(tx.records(entity)?);
            }
            Ok(all)
        })
        .expect("read the server's records");
    let by_key: BTreeMap<(String, String), ilp_server::storage::RecordRow> = rows
        .into_iter()
        .map(|r| ((r.entity.clone(), r.id.clone()), r))
        .collect();
    for entity in ["household", "person"] {
        for (id, row) in &dump[entity] {
            let Some(rec) = by_key.get(&(entity.to_string(), id.clone())) else {
                return Err(format!("{entity} {id} is on the device, not on the server"));
            };
            let fields: serde_json::Map<String, Value> =
                serde_json::from_str(&rec.fields).expect("server fields are JSON");
            for (name, value) in &fields {
                // A merge this replica set aside (it closed a cycle) is still the field's value.
                let have = match dump.get("merge_set_aside").and_then(|t| t.get(id)) {
                    Some(aside) if entity == "person" && name == "merged_into" => {
                        &aside["merged_into"]
                    }
                    _ => &row[name.as_str()],
                };
                if !same(have, &as_column(value)) {
                    return Err(format!(
                        "{entity} {id} field {name}: device {have}, server {value}"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Feed entries that occur twice: events appended more than once, and changes of one device with
/// one stamp stored more than once (neither happens without re-homing, which these tests avoid).
pub fn feed_duplicates(server: &DemoServer) -> Vec<String> {
    server
        .state
        .db
        .read(|tx| {
            let rows = tx.query(
                "SELECT entity, entity_id, hlc, count(*) FROM feed
                 GROUP BY entity, entity_id, hlc, origin_device, scope_key HAVING count(*) > 1",
                &[],
            )?;
            let mut out = Vec::new();
            for r in rows {
                let mut r = r.into_iter();
                let entity = r.next().expect("column").text()?;
                let id = r.next().expect("column").text()?;
                let hlc = r.next().expect("column").text()?;
                out.push(format!("{entity} {id} at {hlc}"));
            }
            let events = tx.query(
                "SELECT entity_id FROM feed WHERE op = 'append'
                 GROUP BY entity_id HAVING count(*) > 1",
                &[],
            )?;
            for r in events {
                out.push(format!(
                    "event {} appended twice",
                    r.into_iter().next().expect("column").text()?
                ));
            }
            Ok(out)
        })
        .expect("read the feed")
}

/// How many feed entries name `entity_id`.
pub fn feed_count(server: &DemoServer, entity_id: &str) -> i64 {
    server
        .state
        .db
        .read(|tx| {
            let rows = tx.query(
                "SELECT count(*) FROM feed WHERE entity_id = $1",
                &[entity_id.into()],
            )?;
            Ok(rows[0][0].int()?)
        })
        .expect("count feed entries")
}

/// The RTs the user logged in on `device` reads, from the device's own area tree.
pub fn readable_rts_of(device: &Device) -> Vec<AreaId> {
    let areas = session_areas(device);
    let tree: Vec<(String, Option<String>, String)> = device
        .store()
        .read(|c| {
            let mut stmt = c.prepare("SELECT id, parent_id, level FROM area ORDER BY id")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .expect("read the area tree");
    let parent: BTreeMap<&str, Option<&str>> = tree
        .iter()
        .map(|(id, p, _)| (id.as_str(), p.as_deref()))
        .collect();
    tree.iter()
        .filter(|(_, _, level)| level == "rt")
        .filter(|(id, _, _)| {
            let mut at = Some(id.as_str());
            for _ in 0..16 {
                match at {
                    Some(a) if areas.iter().any(|x| x == a) => return true,
                    Some(a) => at = parent.get(a).copied().flatten(),
                    None => return false,
                }
            }
            false
        })
        .map(|(id, _, _)| id.parse().expect("area id"))
        .collect()
}
