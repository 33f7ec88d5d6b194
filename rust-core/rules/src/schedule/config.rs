//! Reading rule tables and district configs from JSON: every value is read with its field path
//! (`immunization.rows.pcv:3.due_before`), so a bad config names exactly what to fix. A district
//! config is merged onto a built-in table version before it is read, so it only states what differs.

use super::age::Age;
use crate::due::{ClosesAs, TableRef};
use ilp_model::{Antigen, ValidationError};
use serde_json::{Map, Value};

use time::Date;

/// What every table version carries: which table, which version, from when, following which source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableMeta {
    pub table: TableRef,
    pub effective_from: Date,
    /// Source key(s) from DOMAIN.md, e.g. `S9`.
    pub source: String,
}

/// One JSON object being read, with its path for error messages.
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Obj<'a> {
    pub fn new(v: &'a Value, path: &str) -> Result<Self, ValidationError> {
        match v {
            Value::Object(map) => Ok(Self {
                map,
                path: path.to_string(),
            }),
            _ => Err(ValidationError::new(
                if path.is_empty() { "config" } else { path },
                "must be an object",
            )),
        }
    }

    pub fn path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn err(&self, key: &str, reason: &str) -> ValidationError {
        ValidationError::new(self.path(key), reason)
    }

    /// Refuses keys the reader does not know: a misspelt option must not be silently ignored.
    pub fn known_keys(&self, known: &[&str]) -> Result<(), ValidationError> {
        match self.map.keys().find(|k| !known.contains(&k.as_str())) {
            Some(k) => Err(self.err(k, "is not a known setting")),
            None => Ok(()),
        }
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn req(&self, key: &str) -> Result<&'a Value, ValidationError> {
        self.get(key).ok_or_else(|| self.err(key, "is required"))
    }

    pub fn str(&self, key: &str) -> Result<&'a str, ValidationError> {
        self.req(key)?
            .as_str()
            .ok_or_else(|| self.err(key, "must be a string"))
    }

    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, ValidationError> {
        match self.get(key) {
            None => Ok(None),
            Some(_) => self.str(key).map(Some),
        }
    }

    pub fn uint(&self, key: &str, min: u64, max: u64) -> Result<u64, ValidationError> {
        match self.req(key)?.as_u64() {
            Some(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(self.err(key, &format!("must be a whole number from {min} to {max}"))),
        }
    }

    pub fn u8(&self, key: &str, min: u8, max: u8) -> Result<u8, ValidationError> {
        self.uint(key, min.into(), max.into()).map(|n| n as u8)
    }

    pub fn bool_or(&self, key: &str, default: bool) -> Result<bool, ValidationError> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v
                .as_bool()
                .ok_or_else(|| self.err(key, "must be true or false")),
        }
    }

    pub fn date(&self, key: &str) -> Result<Date, ValidationError> {
        let text = self.str(key)?;
        Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| self.err(key, "must be a date written YYYY-MM-DD"))
    }

    pub fn opt_date(&self, key: &str) -> Result<Option<Date>, ValidationError> {
        match self.get(key) {
            None => Ok(None),
            Some(_) => self.date(key).map(Some),
        }
    }

    pub fn age(&self, key: &str) -> Result<Age, ValidationError> {
        Age::parse(&self.path(key), self.str(key)?)
    }

    pub fn antigen(&self, key: &str) -> Result<Antigen, ValidationError> {
        Antigen::parse_known(&self.path(key), self.str(key)?)
    }

    pub fn closes_as(&self, key: &str) -> Result<ClosesAs, ValidationError> {
        match self.str(key)? {
            "missed" => Ok(ClosesAs::Missed),
            "not_allowed" => Ok(ClosesAs::NotAllowed),
            _ => Err(self.err(key, "must be missed or not_allowed")),
        }
    }

    pub fn obj(&self, key: &str) -> Result<Obj<'a>, ValidationError> {
        Obj::new(self.req(key)?, &self.path(key))
    }

    /// An array of objects, each with its indexed path (`anc.contacts[2]`).
    pub fn objects(&self, key: &str) -> Result<Vec<Obj<'a>>, ValidationError> {
        let items = self
            .req(key)?
            .as_array()
            .ok_or_else(|| self.err(key, "must be an array"))?;
        items
            .iter()
            .enumerate()
            .map(|(i, v)| Obj::new(v, &format!("{}[{i}]", self.path(key))))
            .collect()
    }

    /// An object of named objects (`immunization.rows.pcv:3`): named so that a district config
    /// can change one row without restating the others.
    pub fn named_objects(&self, key: &str) -> Result<Vec<(&'a str, Obj<'a>)>, ValidationError> {
        let o = self.obj(key)?;
        o.map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| Ok((k.as_str(), Obj::new(v, &o.path(k))?)))
            .collect()
    }

    /// An array of plain values, each read by `read` with its indexed path.
    pub fn values<T>(
        &self,
        key: &str,
        read: impl Fn(&str, &Value) -> Result<T, ValidationError>,
    ) -> Result<Vec<T>, ValidationError> {
        let items = self
            .req(key)?
            .as_array()
            .ok_or_else(|| self.err(key, "must be an array"))?;
        items
            .iter()
            .enumerate()
            .map(|(i, v)| read(&format!("{}[{i}]", self.path(key)), v))
            .collect()
    }

    /// The header every table version has: `id`, `version`, `effective_from`, `source`.
    pub fn meta(&self) -> Result<TableMeta, ValidationError> {
        let id = self.str("id")?;
        if id.is_empty() || id.len() > 64 {
            return Err(self.err("id", "must be 1 to 64 characters"));
        }
        Ok(TableMeta {
            table: TableRef {
                id: intern(id),
                version: self.uint("version", 1, u32::MAX.into())? as u32,
            },
            effective_from: self.date("effective_from")?,
            source: self.str("source")?.to_string(),
        })
    }
}

/// The keys of [`Obj::meta`] plus a free-text `note`, which every table may carry.
pub(crate) const META_KEYS: [&str; 5] = ["id", "version", "effective_from", "source", "note"];

/// `base` with `patch` laid over it: objects merge key by key, anything else is replaced, and a
/// `null` in the patch removes the key (a district dropping a row).
pub(crate) fn merge(base: &Value, patch: &Value) -> Value {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            let mut out = b.clone();
            for (k, pv) in p {
                if pv.is_null() {
                    out.remove(k);
                } else {
                    let merged = match out.get(k) {
                        Some(bv) => merge(bv, pv),
                        None => pv.clone(),
                    };
                    out.insert(k.clone(), merged);
                }
            }
            Value::Object(out)
        }
        _ => patch.clone(),
    }
}

/// Table ids read from a config are interned (see [`TableRef::intern_id`]).
pub(crate) fn intern(id: &str) -> &'static str {
    TableRef::intern_id(id)
}

/// A family of tables: the versions built in, and how to read one.
pub(crate) trait Table: Clone + Sized {
    /// The family's key in a district config and its file name.
    const FAMILY: &'static str;
    fn read(o: &Obj) -> Result<Self, ValidationError>;
    fn meta(&self) -> &TableMeta;
}

/// Every built-in version of one family, as read once from its embedded JSON, oldest first.
pub(crate) struct Versions<T> {
    pub versions: Vec<(Value, T)>,
}

impl<T: Table> Versions<T> {
    /// Reads an embedded table file (an array of versions). The files are part of the build, so
    /// a bad one is a programming error caught by the tests, not a runtime condition.
    pub fn embedded(text: &str) -> Self {
        let all: Value = serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("tables/{}.json is not JSON: {e}", T::FAMILY));
        let mut versions: Vec<(Value, T)> = all
            .as_array()
            .unwrap_or_else(|| panic!("tables/{}.json must be an array", T::FAMILY))
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let table = Obj::new(v, &format!("{}[{i}]", T::FAMILY))
                    .and_then(|o| T::read(&o))
                    .unwrap_or_else(|e| panic!("tables/{}.json: {e}", T::FAMILY));
                (v.clone(), table)
            })
            .collect();
        versions.sort_by_key(|(_, t)| t.meta().effective_from);
        assert!(!versions.is_empty(), "tables/{}.json is empty", T::FAMILY);
        Self { versions }
    }

    /// The version in force on `date`: the latest one that took effect on or before it (the
    /// oldest one for dates before any, so a record from before the tables still gets a schedule).
    pub fn on(&self, date: Date) -> &(Value, T) {
        self.versions
            .iter()
            .rev()
            .find(|(_, t)| t.meta().effective_from <= date)
            .unwrap_or(&self.versions[0])
    }

    pub fn latest(&self) -> &(Value, T) {
        self.versions.last().expect("non-empty")
    }

    /// The built-in version `base` was read from, with a district's `patch` merged over it.
    pub fn patched(&self, base: &T, patch: &Value) -> Result<T, ValidationError> {
        let (value, _) = self
            .versions
            .iter()
            .find(|(_, t)| t.meta().table == base.meta().table)
            .unwrap_or_else(|| self.latest());
        let merged = merge(value, patch);
        T::read(&Obj::new(&merged, T::FAMILY)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_patch_changes_only_what_it_states() {
        let base = json!({"a": 1, "rows": {"x": {"due": "2m", "from": "1m"}, "y": {"due": "3m"}}});
        let patch = json!({"rows": {"x": {"due": "4m"}, "y": null}});
        assert_eq!(
            merge(&base, &patch),
            json!({"a": 1, "rows": {"x": {"due": "4m", "from": "1m"}}})
        );
    }

    #[test]
    fn errors_name_the_path() {
        let v = json!({"rows": [{"dose": 0}], "n": "x"});
        let o = Obj::new(&v, "bias").unwrap();
        let rows = o.objects("rows").unwrap();
        assert_eq!(
            rows[0].u8("dose", 1, 9).unwrap_err().field,
            "bias.rows[0].dose"
        );
        assert_eq!(o.uint("n", 0, 3).unwrap_err().field, "bias.n");
        assert_eq!(o.known_keys(&["rows"]).unwrap_err().field, "bias.n");
    }

    #[test]
    fn interned_ids_are_shared() {
        let a = intern(&String::from("district-table"));
        let b = intern("district-table");
        assert!(std::ptr::eq(a, b));
    }
}
