//! The store's rich error type. The FFI flattens it into the one exported enum; nothing here
//! carries health data in its text (ids only).

use ilp_model::{PersonId, ValidationError};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid input: {0}")]
    Validation(#[from] ValidationError),

    #[error("NIK is already registered to person {existing}")]
    DuplicateNik { existing: PersonId },

    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },

    #[error(
        "the database was written by a newer app (schema {found}, this app knows up to {supported}); update the app"
    )]
    NewerSchema { found: i64, supported: i64 },

    #[error("the database key was refused: wrong key, or the file's first page is damaged")]
    KeyRejected,

    #[error("the database is encrypted but no key was given")]
    KeyRequired,

    #[error("the database belongs to device {found}, not {expected}")]
    DeviceMismatch { found: String, expected: String },

    #[error("the database file is corrupt; it was moved to {moved_to}")]
    Corrupt { moved_to: PathBuf },

    #[error("the database is closed")]
    Closed,

    #[error("storage failure: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("storage failure: {0}")]
    Io(#[from] std::io::Error),

    #[error("stored record is malformed: {0}")]
    Malformed(String),

    /// A change pulled from the server that this store cannot apply: the whole page is refused,
    /// nothing of it stored. `field` is a path in the change (`payload.fields.rt_id`); the reason
    /// never quotes the value.
    #[error("pulled change {index} ({entity} {entity_id}) is malformed: {field} {reason}")]
    BadRemoteChange {
        index: usize,
        entity: String,
        entity_id: String,
        field: String,
        reason: String,
    },
}

impl StoreError {
    pub fn not_found(what: &'static str, id: impl ToString) -> Self {
        StoreError::NotFound {
            what,
            id: id.to_string(),
        }
    }

    /// SQLite's own verdict that the file is damaged (or, for an encrypted file, undecryptable).
    pub fn is_sqlite_corruption(e: &rusqlite::Error) -> bool {
        matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseCorrupt) | Some(rusqlite::ErrorCode::NotADatabase)
        )
    }
}

impl From<rusqlite::types::FromSqlError> for StoreError {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        StoreError::Sqlite(rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            Box::new(e),
        ))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Malformed(e.to_string())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
