#!/usr/bin/env bash
# Builds the Rust core for iOS as build/IlpCoreFFI.xcframework (a device slice, and one simulator slice
# holding arm64 and x86_64) and generates the Swift bindings into Sources/IlpCore/generated/ and
# build/headers/. Run on a Mac with Xcode 16 and rustup; the app's Swift package (Package.swift) takes the
# IlpCoreFFI module from the XCFramework on Apple platforms.
#   ILP_IOS_PROFILE   cargo profile of the shipped libraries (default release: opt-level s, LTO)
#   CARGO_TARGET_DIR  honoured as usual
set -euo pipefail
shopt -s inherit_errexit

IOS="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="$(cd "$IOS/.." && pwd)"
OUT="$IOS/build"
PROFILE="${ILP_IOS_PROFILE:-release}"
TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
log() { echo "build-xcframework: $*" >&2; }
cd "$REPO"

[[ "$(uname)" == Darwin ]] || { log "needs macOS with Xcode (xcodebuild, lipo)"; exit 1; }
command -v xcodebuild >/dev/null || { log "xcodebuild not found: install Xcode 16 and run xcode-select"; exit 1; }
for t in "${TARGETS[@]}"; do
    rustup target list --installed | grep -qx "$t" || { log "adding rust target $t"; rustup target add "$t"; }
done

TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
case "$PROFILE" in dev) PROFILE_DIR=debug ;; *) PROFILE_DIR="$PROFILE" ;; esac
# The same minimum as the app (project.yml), so the linker does not warn about newer objects.
export IPHONEOS_DEPLOYMENT_TARGET=17.0

# SQLCipher with OpenSSL built from source for each Apple target (the system has no OpenSSL to link).
for t in "${TARGETS[@]}"; do
    log "cargo build ilp-ffi ($PROFILE) for $t"
    cargo build --quiet -p ilp-ffi --lib --profile "$PROFILE" --target "$t" --features vendored-openssl
done

# Bindings come from an unstripped host build: a stripped library has no uniffi metadata, and the
# metadata is the same for every target.
log "generating the Swift bindings"
cargo build --quiet -p ilp-ffi --lib --profile release-unstripped
cargo build --quiet -p uniffi-bindgen
GEN="$OUT/bindings"
rm -rf "$GEN" && mkdir -p "$GEN"
"$TARGET_DIR/debug/uniffi-bindgen" generate --library "$TARGET_DIR/release-unstripped/libilpcore.dylib" \
    --language swift --out-dir "$GEN" >/dev/null
mkdir -p "$IOS/Sources/IlpCore/generated"
cp "$GEN/IlpCore.swift" "$IOS/Sources/IlpCore/generated/IlpCore.swift"

# The C module of the XCFramework: the generated header and a module map without `link` (the static
# library is linked by the XCFramework itself).
HEADERS="$OUT/headers"
rm -rf "$HEADERS" && mkdir -p "$HEADERS"
cp "$GEN/IlpCoreFFI.h" "$HEADERS/"
cat > "$HEADERS/module.modulemap" <<'MAP'
module IlpCoreFFI {
    header "IlpCoreFFI.h"
    export *
}
MAP

# One simulator library with both architectures (an XCFramework takes one library per platform variant).
SIM="$OUT/ios-simulator"
mkdir -p "$SIM"
lipo -create \
    "$TARGET_DIR/aarch64-apple-ios-sim/$PROFILE_DIR/libilpcore.a" \
    "$TARGET_DIR/x86_64-apple-ios/$PROFILE_DIR/libilpcore.a" \
    -output "$SIM/libilpcore.a"

rm -rf "$OUT/IlpCoreFFI.xcframework"
xcodebuild -create-xcframework \
    -library "$TARGET_DIR/aarch64-apple-ios/$PROFILE_DIR/libilpcore.a" -headers "$HEADERS" \
    -library "$SIM/libilpcore.a" -headers "$HEADERS" \
    -output "$OUT/IlpCoreFFI.xcframework" >/dev/null
log "$OUT/IlpCoreFFI.xcframework ($(du -sh "$OUT/IlpCoreFFI.xcframework" | cut -f1)); bindings in Sources/IlpCore/generated"
