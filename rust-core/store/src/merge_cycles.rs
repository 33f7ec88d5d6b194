//! Merge cycles between devices. Two phones can merge the same records opposite ways before they
//! sync (A into B on one, B into A on the other; or round three records). Each merge is a different
//! record's `merged_into`, so last-writer-wins keeps both, and the records would form a cycle with
//! no survivor. Every replica applies one rule to the merges as synced (the raw `merged_into`
//! values and their stamps, which converge): in each cycle the merge with the newest stamp is set
//! aside, being the one its device would have refused had it known of the others. Its value waits
//! in `merge_set_aside` while the person's `merged_into` column reads NULL, so the record is live
//! and every reader sees merges without cycles. When a later change breaks the cycle the merge set
//! aside takes effect again, and a newer value of the field replaces it. Each replica derives this
//! alone: nothing of it goes to the outbox.

use crate::error::{Result, StoreError};
use crate::persons;
use crate::write::WriteTx;
use ilp_model::PersonId;
use rusqlite::{Connection, params};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One person's merge as synced: the survivor named and the field's stamp.
struct RawMerge {
    into: String,
    stamp: String,
    set_aside: bool,
}

/// What settling changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Settled {
    /// Persons whose merge was set aside or took effect again.
    pub changed: Vec<PersonId>,
    /// Every member of a cycle found (their survivors may have changed).
    pub in_cycles: Vec<PersonId>,
}

impl Settled {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.in_cycles.is_empty()
    }
}

/// The stamp of a person's `merged_into`: its own, or the record's creation stamp.
fn merge_stamp(id: &str, hlc_fields: &str) -> Result<String> {
    let clocks: BTreeMap<String, String> = serde_json::from_str(hlc_fields)
        .map_err(|_| StoreError::Malformed(format!("person.hlc_fields of {id}")))?;
    Ok(clocks
        .get("merged_into")
        .or_else(|| clocks.get("*"))
        .cloned()
        .unwrap_or_default())
}

fn raw_merges(conn: &Connection) -> Result<HashMap<String, RawMerge>> {
    let mut out = HashMap::new();
    let mut live = conn.prepare_cached(
        "SELECT id, merged_into, hlc_fields FROM person WHERE merged_into IS NOT NULL",
    )?;
    let mut aside = conn.prepare_cached(
        "SELECT a.person_id, a.merged_into, p.hlc_fields
         FROM merge_set_aside a JOIN person p ON p.id = a.person_id",
    )?;
    for (stmt, set_aside) in [(&mut live, false), (&mut aside, true)] {
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, into, clocks) = row?;
            let stamp = merge_stamp(&id, &clocks)?;
            out.insert(
                id,
                RawMerge {
                    into,
                    stamp,
                    set_aside,
                },
            );
        }
    }
    Ok(out)
}

/// The merges the rule sets aside: in each cycle of `merges` (each record names at most one
/// survivor, so cycles never share a record), the one with the newest stamp, ties to the larger id.
/// Returns the merges to set aside and every record on a cycle.
fn newest_of_each_cycle(merges: &HashMap<String, RawMerge>) -> (BTreeSet<&str>, BTreeSet<&str>) {
    let mut aside = BTreeSet::new();
    let mut on_cycles = BTreeSet::new();
    // 0 = not seen, 1 = on the walk in progress, 2 = done.
    let mut state: HashMap<&str, u8> = HashMap::with_capacity(merges.len());
    let mut starts: Vec<&str> = merges.keys().map(String::as_str).collect();
    starts.sort_unstable();
    for start in starts {
        let mut path: Vec<&str> = Vec::new();
        let mut at = start;
        loop {
            match state.get(at).copied().unwrap_or(0) {
                2 => break,
                1 => {
                    let from = path.iter().position(|p| *p == at).expect("on the walk");
                    let cycle = &path[from..];
                    let newest = cycle
                        .iter()
                        .max_by(|a, b| {
                            (merges[**a].stamp.as_str(), **a)
                                .cmp(&(merges[**b].stamp.as_str(), **b))
                        })
                        .expect("a cycle has a record");
                    aside.insert(*newest);
                    on_cycles.extend(cycle.iter().copied());
                    break;
                }
                _ => {}
            }
            state.insert(at, 1);
            path.push(at);
            match merges.get(at) {
                Some(m) => at = m.into.as_str(),
                None => break,
            }
        }
        for p in path {
            state.insert(p, 2);
        }
    }
    (aside, on_cycles)
}

fn parse_id(s: &str) -> Result<PersonId> {
    s.parse()
        .map_err(|_| StoreError::Malformed(format!("person id {s}")))
}

/// Brings `merged_into` and `merge_set_aside` to the rule inside the caller's transaction.
pub(crate) fn settle(conn: &Connection) -> Result<Settled> {
    let merges = raw_merges(conn)?;
    let (aside, on_cycles) = newest_of_each_cycle(&merges);
    let mut settled = Settled::default();
    let mut ids: Vec<&String> = merges.keys().collect();
    ids.sort_unstable();
    for id in ids {
        let m = &merges[id];
        let should = aside.contains(id.as_str());
        if should == m.set_aside {
            continue;
        }
        if should {
            conn.prepare_cached(
                "INSERT OR REPLACE INTO merge_set_aside (person_id, merged_into) VALUES (?1, ?2)",
            )?
            .execute(params![id, m.into])?;
            conn.prepare_cached("UPDATE person SET merged_into = NULL WHERE id = ?1")?
                .execute([id])?;
        } else {
            conn.prepare_cached("UPDATE person SET merged_into = ?2 WHERE id = ?1")?
                .execute(params![id, m.into])?;
            conn.prepare_cached("DELETE FROM merge_set_aside WHERE person_id = ?1")?
                .execute([id])?;
        }
        settled.changed.push(parse_id(id)?);
    }
    for id in on_cycles {
        settled.in_cycles.push(parse_id(id)?);
    }
    Ok(settled)
}

/// A person's `merged_into` was written (a local merge or a pulled value): the value written is the
/// raw one, so a merge set aside for that person is gone.
pub(crate) fn field_written(wtx: &mut WriteTx<'_>, person: &str) -> Result<()> {
    wtx.conn()
        .prepare_cached("DELETE FROM merge_set_aside WHERE person_id = ?1")?
        .execute([person])?;
    wtx.merges_written = true;
    Ok(())
}

/// Settles the merges of a write that changed some, and keeps derived state right: the name index
/// of records that became live or merged, and the due items of every record involved, of their
/// survivors, and of households whose head changed state.
pub(crate) fn settle_write(wtx: &mut WriteTx<'_>) -> Result<()> {
    let settled = settle(wtx.conn())?;
    if settled.is_empty() {
        return Ok(());
    }
    for id in &settled.changed {
        let p = persons::get_person(wtx.conn(), *id)?;
        persons::index_name(wtx, &p);
        if p.relation == Some(ilp_model::Relation::Head)
            && let Some(h) = p.household
        {
            let members: Vec<String> = wtx
                .conn()
                .prepare_cached("SELECT id FROM person WHERE household_id = ?1")?
                .query_map([h.to_string()], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for m in members {
                wtx.touch_person(parse_id(&m)?);
            }
        }
    }
    for id in settled.changed.iter().chain(&settled.in_cycles) {
        wtx.touch_person(*id);
        let survivor = persons::resolve_merged(wtx.conn(), *id)?;
        wtx.touch_person(survivor);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merges(edges: &[(&str, &str, &str)]) -> HashMap<String, RawMerge> {
        edges
            .iter()
            .map(|(from, into, stamp)| {
                (
                    from.to_string(),
                    RawMerge {
                        into: into.to_string(),
                        stamp: stamp.to_string(),
                        set_aside: false,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn a_chain_has_nothing_to_set_aside() {
        let m = merges(&[("a", "b", "1"), ("b", "c", "2"), ("d", "c", "3")]);
        let (aside, cycles) = newest_of_each_cycle(&m);
        assert!(aside.is_empty() && cycles.is_empty());
    }

    #[test]
    fn the_newest_merge_of_each_cycle_is_set_aside() {
        let m = merges(&[
            ("a", "b", "1"),
            ("b", "a", "2"),
            // A second cycle of three, with a chain leading into it.
            ("c", "d", "5"),
            ("d", "e", "3"),
            ("e", "c", "4"),
            ("f", "c", "9"),
        ]);
        let (aside, cycles) = newest_of_each_cycle(&m);
        assert_eq!(aside, BTreeSet::from(["b", "c"]));
        assert_eq!(cycles, BTreeSet::from(["a", "b", "c", "d", "e"]));
    }

    #[test]
    fn equal_stamps_go_to_the_larger_id() {
        let m = merges(&[("a", "b", "7"), ("b", "a", "7")]);
        assert_eq!(newest_of_each_cycle(&m).0, BTreeSet::from(["b"]));
    }

    #[test]
    fn a_record_merged_into_itself_is_a_cycle_of_one() {
        let m = merges(&[("a", "a", "1")]);
        assert_eq!(newest_of_each_cycle(&m).0, BTreeSet::from(["a"]));
    }

    /// The cycles of a graph where each record names at most one survivor, counted directly.
    fn cycle_count(m: &HashMap<String, RawMerge>) -> usize {
        let mut roots = BTreeSet::new();
        for start in m.keys() {
            // Walking `len` steps from anywhere lands on a cycle if there is one ahead.
            let mut at = start.as_str();
            for _ in 0..m.len() {
                match m.get(at) {
                    Some(r) => at = r.into.as_str(),
                    None => break,
                }
            }
            if let Some(first) = m.get(at).map(|_| at) {
                // Name the cycle by its smallest record.
                let mut smallest = first;
                let mut x = m[first].into.as_str();
                while x != first {
                    smallest = smallest.min(x);
                    x = m[x].into.as_str();
                }
                roots.insert(smallest.to_string());
            }
        }
        roots.len()
    }

    proptest::proptest! {
        #[test]
        fn setting_aside_leaves_no_cycle_and_one_merge_per_cycle(
            edges in proptest::collection::vec((0u8..8, 0u8..8, 0u16..50), 0..12),
        ) {
            let mut m = HashMap::new();
            for (from, into, stamp) in edges {
                m.insert(from.to_string(), RawMerge {
                    into: into.to_string(),
                    stamp: format!("{stamp:05}"),
                    set_aside: false,
                });
            }
            let (aside, on_cycles) = newest_of_each_cycle(&m);
            proptest::prop_assert_eq!(aside.len(), cycle_count(&m));
            proptest::prop_assert!(aside.iter().all(|a| on_cycles.contains(a)));
            let rest: HashMap<String, RawMerge> = m
                .iter()
                .filter(|(k, _)| !aside.contains(k.as_str()))
                .map(|(k, v)| (k.clone(), RawMerge { into: v.into.clone(), stamp: v.stamp.clone(), set_aside: false }))
                .collect();
            proptest::prop_assert_eq!(cycle_count(&rest), 0);
            // Each set-aside merge is the newest of its cycle.
            for a in &aside {
                let mut x = m[*a].into.as_str();
                while x != *a {
                    proptest::prop_assert!((m[x].stamp.as_str(), x) < (m[*a].stamp.as_str(), *a));
                    x = m[x].into.as_str();
                }
            }
        }
    }

    #[test]
    fn the_stamp_is_the_fields_own_or_the_creation_stamp() {
        assert_eq!(
            merge_stamp("x", r#"{"*":"s1","merged_into":"s2"}"#).unwrap(),
            "s2"
        );
        assert_eq!(merge_stamp("x", r#"{"*":"s1"}"#).unwrap(), "s1");
        assert!(merge_stamp("x", "not json").is_err());
    }
}
