#!/usr/bin/env bash
# Builds the core library (with uniffi metadata) and the bindgen, generates the Kotlin and Swift bindings
# from the library, and lays the results out for the binding tests. Idempotent; untouched outputs keep
# their timestamps so the Kotlin and Swift builds stay incremental.
#   ILP_BUILD_DIR     output dir (default <repo>/build; gitignored)
#   CARGO_TARGET_DIR  honoured as usual
#   ILP_CORE_PROFILE  cargo profile for the library (default dev; release-unstripped also works,
#                     never plain release: it is stripped and has no uniffi metadata)
# Outputs:
#   $ILP_BUILD_DIR/lib/libilpcore.so            the library the tests load/link (a copy)
#   $ILP_BUILD_DIR/bindings/{kotlin,swift}/     generated sources
#   $ILP_BUILD_DIR/core-version                 the ilp-ffi crate version (tests compare to it)
#   ios/Sources/IlpCore/generated/IlpCore.swift and ios/Sources/IlpCoreFFI/IlpCoreFFI.h (gitignored)
set -euo pipefail
shopt -s inherit_errexit

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${ILP_BUILD_DIR:-$REPO/build}"
PROFILE="${ILP_CORE_PROFILE:-dev}"
log() { echo "build-core: $*" >&2; }
cd "$REPO"

if [[ "$PROFILE" == release ]]; then log "profile release is stripped: no uniffi metadata"; exit 1; fi
case "$PROFILE" in dev | test) PROFILE_DIR=debug ;; *) PROFILE_DIR="$PROFILE" ;; esac

# The target dir as cargo sees it (CARGO_TARGET_DIR, .cargo/config, or <workspace>/target).
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
[[ -n "$TARGET_DIR" ]] || { log "could not find cargo's target directory"; exit 1; }

# Two cargo invocations on purpose: building both at once would unify uniffi's features (the bindgen
# turns on `cli`) and make ordinary `cargo build`/`cargo test` rebuild the library afterwards.
start=$SECONDS
cargo build --quiet -p ilp-ffi --profile "$PROFILE"
cargo build --quiet -p uniffi-bindgen
log "cargo build ilp-ffi ($PROFILE) + uniffi-bindgen: $((SECONDS - start)) s"

LIB_SRC="$TARGET_DIR/$PROFILE_DIR/libilpcore.so"
BINDGEN="$TARGET_DIR/debug/uniffi-bindgen"
[[ -f "$LIB_SRC" ]] || { log "missing $LIB_SRC"; exit 1; }

# Copy $1 to $2 only when the content differs.
install_if_changed() {
    mkdir -p "$(dirname "$2")"
    if ! cmp -s "$1" "$2"; then cp "$1" "$2.tmp" && mv "$2.tmp" "$2"; fi
}

install_if_changed "$LIB_SRC" "$BUILD_DIR/lib/libilpcore.so"
LIB="$BUILD_DIR/lib/libilpcore.so"

# Generate into fresh temp dirs (no stale files from renamed modules), then install what changed.
GEN="$BUILD_DIR/bindings"
for lang in kotlin swift; do
    rm -rf "$GEN/$lang.tmp"
    "$BINDGEN" generate --library "$LIB_SRC" --language "$lang" --no-format --out-dir "$GEN/$lang.tmp" >/dev/null
    rm -rf "$GEN/$lang" && mv "$GEN/$lang.tmp" "$GEN/$lang"
done

[[ -f "$GEN/swift/IlpCore.swift" && -f "$GEN/swift/IlpCoreFFI.h" ]] ||
    { log "swift bindings missing IlpCore.swift / IlpCoreFFI.h (see rust-core/ffi/uniffi.toml)"; exit 1; }
install_if_changed "$GEN/swift/IlpCore.swift" "$REPO/ios/Sources/IlpCore/generated/IlpCore.swift"
install_if_changed "$GEN/swift/IlpCoreFFI.h" "$REPO/ios/Sources/IlpCoreFFI/IlpCoreFFI.h"

# The crate version, e.g. "0.1.0", from `path+file:///...#ilp-ffi@0.1.0`.
VERSION="$(cargo pkgid -p ilp-ffi)"; VERSION="${VERSION##*[@#]}"
printf '%s\n' "$VERSION" > "$BUILD_DIR/core-version.tmp" && mv "$BUILD_DIR/core-version.tmp" "$BUILD_DIR/core-version"

log "bindings for ilpcore $VERSION in $GEN (kotlin: $(find "$GEN/kotlin" -name '*.kt' | wc -l) file(s), swift: $(ls "$GEN/swift" | tr '\n' ' '))"
