//! Who is logged in on a device store, and the offline PIN. One online login stores the session
//! (server, token, the user as the server knows them) in the store's sync meta; afterwards the user
//! may get back in offline with a PIN checked against a local Argon2id verifier. Logging out drops
//! the token only: the outbox and the records stay until they are synced.

use crate::error::SyncError;
use crate::protocol::UserInfo;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use ilp_model::Timestamp;
use ilp_store::{Store, SyncKey};
use serde::{Deserialize, Serialize};

/// An online login's result, kept in the device store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub server_url: String,
    /// `None` after logout: the user must log in online again before the next sync.
    pub token: Option<String>,
    pub expires_at_ms: i64,
    pub user: UserInfo,
    pub logged_in_at_ms: i64,
}

impl Session {
    /// The token to send, whatever the phone's clock says of its expiry: the server judges that by
    /// its own clock (`401 token_expired`). A phone whose date is wrong would otherwise be told to
    /// log in again, forever, instead of to fix its date.
    pub fn token(&self) -> Result<&str, SyncError> {
        self.token.as_deref().ok_or_else(|| SyncError::Auth {
            code: "logged_out".into(),
            message: "log in online to sync".into(),
        })
    }

    /// The token if it has not expired by the phone's clock (what the app shows before a sync).
    pub fn token_at(&self, now: Timestamp) -> Result<&str, SyncError> {
        match &self.token {
            None => Err(SyncError::Auth {
                code: "logged_out".into(),
                message: "log in online to sync".into(),
            }),
            Some(_) if now.millis() >= self.expires_at_ms => Err(SyncError::Auth {
                code: "token_expired".into(),
                message: "the login has expired; log in online again".into(),
            }),
            Some(t) => Ok(t),
        }
    }
}

pub fn load_session(store: &Store) -> Result<Option<Session>, SyncError> {
    match store.sync_meta(SyncKey::Session)? {
        None => Ok(None),
        Some(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| SyncError::Protocol(format!("the stored session is unreadable: {e}"))),
    }
}

pub fn save_session(store: &Store, session: &Session) -> Result<(), SyncError> {
    let text = serde_json::to_string(session).map_err(|e| SyncError::Protocol(e.to_string()))?;
    store.set_sync_meta(SyncKey::Session, Some(&text))?;
    Ok(())
}

/// Logout: forgets the token, keeps the user (for the offline PIN and the shared-phone user list),
/// the outbox and every record.
pub fn forget_token(store: &Store) -> Result<Option<Session>, SyncError> {
    let Some(mut session) = load_session(store)? else {
        return Ok(None);
    };
    session.token = None;
    save_session(store, &session)?;
    Ok(Some(session))
}

/// Argon2id cost of the PIN verifier. The default is OWASP's minimum (19 MiB, 2 passes), about
/// half a second on a cheap phone: slow for a thief with the file, quick enough for a kader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PinCost {
    pub memory_kib: u32,
    pub passes: u32,
}

impl Default for PinCost {
    fn default() -> Self {
        Self {
            memory_kib: 19 * 1024,
            passes: 2,
        }
    }
}

/// Checks a PIN's shape: 4 to 12 digits.
pub fn check_pin(pin: &str) -> Result<(), SyncError> {
    if !(4..=12).contains(&pin.len()) {
        return Err(SyncError::InvalidPin("must have 4 to 12 digits".into()));
    }
    if !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SyncError::InvalidPin("must be digits only".into()));
    }
    Ok(())
}

/// Sets the offline PIN of the store's user. `salt` is 16 random bytes from the caller.
pub fn set_pin(store: &Store, pin: &str, salt: [u8; 16], cost: PinCost) -> Result<(), SyncError> {
    check_pin(pin)?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| SyncError::InvalidPin(e.to_string()))?;
    let params = Params::new(cost.memory_kib, cost.passes, 1, None)
        .map_err(|e| SyncError::InvalidPin(e.to_string()))?;
    let hash = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(pin.as_bytes(), &salt)
        .map_err(|e| SyncError::InvalidPin(e.to_string()))?
        .to_string();
    store.set_sync_meta(SyncKey::PinVerifier, Some(&hash))?;
    Ok(())
}

pub fn has_pin(store: &Store) -> Result<bool, SyncError> {
    Ok(store.sync_meta(SyncKey::PinVerifier)?.is_some())
}

/// Offline login: the PIN against the stored verifier (its own parameters are in it).
pub fn verify_pin(store: &Store, pin: &str) -> Result<(), SyncError> {
    let Some(stored) = store.sync_meta(SyncKey::PinVerifier)? else {
        return Err(SyncError::NoSession);
    };
    let hash = PasswordHash::new(&stored)
        .map_err(|e| SyncError::Protocol(format!("the stored PIN verifier is unreadable: {e}")))?;
    Argon2::default()
        .verify_password(pin.as_bytes(), &hash)
        .map_err(|_| SyncError::WrongPin)
}
