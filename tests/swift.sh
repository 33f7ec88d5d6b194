#!/usr/bin/env bash
# Swift binding tests on Linux: `swift test` of the ios/ package (generated bindings + view models) against
# the real libilpcore.so, with swiftlang 6.0.3 in a Debian trixie chroot (tests/lib/swift-toolchain.sh).
# Usage: bash tests/swift.sh [extra `swift test` args, e.g. --filter CoreVersionTests]
# Prints swift test's output (less the build progress lines); its "Executed N tests, with M failures" is the
# summary. Needs root (mount, chroot).
#   ILP_SKIP_BUILD=1  don't run tests/lib/build-core.sh first (tests/bindings.sh already did)
#   ILP_BUILD_DIR, ILP_TOOLS_DIR, CARGO_TARGET_DIR as in tests/lib/*.sh
set -euo pipefail
shopt -s inherit_errexit

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ILP_BUILD_DIR:-$REPO/build}"
log() { echo "swift: $*" >&2; }

if [[ "${ILP_SKIP_BUILD:-}" != 1 ]]; then bash "$REPO/tests/lib/build-core.sh"; fi
mkdir -p "$BUILD_DIR"; BUILD_DIR="$(cd "$BUILD_DIR" && pwd -P)"
ROOT="$(bash "$REPO/tests/lib/swift-toolchain.sh")"
source "$REPO/tests/lib/demo-server.sh"
ensure_demo_server
VERSION="$(cat "$BUILD_DIR/core-version")"
# swift test also runs swift-testing, whose closing line says "0 tests passed" when there are none: turn it
# off unless some test uses it.
SWIFT_ARGS=()
if ! grep -rqs --include='*.swift' '^import Testing' "$REPO/ios/Tests"; then SWIFT_ARGS+=(--disable-swift-testing); fi

# The rest runs in a private mount namespace, so the mounts vanish with it even if it is killed; the trap
# unmounts on an ordinary exit as well. A lock keeps two runs from sharing the chroot's mount points.
exec 9>"$ROOT.lock"
flock 9
unshare --mount --propagation private bash -euo pipefail -c '
    ROOT="$1" REPO="$2" BUILD_DIR="$3" VERSION="$4"; shift 4
    MOUNTED=()
    cleanup() { for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do umount "${MOUNTED[i]}" 2>/dev/null || umount -l "${MOUNTED[i]}"; done; }
    trap cleanup EXIT
    mount -t proc proc "$ROOT/proc"; MOUNTED+=("$ROOT/proc")
    # A fresh /tmp each run (swiftpm leaves temporary directories behind).
    mount -t tmpfs -o mode=1777 tmpfs "$ROOT/tmp"; MOUNTED+=("$ROOT/tmp")
    # The checkout and the build dir at the same absolute paths (the rpath to libilpcore.so is absolute).
    for dir in "$REPO" "$BUILD_DIR"; do
        if [[ "$dir" == "$REPO" || "$dir" != "$REPO"/* ]]; then
            mkdir -p "$ROOT$dir"
            mount --bind "$dir" "$ROOT$dir"; MOUNTED+=("$ROOT$dir")
        fi
    done
    status=0
    chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
        ILP_BUILD_DIR="$BUILD_DIR" ILP_CORE_VERSION="$VERSION" ILP_TEST_SERVER="${ILP_TEST_SERVER:-}" \
        sh -c "cd \"\$0\"/ios && exec swift test \"\$@\" 2>&1" "$REPO" "$@" |
        awk "!/^\\[[0-9]+\\/[0-9]+\\] /" || status=$?
    exit $status
' bash "$ROOT" "$REPO" "$BUILD_DIR" "$VERSION" ${SWIFT_ARGS[@]+"${SWIFT_ARGS[@]}"} "$@"
