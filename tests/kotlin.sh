#!/usr/bin/env bash
# Kotlin binding tests on the JVM: the generated Kotlin bindings + android/core-tests/src/test/kotlin,
# compiled with kotlinc, run with JUnit 4 against the real libilpcore.so (through JNA).
# Usage: bash tests/kotlin.sh [TestClassSubstring...]
# Last line: "kotlin: N passed, M failed"; exit code non-zero on any failure.
#   ILP_SKIP_BUILD=1  don't run tests/lib/build-core.sh first (tests/bindings.sh already did)
#   ILP_BUILD_DIR, ILP_TOOLS_DIR, CARGO_TARGET_DIR as in tests/lib/*.sh
set -euo pipefail
shopt -s inherit_errexit

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ILP_BUILD_DIR:-$REPO/build}"
log() { echo "kotlin: $*" >&2; }

if [[ "${ILP_SKIP_BUILD:-}" != 1 ]]; then bash "$REPO/tests/lib/build-core.sh"; fi
TOOLCHAIN="$(bash "$REPO/tests/lib/kotlin-toolchain.sh")"
eval "$TOOLCHAIN"
# The sync tests talk to a demo server (started here unless tests/bindings.sh already did).
source "$REPO/tests/lib/demo-server.sh"
ensure_demo_server

TEST_SRC="$REPO/android/core-tests/src/test/kotlin"
RUNNER_SRC="$REPO/tests/lib/kotlin/JUnitMain.kt"
OUT="$BUILD_DIR/kotlin-tests"
CLASSES="$OUT/classes"
CP="$KOTLIN_LIB/kotlin-test.jar:$KOTLIN_LIB/kotlin-test-junit.jar:$KOTLIN_LIB/kotlinx-coroutines-core-jvm.jar:$ILP_KOTLIN_CP"

mapfile -t SOURCES < <(find "$BUILD_DIR/bindings/kotlin" "$TEST_SRC" -name '*.kt' | LC_ALL=C sort; echo "$RUNNER_SRC")

# Recompile only when a source, the classpath or the compiler changed.
KEY="$( { echo "$KOTLINC $CP"; cat "${SOURCES[@]}"; } | sha256sum | cut -d' ' -f1)"
if [[ ! -f "$OUT/stamp" || "$(cat "$OUT/stamp")" != "$KEY" ]]; then
    start=$SECONDS
    rm -rf "$CLASSES" "$OUT/stamp" && mkdir -p "$CLASSES"
    if ! "$KOTLINC" -nowarn -jvm-target 17 -cp "$CP" -d "$CLASSES" "${SOURCES[@]}" > "$OUT/kotlinc.log" 2>&1; then
        cat "$OUT/kotlinc.log" >&2
        log "compilation failed"
        echo "kotlin: 0 passed, 1 failed"
        exit 1
    fi
    echo "$KEY" > "$OUT/stamp"
    log "compiled ${#SOURCES[@]} files in $((SECONDS - start)) s"
fi

java -Djna.library.path="$BUILD_DIR/lib" -Dilp.core.version="$(cat "$BUILD_DIR/core-version")" \
    -cp "$CLASSES:$KOTLIN_LIB/kotlin-stdlib.jar:$CP" id.posyandu.ilp.testrunner.JUnitMainKt "$CLASSES" "$@"
