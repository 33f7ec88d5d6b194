//! The supervisor dashboard, served by the sync server itself under `/dashboard`: login with the
//! sync API's users, the coverage table of an area and month with targets and a 12-month trend,
//! the drill-down from any number to the persons and households behind it, and CSV/XLSX exports.
//! Every figure is read from a replica `ilp_store::Store` (see [`replica`]) with the store's and
//! the rules' own code: the server computes no indicator of its own.
//!
//! One file per concern: [`session`] (cookies, CSRF), [`access`] (scope), [`figures`] (coverage
//! and trend), [`targets`], [`drill`], [`export`], [`pages`] and [`html`] (markup), [`i18n`];
//! the action lists ([`lists`], with the due-item lists in [`overdue`]), [`activity`], and the
//! admin pages ([`admin_pages`]) with their exports ([`admin_export`]).

pub mod access;
pub mod activity;
pub mod admin_export;
pub mod admin_pages;
pub mod drill;
pub mod export;
pub mod figures;
pub mod html;
pub mod i18n;
pub mod lists;
pub mod overdue;
pub mod pages;
pub mod replica;
pub mod session;
pub mod targets;

use crate::error::{Error, Result};
use crate::http::AppState;
use crate::scope::Principal;
use access::{AreaChoice, Resolved};
use axum::extract::{Extension, Path, Query, RawQuery, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use html::{Header, esc, message_page, respond};
use i18n::Lang;
use session::WebSession;
use std::collections::HashMap;
use std::sync::Arc;
use time::Date;

/// The dashboard's own state beside the server's.
pub struct Dashboard {
    pub replica: replica::Replica,
}

type Shared = State<Arc<AppState>>;
type Dash = Extension<Arc<Dashboard>>;
type Params = Query<HashMap<String, String>>;

/// The dashboard's routes, merged into the server's router.
pub fn router(state: &Arc<AppState>) -> Router<Arc<AppState>> {
    let dash = Arc::new(Dashboard {
        replica: replica::Replica::new(state.db.clone(), state.config.data_dir.clone()),
    });
    Router::new()
        .route("/dashboard", get(home))
        .route("/dashboard/", get(home))
        .route("/dashboard/style.css", get(style))
        .route("/dashboard/login", get(login_form).post(login_submit))
        .route("/dashboard/logout", post(logout))
        .route("/dashboard/coverage", get(coverage_page))
        .route("/dashboard/coverage/{indicator}", get(drill_page))
        .route("/dashboard/targets", post(save_targets))
        .route("/dashboard/export/coverage.csv", get(export_coverage_csv))
        .route("/dashboard/export/coverage.xlsx", get(export_coverage_xlsx))
        .route("/dashboard/export/list.csv", get(export_list_csv))
        .route("/dashboard/export/list.xlsx", get(export_list_xlsx))
        .route("/dashboard/lists", get(lists::lists_page))
        .route(
            "/dashboard/export/actions.csv",
            get(lists::export_actions_csv),
        )
        .route(
            "/dashboard/export/actions.xlsx",
            get(lists::export_actions_xlsx),
        )
        .route("/dashboard/activity", get(activity::activity_page))
        .route(
            "/dashboard/export/activity.csv",
            get(activity::export_activity_csv),
        )
        .route(
            "/dashboard/export/activity.xlsx",
            get(activity::export_activity_xlsx),
        )
        .route(
            "/dashboard/export/users.csv",
            get(admin_export::export_users_csv),
        )
        .route(
            "/dashboard/export/users.xlsx",
            get(admin_export::export_users_xlsx),
        )
        .route(
            "/dashboard/export/devices.csv",
            get(admin_export::export_devices_csv),
        )
        .route(
            "/dashboard/export/devices.xlsx",
            get(admin_export::export_devices_xlsx),
        )
        .route("/dashboard/admin/users", get(admin_pages::users_page))
        .route("/dashboard/admin/users/add", post(admin_pages::add_user))
        .route(
            "/dashboard/admin/users/assign",
            post(admin_pages::assign_areas),
        )
        .route(
            "/dashboard/admin/users/disable",
            post(admin_pages::disable_user),
        )
        .route(
            "/dashboard/admin/users/password",
            post(admin_pages::reset_password),
        )
        .route("/dashboard/admin/devices", get(admin_pages::devices_page))
        .route(
            "/dashboard/admin/devices/revoke",
            post(admin_pages::revoke_device),
        )
        .layer(Extension(dash))
}

/// Catches the replica up once (at startup, so the first page is quick).
pub fn prepare_replica(
    db: Arc<dyn crate::storage::Db>,
    data_dir: std::path::PathBuf,
    now_ms: i64,
) -> Result<()> {
    let r = replica::Replica::new(db, data_dir);
    let store = r.current(now_ms)?;
    store
        .close()
        .map_err(|e| Error::Usage(format!("dashboard replica: {e}")))
}

fn redirect(to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            LOCATION,
            HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/dashboard/coverage")),
        )],
    )
        .into_response()
}

fn with_cookie(mut r: Response, cookie: String) -> Response {
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().append(SET_COOKIE, v);
    }
    r
}

/// The raw query without `lang` (kept by the language switch) and the language chosen.
fn lang_and_query(
    headers: &HeaderMap,
    params: &HashMap<String, String>,
    raw: Option<&str>,
) -> (Lang, String) {
    let lang = session::lang(headers, params.get("lang").map(String::as_str));
    let query = raw
        .unwrap_or_default()
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("lang=") && !kv.starts_with("saved="))
        .collect::<Vec<_>>()
        .join("&");
    (lang, query)
}

/// Remembers a language chosen with `?lang=`.
fn remember_lang(headers: &HeaderMap, params: &HashMap<String, String>, r: Response) -> Response {
    match params.get("lang").map(String::as_str).and_then(Lang::parse) {
        Some(l) => with_cookie(
            r,
            session::set_cookie(headers, session::LANG_COOKIE, l.code(), 365 * 86400),
        ),
        None => r,
    }
}

async fn blocking(f: impl FnOnce() -> Response + Send + 'static) -> Response {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// What a page's builder gets besides its context: the language, the query to keep in links,
/// and the request's parameters.
struct PageRequest {
    lang: Lang,
    query: String,
    params: HashMap<String, String>,
}

/// Serves a page, signed-in check first (`check`, which answers with its own response on
/// refusal), then `build` with what the check gave, in a blocking thread. A failed build shows the
/// error page under the user's header; a `?lang=` choice is remembered.
async fn serve_page<T: Send + 'static>(
    headers: HeaderMap,
    params: HashMap<String, String>,
    raw: Option<String>,
    check: impl FnOnce(&HeaderMap, &PageRequest) -> std::result::Result<(T, WebSession), Box<Response>>
    + Send
    + 'static,
    build: impl FnOnce(&T, &PageRequest) -> std::result::Result<String, Fail> + Send + 'static,
) -> Response {
    let (lang, query) = lang_and_query(&headers, &params, raw.as_deref());
    let req = PageRequest {
        lang,
        query,
        params: params.clone(),
    };
    let h = headers.clone();
    let r = blocking(move || {
        let (checked, session) = match check(&h, &req) {
            Ok(x) => x,
            Err(refused) => return *refused,
        };
        match build(&checked, &req) {
            Ok(html) => respond(StatusCode::OK, html),
            Err(f) => fail_page(lang, f, Some(session)),
        }
    })
    .await;
    remember_lang(&headers, &params, r)
}

/// Serves a page of one area and month ([`context`] first).
async fn area_page(
    s: Arc<AppState>,
    d: Arc<Dashboard>,
    headers: HeaderMap,
    params: HashMap<String, String>,
    raw: Option<String>,
    build: impl FnOnce(&Ctx, &PageRequest) -> std::result::Result<String, Fail> + Send + 'static,
) -> Response {
    let check = move |h: &HeaderMap, req: &PageRequest| match context(&s, &d, h, &req.params) {
        Ok(ctx) => {
            let session = ctx.session.clone();
            Ok((ctx, session))
        }
        Err(e) => Err(Box::new(fail_page(req.lang, e.0, e.1))),
    };
    serve_page(headers, params, raw, check, build).await
}

async fn home() -> Response {
    redirect("/dashboard/coverage")
}

async fn style() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        html::STYLE,
    )
        .into_response()
}

/// Why a page cannot be shown.
enum Fail {
    Login,
    Forbidden,
    Csrf,
    Field(String, String),
    NoArea,
    NotFound,
    Internal(Error),
}

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        Fail::Internal(e)
    }
}

impl From<ilp_store::StoreError> for Fail {
    fn from(e: ilp_store::StoreError) -> Self {
        Fail::Internal(Error::Usage(format!("dashboard store: {e}")))
    }
}

impl Fail {
    fn respond(self, lang: Lang, header: Option<&Header<'_>>) -> Response {
        match self {
            Fail::Login => redirect("/dashboard/login"),
            Fail::Forbidden => message_page(
                lang,
                StatusCode::FORBIDDEN,
                lang.t(i18n::FORBIDDEN_TITLE),
                lang.t(i18n::FORBIDDEN_AREA),
                "forbidden",
                header,
            ),
            Fail::Csrf => message_page(
                lang,
                StatusCode::FORBIDDEN,
                lang.t(i18n::FORBIDDEN_TITLE),
                lang.t(i18n::FORBIDDEN_CSRF),
                "csrf-refused",
                header,
            ),
            Fail::Field(field, reason) => message_page(
                lang,
                StatusCode::BAD_REQUEST,
                lang.t(i18n::ERROR_TITLE),
                &format!("{field}: {reason}"),
                "error",
                header,
            ),
            Fail::NoArea => message_page(
                lang,
                StatusCode::FORBIDDEN,
                lang.t(i18n::FORBIDDEN_TITLE),
                lang.t(i18n::NO_AREA),
                "no-area",
                header,
            ),
            Fail::NotFound => message_page(
                lang,
                StatusCode::NOT_FOUND,
                lang.t(i18n::ERROR_TITLE),
                lang.t(i18n::NOT_FOUND),
                "not-found",
                header,
            ),
            Fail::Internal(e) => {
                tracing::error!(error = %e, "dashboard request failed");
                message_page(
                    lang,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    lang.t(i18n::ERROR_TITLE),
                    "the server failed; try again later",
                    "error",
                    header,
                )
            }
        }
    }
}

/// What every page of an area and month needs, once the session and the scope are checked.
struct Ctx {
    session: WebSession,
    principal: Principal,
    store: Arc<ilp_store::Store>,
    choices: Vec<AreaChoice>,
    choice: AreaChoice,
    month: Date,
    today: Date,
    now_ms: i64,
}

impl Ctx {
    fn header(&self) -> Header<'_> {
        Header {
            display_name: &self.session.user.display_name,
            role: &self.session.user.role,
            csrf: &self.session.csrf,
        }
    }
}

fn signed_in(
    st: &AppState,
    headers: &HeaderMap,
) -> std::result::Result<(WebSession, Principal), Fail> {
    let now = st.clock.now_ms();
    let session = session::authenticate(st.db.as_ref(), headers, now)?.ok_or(Fail::Login)?;
    let principal = st
        .db
        .read(|tx| Ok(Principal::load(tx, &session.user.id, &session.user.role)?))?;
    Ok((session, principal))
}

/// Session, scope, area and month of a page or export; `Err` carries the session (if any) for
/// the error page's header.
fn context(
    st: &AppState,
    dash: &Dashboard,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> std::result::Result<Ctx, Box<(Fail, Option<WebSession>)>> {
    let (session, principal) = signed_in(st, headers).map_err(|f| Box::new((f, None)))?;
    let fail = |f: Fail| Box::new((f, Some(session.clone())));
    let now_ms = st.clock.now_ms();
    let store = dash.replica.current(now_ms).map_err(|e| fail(e.into()))?;
    let today = ilp_model::Timestamp::from_millis(now_ms).date_at(store.utc_offset());
    let mut choices = access::choices(&store, &principal).map_err(|e| fail(e.into()))?;
    if !principal.is_admin() {
        choices.retain(|c| matches!(c.level, "village" | "rw" | "rt" | "posyandu"));
    }
    let choice = match params
        .get("area")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        Some(key) => match access::resolve(&store, &principal, key).map_err(|e| fail(e.into()))? {
            Resolved::Allowed(c) => c,
            Resolved::Forbidden => return Err(fail(Fail::Forbidden)),
            Resolved::Unknown => {
                return Err(fail(Fail::Field(
                    "area".into(),
                    "names no area or Posyandu with RTs".into(),
                )));
            }
        },
        None => choices
            .iter()
            .find(|c| c.level == "village")
            .or_else(|| choices.first())
            .cloned()
            .ok_or_else(|| fail(Fail::NoArea))?,
    };
    let month = figures::parse_month(params.get("month").map(String::as_str), today)
        .map_err(|e| fail(Fail::Field(e.field.into(), e.reason)))?;
    Ok(Ctx {
        session,
        principal,
        store,
        choices,
        choice,
        month,
        today,
        now_ms,
    })
}

fn fail_page(lang: Lang, f: Fail, session: Option<WebSession>) -> Response {
    match &session {
        Some(s) => {
            let h = Header {
                display_name: &s.user.display_name,
                role: &s.user.role,
                csrf: &s.csrf,
            };
            f.respond(lang, Some(&h))
        }
        None => f.respond(lang, None),
    }
}

async fn login_form(
    State(s): Shared,
    headers: HeaderMap,
    Query(params): Params,
    RawQuery(raw): RawQuery,
) -> Response {
    let (lang, query) = lang_and_query(&headers, &params, raw.as_deref());
    let st = s.clone();
    let h = headers.clone();
    let r = blocking(move || {
        match session::authenticate(st.db.as_ref(), &h, st.clock.now_ms()) {
            Ok(Some(_)) => return redirect("/dashboard/coverage"),
            Ok(None) => {}
            Err(e) => return Fail::Internal(e).respond(lang, None),
        }
        let csrf = crate::auth::new_token(st.entropy.as_ref());
        let r = respond(StatusCode::OK, pages::login(lang, &csrf, None, "", &query));
        with_cookie(
            r,
            session::set_cookie(&h, session::LOGIN_CSRF_COOKIE, &csrf, 3600),
        )
    })
    .await;
    remember_lang(&headers, &params, r)
}

async fn login_submit(
    State(s): Shared,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = session::lang(&headers, None);
    let st = s.clone();
    blocking(move || {
        let cookie = session::cookie(&headers, session::LOGIN_CSRF_COOKIE).unwrap_or_default();
        let sent = form.get("csrf").cloned().unwrap_or_default();
        if !session::same_token(&cookie, &sent) {
            return Fail::Csrf.respond(lang, None);
        }
        let username = form
            .get("username")
            .map(|u| u.trim().to_string())
            .unwrap_or_default();
        let password = form.get("password").cloned().unwrap_or_default();
        let again = |msg: &str| {
            let csrf = crate::auth::new_token(st.entropy.as_ref());
            let r = respond(
                StatusCode::UNAUTHORIZED,
                pages::login(lang, &csrf, Some(msg), &username, ""),
            );
            with_cookie(
                r,
                session::set_cookie(&headers, session::LOGIN_CSRF_COOKIE, &csrf, 3600),
            )
        };
        if username.is_empty() {
            return again(&format!(
                "{}: {}",
                lang.t(i18n::USERNAME),
                lang.t(("wajib diisi", "is required"))
            ));
        }
        if password.is_empty() {
            return again(&format!(
                "{}: {}",
                lang.t(i18n::PASSWORD),
                lang.t(("wajib diisi", "is required"))
            ));
        }
        let user = match crate::auth::verify_user(st.db.as_ref(), &username, &password) {
            Ok(u) => u,
            Err(Error::Api(_)) => return again(lang.t(i18n::BAD_LOGIN)),
            Err(e) => return Fail::Internal(e).respond(lang, None),
        };
        match session::start(
            st.db.as_ref(),
            &user,
            st.entropy.as_ref(),
            st.clock.now_ms(),
        ) {
            Ok(id) => {
                tracing::info!(user = %user.id, "dashboard login");
                let r = redirect("/dashboard/coverage");
                let r = with_cookie(
                    r,
                    session::set_cookie(
                        &headers,
                        session::SESSION_COOKIE,
                        &id,
                        session::SESSION_LIFETIME_SECS,
                    ),
                );
                with_cookie(
                    r,
                    session::set_cookie(&headers, session::LOGIN_CSRF_COOKIE, "", 0),
                )
            }
            Err(e) => Fail::Internal(e).respond(lang, None),
        }
    })
    .await
}

fn check_csrf(
    session: &WebSession,
    form: &HashMap<String, String>,
) -> std::result::Result<(), Fail> {
    let sent = form.get("csrf").map(String::as_str).unwrap_or_default();
    if session::same_token(&session.csrf, sent) {
        Ok(())
    } else {
        Err(Fail::Csrf)
    }
}

async fn logout(
    State(s): Shared,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = session::lang(&headers, None);
    blocking(move || {
        let (session, _) = match signed_in(&s, &headers) {
            Ok(x) => x,
            Err(f) => return f.respond(lang, None),
        };
        if let Err(f) = check_csrf(&session, &form) {
            return fail_page(lang, f, Some(session));
        }
        if let Err(e) = session::end(s.db.as_ref(), &session, s.clock.now_ms()) {
            return Fail::Internal(e).respond(lang, None);
        }
        with_cookie(
            redirect("/dashboard/login"),
            session::set_cookie(&headers, session::SESSION_COOKIE, "", 0),
        )
    })
    .await
}

async fn save_targets(
    State(s): Shared,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = session::lang(&headers, None);
    blocking(move || {
        let (session, _) = match signed_in(&s, &headers) {
            Ok(x) => x,
            Err(f) => return f.respond(lang, None),
        };
        if let Err(f) = check_csrf(&session, &form) {
            return fail_page(lang, f, Some(session));
        }
        let parsed = match targets::parse_form(&form) {
            Ok(p) => p,
            Err((field, reason)) => {
                return fail_page(lang, Fail::Field(field, reason.into()), Some(session));
            }
        };
        if let Err(e) = targets::save(s.db.as_ref(), &session.user.id, &parsed) {
            return fail_page(lang, Fail::Internal(e), Some(session));
        }
        let q = |k: &str| form.get(k).map(|v| html::url(v.trim())).unwrap_or_default();
        redirect(&format!(
            "/dashboard/coverage?area={}&month={}&saved=1",
            q("area"),
            q("month")
        ))
    })
    .await
}

async fn coverage_page(
    State(s): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(params): Params,
    RawQuery(raw): RawQuery,
) -> Response {
    let st = s.clone();
    area_page(s, d, headers, params, raw, move |ctx, req| {
        let lang = req.lang;
        let f = figures::compute(&ctx.store, &ctx.choice, ctx.month, ctx.today)?;
        let t = targets::Targets::load(st.db.as_ref(), &ctx.session.user.id)?;
        Ok(pages::coverage(pages::CoverageArgs {
            lang,
            header: &ctx.header(),
            choices: &ctx.choices,
            figures: &f,
            targets: &t,
            query: &req.query,
            notice: req
                .params
                .contains_key("saved")
                .then(|| lang.t(i18n::TARGETS_SAVED)),
            max_month: figures::month_text(ctx.today),
        }))
    })
    .await
}

/// The drill-down list of an indicator's side, with what the page and the export both need.
fn drill_data(
    ctx: &Ctx,
    code: &str,
    params: &HashMap<String, String>,
) -> std::result::Result<
    (
        figures::Figures,
        ilp_rules::coverage::Indicator,
        drill::Side,
        Vec<drill::SubjectLine>,
    ),
    Fail,
> {
    let indicator = drill::indicator(code).ok_or(Fail::NotFound)?;
    let side = drill::Side::parse(params.get("side").map(String::as_str))
        .ok_or_else(|| Fail::Field("side".into(), "must be missing or counted".into()))?;
    let f = figures::compute(&ctx.store, &ctx.choice, ctx.month, ctx.today)?;
    let lines = drill::list(
        &ctx.store,
        &ctx.principal,
        &f.table,
        indicator,
        side,
        ctx.today,
    )?;
    Ok((f, indicator, side, lines))
}

async fn drill_page(
    State(s): Shared,
    Extension(d): Dash,
    Path(code): Path<String>,
    headers: HeaderMap,
    Query(params): Params,
    RawQuery(raw): RawQuery,
) -> Response {
    area_page(s, d, headers, params, raw, move |ctx, req| {
        let (f, indicator, side, lines) = drill_data(ctx, &code, &req.params)?;
        let path = format!("/dashboard/coverage/{}", indicator.code());
        Ok(pages::drill(pages::DrillArgs {
            lang: req.lang,
            header: &ctx.header(),
            choices: &ctx.choices,
            figures: &f,
            indicator,
            side,
            lines: &lines,
            path: &path,
            query: &req.query,
            max_month: figures::month_text(ctx.today),
        }))
    })
    .await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
}

fn file(format: Format, stem: &str, sheet: &export::Sheet) -> std::result::Result<Response, Fail> {
    let (body, mime, ext) = match format {
        Format::Csv => (
            export::to_csv(sheet).into_bytes(),
            "text/csv; charset=utf-8",
            "csv",
        ),
        Format::Xlsx => (
            export::to_xlsx(sheet)
                .map_err(|e| Fail::Internal(Error::Usage(format!("xlsx: {e}"))))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    Ok((
        [
            (CONTENT_TYPE, mime.to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.{ext}\"", esc(stem)),
            ),
            (CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

async fn export_coverage(
    st: Arc<AppState>,
    d: Arc<Dashboard>,
    headers: HeaderMap,
    params: HashMap<String, String>,
    format: Format,
) -> Response {
    let lang = session::lang(&headers, params.get("lang").map(String::as_str));
    blocking(move || {
        let ctx = match context(&st, &d, &headers, &params) {
            Ok(c) => c,
            Err(e) => return fail_page(lang, e.0, e.1),
        };
        let run = || -> std::result::Result<Response, Fail> {
            let f = figures::compute(&ctx.store, &ctx.choice, ctx.month, ctx.today)?;
            let t = targets::Targets::load(st.db.as_ref(), &ctx.session.user.id)?;
            let sheet = export::coverage_sheet(lang, &f, &t, ctx.now_ms);
            file(
                format,
                &format!("cakupan-{}", figures::month_text(f.month)),
                &sheet,
            )
        };
        run().unwrap_or_else(|f| fail_page(lang, f, Some(ctx.session.clone())))
    })
    .await
}

async fn export_list(
    st: Arc<AppState>,
    d: Arc<Dashboard>,
    headers: HeaderMap,
    params: HashMap<String, String>,
    format: Format,
) -> Response {
    let lang = session::lang(&headers, params.get("lang").map(String::as_str));
    blocking(move || {
        let ctx = match context(&st, &d, &headers, &params) {
            Ok(c) => c,
            Err(e) => return fail_page(lang, e.0, e.1),
        };
        let code = params.get("indicator").cloned().unwrap_or_default();
        let run = || -> std::result::Result<Response, Fail> {
            let (f, indicator, side, lines) = drill_data(&ctx, &code, &params)?;
            let sheet = export::list_sheet(lang, &f, indicator, side, &lines, ctx.now_ms);
            file(
                format,
                &format!(
                    "daftar-{}-{}-{}",
                    indicator.code(),
                    side.code(),
                    figures::month_text(f.month)
                ),
                &sheet,
            )
        };
        run().unwrap_or_else(|f| fail_page(lang, f, Some(ctx.session.clone())))
    })
    .await
}

async fn export_coverage_csv(
    State(s): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(p): Params,
) -> Response {
    export_coverage(s, d, headers, p, Format::Csv).await
}
async fn export_coverage_xlsx(
    State(s): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(p): Params,
) -> Response {
    export_coverage(s, d, headers, p, Format::Xlsx).await
}
async fn export_list_csv(
    State(s): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(p): Params,
) -> Response {
    export_list(s, d, headers, p, Format::Csv).await
}
async fn export_list_xlsx(
    State(s): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(p): Params,
) -> Response {
    export_list(s, d, headers, p, Format::Xlsx).await
}
