//! Runs uniffi's binding generator (Kotlin, Swift) over the built `ilpcore` library.
fn main() {
    uniffi::uniffi_bindgen_main()
}
