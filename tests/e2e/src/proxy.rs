//! A fault-injecting HTTP proxy between devices and the server. Each request is forwarded
//! according to the next planned fault: passed through, lost before the server sees it, answered
//! by the server but the answer lost on the way back (the server committed, the device does not
//! know), or sent twice (a retry the device did not mean). Lost requests and answers reach the
//! device as `502`, which it treats like a dropped connection.

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    Pass,
    /// The request never reaches the server.
    LoseRequest,
    /// The server handles (and commits) it; the answer is lost.
    LoseAnswer,
    /// The server gets it twice; the device hears the second answer.
    Repeat,
}

struct Shared {
    upstream: String,
    http: reqwest::Client,
    plan: Mutex<VecDeque<Fault>>,
    seen: Mutex<Vec<(String, Fault)>>,
}

/// A running proxy; `base` is what devices use as their server.
pub struct Proxy {
    pub base: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

impl Proxy {
    pub async fn start(upstream: &str) -> Proxy {
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_string(),
            http: reqwest::Client::new(),
            plan: Mutex::new(VecDeque::new()),
            seen: Mutex::new(Vec::new()),
        });
        let app = axum::Router::new()
            .fallback(forward)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Proxy {
            base,
            shared,
            stop: Some(tx),
        }
    }

    /// Faults for the next requests, in order; after them requests pass.
    pub fn plan(&self, faults: impl IntoIterator<Item = Fault>) {
        self.shared.plan.lock().unwrap().extend(faults);
    }

    /// Forgets the faults not yet used, so the next requests pass.
    pub fn clear_plan(&self) {
        self.shared.plan.lock().unwrap().clear();
    }

    /// (path, fault) of every request so far.
    pub fn seen(&self) -> Vec<(String, Fault)> {
        self.shared.seen.lock().unwrap().clone()
    }
}

const KEPT_REQUEST_HEADERS: [&str; 4] = [
    "authorization",
    "content-type",
    "content-encoding",
    "accept-encoding",
];
const KEPT_ANSWER_HEADERS: [&str; 2] = ["content-type", "content-encoding"];

async fn send(
    s: &Shared,
    path: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, String> {
    let mut req = s.http.post(format!("{}{path}", s.upstream));
    for h in KEPT_REQUEST_HEADERS {
        if let Some(v) = headers.get(h) {
            req = req.header(h, v.as_bytes());
        }
    }
    let resp = req
        .body(body.clone())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut out_headers = HeaderMap::new();
    for h in KEPT_ANSWER_HEADERS {
        if let Some(v) = resp.headers().get(h)
            && let Ok(v) = HeaderValue::from_bytes(v.as_bytes())
        {
            out_headers.insert(h, v);
        }
    }
    let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
    Ok((status, out_headers, bytes).into_response())
}

async fn forward(State(s): State<Arc<Shared>>, req: Request) -> Response {
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let headers = req.headers().clone();
    let body = match axum::body::to_bytes(req.into_body(), 64 * 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => return StatusCode::BAD_GATEWAY.into_response(),
    };
    let fault = s.plan.lock().unwrap().pop_front().unwrap_or(Fault::Pass);
    s.seen.lock().unwrap().push((path.clone(), fault));
    let lost = || (StatusCode::BAD_GATEWAY, "lost on the way").into_response();
    match fault {
        Fault::LoseRequest => lost(),
        Fault::Pass => send(&s, &path, &headers, &body)
            .await
            .unwrap_or_else(|_| lost()),
        Fault::LoseAnswer => {
            let _ = send(&s, &path, &headers, &body).await;
            lost()
        }
        Fault::Repeat => {
            let _ = send(&s, &path, &headers, &body).await;
            send(&s, &path, &headers, &body)
                .await
                .unwrap_or_else(|_| lost())
        }
    }
}
