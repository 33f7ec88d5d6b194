//! The sync wire protocol shared by the device and the server, and the device side of building a
//! push batch from the outbox. The transport (HTTP client, server) comes with the sync issue; the
//! messages, their version and their bounds are fixed here so both ends compile against one
//! definition.

pub mod protocol;
pub mod push;

pub use protocol::*;
pub use push::{PushLimits, build_push_batch};
