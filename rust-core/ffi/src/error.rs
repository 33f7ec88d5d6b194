//! The one flat error enum the apps see. Each variant is something a screen can act on; the
//! conversion from the store's rich error happens here, in one place, and no variant carries
//! health data (ids and field names only).

use ilp_store::StoreError;

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum IlpError {
    /// A field of the input is refused: show `reason` next to `field` (e.g. `members[2].nik`).
    #[error("{field}: {reason}")]
    Validation { field: String, reason: String },
    /// The NIK belongs to another registered person: offer to open that person instead.
    #[error("NIK already registered to person {existing_person_id}")]
    DuplicateNik { existing_person_id: String },
    /// The record does not exist (or was never synced to this phone).
    #[error("{what} not found")]
    NotFound { what: String, id: String },
    /// The user may not do this: unknown user, or an area outside their assignment.
    #[error("not allowed: {reason}")]
    Auth { reason: String },
    /// The server could not be reached (sync).
    #[error("network: {reason}")]
    Network { reason: String },
    /// The database key was refused or missing: the file is intact, the key is wrong.
    #[error("database key refused")]
    KeyRejected,
    /// The database was written by a newer app version: update the app.
    #[error("database schema {found} is newer than this app ({supported})")]
    NewerSchema { found: i64, supported: i64 },
    /// Two writes disagree (a record changed elsewhere): reload and retry.
    #[error("conflict: {reason}")]
    Conflict { reason: String },
    /// The database could not be read or written (disk full, closed, damaged).
    #[error("storage: {reason}")]
    Storage { reason: String },
}

pub(crate) fn validation(field: impl Into<String>, reason: impl Into<String>) -> IlpError {
    IlpError::Validation {
        field: field.into(),
        reason: reason.into(),
    }
}

impl From<StoreError> for IlpError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Validation(v) => IlpError::Validation {
                field: v.field,
                reason: v.reason,
            },
            StoreError::DuplicateNik { existing } => IlpError::DuplicateNik {
                existing_person_id: existing.to_string(),
            },
            StoreError::NotFound { what, id } => IlpError::NotFound {
                what: what.to_string(),
                id,
            },
            StoreError::NewerSchema { found, supported } => {
                IlpError::NewerSchema { found, supported }
            }
            StoreError::KeyRejected | StoreError::KeyRequired => IlpError::KeyRejected,
            StoreError::DeviceMismatch { .. } => IlpError::Auth {
                reason: "database belongs to another device".into(),
            },
            other => {
                // Storage failures are logged here, once, without the data that caused them.
                tracing::error!(error = %other, "storage failure");
                IlpError::Storage {
                    reason: other.to_string(),
                }
            }
        }
    }
}
