//! Page scaffolding: HTML escaping, the page frame (header with the user, the language switch and
//! the logout form; the one embedded stylesheet), and the error pages. Plain HTML without scripts:
//! every page works as a form-and-link page on a slow connection and a phone browser.

use super::i18n::{self, Lang};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

/// The stylesheet, served at `/dashboard/style.css`.
pub const STYLE: &str = include_str!("style.css");

/// Escapes text for element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query value.
pub fn url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Who is signed in, for the header.
pub struct Header<'a> {
    pub display_name: &'a str,
    pub role: &'a str,
    pub csrf: &'a str,
}

/// A whole page. `query` is the current query string without `lang`, kept by the language
/// switch.
pub fn page(
    lang: Lang,
    title: &str,
    path_and_query: (&str, &str),
    header: Option<&Header<'_>>,
    body: &str,
) -> String {
    let (path, query) = path_and_query;
    let sep = if query.is_empty() { "" } else { "&" };
    let switch = |l: Lang, label: &str| {
        if l == lang {
            format!(
                r#"<strong id="lang-{c}" data-testid="lang-{c}" aria-current="true">{label}</strong>"#,
                c = l.code()
            )
        } else {
            format!(
                r#"<a id="lang-{c}" data-testid="lang-{c}" href="{path}?{q}{sep}lang={c}" hreflang="{c}">{label}</a>"#,
                c = l.code(),
                q = esc(query),
            )
        }
    };
    let user = match header {
        Some(h) => format!(
            r#"<span id="current-user" data-testid="current-user" data-role="{role}">{signed}: {name} ({role})</span>
<form id="logout-form" method="post" action="/dashboard/logout"><input type="hidden" name="csrf" value="{csrf}"><button id="logout" type="submit">{logout}</button></form>
<nav id="main-nav"><a id="nav-coverage" href="/dashboard/coverage">{coverage}</a><a id="nav-lists" href="/dashboard/lists">{lists}</a><a id="nav-activity" href="/dashboard/activity">{activity}</a>{admin}</nav>"#,
            signed = lang.t(i18n::SIGNED_IN_AS),
            name = esc(h.display_name),
            role = esc(h.role),
            csrf = esc(h.csrf),
            logout = lang.t(i18n::LOGOUT),
            coverage = lang.t(i18n::COVERAGE),
            lists = lang.t(super::lists::LISTS),
            activity = lang.t(super::activity::ACTIVITY),
            admin = if h.role == "admin" {
                format!(
                    r#"<a id="nav-admin-users" href="/dashboard/admin/users">{}</a><a id="nav-admin-devices" href="/dashboard/admin/devices">{}</a>"#,
                    lang.t(super::admin_pages::USERS),
                    lang.t(super::admin_pages::DEVICES)
                )
            } else {
                String::new()
            },
        ),
        None => String::new(),
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="{code}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Posyandu ILP</title>
<link rel="stylesheet" href="/dashboard/style.css">
</head>
<body>
<header id="page-header">
<span class="brand">{brand}</span>
<span id="lang-switch" class="lang">{id} · {en}</span>
{user}
</header>
<main id="main">
{body}
</main>
</body>
</html>
"#,
        code = lang.code(),
        title = esc(title),
        brand = lang.t(i18n::TITLE),
        id = switch(Lang::Id, "Bahasa Indonesia"),
        en = switch(Lang::En, "English"),
    )
}

/// An HTML answer that no cache keeps (pages carry health data).
pub fn respond(status: StatusCode, html: String) -> Response {
    (
        status,
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// A page with one message: an error or a refusal. `testid` names it for the browser tests
/// (`forbidden`, `error`, `not-found`).
pub fn message_page(
    lang: Lang,
    status: StatusCode,
    title: &str,
    message: &str,
    testid: &str,
    header: Option<&Header<'_>>,
) -> Response {
    let body = format!(
        r#"<section id="{testid}" data-testid="{testid}" class="message">
<h1>{title}</h1>
<p id="message" data-testid="message">{message}</p>
<p><a id="back" href="/dashboard/coverage">{back}</a></p>
</section>"#,
        title = esc(title),
        message = esc(message),
        back = lang.t(i18n::BACK),
    );
    respond(
        status,
        page(lang, title, ("/dashboard/coverage", ""), header, &body),
    )
}
