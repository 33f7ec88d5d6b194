//! The FFI surface of the core.
uniffi::setup_scaffolding!();

/// The core library's version, for the app's about screen.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
