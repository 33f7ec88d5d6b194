//! The HTTP transport of the device: one `reqwest` client (rustls, so phones need no OpenSSL of
//! their own), JSON bodies gzip'd when they are worth it, answers decompressed by reqwest, and every
//! non-2xx answer turned into a [`SyncError`] the engine can act on (retry, log in again, tell the
//! user to fix the phone's date).

use crate::error::SyncError;
use crate::protocol::{
    ErrorBody, LoginRequest, LoginResponse, PROTOCOL_VERSION, PullPage, PullRequest, PushRequest,
    PushResponse, SnapshotPage, SnapshotRequest,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::Write;
use std::time::Duration;

/// Bodies smaller than this go uncompressed: gzip's header would cost more than it saves, and a
/// "nothing changed" pull must stay under 1 KB.
const COMPRESS_FROM_BYTES: usize = 600;

/// Counts of what went over the wire (request and answer bodies as sent, and round trips), for the
/// sync report and the benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WireStats {
    pub round_trips: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

/// A client for one sync server.
#[derive(Clone, Debug)]
pub struct SyncClient {
    http: reqwest::Client,
    base: String,
}

impl SyncClient {
    /// `base_url` like `http://127.0.0.1:8080` or `https://sync.puskesmas.example`.
    pub fn new(base_url: &str) -> Result<Self, SyncError> {
        let base = normalize_url(base_url)?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(15))
            // A page of 5,000 changes on slow 4G takes a while; a dead link must not hang forever.
            .timeout(Duration::from_secs(120))
            .user_agent(concat!("ilp-core/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Network(e.to_string()))?;
        Ok(Self { http, base })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub async fn login(&self, req: &LoginRequest) -> Result<(LoginResponse, WireStats), SyncError> {
        self.post("/api/v1/login", None, req).await
    }

    pub async fn logout(&self, token: &str) -> Result<WireStats, SyncError> {
        let (_, stats): (serde_json::Value, _) = self
            .post("/api/v1/logout", Some(token), &serde_json::json!({}))
            .await?;
        Ok(stats)
    }

    pub async fn push(
        &self,
        token: &str,
        req: &PushRequest,
    ) -> Result<(PushResponse, WireStats), SyncError> {
        let (resp, stats): (PushResponse, _) = self.post("/api/v1/push", Some(token), req).await?;
        check_version(resp.protocol)?;
        Ok((resp, stats))
    }

    pub async fn pull(
        &self,
        token: &str,
        req: &PullRequest,
    ) -> Result<(PullPage, WireStats), SyncError> {
        let (page, stats): (PullPage, _) = self.post("/api/v1/pull", Some(token), req).await?;
        check_version(page.protocol)?;
        Ok((page, stats))
    }

    pub async fn snapshot(
        &self,
        token: &str,
        req: &SnapshotRequest,
    ) -> Result<(SnapshotPage, WireStats), SyncError> {
        let (page, stats): (SnapshotPage, _) =
            self.post("/api/v1/snapshot", Some(token), req).await?;
        check_version(page.protocol)?;
        Ok((page, stats))
    }

    async fn post<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Req,
    ) -> Result<(Resp, WireStats), SyncError> {
        let json = serde_json::to_vec(body).map_err(|e| SyncError::Protocol(e.to_string()))?;
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT_ENCODING, "gzip");
        let sent = if json.len() >= COMPRESS_FROM_BYTES {
            let gz = gzip(&json)?;
            request = request.header(reqwest::header::CONTENT_ENCODING, "gzip");
            gz
        } else {
            json
        };
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let mut stats = WireStats {
            round_trips: 1,
            bytes_sent: sent.len() as u64,
            bytes_received: 0,
        };
        let response = request
            .body(sent)
            .send()
            .await
            .map_err(|e| SyncError::Network(describe(&e)))?;
        let status = response.status();
        let gzipped = response
            .headers()
            .get(reqwest::header::CONTENT_ENCODING)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
        let wire = response
            .bytes()
            .await
            .map_err(|e| SyncError::Network(describe(&e)))?;
        stats.bytes_received = wire.len() as u64;
        let bytes = if gzipped {
            gunzip(&wire)?
        } else {
            wire.to_vec()
        };
        if status.is_success() {
            let value = serde_json::from_slice(&bytes).map_err(|e| {
                SyncError::Protocol(format!(
                    "the server's answer to {path} is not understood: {e}"
                ))
            })?;
            return Ok((value, stats));
        }
        let body: Option<ErrorBody> = serde_json::from_slice(&bytes).ok();
        Err(SyncError::from_status(status.as_u16(), body))
    }
}

/// A server address as the client keeps it: trimmed, no trailing slash, http or https.
pub fn normalize_url(base_url: &str) -> Result<String, SyncError> {
    let base = base_url.trim().trim_end_matches('/').to_string();
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Err(SyncError::InvalidServerUrl(
            "must start with http:// or https://".into(),
        ));
    }
    Ok(base)
}

fn check_version(protocol: u32) -> Result<(), SyncError> {
    if protocol == PROTOCOL_VERSION {
        Ok(())
    } else {
        Err(SyncError::Protocol(format!(
            "the server speaks protocol {protocol}, this app {PROTOCOL_VERSION}: update the app"
        )))
    }
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>, SyncError> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::fast(),
    );
    enc.write_all(bytes)
        .and_then(|_| enc.finish())
        .map_err(|e| SyncError::Protocol(format!("compressing the request: {e}")))
}

/// Answers are bounded like requests: a broken or hostile server cannot fill the phone's memory.
fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, SyncError> {
    use std::io::Read;
    let mut out = Vec::with_capacity(bytes.len() * 4);
    flate2::read::GzDecoder::new(bytes)
        .take(crate::protocol::MAX_DECOMPRESSED_BYTES as u64 * 4 + 1)
        .read_to_end(&mut out)
        .map_err(|e| SyncError::Protocol(format!("the server's answer is not valid gzip: {e}")))?;
    if out.len() > crate::protocol::MAX_DECOMPRESSED_BYTES * 4 {
        return Err(SyncError::Protocol(
            "the server's answer is too large".into(),
        ));
    }
    Ok(out)
}

/// reqwest's errors nest their cause (connection refused, DNS, timeout); the chain is what a
/// person can act on.
fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "the server did not answer in time".to_string()
    } else if e.is_connect() {
        "cannot connect to the server".to_string()
    } else {
        "the connection failed".to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_url_needs_its_scheme() {
        assert!(matches!(
            SyncClient::new("sync.example"),
            Err(SyncError::InvalidServerUrl(_))
        ));
        assert_eq!(
            SyncClient::new(" http://127.0.0.1:8080/ ")
                .unwrap()
                .base_url(),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn gzip_round_trips() {
        let text = b"{\"protocol\":1}".repeat(100);
        let gz = gzip(&text).unwrap();
        assert!(gz.len() < text.len() / 4);
        assert_eq!(gunzip(&gz).unwrap(), text);
        assert!(matches!(gunzip(b"not gzip"), Err(SyncError::Protocol(_))));
    }
}
