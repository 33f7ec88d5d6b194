//! The admin lists as XLSX and CSV, for admins only like the pages (anyone else gets 403): users
//! with their role, areas (names, codes and ids) and status, and devices with their user, registration,
//! last sync and revocation. Each file is headed like every export: the area (the whole server:
//! these lists are not of one area), the generation time, and no month (they are not of one).

use super::activity::when;
use super::admin_pages::{
    ACTIVE, AREAS, DEVICE, DISABLED, LAST_SYNC, NAME, NEVER, REGISTERED, REVOKED, ROLE, STATUS,
    admin_of, area_choices, signed_in_admin,
};
use super::export::{self, Cell, Sheet};
use super::i18n::{self, Lang};
use super::{Dash, Dashboard, Fail, Format, Params, Shared, blocking, fail_page, file, session};
use crate::http::AppState;
use axum::extract::{Extension, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::Arc;

const ALL_AREAS: (&str, &str) = ("Semua wilayah", "All areas");
const AREA_CODES: (&str, &str) = ("Kode wilayah", "Area codes");
const AREA_IDS: (&str, &str) = ("Id wilayah", "Area ids");
const DEVICE_NAME: (&str, &str) = ("Nama perangkat", "Device name");
const REVOKED_AT: (&str, &str) = ("Dicabut pada", "Revoked at");

#[derive(Clone, Copy)]
enum List {
    Users,
    Devices,
}

fn users_sheet(
    st: &AppState,
    d: &Dashboard,
    lang: Lang,
    admin: &crate::scope::Principal,
) -> Result<Sheet, Fail> {
    let users = admin_of(st).users()?;
    let (choices, codes) = area_choices(st, d, admin)?;
    let label: HashMap<String, String> = choices.into_iter().map(|c| (c.key, c.label)).collect();
    let rows = users
        .iter()
        .map(|(u, ids)| {
            let labels: Vec<&str> = ids
                .iter()
                .map(|i| label.get(i).map_or(i.as_str(), String::as_str))
                .collect();
            let codes: Vec<&str> = ids
                .iter()
                .map(|i| codes.get(i).map_or(i.as_str(), String::as_str))
                .collect();
            vec![
                u.username.clone().into(),
                u.display_name.clone().into(),
                u.role.clone().into(),
                labels.join("; ").into(),
                codes.join("; ").into(),
                ids.join(" ").into(),
                lang.t(if u.active { ACTIVE } else { DISABLED }).into(),
            ]
        })
        .collect();
    Ok(Sheet {
        name: lang.t(super::admin_pages::USERS).into(),
        heading: export::heading(lang, lang.t(ALL_AREAS), None, st.clock.now_ms()),
        columns: vec![
            lang.t(i18n::USERNAME).into(),
            lang.t(NAME).into(),
            lang.t(ROLE).into(),
            lang.t(AREAS).into(),
            lang.t(AREA_CODES).into(),
            lang.t(AREA_IDS).into(),
            lang.t(STATUS).into(),
        ],
        rows,
    })
}

fn devices_sheet(st: &AppState, d: &Dashboard, lang: Lang) -> Result<Sheet, Fail> {
    let devices = admin_of(st).devices()?;
    let offset = d.replica.current(st.clock.now_ms())?.utc_offset();
    let rows = devices
        .iter()
        .map(|(dev, user)| {
            vec![
                user.clone().into(),
                dev.id.clone().into(),
                dev.name.clone().map_or(Cell::Empty, Cell::Text),
                when(dev.registered_at, offset).into(),
                dev.last_seen_at
                    .map_or_else(|| lang.t(NEVER).to_string(), |ms| when(ms, offset))
                    .into(),
                lang.t(if dev.revoked_at.is_some() {
                    REVOKED
                } else {
                    ACTIVE
                })
                .into(),
                dev.revoked_at
                    .map_or(Cell::Empty, |ms| Cell::Text(when(ms, offset))),
            ]
        })
        .collect();
    Ok(Sheet {
        name: lang.t(super::admin_pages::DEVICES).into(),
        heading: export::heading(lang, lang.t(ALL_AREAS), None, st.clock.now_ms()),
        columns: vec![
            lang.t(i18n::USERNAME).into(),
            lang.t(DEVICE).into(),
            lang.t(DEVICE_NAME).into(),
            lang.t(REGISTERED).into(),
            lang.t(LAST_SYNC).into(),
            lang.t(STATUS).into(),
            lang.t(REVOKED_AT).into(),
        ],
        rows,
    })
}

async fn export_list(
    st: Arc<AppState>,
    d: Arc<Dashboard>,
    headers: HeaderMap,
    params: HashMap<String, String>,
    list: List,
    format: Format,
) -> Response {
    let lang = session::lang(&headers, params.get("lang").map(String::as_str));
    blocking(move || {
        let (session, principal) = match signed_in_admin(&st, &headers, lang) {
            Ok(x) => x,
            Err(r) => return *r,
        };
        let run = || -> Result<Response, Fail> {
            let (sheet, stem) = match list {
                List::Users => (users_sheet(&st, &d, lang, &principal)?, "pengguna"),
                List::Devices => (devices_sheet(&st, &d, lang)?, "perangkat"),
            };
            file(format, stem, &sheet)
        };
        run().unwrap_or_else(|f| fail_page(lang, f, Some(session)))
    })
    .await
}

pub async fn export_users_csv(
    State(s): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(p): Params,
) -> Response {
    export_list(s, d, headers, p, List::Users, Format::Csv).await
}

pub async fn export_users_xlsx(
    State(s): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(p): Params,
) -> Response {
    export_list(s, d, headers, p, List::Users, Format::Xlsx).await
}

pub async fn export_devices_csv(
    State(s): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(p): Params,
) -> Response {
    export_list(s, d, headers, p, List::Devices, Format::Csv).await
}

pub async fn export_devices_xlsx(
    State(s): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(p): Params,
) -> Response {
    export_list(s, d, headers, p, List::Devices, Format::Xlsx).await
}
