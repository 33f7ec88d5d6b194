//! Administration in the browser, for admins only (anyone else gets 403): users (list with roles,
//! areas and whether they are disabled; add, assign areas, disable, reset password) and devices
//! (list per user with the last sync; revoke a lost phone, which revokes its tokens). Every change
//! goes through the very [`crate::admin::Admin`] functions the `ilp-server` CLI uses, each in one
//! transaction; every POST carries the session's CSRF token, and an error names its field. An
//! admin cannot disable their own account (no role change is offered here at all), so the
//! dashboard never locks its last admin out. The lists' exports are in [`super::admin_export`].

use super::access::{self, AreaChoice};
use super::activity::when;
use super::html::{Header, esc, message_page, page};
use super::i18n::{self, Lang};
use super::session::{self, WebSession};
use super::{
    Dash, Dashboard, Fail, PageRequest, Params, Shared, blocking, check_csrf, fail_page, redirect,
    serve_page, signed_in,
};
use crate::admin::Admin;
use crate::auth::PasswordCost;
use crate::error::Error;
use crate::http::AppState;
use crate::scope::Principal;
use crate::storage::{DeviceRow, UserRow};
use axum::Form;
use axum::extract::{Extension, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::collections::HashMap;
use std::sync::Arc;

pub const USERS: (&str, &str) = ("Pengguna", "Users");
pub const DEVICES: (&str, &str) = ("Perangkat", "Devices");
const USERS_TITLE: (&str, &str) = ("Administrasi: pengguna", "Administration: users");
const DEVICES_TITLE: (&str, &str) = ("Administrasi: perangkat", "Administration: devices");
const ADMIN_ONLY: (&str, &str) = (
    "Halaman ini hanya untuk admin.",
    "This page is for admins only.",
);
pub(super) const NAME: (&str, &str) = ("Nama", "Name");
pub(super) const ROLE: (&str, &str) = ("Peran", "Role");
pub(super) const AREAS: (&str, &str) = ("Wilayah", "Areas");
const AREAS_HINT: (&str, &str) = (
    "kode wilayah (53.71.03.1010/001 = RW 001), dipisah koma",
    "area codes (53.71.03.1010/001 = RW 001), comma separated",
);
pub(super) const STATUS: (&str, &str) = ("Status", "Status");
pub(super) const ACTIVE: (&str, &str) = ("aktif", "active");
pub(super) const DISABLED: (&str, &str) = ("nonaktif", "disabled");
pub(super) const REVOKED: (&str, &str) = ("dicabut", "revoked");
const ADD_USER: (&str, &str) = ("Tambah pengguna", "Add user");
const ASSIGN: (&str, &str) = ("Tetapkan wilayah", "Assign areas");
const DISABLE: (&str, &str) = ("Nonaktifkan", "Disable");
const RESET: (&str, &str) = ("Atur ulang kata sandi", "Reset password");
const REVOKE: (&str, &str) = ("Cabut (HP hilang)", "Revoke (lost phone)");
pub(super) const DEVICE: (&str, &str) = ("Perangkat", "Device");
pub(super) const REGISTERED: (&str, &str) = ("Terdaftar", "Registered");
pub(super) const LAST_SYNC: (&str, &str) = ("Sinkron terakhir", "Last sync");
pub(super) const NEVER: (&str, &str) = ("belum pernah", "never");
const AREA_KEYS: (&str, &str) = ("Daftar kode wilayah", "Area codes");
const REQUIRED: (&str, &str) = ("wajib diisi", "is required");
const YOURSELF: (&str, &str) = ("akun Anda", "your account");
const NOT_YOURSELF: (&str, &str) = (
    "Anda tidak dapat menonaktifkan akun Anda sendiri; minta admin lain melakukannya.",
    "you cannot disable your own account; ask another admin to do it.",
);
const DONE_ADDED: (&str, &str) = ("Pengguna ditambahkan.", "User added.");
const DONE_ASSIGNED: (&str, &str) = ("Wilayah ditetapkan.", "Areas assigned.");
const DONE_DISABLED: (&str, &str) = ("Pengguna dinonaktifkan.", "User disabled.");
const DONE_PASSWORD: (&str, &str) = ("Kata sandi diatur ulang.", "Password reset.");
const DONE_REVOKED: (&str, &str) = (
    "Perangkat dicabut: tokennya tidak berlaku lagi.",
    "Device revoked: its tokens no longer work.",
);

pub(super) fn admin_of(st: &AppState) -> Admin<'_> {
    Admin {
        db: st.db.as_ref(),
        clock: st.clock.as_ref(),
        entropy: st.entropy.as_ref(),
        cost: PasswordCost::default(),
        max_drift_ms: st.config.max_drift_ms,
    }
}

fn header(s: &WebSession) -> Header<'_> {
    Header {
        display_name: &s.user.display_name,
        role: &s.user.role,
        csrf: &s.csrf,
    }
}

fn admin_only(lang: Lang, s: &WebSession) -> Response {
    message_page(
        lang,
        StatusCode::FORBIDDEN,
        lang.t(i18n::FORBIDDEN_TITLE),
        lang.t(ADMIN_ONLY),
        "forbidden",
        Some(&header(s)),
    )
}

/// The signed-in admin, or the response refusing anyone else.
pub(super) fn signed_in_admin(
    st: &AppState,
    headers: &HeaderMap,
    lang: Lang,
) -> std::result::Result<(WebSession, Principal), Box<Response>> {
    let (session, principal) =
        signed_in(st, headers).map_err(|f| Box::new(f.respond(lang, None)))?;
    if !principal.is_admin() {
        return Err(Box::new(admin_only(lang, &session)));
    }
    Ok((session, principal))
}

fn notice(lang: Lang, params: &HashMap<String, String>) -> String {
    let text = match params.get("done").map(String::as_str) {
        Some("added") => DONE_ADDED,
        Some("assigned") => DONE_ASSIGNED,
        Some("disabled") => DONE_DISABLED,
        Some("password") => DONE_PASSWORD,
        Some("revoked") => DONE_REVOKED,
        _ => return String::new(),
    };
    format!(
        r#"<p id="notice" class="notice" data-testid="notice">{}</p>"#,
        lang.t(text)
    )
}

fn csrf_field(s: &WebSession) -> String {
    format!(
        r#"<input type="hidden" name="csrf" value="{}">"#,
        esc(&s.csrf)
    )
}

/// Every area (not Posyandu) of the replica, for labels and the list of ids.
/// The areas an admin assigns (no Posyandu), and each area's code (see [`area_codes`]), from one
/// catch-up of the replica.
pub(super) fn area_choices(
    st: &AppState,
    dash: &Dashboard,
    admin: &Principal,
) -> Result<(Vec<AreaChoice>, HashMap<String, String>), Fail> {
    let store = dash.replica.current(st.clock.now_ms())?;
    let choices = access::choices(&store, admin)?
        .into_iter()
        .filter(|c| c.level != "posyandu")
        .collect();
    Ok((choices, area_codes(&store)?))
}

/// Each area's code as an admin types it and [`Admin::assign`] reads it, by area id: the
/// Kemendagri code of a kelurahan (`53.71.03.1010`), with the RW and RT numbers below it
/// (`53.71.03.1010/001/002`). People read these; nobody should have to copy a UUID.
fn area_codes(store: &ilp_store::Store) -> Result<HashMap<String, String>, Fail> {
    let tree = store.read(ilp_store::areas::area_tree)?;
    let by_id: HashMap<_, _> = tree.iter().map(|a| (a.id, a)).collect();
    let code_of = |a: &ilp_model::Area| -> String {
        let mut parts = vec![a.code.clone()];
        let mut at = a;
        while matches!(
            at.level,
            ilp_model::AreaLevel::Rw | ilp_model::AreaLevel::Rt
        ) {
            match at.parent.and_then(|p| by_id.get(&p)) {
                Some(parent) => {
                    parts.push(parent.code.clone());
                    at = parent;
                }
                None => break,
            }
        }
        parts.reverse();
        parts.join("/")
    };
    Ok(tree
        .iter()
        .map(|a| (a.id.to_string(), code_of(a)))
        .collect())
}

fn users_html(
    lang: Lang,
    s: &WebSession,
    users: &[(UserRow, Vec<String>)],
    areas: &[AreaChoice],
    codes: &HashMap<String, String>,
    params: &HashMap<String, String>,
    query: &str,
) -> String {
    let label: HashMap<&str, &str> = areas
        .iter()
        .map(|c| (c.key.as_str(), c.label.as_str()))
        .collect();
    let code = |id: &str| codes.get(id).map_or(id, String::as_str).to_string();
    let csrf = csrf_field(s);
    let mut rows = String::new();
    for (u, ids) in users {
        let labels = ids
            .iter()
            .map(|i| label.get(i.as_str()).copied().unwrap_or(i.as_str()))
            .map(esc)
            .collect::<Vec<_>>()
            .join("<br>");
        let name = esc(&u.username);
        rows.push_str(&format!(
            r#"<tr data-testid="user-row" data-user="{name}" data-role="{role}" data-active="{active}">
<td class="name">{display}<div class="muted">{name}</div></td><td data-testid="user-role" data-label="{role_l}">{role}</td>
<td data-testid="user-status" data-label="{status_l}">{status}</td>
<td data-testid="user-areas" data-area-ids="{ids}" data-label="{areas_l}">{labels}</td>
<td class="admin-actions">
<form method="post" action="/dashboard/admin/users/assign" class="inline">{csrf}<input type="hidden" name="username" value="{name}"><input name="areas" aria-label="{assign}" value="{codes}"><button type="submit" data-testid="assign">{assign}</button></form>
<form method="post" action="/dashboard/admin/users/password" class="inline">{csrf}<input type="hidden" name="username" value="{name}"><input name="password" type="password" autocomplete="new-password" aria-label="{reset}"><button type="submit" data-testid="reset-password">{reset}</button></form>
{disable}
</td></tr>"#,
            role = esc(&u.role),
            role_l = lang.t(ROLE),
            status_l = lang.t(STATUS),
            areas_l = lang.t(AREAS),
            active = u.active,
            display = esc(&u.display_name),
            ids = esc(&ids.join(" ")),
            codes = esc(&ids.iter().map(|i| code(i)).collect::<Vec<_>>().join(", ")),
            status = lang.t(if u.active { ACTIVE } else { DISABLED }),
            assign = lang.t(ASSIGN),
            reset = lang.t(RESET),
            disable = if u.username == s.user.username {
                // No button to lock oneself out; the server refuses it anyway (`disable`).
                format!(r#"<span class="muted" data-testid="self">{}</span>"#, lang.t(YOURSELF))
            } else if u.active {
                format!(
                    r#"<form method="post" action="/dashboard/admin/users/disable" class="inline">{csrf}<input type="hidden" name="username" value="{name}"><button type="submit" data-testid="disable">{}</button></form>"#,
                    lang.t(DISABLE)
                )
            } else {
                String::new()
            },
        ));
    }
    let keys: String = areas
        .iter()
        .map(|c| {
            format!(
                r#"<tr data-testid="area-key" data-level="{level}" data-id="{id}"><td><code>{code}</code></td><td>{label}</td></tr>"#,
                level = c.level,
                id = esc(&c.key),
                code = esc(&code(&c.key)),
                label = esc(&c.label)
            )
        })
        .collect();
    let role_options: String = ["kader", "bidan", "supervisor", "admin"]
        .iter()
        .map(|r| format!(r#"<option value="{r}">{r}</option>"#))
        .collect();
    let body = format!(
        r#"<h1 id="page-title">{title}</h1>
{notice}
<form id="add-user-form" class="filter" method="post" action="/dashboard/admin/users/add">{csrf}
<label for="new-username">{user_l}<input id="new-username" name="username" autocomplete="off"></label>
<label for="new-display-name">{name_l}<input id="new-display-name" name="display_name"></label>
<label for="new-role">{role_l}<select id="new-role" name="role">{role_options}</select></label>
<label for="new-areas">{areas_l}<input id="new-areas" name="areas" placeholder="{hint}"></label>
<label for="new-password">{pw_l}<input id="new-password" name="password" type="password" autocomplete="new-password"></label>
<button id="add-user" type="submit">{add}</button>
</form>
{links}
<div class="table-wrap"><table id="users-table" class="stack" data-testid="users-table">
<thead><tr><th>{name_l}</th><th>{role_l}</th><th>{status_l}</th><th>{areas_l}</th><th></th></tr></thead>
<tbody>{rows}</tbody></table></div>
<details id="area-keys"><summary>{keys_l}</summary><div class="table-wrap"><table>{keys}</table></div></details>"#,
        title = lang.t(USERS_TITLE),
        notice = notice(lang, params),
        user_l = lang.t(i18n::USERNAME),
        name_l = lang.t(NAME),
        role_l = lang.t(ROLE),
        areas_l = lang.t(AREAS),
        hint = lang.t(AREAS_HINT),
        pw_l = lang.t(i18n::PASSWORD),
        add = lang.t(ADD_USER),
        status_l = lang.t(STATUS),
        keys_l = lang.t(AREA_KEYS),
        links = super::export::links(lang, "/dashboard/export/users", "", "export-users"),
    );
    page(
        lang,
        lang.t(USERS_TITLE),
        ("/dashboard/admin/users", query),
        Some(&header(s)),
        &body,
    )
}

fn devices_html(
    lang: Lang,
    s: &WebSession,
    devices: &[(DeviceRow, String)],
    offset: time::UtcOffset,
    params: &HashMap<String, String>,
    query: &str,
) -> String {
    let csrf = csrf_field(s);
    let mut rows = String::new();
    for (d, user) in devices {
        let id = esc(&d.id);
        rows.push_str(&format!(
            r#"<tr data-testid="device-row" data-device="{id}" data-user="{user}" data-revoked="{revoked}">
<td>{user}</td><td><code>{id}</code><div class="muted">{name}</div></td>
<td class="opt">{registered}</td><td data-testid="last-sync">{sync}</td>
<td data-testid="device-status">{status}</td><td>{action}</td></tr>"#,
            user = esc(user),
            revoked = d.revoked_at.is_some(),
            name = esc(d.name.as_deref().unwrap_or_default()),
            registered = when(d.registered_at, offset),
            sync = d
                .last_seen_at
                .map(|ms| when(ms, offset))
                .unwrap_or_else(|| lang.t(NEVER).to_string()),
            status = match d.revoked_at {
                Some(at) => format!("{} {}", lang.t(REVOKED), when(at, offset)),
                None => lang.t(ACTIVE).to_string(),
            },
            action = if d.revoked_at.is_none() {
                format!(
                    r#"<form method="post" action="/dashboard/admin/devices/revoke" class="inline">{csrf}<input type="hidden" name="device" value="{id}"><button type="submit" data-testid="revoke">{}</button></form>"#,
                    lang.t(REVOKE)
                )
            } else {
                String::new()
            },
        ));
    }
    let body = format!(
        r#"<h1 id="page-title">{title}</h1>
{notice}
{links}
<div class="table-wrap"><table id="devices-table" data-testid="devices-table">
<thead><tr><th>{user_l}</th><th>{dev_l}</th><th class="opt">{reg_l}</th><th>{sync_l}</th><th>{status_l}</th><th></th></tr></thead>
<tbody>{rows}</tbody></table></div>"#,
        title = lang.t(DEVICES_TITLE),
        notice = notice(lang, params),
        user_l = lang.t(i18n::USERNAME),
        dev_l = lang.t(DEVICE),
        reg_l = lang.t(REGISTERED),
        sync_l = lang.t(LAST_SYNC),
        status_l = lang.t(STATUS),
        links = super::export::links(lang, "/dashboard/export/devices", "", "export-devices"),
    );
    page(
        lang,
        lang.t(DEVICES_TITLE),
        ("/dashboard/admin/devices", query),
        Some(&header(s)),
        &body,
    )
}

/// Serves an administration page ([`signed_in_admin`] first).
async fn admin_page(
    st: Arc<AppState>,
    headers: HeaderMap,
    params: HashMap<String, String>,
    raw: Option<String>,
    build: impl FnOnce(&(WebSession, Principal), &PageRequest) -> std::result::Result<String, Fail>
    + Send
    + 'static,
) -> Response {
    let check = move |h: &HeaderMap, req: &PageRequest| match signed_in_admin(&st, h, req.lang) {
        Ok(admin) => {
            let session = admin.0.clone();
            Ok((admin, session))
        }
        Err(refused) => Err(refused),
    };
    serve_page(headers, params, raw, check, build).await
}

pub async fn users_page(
    State(st): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(params): Params,
    RawQuery(raw): RawQuery,
) -> Response {
    let s = st.clone();
    admin_page(
        st,
        headers,
        params,
        raw,
        move |(session, principal), req| {
            let users = admin_of(&s).users()?;
            let (areas, codes) = area_choices(&s, &d, principal)?;
            Ok(users_html(
                req.lang,
                session,
                &users,
                &areas,
                &codes,
                &req.params,
                &req.query,
            ))
        },
    )
    .await
}

pub async fn devices_page(
    State(st): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(params): Params,
    RawQuery(raw): RawQuery,
) -> Response {
    let s = st.clone();
    admin_page(st, headers, params, raw, move |(session, _), req| {
        let devices = admin_of(&s).devices()?;
        let offset = d.replica.current(s.clock.now_ms())?.utc_offset();
        Ok(devices_html(
            req.lang,
            session,
            &devices,
            offset,
            &req.params,
            &req.query,
        ))
    })
    .await
}

fn field(form: &HashMap<String, String>, name: &str) -> String {
    form.get(name)
        .map(|v| v.trim().to_string())
        .unwrap_or_default()
}

fn area_list(raw: &str) -> Vec<String> {
    raw.split([',', ' ', '\n', ';'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect()
}

/// A refused admin command as an error naming its field; anything else is the server's failure.
fn as_field(e: Error, field: impl Fn(&str) -> &'static str) -> Fail {
    match e {
        Error::Usage(msg) => Fail::Field(field(&msg).into(), msg),
        other => Fail::Internal(other),
    }
}

/// One admin form's action: checks its fields (the signed-in admin's own username given, for
/// what an admin may not do to themself) and calls the CLI's admin function.
type Act = fn(&Admin<'_>, &HashMap<String, String>, Lang, &str) -> std::result::Result<(), Fail>;

/// One admin POST: admin session, CSRF, then `act`; redirects to `back?done=<done>`.
async fn post(
    st: std::sync::Arc<AppState>,
    headers: HeaderMap,
    form: HashMap<String, String>,
    back: &'static str,
    done: &'static str,
    act: Act,
) -> Response {
    let lang = session::lang(&headers, None);
    blocking(move || {
        let (session, _) = match signed_in_admin(&st, &headers, lang) {
            Ok(x) => x,
            Err(r) => return *r,
        };
        if let Err(f) = check_csrf(&session, &form) {
            return fail_page(lang, f, Some(session));
        }
        match act(&admin_of(&st), &form, lang, &session.user.username) {
            Ok(()) => {
                tracing::info!(admin = %session.user.id, action = done, "dashboard admin");
                redirect(&format!("{back}?done={done}"))
            }
            Err(f) => fail_page(lang, f, Some(session)),
        }
    })
    .await
}

fn required(
    form: &HashMap<String, String>,
    name: &'static str,
    lang: Lang,
) -> Result<String, Fail> {
    let v = field(form, name);
    if v.is_empty() {
        return Err(Fail::Field(name.into(), lang.t(REQUIRED).into()));
    }
    Ok(v)
}

fn add(
    admin: &Admin<'_>,
    form: &HashMap<String, String>,
    lang: Lang,
    _me: &str,
) -> Result<(), Fail> {
    let username = required(form, "username", lang)?;
    let role = required(form, "role", lang)?;
    let password = form.get("password").cloned().unwrap_or_default();
    if password.is_empty() {
        return Err(Fail::Field("password".into(), lang.t(REQUIRED).into()));
    }
    let display = match field(form, "display_name") {
        d if d.is_empty() => username.clone(),
        d => d,
    };
    admin
        .add_user(
            &username,
            &display,
            &role,
            &area_list(&field(form, "areas")),
            &password,
        )
        .map(|_| ())
        .map_err(|e| {
            as_field(e, |m| {
                if m.starts_with("username") || m.starts_with("user ") {
                    "username"
                } else if m.starts_with("role") {
                    "role"
                } else if m.starts_with("password") {
                    "password"
                } else {
                    "areas"
                }
            })
        })
}

fn assign(
    admin: &Admin<'_>,
    form: &HashMap<String, String>,
    lang: Lang,
    _me: &str,
) -> Result<(), Fail> {
    let username = required(form, "username", lang)?;
    admin
        .assign(&username, &area_list(&field(form, "areas")))
        .map_err(|e| {
            as_field(e, |m| {
                if m.starts_with("no user") {
                    "username"
                } else {
                    "areas"
                }
            })
        })
}

fn disable(
    admin: &Admin<'_>,
    form: &HashMap<String, String>,
    lang: Lang,
    me: &str,
) -> Result<(), Fail> {
    let username = required(form, "username", lang)?;
    // An admin who disables themself is logged out at once and, if the last admin, leaves nobody
    // to undo it.
    if username == me {
        return Err(Fail::Field("username".into(), lang.t(NOT_YOURSELF).into()));
    }
    admin
        .disable(&username)
        .map_err(|e| as_field(e, |_| "username"))
}

fn password(
    admin: &Admin<'_>,
    form: &HashMap<String, String>,
    lang: Lang,
    _me: &str,
) -> Result<(), Fail> {
    let username = required(form, "username", lang)?;
    let password = form.get("password").cloned().unwrap_or_default();
    if password.chars().count() < 4 {
        return Err(Fail::Field(
            "password".into(),
            lang.t((
                "paling sedikit 4 karakter",
                "must have at least 4 characters",
            ))
            .into(),
        ));
    }
    admin
        .set_password(&username, &password)
        .map_err(|e| as_field(e, |_| "username"))
}

fn revoke(
    admin: &Admin<'_>,
    form: &HashMap<String, String>,
    lang: Lang,
    _me: &str,
) -> Result<(), Fail> {
    let device = required(form, "device", lang)?;
    admin
        .revoke_device(&device)
        .map(|_| ())
        .map_err(|e| as_field(e, |_| "device"))
}

pub async fn add_user(
    State(st): Shared,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    post(st, headers, form, "/dashboard/admin/users", "added", add).await
}

pub async fn assign_areas(
    State(st): Shared,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    post(
        st,
        headers,
        form,
        "/dashboard/admin/users",
        "assigned",
        assign,
    )
    .await
}

pub async fn disable_user(
    State(st): Shared,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    post(
        st,
        headers,
        form,
        "/dashboard/admin/users",
        "disabled",
        disable,
    )
    .await
}

pub async fn reset_password(
    State(st): Shared,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    post(
        st,
        headers,
        form,
        "/dashboard/admin/users",
        "password",
        password,
    )
    .await
}

pub async fn revoke_device(
    State(st): Shared,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    post(
        st,
        headers,
        form,
        "/dashboard/admin/devices",
        "revoked",
        revoke,
    )
    .await
}
