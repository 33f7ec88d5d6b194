#!/usr/bin/env bash
# Cross-language tests: builds the core library and its bindings once, then runs the Kotlin binding tests
# (JVM), the Android app's view model and Compose tests (desktop JVM, tests/android.sh) and the Swift
# package's tests (Linux, trixie chroot) against it. Non-zero exit if any fails; all always run.
# First run on a fresh machine installs the toolchains into ${ILP_TOOLS_DIR:-~/.cache/ilp-tools}.
set -euo pipefail
shopt -s inherit_errexit

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { echo "bindings: $*" >&2; }

start=$SECONDS
bash "$REPO/tests/lib/build-core.sh"
export ILP_SKIP_BUILD=1
# Both suites' sync tests talk to one demo server on loopback.
source "$REPO/tests/lib/demo-server.sh"
ensure_demo_server

failed=()
t=$SECONDS
if bash "$REPO/tests/kotlin.sh"; then log "kotlin ok ($((SECONDS - t)) s)"; else failed+=(kotlin); fi
t=$SECONDS
if bash "$REPO/tests/android.sh"; then log "android ok ($((SECONDS - t)) s)"; else failed+=(android); fi
t=$SECONDS
if bash "$REPO/tests/swift.sh"; then log "swift ok ($((SECONDS - t)) s)"; else failed+=(swift); fi

if ((${#failed[@]})); then
    log "FAILED: ${failed[*]} ($((SECONDS - start)) s)"
    exit 1
fi
log "all passed ($((SECONDS - start)) s)"
