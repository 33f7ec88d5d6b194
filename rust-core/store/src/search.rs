//! Finding people: by name (tolerant of old spelling, case, spacing and small typos) through the
//! in-memory name index, or by NIK, KK number or phone. One call returns what the search screen
//! shows.

use crate::Store;
use crate::areas;
use crate::error::Result;
use crate::persons::{PERSON_COLUMNS, person_from_row};
use ilp_model::{AreaId, HouseholdId, Person};
use ilp_rules::name_match::PreparedName;
use rusqlite::{Connection, params_from_iter};
use std::collections::{HashMap, HashSet};

/// How a hit was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchedBy {
    Name,
    Nik,
    KkNumber,
    Phone,
}

/// One search hit: the person, where they live, and how well they matched (lower is better).
#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    pub person: Person,
    pub household: Option<HouseholdId>,
    pub rt: Option<AreaId>,
    pub address: Option<String>,
    pub score: u32,
    pub matched_by: MatchedBy,
}

fn digits_only(q: &str) -> Option<String> {
    let t: String = q
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '+' | '(' | ')'))
        .collect();
    (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then_some(t)
}

/// Searches by NIK/KK/phone when the query is a number, by name otherwise. `scope` limits hits to
/// people living in those RT (people without a household are shown to everyone who may search).
/// At most `limit` hits, best first.
pub fn search(
    store: &Store,
    query: &str,
    scope: Option<&HashSet<AreaId>>,
    limit: usize,
) -> Result<Vec<SearchHit>> {
    let query = query.trim();
    if query.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let in_scope = |h: &SearchHit| scope.is_none_or(|s| h.rt.is_none_or(|rt| s.contains(&rt)));
    let mut hits = match digits_only(query) {
        Some(d) => {
            let mut hits = store.read(|c| by_number(c, &d))?;
            hits.retain(in_scope);
            hits
        }
        None => by_name(store, query, &in_scope, limit)?,
    };
    hits.sort_by(|a, b| {
        a.score
            .cmp(&b.score)
            .then_with(|| a.person.name.cmp(&b.person.name))
            .then(a.person.id.cmp(&b.person.id))
    });
    hits.truncate(limit);
    Ok(hits)
}

const HIT_SELECT: &str =
    "SELECT p.id, p.household_id, p.name, p.sex, p.birth_date, p.birth_estimated, p.nik, p.phone,
    p.relation, p.mother_id, p.description, p.merged_into, h.rt_id, h.address
    FROM person p LEFT JOIN household h ON h.id = p.household_id";

fn hit_rows(
    conn: &Connection,
    sql: &str,
    args: &[String],
    matched_by: MatchedBy,
) -> Result<Vec<SearchHit>> {
    debug_assert!(PERSON_COLUMNS.split(',').count() == 12);
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
        let person = person_from_row(r, 0)?;
        let rt: Option<String> = r.get(12)?;
        Ok(SearchHit {
            household: person.household,
            rt: rt.and_then(|s| s.parse().ok()),
            address: r.get(13)?,
            person,
            score: 0,
            matched_by,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn by_number(conn: &Connection, digits: &str) -> Result<Vec<SearchHit>> {
    let mut hits = Vec::new();
    if digits.len() == 16 {
        hits.extend(hit_rows(
            conn,
            &format!("{HIT_SELECT} WHERE p.nik = ?1 AND p.merged_into IS NULL"),
            &[digits.to_string()],
            MatchedBy::Nik,
        )?);
        hits.extend(hit_rows(
            conn,
            &format!("{HIT_SELECT} WHERE h.kk_number = ?1 AND p.merged_into IS NULL"),
            &[digits.to_string()],
            MatchedBy::KkNumber,
        )?);
    }
    if let Ok(Some(phone)) = ilp_model::validation::phone_number("query", Some(digits)) {
        hits.extend(hit_rows(
            conn,
            &format!("{HIT_SELECT} WHERE p.phone = ?1 AND p.merged_into IS NULL"),
            &[phone],
            MatchedBy::Phone,
        )?);
    }
    let mut seen = HashSet::new();
    hits.retain(|h| seen.insert(h.person.id));
    Ok(hits)
}

/// Rows fetched per round trip while walking the ranked matches.
const FETCH_CHUNK: usize = 100;

fn by_name(
    store: &Store,
    query: &str,
    in_scope: &dyn Fn(&SearchHit) -> bool,
    limit: usize,
) -> Result<Vec<SearchHit>> {
    let prepared = PreparedName::new(query);
    if prepared.is_empty() {
        return Ok(Vec::new());
    }
    let ranked = store.with_name_index(|index| index.matches(&prepared))?;
    // Walk the ranking until `limit` hits in scope are found; a match outside scope costs a row.
    let mut hits = Vec::new();
    store.read(|conn| {
        for chunk in ranked.chunks(FETCH_CHUNK) {
            let ids: Vec<String> = chunk.iter().map(|(id, _)| id.to_string()).collect();
            let scores: HashMap<String, u32> =
                chunk.iter().map(|(id, s)| (id.to_string(), *s)).collect();
            let marks = vec!["?"; ids.len()].join(",");
            let sql = format!("{HIT_SELECT} WHERE p.id IN ({marks}) AND p.merged_into IS NULL");
            let mut rows = hit_rows(conn, &sql, &ids, MatchedBy::Name)?;
            rows.retain(|h| in_scope(h));
            for mut h in rows {
                h.score = scores[&h.person.id.to_string()];
                hits.push(h);
            }
            if hits.len() >= limit {
                break;
            }
        }
        Ok(())
    })?;
    Ok(hits)
}

/// RT labels for a set of hits, fetched once per distinct RT.
pub fn rt_labels(conn: &Connection, hits: &[SearchHit]) -> Result<HashMap<AreaId, String>> {
    let mut out = HashMap::new();
    for rt in hits.iter().filter_map(|h| h.rt) {
        if let std::collections::hash_map::Entry::Vacant(e) = out.entry(rt) {
            e.insert(areas::rt_place(conn, rt)?.label());
        }
    }
    Ok(out)
}
