//! The client's control flow against the real server: a sync cancelled in the middle of a first
//! snapshot stops between two commits and the next sync resumes where it stopped; a sync whose
//! requests are lost is retried with backoff (the listener hears it) and succeeds; a sync that
//! keeps failing gives up after its tries and keeps the error for the sync screen.

use ilp_e2e::proxy::{Fault, Proxy};
use ilp_e2e::{DemoServer, Device, dump, first_difference};
use ilp_sync::backoff::Backoff;
use ilp_sync::engine::{CancelToken, ProgressListener, SyncOptions, SyncProgress, SyncStage};
use ilp_sync::error::SyncError;
use std::sync::Mutex;
use std::time::Duration;

/// Cancels the sync after hearing `after` snapshot pages.
struct CancelAfter {
    cancel: CancelToken,
    after: usize,
    heard: Mutex<Vec<SyncStage>>,
}

impl ProgressListener for CancelAfter {
    fn on_progress(&self, p: &SyncProgress) {
        let mut heard = self.heard.lock().unwrap();
        heard.push(p.stage.clone());
        if heard.iter().filter(|s| **s == SyncStage::Snapshot).count() > self.after {
            self.cancel.cancel();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_snapshot_resumes_where_it_stopped() {
    let server = DemoServer::start(30).await;
    let options = SyncOptions {
        snapshot_page: 200,
        ..SyncOptions::default()
    };
    let device = Device::login(&server.base, "bidan.oesapa.1", options).await;
    let listener = CancelAfter {
        cancel: CancelToken::new(),
        after: 3,
        heard: Mutex::new(Vec::new()),
    };
    let outcome = device.syncer.sync_once(&listener, &listener.cancel).await;
    assert!(matches!(outcome, Err(SyncError::Cancelled)), "{outcome:?}");
    let heard = listener.heard.lock().unwrap().clone();
    assert_eq!(heard.first(), Some(&SyncStage::Idle), "current state first");
    assert_eq!(heard.last(), Some(&SyncStage::Failed));
    let state = device.store().sync_state().unwrap();
    assert!(
        state.snapshot.is_some(),
        "the snapshot's resume point was kept"
    );
    assert!(state.cursor.is_none());
    assert!(state.last_error.is_some_and(|e| e.contains("cancel")));
    let partial: usize = dump(device.store()).values().map(|t| t.len()).sum();
    assert!(partial > 0, "the pages before the cancel were committed");
    assert!(device.store().integrity_check().unwrap().is_empty());

    // The next sync resumes: fewer snapshot records than a whole first sync.
    let rest = device.sync().await.unwrap();
    let whole = Device::login(&server.base, "bidan.oesapa.1", options).await;
    let full = whole.sync().await.unwrap();
    assert!(
        rest.snapshot_records < full.snapshot_records,
        "resumed {} of {}",
        rest.snapshot_records,
        full.snapshot_records
    );
    assert_eq!(
        first_difference(&dump(device.store()), &dump(whole.store())),
        None
    );
    let state = device.store().sync_state().unwrap();
    assert!(state.snapshot.is_none() && state.cursor.is_some());
    assert!(state.last_error.is_none() && state.last_success_ms.is_some());
}

/// Records the stages it hears.
#[derive(Default)]
struct Stages(Mutex<Vec<SyncStage>>);

impl ProgressListener for Stages {
    fn on_progress(&self, p: &SyncProgress) {
        self.0.lock().unwrap().push(p.stage.clone());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_requests_are_retried_with_backoff_until_the_tries_run_out() {
    let server = DemoServer::start(8).await;
    let proxy = Proxy::start(&server.base).await;
    let options = SyncOptions {
        backoff: Backoff {
            base: Duration::from_millis(5),
            max: Duration::from_millis(20),
            max_attempts: 3,
        },
        ..SyncOptions::default()
    };
    let device = Device::login(&proxy.base, "kader.rw001.a", options).await;

    // Two lost requests, then the link is back: the third try succeeds.
    proxy.plan([Fault::LoseRequest, Fault::LoseRequest]);
    let stages = Stages::default();
    let mut draws = 0u64;
    let mut random = || {
        draws += 1;
        draws * 7919
    };
    let report = device
        .syncer
        .sync(&stages, &CancelToken::new(), &mut random)
        .await
        .unwrap();
    assert!(report.pulled > 0);
    let heard = stages.0.lock().unwrap().clone();
    let retries: Vec<&SyncStage> = heard
        .iter()
        .filter(|s| matches!(s, SyncStage::Retrying { .. }))
        .collect();
    assert_eq!(retries.len(), 2, "{heard:?}");
    assert!(matches!(retries[0], SyncStage::Retrying { attempt: 1, delay_ms } if *delay_ms <= 5));
    assert_eq!(heard.last(), Some(&SyncStage::Done));

    // The link stays down: three tries, then the error, kept for the sync screen.
    proxy.plan([Fault::LoseRequest; 5]);
    let outcome = device
        .syncer
        .sync(&Stages::default(), &CancelToken::new(), &mut random)
        .await;
    assert!(
        matches!(&outcome, Err(e) if e.is_retryable()),
        "{outcome:?}"
    );
    let state = device.store().sync_state().unwrap();
    assert!(state.last_error.is_some());
    proxy.clear_plan();
    let lost = proxy
        .seen()
        .iter()
        .filter(|(_, f)| *f == Fault::LoseRequest)
        .count();
    assert_eq!(lost, 2 + 3, "two lost before success, three tries after");
}
