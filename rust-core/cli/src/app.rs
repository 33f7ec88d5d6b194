//! What every command needs: the database path and key, the store opened with this file's device
//! id, the acting user, the clock read once at start, and the CLI's error type with its exit codes.

use ilp_model::{DeviceId, Timestamp, User, UserId};
use ilp_store::{DbKey, OsEntropy, Store, StoreConfig, StoreError, WriteCtx};
use std::path::{Path, PathBuf};
use time::{Date, OffsetDateTime, format_description::well_known::Rfc3339};

/// Exit code: everything done.
pub const EXIT_OK: i32 = 0;
/// Exit code: fatal error (no database, wrong key, storage failure, unreadable file).
pub const EXIT_FATAL: i32 = 1;
/// Exit code: input refused (a validation error, or import rows refused while the rest went in).
pub const EXIT_REFUSED: i32 = 2;

/// A command's failure, with the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A value the user gave was refused (`error: <field>: <reason>`, exit 2).
    #[error("{field}: {reason}")]
    Refused { field: String, reason: String },
    /// Something the user asked for does not exist (exit 2).
    #[error("{0}")]
    NotFound(String),
    /// Some rows of an import were refused; they were already reported (exit 2).
    #[error("some rows were refused")]
    RowsRefused,
    /// Anything else (exit 1).
    #[error("{0}")]
    Fatal(String),
}

impl CliError {
    pub fn refused(field: impl Into<String>, reason: impl Into<String>) -> Self {
        CliError::Refused {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn fatal(msg: impl Into<String>) -> Self {
        CliError::Fatal(msg.into())
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Refused { .. } | CliError::NotFound(_) | CliError::RowsRefused => {
                EXIT_REFUSED
            }
            CliError::Fatal(_) => EXIT_FATAL,
        }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Validation(v) => CliError::Refused {
                field: v.field,
                reason: v.reason,
            },
            StoreError::DuplicateNik { .. } => {
                CliError::refused("nik", "already belongs to another person")
            }
            StoreError::NotFound { what, id } => {
                CliError::NotFound(format!("{what} {id} not found"))
            }
            StoreError::KeyRejected => CliError::fatal(
                "the database key was refused: this is not the key the database was created with \
                 (or the file's first page is damaged). Check --key-file / ILP_DB_KEY.",
            ),
            StoreError::KeyRequired => CliError::fatal(
                "the database is encrypted but was opened with --plain; give its key with \
                 --key-file FILE or ILP_DB_KEY",
            ),
            StoreError::NewerSchema { found, supported } => CliError::fatal(format!(
                "the database has schema version {found}, this ilp knows up to {supported}; \
                 use a newer ilp"
            )),
            other => CliError::fatal(other.to_string()),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::fatal(e.to_string())
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;

/// How the database is protected.
#[derive(Clone, Debug)]
pub enum KeyChoice {
    Key(DbKey),
    Plain,
}

/// The options shared by every command that touches the database.
#[derive(Clone, Debug)]
pub struct Globals {
    pub db: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub plain: bool,
    pub user: String,
    /// `--user` was given (else the logged-in user acts, when there is one).
    pub user_given: bool,
    pub now: Option<String>,
    pub quiet: bool,
}

/// The instant the command runs at, and the local (WITA) date.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    pub now: Timestamp,
    pub today: Date,
}

impl Clock {
    /// The system clock, or `--now` (tests).
    pub fn read(now: Option<&str>) -> CliResult<Self> {
        let dt = match now {
            Some(s) => parse_rfc3339("now", s)?,
            None => OffsetDateTime::now_utc(),
        };
        let now = Timestamp::from_datetime(dt);
        Ok(Self {
            now,
            today: now.date_at(ilp_model::timestamp::wita()),
        })
    }
}

pub fn parse_rfc3339(field: &str, s: &str) -> CliResult<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).map_err(|_| {
        CliError::refused(
            field,
            "must be a date and time like 2026-11-22T09:30:00+08:00",
        )
    })
}

impl Globals {
    pub fn db_path(&self) -> CliResult<&Path> {
        self.db
            .as_deref()
            .ok_or_else(|| CliError::fatal("no database given: pass --db PATH or set ILP_DB"))
    }

    /// The key from `--key-file`, else `ILP_DB_KEY`; `--plain` for an unencrypted file.
    pub fn key(&self) -> CliResult<KeyChoice> {
        if self.plain {
            return Ok(KeyChoice::Plain);
        }
        if let Some(file) = &self.key_file {
            let text = std::fs::read_to_string(file).map_err(|e| {
                CliError::fatal(format!("cannot read the key file {}: {e}", file.display()))
            })?;
            warn_if_readable_by_others(file);
            return DbKey::from_hex(&text).map(KeyChoice::Key).map_err(|_| {
                CliError::fatal(format!(
                    "the key file {} must hold exactly 64 hexadecimal digits \
                     (make one with `ilp key generate --out FILE`)",
                    file.display()
                ))
            });
        }
        if let Ok(hex) = std::env::var("ILP_DB_KEY")
            && !hex.trim().is_empty()
        {
            return DbKey::from_hex(&hex).map(KeyChoice::Key).map_err(|_| {
                CliError::fatal("ILP_DB_KEY must hold exactly 64 hexadecimal digits")
            });
        }
        Err(CliError::fatal(
            "no database key: give --key-file FILE, or set ILP_DB_KEY to 64 hex digits, \
             or pass --plain for an unencrypted database (test data only)",
        ))
    }
}

#[cfg(unix)]
fn warn_if_readable_by_others(file: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(m) = std::fs::metadata(file)
        && m.permissions().mode() & 0o077 != 0
    {
        eprintln!(
            "warning: the key file {} can be read by other users; run `chmod 600` on it",
            file.display()
        );
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_file: &Path) {}

/// The absolute form of a path that may not exist yet (its directory must).
fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match (parent.canonicalize(), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Fixed namespace for the CLI's device ids (a random UUID, never change it).
const DEVICE_NAMESPACE: uuid::Uuid =
    uuid::Uuid::from_u128(0x6c1d_0a5e_93f4_4b8e_a2d7_51c0_e3b9_7f12);

/// The device id the CLI uses for a database file: a UUID v5 of its absolute path, so every run
/// on one file agrees. A file that was moved keeps the id stored in it (see [`open_store`]).
pub fn device_for(path: &Path) -> DeviceId {
    let abs = absolute(path);
    let name = format!("ilp-cli:{}", abs.display());
    DeviceId(uuid::Uuid::new_v5(&DEVICE_NAMESPACE, name.as_bytes()))
}

/// An open database with the acting clock.
pub struct Session {
    pub store: Store,
    pub clock: Clock,
}

/// Opens the database. `create` is for `ilp init`: the file must not exist yet; otherwise it must.
pub fn open_store(g: &Globals, clock: Clock, create: bool) -> CliResult<Store> {
    let path = g.db_path()?;
    let key = match g.key()? {
        KeyChoice::Key(k) => Some(k),
        KeyChoice::Plain => None,
    };
    let exists = std::fs::metadata(path)
        .map(|m| m.len() > 0)
        .unwrap_or(false);
    if create && exists {
        return Err(CliError::fatal(format!(
            "{} already exists; `ilp init` only creates a new database",
            path.display()
        )));
    }
    if !create && !exists {
        return Err(CliError::fatal(format!(
            "no database at {}; create one with `ilp init`",
            path.display()
        )));
    }
    let config = |device| StoreConfig {
        path: path.to_path_buf(),
        key: key.clone(),
        device,
        utc_offset: ilp_model::timestamp::wita(),
    };
    let opened = match Store::open(config(device_for(path)), Box::new(OsEntropy), clock.now) {
        // The file was made at another path (copied or moved): keep the device id stored in it.
        Err(StoreError::DeviceMismatch { found, .. }) => {
            let device: DeviceId = found
                .parse()
                .map_err(|_| CliError::fatal("the database's stored device id is malformed"))?;
            Store::open(config(device), Box::new(OsEntropy), clock.now)
        }
        other => other,
    };
    let (store, report) = opened?;
    if let Some(moved) = report.moved_aside {
        return Err(CliError::fatal(format!(
            "the database file was damaged; it was moved to {} and an empty database was made \
             in its place. Nothing else was done. Keep the damaged file: it may hold records \
             that were never synced.",
            moved.display()
        )));
    }
    Ok(store)
}

impl Session {
    pub fn open(g: &Globals) -> CliResult<Self> {
        let clock = Clock::read(g.now.as_deref())?;
        let store = open_store(g, clock, false)?;
        Ok(Self { store, clock })
    }

    /// The acting user (`--user`), who must exist.
    pub fn user(&self, username: &str) -> CliResult<User> {
        self.store
            .read(|c| ilp_store::users::find_by_username(c, username))?
            .ok_or_else(|| {
                CliError::refused(
                    "user",
                    format!("'{username}' is not a user of this database (see `ilp import users`)"),
                )
            })
    }

    pub fn write_ctx(&self, user: UserId) -> WriteCtx {
        WriteCtx {
            user,
            now: self.clock.now,
            today: self.clock.today,
        }
    }
}

/// Page cache of the writer connection for bulk imports, in KiB.
const BULK_CACHE_KIB: i64 = 64 * 1024;

/// Gives the store's writer connection a larger page cache for a bulk import. With SQLCipher every
/// page read from the file is decrypted, and the name index is written all over a large B-tree, so
/// the default 2 MB cache spends most of an import decrypting the same pages again. The store
/// has no setting for this; `cache_size` is the one pragma that may change inside a transaction,
/// so it is set through a write that changes nothing else.
pub fn enlarge_write_cache(store: &Store, ctx: &WriteCtx) -> CliResult<()> {
    store.write(ctx, |w| {
        w.conn()
            .execute_batch(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}"))?;
        Ok(())
    })?;
    Ok(())
}

/// A new random 256-bit key as 64 lower-case hex digits.
pub fn new_key_hex() -> CliResult<String> {
    use rand::TryRngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| CliError::fatal(format!("the system random generator failed: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Writes a new key file readable only by its owner; refuses to overwrite one.
pub fn write_key_file(out: &Path) -> CliResult<()> {
    use std::io::Write;
    let hex = new_key_hex()?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(out).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::fatal(format!(
                "{} already exists; a key file is never overwritten (the database it opens \
                 would be lost)",
                out.display()
            ))
        } else {
            CliError::fatal(format!("cannot create {}: {e}", out.display()))
        }
    })?;
    writeln!(f, "{hex}")?;
    f.sync_all()?;
    Ok(())
}
