//! Keeps OpenSSL (SQLCipher's crypto provider here) from tearing itself down at process exit.
//!
//! OpenSSL registers an `atexit` cleanup that frees its providers and caches. A store may still be
//! decrypting pages on another thread when the process exits (the core's search-index warm-up, a
//! sync on the blocking pool): the cleanup then frees what that thread is using, which shows as
//! "EVP_MAC_fetch for HMAC failed" or, with an optimised SQLCipher, as a crash at exit. OpenSSL's
//! own answer for libraries is `OPENSSL_INIT_NO_ATEXIT`: the process's memory goes with the process
//! anyway. Apple builds use CommonCrypto, which has no such cleanup.

#[cfg(not(target_vendor = "apple"))]
pub(crate) fn keep_crypto_until_exit() {
    use std::sync::Once;
    static ONCE: Once = Once::new();
    unsafe extern "C" {
        fn OPENSSL_init_crypto(opts: u64, settings: *const std::ffi::c_void) -> std::ffi::c_int;
    }
    /// `OPENSSL_INIT_NO_ATEXIT` from openssl/crypto.h (OpenSSL 1.1.1 and 3.x).
    const OPENSSL_INIT_NO_ATEXIT: u64 = 0x0008_0000;
    ONCE.call_once(|| {
        // SAFETY: a documented initialisation call with no settings; OpenSSL makes it thread-safe
        // and idempotent, and it runs before SQLCipher first uses the crypto library here.
        let ok = unsafe { OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, std::ptr::null()) };
        if ok != 1 {
            tracing::warn!(
                "OpenSSL refused OPENSSL_INIT_NO_ATEXIT; exit may race with open stores"
            );
        }
    });
}

#[cfg(target_vendor = "apple")]
pub(crate) fn keep_crypto_until_exit() {}
