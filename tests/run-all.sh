#!/usr/bin/env bash
# Every test of the project, as CI runs it on a fresh clone: installs what it needs (Debian
# packages, the Kotlin compiler from npm, JNA/JUnit from Maven Central, swiftlang in a trixie
# chroot), reusing what is already there, then runs
#   1. the Rust workspace tests (model, rules, store, sync, ffi, demo, cli, server and the end-to-end
#      sync tests in tests/e2e, all on SQLite),
#   2. the CSV import acceptance check (5,000 households with bad rows, release `ilp`),
#   3. the server's and the end-to-end sync suites again on a throwaway PostgreSQL cluster,
#   4. the README's demo server and walk-through (tests/walkthrough.sh),
#   5. the supervisor dashboard in headless Chromium against a demo server (tests/dashboard.sh;
#      screenshots in build/dashboard-screenshots),
#   6. the Kotlin (JVM) binding tests, 7. the Android app's view model and Compose UI tests on the
#      desktop JVM (tests/android.sh; screenshots in build/android-screenshots), 8. the Swift package's
#      tests on Linux (bindings and the iOS app's view models).
# Ends with one line "all: N passed, M failed"; non-zero exit if anything failed.
set -euo pipefail
shopt -s inherit_errexit

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
log() { echo "run-all: $*" >&2; }

# Build artefacts live outside the clone so CI's fresh clones reuse compiled dependencies.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${ILP_TOOLS_DIR:-$HOME/.cache/ilp-tools}/cargo-target}"
export ILP_BUILD_DIR="${ILP_BUILD_DIR:-$REPO/build}"
mkdir -p "$CARGO_TARGET_DIR" "$ILP_BUILD_DIR"
# Incremental caches only help edit-compile loops; on CI they grew the shared target by 16 GB a
# run and filled the disk mid-run. Stale artefacts of old commits pile up too: start the shared
# target afresh when the disk it lives on runs low.
export CARGO_INCREMENTAL=0
rm -rf "$CARGO_TARGET_DIR/debug/incremental"
free_gb=$(df -Pk "$CARGO_TARGET_DIR" | awk 'NR == 2 {print int($4 / 1048576)}')
if ((free_gb < 20)); then
    log "only ${free_gb} GB free: removing the shared cargo target $CARGO_TARGET_DIR to rebuild it"
    rm -rf "${CARGO_TARGET_DIR:?}/debug" "${CARGO_TARGET_DIR:?}/release" "${CARGO_TARGET_DIR:?}/release-unstripped"
fi

need_pkgs=()
for pkg in libssl-dev pkg-config; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_pkgs+=("$pkg")
done
if ((${#need_pkgs[@]})); then
    log "installing ${need_pkgs[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

passed=0
failed=0
status=0

log "rust: cargo test (default members; uniffi-bindgen is built by tests/lib/build-core.sh)"
rust_log="$ILP_BUILD_DIR/rust-tests.log"
set +e
# The sync interleavings proptest runs a few thousand cases here (256 elsewhere: about a minute).
ILP_INTERLEAVING_CASES="${ILP_INTERLEAVING_CASES:-2048}" cargo test --no-fail-fast 2>&1 | tee "$rust_log" | grep -E '^(test result|error|failures:|---- |test .* FAILED)'
rust_rc=${PIPESTATUS[0]}
set -e
rust_passed=$(grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' "$rust_log" | awk '{s+=$4} END {print s+0}')
rust_failed=$(grep -Eo '[0-9]+ failed' "$rust_log" | awk '{s+=$1} END {print s+0}')
if [[ $rust_rc -ne 0 && $rust_failed -eq 0 ]]; then rust_failed=1; fi
echo "rust: $rust_passed passed, $rust_failed failed"
passed=$((passed + rust_passed)); failed=$((failed + rust_failed))
[[ $rust_rc -eq 0 ]] || status=1

log "import: the 5,000-household CSV acceptance check"
import_log="$ILP_BUILD_DIR/import-acceptance.log"
if bash tests/import-acceptance.sh 2>&1 | tee "$import_log"; then :; else status=1; fi
i=$(grep -Eo '^import: [0-9]+ passed, [0-9]+ failed' "$import_log" | tail -1 || true)
if [[ -n "$i" ]]; then
    passed=$((passed + $(awk '{print $2}' <<<"$i"))); failed=$((failed + $(awk '{print $4}' <<<"$i")))
else
    failed=$((failed + 1)); status=1
fi

# count_from LOG PREFIX: adds the "PREFIX: N passed, M failed" line of a script's log to the totals.
count_from() {
    local line
    line=$(grep -Eo "^$2: [0-9]+ passed, [0-9]+ failed" "$1" | tail -1 || true)
    if [[ -n "$line" ]]; then
        passed=$((passed + $(awk '{print $2}' <<<"$line"))); failed=$((failed + $(awk '{print $4}' <<<"$line")))
    else
        failed=$((failed + 1)); status=1
    fi
}

log "server: the sync server's and the end-to-end sync suites against PostgreSQL"
pg_log="$ILP_BUILD_DIR/server-postgres.log"
if bash tests/server-postgres.sh 2>&1 | tee "$pg_log" | grep -E '^(test result|server-postgres:|---- |test .* FAILED)'; then :; fi
grep -q '^server-postgres: [0-9]* passed, 0 failed' "$pg_log" || status=1
count_from "$pg_log" server-postgres

log "walkthrough: the README's demo server and device walk-through, as written"
walk_log="$ILP_BUILD_DIR/walkthrough.log"
if bash tests/walkthrough.sh 2>&1 | tee "$walk_log"; then :; else status=1; fi
count_from "$walk_log" walkthrough

log "dashboard: the supervisor dashboard in headless Chromium (login, coverage, drill-down, exports, scope)"
dash_log="$ILP_BUILD_DIR/dashboard.log"
if bash tests/dashboard.sh 2>&1 | tee "$dash_log"; then :; else status=1; fi
count_from "$dash_log" dashboard

bind_log="$ILP_BUILD_DIR/bindings-tests.log"
if bash tests/bindings.sh 2>&1 | tee "$bind_log"; then :; else status=1; fi
k=$(grep -Eo '^kotlin: [0-9]+ passed, [0-9]+ failed' "$bind_log" | tail -1 || true)
if [[ -n "$k" ]]; then
    passed=$((passed + $(awk '{print $2}' <<<"$k"))); failed=$((failed + $(awk '{print $4}' <<<"$k")))
else
    failed=$((failed + 1)); status=1
fi
count_from "$bind_log" android
s=$(grep -Eo 'Executed [0-9]+ tests?, with [0-9]+ failures?' "$bind_log" | tail -1 || true)
if [[ -n "$s" ]]; then
    sp=$(awk '{print $2}' <<<"$s"); sf=$(awk '{print $5}' <<<"$s")
    echo "swift: $((sp - sf)) passed, $sf failed"
    passed=$((passed + sp - sf)); failed=$((failed + sf))
else
    failed=$((failed + 1)); status=1
fi

echo "all: $passed passed, $failed failed"
exit $status
