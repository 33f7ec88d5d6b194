#!/usr/bin/env bash
# The registry issue's acceptance check, end to end with the release `ilp`: a 5,000-household CSV
# (as a Dukcapil/Dinkes export gives it) with a handful of bad rows is imported into a new encrypted
# database; every bad row must be named with its row and column, every other household imported,
# and the database must pass PRAGMA integrity_check. Last line: "import: N passed, M failed".
set -euo pipefail
shopt -s inherit_errexit
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${ILP_TOOLS_DIR:-$HOME/.cache/ilp-tools}/cargo-target}"
HOUSEHOLDS="${HOUSEHOLDS:-5000}"
BAD=6
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
log() { echo "import: $*" >&2; }

cargo build -q --release -p ilp-cli
ILP="$CARGO_TARGET_DIR/release/ilp"
export ILP_DB="$WORK/kupang.db"
"$ILP" key generate --out "$WORK/key" >/dev/null
k=(--key-file "$WORK/key" --quiet)
"$ILP" demo export-csv --households "$HOUSEHOLDS" --seed 2026 --today 2026-11-20 --bad-rows "$BAD" \
    --out "$WORK/households.csv" --areas-out "$WORK/areas.csv" --plain >/dev/null
rows=$(($(wc -l <"$WORK/households.csv") - 1))
log "$HOUSEHOLDS households in $rows rows, $BAD of them bad"
"$ILP" "${k[@]}" init >/dev/null
"$ILP" "${k[@]}" import areas --csv "$WORK/areas.csv" >/dev/null
start=$SECONDS
set +e
"$ILP" "${k[@]}" import households --csv "$WORK/households.csv" >"$WORK/import.out" 2>&1
rc=$?
set -e
log "imported in $((SECONDS - start)) s (exit $rc)"

passed=0; failed=0
check() { # description, command...
    if "${@:2}"; then passed=$((passed + 1)); else failed=$((failed + 1)); log "FAILED: $1"; fi
}
check "exit code 2 (some rows refused)" test "$rc" -eq 2
named=$(grep -cE '^ *row [0-9]+, column [a-z_]+: ' "$WORK/import.out" || true)
check "each bad row named with row and column ($named of $BAD)" test "$named" -ge "$BAD"
grep -E '^ *row [0-9]+, column' "$WORK/import.out" | head -n "$BAD" | sed 's/^/import:   /' >&2
"$ILP" "${k[@]}" check >"$WORK/check.out"
households=$(awk '/^households:/ {gsub(",", "", $2); print $2}' "$WORK/check.out")
check "the other $((HOUSEHOLDS - BAD)) households imported (found $households)" test "$households" -eq "$((HOUSEHOLDS - BAD))"
check "PRAGMA integrity_check is ok" grep -q '^integrity: *ok' "$WORK/check.out"
check "no NIK printed in full" bash -c "! grep -Eq '\\b[0-9]{16}\\b' '$WORK/import.out'"
echo "import: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
