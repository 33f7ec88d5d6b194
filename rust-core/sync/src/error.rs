//! What can go wrong in a sync, sorted by what the device does about it: retry later (network,
//! server trouble), ask the user to log in online again, ask the user to fix the phone's date, or
//! stop and say why. No health data ever enters these texts.

use crate::protocol::ErrorBody;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the server address is not valid: {0}")]
    InvalidServerUrl(String),
    /// No connection, DNS, timeout: retried with backoff.
    #[error("network: {0}")]
    Network(String),
    /// 5xx or 429: retried with backoff.
    #[error("the server had a problem ({status} {code}): {message}")]
    Server {
        status: u16,
        code: String,
        message: String,
    },
    /// Wrong name or secret, expired or revoked token, device of someone else or revoked: the user
    /// must log in online again. `code` is the server's (`bad_login`, `token_expired`, ...).
    #[error("login needed ({code}): {message}")]
    Auth { code: String, message: String },
    /// The phone's clock is too far from the server's: nothing was stored.
    #[error("the phone's date or time is wrong: {message}")]
    ClockSkew { message: String },
    /// Any other refusal of a whole request (malformed, too large, forbidden): not retried.
    #[error("the server refused the request ({status} {code}): {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// An answer this build does not understand, or another protocol version.
    #[error("protocol: {0}")]
    Protocol(String),
    #[error("no one is logged in on this device store")]
    NoSession,
    #[error("the PIN is wrong")]
    WrongPin,
    #[error("PIN: {0}")]
    InvalidPin(String),
    #[error("sync cancelled")]
    Cancelled,
    #[error(transparent)]
    Store(#[from] ilp_store::StoreError),
}

impl SyncError {
    /// Maps a non-2xx answer (with the server's `ErrorBody` when it sent one).
    pub fn from_status(status: u16, body: Option<ErrorBody>) -> SyncError {
        let (code, message) = match body {
            Some(b) => (b.code, b.message),
            None => ("http".to_string(), format!("HTTP status {status}")),
        };
        match status {
            401 => SyncError::Auth { code, message },
            403 if matches!(
                code.as_str(),
                "device_mismatch" | "device_revoked" | "user_disabled" | "bad_login"
            ) =>
            {
                SyncError::Auth { code, message }
            }
            409 if code == "clock_skew" => SyncError::ClockSkew { message },
            429 | 500..=599 => SyncError::Server {
                status,
                code,
                message,
            },
            _ => SyncError::Refused {
                status,
                code,
                message,
            },
        }
    }

    /// Worth trying again after a pause without the user doing anything.
    pub fn is_retryable(&self) -> bool {
        matches!(self, SyncError::Network(_) | SyncError::Server { .. })
    }

    /// The user must log in online again before the next sync.
    pub fn needs_login(&self) -> bool {
        matches!(self, SyncError::Auth { .. } | SyncError::NoSession)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(code: &str) -> Option<ErrorBody> {
        Some(ErrorBody {
            code: code.into(),
            message: "m".into(),
            protocol: 1,
        })
    }

    #[test]
    fn answers_sort_into_what_the_device_does() {
        assert!(SyncError::from_status(401, body("token_expired")).needs_login());
        assert!(SyncError::from_status(403, body("device_revoked")).needs_login());
        assert!(matches!(
            SyncError::from_status(409, body("clock_skew")),
            SyncError::ClockSkew { .. }
        ));
        assert!(SyncError::from_status(503, None).is_retryable());
        assert!(SyncError::from_status(429, body("rate_limited")).is_retryable());
        let refused = SyncError::from_status(413, body("too_large"));
        assert!(!refused.is_retryable() && !refused.needs_login());
        assert!(SyncError::Network("x".into()).is_retryable());
    }
}
