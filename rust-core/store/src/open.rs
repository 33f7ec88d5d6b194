//! Opening the database file: the SQLCipher key, pragmas, schema migrations, and what to do with a
//! file that is damaged. One helper opens every connection, so the writer and readers agree.
//!
//! A corrupt file is moved aside (with its WAL) and reported, never deleted: unsynced records may
//! live only there. A refused key is never taken for corruption, since the file is probably fine.

use crate::error::{Result, StoreError};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::fmt;
use std::path::{Path, PathBuf};

/// The migrations, in order; schema version N is reached by applying the first N.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_initial.sql"),
    include_str!("migrations/002_due_items.sql"),
    include_str!("migrations/003_sync.sql"),
    include_str!("migrations/004_merge_cycles.sql"),
    include_str!("migrations/005_compact_derived.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A raw 256-bit SQLCipher key (from Android Keystore or iOS Keychain).
#[derive(Clone, PartialEq, Eq)]
pub struct DbKey([u8; 32]);

impl DbKey {
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// From the bytes the app passes; anything but 32 bytes is refused.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| {
            StoreError::Validation(ilp_model::ValidationError::new(
                "key",
                format!("must be 32 bytes (256 bits), got {}", bytes.len()),
            ))
        })?;
        Ok(Self(arr))
    }

    /// From 64 hex digits (CLI and test use).
    pub fn from_hex(hex: &str) -> Result<Self> {
        let hex = hex.trim();
        let bad = || {
            StoreError::Validation(ilp_model::ValidationError::new(
                "key",
                "must be 64 hexadecimal digits",
            ))
        };
        if hex.len() != 64 {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(Self(out))
    }

    fn pragma_value(&self) -> String {
        let hex: String = self.0.iter().map(|b| format!("{b:02x}")).collect();
        format!("\"x'{hex}'\"")
    }
}

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(…)")
    }
}

/// What happened while opening.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenReport {
    /// The file did not exist (or was moved aside) and a new database was made.
    pub created: bool,
    /// The schema version found before migrating, when a migration ran.
    pub migrated_from: Option<i64>,
    /// Where a corrupt file was moved; the app tells the user and keeps it for recovery.
    pub moved_aside: Option<PathBuf>,
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

fn file_header(path: &Path) -> Option<[u8; 16]> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).ok()?;
    let mut buf = [0u8; 16];
    f.read_exact(&mut buf).ok()?;
    Some(buf)
}

/// Opens one connection with the key and proves the key by reading the header.
pub(crate) fn open_keyed(path: &Path, key: Option<&DbKey>) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    if let Some(k) = key {
        conn.execute_batch(&format!("PRAGMA key = {};", k.pragma_value()))?;
        // Page authentication with HMAC-SHA256 rather than SQLCipher 4's default SHA-512: SHA-256
        // has hardware support on ARMv8 phones (and SHA-NI here), SHA-512 only on recent cores, and
        // every page written or read from disk pays it. Part of the file format: set on every open.
        conn.execute_batch("PRAGMA cipher_hmac_algorithm = HMAC_SHA256;")?;
    }
    // Reading the header decrypts page 1 and checks its HMAC, and nothing else: a failure here is
    // the key (or page 1 itself), while damage further in shows up in the schema stage.
    conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))?;
    Ok(conn)
}

/// Sets the pragmas every connection uses. Some of them load the schema, so damage past page 1
/// shows here rather than in [`open_keyed`].
pub(crate) fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Malformed(format!(
            "journal mode {mode} instead of wal"
        )));
    }
    // FULL: a visit the kader saw saved survives a power cut, not only an app crash.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // SQLCipher decrypts and authenticates a page on every cache miss: with SQLite's default 2 MB
    // cache that made encrypted reads 2-3x slower than plain ones (BENCHMARKS.md). 24 MB holds a
    // kader's whole database and a supervisor's hot pages; memory is used only as pages are read.
    conn.pragma_update(None, "cache_size", -24 * 1024)?;
    Ok(())
}

/// Opens one fully configured connection (readers, and the writer after a move-aside).
pub(crate) fn open_connection(path: &Path, key: Option<&DbKey>) -> Result<Connection> {
    let conn = open_keyed(path, key)?;
    configure(&conn)?;
    Ok(conn)
}

/// Brings the schema to [`SCHEMA_VERSION`], each migration in one IMMEDIATE transaction.
pub(crate) fn migrate(conn: &mut Connection) -> Result<Option<i64>> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(None);
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        if i + 1 == 4 && !crate::merge_cycles::settle(&tx)?.changed.is_empty() {
            // A pulled merge cycle stored before schema 4 is settled by the same rule as every
            // later one; the survivors' items are rebuilt on the next read.
            crate::due_items::invalidate(&tx)?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(Some(found))
}

/// Classifies a failure to open an existing file: a refused key, a missing key, or corruption.
fn classify_open_failure(path: &Path, key: Option<&DbKey>, err: StoreError) -> StoreError {
    let StoreError::Sqlite(e) = &err else {
        return err;
    };
    if !StoreError::is_sqlite_corruption(e) {
        return err;
    }
    let plaintext = file_header(path).is_some_and(|h| &h == SQLITE_MAGIC);
    match (key, plaintext) {
        // An encrypted page 1 that will not decrypt: most likely the wrong key. Never move aside.
        (Some(_), false) => StoreError::KeyRejected,
        // A random-looking header with no key: an encrypted database opened without its key.
        (None, false) if file_header(path).is_some() => StoreError::KeyRequired,
        // The header says plain SQLite, yet SQLite cannot read it: damaged.
        _ => err,
    }
}

/// Moves a damaged database and its WAL/SHM aside, returning the new path of the main file.
pub(crate) fn move_aside(path: &Path, stamp_ms: i64) -> Result<PathBuf> {
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("ilp.db");
    let target = path.with_file_name(format!("{file_name}.corrupt-{stamp_ms}"));
    std::fs::rename(path, &target)?;
    for suffix in ["-wal", "-shm"] {
        let side = path.with_file_name(format!("{file_name}{suffix}"));
        if side.exists() {
            std::fs::rename(
                &side,
                target.with_file_name(format!("{file_name}.corrupt-{stamp_ms}{suffix}")),
            )?;
        }
    }
    tracing::warn!(target = %target.display(), "corrupt database moved aside");
    Ok(target)
}

/// Opens (creating or migrating) the database at `path`, moving a corrupt file aside.
pub(crate) fn open_writer(
    path: &Path,
    key: Option<&DbKey>,
    now_ms: i64,
) -> Result<(Connection, OpenReport)> {
    let mut report = OpenReport {
        created: !path.exists()
            || std::fs::metadata(path)
                .map(|m| m.len() == 0)
                .unwrap_or(true),
        ..OpenReport::default()
    };
    let damaged = |e: &StoreError| matches!(e, StoreError::Sqlite(inner) if StoreError::is_sqlite_corruption(inner));
    // Stage 1: the key. A failure here is classified: wrong key, missing key, or a damaged file.
    let conn = match open_keyed(path, key) {
        Ok(c) => Ok(c),
        Err(e) => Err(classify_open_failure(path, key, e)),
    };
    // Stage 2: the schema. The key was accepted, so corruption here is real damage.
    let result = conn.and_then(|mut c| {
        configure(&c)?;
        c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })?;
        report.migrated_from = migrate(&mut c)?;
        Ok(c)
    });
    match result {
        Ok(conn) => Ok((conn, report)),
        Err(e) if damaged(&e) => {
            report.moved_aside = Some(move_aside(path, now_ms)?);
            report.created = true;
            let mut conn = open_connection(path, key)?;
            report.migrated_from = migrate(&mut conn)?;
            Ok((conn, report))
        }
        Err(e) => Err(e),
    }
}
