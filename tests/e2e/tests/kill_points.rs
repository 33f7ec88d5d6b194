//! The kill points, on the real server over loopback: after the local commit and before the
//! push (the store closed and reopened), after the server committed and before the device heard
//! the answer (the proxy loses the answer), in the middle of the pull feed and during the first
//! snapshot (a child `ilp sync` process killed with SIGKILL at random moments, again and again).
//! At each: nothing acknowledged is lost, nothing is duplicated, `PRAGMA integrity_check` passes,
//! and a killed sync resumes where it stopped rather than starting over.

use ilp_e2e::model::{
    edit_household, feed_count, feed_duplicates, households_of, persons_of, register_household,
    visit,
};
use ilp_e2e::proxy::{Fault, Proxy};
use ilp_e2e::{DemoServer, Device, demo_password, dump, first_difference, open_device_store};
use ilp_model::{DeviceId, Timestamp};
use ilp_sync::engine::SyncOptions;
use ilp_sync::push::PushLimits;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn options() -> SyncOptions {
    SyncOptions {
        pull_page: 200,
        ..SyncOptions::default()
    }
}

fn assert_intact(d: &Device) {
    assert_eq!(
        d.store().integrity_check().unwrap(),
        Vec::<String>::new(),
        "integrity_check of {}",
        d.username
    );
}

/// Kill point 1: the app dies after a local commit and before any push. The store is closed and
/// reopened (twice, with writes in between: a reopened store must not draw ids it drew before);
/// the changes are still pending and arrive on the server exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_committed_before_a_kill_is_pushed_once_after_reopen() {
    let server = DemoServer::start(12).await;
    let kader_name = server.usernames("kader")[0].clone();
    let mut kader = Device::login(&server.base, &kader_name, options()).await;
    let bidan = Device::login(&server.base, "bidan.oesapa.1", options()).await;
    kader.sync().await.unwrap();
    bidan.sync().await.unwrap();

    let (household, rt) = households_of(kader.store())[0];
    let person = persons_of(kader.store())[0];
    edit_household(&kader, household, |h| {
        h.address = Some("Jl. Sebelum Mati 1".into())
    });
    let mut events = visit(&kader, person, "sebelum mati");
    let (new_household, _) = register_household(&kader, rt, "Ibu Pertama");
    let pending = kader.store().sync_state().unwrap().pending;
    assert!(pending >= 3, "{pending} pending");

    kader.reopen();
    assert_intact(&kader);
    assert_eq!(kader.store().sync_state().unwrap().pending, pending);
    let (second, _) = register_household(&kader, rt, "Ibu Kedua");
    events.extend(visit(&kader, person, "setelah mati sekali"));
    kader.reopen();
    let (third, _) = register_household(&kader, rt, "Ibu Ketiga");
    events.extend(visit(&kader, person, "setelah mati dua kali"));
    assert_intact(&kader);

    let report = kader.sync().await.unwrap();
    assert_eq!(report.refused, 0);
    assert_eq!(kader.store().sync_state().unwrap().pending, 0);
    // A sync after that pushes nothing: everything was acknowledged once.
    assert_eq!(kader.sync().await.unwrap().pushed, 0);

    for e in &events {
        assert_eq!(feed_count(&server, e), 1, "event {e} in the feed");
    }
    for h in [new_household, second, third] {
        assert_eq!(feed_count(&server, &h.to_string()), 1, "household {h}");
    }
    assert_eq!(feed_duplicates(&server), Vec::<String>::new());

    bidan.sync().await.unwrap();
    let b = dump(bidan.store());
    assert_eq!(
        b["household"][&household.to_string()]["address"],
        "Jl. Sebelum Mati 1"
    );
    for h in [new_household, second, third] {
        assert!(b["household"].contains_key(&h.to_string()), "{h}");
    }
    for e in &events {
        assert!(b["event"].contains_key(e), "the bidan has event {e}");
    }
    assert_intact(&kader);
    assert_intact(&bidan);
}

/// Kill point 2: the server commits a push and the answer never reaches the device (the proxy
/// drops it; then the app is killed too). The device pushes the same sequences again; the server
/// skips them, so the feed holds each change once, and the outbox ends acknowledged. Also: the
/// second of two push batches lost, a repeated push, and a lost pull answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_whose_answer_was_lost_is_stored_once() {
    let server = DemoServer::start(12).await;
    let proxy = Proxy::start(&server.base).await;
    let kader_name = server.usernames("kader")[0].clone();
    let small_batches = SyncOptions {
        push: PushLimits {
            max_changes: 3,
            ..PushLimits::default()
        },
        ..options()
    };
    let mut kader = Device::login(&proxy.base, &kader_name, small_batches).await;
    let bidan = Device::login(&server.base, "bidan.oesapa.1", options()).await;
    kader.sync().await.unwrap();
    bidan.sync().await.unwrap();
    let households = households_of(kader.store());
    let persons = persons_of(kader.store());

    // One push (two changes), its answer lost: the server has them, the device does not know.
    edit_household(&kader, households[0].0, |h| h.notes = Some("satu".into()));
    let mut events = visit(&kader, persons[0], "jawaban hilang");
    let pending = kader.store().sync_state().unwrap().pending;
    proxy.plan([Fault::LoseAnswer]);
    assert!(kader.sync().await.is_err(), "the device heard no answer");
    assert_eq!(kader.store().sync_state().unwrap().pending, pending);
    for e in &events {
        assert_eq!(feed_count(&server, e), 1, "the server committed {e}");
    }
    kader.reopen();
    assert_intact(&kader);
    let report = kader.sync().await.unwrap();
    assert_eq!(report.refused, 0);
    assert_eq!(kader.store().sync_state().unwrap().pending, 0);
    for e in &events {
        assert_eq!(feed_count(&server, e), 1, "{e} once after the retry");
    }

    // Several batches of three; the answer of the second is lost, then the pull's too.
    for (i, (h, _)) in households.iter().take(4).enumerate() {
        edit_household(&kader, *h, |x| x.address = Some(format!("Jl. Batch {i}")));
    }
    for p in persons.iter().take(3) {
        events.extend(visit(&kader, *p, "batch"));
    }
    proxy.plan([Fault::Pass, Fault::LoseAnswer]);
    assert!(kader.sync().await.is_err());
    proxy.clear_plan();
    let pushed = kader.store().sync_state().unwrap().pending;
    assert!(pushed > 0, "the lost batch and those after it are pending");
    // Every push passes; the pull page's answer is lost after the server read it.
    let batches = (pushed as usize).div_ceil(3);
    proxy.plan(
        std::iter::repeat_n(Fault::Pass, batches).chain([Fault::LoseAnswer, Fault::LoseRequest]),
    );
    assert!(kader.sync().await.is_err(), "the pull failed");
    proxy.clear_plan();
    assert_eq!(kader.store().sync_state().unwrap().pending, 0);

    // A push the network delivers twice: the device hears the second (replayed) answer.
    events.extend(visit(&kader, persons[1], "dua kali"));
    proxy.plan([Fault::Repeat, Fault::Repeat]);
    kader.sync().await.unwrap();
    assert_eq!(kader.store().sync_state().unwrap().pending, 0);
    kader.sync().await.unwrap();

    for e in &events {
        assert_eq!(feed_count(&server, e), 1, "event {e} in the feed");
    }
    assert_eq!(feed_duplicates(&server), Vec::<String>::new());
    assert_eq!(kader.store().refused_entries().unwrap(), vec![]);

    // The bidan pulls everything once; both replicas agree on the kader's households.
    bidan.sync().await.unwrap();
    let (k, b) = (dump(kader.store()), dump(bidan.store()));
    for (h, _) in &households {
        let id = h.to_string();
        assert_eq!(k["household"][&id], b["household"][&id]);
    }
    for e in &events {
        assert!(
            k["event"].contains_key(e) && b["event"].contains_key(e),
            "{e}"
        );
    }
    assert_intact(&kader);
    assert_intact(&bidan);
}

// --- Real crashes: a child `ilp sync` process killed with SIGKILL. ---

/// The workspace's target directory (`CARGO_TARGET_DIR` when set).
fn target_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => workspace.join(d),
        None => workspace.join("target"),
    }
}

/// The `ilp` binary of this tree, built (or found up to date) once per test process: the kill
/// tests need the CLI's own process to kill, and cargo builds only the test's own crate.
fn ilp_bin() -> &'static Path {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-q", "-p", "ilp-cli", "--bin", "ilp"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("run cargo build");
        assert!(status.success(), "cargo build -p ilp-cli failed");
        let bin = target_dir().join("debug").join("ilp");
        assert!(bin.exists(), "{} after the build", bin.display());
        bin
    })
}

fn ilp(db: &Path) -> Command {
    let mut c = Command::new(ilp_bin());
    c.arg("--plain").arg("--db").arg(db);
    c
}

/// `ilp login` as `username`: the database becomes that user's device store.
fn cli_login(db: &Path, server: &str, username: &str) {
    let out = ilp(db)
        .args(["login", "--server", server, "--username", username])
        .env("ILP_PASSWORD", demo_password(username))
        .output()
        .expect("run ilp login");
    assert!(
        out.status.success(),
        "ilp login: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Opens a CLI device database as a store (its device id is in its `meta`).
fn open_cli_store(db: &Path) -> ilp_store::Store {
    let device: String = rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT value FROM meta WHERE key = 'device_id'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let device: DeviceId = device.parse().unwrap();
    open_device_store(db, device, Timestamp::from_millis(0), 1)
}

/// What a killed sync left behind: the pull cursor's feed position and the snapshot's resume key.
fn progress_of(db: &Path) -> (i64, Option<String>) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.busy_timeout(Duration::from_secs(5)).unwrap();
    let get = |k: &str| -> Option<String> {
        c.query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0))
            .ok()
    };
    let cursor = get("sync.cursor")
        .and_then(|c| c.strip_prefix("f1.").and_then(|n| n.parse().ok()))
        .unwrap_or(0);
    (cursor, get("sync.snapshot"))
}

/// Bytes received, from the last line `ilp sync` prints.
fn bytes_received(stdout: &str) -> u64 {
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with("synced:"))
        .unwrap_or_else(|| panic!("no summary in {stdout:?}"));
    line.trim_end_matches(" received")
        .rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no byte count in {line:?}"))
}

/// A tiny random source for kill times (no need for more).
struct Jitter(u64);

impl Jitter {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

struct KillRun {
    kills: usize,
    /// Kills after which the store had moved on since the previous one.
    kills_with_progress: usize,
    final_bytes: u64,
}

/// Runs `ilp sync <args>` on `db`, killing it at random moments up to `max_kills` times, then lets
/// it finish. Before each kill the child runs between 0 and `window` (the first time, until it
/// has committed a page, so at least one kill lands mid-sync); after each kill the store must be
/// intact and its progress must not go back. `final_bytes` is what the run that finished (the
/// first one not killed) received.
fn sync_with_kills(db: &Path, args: &[&str], max_kills: usize, window: Duration) -> KillRun {
    let mut jitter = Jitter(0x9e37_79b9_7f4a_7c15 ^ std::process::id() as u64);
    let mut run = KillRun {
        kills: 0,
        kills_with_progress: 0,
        final_bytes: 0,
    };
    let mut last = progress_of(db);
    loop {
        let mut child = ilp(db)
            .arg("--quiet")
            .arg("sync")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn ilp sync");
        let started = Instant::now();
        if run.kills == 0 {
            // The first kill waits for a committed page: then it surely lands mid-sync.
            while progress_of(db) == last && started.elapsed() < Duration::from_secs(60) {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        } else {
            let ms = jitter.below(window.as_millis() as u64);
            std::thread::sleep(Duration::from_millis(ms));
        }
        if run.kills >= max_kills || child.try_wait().unwrap().is_some() {
            // Enough kills, or it finished first: this run is the one that completes.
            let out = child.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(
                out.status.success(),
                "the last sync failed: {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            run.final_bytes = bytes_received(&stdout);
            return run;
        }
        child.kill().expect("SIGKILL the sync");
        child.wait().unwrap();
        run.kills += 1;
        let now = progress_of(db);
        let store = open_cli_store(db);
        assert_eq!(
            store.integrity_check().unwrap(),
            Vec::<String>::new(),
            "integrity after kill {}",
            run.kills
        );
        drop(store);
        assert!(now.0 >= last.0, "the cursor went back: {last:?} -> {now:?}");
        if now != last {
            run.kills_with_progress += 1;
        }
        last = now;
    }
}

/// One uninterrupted CLI sync: the reference replica, its duration and bytes.
fn clean_cli_sync(db: &Path, args: &[&str]) -> (Duration, u64) {
    let started = Instant::now();
    let out = ilp(db).arg("sync").args(args).output().unwrap();
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (took, bytes_received(&stdout))
}

fn assert_same_replica(reference: &Path, killed: &Path, what: &str) {
    let (r, k) = (open_cli_store(reference), open_cli_store(killed));
    assert_eq!(k.integrity_check().unwrap(), Vec::<String>::new());
    assert_eq!(k.sync_state().unwrap().pending, 0);
    assert_eq!(k.remote_orphan_count().unwrap(), 0, "{what}: orphans left");
    let (rd, kd) = (dump(&r), dump(&k));
    assert!(kd["event"].len() > 100, "{what}: a real area synced");
    assert_eq!(
        first_difference(&rd, &kd),
        None,
        "{what}: the killed replica differs from the clean one"
    );
}

const PULL_KILL_HOUSEHOLDS: usize = 150;

/// Kill point 3: `ilp sync --no-snapshot --page 50` (the feed from its start) killed at random
/// moments; each run resumes from the last committed page, and the end state is the clean sync's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_killed_at_random_moments_resumes_and_ends_identical() {
    let server = DemoServer::start(PULL_KILL_HOUSEHOLDS).await;
    let base = server.base.clone();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let (clean, killed) = (dir.path().join("clean.db"), dir.path().join("killed.db"));
        let args = ["--no-snapshot", "--page", "50"];
        cli_login(&clean, &base, "supervisor.oesapa");
        cli_login(&killed, &base, "supervisor.oesapa");
        let (took, full_bytes) = clean_cli_sync(&clean, &args);
        let run = sync_with_kills(&killed, &args, 12, took.mul_f64(0.6));
        eprintln!(
            "pull: clean sync {took:?}, {full_bytes} bytes; {} kills ({} after progress), last run {} bytes",
            run.kills, run.kills_with_progress, run.final_bytes
        );
        assert!(run.kills_with_progress >= 1, "a kill landed mid-sync");
        assert!(
            run.final_bytes < full_bytes,
            "the run after the kills resumed ({} bytes) instead of starting over ({full_bytes})",
            run.final_bytes
        );
        assert_same_replica(&clean, &killed, "pull");
    })
    .await
    .unwrap();
    assert_eq!(feed_duplicates(&server), Vec::<String>::new());
}

/// Kill point 4: the first sync from a snapshot in small pages (`--snapshot-page 200`), killed at
/// random moments: each run resumes after the last committed key of the same snapshot, and the
/// end state equals a clean sync's from the feed alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_killed_at_random_moments_resumes_and_ends_identical() {
    let server = DemoServer::start(PULL_KILL_HOUSEHOLDS).await;
    let base = server.base.clone();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let (clean, killed) = (dir.path().join("clean.db"), dir.path().join("killed.db"));
        let snapshot = ["--snapshot-page", "200", "--page", "200"];
        cli_login(&clean, &base, "supervisor.oesapa");
        cli_login(&killed, &base, "supervisor.oesapa");
        // The reference follows the feed alone; a snapshot must reach the same state.
        clean_cli_sync(&clean, &["--no-snapshot"]);
        let probe = dir.path().join("probe.db");
        cli_login(&probe, &base, "supervisor.oesapa");
        let (took, full_bytes) = clean_cli_sync(&probe, &snapshot);
        let run = sync_with_kills(&killed, &snapshot, 12, took.mul_f64(0.6));
        eprintln!(
            "snapshot: clean sync {took:?}, {full_bytes} bytes; {} kills ({} after progress), last run {} bytes",
            run.kills, run.kills_with_progress, run.final_bytes
        );
        assert!(run.kills_with_progress >= 1, "a kill landed mid-snapshot");
        assert!(
            run.final_bytes < full_bytes,
            "the run after the kills resumed ({} bytes) instead of starting over ({full_bytes})",
            run.final_bytes
        );
        assert_eq!(progress_of(&killed).1, None, "the snapshot finished");
        assert_same_replica(&clean, &killed, "snapshot");
        assert_same_replica(&clean, &probe, "clean snapshot");
    })
    .await
    .unwrap();
}
