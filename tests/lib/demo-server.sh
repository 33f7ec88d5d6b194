#!/usr/bin/env bash
# Sourced by the binding test scripts: makes sure ILP_TEST_SERVER names a running demo sync server.
# When it is not set, builds `ilp-server` (release), seeds a small demo kelurahan into a temporary
# data directory, starts it on a free loopback port, exports ILP_TEST_SERVER, and stops it and
# removes its data when the sourcing script exits. `ensure_demo_server N` seeds N households (40 by
# default; the dashboard's tests take 500, two RW, to have an RW outside a kader's scope).

ensure_demo_server() {
    [[ -n "${ILP_TEST_SERVER:-}" ]] && return 0
    local households="${1:-40}" repo target dir port
    repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    target="${CARGO_TARGET_DIR:-${ILP_TOOLS_DIR:-$HOME/.cache/ilp-tools}/cargo-target}"
    # `|| return 1`: called as `ensure_demo_server || fail`, errexit is off inside, and a failed
    # build would otherwise test the release binary an older commit left in the shared target.
    CARGO_TARGET_DIR="$target" cargo build -q --release -p ilp-server --manifest-path "$repo/Cargo.toml" || return 1
    dir="$(mktemp -d /tmp/ilp-demo-server.XXXXXX)"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    "$target/release/ilp-server" demo --data-dir "$dir/data" --port "$port" --households "$households" >"$dir/out" 2>&1 &
    ILP_DEMO_SERVER_PID=$!
    ILP_DEMO_SERVER_DIR="$dir"
    # The killed server's status (143) must not become the script's: errexit applies in traps.
    trap 'kill "$ILP_DEMO_SERVER_PID" 2>/dev/null || true; wait "$ILP_DEMO_SERVER_PID" 2>/dev/null || true; rm -rf "$ILP_DEMO_SERVER_DIR"' EXIT
    local i
    for i in $(seq 1 600); do
        grep -q "Stop with Ctrl-C" "$dir/out" 2>/dev/null && break
        if ! kill -0 "$ILP_DEMO_SERVER_PID" 2>/dev/null; then
            cat "$dir/out" >&2
            echo "demo-server: the server stopped" >&2
            return 1
        fi
        sleep 0.5
    done
    export ILP_TEST_SERVER="http://127.0.0.1:$port"
    echo "demo-server: $ILP_TEST_SERVER" >&2
}
