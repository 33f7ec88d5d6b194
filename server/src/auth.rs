//! Authentication: Argon2id password (or PIN) hashes, login (which registers the device for the
//! user on first use), bearer tokens (32 random bytes, base64url; only their SHA-256 is stored)
//! that expire and can be revoked, and logout.

use crate::clock::Entropy;
use crate::error::{ApiError, Error, Result};
use crate::storage::{Db, DeviceRow, TokenFilter, TokenRow, Tx, UserRow};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::http::StatusCode;
use base64::Engine;
use ilp_sync::protocol::{LoginRequest, LoginResponse, PROTOCOL_VERSION, UserInfo};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// Argon2id cost of new hashes. Verification reads the cost from the stored hash, so tests can
/// create users with a cheap cost while production keeps the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordCost {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl Default for PasswordCost {
    /// OWASP's Argon2id recommendation (19 MiB, 2 passes), the argon2 crate's default.
    fn default() -> Self {
        Self {
            memory_kib: Params::DEFAULT_M_COST,
            iterations: Params::DEFAULT_T_COST,
        }
    }
}

impl PasswordCost {
    /// For tests: fast, still Argon2id.
    pub fn cheap() -> Self {
        Self {
            memory_kib: 64,
            iterations: 1,
        }
    }
}

/// The PHC string of `secret`'s Argon2id hash.
pub fn hash_password(secret: &str, entropy: &dyn Entropy, cost: PasswordCost) -> Result<String> {
    let mut salt = [0u8; 16];
    entropy.fill(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Usage(format!("salt: {e}")))?;
    let params = Params::new(cost.memory_kib, cost.iterations, 1, None)
        .map_err(|e| Error::Usage(format!("argon2 parameters: {e}")))?;
    let hash = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(secret.as_bytes(), &salt)
        .map_err(|e| Error::Usage(format!("argon2: {e}")))?;
    Ok(hash.to_string())
}

pub fn verify_password(secret: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the user does not exist, so a wrong name takes as long as a
/// wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_password(
            "no such user",
            &crate::clock::OsEntropy,
            PasswordCost::default(),
        )
        .unwrap_or_default()
    })
}

/// SHA-256 of a token, hex: what the server keeps.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn new_token(entropy: &dyn Entropy) -> String {
    let mut bytes = [0u8; 32];
    entropy.fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Who a valid bearer token speaks for.
#[derive(Clone, Debug)]
pub struct Session {
    pub user: UserRow,
    pub device_id: String,
    pub token_hash: String,
    /// When the device was last marked seen (to refresh it now and then, not on every call).
    pub device_last_seen: Option<i64>,
}

/// Checks `Authorization: Bearer <token>` inside a read transaction.
pub fn authenticate(tx: &mut dyn Tx, header: Option<&str>, now_ms: i64) -> Result<Session> {
    let token = header
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unauthorized("log in first: no bearer token"))?;
    let hash = token_hash(token);
    let row = tx
        .token(&hash)?
        .ok_or_else(|| ApiError::unauthorized("unknown token; log in again"))?;
    if row.revoked_at.is_some() {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "token_revoked",
            "this login was ended; log in again",
        )
        .into());
    }
    if row.expires_at <= now_ms {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "token_expired",
            "this login has expired; log in again",
        )
        .into());
    }
    let user = tx
        .user_by_id(&row.user_id)?
        .filter(|u| u.active)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "token_revoked",
                "this account is disabled",
            )
        })?;
    let device = tx.device(&row.device_id, false)?;
    if device.as_ref().is_none_or(|d| d.revoked_at.is_some()) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "token_revoked",
            "this device was revoked",
        )
        .into());
    }
    Ok(Session {
        user,
        device_id: row.device_id,
        token_hash: hash,
        device_last_seen: device.and_then(|d| d.last_seen_at),
    })
}

/// A body's `device_id` must be the token's device.
pub fn check_device(session: &Session, device_id: &str) -> std::result::Result<(), ApiError> {
    if !device_id.trim().eq_ignore_ascii_case(&session.device_id) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "device_mismatch",
            "device_id is not the device this login belongs to",
        ));
    }
    Ok(())
}

fn bad_login() -> Error {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "bad_login",
        "wrong username or password",
    )
    .into()
}

/// Checks a username and password (or PIN) outside any transaction; an unknown or disabled user
/// takes as long as a wrong password. The dashboard's login uses it; the API's login below does
/// the same inline.
pub fn verify_user(db: &dyn Db, username: &str, secret: &str) -> Result<UserRow> {
    let username = username.trim().to_string();
    let user = db.read(|tx| Ok(tx.user_by_name(&username)?))?;
    let Some(user) = user.filter(|u| u.active && u.password_hash.is_some()) else {
        let _ = verify_password(secret, dummy_hash());
        return Err(bad_login());
    };
    if !verify_password(secret, user.password_hash.as_deref().unwrap_or_default()) {
        return Err(bad_login());
    }
    Ok(user)
}

/// Login: checks the secret (outside any transaction: Argon2 is slow on purpose), registers the
/// device for the user on first use, and issues a token.
pub fn login(
    db: &dyn Db,
    req: &LoginRequest,
    now_ms: i64,
    entropy: &dyn Entropy,
    lifetime_secs: i64,
) -> Result<LoginResponse> {
    let device_id = uuid::Uuid::parse_str(req.device_id.trim())
        .map_err(|_| ApiError::malformed("device_id must be a UUID"))?
        .to_string();
    let username = req.username.trim().to_string();
    let user = db.read(|tx| Ok(tx.user_by_name(&username)?))?;
    let Some(user) = user.filter(|u| u.active && u.password_hash.is_some()) else {
        let _ = verify_password(&req.secret, dummy_hash());
        return Err(bad_login());
    };
    if !verify_password(
        &req.secret,
        user.password_hash.as_deref().unwrap_or_default(),
    ) {
        return Err(bad_login());
    }
    let token = new_token(entropy);
    let expires_at_ms = now_ms + lifetime_secs * 1000;
    let device_name = req
        .device_name
        .clone()
        .map(|n| n.chars().take(100).collect());
    let areas = db.write(|tx| {
        match tx.device(&device_id, true)? {
            Some(d) if d.user_id != user.id => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "device_mismatch",
                    "this device is registered to another user",
                )
                .into());
            }
            Some(d) if d.revoked_at.is_some() => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "device_revoked",
                    "this device was revoked; ask the admin",
                )
                .into());
            }
            Some(_) => tx.set_device_seen(&device_id, now_ms)?,
            None => tx.insert_device(&DeviceRow {
                id: device_id.clone(),
                user_id: user.id.clone(),
                name: device_name.clone(),
                registered_at: now_ms,
                revoked_at: None,
                last_seen_at: Some(now_ms),
                stored_through: 0,
            })?,
        }
        tx.insert_token(&TokenRow {
            hash: token_hash(&token),
            user_id: user.id.clone(),
            device_id: device_id.clone(),
            created_at: now_ms,
            expires_at: expires_at_ms,
            revoked_at: None,
        })?;
        Ok(tx.user_areas(&user.id)?)
    })?;
    Ok(LoginResponse {
        protocol: PROTOCOL_VERSION,
        token,
        expires_at_ms,
        user: UserInfo {
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            role: user.role,
            areas,
        },
        server_time_ms: now_ms,
    })
}

/// Logout: the token is revoked (the device keeps its records and outbox).
pub fn logout(tx: &mut dyn Tx, session: &Session, now_ms: i64) -> Result<()> {
    tx.revoke_tokens(TokenFilter::Hash(&session.token_hash), now_ms)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_tokens_are_hashed() {
        let h = hash_password("rahasia", &crate::clock::OsEntropy, PasswordCost::cheap()).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("rahasia", &h));
        assert!(!verify_password("salah", &h));
        let t = new_token(&crate::clock::OsEntropy);
        assert_eq!(t.len(), 43);
        assert_eq!(token_hash(&t).len(), 64);
        assert_ne!(token_hash(&t), t);
    }
}
