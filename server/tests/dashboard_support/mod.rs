//! What the dashboard's test files share: the demo kelurahan on an in-process server (SQLite, or
//! the PostgreSQL of `ILP_TEST_DATABASE_URL`), its HTTP client and dashboard login, cookies and
//! attributes read from pages, and a device store synced from the feed as a phone does.
#![allow(dead_code)]

use crate::common;
use ilp_model::{DeviceId, Timestamp};
use ilp_server::admin::Admin;
use ilp_server::auth::PasswordCost;
use ilp_server::clock::{Clock, OsEntropy, ShiftedClock};
use ilp_server::config::Config;
use ilp_server::http::AppState;
use ilp_server::storage;
use ilp_store::outbox::OutboxOp;
use ilp_store::{RemoteChange, SeededEntropy, Store, StoreConfig};
use ilp_sync::protocol::{Op, PullPage};
use serde_json::{Value, json};
use std::sync::Arc;

/// Enough for one RW of a few RTs: quick to seed, yet a kader of one RT has neighbours.
pub const HOUSEHOLDS: usize = 150;

pub struct Demo {
    pub base: String,
    pub state: Arc<AppState>,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Demo {
    pub async fn start() -> Demo {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        let clock = Arc::new(ShiftedClock::default());
        let c = clock.clone();
        let (db, config) = tokio::task::spawn_blocking(move || {
            config.database_url = common::postgres_url();
            let db = storage::open(&config).unwrap();
            let admin = Admin {
                db: db.as_ref(),
                clock: c.as_ref(),
                entropy: &OsEntropy,
                cost: PasswordCost::cheap(),
                max_drift_ms: config.max_drift_ms,
            };
            let today = Timestamp::from_millis(c.now_ms()).date_at(ilp_model::timestamp::wita());
            ilp_server::demo::seed(&admin, HOUSEHOLDS, 7, today).unwrap();
            (db, config)
        })
        .await
        .unwrap();
        let state = Arc::new(AppState {
            db,
            config,
            clock,
            entropy: Arc::new(OsEntropy),
            metrics: Default::default(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let st = state.clone();
        tokio::spawn(async move {
            let _ = ilp_server::http::serve(listener, st, async {
                let _ = rx.await;
            })
            .await;
        });
        Demo {
            base,
            state,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            _dir: dir,
            _stop: tx,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn username(&self, role: &str) -> String {
        let st = self.state.clone();
        let role = role.to_string();
        tokio::task::spawn_blocking(move || {
            let mut names: Vec<String> = st
                .db
                .read(|tx| Ok(tx.users()?))
                .unwrap()
                .into_iter()
                .filter(|u| u.role == role && u.active)
                .map(|u| u.username)
                .collect();
            names.sort();
            names.remove(0)
        })
        .await
        .unwrap()
    }

    /// GET with cookies; returns status, headers and body.
    pub async fn get(
        &self,
        path: &str,
        cookies: &str,
    ) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let r = self
            .http
            .get(self.url(path))
            .header("cookie", cookies)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, headers, r.bytes().await.unwrap().to_vec())
    }

    pub async fn get_text(&self, path: &str, cookies: &str) -> (u16, String) {
        let (s, _, b) = self.get(path, cookies).await;
        (s, String::from_utf8(b).unwrap())
    }

    pub async fn post_form(
        &self,
        path: &str,
        cookies: &str,
        form: &[(&str, &str)],
    ) -> (u16, reqwest::header::HeaderMap, String) {
        let r = self
            .http
            .post(self.url(path))
            .header("cookie", cookies)
            .form(form)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, headers, r.text().await.unwrap())
    }

    /// Logs in through the login form; returns the `Cookie` header to send and the CSRF token.
    pub async fn browser_login(&self, username: &str) -> (String, String) {
        let (status, headers, body) = self.get("/dashboard/login", "").await;
        assert_eq!(status, 200);
        let login_cookie = set_cookies(&headers);
        let csrf = attr_after(&String::from_utf8(body).unwrap(), r#"name="csrf" value=""#);
        let password = ilp_server::demo::demo_password(username);
        let (status, headers, _) = self
            .post_form(
                "/dashboard/login",
                &login_cookie,
                &[
                    ("csrf", &csrf),
                    ("username", username),
                    ("password", &password),
                ],
            )
            .await;
        assert_eq!(status, 303, "login of {username}");
        assert_eq!(headers["location"], "/dashboard/coverage");
        let raw: Vec<&str> = headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        let session = raw
            .iter()
            .find(|c| c.starts_with("ilp_dash="))
            .expect("a session cookie");
        assert!(session.contains("HttpOnly"), "{session}");
        assert!(session.contains("SameSite=Strict"), "{session}");
        assert!(session.contains("Path=/dashboard"), "{session}");
        let cookie = set_cookies(&headers);
        let (status, page) = self.get_text("/dashboard/coverage", &cookie).await;
        assert_eq!(status, 200);
        let csrf = attr_after(&page, r#"name="csrf" value=""#);
        (cookie, csrf)
    }
}

/// Adds a kader assigned to one RT (the demo's kaders each hold a whole RW), through the server's
/// admin functions; her password follows the demo's rule. Returns her username.
pub async fn add_one_rt_kader(demo: &Demo, name: &str, rt: String) -> String {
    let st = demo.state.clone();
    let name = name.to_string();
    tokio::task::spawn_blocking(move || {
        let admin = Admin {
            db: st.db.as_ref(),
            clock: st.clock.as_ref(),
            entropy: st.entropy.as_ref(),
            cost: PasswordCost::cheap(),
            max_drift_ms: st.config.max_drift_ms,
        };
        admin
            .add_user(
                &name,
                "Kader Satu RT",
                "kader",
                &[rt],
                &ilp_server::demo::demo_password(&name),
            )
            .unwrap();
        name
    })
    .await
    .unwrap()
}

/// The `name=value` pairs of a response's non-empty `Set-Cookie` headers, as a `Cookie` header.
pub fn set_cookies(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
        .filter(|kv| !kv.ends_with('='))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The text after `prefix` up to the next `"`.
pub fn attr_after(html: &str, prefix: &str) -> String {
    let i = html
        .find(prefix)
        .unwrap_or_else(|| panic!("{prefix} not in page"))
        + prefix.len();
    html[i..].split('"').next().unwrap().to_string()
}

/// A device store that logs in as `username` and pulls the feed page by page, as a phone does.
pub async fn synced_device(demo: &Demo, username: &str) -> (Store, tempfile::TempDir) {
    let (store, dir, _, _) = synced_device_with_token(demo, username).await;
    (store, dir)
}

/// [`synced_device`] with the device's token and id, to push from it.
pub async fn synced_device_with_token(
    demo: &Demo,
    username: &str,
) -> (Store, tempfile::TempDir, String, DeviceId) {
    let dir = tempfile::tempdir().unwrap();
    let device = DeviceId::from_random_bytes(*uuid::Uuid::new_v4().as_bytes());
    let (status, body) = post_json(
        demo,
        "/api/v1/login",
        None,
        &json!({"protocol": 1, "username": username,
                "secret": ilp_server::demo::demo_password(username),
                "device_id": device.to_string(), "device_name": "HP supervisor"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap().to_string();
    let now = Timestamp::from_millis(demo.state.clock.now_ms());
    let (store, _) = Store::open(
        StoreConfig {
            path: dir.path().join("device.db"),
            key: None,
            device,
            utc_offset: ilp_model::timestamp::wita(),
        },
        Box::new(SeededEntropy::new(3)),
        now,
    )
    .unwrap();
    let today = now.date_at(ilp_model::timestamp::wita());
    let mut cursor: Option<String> = None;
    loop {
        let (status, body) = post_json(
            demo,
            "/api/v1/pull",
            Some(&token),
            &json!({"protocol": 1, "device_id": device.to_string(), "cursor": cursor, "max_changes": 2000}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let page: PullPage = serde_json::from_value(body).unwrap();
        let changes: Vec<RemoteChange> = page
            .changes
            .into_iter()
            .map(|c| RemoteChange {
                entity: c.entity,
                entity_id: c.entity_id,
                op: match c.op {
                    Op::Upsert => OutboxOp::Upsert,
                    Op::Append => OutboxOp::Append,
                },
                hlc: c.hlc.parse().unwrap(),
                payload: c.payload,
            })
            .collect();
        store
            .apply_pull_page(now, today, &changes, &page.next_cursor)
            .unwrap();
        cursor = Some(page.next_cursor);
        if !page.more {
            break;
        }
    }
    (store, dir, token, device)
}

pub async fn post_json(demo: &Demo, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = demo.http.post(demo.url(path)).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The server's id of `username`, as a device's writes carry it.
pub async fn user_id(demo: &Demo, username: &str) -> ilp_model::UserId {
    let st = demo.state.clone();
    let name = username.to_string();
    tokio::task::spawn_blocking(move || {
        st.db
            .read(|tx| Ok(tx.user_by_name(&name)?))
            .unwrap()
            .unwrap_or_else(|| panic!("no user {name}"))
            .id
            .parse()
            .unwrap()
    })
    .await
    .unwrap()
}

/// Pushes everything a device store has pending, as a phone does; asserts nothing is refused.
pub async fn push_pending(demo: &Demo, store: &Store, token: &str, device: DeviceId) {
    let changes: Vec<Value> = store
        .outbox_pending(0, 1000)
        .unwrap()
        .into_iter()
        .map(|e| {
            json!({"seq": e.seq, "entity": e.entity, "entity_id": e.entity_id,
                   "op": match e.op { OutboxOp::Upsert => "upsert", OutboxOp::Append => "append" },
                   "hlc": e.hlc.to_string(), "payload": e.payload})
        })
        .collect();
    let now = demo.state.clock.now_ms();
    let (status, body) = post_json(
        demo,
        "/api/v1/push",
        Some(token),
        &json!({"protocol": 1, "device_id": device.to_string(),
                "device_time_ms": now, "changes": changes}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["refused"], json!([]), "{body}");
}

/// An XLSX export's first worksheet as rows of text (numbers as Rust prints them, empty cells
/// as "").
pub fn xlsx_rows(bytes: Vec<u8>) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    Data::Empty => String::new(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect()
}
