#!/usr/bin/env bash
# The README's main job and walk-through, as written: starts `ilp-server demo` (release build, a
# fresh data directory, a free loopback port, a smaller demo kelurahan to keep CI quick), waits for
# its URL and logins, then runs the README's walk-through block (between the walkthrough markers)
# in a scratch directory with ILP_SERVER pointing at that server, and checks what each step must
# show. Ends with "walkthrough: N passed, M failed".
set -euo pipefail
shopt -s inherit_errexit

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${ILP_TOOLS_DIR:-$HOME/.cache/ilp-tools}/cargo-target}"
log() { echo "walkthrough: $*" >&2; }

WORK="$(mktemp -d /tmp/ilp-walkthrough.XXXXXX)"
SERVER_PID=""
cleanup() {
    # The killed server's status (143) must not become the script's: errexit applies in traps.
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

log "building ilp-server and ilp (release)"
cargo build -q --release -p ilp-server -p ilp-cli --manifest-path "$REPO/Cargo.toml"
BIN="$CARGO_TARGET_DIR/release"

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$BIN/ilp-server" demo --data-dir "$WORK/demo-server" --port "$PORT" --households "${WALKTHROUGH_HOUSEHOLDS:-120}" \
    >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 1 600); do
    grep -q "Stop with Ctrl-C" "$WORK/server.out" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.err" >&2; log "the server stopped"; exit 1; }
    sleep 0.5
done

passed=0
failed=0
check() { # check NAME FILE PATTERN
    if grep -Eq -- "$3" "$2"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        log "FAILED: $1 (no /$3/ in $(basename "$2"))"
        sed 's/^/    /' "$2" | head -40 >&2
    fi
}

check "the server prints its URL" "$WORK/server.out" "URL: +http://127\.0\.0\.1:$PORT"
check "the server prints the kader login" "$WORK/server.out" "kader +kader\.rw001\.a +kader\.rw001\.a-demo"
check "the server prints the bidan login" "$WORK/server.out" "bidan +bidan\.oesapa\.1 +bidan\.oesapa\.1-demo"
check "the server prints the supervisor login" "$WORK/server.out" "supervisor +supervisor\.oesapa +supervisor\.oesapa-demo"
check "the server prints the dashboard's address" "$WORK/server.out" "Dashboard: +http://127\.0\.0\.1:$PORT/dashboard/login"
check "the server prints a dashboard login" "$WORK/server.out" "Dashboard login \(supervisor\): supervisor\.oesapa / supervisor\.oesapa-demo"

# The README's block, verbatim but for the server's address. `cargo` builds this checkout from the
# scratch directory; the built binaries are on PATH behind the block's own PATH entry.
awk '/<!-- walkthrough:start -->/ {on = 1; next} /<!-- walkthrough:end -->/ {on = 0} on && !/^```/' "$REPO/README.md" \
    | sed "s#http://127.0.0.1:8080#http://127.0.0.1:$PORT#g" >"$WORK/walkthrough.sh"
mkdir -p "$WORK/phone"
set +e
(
    cd "$WORK/phone"
    export PATH="$BIN:$PATH"
    cargo() { command cargo "$@" --manifest-path "$REPO/Cargo.toml"; }
    export -f cargo
    export REPO
    bash -euo pipefail -x "$WORK/walkthrough.sh"
) >"$WORK/out.txt" 2>"$WORK/err.txt"
rc=$?
set -e
if [[ $rc -eq 0 ]]; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    log "FAILED: the walk-through stopped with exit code $rc"
    tail -30 "$WORK/err.txt" >&2
fi
cat "$WORK/err.txt" "$WORK/out.txt" >"$WORK/all.txt"

check "the kader logs in" "$WORK/out.txt" "logged in as .*\(kader\.rw001\.a, kader\)"
check "the offline PIN is set" "$WORK/out.txt" "offline PIN set"
check "the first sync brings the kader's area" "$WORK/out.txt" "synced: 0 pushed \(0 refused\), [1-9][0-9]* received \([0-9]+ from the snapshot\)"
check "the worklist has items" "$WORK/phone/worklist.txt" "worklist of .* [1-9][0-9]* items in [1-9][0-9]* households"
check "the visit is recorded" "$WORK/out.txt" "visit recorded: "
check "the visit waits to be pushed" "$WORK/out.txt" "waiting to be pushed: [1-9]"
check "the visit is pushed" "$WORK/out.txt" "synced: [1-9][0-9]* pushed \(0 refused\)"
check "the bidan logs in" "$WORK/out.txt" "logged in as .*\(bidan\.oesapa\.1, bidan\)"
check "the bidan's card shows today's visit" "$WORK/phone/card.txt" "[0-9]+ items"
today=$(TZ=Asia/Makassar date +%Y-%m-%d)
# The kader's visit today closed the follow-up at the top of her worklist; the bidan's copy of the
# card shows it done today.
if grep -q "follow_up" "$WORK/phone/worklist.txt"; then
    check "the bidan's card shows the follow-up done today" "$WORK/phone/card.txt" "Tindak lanjut .* done +$today"
fi
check "an idle sync is one round trip" "$WORK/out.txt" "synced: 0 pushed \(0 refused\), 0 received, 1 round trip\(s\)"

echo "walkthrough: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
