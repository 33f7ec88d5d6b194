//! The HTTP face: routes, request handling (body decoding, authentication, then the storage
//! work on the blocking pool), response compression, and one log line plus metrics per request
//! with method, path, status, latency, user and device ids and counts: never bodies or names.

use crate::auth::{self, Session};
use crate::body;
use crate::clock::{Clock, Entropy};
use crate::config::Config;
use crate::error::{ApiError, Result};
use crate::feed;
use crate::ingest::{self, Ingest};
use crate::metrics::{self, Metrics};
use crate::scope::Principal;
use crate::storage::Db;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ilp_sync::protocol::{
    LoginRequest, MAX_PUSH_CHANGES, PROTOCOL_VERSION, PullRequest, PushRequest, PushResponse,
    SnapshotRequest,
};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Instant;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::Predicate as _;

/// What every handler shares.
pub struct AppState {
    pub db: Arc<dyn Db>,
    pub config: Config,
    pub clock: Arc<dyn Clock>,
    pub entropy: Arc<dyn Entropy>,
    pub metrics: Metrics,
}

type Shared = State<Arc<AppState>>;

/// Answers smaller than this go uncompressed.
const COMPRESS_FROM_BYTES: u16 = 1024;

/// Ids and counts a handler reports for the request's log line.
#[derive(Clone, Debug, Default)]
struct LogInfo {
    user: Option<String>,
    device: Option<String>,
    changes: Option<usize>,
    refused: Option<usize>,
}

fn with_log<T: serde::Serialize>(body: T, info: LogInfo) -> Response {
    let mut r = Json(body).into_response();
    r.extensions_mut().insert(info);
    r
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics_text))
        .route("/api/v1/login", post(login))
        .route("/api/v1/logout", post(logout))
        .route("/api/v1/push", post(push))
        .route("/api/v1/pull", post(pull))
        .route("/api/v1/snapshot", post(snapshot))
        .merge(crate::dashboard::router(&state))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
        })
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .zstd(true)
                .no_br()
                .no_deflate()
                // Small answers (an idle pull, a push acknowledgement) gain nothing from gzip:
                // its header and the extra response headers cost what it saves.
                .compress_when(
                    tower_http::compression::predicate::SizeAbove::new(COMPRESS_FROM_BYTES)
                        .and(tower_http::compression::predicate::NotForContentType::GRPC)
                        .and(tower_http::compression::predicate::NotForContentType::IMAGES)
                        .and(tower_http::compression::predicate::NotForContentType::SSE),
                ),
        )
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn observe(State(s): Shared, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = metrics::route(req.uri().path());
    let response = next.run(req).await;
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    s.metrics.request(route, status, elapsed.as_secs_f64());
    let info = response
        .extensions()
        .get::<LogInfo>()
        .cloned()
        .unwrap_or_default();
    if let Some(d) = &info.device {
        s.metrics.device_seen(d);
    }
    // The route label, not the raw path: a path could carry anything a client typed.
    tracing::info!(
        method = %method,
        path = route,
        status,
        latency_ms = elapsed.as_secs_f64() * 1000.0,
        user = info.user.as_deref().unwrap_or(""),
        device = info.device.as_deref().unwrap_or(""),
        changes = info.changes.unwrap_or(0),
        refused = info.refused.unwrap_or(0),
        "request"
    );
    response
}

/// Runs storage work on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> std::result::Result<T, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(_) => Err(ApiError::internal()),
    }
}

async fn health(State(s): Shared) -> Response {
    let db = s.db.clone();
    // A read proves the database answers, not only that the process runs.
    let ok = blocking(move || db.read(|tx| Ok(tx.feed_head(false)?))).await;
    let status = if ok.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(serde_json::json!({
            "status": if ok.is_ok() { "ok" } else { "unavailable" },
            "protocol": PROTOCOL_VERSION,
            "storage": s.db.backend(),
        })),
    )
        .into_response()
}

async fn metrics_text(State(s): Shared) -> Response {
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(),
    )
        .into_response()
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Authenticates in its own read transaction.
fn session(db: &dyn Db, header: Option<&str>, now_ms: i64) -> Result<Session> {
    db.read(|tx| auth::authenticate(tx, header, now_ms))
}

/// Marks the device seen at most every few minutes: a pull then costs no write.
fn touch_device(db: &dyn Db, s: &Session, now_ms: i64) -> Result<()> {
    if s.device_last_seen
        .is_none_or(|t| now_ms - t > 5 * 60 * 1000)
    {
        db.write(|tx| Ok(tx.set_device_seen(&s.device_id, now_ms)?))?;
    }
    Ok(())
}

async fn login(State(s): Shared, headers: HeaderMap, raw: axum::body::Body) -> Response {
    let req: LoginRequest = match body::json(&headers, raw).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let device = req.device_id.clone();
    let st = s.clone();
    let result = blocking(move || {
        auth::login(
            st.db.as_ref(),
            &req,
            st.clock.now_ms(),
            st.entropy.as_ref(),
            st.config.token_lifetime_secs,
        )
    })
    .await;
    match result {
        Ok(resp) => {
            Metrics::add(&s.metrics.logins_ok, 1);
            let info = LogInfo {
                user: Some(resp.user.id.clone()),
                device: Some(device),
                ..Default::default()
            };
            with_log(resp, info)
        }
        Err(e) => {
            Metrics::add(&s.metrics.logins_failed, 1);
            e.into_response()
        }
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn logout(State(s): Shared, headers: HeaderMap, raw: axum::body::Body) -> Response {
    let run = async {
        // The body is `{}`: nothing to check but its size and shape.
        let enc = body::encoding(&headers)?;
        let bytes = body::read(&headers, raw).await?;
        let text = body::decompress(enc, &bytes)?;
        if !text.iter().all(u8::is_ascii_whitespace) {
            serde_json::from_slice::<Empty>(&text)
                .map_err(|_| ApiError::malformed("body must be {}"))?;
        }
        let header = bearer(&headers);
        let st = s.clone();
        blocking(move || {
            let now = st.clock.now_ms();
            let session = session(st.db.as_ref(), header.as_deref(), now)?;
            st.db.write(|tx| auth::logout(tx, &session, now))?;
            Ok(session)
        })
        .await
    };
    match run.await {
        Ok(session) => with_log(
            serde_json::json!({}),
            LogInfo {
                user: Some(session.user.id),
                device: Some(session.device_id),
                ..Default::default()
            },
        ),
        Err(e) => e.into_response(),
    }
}

fn clock_skew(
    device_time_ms: i64,
    now_ms: i64,
    max_drift_ms: i64,
) -> std::result::Result<(), ApiError> {
    let off = device_time_ms - now_ms;
    if off.abs() > max_drift_ms {
        let direction = if off > 0 { "ahead of" } else { "behind" };
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "clock_skew",
            format!(
                "the phone's clock is {} minutes {direction} the server's; fix the date and time",
                off.abs() / 60_000
            ),
        ));
    }
    Ok(())
}

async fn push(State(s): Shared, headers: HeaderMap, raw: axum::body::Body) -> Response {
    let run = async {
        let req: PushRequest = body::json(&headers, raw).await?;
        if req.changes.len() > MAX_PUSH_CHANGES {
            return Err(ApiError::too_large(format!(
                "a push carries at most {MAX_PUSH_CHANGES} changes"
            )));
        }
        let header = bearer(&headers);
        let st = s.clone();
        blocking(move || {
            let now = st.clock.now_ms();
            let session = session(st.db.as_ref(), header.as_deref(), now)?;
            auth::check_device(&session, &req.device_id)?;
            clock_skew(req.device_time_ms, now, st.config.max_drift_ms)?;
            let outcome = st.db.write(|tx| {
                tx.set_device_seen(&session.device_id, now)?;
                let principal = Principal::load(tx, &session.user.id, &session.user.role)?;
                ingest::ingest(
                    tx,
                    &Ingest {
                        principal: &principal,
                        device: &session.device_id,
                        now_ms: now,
                        max_drift_ms: st.config.max_drift_ms,
                    },
                    &req.changes,
                )
            })?;
            Ok((session, outcome, req.changes.len()))
        })
        .await
    };
    match run.await {
        Ok((session, outcome, n)) => {
            Metrics::add(&s.metrics.changes_stored, outcome.stored as u64);
            Metrics::add(&s.metrics.changes_refused, outcome.refused_now as u64);
            Metrics::add(&s.metrics.changes_replayed, outcome.replayed as u64);
            let info = LogInfo {
                user: Some(session.user.id),
                device: Some(session.device_id),
                changes: Some(n),
                refused: Some(outcome.refused.len()),
            };
            with_log(
                PushResponse {
                    protocol: PROTOCOL_VERSION,
                    stored_through: outcome.stored_through,
                    refused: outcome.refused,
                },
                info,
            )
        }
        Err(e) => e.into_response(),
    }
}

async fn pull(State(s): Shared, headers: HeaderMap, raw: axum::body::Body) -> Response {
    let run = async {
        let req: PullRequest = body::json(&headers, raw).await?;
        let header = bearer(&headers);
        let st = s.clone();
        blocking(move || {
            let now = st.clock.now_ms();
            let session = session(st.db.as_ref(), header.as_deref(), now)?;
            auth::check_device(&session, &req.device_id)?;
            touch_device(st.db.as_ref(), &session, now)?;
            let page = st.db.read(|tx| {
                let principal = Principal::load(tx, &session.user.id, &session.user.role)?;
                feed::pull(
                    tx,
                    &principal,
                    &session.device_id,
                    req.cursor.as_deref(),
                    req.max_changes,
                    req.areas_digest.as_deref(),
                )
            })?;
            Ok((session, page))
        })
        .await
    };
    match run.await {
        Ok((session, page)) => {
            Metrics::add(&s.metrics.pull_pages, 1);
            Metrics::add(&s.metrics.pull_changes, page.changes.len() as u64);
            let info = LogInfo {
                user: Some(session.user.id),
                device: Some(session.device_id),
                changes: Some(page.changes.len()),
                refused: None,
            };
            with_log(page, info)
        }
        Err(e) => e.into_response(),
    }
}

async fn snapshot(State(s): Shared, headers: HeaderMap, raw: axum::body::Body) -> Response {
    let run = async {
        let req: SnapshotRequest = body::json(&headers, raw).await?;
        let header = bearer(&headers);
        let st = s.clone();
        blocking(move || {
            let now = st.clock.now_ms();
            let session = session(st.db.as_ref(), header.as_deref(), now)?;
            auth::check_device(&session, &req.device_id)?;
            touch_device(st.db.as_ref(), &session, now)?;
            let page = st.db.read(|tx| {
                let principal = Principal::load(tx, &session.user.id, &session.user.role)?;
                feed::snapshot(tx, &principal, &req)
            })?;
            Ok((session, page))
        })
        .await
    };
    match run.await {
        Ok((session, page)) => {
            Metrics::add(&s.metrics.snapshot_pages, 1);
            let info = LogInfo {
                user: Some(session.user.id),
                device: Some(session.device_id),
                changes: Some(page.records.len()),
                refused: None,
            };
            with_log(page, info)
        }
        Err(e) => e.into_response(),
    }
}

/// Starts tracing: JSON or text lines on stderr, `RUST_LOG` filtering (default `info`).
pub fn init_logging(format: crate::config::LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = match format {
        crate::config::LogFormat::Json => builder.json().try_init(),
        crate::config::LogFormat::Text => builder.try_init(),
    };
}
