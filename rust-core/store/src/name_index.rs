//! The in-memory name index: every live person's searchable text (name, or the description of an
//! unidentified person), folded once into a [`PreparedName`]. A name search scores the query
//! against all of them with cheap letter-mask and length filters first, so at 50,000 persons it
//! costs a few milliseconds and finds every match (no prefilter that could drop a typo).
//!
//! The index is built from the reader connection on the first search and then kept in step by the
//! write path: each write records its name changes, and the store applies them only after the
//! transaction committed, so a rolled-back write never shows in search.

use crate::error::Result;
use ilp_model::PersonId;
use ilp_rules::name_match::{PreparedName, score_prepared};
use rusqlite::Connection;
use std::collections::HashMap;

#[derive(Default)]
pub(crate) struct NameIndex {
    entries: Vec<(PersonId, PreparedName)>,
    position: HashMap<PersonId, usize>,
}

impl NameIndex {
    /// Reads every live person's searchable text.
    pub(crate) fn load(conn: &Connection) -> Result<Self> {
        let mut index = NameIndex::default();
        let mut stmt = conn.prepare(
            "SELECT id, coalesce(name, description) FROM person
             WHERE merged_into IS NULL AND coalesce(name, description) IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, text) = row?;
            let id: PersonId = id
                .parse()
                .map_err(|_| crate::StoreError::Malformed("person id".into()))?;
            index.set(id, Some(&text));
        }
        Ok(index)
    }

    /// Sets (or with `None` removes) a person's searchable text.
    pub(crate) fn set(&mut self, id: PersonId, text: Option<&str>) {
        let prepared = text.map(PreparedName::new).filter(|p| !p.is_empty());
        match (self.position.get(&id).copied(), prepared) {
            (Some(i), Some(p)) => self.entries[i].1 = p,
            (None, Some(p)) => {
                self.position.insert(id, self.entries.len());
                self.entries.push((id, p));
            }
            (Some(i), None) => {
                self.position.remove(&id);
                self.entries.swap_remove(i);
                if let Some((moved, _)) = self.entries.get(i) {
                    self.position.insert(*moved, i);
                }
            }
            (None, None) => {}
        }
    }

    /// Every person matching `query`, best first (ties by id, so the order is stable).
    pub(crate) fn matches(&self, query: &PreparedName) -> Vec<(PersonId, u32)> {
        let mut found: Vec<(PersonId, u32)> = self
            .entries
            .iter()
            .filter_map(|(id, name)| score_prepared(query, name).map(|s| (*id, s)))
            .collect();
        found.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        found
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(b: u8) -> PersonId {
        PersonId::from_random_bytes([b; 16])
    }

    #[test]
    fn set_replace_and_remove_keep_positions_right() {
        let mut index = NameIndex::default();
        index.set(id(1), Some("Soekarno Ndun"));
        index.set(id(2), Some("Maria Bana"));
        index.set(id(3), Some("Yohanes Tefa"));
        index.set(id(1), None);
        assert_eq!(index.len(), 2);
        index.set(id(2), Some("Maria Goreti Bana"));
        let q = PreparedName::new("goreti");
        assert_eq!(index.matches(&q), vec![(id(2), 0)]);
        assert!(index.matches(&PreparedName::new("sukarno")).is_empty());
        index.set(id(3), Some("   "));
        assert_eq!(index.len(), 1);
    }
}
