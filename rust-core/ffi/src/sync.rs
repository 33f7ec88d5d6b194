//! Sync through the FFI: the online login that makes a phone's store a device of its user (and
//! opens it), `sync_now` as an async call with a listener that hears the current state first,
//! cancel, the sync status screen, logout (the token goes, unsynced records stay) and the offline
//! PIN. The work itself is `ilp_sync`'s; store calls run on tokio's blocking pool, never on the
//! caller's thread.

use crate::error::IlpError;
use crate::{IlpCore, OpenConfig, now};
use ilp_sync::engine::{self, CancelToken, SyncOptions, SyncStage, Syncer};
use ilp_sync::error::SyncError;
use ilp_sync::session::{self, PinCost};
use std::sync::Arc;

/// Where a sync is.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum SyncPhase {
    Idle,
    Pushing,
    Snapshot,
    Pulling,
    Retrying { attempt: u32, delay_ms: u64 },
    Done,
    Failed,
}

/// What the sync listener hears; counts are for the running sync, `pending` and `refused_total`
/// for the phone.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct SyncProgressView {
    pub phase: SyncPhase,
    pub pushed: u64,
    pub refused: u64,
    pub pulled: u64,
    pub pending: i64,
    pub refused_total: i64,
    pub last_success_ms: Option<i64>,
    pub error: Option<String>,
}

/// Implemented by the app (a ViewModel feeding a StateFlow / an @Observable).
#[uniffi::export(with_foreign)]
pub trait SyncListener: Send + Sync {
    fn on_progress(&self, progress: SyncProgressView);
}

/// What one sync did.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct SyncSummary {
    pub pushed: u64,
    pub refused: u64,
    pub pulled: u64,
    pub snapshot_records: u64,
    pub round_trips: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

/// A change the server refused, for the sync screen (ids and the reason, no health data).
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct RefusedChange {
    pub seq: i64,
    pub entity: String,
    pub entity_id: String,
    pub code: String,
    pub reason: String,
    pub created_at_ms: i64,
}

/// The sync screen.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct SyncStatusView {
    pub server_url: Option<String>,
    /// False after logout or when the login expired: sync needs an online login first.
    pub can_sync: bool,
    pub last_success_ms: Option<i64>,
    pub last_error: Option<String>,
    pub pending: i64,
    pub refused: Vec<RefusedChange>,
    pub has_offline_pin: bool,
}

impl From<SyncError> for IlpError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Store(s) => s.into(),
            SyncError::Network(reason) => IlpError::Network { reason },
            SyncError::Server { message, .. } => IlpError::Network {
                reason: format!("the server had a problem: {message}"),
            },
            SyncError::Auth { message, .. } => IlpError::Auth { reason: message },
            SyncError::NoSession => IlpError::Auth {
                reason: "log in online first".into(),
            },
            SyncError::WrongPin => IlpError::Auth {
                reason: "wrong PIN".into(),
            },
            SyncError::InvalidPin(reason) => crate::error::validation("pin", reason),
            SyncError::InvalidServerUrl(reason) => crate::error::validation("server_url", reason),
            SyncError::ClockSkew { message } => crate::error::validation("device_time", message),
            SyncError::Cancelled => IlpError::Conflict {
                reason: "sync cancelled".into(),
            },
            SyncError::Refused { message, code, .. } => IlpError::Conflict {
                reason: format!("{message} ({code})"),
            },
            SyncError::Protocol(reason) => IlpError::Network { reason },
        }
    }
}

struct PhoneClock;

impl engine::Clock for PhoneClock {
    fn now(&self) -> ilp_model::Timestamp {
        now()
    }
}

/// The sync of a phone's store with the phone's clock and the default options.
pub(crate) fn syncer_for(store: Arc<ilp_store::Store>) -> Syncer {
    Syncer::new(store, Arc::new(PhoneClock), SyncOptions::default())
}

struct Forward(Arc<dyn SyncListener>);

impl engine::ProgressListener for Forward {
    fn on_progress(&self, p: &engine::SyncProgress) {
        self.0.on_progress(SyncProgressView {
            phase: match p.stage.clone() {
                SyncStage::Idle => SyncPhase::Idle,
                SyncStage::Pushing => SyncPhase::Pushing,
                SyncStage::Snapshot => SyncPhase::Snapshot,
                SyncStage::Pulling => SyncPhase::Pulling,
                SyncStage::Retrying { attempt, delay_ms } => {
                    SyncPhase::Retrying { attempt, delay_ms }
                }
                SyncStage::Done => SyncPhase::Done,
                SyncStage::Failed => SyncPhase::Failed,
            },
            pushed: p.pushed,
            refused: p.refused,
            pulled: p.pulled,
            pending: p.pending,
            refused_total: p.refused_total,
            last_success_ms: p.last_success_ms,
            error: p.error.clone(),
        });
    }
}

/// First login of a user on this phone (or again after logout or expiry): opens or creates the
/// user's own store (`config.db_path`, one per user on a shared phone), logs in online, keeps
/// the session, and returns the core opened for that user. Sync next to fetch the area.
#[uniffi::export(async_runtime = "tokio")]
pub async fn login_online(
    config: OpenConfig,
    server_url: String,
    secret: String,
    device_name: Option<String>,
) -> Result<Arc<IlpCore>, IlpError> {
    let username = config.username.clone();
    let (store, report) = crate::open_store(&config)?;
    let syncer = Syncer::new(
        Arc::new(store),
        Arc::new(PhoneClock),
        SyncOptions::default(),
    );
    syncer
        .login(&server_url, &username, &secret, device_name)
        .await?;
    let store = Arc::try_unwrap(syncer.into_store()).map_err(|_| IlpError::Storage {
        reason: "the store is still in use".into(),
    })?;
    IlpCore::with_store((store, report), &config)
}

#[uniffi::export(async_runtime = "tokio")]
impl IlpCore {
    /// Pushes what waits, then fetches the area's changes (a snapshot on the first sync),
    /// retrying with backoff when the network fails. The listener hears the current state first.
    pub async fn sync_now(
        self: Arc<Self>,
        listener: Arc<dyn SyncListener>,
    ) -> Result<SyncSummary, IlpError> {
        let cancel = CancelToken::new();
        *self.sync_cancel.lock().unwrap_or_else(|e| e.into_inner()) = Some(cancel.clone());
        let syncer = &self.syncer;
        let mut seed = now().millis() as u64 | 1;
        let mut random = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let outcome = syncer.sync(&Forward(listener), &cancel, &mut random).await;
        *self.sync_cancel.lock().unwrap_or_else(|e| e.into_inner()) = None;
        let report = outcome?;
        // The area may have grown or shrunk (assignment changed, RTs arrived with the sync).
        self.refresh_scope()?;
        Ok(SyncSummary {
            pushed: report.pushed,
            refused: report.refused,
            pulled: report.pulled,
            snapshot_records: report.snapshot_records,
            round_trips: report.wire.round_trips,
            bytes_sent: report.wire.bytes_sent,
            bytes_received: report.wire.bytes_received,
        })
    }

    /// Logs out: the server revokes the token when it can be reached; unsynced records stay and
    /// go with the next login's sync.
    pub async fn logout(self: Arc<Self>) -> Result<(), IlpError> {
        Ok(self.syncer.logout().await?)
    }
}

#[uniffi::export]
impl IlpCore {
    /// Stops a running sync between two commits (what was committed stays).
    pub fn cancel_sync(&self) {
        if let Some(c) = self
            .sync_cancel
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            c.cancel();
        }
    }

    pub fn sync_status(&self) -> Result<SyncStatusView, IlpError> {
        let state = self.store.sync_state()?;
        let session = session::load_session(&self.store)?;
        let refused = self
            .store
            .refused_entries()?
            .into_iter()
            .map(|r| RefusedChange {
                seq: r.seq,
                entity: r.entity,
                entity_id: r.entity_id,
                code: r.code,
                reason: r.reason,
                created_at_ms: r.created_at.millis(),
            })
            .collect();
        Ok(SyncStatusView {
            server_url: session.as_ref().map(|s| s.server_url.clone()),
            can_sync: session.as_ref().is_some_and(|s| s.token_at(now()).is_ok()),
            last_success_ms: state.last_success_ms,
            last_error: state.last_error,
            pending: state.pending,
            refused,
            has_offline_pin: session::has_pin(&self.store)?,
        })
    }

    /// Sets the PIN for offline logins (4 to 12 digits).
    pub fn set_offline_pin(&self, pin: String) -> Result<(), IlpError> {
        let mut salt = [0u8; 16];
        let mut entropy = ilp_store::OsEntropy;
        salt.copy_from_slice(&ilp_store::Entropy::bytes16(&mut entropy));
        Ok(session::set_pin(
            &self.store,
            &pin,
            salt,
            PinCost::default(),
        )?)
    }

    /// Offline login: checks the PIN against the verifier kept since the online login.
    pub fn verify_offline_pin(&self, pin: String) -> Result<(), IlpError> {
        Ok(session::verify_pin(&self.store, &pin)?)
    }
}
