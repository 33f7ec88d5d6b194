//! Kader and bidan activity: for every kader and bidan whose assigned areas all lie in the viewer's
//! scope and touch the chosen area, the visits they recorded in the month (the replica's visits by
//! their recorder with voided visits left out, `ilp_store::activity::visits_recorded`), the
//! overdue items of their area as of today (the replica's own worklist, `Store::worklist`, items
//! whose status is overdue today, whatever the month), and for each of their devices the last sync
//! (the server's `device.last_seen_at`, set on every push, pull and token refresh) and the sync
//! items the server refused in the month (the `refusal` rows ingest writes, by when they were
//! refused). Nothing is recomputed here. The same table exports as XLSX and CSV.

use super::access::AreaChoice;
use super::export::{self, Cell, Sheet};
use super::figures::{first_of_month, month_text, months_before};
use super::html::{Header, esc, page, url};
use super::i18n::Lang;
use super::{
    Ctx, Dash, Fail, Format, Params, Shared, area_page, blocking, context, fail_page, file,
};
use crate::error::Result;
use crate::storage::Db;
use axum::extract::{Extension, Query, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use ilp_model::{AreaId, Timestamp};
use ilp_rules::due::DueStatus;
use ilp_store::Store;
use std::collections::{HashMap, HashSet};
use time::{Date, UtcOffset};

pub const ACTIVITY: (&str, &str) = ("Aktivitas kader", "Kader activity");
const TITLE: (&str, &str) = ("Aktivitas kader dan bidan", "Kader and bidan activity");
const USER: (&str, &str) = ("Pengguna", "User");
const ROLE: (&str, &str) = ("Peran", "Role");
const AREAS: (&str, &str) = ("Wilayah tugas", "Assigned areas");
const VISITS: (&str, &str) = ("Kunjungan dicatat", "Visits recorded");
const OVERDUE: (&str, &str) = (
    "Tugas terlambat di wilayahnya (per hari ini)",
    "Overdue items in their area (as of today)",
);
const DEVICES: (&str, &str) = ("Perangkat: sinkron terakhir", "Devices: last sync");
const REFUSED: (&str, &str) = (
    "Item sinkron ditolak bulan ini",
    "Sync items refused this month",
);
const NAME: (&str, &str) = ("Nama", "Name");
/// What the page and the export say about which figures follow the month and which do not.
const NOTE: (&str, &str) = (
    "Kunjungan dan item sinkron ditolak: dalam bulan yang dipilih. Tugas terlambat: keadaan per hari ini, apa pun bulan yang dipilih.",
    "Visits and refused sync items: in the month chosen. Overdue items: as of today, whatever the month chosen.",
);
const NEVER: (&str, &str) = ("belum pernah", "never");
const REVOKED: (&str, &str) = ("dicabut", "revoked");
const NONE: (&str, &str) = (
    "Tidak ada kader atau bidan di wilayah ini.",
    "No kader or bidan in this area.",
);

/// One device of a kader or bidan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceActivity {
    pub id: String,
    pub name: Option<String>,
    pub last_sync_ms: Option<i64>,
    pub revoked: bool,
    /// Sync items of this device refused in the month.
    pub refused: usize,
}

/// One row of the activity table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityRow {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub area_labels: Vec<String>,
    pub visits: u64,
    pub overdue: usize,
    pub devices: Vec<DeviceActivity>,
}

impl ActivityRow {
    pub fn refused(&self) -> usize {
        self.devices.iter().map(|d| d.refused).sum()
    }
}

/// Milliseconds of the month's first instant and of the next month's, at `offset`.
pub fn month_range(month: Date, offset: UtcOffset) -> (i64, i64) {
    let at = |d: Date| Timestamp::from_datetime(d.midnight().assume_offset(offset)).millis();
    let first = first_of_month(month);
    // `months_before` counts backwards; the next month is twelve before next year's same month.
    let next_year = first
        .replace_year(first.year() + 1)
        .expect("the first of a month exists a year later");
    (at(first), at(months_before(next_year, 11)))
}

/// The activity rows of `choice` for a viewer who may pick `choices`.
pub fn compute(
    db: &dyn Db,
    store: &Store,
    choices: &[AreaChoice],
    choice: &AreaChoice,
    month: Date,
    today: Date,
) -> Result<Vec<ActivityRow>> {
    let store_err = |e: ilp_store::StoreError| crate::error::Error::Usage(format!("activity: {e}"));
    let in_scope: HashMap<&str, &AreaChoice> =
        choices.iter().map(|c| (c.key.as_str(), c)).collect();
    let chosen: HashSet<AreaId> = choice.rts.iter().copied().collect();
    struct Person {
        user: crate::storage::UserRow,
        labels: Vec<String>,
        rts: Vec<AreaId>,
        devices: Vec<DeviceActivity>,
    }
    let (from, to) = month_range(month, store.utc_offset());
    let people: Vec<Person> = db.read(|tx| -> Result<Vec<Person>> {
        let devices = tx.devices()?;
        let refused: HashMap<String, i64> = tx.refusal_counts(from, to)?.into_iter().collect();
        let mut out = Vec::new();
        for user in tx.users()? {
            if !matches!(user.role.as_str(), "kader" | "bidan") {
                continue;
            }
            let areas = tx.user_areas(&user.id)?;
            let picked: Vec<&AreaChoice> = areas
                .iter()
                .filter_map(|a| in_scope.get(a.as_str()).copied())
                .collect();
            if areas.is_empty() || picked.len() != areas.len() {
                continue; // no area, or one outside the viewer's scope
            }
            let mut rts: Vec<AreaId> = picked.iter().flat_map(|c| c.rts.iter().copied()).collect();
            rts.sort();
            rts.dedup();
            if !rts.iter().any(|rt| chosen.contains(rt)) {
                continue;
            }
            let mut mine = Vec::new();
            for d in devices.iter().filter(|d| d.user_id == user.id) {
                let refused = refused.get(&d.id).copied().unwrap_or(0).max(0) as usize;
                mine.push(DeviceActivity {
                    id: d.id.clone(),
                    name: d.name.clone(),
                    last_sync_ms: d.last_seen_at,
                    revoked: d.revoked_at.is_some(),
                    refused,
                });
            }
            out.push(Person {
                labels: picked.iter().map(|c| c.label.clone()).collect(),
                user,
                rts,
                devices: mine,
            });
        }
        Ok(out)
    })?;
    let visits = store
        .read(|c| ilp_store::activity::visits_recorded(c, from, to))
        .map_err(store_err)?;
    let mut rows = Vec::with_capacity(people.len());
    for p in people {
        let list = store.worklist(&p.rts, today).map_err(store_err)?;
        let overdue = list
            .groups
            .iter()
            .flat_map(|g| &g.items)
            .filter(|(item, _)| matches!(item.status(today), DueStatus::Overdue))
            .count();
        rows.push(ActivityRow {
            visits: visits.get(&p.user.id).copied().unwrap_or(0),
            user_id: p.user.id,
            username: p.user.username,
            display_name: p.user.display_name,
            role: p.user.role,
            area_labels: p.labels,
            overdue,
            devices: p.devices,
        });
    }
    rows.sort_by(|a, b| (&a.role, &a.username).cmp(&(&b.role, &b.username)));
    Ok(rows)
}

/// A time as the viewer's clock shows it (the store's offset).
pub fn when(ms: i64, offset: UtcOffset) -> String {
    let t = Timestamp::from_millis(ms).to_datetime().to_offset(offset);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

pub struct ActivityArgs<'a> {
    pub lang: Lang,
    pub header: &'a Header<'a>,
    pub choices: &'a [AreaChoice],
    pub choice: &'a AreaChoice,
    pub month: Date,
    pub max_month: String,
    pub rows: &'a [ActivityRow],
    pub offset: UtcOffset,
    pub query: &'a str,
}

pub fn html(a: ActivityArgs<'_>) -> String {
    let lang = a.lang;
    let mut body = String::new();
    for r in a.rows {
        let devices = if r.devices.is_empty() {
            format!(r#"<span class="muted">{}</span>"#, lang.t(NEVER))
        } else {
            r.devices
                .iter()
                .map(|d| {
                    format!(
                        r#"<div data-testid="device" data-device="{id}">{name}: <span data-testid="last-sync">{sync}</span>{rev}</div>"#,
                        id = esc(&d.id),
                        name = esc(d.name.as_deref().unwrap_or(&d.id[..8.min(d.id.len())])),
                        sync = d
                            .last_sync_ms
                            .map(|ms| when(ms, a.offset))
                            .unwrap_or_else(|| lang.t(NEVER).to_string()),
                        rev = if d.revoked {
                            format!(r#" <span class="muted">({})</span>"#, lang.t(REVOKED))
                        } else {
                            String::new()
                        },
                    )
                })
                .collect::<Vec<_>>()
                .join("")
        };
        body.push_str(&format!(
            r#"<tr data-testid="activity-row" data-user="{user}" data-role="{role}">
<td>{name}<div class="muted">{user}</div></td><td class="opt">{role}</td><td class="opt">{areas}</td>
<td class="num" data-testid="visits">{visits}</td><td class="num" data-testid="overdue">{overdue}</td>
<td>{devices}</td><td class="num" data-testid="refused">{refused}</td></tr>"#,
            user = esc(&r.username),
            role = esc(&r.role),
            name = esc(&r.display_name),
            areas = esc(&r.area_labels.join("; ")),
            visits = r.visits,
            overdue = r.overdue,
            refused = r.refused(),
        ));
    }
    let table = if a.rows.is_empty() {
        format!(
            r#"<p id="activity-empty" class="muted">{}</p>"#,
            lang.t(NONE)
        )
    } else {
        format!(
            r#"<div class="table-wrap"><table id="activity-table" data-testid="activity-table">
<thead><tr><th>{u}</th><th class="opt">{ro}</th><th class="opt">{ar}</th><th>{v}</th><th>{o}</th><th>{d}</th><th>{rf}</th></tr></thead>
<tbody>{body}</tbody></table></div>"#,
            u = lang.t(USER),
            ro = lang.t(ROLE),
            ar = lang.t(AREAS),
            v = lang.t(VISITS),
            o = lang.t(OVERDUE),
            d = lang.t(DEVICES),
            rf = lang.t(REFUSED),
        )
    };
    let month = month_text(a.month);
    let content = format!(
        r#"<h1 id="page-title" data-area="{key}" data-month="{month}">{title}: {area} · {month}</h1>
{filter}
<p id="activity-note" class="muted">{note}</p>
{table}
{links}"#,
        key = esc(&a.choice.key),
        title = lang.t(TITLE),
        area = esc(&a.choice.label),
        note = lang.t(NOTE),
        links = export::links(
            lang,
            "/dashboard/export/activity",
            &format!("area={}&amp;month={}", url(&a.choice.key), url(&month)),
            "export-activity",
        ),
        filter = super::pages::filter_form(
            lang,
            a.choices,
            a.choice,
            &month,
            &a.max_month,
            "/dashboard/activity",
            "",
        ),
    );
    page(
        lang,
        lang.t(TITLE),
        ("/dashboard/activity", a.query),
        Some(a.header),
        &content,
    )
}

/// The rows of a page's or export's area and month.
fn rows_of(db: &dyn Db, ctx: &Ctx) -> Result<Vec<ActivityRow>> {
    compute(
        db,
        &ctx.store,
        &ctx.choices,
        &ctx.choice,
        ctx.month,
        ctx.today,
    )
}

pub async fn activity_page(
    State(s): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(params): Params,
    RawQuery(raw): RawQuery,
) -> Response {
    let st = s.clone();
    area_page(s, d, headers, params, raw, move |ctx, req| {
        let rows = rows_of(st.db.as_ref(), ctx)?;
        Ok(html(ActivityArgs {
            lang: req.lang,
            header: &ctx.header(),
            choices: &ctx.choices,
            choice: &ctx.choice,
            month: ctx.month,
            max_month: month_text(ctx.today),
            rows: &rows,
            offset: ctx.store.utc_offset(),
            query: &req.query,
        }))
    })
    .await
}

/// Devices as one cell: each device's name (or the start of its id), last sync, and whether it
/// was revoked.
fn devices_text(lang: Lang, r: &ActivityRow, offset: UtcOffset) -> String {
    r.devices
        .iter()
        .map(|d| {
            let mut s = format!(
                "{}: {}",
                d.name.as_deref().unwrap_or(&d.id[..8.min(d.id.len())]),
                d.last_sync_ms
                    .map(|ms| when(ms, offset))
                    .unwrap_or_else(|| lang.t(NEVER).to_string())
            );
            if d.revoked {
                s.push_str(&format!(" ({})", lang.t(REVOKED)));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The activity table as a sheet: the page's columns, with the area, month and generation time
/// and the note on which figures follow the month.
pub(super) fn sheet(lang: Lang, ctx: &Ctx, rows: &[ActivityRow]) -> Sheet {
    let mut heading = export::heading(
        lang,
        &ctx.choice.label,
        Some(&month_text(ctx.month)),
        ctx.now_ms,
    );
    heading.push((String::new(), lang.t(NOTE).into()));
    let offset = ctx.store.utc_offset();
    Sheet {
        name: lang.t(ACTIVITY).into(),
        heading,
        columns: vec![
            lang.t(USER).into(),
            lang.t(NAME).into(),
            lang.t(ROLE).into(),
            lang.t(AREAS).into(),
            lang.t(VISITS).into(),
            lang.t(OVERDUE).into(),
            lang.t(DEVICES).into(),
            lang.t(REFUSED).into(),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.username.clone().into(),
                    r.display_name.clone().into(),
                    r.role.clone().into(),
                    r.area_labels.join("; ").into(),
                    Cell::Num(r.visits as f64),
                    Cell::Num(r.overdue as f64),
                    devices_text(lang, r, offset).into(),
                    Cell::Num(r.refused() as f64),
                ]
            })
            .collect(),
    }
}

async fn export_activity(
    st: std::sync::Arc<crate::http::AppState>,
    d: std::sync::Arc<super::Dashboard>,
    headers: HeaderMap,
    params: HashMap<String, String>,
    format: Format,
) -> Response {
    let lang = super::session::lang(&headers, params.get("lang").map(String::as_str));
    blocking(move || {
        let ctx = match context(&st, &d, &headers, &params) {
            Ok(c) => c,
            Err(e) => return fail_page(lang, e.0, e.1),
        };
        let run = || -> std::result::Result<Response, Fail> {
            let rows = rows_of(st.db.as_ref(), &ctx)?;
            file(
                format,
                &format!("aktivitas-{}", month_text(ctx.month)),
                &sheet(lang, &ctx, &rows),
            )
        };
        run().unwrap_or_else(|f| fail_page(lang, f, Some(ctx.session.clone())))
    })
    .await
}

pub async fn export_activity_csv(
    State(s): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(p): Params,
) -> Response {
    export_activity(s, d, headers, p, Format::Csv).await
}

pub async fn export_activity_xlsx(
    State(s): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(p): Params,
) -> Response {
    export_activity(s, d, headers, p, Format::Xlsx).await
}
