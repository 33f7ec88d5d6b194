#!/usr/bin/env bash
# The main job until the sync server exists: builds the demo kelurahan (Oesapa, Kota Kupang) into an
# encrypted database with the `ilp` CLI and shows what a kader and a supervisor would see: households,
# the day's worklist, a child's schedule, a Posyandu session and the kelurahan's coverage.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${ILP_TOOLS_DIR:-$HOME/.cache/ilp-tools}/cargo-target}"
OUT="${ILP_DEMO_DIR:-$REPO/build/demo}"
HOUSEHOLDS="${HOUSEHOLDS:-1000}"
mkdir -p "$OUT"
cargo build -q --release -p ilp-cli
ILP="$CARGO_TARGET_DIR/release/ilp"
DB="$OUT/oesapa.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
[[ -f "$OUT/demo.key" ]] || "$ILP" key generate --out "$OUT/demo.key"
export ILP_DB="$DB"
run() { echo; echo "\$ ilp $*"; "$ILP" --key-file "$OUT/demo.key" "$@"; }
# The first N lines of a command's output (without cutting its pipe: pipefail would stop the script).
show_first() { local n=$1; shift; run "$@" > "$OUT/last.txt"; head -n "$n" "$OUT/last.txt"; }
run init --admin-name "Admin Dinkes Kota Kupang"
run demo --households "$HOUSEHOLDS" --seed 2026
echo; echo "== What a kader of RW 001 sees: the households of RT 001 =="
show_first 12 --user kader.rw001.a list households --rt 53.71.03.1010/001/001
first=$("$ILP" --key-file "$OUT/demo.key" --user kader.rw001.a list households --rt 53.71.03.1010/001/001 \
    | awk 'length($1) == 36 && $1 ~ /^[0-9a-f]+-/ && !done {print $1; done = 1}')
echo; echo "== ... and one household with its members' latest measurements =="
run --user kader.rw001.a show household "$first"
echo; echo "== A kader searches a name in today's spelling and finds the old spelling too =="
run --user kader.rw001.a search "taufik"
echo; echo "== The kader's worklist for today: follow-ups first, then overdue, households in walking order =="
show_first 25 --user kader.rw001.a worklist
# A child with a dose on the list: the row's second id is the person's (the first, the household's).
child=$("$ILP" --key-file "$OUT/demo.key" --user kader.rw001.a worklist --csv \
    | awk '/,Imunisasi/ && !done {print; done = 1}' \
    | grep -oE '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' | sed -n 2p || true)
if [[ -n "$child" ]]; then
    echo; echo "== One child's schedule: every dose, weighing and vitamin A round with its window =="
    show_first 30 --user kader.rw001.a schedule "$child"
fi
echo; echo "== Posyandu Mawar's last session: who came, who becomes a home visit =="
show_first 15 posyandu session --posyandu "Posyandu Mawar"
echo; echo "== What a supervisor reads: coverage of the kelurahan this month =="
run --user supervisor.oesapa coverage --area 53.71.03.1010
echo; echo "== What a supervisor checks: the database and what waits to be synced =="
run --user supervisor.oesapa check
echo; echo "Database: $DB (key in $OUT/demo.key)"
