//! Administration: users (add, assign areas, disable, set password), devices (list, revoke) and
//! tokens (revoke). Areas, Posyandu and users are feed records too, so devices learn them: every
//! record an admin writes goes through the same ingest as a push, from the server's own device
//! (created on first use, with an internal admin user that cannot log in).

use crate::auth::{self, PasswordCost};
use crate::clock::{Clock, Entropy};
use crate::error::{Error, Result};
use crate::ingest::{self, Ingest, IngestOutcome};
use crate::merge::Fields;
use crate::scope::Principal;
use crate::storage::{Db, DeviceRow, RecordRow, TokenFilter, UserRow};
use ilp_model::{DeviceId, Hlc, HlcClock, KemendagriCode};
use ilp_sync::protocol::{Change, Op, entity};
use serde_json::{Value, json};

const META_DEVICE: &str = "server_device";
const META_USER: &str = "server_user";
const META_HLC: &str = "server_hlc";

/// The server's own device and its internal admin user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerIdentity {
    pub user_id: String,
    pub device_id: String,
}

fn new_uuid(entropy: &dyn Entropy) -> String {
    let mut b = [0u8; 16];
    entropy.fill(&mut b);
    uuid::Builder::from_random_bytes(b).into_uuid().to_string()
}

/// The server's identity, created on first use.
pub fn server_identity(db: &dyn Db, entropy: &dyn Entropy, now_ms: i64) -> Result<ServerIdentity> {
    db.write(|tx| {
        if let (Some(user_id), Some(device_id)) =
            (tx.meta_get(META_USER)?, tx.meta_get(META_DEVICE)?)
        {
            return Ok(ServerIdentity { user_id, device_id });
        }
        let id = ServerIdentity {
            user_id: new_uuid(entropy),
            device_id: new_uuid(entropy),
        };
        tx.upsert_user(&UserRow {
            id: id.user_id.clone(),
            username: "_server".into(),
            display_name: "Server (admin commands)".into(),
            role: "admin".into(),
            active: false,
            password_hash: None,
        })?;
        tx.insert_device(&DeviceRow {
            id: id.device_id.clone(),
            user_id: id.user_id.clone(),
            name: Some("server".into()),
            registered_at: now_ms,
            revoked_at: None,
            last_seen_at: None,
            stored_through: 0,
        })?;
        tx.meta_set(META_USER, &id.user_id)?;
        tx.meta_set(META_DEVICE, &id.device_id)?;
        Ok(id)
    })
}

/// One record change an admin command makes; `hlc` keeps a stamp made elsewhere (the demo
/// store's), `None` stamps it now with the server's clock.
pub struct AdminChange {
    pub entity: String,
    pub id: String,
    pub op: Op,
    pub payload: Value,
    pub hlc: Option<Hlc>,
}

/// Admin commands and the demo seed.
pub struct Admin<'a> {
    pub db: &'a dyn Db,
    pub clock: &'a dyn Clock,
    pub entropy: &'a dyn Entropy,
    pub cost: PasswordCost,
    pub max_drift_ms: i64,
}

impl Admin<'_> {
    pub fn identity(&self) -> Result<ServerIdentity> {
        server_identity(self.db, self.entropy, self.clock.now_ms())
    }

    /// Ingests `changes` as a push of the server's device, in one transaction; any refusal is
    /// an error (an admin command either applies fully or not at all).
    pub fn write(&self, changes: Vec<AdminChange>) -> Result<IngestOutcome> {
        self.write_then(changes, |_| Ok(()))
    }

    /// [`Admin::write`], then `then` in the same transaction: both apply or neither.
    fn write_then(
        &self,
        changes: Vec<AdminChange>,
        then: impl FnOnce(&mut dyn crate::storage::Tx) -> Result<()>,
    ) -> Result<IngestOutcome> {
        let me = self.identity()?;
        let now = self.clock.now_ms();
        let out = self.db.write(|tx| {
            let device = tx
                .device(&me.device_id, true)?
                .ok_or_else(|| Error::Usage("the server device is missing".into()))?;
            let device_uuid: DeviceId = me
                .device_id
                .parse()
                .map_err(|_| Error::Usage("server device id".into()))?;
            let last = tx.meta_get(META_HLC)?.and_then(|s| s.parse::<Hlc>().ok());
            let mut clock = HlcClock::resume(device_uuid, last, self.max_drift_ms);
            let mut wire = Vec::with_capacity(changes.len());
            for (seq, c) in (device.stored_through + 1..).zip(changes.iter()) {
                let hlc = match c.hlc {
                    Some(h) => {
                        let _ = clock.observe(&h, now);
                        h
                    }
                    None => clock.tick(now),
                };
                wire.push(Change {
                    seq,
                    entity: c.entity.clone(),
                    entity_id: c.id.clone(),
                    op: c.op,
                    hlc: hlc.to_string(),
                    payload: c.payload.clone(),
                });
            }
            let principal = Principal::admin(&me.user_id);
            let out = ingest::ingest(
                tx,
                &Ingest {
                    principal: &principal,
                    device: &me.device_id,
                    now_ms: now,
                    max_drift_ms: self.max_drift_ms,
                },
                &wire,
            )?;
            if let Some(r) = out.refused.first() {
                let what = wire
                    .iter()
                    .find(|c| c.seq == r.seq)
                    .map(|c| format!("{} {}", c.entity, c.entity_id))
                    .unwrap_or_default();
                return Err(Error::Usage(format!(
                    "{} of {} changes refused; first: {what}: {} ({})",
                    out.refused.len(),
                    wire.len(),
                    r.reason,
                    r.code
                )));
            }
            tx.meta_set(META_HLC, &clock.last().to_string())?;
            then(tx)?;
            Ok(out)
        })?;
        Ok(out)
    }

    /// An area by id, by Kemendagri code (kota, kecamatan, kelurahan), or by a kelurahan's code
    /// with RW and RT numbers (`53.71.03.1010/001/002`).
    pub fn resolve_area(&self, raw: &str) -> Result<RecordRow> {
        let raw = raw.trim();
        let areas = self.db.read(|tx| Ok(tx.records(entity::AREA)?))?;
        if let Ok(id) = uuid::Uuid::parse_str(raw) {
            let id = id.to_string();
            return areas
                .into_iter()
                .find(|a| a.id == id)
                .ok_or_else(|| Error::Usage(format!("no area with id {id}")));
        }
        // `53.71.03.1010/001/002`: a kelurahan's RW 001, its RT 002.
        let mut parts = raw.split('/');
        let code = KemendagriCode::parse("area", parts.next().unwrap_or_default())
            .map_err(|e| Error::Usage(format!("{raw}: {}", e.reason)))?
            .as_dotted();
        let field = |a: &RecordRow, name: &str| -> Option<String> {
            let f: Fields = serde_json::from_str(&a.fields).ok()?;
            f.get(name).and_then(Value::as_str).map(str::to_string)
        };
        let mut at = areas
            .iter()
            .find(|a| {
                field(a, "code").as_deref() == Some(code.as_str())
                    && !matches!(field(a, "level").as_deref(), Some("rw" | "rt"))
            })
            .ok_or_else(|| Error::Usage(format!("no area with Kemendagri code {code}")))?;
        for number in parts {
            let number = ilp_model::area::local_number("area", number)
                .map_err(|e| Error::Usage(format!("{raw}: {}", e.reason)))?;
            at = areas
                .iter()
                .find(|a| {
                    a.parent_id.as_deref() == Some(at.id.as_str())
                        && field(a, "code").as_deref() == Some(number.as_str())
                })
                .ok_or_else(|| Error::Usage(format!("{raw}: no area {number} there")))?;
        }
        Ok(at.clone())
    }

    fn check_areas_fit(role: &str, areas: &[RecordRow]) -> Result<()> {
        for a in areas {
            let f: Fields = serde_json::from_str(&a.fields).unwrap_or_default();
            let level = f.get("level").and_then(Value::as_str).unwrap_or_default();
            let fits = match role {
                "kader" => matches!(level, "rt" | "rw"),
                "bidan" | "supervisor" => !matches!(level, "rt" | "rw"),
                _ => true,
            };
            if !fits {
                return Err(Error::Usage(format!(
                    "a {role} cannot be assigned a {level} (kader: RT or RW; bidan, supervisor: kelurahan or above)"
                )));
            }
        }
        Ok(())
    }

    fn user(&self, username: &str) -> Result<UserRow> {
        self.db
            .read(|tx| Ok(tx.user_by_name(username.trim())?))?
            .filter(|u| u.username != "_server")
            .ok_or_else(|| Error::Usage(format!("no user named {username}")))
    }

    /// Creates a user who can log in; returns the user id.
    pub fn add_user(
        &self,
        username: &str,
        display_name: &str,
        role: &str,
        areas: &[String],
        password: &str,
    ) -> Result<String> {
        let username = username.trim();
        if username.is_empty() || username.len() > 64 || username.starts_with('_') {
            return Err(Error::Usage(
                "username must be 1 to 64 characters, not starting with _".into(),
            ));
        }
        let role = ilp_model::Role::parse("role", role)
            .map_err(|e| Error::Usage(format!("role {}", e.reason)))?
            .code();
        if password.chars().count() < 4 {
            return Err(Error::Usage(
                "password must have at least 4 characters".into(),
            ));
        }
        if self.db.read(|tx| Ok(tx.user_by_name(username)?))?.is_some() {
            return Err(Error::Usage(format!("user {username} already exists")));
        }
        let rows = areas
            .iter()
            .map(|a| self.resolve_area(a))
            .collect::<Result<Vec<_>>>()?;
        Self::check_areas_fit(role, &rows)?;
        let id = new_uuid(self.entropy);
        // The password is hashed first and stored in the user's own transaction: a user is never
        // left without the password they were created with.
        let hash = auth::hash_password(password, self.entropy, self.cost)?;
        self.write_then(
            vec![AdminChange {
                entity: entity::USER.into(),
                id: id.clone(),
                op: Op::Upsert,
                payload: json!({"fields": {
                    "username": username,
                    "display_name": display_name,
                    "role": role,
                    "active": true,
                    "areas": rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
                }}),
                hlc: None,
            }],
            |tx| {
                let mut u = tx
                    .user_by_id(&id)?
                    .ok_or_else(|| Error::Usage("user vanished".into()))?;
                u.password_hash = Some(hash);
                tx.upsert_user(&u)?;
                Ok(())
            },
        )?;
        Ok(id)
    }

    fn set_password_of(&self, user_id: &str, password: &str) -> Result<()> {
        let hash = auth::hash_password(password, self.entropy, self.cost)?;
        self.db.write(|tx| {
            let mut u = tx
                .user_by_id(user_id)?
                .ok_or_else(|| Error::Usage("user vanished".into()))?;
            u.password_hash = Some(hash.clone());
            tx.upsert_user(&u)?;
            Ok(())
        })
    }

    pub fn set_password(&self, username: &str, password: &str) -> Result<()> {
        let u = self.user(username)?;
        self.set_password_of(&u.id, password)
    }

    /// Replaces a user's areas (devices learn it on their next pull).
    pub fn assign(&self, username: &str, areas: &[String]) -> Result<()> {
        let u = self.user(username)?;
        let rows = areas
            .iter()
            .map(|a| self.resolve_area(a))
            .collect::<Result<Vec<_>>>()?;
        Self::check_areas_fit(&u.role, &rows)?;
        self.write(vec![AdminChange {
            entity: entity::USER.into(),
            id: u.id,
            op: Op::Upsert,
            payload: json!({"fields": {"areas": rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>()}}),
            hlc: None,
        }])?;
        Ok(())
    }

    /// Disables a user: no login, every token revoked. The last active admin stays: nobody would
    /// be left to enable anyone again (the dashboard's administration needs an admin).
    pub fn disable(&self, username: &str) -> Result<()> {
        let u = self.user(username)?;
        let is_admin = u.role == "admin";
        let change = AdminChange {
            entity: entity::USER.into(),
            id: u.id,
            op: Op::Upsert,
            payload: json!({"fields": {"active": false}}),
            hlc: None,
        };
        self.write_then(vec![change], |tx| {
            // Checked after the write, in its transaction: two admins disabling each other at
            // once cannot both succeed.
            let admins_left = tx
                .users()?
                .iter()
                .any(|x| x.role == "admin" && x.active && !x.username.starts_with('_'));
            if is_admin && !admins_left {
                return Err(Error::Usage(format!(
                    "{username} is the last active admin; add another admin first"
                )));
            }
            Ok(())
        })?;
        Ok(())
    }

    pub fn devices(&self) -> Result<Vec<(DeviceRow, String)>> {
        self.db.read(|tx| {
            let mut out = Vec::new();
            for d in tx.devices()? {
                let name = tx
                    .user_by_id(&d.user_id)?
                    .map(|u| u.username)
                    .unwrap_or_default();
                if name != "_server" {
                    out.push((d, name));
                }
            }
            Ok(out)
        })
    }

    /// Revokes a device and every token issued to it.
    pub fn revoke_device(&self, device: &str) -> Result<u64> {
        let now = self.clock.now_ms();
        let device = device.trim().to_ascii_lowercase();
        self.db.write(|tx| {
            if tx.device(&device, true)?.is_none() {
                return Err(Error::Usage(format!("no device {device}")));
            }
            tx.revoke_device(&device, now)?;
            Ok(tx.revoke_tokens(TokenFilter::Device(&device), now)?)
        })
    }

    /// Revokes tokens: one (by its text), a device's, or a user's.
    pub fn revoke_tokens(&self, which: TokenFilter<'_>) -> Result<u64> {
        let now = self.clock.now_ms();
        let hash;
        let which = match which {
            TokenFilter::Hash(token) => {
                hash = auth::token_hash(token.trim());
                TokenFilter::Hash(&hash)
            }
            TokenFilter::User(name) => {
                let u = self.user(name)?;
                return self
                    .db
                    .write(|tx| Ok(tx.revoke_tokens(TokenFilter::User(&u.id), now)?));
            }
            other => other,
        };
        self.db.write(|tx| Ok(tx.revoke_tokens(which, now)?))
    }

    pub fn users(&self) -> Result<Vec<(UserRow, Vec<String>)>> {
        self.db.read(|tx| {
            let mut out = Vec::new();
            for u in tx.users()? {
                if u.username == "_server" {
                    continue;
                }
                let areas = tx.user_areas(&u.id)?;
                out.push((u, areas));
            }
            Ok(out)
        })
    }
}
