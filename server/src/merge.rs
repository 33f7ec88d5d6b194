//! Per-field last-writer-wins merge of mutable records by HLC stamp. A record keeps its fields and
//! the stamp of each field's last write (`"*"`: the creation's stamp, for every field without its
//! own). Stamps are compared in their text form, which sorts like the stamps themselves
//! (`ilp_model::Hlc`'s Display is fixed-width), so no parse is needed per field.

use serde_json::{Map, Value};

pub type Fields = Map<String, Value>;

/// The record after a change, and which of the change's fields won.
#[derive(Clone, Debug, PartialEq)]
pub struct Merged {
    pub fields: Fields,
    pub clocks: Fields,
    /// The incoming fields that replaced the stored ones (all of them for a new record).
    pub won: Fields,
}

/// The stamp of `field`'s last write.
pub fn field_stamp<'a>(clocks: &'a Fields, field: &str) -> Option<&'a str> {
    clocks
        .get(field)
        .or_else(|| clocks.get("*"))
        .and_then(Value::as_str)
}

/// Merges `incoming`, all stamped `stamp`, into a stored record (or creates it). A field is
/// replaced iff `stamp` is greater than its stored stamp; an equal stamp is the same write.
pub fn merge(existing: Option<(Fields, Fields)>, incoming: Fields, stamp: &str) -> Merged {
    let Some((mut fields, mut clocks)) = existing else {
        let mut clocks = Fields::new();
        clocks.insert("*".into(), Value::String(stamp.to_string()));
        return Merged {
            fields: incoming.clone(),
            clocks,
            won: incoming,
        };
    };
    let mut won = Fields::new();
    for (k, v) in incoming {
        let newer = field_stamp(&clocks, &k).is_none_or(|current| stamp > current);
        if newer {
            clocks.insert(k.clone(), Value::String(stamp.to_string()));
            fields.insert(k.clone(), v.clone());
            won.insert(k, v);
        }
    }
    Merged {
        fields,
        clocks,
        won,
    }
}

/// The greatest stamp of a record (what a full-state change is stamped with).
pub fn latest_stamp(clocks: &Fields) -> String {
    clocks
        .values()
        .filter_map(Value::as_str)
        .max()
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Fields {
        v.as_object().unwrap().clone()
    }

    const S1: &str = "000000000000001000.0000000000.00000000-0000-4000-8000-000000000001";
    const S2: &str = "000000000000002000.0000000000.00000000-0000-4000-8000-000000000001";
    const S2B: &str = "000000000000002000.0000000000.00000000-0000-4000-8000-000000000002";

    #[test]
    fn later_field_wins_and_order_does_not_matter() {
        let base = merge(None, obj(json!({"a": 1, "b": 1})), S1);
        let x = obj(json!({"a": 2}));
        let y = obj(json!({"a": 3, "b": 3}));
        let one = merge(
            Some((base.fields.clone(), base.clocks.clone())),
            x.clone(),
            S2,
        );
        let one = merge(Some((one.fields, one.clocks)), y.clone(), S2B);
        let two = merge(Some((base.fields.clone(), base.clocks.clone())), y, S2B);
        let two = merge(Some((two.fields, two.clocks)), x, S2);
        assert_eq!(one.fields, two.fields);
        assert_eq!(one.clocks, two.clocks);
        assert_eq!(one.fields["a"], json!(3));
        assert!(two.won.is_empty(), "the older write loses on arrival");
    }

    #[test]
    fn an_older_write_loses_and_a_repeat_changes_nothing() {
        let base = merge(None, obj(json!({"a": 1})), S2);
        let old = merge(
            Some((base.fields.clone(), base.clocks.clone())),
            obj(json!({"a": 9})),
            S1,
        );
        assert_eq!(old.fields["a"], json!(1));
        let again = merge(
            Some((base.fields.clone(), base.clocks.clone())),
            obj(json!({"a": 1})),
            S2,
        );
        assert!(again.won.is_empty());
        assert_eq!(latest_stamp(&base.clocks), S2);
    }
}
