#!/usr/bin/env bash
# The Android app's tests on the desktop JVM, no Android SDK: the ui module's sources
# (android/ui/src/main/kotlin: repositories, view models, Compose screens), its view model tests
# (android/ui/src/test/kotlin) and its Compose UI tests (android/ui/src/desktopTest/kotlin), compiled
# with kotlinc + the Compose compiler plugin against JetBrains' Compose desktop artifacts (resolved
# from Maven Central through android/jvm-tests/pom.xml) and run with JUnit 4 against the real
# libilpcore.so built from this tree. Screenshots of every screen go to $ILP_BUILD_DIR/android-screenshots.
# Usage: bash tests/android.sh [TestClassSubstring...]
# Last line: "android: N passed, M failed"; exit code non-zero on any failure.
#   ILP_SKIP_BUILD=1  don't run tests/lib/build-core.sh first (tests/bindings.sh already did)
set -euo pipefail
shopt -s inherit_errexit

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ILP_BUILD_DIR:-$REPO/build}"
TOOLS_DIR="${ILP_TOOLS_DIR:-$HOME/.cache/ilp-tools}"
log() { echo "android: $*" >&2; }

if [[ "${ILP_SKIP_BUILD:-}" != 1 ]]; then bash "$REPO/tests/lib/build-core.sh"; fi
TOOLCHAIN="$(bash "$REPO/tests/lib/kotlin-toolchain.sh")"
eval "$TOOLCHAIN"
source "$REPO/tests/lib/demo-server.sh"
ensure_demo_server

# Maven resolves the desktop classpath; Skia renders text with the system's fonts (fontconfig).
need=()
command -v mvn >/dev/null 2>&1 || need+=(maven)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
dpkg -s fontconfig >/dev/null 2>&1 || need+=(fontconfig)
if ((${#need[@]})); then
    log "installing ${need[*]}"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# The desktop classpath, resolved once per version of the pom.
POM="$REPO/android/jvm-tests/pom.xml"
CP_FILE="$TOOLS_DIR/android-jvm-$(sha256sum "$POM" | cut -c1-16).classpath"
if [[ ! -s "$CP_FILE" ]]; then
    log "resolving the Compose desktop classpath from Maven Central"
    if ! out="$(mvn -B -q -Dstyle.color=never -f "$POM" dependency:build-classpath -Dmdep.outputFile="$CP_FILE.tmp" 2>&1)"; then
        printf '%s\n' "$out" | tail -30 >&2
        log "could not resolve android/jvm-tests/pom.xml"
        echo "android: 0 passed, 1 failed"
        exit 1
    fi
    mv "$CP_FILE.tmp" "$CP_FILE"
fi
# kotlinc brings its own (newer) stdlib; the older one Compose depends on would shadow it.
DEPS="$(tr ":" "\n" < "$CP_FILE" | grep -v "/kotlin-stdlib" | paste -sd:)"

UI="$REPO/android/ui/src"
OUT="$BUILD_DIR/android-tests"
CLASSES="$OUT/classes"
RUNNER_SRC="$REPO/tests/lib/kotlin/JUnitMain.kt"
mapfile -t SOURCES < <(find "$BUILD_DIR/bindings/kotlin" "$UI/main/kotlin" "$UI/test/kotlin" "$UI/desktopTest/kotlin" \
    -name '*.kt' 2>/dev/null | LC_ALL=C sort; echo "$RUNNER_SRC")

KEY="$( { echo "$KOTLINC $DEPS"; cat "${SOURCES[@]}"; } | sha256sum | cut -d' ' -f1)"
if [[ ! -f "$OUT/stamp" || "$(cat "$OUT/stamp")" != "$KEY" ]]; then
    start=$SECONDS
    rm -rf "$CLASSES" "$OUT/stamp" && mkdir -p "$CLASSES"
    if ! "$KOTLINC" -nowarn -jvm-target 17 -Xplugin="$KOTLIN_LIB/compose-compiler-plugin.jar" \
        -cp "$DEPS" -d "$CLASSES" "${SOURCES[@]}" > "$OUT/kotlinc.log" 2>&1; then
        grep -E '^(error|e:)|error:' "$OUT/kotlinc.log" | head -60 >&2 || cat "$OUT/kotlinc.log" >&2
        log "compilation failed (full log: $OUT/kotlinc.log)"
        echo "android: 0 passed, 1 failed"
        exit 1
    fi
    echo "$KEY" > "$OUT/stamp"
    log "compiled ${#SOURCES[@]} files in $((SECONDS - start)) s"
fi

SHOTS="$BUILD_DIR/android-screenshots"
mkdir -p "$SHOTS"
java -Djava.awt.headless=true -Dilp.suite=android -Djna.library.path="$BUILD_DIR/lib" \
    -Dilp.screenshots="$SHOTS" -Dilp.core.version="$(cat "$BUILD_DIR/core-version")" \
    -cp "$CLASSES:$KOTLIN_LIB/kotlin-stdlib.jar:$DEPS" id.posyandu.ilp.testrunner.JUnitMainKt "$CLASSES" "$@"
