//! The device's sync: push the outbox in bounded batches, then (first time) a snapshot of the
//! user's area or the change feed page by page, each page committed with its cursor; then prune
//! what the server acknowledged. Progress goes to a listener that hears the current state first;
//! a failed try is retried with backoff; a cancel stops between two commits, never inside one.
//!
//! Store calls run on tokio's blocking pool (`spawn_blocking`): a commit never blocks the runtime
//! a caller's async code runs on.

use crate::backoff::Backoff;
use crate::error::SyncError;
use crate::http::{SyncClient, WireStats};
use crate::protocol::{
    FeedChange, LoginRequest, MAX_PULL_CHANGES, MAX_SNAPSHOT_RECORDS, Op, PROTOCOL_VERSION,
    PullRequest, SnapshotRequest, SnapshotResume, areas_digest,
};
use crate::push::{PushLimits, build_push_batch};
use crate::session::{self, Session};
use ilp_model::{AreaId, Hlc, Role, Timestamp};
use ilp_store::outbox::OutboxOp;
use ilp_store::{PushRefusal, RemoteChange, SnapshotProgress, Store, SyncKey};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Notify;

/// The wall clock, passed in so tests fix it.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The phone's clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_datetime(time::OffsetDateTime::now_utc())
    }
}

/// Where a sync is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncStage {
    /// Not syncing: the state as it stands (the first thing a listener hears).
    Idle,
    Pushing,
    /// First sync of the area from a server-built snapshot.
    Snapshot,
    Pulling,
    /// A try failed in a way worth retrying; the next starts after `delay_ms`.
    Retrying {
        attempt: u32,
        delay_ms: u64,
    },
    Done,
    Failed,
}

/// What a listener hears. Counts are for this run, `pending`/`refused_total` for the store.
#[derive(Clone, Debug, PartialEq)]
pub struct SyncProgress {
    pub stage: SyncStage,
    pub pushed: u64,
    pub refused: u64,
    pub pulled: u64,
    pub pending: i64,
    pub refused_total: i64,
    pub last_success_ms: Option<i64>,
    /// The last failure, in words a user can act on (no health data).
    pub error: Option<String>,
}

pub trait ProgressListener: Send + Sync {
    fn on_progress(&self, progress: &SyncProgress);
}

/// A listener that hears nothing.
pub struct Silent;

impl ProgressListener for Silent {
    fn on_progress(&self, _: &SyncProgress) {}
}

/// Cancels a running sync from another thread or task.
#[derive(Clone, Default)]
pub struct CancelToken(Arc<(AtomicBool, Notify)>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.0.store(true, Ordering::SeqCst);
        self.0.1.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.0.load(Ordering::SeqCst)
    }

    async fn cancelled(&self) {
        loop {
            let notified = self.0.1.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }

    /// Runs `fut` unless cancelled first.
    async fn guard<T>(
        &self,
        fut: impl Future<Output = Result<T, SyncError>>,
    ) -> Result<T, SyncError> {
        if self.is_cancelled() {
            return Err(SyncError::Cancelled);
        }
        tokio::select! {
            _ = self.cancelled() => Err(SyncError::Cancelled),
            r = fut => r,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncOptions {
    pub push: PushLimits,
    pub pull_page: u32,
    pub snapshot_page: u32,
    /// A first sync starts from a snapshot of the area rather than the feed from its start.
    pub snapshot_first: bool,
    pub backoff: Backoff,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            push: PushLimits::default(),
            pull_page: 2000,
            snapshot_page: 5000,
            snapshot_first: true,
            backoff: Backoff::default(),
        }
    }
}

/// What one sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pushed: u64,
    pub refused: u64,
    pub pulled: u64,
    pub snapshot_records: u64,
    pub pages: u64,
    pub dropped: u64,
    pub wire: WireStats,
}

/// The sync of one device store.
pub struct Syncer {
    store: Arc<Store>,
    clock: Arc<dyn Clock>,
    options: SyncOptions,
    /// One HTTP client for the Syncer's life: its connections (and TLS sessions) are reused
    /// from one sync to the next instead of a new handshake every time.
    client: std::sync::Mutex<Option<SyncClient>>,
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, SyncError> + Send + 'static,
) -> Result<T, SyncError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| SyncError::Protocol(format!("a store task failed: {e}")))?
}

fn add(total: &mut WireStats, more: WireStats) {
    total.round_trips += more.round_trips;
    total.bytes_sent += more.bytes_sent;
    total.bytes_received += more.bytes_received;
}

fn to_remote(c: FeedChange) -> Result<RemoteChange, SyncError> {
    let hlc: Hlc = c
        .hlc
        .parse()
        .map_err(|e| SyncError::Protocol(format!("a change has a bad clock stamp: {e}")))?;
    Ok(RemoteChange {
        entity: c.entity,
        entity_id: c.entity_id,
        op: match c.op {
            Op::Upsert => OutboxOp::Upsert,
            Op::Append => OutboxOp::Append,
        },
        hlc,
        payload: c.payload,
    })
}

fn user_scope(user: &crate::protocol::UserInfo) -> Result<(Role, Vec<AreaId>), SyncError> {
    let role = Role::parse("role", &user.role)
        .map_err(|e| SyncError::Protocol(format!("the server's user: {e}")))?;
    let areas = user
        .areas
        .iter()
        .map(|a| a.parse())
        .collect::<Result<Vec<AreaId>, _>>()
        .map_err(|_| SyncError::Protocol("the server's user has a malformed area id".into()))?;
    Ok((role, areas))
}

impl Syncer {
    pub fn new(store: Arc<Store>, clock: Arc<dyn Clock>, options: SyncOptions) -> Self {
        Self {
            store,
            clock,
            options,
            client: std::sync::Mutex::new(None),
        }
    }

    /// The client for `server_url`, kept from the last sync when it is the same server.
    fn client_for(&self, server_url: &str) -> Result<SyncClient, SyncError> {
        let base = crate::http::normalize_url(server_url)?;
        let mut kept = self.client.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = kept.as_ref().filter(|c| c.base_url() == base) {
            return Ok(c.clone());
        }
        let fresh = SyncClient::new(&base)?;
        *kept = Some(fresh.clone());
        Ok(fresh)
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    pub fn into_store(self) -> Arc<Store> {
        self.store
    }

    fn today(&self, now: Timestamp) -> time::Date {
        now.date_at(self.store.utc_offset())
    }

    /// Online login: registers this store's device for the user and keeps the session. The
    /// store must be the user's own (a shared phone has one store per user).
    pub async fn login(
        &self,
        server_url: &str,
        username: &str,
        secret: &str,
        device_name: Option<String>,
    ) -> Result<Session, SyncError> {
        let client = self.client_for(server_url)?;
        if let Some(existing) = session::load_session(&self.store)?
            && !existing.user.username.eq_ignore_ascii_case(username.trim())
        {
            return Err(SyncError::Auth {
                code: "other_user".into(),
                message: format!(
                    "this device store belongs to {}; open the store of {} instead",
                    existing.user.username,
                    username.trim()
                ),
            });
        }
        let (resp, _) = client
            .login(&LoginRequest {
                protocol: PROTOCOL_VERSION,
                username: username.trim().to_string(),
                secret: secret.to_string(),
                device_id: self.store.device().to_string(),
                device_name,
            })
            .await?;
        let session = Session {
            server_url: client.base_url().to_string(),
            token: Some(resp.token),
            expires_at_ms: resp.expires_at_ms,
            user: resp.user,
            logged_in_at_ms: self.clock.now().millis(),
        };
        let store = self.store.clone();
        let saved = session.clone();
        blocking(move || session::save_session(&store, &saved)).await?;
        Ok(session)
    }

    /// Logout: revokes the token on the server when reachable, forgets it here either way; the
    /// outbox and the records stay.
    pub async fn logout(&self) -> Result<(), SyncError> {
        let Some(session) = session::load_session(&self.store)? else {
            return Ok(());
        };
        if let Some(token) = &session.token
            && let Ok(client) = self.client_for(&session.server_url)
        {
            // Offline logout is allowed: the token then expires on its own.
            let _ = client.logout(token).await;
        }
        let store = self.store.clone();
        blocking(move || session::forget_token(&store).map(|_| ())).await
    }

    fn progress(
        &self,
        stage: SyncStage,
        report: &SyncReport,
        error: Option<String>,
    ) -> Result<SyncProgress, SyncError> {
        let state = self.store.sync_state()?;
        Ok(SyncProgress {
            stage,
            pushed: report.pushed,
            refused: report.refused,
            pulled: report.pulled,
            pending: state.pending,
            refused_total: state.refused,
            last_success_ms: state.last_success_ms,
            error: error.or(state.last_error),
        })
    }

    fn emit(&self, listener: &dyn ProgressListener, stage: SyncStage, report: &SyncReport) {
        if let Ok(p) = self.progress(stage, report, None) {
            listener.on_progress(&p);
        }
    }

    /// Syncs, retrying with backoff when the network or the server fails; `random` draws the
    /// jitter. The outcome (success time or the error) is kept for the sync screen.
    pub async fn sync(
        &self,
        listener: &dyn ProgressListener,
        cancel: &CancelToken,
        random: &mut (dyn FnMut() -> u64 + Send),
    ) -> Result<SyncReport, SyncError> {
        let mut attempt = 0;
        loop {
            match self.sync_once(listener, cancel).await {
                Ok(report) => return Ok(report),
                Err(e) => {
                    attempt += 1;
                    if e.is_retryable() && self.options.backoff.allows_retry(attempt) {
                        let delay = self.options.backoff.delay(attempt, random());
                        self.emit(
                            listener,
                            SyncStage::Retrying {
                                attempt,
                                delay_ms: delay.as_millis() as u64,
                            },
                            &SyncReport::default(),
                        );
                        cancel
                            .guard(async {
                                tokio::time::sleep(delay).await;
                                Ok(())
                            })
                            .await?;
                        continue;
                    }
                    return Err(e);
                }
            }
        }
    }

    /// One try: push, then snapshot or pull, then prune. Keeps the outcome for the sync screen.
    pub async fn sync_once(
        &self,
        listener: &dyn ProgressListener,
        cancel: &CancelToken,
    ) -> Result<SyncReport, SyncError> {
        self.emit(listener, SyncStage::Idle, &SyncReport::default());
        let mut report = SyncReport::default();
        let outcome = self.run(listener, cancel, &mut report).await;
        let store = self.store.clone();
        let now = self.clock.now();
        match &outcome {
            Ok(()) => {
                blocking(move || {
                    store.set_sync_meta(SyncKey::LastSuccess, Some(&now.millis().to_string()))?;
                    store.set_sync_meta(SyncKey::LastError, None)?;
                    Ok(())
                })
                .await?;
                self.emit(listener, SyncStage::Done, &report);
            }
            Err(e) => {
                let text = e.to_string();
                let kept = text.clone();
                // Keeping the error is best effort: the sync already failed.
                let _ = blocking(move || {
                    store
                        .set_sync_meta(SyncKey::LastError, Some(&kept))
                        .map_err(SyncError::from)
                })
                .await;
                if let Ok(p) = self.progress(SyncStage::Failed, &report, Some(text)) {
                    listener.on_progress(&p);
                }
            }
        }
        outcome.map(|()| report)
    }

    async fn run(
        &self,
        listener: &dyn ProgressListener,
        cancel: &CancelToken,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let mut session = session::load_session(&self.store)?.ok_or(SyncError::NoSession)?;
        let token = session.token()?.to_string();
        let client = self.client_for(&session.server_url)?;

        // Push: everything pending, batch by batch, each acknowledged before the next.
        self.emit(listener, SyncStage::Pushing, report);
        loop {
            let store = self.store.clone();
            let (limits, now) = (self.options.push, self.clock.now());
            let Some(batch) =
                blocking(move || Ok(build_push_batch(&store, 0, limits, now)?)).await?
            else {
                break;
            };
            let first = batch.changes[0].seq;
            let sent = batch.changes.len() as u64;
            let (resp, wire) = cancel.guard(client.push(&token, &batch)).await?;
            add(&mut report.wire, wire);
            if resp.stored_through < first {
                return Err(SyncError::Protocol(format!(
                    "the server stored nothing of a batch from {first} (it answered {})",
                    resp.stored_through
                )));
            }
            let refusals: Vec<PushRefusal> = resp
                .refused
                .iter()
                .map(|r| PushRefusal {
                    seq: r.seq,
                    code: r.code.clone(),
                    reason: r.reason.clone(),
                })
                .collect();
            report.refused += refusals.len() as u64;
            report.pushed += sent;
            let store = self.store.clone();
            let through = resp.stored_through;
            blocking(move || {
                store.record_push_result(through, &refusals)?;
                // The server took the phone's time: a clock left far ahead by a wrong date
                // restarts, so what is recorded from now on is not refused.
                store.clock_confirmed(now)?;
                Ok(())
            })
            .await?;
            self.emit(listener, SyncStage::Pushing, report);
        }

        // The area: a snapshot first time (or after the scope grew), then the feed. A scope that
        // grows during the pull restarts from a snapshot once, so the new areas' records come.
        let mut restarted = false;
        while self
            .fetch(listener, cancel, &token, &client, &mut session, report)
            .await?
        {
            if restarted {
                return Err(SyncError::Protocol(
                    "the user's areas changed twice during one sync; sync again".into(),
                ));
            }
            restarted = true;
            let store = self.store.clone();
            blocking(move || Ok(store.restart_feed()?)).await?;
        }

        let store = self.store.clone();
        blocking(move || Ok(store.prune_acked()?)).await?;
        Ok(())
    }

    /// Snapshot (when there is no cursor) and feed pages until the feed is drained. Returns true
    /// when the user's scope grew on the way, so the caller restarts from a snapshot.
    async fn fetch(
        &self,
        listener: &dyn ProgressListener,
        cancel: &CancelToken,
        token: &str,
        client: &SyncClient,
        session: &mut Session,
        report: &mut SyncReport,
    ) -> Result<bool, SyncError> {
        // First sync: a snapshot of the area, page by page, resumable.
        let state = self.store.sync_state()?;
        let mut cursor = state.cursor.clone();
        if cursor.is_none() && (self.options.snapshot_first || state.snapshot.is_some()) {
            self.emit(listener, SyncStage::Snapshot, report);
            let mut resume = state
                .snapshot
                .clone()
                .map(|(cursor, after_key)| SnapshotResume { cursor, after_key });
            loop {
                let req = SnapshotRequest {
                    protocol: PROTOCOL_VERSION,
                    device_id: self.store.device().to_string(),
                    resume: resume.clone(),
                    max_records: self.options.snapshot_page.clamp(1, MAX_SNAPSHOT_RECORDS),
                };
                let (page, wire) = cancel.guard(client.snapshot(token, &req)).await?;
                add(&mut report.wire, wire);
                report.pages += 1;
                let n = page.records.len() as u64;
                let records = page
                    .records
                    .into_iter()
                    .map(to_remote)
                    .collect::<Result<Vec<_>, _>>()?;
                let progress = if page.more {
                    SnapshotProgress::Resume {
                        cursor: page.cursor.clone(),
                        after_key: page.last_key.clone(),
                    }
                } else {
                    SnapshotProgress::Done {
                        cursor: page.cursor.clone(),
                    }
                };
                let store = self.store.clone();
                let now = self.clock.now();
                let today = self.today(now);
                blocking(move || Ok(store.apply_snapshot_page(now, today, &records, progress)?))
                    .await?;
                report.snapshot_records += n;
                report.pulled += n;
                if self.follow_scope(session, &page.areas, report).await? {
                    return Ok(true);
                }
                self.emit(listener, SyncStage::Snapshot, report);
                if !page.more {
                    cursor = Some(page.cursor);
                    break;
                }
                resume = Some(SnapshotResume {
                    cursor: page.cursor,
                    after_key: page.last_key,
                });
            }
        }

        // The feed, page by page; each page commits with its cursor.
        self.emit(listener, SyncStage::Pulling, report);
        loop {
            let req = PullRequest {
                protocol: PROTOCOL_VERSION,
                device_id: self.store.device().to_string(),
                cursor: cursor.clone(),
                max_changes: self.options.pull_page.clamp(1, MAX_PULL_CHANGES),
                areas_digest: Some(areas_digest(&session.user.areas)),
            };
            let (page, wire) = cancel.guard(client.pull(token, &req)).await?;
            add(&mut report.wire, wire);
            report.pages += 1;
            let n = page.changes.len() as u64;
            let unchanged_cursor = cursor.as_deref() == Some(page.next_cursor.as_str());
            if n > 0 || !unchanged_cursor {
                let changes = page
                    .changes
                    .into_iter()
                    .map(to_remote)
                    .collect::<Result<Vec<_>, _>>()?;
                let store = self.store.clone();
                let now = self.clock.now();
                let today = self.today(now);
                let next = page.next_cursor.clone();
                blocking(move || Ok(store.apply_pull_page(now, today, &changes, &next)?)).await?;
                report.pulled += n;
            }
            cursor = Some(page.next_cursor);
            if let Some(areas) = &page.areas
                && self.follow_scope(session, areas, report).await?
            {
                return Ok(true);
            }
            self.emit(listener, SyncStage::Pulling, report);
            if !page.more {
                break;
            }
        }

        Ok(false)
    }

    /// The server says which areas the user now has; when they changed, records that left the
    /// scope go (those with unacknowledged changes stay until the server has them). Returns
    /// whether an area was added (its records must come from a snapshot).
    async fn follow_scope(
        &self,
        session: &mut Session,
        areas: &[String],
        report: &mut SyncReport,
    ) -> Result<bool, SyncError> {
        let mut now_areas = areas.to_vec();
        let mut had = session.user.areas.clone();
        now_areas.sort();
        had.sort();
        if now_areas == had {
            return Ok(false);
        }
        let grew = now_areas.iter().any(|a| had.binary_search(a).is_err());
        session.user.areas = areas.to_vec();
        let (role, ids) = user_scope(&session.user)?;
        let store = self.store.clone();
        let saved = session.clone();
        let dropped = blocking(move || {
            let dropped = store.drop_outside_scope(role, &ids)?;
            session::save_session(&store, &saved)?;
            Ok(dropped)
        })
        .await?;
        report.dropped += dropped.households as u64;
        Ok(grew)
    }
}
