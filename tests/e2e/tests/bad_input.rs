//! Bad input seen from the device, through the real client over loopback (the raw HTTP refusals
//! are in `server/tests/server.rs`): a phone whose date is a year ahead or behind is told to fix
//! it and nothing of its push is stored; once fixed it syncs (a year ahead: what it recorded with
//! the wrong date is refused with its reason, what it records afterwards is stored); a revoked token makes `sync` fail
//! with an auth error, logout keeps the outbox, and a new login pushes it once.

use ilp_e2e::model::{edit_household, feed_count, households_of, persons_of, visit};
use ilp_e2e::{DemoServer, Device};
use ilp_server::storage::TokenFilter;
use ilp_store::SyncKey;
use ilp_sync::engine::SyncOptions;
use ilp_sync::error::SyncError;

const YEAR_MS: i64 = 365 * 24 * 3600 * 1000;

fn now_ms() -> i64 {
    ilp_server::clock::Clock::now_ms(&ilp_server::clock::SystemClock)
}

fn feed_head(server: &DemoServer) -> i64 {
    server.state.db.read(|tx| Ok(tx.feed_head(false)?)).unwrap()
}

/// A phone a year behind: its push is refused as a whole with `ClockSkew` (nothing stored, the
/// outbox untouched, the error kept for the sync screen); after the date is fixed the same
/// changes go through once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_a_year_behind_is_told_and_syncs_once_fixed() {
    let server = DemoServer::start(8).await;
    let kader = Device::login(
        &server.base,
        &server.usernames("kader")[0],
        SyncOptions::default(),
    )
    .await;
    kader.sync().await.unwrap();
    let person = persons_of(kader.store())[0];
    let (household, _) = households_of(kader.store())[0];

    kader.clock.set(now_ms() - YEAR_MS);
    let events = visit(&kader, person, "tanggal salah");
    edit_household(&kader, household, |h| h.notes = Some("tahun lalu".into()));
    let pending = kader.store().sync_state().unwrap().pending;
    let head = feed_head(&server);
    let err = kader.sync().await.unwrap_err();
    assert!(matches!(err, SyncError::ClockSkew { .. }), "{err:?}");
    assert!(
        !err.is_retryable(),
        "retrying cannot help: the user must fix the date"
    );
    assert_eq!(feed_head(&server), head, "nothing stored");
    let state = kader.store().sync_state().unwrap();
    assert_eq!(state.pending, pending);
    assert!(state.last_error.unwrap().contains("date or time"));

    kader.clock.set(now_ms());
    kader.sync().await.unwrap();
    let state = kader.store().sync_state().unwrap();
    assert_eq!(
        (state.pending, state.refused, state.last_error),
        (0, 0, None)
    );
    for e in &events {
        assert_eq!(feed_count(&server, e), 1);
    }
    assert_eq!(
        kader.store().integrity_check().unwrap(),
        Vec::<String>::new()
    );
}

/// A phone a year ahead: its push is refused as a whole (nothing stored), and its token is not
/// judged expired by its own wrong date (the server judges; the user is told to fix the date, not
/// to log in again). What it recorded while its date was wrong carries stamps a year ahead: once
/// the date is fixed the server refuses those changes one by one (`clock_ahead`, listed on the
/// sync screen, never blocking the rest), and that accepted push restarts the device's clock, so
/// what the user records afterwards is stored, not refused for a year.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_a_year_ahead_is_told_and_what_it_records_after_the_fix_is_stored() {
    let server = DemoServer::start(8).await;
    let kader = Device::login(
        &server.base,
        &server.usernames("kader")[0],
        SyncOptions::default(),
    )
    .await;
    let bidan = Device::login(&server.base, "bidan.oesapa.1", SyncOptions::default()).await;
    kader.sync().await.unwrap();
    let persons = persons_of(kader.store());
    let (household, _) = households_of(kader.store())[0];

    kader.clock.set(now_ms() + YEAR_MS);
    // A pull alone carries no device time: a phone with nothing to push still receives.
    kader.sync().await.unwrap();
    let wrong = visit(&kader, persons[0], "tanggal maju setahun");
    edit_household(&kader, household, |h| h.notes = Some("tahun depan".into()));
    let head = feed_head(&server);
    let err = kader.sync().await.unwrap_err();
    assert!(matches!(err, SyncError::ClockSkew { .. }), "{err:?}");
    assert_eq!(feed_head(&server), head, "nothing stored");

    // The date fixed: the year-ahead changes are refused with their reason, the rest goes on.
    kader.clock.set(now_ms());
    let report = kader.sync().await.unwrap();
    let refused = kader.store().refused_entries().unwrap();
    assert!(!refused.is_empty());
    assert!(
        refused.iter().all(|r| r.code == "clock_ahead"),
        "{refused:?}"
    );
    assert_eq!(report.refused as usize, refused.len());
    assert_eq!(kader.store().sync_state().unwrap().pending, 0);
    assert!(
        kader.store().clock_last().unwrap().wall_ms <= now_ms(),
        "the device's clock restarted from the fixed date"
    );

    let right = visit(&kader, persons[1], "tanggal sudah benar");
    edit_household(&kader, household, |h| {
        h.address = Some("Jl. Jam Benar 1".into())
    });
    let report = kader.sync().await.unwrap();
    assert_eq!(report.refused, 0, "{:?}", kader.store().refused_entries());
    for e in &wrong {
        assert_eq!(
            feed_count(&server, e),
            0,
            "a year-ahead stamp is not stored"
        );
    }
    for e in &right {
        assert_eq!(feed_count(&server, e), 1, "recorded after the fix: stored");
    }
    bidan.sync().await.unwrap();
    let b = ilp_e2e::dump(bidan.store());
    let h = &b["household"][&household.to_string()];
    assert_eq!(h["address"], "Jl. Jam Benar 1");
    assert_ne!(h["notes"], "tahun depan");
    assert_eq!(
        kader.store().integrity_check().unwrap(),
        Vec::<String>::new()
    );
}

/// A token revoked by the admin: `sync` fails with an auth error the app acts on (log in again),
/// nothing is lost; logout forgets the token and keeps the outbox and the records; a new login
/// pushes the outbox once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_asks_for_a_login_and_logout_keeps_the_outbox() {
    let server = DemoServer::start(8).await;
    let name = server.usernames("kader")[0].clone();
    let kader = Device::login(&server.base, &name, SyncOptions::default()).await;
    kader.sync().await.unwrap();
    let person = persons_of(kader.store())[0];

    let revoked = server
        .admin()
        .revoke_tokens(TokenFilter::Device(&kader.device.to_string()))
        .unwrap();
    assert_eq!(revoked, 1);
    let events = visit(&kader, person, "token dicabut");
    let pending = kader.store().sync_state().unwrap().pending;
    let err = kader.sync().await.unwrap_err();
    assert!(
        matches!(&err, SyncError::Auth { code, .. } if code == "token_revoked"),
        "{err:?}"
    );
    assert!(err.needs_login() && !err.is_retryable());
    assert_eq!(kader.store().sync_state().unwrap().pending, pending);

    // Logout (the server already revoked the token: it answers 401, the device logs out anyway).
    kader.syncer.logout().await.unwrap();
    assert_eq!(kader.store().sync_state().unwrap().pending, pending);
    let session = ilp_sync::session::load_session(kader.store())
        .unwrap()
        .unwrap();
    assert_eq!(session.token, None);
    assert_eq!(session.user.username, name, "the user stays for the PIN");
    assert!(kader.store().sync_meta(SyncKey::Session).unwrap().is_some());
    let err = kader.sync().await.unwrap_err();
    assert!(
        matches!(&err, SyncError::Auth { code, .. } if code == "logged_out"),
        "{err:?}"
    );
    let d = ilp_e2e::dump(kader.store());
    for e in &events {
        assert!(d["event"].contains_key(e), "the record stays after logout");
        assert_eq!(feed_count(&server, e), 0);
    }

    // Another user may not take over this store; the same user logs in again and syncs.
    let other = server.usernames("kader")[1].clone();
    let err = kader
        .syncer
        .login(&server.base, &other, &ilp_e2e::demo_password(&other), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SyncError::Auth { code, .. } if code == "other_user"),
        "{err:?}"
    );
    kader
        .syncer
        .login(&server.base, &name, &ilp_e2e::demo_password(&name), None)
        .await
        .unwrap();
    kader.sync().await.unwrap();
    assert_eq!(kader.store().sync_state().unwrap().pending, 0);
    for e in &events {
        assert_eq!(feed_count(&server, e), 1);
    }
}
