//! Dashboard sessions: a random 32-byte id in an HTTP-only, SameSite=Strict cookie scoped to
//! `/dashboard` (only its SHA-256 is stored, in `web_session`, with an expiry), a CSRF token per
//! session that every POST form carries, and a login form protected by a double-submit token
//! (cookie and hidden field) before any session exists. The users, passwords, roles and areas are
//! the sync API's own.

use super::i18n::Lang;
use crate::auth::{new_token, token_hash};
use crate::clock::Entropy;
use crate::error::Result;
use crate::storage::{Db, UserRow, WebSessionRow};
use axum::http::HeaderMap;
use axum::http::header::COOKIE;

pub const SESSION_COOKIE: &str = "ilp_dash";
pub const LOGIN_CSRF_COOKIE: &str = "ilp_login_csrf";
pub const LANG_COOKIE: &str = "ilp_lang";
/// A desk session lasts a working day.
pub const SESSION_LIFETIME_SECS: i64 = 10 * 3600;

/// A signed-in browser.
#[derive(Clone, Debug)]
pub struct WebSession {
    pub user: UserRow,
    pub csrf: String,
    pub hash: String,
}

/// The value of one cookie of the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

/// Whether the request came through a TLS-terminating proxy: then cookies are marked `Secure`.
fn secure(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: HTTP-only, SameSite=Strict, path `/dashboard`.
pub fn set_cookie(headers: &HeaderMap, name: &str, value: &str, max_age_secs: i64) -> String {
    format!(
        "{name}={value}; Path=/dashboard; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{}",
        if secure(headers) { "; Secure" } else { "" }
    )
}

/// The language: `?lang=` first, then the cookie, else Bahasa Indonesia.
pub fn lang(headers: &HeaderMap, query_lang: Option<&str>) -> Lang {
    query_lang
        .and_then(Lang::parse)
        .or_else(|| {
            cookie(headers, LANG_COOKIE)
                .as_deref()
                .and_then(Lang::parse)
        })
        .unwrap_or(Lang::Id)
}

/// The session of the request's cookie, if valid and its user still active.
pub fn authenticate(db: &dyn Db, headers: &HeaderMap, now_ms: i64) -> Result<Option<WebSession>> {
    let Some(id) = cookie(headers, SESSION_COOKIE).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let hash = token_hash(&id);
    db.read(|tx| {
        let Some(row) = tx.web_session(&hash)? else {
            return Ok(None);
        };
        if row.expires_at <= now_ms {
            return Ok(None);
        }
        let Some(user) = tx.user_by_id(&row.user_id)?.filter(|u| u.active) else {
            return Ok(None);
        };
        Ok(Some(WebSession {
            user,
            csrf: row.csrf,
            hash,
        }))
    })
}

/// Starts a session for `user`: returns the cookie value.
pub fn start(db: &dyn Db, user: &UserRow, entropy: &dyn Entropy, now_ms: i64) -> Result<String> {
    let id = new_token(entropy);
    let row = WebSessionRow {
        hash: token_hash(&id),
        user_id: user.id.clone(),
        csrf: new_token(entropy),
        created_at: now_ms,
        expires_at: now_ms + SESSION_LIFETIME_SECS * 1000,
    };
    db.write(|tx| Ok(tx.insert_web_session(&row)?))?;
    Ok(id)
}

/// Ends a session (and sweeps expired ones).
pub fn end(db: &dyn Db, session: &WebSession, now_ms: i64) -> Result<()> {
    db.write(|tx| Ok(tx.end_web_session(&session.hash, now_ms)?))
}

/// Compares two tokens in time independent of where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len()
        && !a.is_empty()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
