#!/usr/bin/env bash
# SQLCipher crypto provider, OpenSSL vs libtomcrypt: library size, per-page speed, file interop.
# Writes BENCHMARKS.md section 8's figures to $OUT/results.md (and raw numbers beside it).
#
#   tools/crypto-provider/measure.sh
#
# Environment (all optional):
#   OUT=build/crypto-provider   where everything is built (gitignored under /build)
#   ROWS=20000 WREPS=7 SREPS=20 ROUNDS=3   speed test: rows, writes and scans per run, runs per variant
#   CARGO_BUILDS=1              also build libilpcore.so three ways from `git archive HEAD` copies
#                               (system OpenSSL, vendored OpenSSL, libtomcrypt); 0 skips them
#   LIBCRYPTO_A=/path/libcrypto.a  static OpenSSL to use (default: the one the vendored-openssl
#                               cargo build produces under $OUT/target; needs CARGO_BUILDS=1 or this)
#   E2E=0 E2E_ROUNDS=2          E2E=1: also run the store's criterion benches (search, household detail,
#                               record a visit; plain vs keyed) in both copies, ~5 minutes per round
#   TESTS=$E2E                  1: cargo test -p ilp-store against the libtomcrypt build
#   OSSL_INC=...                OpenSSL headers for LIBCRYPTO_A (default: ../include next to its lib dir)
#   CC=cc
#
# Nothing in the checkout is modified: the cargo builds run in copies of HEAD under $OUT.
set -euo pipefail

ROOT=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
HERE=$ROOT/tools/crypto-provider
OUT=${OUT:-$ROOT/build/crypto-provider}
ROWS=${ROWS:-20000}
WREPS=${WREPS:-7}
SREPS=${SREPS:-20}
ROUNDS=${ROUNDS:-3}
CARGO_BUILDS=${CARGO_BUILDS:-1}
CC=${CC:-cc}
JOBS=$(nproc)

REG=${CARGO_HOME:-$HOME/.cargo}/registry/src
SRC=$(ls -d "$REG"/*/sqlcipher-src-419.0.6+sqlcipher-4.19.0-sqlite-3.53.4-libtomcrypt-1.18.2/sqlcipher | head -1)
LTC_LIST=$(dirname "$SRC")/src/libtomcrypt_sources.rs
[ -f "$SRC/sqlcipher.c" ] || { echo "sqlcipher-src 419.0.6 not in $REG (cargo fetch)"; exit 1; }

mkdir -p "$OUT"/{obj,lib,bin,tmp}
cd "$OUT"
echo "== output in $OUT"

# --- Cargo builds of the real library (copies of HEAD; the checkout is not touched) --------------
REV=$(git -C "$ROOT" rev-parse --short HEAD)   # one commit for all three cargo builds
ws_copy() { rm -rf "$1"; mkdir -p "$1"; git -C "$ROOT" archive "$REV" | tar -x -C "$1"; }
size_of() { stat -c %s "$1"; }
stripped() { strip --strip-all -o "$2" "$1"; size_of "$2"; }

if [ "$CARGO_BUILDS" = 1 ]; then
  ws_copy "$OUT/ws-openssl"
  echo "== cargo: ilp-ffi, vendored OpenSSL (static)"
  (cd "$OUT/ws-openssl" && cargo build --offline -q -p ilp-ffi --release --features vendored-openssl \
      --target-dir "$OUT/target")
  cp "$OUT/target/release/libilpcore.so" lib/libilpcore-vendored-openssl.so
  echo "== cargo: ilp-ffi, system OpenSSL (dynamic)"
  (cd "$OUT/ws-openssl" && cargo build --offline -q -p ilp-ffi --release --target-dir "$OUT/target")
  cp "$OUT/target/release/libilpcore.so" lib/libilpcore-system-openssl.so
fi

if [ -z "${LIBCRYPTO_A:-}" ]; then
  LIBCRYPTO_A=$(ls -t "$OUT"/target/release/build/openssl-sys-*/out/openssl-build/install/lib/libcrypto.a \
                2>/dev/null | head -1 || true)
fi
[ -f "${LIBCRYPTO_A:-}" ] || { echo "no static libcrypto.a: set LIBCRYPTO_A or CARGO_BUILDS=1"; exit 1; }
OSSL_INC=${OSSL_INC:-$(cd "$(dirname "$LIBCRYPTO_A")/../include" && pwd)}
echo "== static OpenSSL: $LIBCRYPTO_A ($(grep -h 'define OPENSSL_FULL_VERSION_STR' "$OSSL_INC/openssl/opensslv.h" | cut -d'"' -f2))"

# --- C builds -------------------------------------------------------------------------------------
# Defines libsqlite3-sys 0.39.1 build.rs passes for bundled-sqlcipher on Linux (Android adds
# SQLITE_TEMP_STORE=3 after the 2).
DEFS="-DSQLITE_CORE -DSQLITE_DEFAULT_FOREIGN_KEYS=1 -DSQLITE_ENABLE_API_ARMOR
 -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_FTS3
 -DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_JSON1
 -DSQLITE_ENABLE_LOAD_EXTENSION=1 -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_STAT4 -DSQLITE_SOUNDEX
 -DSQLITE_THREADSAFE=1 -DSQLITE_USE_URI -DHAVE_USLEEP=1 -DHAVE_ISNAN -D_POSIX_THREAD_SAFE_FUNCTIONS
 -DSQLITE_HAS_CODEC -DSQLITE_TEMP_STORE=2 -DSQLITE_EXTRA_INIT=sqlcipher_extra_init
 -DSQLITE_EXTRA_SHUTDOWN=sqlcipher_extra_shutdown -DHAVE_STDINT_H=1 -DHAVE_LOCALTIME_R"
# cc-rs flags for opt-level "s" (the release profile), minus debug info.
CFLAGS="-Os -fPIC -ffunction-sections -fdata-sections -w"
LTC_INC="$SRC/libtomcrypt/headers"

echo "== compile SQLCipher amalgamation (3 providers)"
# shellcheck disable=SC2086
{
  $CC $CFLAGS $DEFS -DSQLCIPHER_CRYPTO_LIBTOMCRYPT -I"$LTC_INC" -I"$SRC" -c "$SRC/sqlcipher.c" -o obj/sqlcipher-ltc.o &
  $CC $CFLAGS $DEFS -I"$OSSL_INC" -I"$SRC" -c "$SRC/sqlcipher.c" -o obj/sqlcipher-ossl-vendored.o &
  $CC $CFLAGS $DEFS -I"$SRC" -c "$SRC/sqlcipher.c" -o obj/sqlcipher-ossl-system.o &
  wait
}

echo "== compile libtomcrypt 1.18.2 ($(grep -c '\.c"' "$LTC_LIST") files) at -Os and -O2, default LTC_* switches"
for opt in Os O2; do
  mkdir -p "obj/ltc-$opt"
  grep -o '"[^"]*\.c"' "$LTC_LIST" | tr -d '"' |
    xargs -P "$JOBS" -I{} sh -c '
      o="obj/ltc-'"$opt"'/$(echo "{}" | tr / _ | sed "s/\.c$/.o/")"
      '"$CC"' -'"$opt"' -fPIC -ffunction-sections -fdata-sections -w -DLTC_SOURCE -I"'"$LTC_INC"'" \
        -c "'"$SRC"'/{}" -o "$o"'
  rm -f "lib/libtomcrypt-$opt.a"
  ar rcs "lib/libtomcrypt-$opt.a" obj/ltc-"$opt"/*.o
done
# What libsqlite3-sys links with SQLCIPHER_LIB_DIR + SQLCIPHER_STATIC: one archive with both.
rm -f lib/libsqlcipher.a
ar rcs lib/libsqlcipher.a obj/sqlcipher-ltc.o obj/ltc-Os/*.o

echo "== link shared objects (exports sqlite3_* only, --gc-sections, stripped)"
printf '{\n  global: sqlite3_*;\n  local: *;\n};\n' > obj/exports.map
LDFLAGS="-shared -Wl,--gc-sections -Wl,--version-script=obj/exports.map -Wl,-O1"
# shellcheck disable=SC2086
{
  $CC $LDFLAGS -o lib/libsqlcipher-ltc.so obj/sqlcipher-ltc.o lib/libtomcrypt-Os.a -lpthread -lm
  $CC $LDFLAGS -o lib/libsqlcipher-ltc-O2.so obj/sqlcipher-ltc.o lib/libtomcrypt-O2.a -lpthread -lm
  $CC $LDFLAGS -o lib/libsqlcipher-ossl-static.so obj/sqlcipher-ossl-vendored.o "$LIBCRYPTO_A" -lpthread -ldl -lm
  $CC $LDFLAGS -o lib/libsqlcipher-ossl-dynamic.so obj/sqlcipher-ossl-system.o -lcrypto -lpthread -lm
}
for v in ltc ltc-O2 ossl-static ossl-dynamic; do
  strip --strip-all lib/libsqlcipher-$v.so
done
if readelf -d lib/libsqlcipher-ltc.so lib/libsqlcipher-ossl-static.so | grep -q 'NEEDED.*libcrypto'; then
  echo "a static variant needs libcrypto.so"; exit 1
fi

echo "== bench"
for v in ltc ltc-O2 ossl-static ossl-dynamic; do
  $CC -O2 -w -I"$SRC" "$HERE/bench.c" -o bin/bench-$v -L"$OUT/lib" -l:libsqlcipher-$v.so -Wl,-rpath,"$OUT/lib"
done

# --- Real library with libtomcrypt ----------------------------------------------------------------
if [ "$CARGO_BUILDS" = 1 ]; then
  echo "== cargo: ilp-ffi, libtomcrypt (static libsqlcipher.a via SQLCIPHER_LIB_DIR)"
  ws_copy "$OUT/ws-ltc"
  # rusqlite without the bundled C build; modern_sqlite keeps the bundled bindings as before.
  sed -i 's/^rusqlite = { version = "0.41", features = \["bundled-sqlcipher"\] }/rusqlite = { version = "0.41", features = ["sqlcipher", "modern_sqlite"] }/' \
    "$OUT/ws-ltc/Cargo.toml"
  grep -q '"sqlcipher", "modern_sqlite"' "$OUT/ws-ltc/Cargo.toml" || { echo "rusqlite line not found"; exit 1; }
  (cd "$OUT/ws-ltc" && SQLCIPHER_LIB_DIR="$OUT/lib" SQLCIPHER_INCLUDE_DIR="$SRC" SQLCIPHER_STATIC=1 \
      SQLCIPHER_NO_PKG_CONFIG=1 cargo build --offline -q -p ilp-ffi --release --target-dir "$OUT/target-ltc")
  cp "$OUT/target-ltc/release/libilpcore.so" lib/libilpcore-libtomcrypt.so
  if readelf -d lib/libilpcore-libtomcrypt.so | grep -q 'NEEDED.*libcrypto'; then
    echo "libtomcrypt build still needs libcrypto"; exit 1
  fi
  grep -q libtomcrypt lib/libilpcore-libtomcrypt.so || { echo "no libtomcrypt provider in the library"; exit 1; }
fi

# --- Results --------------------------------------------------------------------------------------
R=results.md
: > $R
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1e6 }'; }
{
  echo "Commit $REV; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $($CC --version | head -1);"
  echo "static OpenSSL $(grep -h 'define OPENSSL_FULL_VERSION_STR' "$OSSL_INC/openssl/opensslv.h" | cut -d'"' -f2)," \
       "dynamic OpenSSL $(openssl version | cut -d' ' -f2)."
  echo
  echo "### Sizes (x86_64, stripped)"
  echo
  echo "| build | bytes | MB |"
  echo "|---|---:|---:|"
  for v in ltc ltc-O2 ossl-static ossl-dynamic; do
    s=$(size_of lib/libsqlcipher-$v.so); echo "| libsqlcipher-$v.so | $s | $(mb "$s") |"
  done
  for v in system-openssl vendored-openssl libtomcrypt; do
    f=lib/libilpcore-$v.so
    [ -f "$f" ] && { s=$(stripped "$f" "$f.stripped"); echo "| libilpcore.so, $v | $s | $(mb "$s") |"; }
  done
  d=$(size_of lib/libsqlcipher-ossl-dynamic.so)
  echo
  echo "libtomcrypt share (ltc - ossl-dynamic): $(( $(size_of lib/libsqlcipher-ltc.so) - d )) B;" \
       "-O2: $(( $(size_of lib/libsqlcipher-ltc-O2.so) - d )) B;" \
       "static OpenSSL share (ossl-static - ossl-dynamic): $(( $(size_of lib/libsqlcipher-ossl-static.so) - d )) B"
  if [ -f lib/libilpcore-libtomcrypt.so.stripped ] && [ -f lib/libilpcore-system-openssl.so.stripped ]; then
    echo
    echo "libilpcore.so: libtomcrypt - system OpenSSL = $(( $(size_of lib/libilpcore-libtomcrypt.so.stripped) - \
      $(size_of lib/libilpcore-system-openssl.so.stripped) )) B; vendored OpenSSL - system OpenSSL =" \
      "$(( $(size_of lib/libilpcore-vendored-openssl.so.stripped) - $(size_of lib/libilpcore-system-openssl.so.stripped) )) B"
  fi
  echo
} >> $R

echo "== speed: $ROUNDS rounds x 4 variants x 2 HMACs, $ROWS rows, $WREPS writes, $SREPS scans (medians)"
RAW=speed-raw.tsv
: > $RAW
for r in $(seq "$ROUNDS"); do
  for h in sha256 sha512; do
    for v in ltc ltc-O2 ossl-static ossl-dynamic; do
      bin/bench-$v speed tmp "$ROWS" "$WREPS" "$SREPS" $h | sed "s/^/$v\t$h\t$r\t/" >> $RAW
    done
  done
done
{
  echo "### Speed ($ROWS rows of 200 B, 4096-byte pages; median of $ROUNDS runs, each the median of $WREPS writes / $SREPS scans)"
  echo
  echo "plainres = no key, as many reserved bytes per page as SQLCipher's IV + HMAC (48 or 80), so the same pages as keyed."
  echo "MB/s = keyed pages x 4096 / (keyed - plainres time); µs = the same per page. Overhead = keyed / plain - 1."
  echo
  echo "| provider | page HMAC | insert plain | insert keyed | write overhead | encrypt+HMAC | scan plain | scan keyed | read overhead | decrypt+verify | pages w/r |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' '
    function med(key,   n, i, j, t, a) {
      n = split(vals[key], a, " ")
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { g = $1 SUBSEP $2; k = g SUBSEP $4
      vals[k "w"] = vals[k "w"] " " $6; vals[k "r"] = vals[k "r"] " " $8; wp[k] = $5; rp[k] = $7
      if (!(g in seen)) { seen[g] = 1; order[++ng] = g } }
    END {
      for (i = 1; i <= ng; i++) {
        g = order[i]; split(g, vh, SUBSEP); p = g SUBSEP "plain"; q = g SUBSEP "plainres"; c = g SUBSEP "keyed"
        pw = med(p "w"); qw = med(q "w"); cw = med(c "w"); pr = med(p "r"); qr = med(q "r"); cr = med(c "r")
        if (wp[q] != wp[c] || rp[q] != rp[c]) printf "note: %s plainres pages %s/%s vs keyed %s/%s\n", g, wp[q], rp[q], wp[c], rp[c] > "/dev/stderr"
        printf "| %s | %s | %.1f ms | %.1f ms | %+.0f%% | %.0f MB/s, %.1f µs | %.2f ms | %.2f ms | %+.0f%% | %.0f MB/s, %.1f µs | %d/%d |\n",
          vh[1], vh[2], pw, cw, (cw / pw - 1) * 100,
          wp[c] * 4096 / 1e6 / ((cw - qw) / 1e3), (cw - qw) * 1e3 / wp[c],
          pr, cr, (cr / pr - 1) * 100,
          rp[c] * 4096 / 1e6 / ((cr - qr) / 1e3), (cr - qr) * 1e3 / rp[c], wp[c], rp[c]
      }
    }' $RAW
  echo
} >> $R

echo "== interop"
{
  echo "### Interop (keyed file written by one, read by the other; same key and HMAC setting)"
  echo
  for h in sha256 sha512; do
    for w in ltc ossl-static ossl-dynamic; do
      for rd in ltc ossl-static ossl-dynamic; do
        [ "$w" = "$rd" ] && continue
        f=tmp/interop-$w.db
        want=$(bin/bench-$w write "$f" 2000 $h | sed 's/.*rows=/rows=/')
        got=$(bin/bench-$rd read "$f" $h 2>&1) || got="FAILED: $got"
        verdict=FAIL; [ "${got#*rows=}" = "${want#rows=}" ] && verdict=ok
        echo "- $h: written by $w ($want), read by $rd: $got -> **$verdict**"
      done
    done
  done
  rm -f tmp/interop-*.db
  echo
} >> $R

# --- The store's tests against the libtomcrypt build (optional; TESTS=1, on with E2E=1) -----------
if [ "${TESTS:-${E2E:-0}}" = 1 ] && [ "$CARGO_BUILDS" = 1 ]; then
  echo "== cargo test -p ilp-store, libtomcrypt"
  (cd "$OUT/ws-ltc" && SQLCIPHER_LIB_DIR="$OUT/lib" SQLCIPHER_INCLUDE_DIR="$SRC" SQLCIPHER_STATIC=1 \
      SQLCIPHER_NO_PKG_CONFIG=1 cargo test --offline -p ilp-store --target-dir "$OUT/target-ltc") > test-ltc.log 2>&1 \
    || { echo "store tests fail with libtomcrypt: $OUT/test-ltc.log"; exit 1; }
  { echo "### Store tests with libtomcrypt ($REV)"; echo
    grep -h '^test result' test-ltc.log | awk '{ p += $4; f += $6 } END { printf "cargo test -p ilp-store: %d passed, %d failed\n\n", p, f }'
  } >> $R
fi

# --- End to end: the store's own benches, plain vs keyed, per provider (optional) ----------------
if [ "${E2E:-0}" = 1 ] && [ "$CARGO_BUILDS" = 1 ]; then
  FILTER='search_50k|household_detail_50k|record_visit_50k'
  E2E_ROUNDS=${E2E_ROUNDS:-2}
  # opt-level s like the shipped library (cc-rs then builds the bundled SQLCipher at -Os too, as
  # libsqlcipher.a is); the bench profile's default is 3. Criterion writes to <copy>/target/criterion.
  for r in $(seq "$E2E_ROUNDS"); do
    echo "== e2e round $r: OpenSSL (system libcrypto, dynamic)"
    (cd "$OUT/ws-openssl" && CARGO_PROFILE_BENCH_OPT_LEVEL=s cargo bench --offline -q -p ilp-store \
        --bench registry --target-dir "$OUT/target" -- "$FILTER") > e2e-openssl-$r.log 2>&1
    rm -rf e2e-openssl-$r && cp -r "$OUT/ws-openssl/target/criterion" e2e-openssl-$r
    echo "== e2e round $r: libtomcrypt"
    (cd "$OUT/ws-ltc" && SQLCIPHER_LIB_DIR="$OUT/lib" SQLCIPHER_INCLUDE_DIR="$SRC" SQLCIPHER_STATIC=1 \
        SQLCIPHER_NO_PKG_CONFIG=1 CARGO_PROFILE_BENCH_OPT_LEVEL=s cargo bench --offline -q -p ilp-store \
        --bench registry --target-dir "$OUT/target-ltc" -- "$FILTER") > e2e-ltc-$r.log 2>&1
    rm -rf e2e-ltc-$r && cp -r "$OUT/ws-ltc/target/criterion" e2e-ltc-$r
  done
  median_of() {  # criterion estimates.json -> median in ns
    sed 's/.*"median":{"confidence_interval":{[^}]*},"point_estimate":\([0-9.eE+-]*\).*/\1/' "$1"
  }
  {
    echo "### End to end (store benches at $REV, opt-level s, criterion medians; $E2E_ROUNDS runs alternating)"
    echo
    for r in $(seq "$E2E_ROUNDS"); do for p in openssl ltc; do
      echo "run $r, $p: $(grep -h 'fsync probe before record_visit' e2e-$p-$r.log)"; echo
    done; done
    echo "| bench | run | plain | keyed, OpenSSL | cost | plain | keyed, libtomcrypt | cost |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for d in e2e-openssl-1/*/sqlcipher e2e-openssl-1/*/*/sqlcipher; do
      [ -f "$d/new/estimates.json" ] || continue
      rel=${d#e2e-openssl-1/}
      for r in $(seq "$E2E_ROUNDS"); do
        row="| ${rel%/sqlcipher} | $r "
        for p in openssl ltc; do
          pe="e2e-$p-$r/${rel%/sqlcipher}/plain/new/estimates.json"; ke="e2e-$p-$r/$rel/new/estimates.json"
          if [ -f "$pe" ] && [ -f "$ke" ]; then
            row+=$(awk -v p="$(median_of "$pe")" -v k="$(median_of "$ke")" 'function f(x) {
                return x >= 1e6 ? sprintf("%.2f ms", x / 1e6) : sprintf("%.1f µs", x / 1e3) }
              BEGIN { printf "| %s | %s | %+.0f%% ", f(p), f(k), (k / p - 1) * 100 }')
          else row+="| | | "; fi
        done
        echo "$row|"
      done
    done
    echo
  } >> $R
fi

cat $R
