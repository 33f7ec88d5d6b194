//! The in-memory name index: every live person's searchable text (name, or the description of an
//! unidentified person), folded once. Token keys are interned: names repeat (Maria, Yohanes,
//! Fanggidae), so a query is scored against each distinct key once, and each person then costs a
//! few table look-ups plus the spaceless comparison. Every match is found: there is no prefilter
//! that could drop a typo.
//!
//! The index is built from the reader connection on the first search and then kept in step by the
//! write path: each write records its name changes, and the store applies them only after the
//! transaction committed, so a rolled-back write never shows in search.

use crate::error::Result;
use ilp_model::PersonId;
use ilp_rules::name_match::{Key, PreparedName, assign_tokens, best_of, key_score, spacing_score};
use rusqlite::Connection;
use std::collections::HashMap;

struct Entry {
    id: PersonId,
    /// Indexes into the vocabulary, in name order (repeats kept).
    tokens: Box<[u32]>,
    spaceless: Key,
}

#[derive(Default)]
pub(crate) struct NameIndex {
    entries: Vec<Entry>,
    position: HashMap<PersonId, usize>,
    /// Every distinct token key seen; grows only (a renamed person's old key stays, unused).
    vocabulary: Vec<Key>,
    vocabulary_ids: HashMap<String, u32>,
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
        let entry = prepared.map(|p| Entry {
            id,
            tokens: p.tokens().iter().map(|k| self.intern(k)).collect(),
            spaceless: p.spaceless().clone(),
        });
        match (self.position.get(&id).copied(), entry) {
            (Some(i), Some(e)) => self.entries[i] = e,
            (None, Some(e)) => {
                self.position.insert(id, self.entries.len());
                self.entries.push(e);
            }
            (Some(i), None) => {
                self.position.remove(&id);
                self.entries.swap_remove(i);
                if let Some(moved) = self.entries.get(i) {
                    self.position.insert(moved.id, i);
                }
            }
            (None, None) => {}
        }
    }

    fn intern(&mut self, key: &Key) -> u32 {
        if let Some(&i) = self.vocabulary_ids.get(key.as_str()) {
            return i;
        }
        let i = self.vocabulary.len() as u32;
        self.vocabulary.push(key.clone());
        self.vocabulary_ids.insert(key.as_str().to_owned(), i);
        i
    }

    /// Every person matching `query`, best first (ties by id, so the order is stable). The same
    /// scores as `score_prepared` against each person, computed once per distinct token key.
    pub(crate) fn matches(&self, query: &PreparedName) -> Vec<(PersonId, u32)> {
        if query.is_empty() {
            return Vec::new();
        }
        // table[i][k]: query token i against vocabulary key k.
        let table: Vec<Vec<Option<u32>>> = query
            .tokens()
            .iter()
            .map(|q| self.vocabulary.iter().map(|k| key_score(q, k)).collect())
            .collect();
        let mut found: Vec<(PersonId, u32)> = self
            .entries
            .iter()
            .filter_map(|e| {
                let by_tokens = (table.len() <= e.tokens.len()
                    && table
                        .iter()
                        .all(|row| e.tokens.iter().any(|&t| row[t as usize].is_some())))
                .then(|| {
                    let costs: Vec<Vec<Option<u32>>> = table
                        .iter()
                        .map(|row| e.tokens.iter().map(|&t| row[t as usize]).collect())
                        .collect();
                    assign_tokens(&costs)
                })
                .flatten();
                let by_spacing = spacing_score(query.spaceless(), &e.spaceless);
                best_of(by_tokens, by_spacing).map(|s| (e.id, s))
            })
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
    use ilp_rules::name_match::score_prepared;
    use proptest::prelude::*;

    const PARTS: &[&str] = &[
        "Yohanes",
        "Johanes",
        "Maria",
        "Siti",
        "Sitti",
        "Aminah",
        "Soekarno",
        "Sukarmo",
        "Fanggidae",
        "Fanggidea",
        "Ndun",
        "Bana",
        "Tjahjo",
        "Cahyo",
        "Kristina",
        "Christina",
        "Petrus",
        "Lay",
        "Nur",
        "Ma'ruf",
        "Djoko",
        "Agustina",
        "Bessie",
        "Tefa",
    ];

    fn name() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(PARTS), 1..4).prop_map(|p| p.join(" "))
    }

    proptest! {
        /// The interned scoring finds exactly what scoring every name whole finds, with the same scores.
        #[test]
        fn interned_matches_equal_whole_name_scoring(
            names in proptest::collection::vec(name(), 1..40),
            query in name(),
            glue in proptest::bool::ANY,
        ) {
            let query = if glue { query.replace(' ', "") } else { query };
            let mut index = NameIndex::default();
            for (i, n) in names.iter().enumerate() {
                index.set(PersonId::from_random_bytes([i as u8; 16]), Some(n));
            }
            let q = PreparedName::new(&query);
            let mut expected: Vec<(PersonId, u32)> = names
                .iter()
                .enumerate()
                .filter_map(|(i, n)| {
                    score_prepared(&q, &PreparedName::new(n)).map(|s| (PersonId::from_random_bytes([i as u8; 16]), s))
                })
                .collect();
            expected.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
            prop_assert_eq!(index.matches(&q), expected);
        }
    }

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
