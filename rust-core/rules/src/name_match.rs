//! Person-name search tolerant of Indonesian spelling: normalisation, the spelling-folded search key,
//! token keys and n-grams for a store's index, and the match score used to rank candidates.
//!
//! A name goes through two stages:
//!
//! 1. [`normalize_name`]: lower-case ASCII, diacritics folded, apostrophes dropped (`Ma'ruf` = `Maruf`),
//!    any other punctuation or whitespace is a token break, tokens joined by one space.
//! 2. [`search_key`]: each token is folded by the spelling rules below until nothing changes, so the key is
//!    idempotent. The key is a search aid, never shown and never stored as the name itself.
//!
//! # Spelling rules (applied per token, in this order, repeated until the token stops changing)
//!
//! | rule | why | example |
//! |---|---|---|
//! | doubled letters collapse | gemination is spelled freely | Hassan = Hasan, Sitti = Siti, Muhammad = Muhamad |
//! | `chr` → `kr` | Greek-Latin `chr` is /kr/ in Christian names | Christina = Kristina |
//! | `oe` → `u` | Van Ophuijsen `oe` became `u` in 1947 | Soekarno = Sukarno, Soesilo = Susilo |
//! | `dj` → `j`, then `j` → `y` | old `dj` is new `j`, old `j` is new `y`; a bare `j` may be either, so `dj`, `j` and `y` share one letter | Djoko = Joko, Jusuf = Yusuf, Johanes = Yohanes |
//! | `tj` → `c` | Soewandi `tj` became `c` in 1972 | Tjahjo = Cahyo |
//! | `sj`, `nj` | fall out of `j` → `y` | Sjahrir = Syahrir, Njoman = Nyoman |
//! | `ch` → `h`, `kh` → `h` | Dutch `ch` became `kh`, and Arabic kha/ha are written `kh`, `ch` or `h` alike | Chairil = Khairil = Hairil, Achmad = Akhmad = Ahmad |
//! | `sh` → `s` | pesantren spelling writes Arabic sad as `sh` | Sholeh = Soleh, Shinta = Sinta |
//! | `dh` `th` `bh` `gh` → `d` `t` `b` `g` | aspiration marks from Arabic and Sanskrit transliteration are optional | Ramadhan = Ramadan, Fathimah = Fatimah, Bhakti = Bakti, Ghani = Gani |
//! | `ph` → `f`, `v` → `f` | the same sound in Indonesian names | Yoseph = Yosef, Stephanus = Stefanus, Oktavianus = Oktafianus |
//! | `q` → `k`, `x` → `ks`, `ck` → `k` | loan spellings of one sound | Taufiq = Taufik, Alexander = Aleksander, Erick = Erik |
//! | `c` → `k` unless before `e`, `i`, `y` | Latin hard `c` in Catholic names (NTT) | Fransiscus = Fransiskus, Marcus = Markus, Clara = Klara |
//! | leading `moham` → `muham` | the one o/u alternation common enough to fold | Mohammad = Muhammad = Moehammad |
//! | final `h` after a vowel dropped | a final `h` is often silent and left out | Aminah = Amina, Fatimah = Fatima |
//! | final `y` after a consonant → `i` | English-style final `y` | Hendy = Hendi, Rizky = Rizki |
//!
//! Rules deliberately left out (they would merge different names): `z`/`j` (Zainal is not Jainal),
//! `e`/`i` and `o`/`u` in general, `ai`/`ae` (Zainal/Zaenal), `c` before `e`/`i` (Cinta is not Sinta),
//! `rh` (Burhan is bur-han). These pairs are left to the one-edit typo tolerance of [`match_score`].
//!
//! # Index and prefilter
//!
//! The device store keeps every name as a [`PreparedName`] in memory and scores the query against
//! all of them with [`score_prepared`]: letter-mask and length filters reject almost every pair
//! before an edit distance is computed, so nothing needs a prefilter that could drop a match.
//!
//! A store that must filter inside SQL (a server over a whole district) can keep [`index_keys`]
//! (token keys plus the whole-name key without spaces) or directly [`name_grams`] per person, fetch
//! candidates sharing a gram with the query's grams, then rank them by [`match_score`]. A two-character prefix filter would miss a typo in the first letters
//! (Sukarno typed Dukarno), so the prefilter is on bigrams with boundary markers ([`candidate_grams`]):
//!
//! **Guarantee:** if `match_score(q, c)` is `Some`, then `name_grams(q)` and `name_grams(c)` share at
//! least one gram. Per token: two keys within the typo tolerance (one edit for keys of 4 chars or more,
//! two for 8 or more) share a gram, because a key of length n has n + 1 positional bigrams and one
//! edit (substitution, insertion, deletion or adjacent transposition) changes at most 3 of them;
//! a prefix match shares the leading `^x` gram. For selectivity a store may also require, for each
//! query token, a shared gram with that token's own grams (every query token must match in the token path),
//! or-ed with a shared gram with the query's spaceless key (the spacing path).

use std::collections::BTreeSet;

/// Lower-case, ASCII-folded form of a name: apostrophes dropped, other punctuation and whitespace
/// collapsed to single spaces, trimmed. Letters outside Latin script are dropped.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    // A pending break avoids leading, trailing and doubled spaces without a second pass.
    let mut pending_space = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        match classify(c) {
            CharClass::Text(s) => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push_str(s);
            }
            CharClass::Ascii(b) => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(b as char);
            }
            CharClass::Drop => {}
            CharClass::Break => pending_space = true,
        }
    }
    out
}

/// The spelling-folded key of the whole name: every token folded (see the module docs), joined by one space.
/// Idempotent: `search_key(&search_key(x)) == search_key(x)`.
pub fn search_key(name: &str) -> String {
    let normalized = normalize_name(name);
    let mut out = String::with_capacity(normalized.len());
    for token in normalized.split(' ').filter(|t| !t.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&fold_token(token));
    }
    out
}

/// Keys of each token, in name order, each at most once: one index row per key lets "goreti" find
/// "Maria Goreti".
pub fn token_keys(name: &str) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for key in search_key(name).split(' ').filter(|t| !t.is_empty()) {
        if !keys.iter().any(|k| k == key) {
            keys.push(key.to_owned());
        }
    }
    keys
}

/// The whole name folded as one token, spaces removed before folding: "Siti Aminah" and "sitiaminah" give
/// the same key. Folding after joining (not joining folded tokens) keeps both sides of a comparison
/// identical when a rule spans the join (Hasan Nur → hasanur).
pub fn spaceless_key(name: &str) -> String {
    let joined: String = normalize_name(name).split(' ').collect();
    fold_token(&joined)
}

/// What a store indexes for one person (and what a query is turned into): the token keys, plus the
/// spaceless key when the name has more than one token.
pub fn index_keys(name: &str) -> Vec<String> {
    let mut keys = token_keys(name);
    if normalize_name(name).contains(' ') {
        let whole = spaceless_key(name);
        if !keys.contains(&whole) {
            keys.push(whole);
        }
    }
    keys
}

/// The distinct bigrams of a key with `^` and `$` boundary markers, sorted: "sukarno" gives `^s`, `su`,
/// `uk`, …, `o$`. Spaces in the input are token boundaries. See the module docs for the guarantee.
pub fn candidate_grams(key: &str) -> Vec<String> {
    let mut grams = BTreeSet::new();
    for token in key.split_whitespace() {
        let padded: Vec<char> = std::iter::once('^')
            .chain(token.chars())
            .chain(std::iter::once('$'))
            .collect();
        for pair in padded.windows(2) {
            grams.insert(pair.iter().collect::<String>());
        }
    }
    grams.into_iter().collect()
}

/// The distinct grams of every [`index_keys`] of a name, sorted. Index these per person; query with the
/// same function on the search text.
pub fn name_grams(name: &str) -> Vec<String> {
    let mut grams = BTreeSet::new();
    for key in index_keys(name) {
        grams.extend(candidate_grams(&key));
    }
    grams.into_iter().collect()
}

/// How well a typed query matches a stored name: `None` when it does not match, otherwise a score where
/// lower is better (0 = every query token has an equal key).
///
/// Token path: every query token must match a distinct candidate token, in any order. A token match
/// scores 0 for equal keys, 1 when one key is a prefix (of at least 3 chars) of the other, and 2 × the
/// optimal-string-alignment distance when that is at most 1 (shorter key of 4-7 chars) or 2 (8 or more);
/// keys shorter than 4 chars need an equal or prefix match. The score is the sum.
///
/// Spacing path: the spaceless query key against the spaceless candidate key, with 1 added for the
/// re-spacing: equal (1) or within the typo tolerance (1 + 2 × distance). The better path wins. A
/// prefix needs no spacing path: the token path already lets "sitiam" match "Siti" by prefix.
pub fn match_score(query: &str, candidate_name: &str) -> Option<u32> {
    score_prepared(
        &PreparedName::new(query),
        &PreparedName::new(candidate_name),
    )
}

/// One folded key with its letter mask: the unit the scoring filters work on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    text: String,
    mask: u32,
}

impl Key {
    /// A key from text that is already folded (a token of [`search_key`] or a [`spaceless_key`]).
    pub fn from_folded(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            mask: letter_mask(text),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// A name (or a query) folded once for repeated scoring: its token keys and spaceless key, each
/// with a letter mask that rejects most non-matching pairs before any edit distance is computed.
/// A store keeps one per person in memory and scores a query against all of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedName {
    tokens: Vec<Key>,
    spaceless: Key,
}

/// Letters present in a key, one bit each (folded mod 32: collisions only loosen the filter).
fn letter_mask(key: &str) -> u32 {
    key.bytes().fold(0, |m, b| m | 1 << (b % 32))
}

impl PreparedName {
    pub fn new(name: &str) -> Self {
        let tokens = search_key(name)
            .split(' ')
            .filter(|t| !t.is_empty())
            .map(Key::from_folded)
            .collect();
        Self {
            tokens,
            spaceless: Key::from_folded(&spaceless_key(name)),
        }
    }

    /// No token at all (an empty or all-punctuation name): matches nothing.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The token keys, in name order (repeats kept: "Siti Siti" has two).
    pub fn tokens(&self) -> &[Key] {
        &self.tokens
    }

    /// The whole name folded without spaces.
    pub fn spaceless(&self) -> &Key {
        &self.spaceless
    }
}

/// [`match_score`] on prepared names: the same result, without folding either side again.
pub fn score_prepared(query: &PreparedName, candidate: &PreparedName) -> Option<u32> {
    if query.is_empty() || candidate.is_empty() {
        return None;
    }
    let by_tokens = token_path_score(&query.tokens, &candidate.tokens);
    let by_spacing = spacing_score(&query.spaceless, &candidate.spaceless);
    best_of(by_tokens, by_spacing)
}

/// The better (lower) of the token-path and spacing-path scores.
pub fn best_of(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// [`token_score`] with the letter-mask and length filters first: one edit changes at most two
/// letters of the mask and the length by one, so a pair outside those bounds cannot match.
pub fn key_score(q: &Key, c: &Key) -> Option<u32> {
    let (a, b) = (q.text.as_bytes(), c.text.as_bytes());
    if a == b {
        return Some(0);
    }
    let shorter = a.len().min(b.len());
    if shorter >= MIN_PREFIX_LEN && a[..shorter] == b[..shorter] {
        return Some(1);
    }
    let max = typo_tolerance(shorter);
    if max == 0
        || a.len().abs_diff(b.len()) > max as usize
        || (q.mask ^ c.mask).count_ones() > 2 * max
    {
        return None;
    }
    osa_distance_within(a, b, max).map(|d| 2 * d)
}

/// Score of one query token key against one candidate token key, as described on [`match_score`].
pub fn token_score(query_key: &str, candidate_key: &str) -> Option<u32> {
    if query_key == candidate_key {
        return Some(0);
    }
    let (a, b) = (query_key.as_bytes(), candidate_key.as_bytes());
    let shorter = a.len().min(b.len());
    if shorter >= MIN_PREFIX_LEN && a[..shorter] == b[..shorter] {
        return Some(1);
    }
    let max = typo_tolerance(shorter);
    if max == 0 {
        return None;
    }
    osa_distance_within(a, b, max).map(|d| 2 * d)
}

/// Typos allowed between two keys whose shorter one has `shorter_len` chars. Short keys get none:
/// one edit in a three-letter name (Ani/Ana, Adi/Ida) is a different name.
pub fn typo_tolerance(shorter_len: usize) -> u32 {
    match shorter_len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// A prefix shorter than this is too unselective to count ("an" would match half the register).
const MIN_PREFIX_LEN: usize = 3;

/// Above this many candidate tokens the distinct-token assignment is skipped for the cheaper
/// best-token-each rule; real names stay far below it.
const MAX_ASSIGNMENT_TOKENS: usize = 12;

fn token_path_score(query_keys: &[Key], cand_keys: &[Key]) -> Option<u32> {
    if query_keys.len() > cand_keys.len() {
        return None;
    }
    // Most candidates fail on some query token: find that out before building the cost table.
    if !query_keys
        .iter()
        .all(|q| cand_keys.iter().any(|c| key_score(q, c).is_some()))
    {
        return None;
    }
    let costs: Vec<Vec<Option<u32>>> = query_keys
        .iter()
        .map(|q| cand_keys.iter().map(|c| key_score(q, c)).collect())
        .collect();
    assign_tokens(&costs)
}

/// The token path's score from its cost table: `costs[i][j]` is query token i against candidate
/// token j (`None`: no match). Each query token takes a distinct candidate token, at least cost.
pub fn assign_tokens(costs: &[Vec<Option<u32>>]) -> Option<u32> {
    let cand_len = costs.first().map_or(0, Vec::len);
    if costs.len() > cand_len {
        return None;
    }
    if cand_len > MAX_ASSIGNMENT_TOKENS {
        return costs
            .iter()
            .map(|row| row.iter().flatten().min().copied())
            .sum();
    }
    // Minimum-cost assignment of query tokens to distinct candidate tokens, by DP over used-token masks:
    // "Siti Siti" must not match "Siti Aminah" twice over the same token.
    let mut best: Vec<Option<u32>> = vec![None; 1 << cand_len];
    best[0] = Some(0);
    for row in costs {
        let mut next: Vec<Option<u32>> = vec![None; best.len()];
        for (mask, cost) in best.iter().enumerate() {
            let Some(cost) = cost else { continue };
            for (j, token_cost) in row.iter().enumerate() {
                let (Some(token_cost), true) = (token_cost, mask & (1 << j) == 0) else {
                    continue;
                };
                let slot = &mut next[mask | (1 << j)];
                let total = cost + token_cost;
                if slot.is_none_or(|s| total < s) {
                    *slot = Some(total);
                }
            }
        }
        best = next;
    }
    best.into_iter().flatten().min()
}

/// The spacing path: the spaceless keys compared whole, one point for the re-spacing.
pub fn spacing_score(q: &Key, c: &Key) -> Option<u32> {
    if q.text.is_empty() || c.text.is_empty() {
        return None;
    }
    if q.text == c.text {
        return Some(1);
    }
    let max = typo_tolerance(q.text.len().min(c.text.len()));
    if max == 0 || (q.mask ^ c.mask).count_ones() > 2 * max {
        return None;
    }
    osa_distance_within(q.text.as_bytes(), c.text.as_bytes(), max).map(|d| 1 + 2 * d)
}

/// Optimal string alignment (restricted Damerau-Levenshtein) distance, or `None` when above `max`.
fn osa_distance_within(a: &[u8], b: &[u8], max: u32) -> Option<u32> {
    if a.len().abs_diff(b.len()) > max as usize {
        return None;
    }
    let d = osa_distance(a, b);
    (d <= max).then_some(d)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
/// adjacent characters, each substring edited at most once.
pub fn osa_distance(a: &[u8], b: &[u8]) -> u32 {
    let n = b.len();
    let mut prev2: Vec<u32> = vec![0; n + 1];
    let mut prev: Vec<u32> = (0..=n as u32).collect();
    let mut cur: Vec<u32> = vec![0; n + 1];
    for i in 1..=a.len() {
        cur[0] = i as u32;
        for j in 1..=n {
            let cost = u32::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[n]
}

/// Folds one normalised token to its key: one pass of the rules, repeated until stable, so that a rule
/// whose context was created by another (`tch` → `th` → `t`) still ends at a fixed point.
fn fold_token(token: &str) -> String {
    let mut current = token.as_bytes().to_vec();
    // Every pass after the first either shortens the token or lowers a letter in a fixed order that no
    // rule reverses (j>y, q>k, v>f, c>k, o>u, y>i), so this terminates well before the bound.
    for _ in 0..=token.len() + 2 {
        let next = fold_pass(&current);
        if next == current {
            break;
        }
        current = next;
    }
    String::from_utf8(current).expect("fold keeps ASCII")
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

fn collapse_doubles(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for &b in s {
        if out.last() != Some(&b) {
            out.push(b);
        }
    }
    out
}

fn fold_pass(token: &[u8]) -> Vec<u8> {
    let s = collapse_doubles(token);
    let mut out: Vec<u8> = Vec::with_capacity(s.len() + 2);
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let (replacement, used): (&[u8], usize) = if rest.starts_with(b"chr") {
            (b"kr", 3)
        } else {
            match (rest[0], rest.get(1).copied()) {
                (b'o', Some(b'e')) => (b"u", 2),
                (b'd', Some(b'j')) => (b"y", 2),
                (b't', Some(b'j')) => (b"c", 2),
                (b'c' | b'k', Some(b'h')) => (b"h", 2),
                (b's', Some(b'h')) => (b"s", 2),
                (b'p', Some(b'h')) => (b"f", 2),
                (b'd', Some(b'h')) => (b"d", 2),
                (b't', Some(b'h')) => (b"t", 2),
                (b'b', Some(b'h')) => (b"b", 2),
                (b'g', Some(b'h')) => (b"g", 2),
                (b'c', Some(b'k')) => (b"k", 2),
                (b'j', _) => (b"y", 1),
                (b'q', _) => (b"k", 1),
                (b'v', _) => (b"f", 1),
                (b'x', _) => (b"ks", 1),
                (b'c', next) if !matches!(next, Some(b'e' | b'i' | b'y')) => (b"k", 1),
                _ => (&rest[..1], 1),
            }
        };
        out.extend_from_slice(replacement);
        i += used;
    }
    let mut out = collapse_doubles(&out);
    if out.starts_with(b"moham") {
        out[1] = b'u';
    }
    let n = out.len();
    if n >= 2 && out[n - 1] == b'h' && is_vowel(out[n - 2]) {
        out.pop();
    } else if n >= 2
        && out[n - 1] == b'y'
        && out[n - 2].is_ascii_lowercase()
        && !is_vowel(out[n - 2])
    {
        out[n - 1] = b'i';
    }
    out
}

enum CharClass {
    Ascii(u8),
    Text(&'static str),
    Drop,
    Break,
}

/// One lower-cased char: kept (ASCII-folded), dropped without a break (apostrophes, combining marks,
/// letters of other scripts) or a token break.
fn classify(c: char) -> CharClass {
    if c.is_ascii_alphanumeric() {
        return CharClass::Ascii(c.to_ascii_lowercase() as u8);
    }
    // Ma'ruf, Nu’man: the apostrophe marks a glottal stop that many spellings leave out.
    if matches!(
        c,
        '\'' | '`' | '\u{2018}' | '\u{2019}' | '\u{00B4}' | '\u{02B9}' | '\u{02BB}' | '\u{02BC}'
    ) {
        return CharClass::Drop;
    }
    if let Some(s) = fold_latin(c) {
        return CharClass::Text(s);
    }
    if ('\u{0300}'..='\u{036F}').contains(&c) || c.is_alphanumeric() {
        return CharClass::Drop;
    }
    CharClass::Break
}

/// ASCII for the lower-case Latin-1 and Latin Extended-A letters seen in names.
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŋ' => "n",
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ſ' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' => "t",
        'þ' => "th",
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalize_folds_case_space_punctuation_and_diacritics() {
        for (raw, want) in [
            ("  siti  AMINAH ", "siti aminah"),
            ("Ma'ruf", "maruf"),
            ("Nu’man", "numan"),
            ("M. Ali", "m ali"),
            ("Abdul-Rahman", "abdul rahman"),
            ("José Ramírez", "jose ramirez"),
            ("Zoë\tFrançois", "zoe francois"),
            ("Jose\u{0301}", "jose"),
            ("İsmail", "ismail"),
            ("", ""),
            (" ,. ", ""),
        ] {
            assert_eq!(normalize_name(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn spelling_pairs_share_one_key() {
        let groups: &[&[&str]] = &[
            &["Soekarno", "Sukarno"],
            &["Djoko Soesilo", "Joko Susilo"],
            &["Tjahjo", "Cahyo"],
            &["Tjokroaminoto", "Cokroaminoto"],
            &["Chairul", "Khairul", "Hairul"],
            &["Chairil", "Khairil"],
            &[
                "Moehammad",
                "Muhammad",
                "Mohamad",
                "Mohammad",
                "Muhamad",
                "Mochammad",
                "Mokhamad",
            ],
            &["Achmad", "Akhmad", "Ahmad"],
            &["Yusuf", "Jusuf"],
            &["Nyoman", "Njoman"],
            &["Sjahrir", "Syahrir"],
            &["Siti Aminah", "Sitti Aminah", "siti  AMINAH", "Siti Amina"],
            &["Ma'ruf", "Maruf", "Ma’ruf"],
            &["Yohanes", "Johanes", "Yohannes"],
            &["Yosef", "Josef", "Yoseph", "Joseph"],
            &["Fransiskus", "Fransiscus"],
            &["Kristina", "Christina"],
            &["Hassan", "Hasan"],
            &["Ramadhan", "Ramadan"],
            &["Fathimah", "Fatimah", "Fatima"],
            &["Margaretha", "Margareta"],
            &["Stephanus", "Stefanus"],
            &["Taufiq", "Taufik"],
            &["Sholeh", "Soleh"],
            &["Rizky", "Rizki"],
            &["Theresia", "Teresia"],
            &["Alexander", "Aleksander"],
            &["Marcus", "Markus"],
            &["Oktavianus", "Oktafianus"],
        ];
        for group in groups {
            let key = search_key(group[0]);
            for name in group.iter().skip(1) {
                assert_eq!(search_key(name), key, "{} vs {}", group[0], name);
                assert_eq!(
                    match_score(name, group[0]),
                    Some(0),
                    "{} vs {}",
                    group[0],
                    name
                );
            }
        }
    }

    #[test]
    fn distinct_names_keep_distinct_keys() {
        for (a, b) in [
            ("Ani", "Ana"),
            ("Budi", "Bayu"),
            ("Zainal", "Jainal"),
            ("Cinta", "Sinta"),
            ("Burhan", "Buran"),
            ("Agus", "Agustinus"),
        ] {
            assert_ne!(search_key(a), search_key(b), "{a} vs {b}");
        }
    }

    #[test]
    fn known_keys() {
        for (name, key) in [
            ("Soekarno", "sukarno"),
            ("Djoko Soesilo", "yoko susilo"),
            ("Tjahjo", "kahyo"),
            ("Moehammad", "muhamad"),
            ("Maria Goreti", "maria goreti"),
            ("Mitchel", "mitel"),
        ] {
            assert_eq!(search_key(name), key, "{name}");
        }
    }

    #[test]
    fn match_scores() {
        let cases: &[(&str, &str, Option<u32>)] = &[
            ("soekarno", "Sukarno", Some(0)),
            ("joko susilo", "Djoko Soesilo", Some(0)),
            ("susilo joko", "Djoko Soesilo", Some(0)),
            ("goreti", "Maria Goreti", Some(0)),
            ("sitiaminah", "Siti Aminah", Some(1)),
            ("siti aminah", "Sitiaminah", Some(1)),
            ("hasannur", "Hasan Nur", Some(1)),
            ("sitiam", "Siti Aminah", Some(1)),
            ("sitiaminah", "Siti Amina", Some(1)),
            ("sit", "Siti Aminah", Some(1)),
            ("si", "Siti Aminah", None),
            ("Amina", "Aminah", Some(0)),
            ("Aminha", "Aminah", Some(2)),
            ("Margarita", "Margaretha", Some(2)),
            ("Margarita", "Margaretha Ina", Some(2)),
            ("Agustinus", "Augustinus", Some(2)),
            ("Zaenal", "Zainal", Some(2)),
            ("Franciscus", "Fransiskus", Some(2)),
            ("Dukarno", "Sukarno", Some(2)),
            ("Yohanis", "Yohanes", Some(2)),
            ("Vinsensius", "Vincentius", Some(4)),
            ("Petrus", "Petrus Nope", Some(0)),
            ("Maria Yohana", "Yohana Maria", Some(0)),
            ("Ani", "Ana", None),
            ("Adi", "Ida", None),
            ("Budi", "Bayu", None),
            ("Siti Siti", "Siti Aminah", None),
            ("Siti Rahma", "Siti Aminah", None),
            ("", "Siti", None),
            ("Siti", "", None),
            ("Budi", "Bu Dianti", None),
        ];
        for &(q, c, want) in cases {
            assert_eq!(match_score(q, c), want, "{q:?} vs {c:?}");
        }
    }

    #[test]
    fn osa_counts_a_transposition_as_one() {
        assert_eq!(osa_distance(b"amina", b"aimna"), 1);
        assert_eq!(osa_distance(b"ca", b"abc"), 3);
        assert_eq!(osa_distance(b"", b"abc"), 3);
        assert_eq!(osa_distance(b"kitten", b"sitting"), 3);
    }

    #[test]
    fn grams_have_boundaries() {
        assert_eq!(candidate_grams("budi"), ["^b", "bu", "di", "i$", "ud"]);
        assert_eq!(candidate_grams(""), Vec::<String>::new());
        assert_eq!(index_keys("Siti Aminah"), ["siti", "amina", "sitiamina"]);
        assert_eq!(index_keys("Siti Siti"), ["siti", "sitisiti"]);
        assert_eq!(token_keys("Siti Siti"), ["siti"]);
    }

    fn shares_gram(a: &str, b: &str) -> bool {
        let ga = candidate_grams(a);
        candidate_grams(b).iter().any(|g| ga.contains(g))
    }

    /// Applies one edit at `pos` (taken modulo the length): 0 substitution, 1 insertion, 2 deletion,
    /// 3 adjacent transposition.
    fn edit(s: &str, kind: u8, pos: usize, letter: char) -> String {
        let mut v: Vec<char> = s.chars().collect();
        let p = pos % v.len().max(1);
        match kind {
            0 if !v.is_empty() => v[p] = letter,
            1 => v.insert(pos % (v.len() + 1), letter),
            2 if !v.is_empty() => {
                v.remove(p);
            }
            3 if v.len() >= 2 => {
                let p = pos % (v.len() - 1);
                v.swap(p, p + 1);
            }
            _ => {}
        }
        v.into_iter().collect()
    }

    const NAME_PARTS: &[&str] = &[
        "Siti",
        "Aminah",
        "Soekarno",
        "Djoko",
        "Tjahjo",
        "Yohanes",
        "Maria",
        "Goreti",
        "Fransiskus",
        "Petrus",
        "Nope",
        "Ndun",
        "Muhammad",
        "Achmad",
        "Khairul",
        "Nyoman",
        "Wayan",
        "Kristina",
        "Agustinus",
        "Ma'ruf",
        "Hasan",
        "Nur",
        "Margaretha",
        "Ina",
        "Benu",
        "Lay",
        "Amalo",
        "Fanggidae",
        "Sjahrir",
        "Budi",
    ];

    fn arb_name() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (
                prop::sample::select(NAME_PARTS),
                0u8..5,
                any::<usize>(),
                prop::char::range('a', 'z'),
            ),
            1..4,
        )
        .prop_map(|parts| {
            parts
                .into_iter()
                .map(|(p, kind, pos, c)| edit(p, kind, pos, c))
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    proptest! {
        #[test]
        fn search_key_is_idempotent(s in "[a-zA-Z' .\\-éü]{0,24}") {
            let k = search_key(&s);
            prop_assert_eq!(search_key(&k), k.clone());
            prop_assert_eq!(normalize_name(&k), k);
        }

        #[test]
        fn search_key_is_idempotent_on_names(s in arb_name()) {
            let k = search_key(&s);
            prop_assert_eq!(search_key(&k), k);
        }

        #[test]
        fn normalize_is_idempotent_and_clean(s in "\\PC{0,30}") {
            let n = normalize_name(&s);
            prop_assert_eq!(normalize_name(&n), n.clone());
            prop_assert!(n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b' '));
            prop_assert!(!n.starts_with(' ') && !n.ends_with(' ') && !n.contains("  "));
        }

        #[test]
        fn one_edit_keeps_a_shared_gram(s in "[a-z]{4,12}", kind in 0u8..4, pos in any::<usize>(), c in prop::char::range('a', 'z')) {
            let t = edit(&s, kind, pos, c);
            prop_assert!(shares_gram(&s, &t), "{} / {}", s, t);
        }

        #[test]
        fn two_edits_on_long_keys_keep_a_shared_gram(
            s in "[a-z]{8,14}",
            e1 in (0u8..4, any::<usize>(), prop::char::range('a', 'z')),
            e2 in (0u8..4, any::<usize>(), prop::char::range('a', 'z')),
        ) {
            let t = edit(&edit(&s, e1.0, e1.1, e1.2), e2.0, e2.1, e2.2);
            prop_assert!(shares_gram(&s, &t), "{} / {}", s, t);
        }

        #[test]
        fn token_match_implies_shared_gram(s in "[a-z]{1,12}", kind in 0u8..5, pos in any::<usize>(), c in prop::char::range('a', 'z')) {
            // kind 4: truncate to a prefix.
            let t = if kind == 4 { s[..(pos % s.len()) + 1].to_owned() } else { edit(&s, kind, pos, c) };
            if token_score(&s, &t).is_some() {
                prop_assert!(shares_gram(&s, &t), "{} / {}", s, t);
            }
        }

        #[test]
        fn any_match_shares_a_name_gram(q in arb_name(), c in arb_name()) {
            if match_score(&q, &c).is_some() {
                let gq = name_grams(&q);
                prop_assert!(name_grams(&c).iter().any(|g| gq.contains(g)), "{} / {}", q, c);
            }
        }

        #[test]
        fn related_names_that_match_share_a_name_gram(
            parts in prop::collection::vec(
                (prop::sample::select(NAME_PARTS), 0u8..6, any::<usize>(), prop::char::range('a', 'z'), any::<bool>()),
                1..4,
            ),
            glue in any::<bool>(),
        ) {
            // The candidate is the plain parts; the query keeps some of them, each with a typo or cut to a
            // prefix, and is sometimes typed without spaces.
            let candidate = parts.iter().map(|p| p.0).collect::<Vec<_>>().join(" ");
            let kept: Vec<String> = parts
                .iter()
                .filter(|p| p.4)
                .map(|&(p, kind, pos, c, _)| match kind {
                    4 => p.chars().take(3 + pos % 4).collect(),
                    5 => p.to_owned(),
                    _ => edit(p, kind, pos, c),
                })
                .collect();
            let query = kept.join(if glue { "" } else { " " });
            if match_score(&query, &candidate).is_some() {
                let gq = name_grams(&query);
                prop_assert!(name_grams(&candidate).iter().any(|g| gq.contains(g)), "{} / {}", query, candidate);
            }
        }

        #[test]
        fn a_name_matches_itself_with_zero(c in arb_name()) {
            prop_assert_eq!(match_score(&c, &c), Some(0));
        }

        #[test]
        fn token_order_does_not_matter(a in arb_name(), b in arb_name(), c in arb_name()) {
            let keys = |s: &str| PreparedName::new(s).tokens;
            let q1 = keys(&format!("{a} {b}"));
            let q2 = keys(&format!("{b} {a}"));
            prop_assert_eq!(token_path_score(&q1, &keys(&c)), token_path_score(&q2, &keys(&c)));
        }

        /// The letter-mask and length filters only skip work: scores equal the unfiltered ones.
        #[test]
        fn masked_token_scores_equal_plain_ones(
            a in "[a-z]{1,12}", other in "[a-z]{1,12}", pos in 0usize..12, ch in "[a-z]", edited in proptest::bool::ANY,
        ) {
            // Half the pairs are one substitution apart, so the matching path is exercised too.
            let b = if edited {
                let mut v: Vec<char> = a.chars().collect();
                let p = pos % v.len();
                v[p] = ch.chars().next().unwrap();
                v.into_iter().collect()
            } else {
                other
            };
            let (pa, pb) = (PreparedName::new(&a), PreparedName::new(&b));
            if let (Some(x), Some(y)) = (pa.tokens.first(), pb.tokens.first()) {
                prop_assert_eq!(key_score(x, y), token_score(x.as_str(), y.as_str()));
            }
        }
    }
}
