#!/usr/bin/env bash
# The supervisor web dashboard in a real browser: Debian's headless Chromium driven by Playwright's
# core library (npm `playwright-core`; no browser download: it drives /usr/bin/chromium) against a
# demo server on loopback (tests/lib/demo-server.sh). The tests are tests/dashboard/*.test.mjs, run
# by tests/dashboard/run.mjs; XLSX exports are read back with npm `exceljs`. Installs what is missing
# (apt-get chromium, fonts; npm packages into $ILP_TOOLS_DIR/dashboard-node). Screenshots of every
# page go to $ILP_BUILD_DIR/dashboard-screenshots.
# Usage: bash tests/dashboard.sh [test name substring...]
# Last line: "dashboard: N passed, M failed"; exit code non-zero on any failure.
set -euo pipefail
shopt -s inherit_errexit

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ILP_BUILD_DIR:-$REPO/build}"
TOOLS_DIR="${ILP_TOOLS_DIR:-$HOME/.cache/ilp-tools}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$TOOLS_DIR/cargo-target}"
log() { echo "dashboard: $*" >&2; }
fail_setup() {
    log "$1"
    echo "dashboard: 0 passed, 1 failed"
    exit 1
}

need=()
[[ -x /usr/bin/chromium ]] || need+=(chromium)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if ((${#need[@]})); then
    log "installing ${need[*]}"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# The npm packages, pinned; installed once per version set into the tools cache.
PLAYWRIGHT_VERSION=1.65.1
EXCELJS_VERSION=4.4.0
NODE_DIR="$TOOLS_DIR/dashboard-node"
installed() {
    (cd "$NODE_DIR" 2>/dev/null && node -e '
        const v = (p) => require(p + "/package.json").version;
        process.exit(v("playwright-core") === process.argv[1] && v("exceljs") === process.argv[2] ? 0 : 1);
    ' "$PLAYWRIGHT_VERSION" "$EXCELJS_VERSION") >/dev/null 2>&1
}
if ! installed; then
    log "installing playwright-core@$PLAYWRIGHT_VERSION and exceljs@$EXCELJS_VERSION into $NODE_DIR"
    mkdir -p "$NODE_DIR"
    # Playwright's own browser download is never used (and fails here): Debian's chromium is.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error \
        "playwright-core@$PLAYWRIGHT_VERSION" "exceljs@$EXCELJS_VERSION" >&2 || fail_setup "npm install failed"
    installed || fail_setup "the npm packages are not usable in $NODE_DIR"
fi

# A demo server of our own, with two RW (one outside kader.rw001.a's scope), unless
# ILP_DASHBOARD_SERVER names one already running (seeded the same way).
if [[ -n "${ILP_DASHBOARD_SERVER:-}" ]]; then
    export ILP_TEST_SERVER="$ILP_DASHBOARD_SERVER"
else
    unset ILP_TEST_SERVER
    log "building and starting the demo server"
    source "$REPO/tests/lib/demo-server.sh"
    ensure_demo_server 500 || fail_setup "the demo server did not start"
fi

SHOTS="$BUILD_DIR/dashboard-screenshots"
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
export ILP_DASHBOARD_NODE_MODULES="$NODE_DIR/node_modules"
export ILP_DASHBOARD_SCREENSHOTS="$SHOTS"
export ILP_CHROMIUM="${ILP_CHROMIUM:-/usr/bin/chromium}"
OUT="$(mktemp /tmp/ilp-dashboard-out.XXXXXX)"
set +e
node "$REPO/tests/dashboard/run.mjs" "$@" 2>&1 | tee "$OUT"
rc=${PIPESTATUS[0]}
set -e
# The runner prints the summary itself; if it died before that, one failure is counted.
if ! grep -Eq '^dashboard: [0-9]+ passed, [0-9]+ failed$' "$OUT"; then
    rm -f "$OUT"
    echo "dashboard: 0 passed, 1 failed"
    exit 1
fi
rm -f "$OUT"
exit "$rc"
