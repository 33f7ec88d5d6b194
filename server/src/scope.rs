//! Scope: which keys a user may read and write, derived from the role and the areas assigned,
//! and the scope keys of the area tree's records (PROTOCOL.md "Scope").
//!
//! Keys: an RT's area id (households and what is under them), `v:<kelurahan>` (the kelurahan's
//! areas, Posyandu and users), `u:<kelurahan>` (persons without a household), `*` (areas above a
//! kelurahan, users without areas).

use crate::storage::{ReadScope, RecordRow, SResult, ScopeKey, Tx};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet};

pub const EVERYWHERE: &str = "*";

pub fn village_key(village: &str) -> String {
    format!("v:{village}")
}

pub fn unhoused_key(village: &str) -> String {
    format!("u:{village}")
}

/// The area tree as the server holds it (from the `area` records).
#[derive(Clone, Debug, Default)]
pub struct AreaTree {
    nodes: HashMap<String, (Option<String>, String)>,
    children: HashMap<String, Vec<String>>,
}

impl AreaTree {
    pub fn from_records(rows: &[RecordRow]) -> Self {
        let mut tree = AreaTree::default();
        for r in rows {
            let Ok(fields) = serde_json::from_str::<serde_json::Map<String, Value>>(&r.fields)
            else {
                continue;
            };
            let parent = fields
                .get("parent_id")
                .and_then(Value::as_str)
                .map(str::to_string);
            let level = fields
                .get("level")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if let Some(p) = &parent {
                tree.children
                    .entry(p.clone())
                    .or_default()
                    .push(r.id.clone());
            }
            tree.nodes.insert(r.id.clone(), (parent, level));
        }
        tree
    }

    pub fn load(tx: &mut dyn Tx) -> SResult<Self> {
        Ok(Self::from_records(&tx.records("area")?))
    }

    pub fn level(&self, id: &str) -> Option<&str> {
        self.nodes.get(id).map(|(_, l)| l.as_str())
    }

    /// The kelurahan an area is in (itself for a kelurahan); `None` above a kelurahan.
    pub fn village_of(&self, id: &str) -> Option<String> {
        let mut at = id.to_string();
        for _ in 0..8 {
            let (parent, level) = self.nodes.get(&at)?;
            if level == "village" {
                return Some(at);
            }
            if !matches!(level.as_str(), "rw" | "rt") {
                return None;
            }
            at = parent.clone()?;
        }
        None
    }

    /// Every area at or under `id`.
    fn subtree(&self, id: &str) -> Vec<String> {
        let mut out = vec![id.to_string()];
        let mut i = 0;
        while i < out.len() {
            if let Some(c) = self.children.get(&out[i]) {
                out.extend(c.iter().cloned());
            }
            i += 1;
        }
        out
    }

    fn rts_under(&self, id: &str) -> Vec<String> {
        self.subtree(id)
            .into_iter()
            .filter(|a| self.level(a) == Some("rt"))
            .collect()
    }

    fn villages_at_or_under(&self, id: &str) -> Vec<String> {
        if let Some(v) = self.village_of(id) {
            return vec![v];
        }
        self.subtree(id)
            .into_iter()
            .filter(|a| self.level(a) == Some("village"))
            .collect()
    }

    /// The scope keys of a user record: `v:` of each kelurahan of its areas; `*` for an area
    /// above a kelurahan or a user without areas.
    pub fn user_record_keys(&self, areas: &[String]) -> Vec<String> {
        let mut keys = BTreeSet::new();
        for a in areas {
            match self.village_of(a) {
                Some(v) => keys.insert(village_key(&v)),
                None => keys.insert(EVERYWHERE.to_string()),
            };
        }
        if keys.is_empty() {
            keys.insert(EVERYWHERE.to_string());
        }
        keys.into_iter().collect()
    }

    /// The keys of a user with `role` and `areas` (an admin needs none: reads all).
    pub fn user_keys(&self, role: &str, areas: &[String]) -> Vec<ScopeKey> {
        let mut keys: Vec<ScopeKey> = Vec::new();
        let mut seen = HashSet::new();
        let mut add = |key: String, read: bool, write: bool| {
            if seen.insert(key.clone()) {
                keys.push(ScopeKey { key, read, write });
            }
        };
        match role {
            "kader" => {
                for a in areas {
                    for rt in self.rts_under(a) {
                        add(rt, true, true);
                    }
                    if let Some(v) = self.village_of(a) {
                        add(village_key(&v), true, false);
                        // The emergency registration: a person without a household. Written,
                        // not read: she keeps her own on the phone.
                        add(unhoused_key(&v), false, true);
                    }
                }
            }
            "bidan" | "supervisor" => {
                for a in areas {
                    for v in self.villages_at_or_under(a) {
                        for rt in self.rts_under(&v) {
                            add(rt, true, true);
                        }
                        add(village_key(&v), true, false);
                        add(unhoused_key(&v), true, true);
                    }
                }
            }
            _ => {}
        }
        add(EVERYWHERE.to_string(), true, false);
        keys
    }
}

/// What a user may read and write, as loaded for one request.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user_id: String,
    pub role: String,
    pub readable: HashSet<String>,
    pub writable: HashSet<String>,
    /// The `u:` key of persons this user registers without a household.
    pub unhoused: String,
}

impl Principal {
    /// An admin acting through the server (admin commands): reads and writes everything.
    pub fn admin(user_id: &str) -> Self {
        Self {
            user_id: user_id.to_string(),
            role: "admin".into(),
            readable: HashSet::new(),
            writable: HashSet::new(),
            unhoused: unhoused_key("none"),
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }

    pub fn load(tx: &mut dyn Tx, user_id: &str, role: &str) -> SResult<Self> {
        let keys = tx.user_keys(user_id)?;
        let mut readable = HashSet::new();
        let mut writable = HashSet::new();
        let mut unhoused = None;
        for k in keys {
            if k.key.starts_with("u:") && unhoused.is_none() {
                unhoused = Some(k.key.clone());
            }
            if k.write {
                writable.insert(k.key.clone());
            }
            if k.read {
                readable.insert(k.key);
            }
        }
        Ok(Self {
            user_id: user_id.to_string(),
            role: role.to_string(),
            readable,
            writable,
            unhoused: unhoused.unwrap_or_else(|| unhoused_key("none")),
        })
    }

    /// Every key of `keys` (space-separated for users) is writable.
    pub fn may_write(&self, keys: &str) -> bool {
        self.is_admin() || keys.split(' ').all(|k| self.writable.contains(k))
    }

    pub fn may_read(&self, keys: &str) -> bool {
        self.is_admin() || keys.split(' ').any(|k| self.readable.contains(k))
    }

    pub fn read_scope(&self) -> ReadScope {
        if self.is_admin() {
            ReadScope::All
        } else {
            ReadScope::User(self.user_id.clone())
        }
    }
}

/// Recomputes the stored keys of the given users (all users when `None`) from their role and
/// areas: after an area or a user assignment changed.
pub fn recompute_user_keys(tx: &mut dyn Tx, only: Option<&[String]>) -> SResult<()> {
    let tree = AreaTree::load(tx)?;
    let users = match only {
        Some(ids) => {
            let mut v = Vec::new();
            for id in ids {
                if let Some(u) = tx.user_by_id(id)? {
                    v.push(u);
                }
            }
            v
        }
        None => tx.users()?,
    };
    for u in users {
        let areas = tx.user_areas(&u.id)?;
        let keys = tree.user_keys(&u.role, &areas);
        tx.set_user_keys(&u.id, &keys)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, parent: Option<&str>, level: &str) -> RecordRow {
        RecordRow {
            entity: "area".into(),
            id: id.into(),
            scope_key: String::new(),
            parent_id: parent.map(str::to_string),
            fields: serde_json::json!({"parent_id": parent, "level": level}).to_string(),
            clocks: "{}".into(),
        }
    }

    fn tree() -> AreaTree {
        AreaTree::from_records(&[
            row("city", None, "city"),
            row("kec", Some("city"), "district"),
            row("kel", Some("kec"), "village"),
            row("rw1", Some("kel"), "rw"),
            row("rt1", Some("rw1"), "rt"),
            row("rt2", Some("rw1"), "rt"),
            row("rw2", Some("kel"), "rw"),
            row("rt3", Some("rw2"), "rt"),
        ])
    }

    #[test]
    fn a_kader_of_an_rw_reads_its_rts_and_writes_no_village_keys() {
        let keys = tree().user_keys("kader", &["rw1".into()]);
        let has = |k: &str, read: bool, write: bool| {
            keys.contains(&ScopeKey {
                key: k.into(),
                read,
                write,
            })
        };
        assert!(has("rt1", true, true) && has("rt2", true, true));
        assert!(!keys.iter().any(|k| k.key == "rt3"));
        assert!(has("v:kel", true, false) && has("u:kel", false, true) && has("*", true, false));
    }

    #[test]
    fn a_supervisor_of_a_kecamatan_reads_every_rt_below() {
        let keys = tree().user_keys("supervisor", &["kec".into()]);
        for k in ["rt1", "rt2", "rt3", "u:kel"] {
            assert!(keys.iter().any(|s| s.key == k && s.read && s.write), "{k}");
        }
        assert_eq!(tree().user_record_keys(&["rt1".into()]), vec!["v:kel"]);
        assert_eq!(tree().user_record_keys(&["city".into()]), vec!["*"]);
    }
}
