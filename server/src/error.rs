//! Errors: rich inside (storage failures keep their source for the log), one `ErrorBody` outward.
//! An `ApiError` is what a client is told; `Error` is what went wrong, turned into an `ApiError`
//! at the HTTP edge. Neither ever carries a request body or health data.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ilp_sync::protocol::{ErrorBody, PROTOCOL_VERSION};

/// A failure of the storage backend (SQLite or PostgreSQL).
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgres: {0}")]
    Postgres(#[from] postgres::Error),
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    #[error("the database schema is version {found}, newer than this server ({supported})")]
    TooNew { found: i64, supported: i64 },
    #[error("{0}")]
    Other(String),
}

impl From<serde_json::Error> for StorageError {
    fn from(e: serde_json::Error) -> Self {
        StorageError::Corrupt(format!("json: {e}"))
    }
}

/// Anything that can go wrong while serving a request or running an admin command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A refusal the client should see as such.
    #[error("{0:?}")]
    Api(ApiError),
    /// A mistake in an admin command's arguments.
    #[error("{0}")]
    Usage(String),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(e)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An answer other than 2xx: status, machine code and a message for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }
    pub fn malformed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "malformed", message)
    }
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed; try again later",
        )
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code.into(),
            message: self.message.clone(),
            protocol: PROTOCOL_VERSION,
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Api(a) => a,
            other => {
                // The detail stays in the log; the client learns only that the server failed.
                tracing::error!(error = %other, "request failed");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}
