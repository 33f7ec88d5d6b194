//! The sync wire protocol shared by the device and the server (`protocol`, always built), and the
//! device side (feature `client`, the default): push batches from the outbox, the HTTP client, the
//! sync engine that pushes, pulls and follows the feed, and the offline PIN. PROTOCOL.md beside
//! this crate is the contract between the two ends.

pub mod protocol;

#[cfg(feature = "client")]
pub mod push;
#[cfg(feature = "client")]
pub use push::{PushLimits, build_push_batch};

pub use protocol::*;

#[cfg(feature = "client")]
pub mod backoff;
#[cfg(feature = "client")]
pub mod engine;
#[cfg(feature = "client")]
pub mod error;
#[cfg(feature = "client")]
pub mod http;
#[cfg(feature = "client")]
pub mod session;
