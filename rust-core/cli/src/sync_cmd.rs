//! The CLI as a device: `ilp login` (online, registers this database as a device of the user),
//! `ilp sync` (push the outbox, then the snapshot or the feed), `ilp sync status`, `ilp logout`,
//! and `ilp pin set` / `ilp pin check` for the offline PIN. The database file is the device store
//! of one user, as on a shared phone each user has their own.

use crate::app::{CliError, CliResult, Clock, Globals, open_store};
use clap::{Args, Subcommand};
use ilp_model::Timestamp;
use ilp_store::Store;
use ilp_sync::engine::{
    CancelToken, ProgressListener, SyncOptions, SyncProgress, SyncStage, Syncer,
};
use ilp_sync::error::SyncError;
use ilp_sync::session::{self, PinCost};
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;

#[derive(Args, Debug)]
pub struct LoginArgs {
    /// The sync server, e.g. http://127.0.0.1:8080.
    #[arg(long, env = "ILP_SERVER", value_name = "URL")]
    pub server: String,
    /// The username the server knows.
    #[arg(long)]
    pub username: String,
    /// What to call this device in the admin's list.
    #[arg(long, value_name = "NAME")]
    pub device_name: Option<String>,
}

#[derive(Args, Debug)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub what: Option<SyncCommand>,
    /// Follow the change feed from its start instead of a snapshot on the first sync.
    #[arg(long)]
    pub no_snapshot: bool,
    /// Changes per pull page.
    #[arg(long, default_value_t = 2000, value_name = "N")]
    pub page: u32,
    /// Records per snapshot page (first sync).
    #[arg(long, default_value_t = 5000, value_name = "N")]
    pub snapshot_page: u32,
}

#[derive(Subcommand, Debug)]
pub enum SyncCommand {
    /// Last success, what waits to be pushed, and the changes the server refused with why.
    Status,
}

#[derive(Subcommand, Debug)]
pub enum PinCommand {
    /// Set the offline PIN of this database's user (read from ILP_PIN or standard input).
    Set,
    /// Check a PIN as an offline login would (read from ILP_PIN or standard input).
    Check,
}

/// Reads a secret from an environment variable, else one line of standard input (with a prompt
/// when it is a terminal). Secrets never go on the command line, where `ps` shows them.
fn read_secret(env: &str, prompt: &str) -> CliResult<String> {
    if let Ok(v) = std::env::var(env)
        && !v.is_empty()
    {
        return Ok(v);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{prompt}: ");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    let line = line.trim_end_matches(['\n', '\r']).to_string();
    if line.is_empty() {
        return Err(CliError::refused(
            env.to_ascii_lowercase(),
            format!("is empty: set {env} or type it on standard input"),
        ));
    }
    Ok(line)
}

fn runtime() -> CliResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::fatal(format!("cannot start the sync runtime: {e}")))
}

impl From<SyncError> for CliError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Store(s) => s.into(),
            SyncError::InvalidServerUrl(r) => CliError::refused("server", r),
            SyncError::InvalidPin(r) => CliError::refused("pin", r),
            SyncError::WrongPin => CliError::refused("pin", "is wrong"),
            SyncError::Auth { code, message } => {
                CliError::refused("login", format!("{message} ({code})"))
            }
            SyncError::NoSession => CliError::refused(
                "login",
                "no one is logged in on this database: run `ilp login` first",
            ),
            other => CliError::fatal(other.to_string()),
        }
    }
}

struct FixedClock(Timestamp);

impl ilp_sync::engine::Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// The CLI reads the clock once per command (or takes `--now`), so a sync uses that instant.
fn syncer(store: Store, clock: Clock, options: SyncOptions) -> Syncer {
    Syncer::new(Arc::new(store), Arc::new(FixedClock(clock.now)), options)
}

/// `ilp login`: creates the database file when it does not exist yet (a new device).
pub fn login(g: &Globals, args: &LoginArgs) -> CliResult {
    let clock = Clock::read(g.now.as_deref())?;
    let exists = g
        .db_path()
        .map(|p| std::fs::metadata(p).map(|m| m.len() > 0).unwrap_or(false))?;
    let store = open_store(g, clock, !exists)?;
    let password = read_secret("ILP_PASSWORD", "password")?;
    let syncer = syncer(store, clock, SyncOptions::default());
    let session = runtime()?.block_on(syncer.login(
        &args.server,
        &args.username,
        &password,
        args.device_name.clone(),
    ))?;
    println!(
        "logged in as {} ({}, {}) on {}; this database is device {}",
        session.user.display_name,
        session.user.username,
        session.user.role,
        session.server_url,
        syncer.store().device()
    );
    println!("next: `ilp sync` fetches your area; `ilp pin set` allows offline logins");
    Ok(())
}

pub fn logout(g: &Globals) -> CliResult {
    let clock = Clock::read(g.now.as_deref())?;
    let store = open_store(g, clock, false)?;
    let syncer = syncer(store, clock, SyncOptions::default());
    runtime()?.block_on(syncer.logout())?;
    let pending = syncer.store().sync_state()?.pending;
    println!("logged out; {pending} change(s) not yet synced stay in this database");
    Ok(())
}

/// Prints a line per stage change (not per page, unless verbose), on standard error.
struct Printer {
    quiet: bool,
    last: std::sync::Mutex<Option<String>>,
}

impl ProgressListener for Printer {
    fn on_progress(&self, p: &SyncProgress) {
        if self.quiet {
            return;
        }
        let stage = match &p.stage {
            SyncStage::Idle => format!(
                "sync: {} change(s) to push, {} refused earlier",
                p.pending, p.refused_total
            ),
            SyncStage::Pushing => "sync: pushing".into(),
            SyncStage::Snapshot => "sync: first sync of the area (snapshot)".into(),
            SyncStage::Pulling => "sync: pulling changes".into(),
            SyncStage::Retrying { attempt, delay_ms } => {
                format!("sync: try {attempt} failed; again in {delay_ms} ms")
            }
            SyncStage::Done | SyncStage::Failed => return,
        };
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.as_deref() != Some(stage.as_str()) {
            eprintln!("{stage}");
            *last = Some(stage);
        }
    }
}

pub fn sync(g: &Globals, args: &SyncArgs) -> CliResult {
    let clock = Clock::read(g.now.as_deref())?;
    let store = open_store(g, clock, false)?;
    if let Some(SyncCommand::Status) = args.what {
        return status(&store);
    }
    let options = SyncOptions {
        pull_page: args.page,
        snapshot_page: args.snapshot_page,
        snapshot_first: !args.no_snapshot,
        ..SyncOptions::default()
    };
    let syncer = syncer(store, clock, options);
    let printer = Printer {
        quiet: g.quiet,
        last: Default::default(),
    };
    let mut seed = clock.now.millis() as u64 | 1;
    // xorshift for the backoff jitter: no need for more randomness than that.
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let report = runtime()?.block_on(syncer.sync(&printer, &CancelToken::new(), &mut random))?;
    println!(
        "synced: {} pushed ({} refused), {} received{}, {} round trip(s), {} bytes sent, {} received",
        report.pushed,
        report.refused,
        report.pulled,
        if report.snapshot_records > 0 {
            format!(" ({} from the snapshot)", report.snapshot_records)
        } else {
            String::new()
        },
        report.wire.round_trips,
        report.wire.bytes_sent,
        report.wire.bytes_received
    );
    if report.dropped > 0 {
        println!(
            "{} household(s) left your area and were removed from this device",
            report.dropped
        );
    }
    if report.refused > 0 {
        println!("see `ilp sync status` for why changes were refused");
    }
    Ok(())
}

fn status(store: &Store) -> CliResult {
    let state = store.sync_state()?;
    match session::load_session(store)? {
        Some(s) => println!(
            "user: {} ({}) on {}{}",
            s.user.username,
            s.user.role,
            s.server_url,
            if s.token.is_none() {
                " (logged out)"
            } else {
                ""
            }
        ),
        None => println!("user: nobody has logged in on this database"),
    }
    let when = state
        .last_success_ms
        .map(|ms| {
            Timestamp::from_millis(ms)
                .to_datetime()
                .to_offset(ilp_model::timestamp::wita())
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_else(|_| ms.to_string())
        })
        .unwrap_or_else(|| "never".into());
    println!("last successful sync: {when}");
    if let Some(e) = &state.last_error {
        println!("last error: {e}");
    }
    println!("waiting to be pushed: {}", state.pending);
    let refused = store.refused_entries()?;
    println!("refused by the server: {}", refused.len());
    for r in refused {
        println!(
            "  #{} {} {}: {} ({})",
            r.seq, r.entity, r.entity_id, r.reason, r.code
        );
    }
    Ok(())
}

pub fn pin(g: &Globals, what: &PinCommand) -> CliResult {
    let clock = Clock::read(g.now.as_deref())?;
    let store = open_store(g, clock, false)?;
    if session::load_session(&store)?.is_none() {
        return Err(SyncError::NoSession.into());
    }
    let pin = read_secret("ILP_PIN", "PIN")?;
    match what {
        PinCommand::Set => {
            let mut salt = [0u8; 16];
            use rand::TryRngCore;
            rand::rngs::OsRng
                .try_fill_bytes(&mut salt)
                .map_err(|e| CliError::fatal(format!("no randomness: {e}")))?;
            session::set_pin(&store, &pin, salt, PinCost::default())?;
            println!("offline PIN set");
        }
        PinCommand::Check => {
            session::verify_pin(&store, &pin)?;
            println!("PIN accepted");
        }
    }
    Ok(())
}

/// The user logged in on this database: their synced user record, else (before the first sync
/// brought the user records) the user as the server described them at login.
pub fn logged_in_user(store: &Store) -> CliResult<Option<ilp_model::User>> {
    let Some(s) = session::load_session(store)? else {
        return Ok(None);
    };
    if let Some(u) = store.read(|c| ilp_store::users::find_by_username(c, &s.user.username))? {
        return Ok(Some(u));
    }
    let bad = |what: &str| CliError::fatal(format!("the stored login has a malformed {what}"));
    Ok(Some(ilp_model::User {
        id: s.user.id.parse().map_err(|_| bad("user id"))?,
        username: s.user.username.clone(),
        display_name: s.user.display_name.clone(),
        role: ilp_model::Role::parse("role", &s.user.role).map_err(|_| bad("role"))?,
        areas: s
            .user
            .areas
            .iter()
            .map(|a| a.parse().map_err(|_| bad("area id")))
            .collect::<CliResult<_>>()?,
        active: true,
    }))
}
