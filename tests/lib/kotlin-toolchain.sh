#!/usr/bin/env bash
# Installs (once) what the Kotlin binding tests need, outside the checkout, and prints shell assignments:
#   KOTLINC=<kotlinc-jvm>  KOTLIN_LIB=<its lib dir>  ILP_KOTLIN_CP=<jna:junit:hamcrest jars>
# Use as: TC="$(bash tests/lib/kotlin-toolchain.sh)"; eval "$TC"   (not eval "$(...)": that hides a failure)
#   ILP_TOOLS_DIR  cache for tools (default ~/.cache/ilp-tools)
# Sources: the npm package kotlin-compiler (full JVM compiler; lib/ has kotlin-stdlib and kotlin-test),
# JNA, JUnit 4 and hamcrest from Maven Central through mvn.
set -euo pipefail
shopt -s inherit_errexit

KOTLIN_VERSION=2.4.20
JNA_VERSION=5.17.0
JUNIT_VERSION=4.13.2
HAMCREST_VERSION=1.3

TOOLS_DIR="${ILP_TOOLS_DIR:-$HOME/.cache/ilp-tools}"
KDIR="$TOOLS_DIR/kotlin-compiler-$KOTLIN_VERSION"
LIBS="$TOOLS_DIR/jvm-libs"
# Run quietly; show the output only if it fails.
quiet() { local out; if ! out="$("$@" 2>&1)"; then printf '%s\n' "$out" | tail -30 >&2; return 1; fi; }
log() { echo "kotlin-toolchain: $*" >&2; }

need_java() {
    if ! command -v java >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
        log "installing a JDK"
        export DEBIAN_FRONTEND=noninteractive
        quiet apt-get update
        quiet apt-get install -y default-jdk-headless
    fi
}
need_java

KOTLINC="$KDIR/node_modules/kotlin-compiler/bin/kotlinc-jvm"
if [[ ! -x "$KOTLINC" ]]; then
    command -v npm >/dev/null 2>&1 || { log "npm is needed to install kotlin-compiler"; exit 1; }
    log "installing kotlin-compiler $KOTLIN_VERSION from npm"
    rm -rf "$KDIR.tmp" && mkdir -p "$KDIR.tmp"
    npm install --silent --no-audit --no-fund --prefix "$KDIR.tmp" "kotlin-compiler@$KOTLIN_VERSION" >&2
    chmod +x "$KDIR.tmp/node_modules/kotlin-compiler/bin/"* || true
    rm -rf "$KDIR" && mv "$KDIR.tmp" "$KDIR"
fi
KOTLIN_LIB="$KDIR/node_modules/kotlin-compiler/lib"
for jar in kotlin-stdlib.jar kotlin-test.jar; do
    [[ -f "$KOTLIN_LIB/$jar" ]] || { log "$KOTLIN_LIB/$jar missing from the kotlin-compiler package"; exit 1; }
done

# group:artifact:version -> $LIBS/artifact-version.jar
fetch_jar() {
    local gav="$1" g a v jar
    IFS=: read -r g a v <<<"$gav"
    jar="$LIBS/$a-$v.jar"
    if [[ ! -f "$jar" ]]; then
        if ! command -v mvn >/dev/null 2>&1; then
            log "installing maven"
            export DEBIAN_FRONTEND=noninteractive
            quiet apt-get update
            quiet apt-get install -y maven
        fi
        log "fetching $gav from Maven Central"
        quiet mvn -B -Dstyle.color=never dependency:get -Dtransitive=false -Dartifact="$gav"
        mkdir -p "$LIBS"
        cp "${MAVEN_REPO:-$HOME/.m2/repository}/${g//.//}/$a/$v/$a-$v.jar" "$jar.tmp"
        mv "$jar.tmp" "$jar"
    fi
    printf '%s' "$jar"
}
CP="$(fetch_jar net.java.dev.jna:jna:$JNA_VERSION)"
CP="$CP:$(fetch_jar junit:junit:$JUNIT_VERSION)"
CP="$CP:$(fetch_jar org.hamcrest:hamcrest-core:$HAMCREST_VERSION)"

printf 'KOTLINC=%q\nKOTLIN_LIB=%q\nILP_KOTLIN_CP=%q\n' "$KOTLINC" "$KOTLIN_LIB" "$CP"
