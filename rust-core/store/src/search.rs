//! Finding people: by name (tolerant of old spelling, case, spacing and small typos) through the
//! trigram index, or by NIK, KK number or phone. One call returns what the search screen shows.

use crate::areas;
use crate::error::Result;
use crate::persons::{PERSON_COLUMNS, person_from_row};
use ilp_model::{AreaId, HouseholdId, Person};
use ilp_rules::name_match;
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

/// Candidates scored per query beyond which a name search stops looking (a one-token query such as
/// "maria" in NTT can match thousands; the screen shows the best few).
const MAX_CANDIDATES: usize = 4000;

fn digits_only(q: &str) -> Option<String> {
    let t: String = q
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '+' | '(' | ')'))
        .collect();
    (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then_some(t)
}

/// Searches by NIK/KK/phone when the query is a number, by name otherwise. `scope` limits hits to
/// people living in those RT (people without a household are shown to everyone who may search).
pub fn search(
    conn: &Connection,
    query: &str,
    scope: Option<&HashSet<AreaId>>,
    limit: usize,
) -> Result<Vec<SearchHit>> {
    let query = query.trim();
    if query.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let mut hits = match digits_only(query) {
        Some(d) => by_number(conn, &d)?,
        None => by_name(conn, query)?,
    };
    if let Some(scope) = scope {
        hits.retain(|h| h.rt.is_none_or(|rt| scope.contains(&rt)));
    }
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

/// People whose indexed trigrams include at least `min` of `grams`.
fn gram_candidates(conn: &Connection, grams: &[String], min: usize) -> Result<HashSet<String>> {
    let marks = vec!["?"; grams.len()].join(",");
    let sql = format!(
        "SELECT person_id FROM person_name_gram WHERE gram IN ({marks}) GROUP BY person_id HAVING count(*) >= {min}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let ids = stmt.query_map(params_from_iter(grams.iter()), |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

fn by_name(conn: &Connection, query: &str) -> Result<Vec<SearchHit>> {
    let key = name_match::search_key(query);
    let tokens: Vec<&str> = key.split(' ').filter(|t| !t.is_empty()).collect();
    if tokens.is_empty() {
        return Ok(Vec::new());
    }
    // Every query token must be matched, so candidates are the intersection of each token's set.
    let mut candidates: Option<HashSet<String>> = None;
    for t in &tokens {
        let found = gram_candidates(
            conn,
            &name_match::trigrams(t),
            name_match::min_shared_trigrams(t),
        )?;
        candidates = Some(match candidates {
            None => found,
            Some(c) => c.intersection(&found).cloned().collect(),
        });
    }
    let mut candidates = candidates.unwrap_or_default();
    if tokens.len() > 1 {
        // "siti aminah" typed for a name stored as "Sitiaminah": the spacing path.
        let whole = name_match::spaceless_key(query);
        candidates.extend(gram_candidates(
            conn,
            &name_match::trigrams(&whole),
            name_match::min_shared_trigrams(&whole),
        )?);
    }
    let ids: Vec<String> = candidates.into_iter().take(MAX_CANDIDATES).collect();
    let mut hits = Vec::new();
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(",");
        let sql = format!("{HIT_SELECT} WHERE p.id IN ({marks}) AND p.merged_into IS NULL");
        for mut h in hit_rows(conn, &sql, chunk, MatchedBy::Name)? {
            let text = crate::persons::searchable_text(&h.person);
            if let Some(score) = text.and_then(|n| name_match::match_score(query, n)) {
                h.score = score;
                hits.push(h);
            }
        }
    }
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
