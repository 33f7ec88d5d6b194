/*
 * Per-page cost of a SQLCipher crypto provider (tools/crypto-provider/measure.sh builds and runs it).
 *
 *   bench speed DIR ROWS WRITE_REPS SCAN_REPS [sha512|sha256]
 *       For "plain" (no key), "plainres" (no key, as many reserved bytes per page as SQLCipher's IV
 *       and HMAC take: the same pages as keyed) and "keyed" (PRAGMA key = "x'...'"; page HMAC
 *       SHA-512, SQLCipher 4's default, or SHA-256 as the store sets it), each on its own file in DIR:
 *       WRITE_REPS times: a fresh database, ROWS rows of 200 bytes inserted in one transaction
 *       (64 MB page cache, so every page is encrypted once, at commit); then SCAN_REPS full scans
 *       on a new connection with PRAGMA cache_size = 10, so every page is read and decrypted again.
 *       Prints one TSV line per mode: mode, pages written, median write ms, pages read per scan,
 *       median scan ms.
 *   bench write PATH ROWS [sha512|sha256]   keyed database with ROWS deterministic rows; prints
 *                                           provider, count and checksum
 *   bench read PATH [sha512|sha256]         opens PATH with the same key; prints the same
 *
 * Page size 4096 (SQLCipher 4 default), journal_mode DELETE, synchronous OFF (no fsync in timings).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sqlite3.h"

#define KEY_PRAGMA "PRAGMA key = \"x'000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'\";"
#define PAYLOAD 200

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(sqlite3 *db, const char *what) {
  fprintf(stderr, "%s: %s\n", what, db ? sqlite3_errmsg(db) : "(no db)");
  exit(1);
}

static void exec(sqlite3 *db, const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "%s: %s\n", sql, err ? err : "?");
    exit(1);
  }
}

enum mode { PLAIN, PLAINRES, KEYED };

/* 1: HMAC-SHA256 (the store's setting), 0: HMAC-SHA512 (SQLCipher 4's default). */
static int hmac256 = 0;

static sqlite3 *open_db(const char *path, enum mode mode) {
  sqlite3 *db = NULL;
  if (sqlite3_open(path, &db) != SQLITE_OK) die(db, "open");
  if (mode == KEYED) {
    exec(db, KEY_PRAGMA);
    if (hmac256) exec(db, "PRAGMA cipher_hmac_algorithm = HMAC_SHA256;");
  }
  if (mode == PLAINRES) {
    /* Same page layout as SQLCipher 4: a 16-byte IV plus the HMAC (32 or 64 bytes) per page. */
    int n = hmac256 ? 48 : 80;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &n) != SQLITE_OK) die(db, "reserve");
  }
  exec(db, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF;");
  return db;
}

/* Text of PAYLOAD printable bytes for row i, from a xorshift generator (incompressible enough). */
static void payload(int64_t i, char *out) {
  uint64_t x = 0x9E3779B97F4A7C15ull ^ (uint64_t)(i + 1) * 0xBF58476D1CE4E5B9ull;
  for (int k = 0; k < PAYLOAD; k++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    out[k] = (char)('!' + (x % 94));
  }
}

static int64_t get_status(sqlite3 *db, int op) {
  int cur = 0, hi = 0;
  sqlite3_db_status(db, op, &cur, &hi, 1 /* reset */);
  return cur;
}

/* Inserts rows in one transaction; returns elapsed ms, pages written in *pages. */
static double fill(sqlite3 *db, int rows, int64_t *pages) {
  char buf[PAYLOAD];
  sqlite3_stmt *st = NULL;
  exec(db, "PRAGMA cache_size = -65536; CREATE TABLE t(id INTEGER PRIMARY KEY, payload TEXT NOT NULL);");
  if (sqlite3_prepare_v2(db, "INSERT INTO t(id, payload) VALUES (?1, ?2)", -1, &st, NULL) != SQLITE_OK)
    die(db, "prepare insert");
  get_status(db, SQLITE_DBSTATUS_CACHE_WRITE);
  double t0 = now_ms();
  exec(db, "BEGIN");
  for (int i = 0; i < rows; i++) {
    payload(i, buf);
    sqlite3_bind_int64(st, 1, i);
    sqlite3_bind_text(st, 2, buf, PAYLOAD, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) die(db, "insert");
    sqlite3_reset(st);
  }
  exec(db, "COMMIT");
  double t1 = now_ms();
  *pages = get_status(db, SQLITE_DBSTATUS_CACHE_WRITE);
  sqlite3_finalize(st);
  return t1 - t0;
}

/* One full scan; returns elapsed ms, pages read (cache misses) in *pages, checksum in *sum. */
static double scan(sqlite3 *db, sqlite3_stmt *st, int64_t *pages, uint64_t *sum, int64_t *count) {
  get_status(db, SQLITE_DBSTATUS_CACHE_MISS);
  double t0 = now_ms();
  uint64_t h = 1469598103934665603ull;
  int64_t n = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const unsigned char *p = sqlite3_column_text(st, 1);
    int len = sqlite3_column_bytes(st, 1);
    h ^= (uint64_t)sqlite3_column_int64(st, 0);
    for (int k = 0; k < len; k++) { h ^= p[k]; h *= 1099511628211ull; }
    n++;
  }
  if (rc != SQLITE_DONE) die(db, "scan");
  sqlite3_reset(st);
  double t1 = now_ms();
  *pages = get_status(db, SQLITE_DBSTATUS_CACHE_MISS);
  *sum = h;
  *count = n;
  return t1 - t0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void speed(const char *dir, int rows, int wreps, int sreps) {
  const char *modes[3] = {"plain", "plainres", "keyed"};
  double *w = calloc(wreps, sizeof *w), *s = calloc(sreps, sizeof *s);
  for (int m = PLAIN; m <= KEYED; m++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/speed-%s.db", dir, modes[m]);
    int64_t wpages = 0, rpages = 0, count = 0;
    uint64_t sum = 0;
    for (int r = 0; r < wreps; r++) {
      unlink(path);
      sqlite3 *db = open_db(path, m);
      w[r] = fill(db, rows, &wpages);
      if (sqlite3_close(db) != SQLITE_OK) die(db, "close");
    }
    sqlite3 *db = open_db(path, m);
    exec(db, "PRAGMA cache_size = 10;");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT id, payload FROM t", -1, &st, NULL) != SQLITE_OK) die(db, "prepare scan");
    int64_t dummy;
    uint64_t dsum;
    scan(db, st, &dummy, &dsum, &count); /* warm-up: OS file cache, statement */
    for (int r = 0; r < sreps; r++) s[r] = scan(db, st, &rpages, &sum, &count);
    if (count != rows) { fprintf(stderr, "read %lld rows, expected %d\n", (long long)count, rows); exit(1); }
    sqlite3_finalize(st);
    sqlite3_close(db);
    printf("%s\t%lld\t%.3f\t%lld\t%.3f\n", modes[m], (long long)wpages, median(w, wreps),
           (long long)rpages, median(s, sreps));
    unlink(path);
  }
  free(w);
  free(s);
}

static void show_provider(sqlite3 *db) {
  sqlite3_stmt *st = NULL;
  const char *q[3] = {"PRAGMA cipher_provider", "PRAGMA cipher_provider_version", "PRAGMA cipher_hmac_algorithm"};
  const char *label[3] = {"provider=", " ", " hmac="};
  for (int i = 0; i < 3; i++) {
    if (sqlite3_prepare_v2(db, q[i], -1, &st, NULL) != SQLITE_OK) die(db, q[i]);
    printf("%s%s", label[i], sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : "?");
    sqlite3_finalize(st);
  }
}

static void set_hmac(const char *arg) {
  if (!strcmp(arg, "sha256")) hmac256 = 1;
  else if (strcmp(arg, "sha512")) { fprintf(stderr, "hmac must be sha512 or sha256\n"); exit(2); }
}

int main(int argc, char **argv) {
  if (argc >= 7 && !strcmp(argv[1], "speed")) set_hmac(argv[6]);
  if (argc >= 5 && !strcmp(argv[1], "write")) set_hmac(argv[4]);
  if (argc >= 4 && !strcmp(argv[1], "read")) set_hmac(argv[3]);
  if (argc >= 6 && !strcmp(argv[1], "speed")) {
    speed(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
    return 0;
  }
  if (argc >= 4 && !strcmp(argv[1], "write")) {
    unlink(argv[2]);
    sqlite3 *db = open_db(argv[2], KEYED);
    int64_t pages;
    fill(db, atoi(argv[3]), &pages);
    sqlite3_close(db);
  }
  if ((argc >= 4 && !strcmp(argv[1], "write")) || (argc >= 3 && !strcmp(argv[1], "read"))) {
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) die(db, "open");
    exec(db, KEY_PRAGMA);
    if (hmac256) exec(db, "PRAGMA cipher_hmac_algorithm = HMAC_SHA256;");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT id, payload FROM t ORDER BY id", -1, &st, NULL) != SQLITE_OK) die(db, "prepare");
    int64_t pages, count;
    uint64_t sum;
    scan(db, st, &pages, &sum, &count);
    sqlite3_finalize(st);
    show_provider(db);
    printf(" rows=%lld checksum=%016llx\n", (long long)count, (unsigned long long)sum);
    sqlite3_close(db);
    return 0;
  }
  fprintf(stderr, "usage: %s speed DIR ROWS WRITE_REPS SCAN_REPS [HMAC] | write PATH ROWS [HMAC] | read PATH [HMAC]\n", argv[0]);
  return 2;
}
