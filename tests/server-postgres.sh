#!/usr/bin/env bash
# The sync server's test suite and the end-to-end sync tests (cargo test -p ilp-server -p ilp-e2e)
# against a real PostgreSQL: installs
# PostgreSQL from Debian if missing, starts a throwaway cluster in a temporary directory on a free
# loopback port (as the `postgres` user, or `nobody`, when run as root: PostgreSQL refuses to run
# as root), runs the suite with ILP_TEST_DATABASE_URL (each test makes its own schema), and stops
# and removes the cluster whatever happens. Ends with "server-postgres: N passed, M failed".
set -euo pipefail
shopt -s inherit_errexit

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
log() { echo "server-postgres: $*" >&2; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [[ -z "$(pg_bin)" ]]; then
    log "installing postgresql from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PGBIN="$(pg_bin)"
[[ -x "$PGBIN/initdb" ]] || { log "no initdb under $PGBIN"; exit 1; }

as_db_user() { "$@"; }
if [[ $(id -u) -eq 0 ]]; then
    DB_USER=postgres
    getent passwd "$DB_USER" >/dev/null || DB_USER=nobody
    as_db_user() { runuser -u "$DB_USER" -- "$@"; }
fi

WORK="$(mktemp -d /tmp/ilp-pg.XXXXXX)"
[[ $(id -u) -eq 0 ]] && chown "$DB_USER" "$WORK"
PGDATA="$WORK/data"
stop() {
    as_db_user "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap stop EXIT

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000)))"
log "cluster in $WORK on 127.0.0.1:$PORT"
as_db_user "$PGBIN/initdb" -D "$PGDATA" -U ilp --auth=trust -E UTF8 --no-locale >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; exit 1; }
# A throwaway cluster: durability is the tests' concern only on SQLite; PostgreSQL's is its own.
as_db_user "$PGBIN/pg_ctl" -D "$PGDATA" -l "$WORK/postgres.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$WORK/postgres.log" >&2; exit 1; }
as_db_user "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U ilp ilp_test

export ILP_TEST_DATABASE_URL="postgres://ilp@127.0.0.1:$PORT/ilp_test"
test_log="$WORK/cargo-test.log"
set +e
cargo test --no-fail-fast -p ilp-server -p ilp-e2e 2>&1 | tee "$test_log" | grep -E '^(test result|error|failures:|---- |test .* FAILED)'
rc=${PIPESTATUS[0]}
set -e
n_passed=$(grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' "$test_log" | awk '{s+=$4} END {print s+0}')
n_failed=$(grep -Eo '[0-9]+ failed' "$test_log" | awk '{s+=$1} END {print s+0}')
if [[ $rc -ne 0 && $n_failed -eq 0 ]]; then n_failed=1; fi
if [[ $rc -ne 0 ]]; then
    # The panics, for the CI log (the full log goes with the cluster).
    grep -E -A12 "^---- |panicked at" "$test_log" | grep -v '^   *[0-9]*: ' | head -200 >&2 || true
fi
echo "server-postgres: $n_passed passed, $n_failed failed"
exit "$rc"
