//! Store benchmarks against the budgets in DESIGN.md (see BENCHMARKS.md at the repo root):
//!
//! - `register`: households registered one per transaction (`households::register`) into a fresh
//!   SQLCipher database; ten samples of 1,000 households each, all into the same database, so the
//!   ten samples together are exactly "10,000 households into a fresh database".
//! - `record_visit`: one durable visit (measurement, immunization, service, with their outbox
//!   entries) on a database of about 50,000 persons.
//! - `search`: name and NIK search among those 50,000 persons.
//! - `household_detail`: the household screen on that database.
//!
//! The read and write benchmarks run on two databases built from the same seed, one keyed
//! (SQLCipher) and one opened with `key: None` (the same SQLCipher engine without encryption), so
//! their difference is the cost of encryption. Both are built once per process in a temp dir
//! (`ILP_BENCH_DIR` picks the parent directory; it should be a real disk, not tmpfs, since the
//! writes are fsync-bound).

mod common;

use common::{Generator, Loaded};
use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use ilp_store::{DbKey, households, search};
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const PERSONS: usize = 50_000;
const SEED: u64 = 0x0119_2026;

static KEYED: OnceLock<Loaded> = OnceLock::new();
static PLAIN: OnceLock<Loaded> = OnceLock::new();

fn build(key: Option<DbKey>, label: &str) -> Loaded {
    let t = Instant::now();
    let db = common::load(key, PERSONS, SEED);
    let cipher: String = db
        .store
        .read(|c| Ok(c.query_row("PRAGMA cipher_version", [], |r| r.get(0))?))
        .expect("cipher_version");
    eprintln!(
        "fixture {label}: {} households, {} persons, {} under-fives, {} events, {:.1} MB file, \
         SQLCipher {cipher}; built in {:.1} s",
        db.households.len(),
        db.persons,
        db.children.len(),
        db.events,
        db.file_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    db
}

fn keyed() -> &'static Loaded {
    KEYED.get_or_init(|| build(Some(common::key()), "sqlcipher"))
}

fn plain() -> &'static Loaded {
    PLAIN.get_or_init(|| build(None, "plain"))
}

fn engines() -> [(&'static str, &'static Loaded); 2] {
    [("sqlcipher", keyed()), ("plain", plain())]
}

/// Once per process: where the fixture's bytes go.
fn describe() {
    let db = plain();
    let tables: Vec<(String, i64)> = db
        .store
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 10",
            )?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
        .expect("dbstat");
    eprintln!("largest tables and indexes of the plain fixture:");
    for (name, bytes) in tables {
        eprintln!("  {name:<28} {:>7.1} MB", bytes as f64 / 1e6);
    }
}

fn bench_search(c: &mut Criterion) {
    describe();
    let nik = keyed().sample_niks[keyed().sample_niks.len() / 2].clone();
    let queries: [(&str, String); 4] = [
        // A given and a family name, the family name with two letters swapped.
        ("two_token_typo", "Yakobus Fanggidea".into()),
        // Old spelling (ch for k) of a moderately common given name.
        ("old_spelling_one_token", "Christina".into()),
        ("nik", nik),
        // The most common given name alone: the widest candidate set a kader can ask for.
        ("common_one_token", "Maria".into()),
    ];
    let mut group = c.benchmark_group("search_50k");
    // A slow name query takes a quarter of a second here: 30 samples keep the run short.
    group.sample_size(30);
    for (label, q) in &queries {
        for (engine, db) in engines() {
            // The first name search of a process builds the store's in-memory name index.
            let t = Instant::now();
            let hits = search::search(&db.store, q, None, usize::MAX).expect("search");
            let first = t.elapsed();
            let again = search::search(&db.store, q, None, usize::MAX).expect("search");
            eprintln!(
                "search {label} ({engine}) {q:?}: {} hits in all ({} on a second run); \
                 unlimited first call {}",
                hits.len(),
                again.len(),
                ms(first)
            );
            assert!(!hits.is_empty(), "{label}: no hit");
            group.bench_with_input(BenchmarkId::new(*label, engine), q, |b, q| {
                b.iter(|| search::search(&db.store, black_box(q), None, 20).expect("search"))
            });
        }
    }
    group.finish();
}

fn bench_household_detail(c: &mut Criterion) {
    let mut group = c.benchmark_group("household_detail_50k");
    for (engine, db) in engines() {
        let mut i = 0usize;
        group.bench_function(engine, |b| {
            b.iter(|| {
                // A different household each time (stride through the list), as a kader browses.
                i = (i + 7919) % db.households.len();
                let d = db
                    .store
                    .read(|conn| households::household_detail(conn, db.households[i]))
                    .expect("detail");
                black_box(d)
            })
        });
    }
    group.finish();
}

fn print_fsync(when: &str) {
    let (median, p90) = common::fsync_probe();
    eprintln!("fsync probe {when}: median {}, p90 {}", ms(median), ms(p90));
}

fn bench_record_visit(c: &mut Criterion) {
    print_fsync("before record_visit");
    let mut group = c.benchmark_group("record_visit_50k");
    group.measurement_time(Duration::from_secs(8));
    for (engine, db) in engines() {
        let ctx = db.world.ctx();
        let mut i = 0usize;
        group.bench_function(engine, |b| {
            b.iter(|| {
                i += 1;
                let child = db.children[(i * 31) % db.children.len()];
                let visit = common::posyandu_visit(
                    child.id,
                    child.birth,
                    ctx.now,
                    db.world.posyandu[i % db.world.posyandu.len()],
                    i,
                );
                // Visits are recorded over time (a kader's half-minute per child), so each write
                // has its own instant, as time-ordered event ids expect.
                let at = ilp_store::WriteCtx {
                    now: ilp_model::Timestamp::from_millis(ctx.now.millis() + 30_000 * i as i64),
                    ..ctx.clone()
                };
                db.store
                    .write(&at, |w| ilp_store::events::record_visit(w, &visit))
                    .expect("record visit")
            })
        });
    }
    group.finish();
}

/// State of the registration benchmark across criterion's calls.
struct Registration {
    generator: Generator,
    inputs: Vec<common::GenHousehold>,
    rts: Vec<ilp_model::AreaId>,
    /// Calls made so far: the first is criterion's warm-up and goes to a throwaway database.
    calls: usize,
    main: Option<(ilp_store::Store, common::World)>,
    registered: usize,
    persons: usize,
    each: Vec<Duration>,
    reported: bool,
    dir: tempfile::TempDir,
}

const BATCH: usize = 1_000;
const TOTAL: usize = 10_000;

impl Registration {
    fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("ilp-bench-register-")
            .tempdir_in(
                std::env::var_os("ILP_BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into()),
            )
            .expect("temp dir");
        Self {
            generator: Generator::new(SEED ^ 0xBEEF),
            inputs: Vec::new(),
            rts: Vec::new(),
            calls: 0,
            main: None,
            registered: 0,
            persons: 0,
            each: Vec::new(),
            reported: false,
            dir,
        }
    }

    fn fresh(&mut self, name: &str) -> (ilp_store::Store, common::World) {
        let store = common::open(&self.dir.path().join(name), Some(common::key()), SEED);
        let world = common::seed_world(&store);
        self.rts = world.rts.clone();
        (store, world)
    }

    fn ensure_inputs(&mut self, n: usize) {
        while self.inputs.len() < n {
            let i = self.inputs.len();
            // 40 households per RT, in order, as a kader registers an RT street by street.
            let rt = self.rts[(i / 40) % self.rts.len()];
            self.inputs.push(self.generator.household(rt));
        }
    }

    /// Registers `batches` x 1,000 households, each in its own transaction; returns the time.
    fn run(&mut self, batches: u64) -> Duration {
        let n = batches as usize * BATCH;
        let warm_up = self.calls == 0;
        self.calls += 1;
        if warm_up {
            let (store, world) = self.fresh("warm-up.db");
            self.ensure_inputs(n);
            let ctx = world.ctx();
            let t = Instant::now();
            for g in &self.inputs[..n] {
                store
                    .write(&ctx, |w| households::register(w, &g.input, &g.members))
                    .expect("register");
            }
            return t.elapsed();
        }
        if self.main.is_none() {
            self.main = Some(self.fresh("register.db"));
        }
        let from = self.registered;
        self.ensure_inputs(from + n);
        let (store, world) = self.main.as_ref().expect("main store");
        let ctx = world.ctx();
        let mut total = Duration::ZERO;
        for g in &self.inputs[from..from + n] {
            let t = Instant::now();
            store
                .write(&ctx, |w| households::register(w, &g.input, &g.members))
                .expect("register");
            let d = t.elapsed();
            total += d;
            if self.each.len() < TOTAL {
                self.each.push(d);
                self.persons += g.members.len();
            }
        }
        self.registered += n;
        if self.each.len() == TOTAL && !self.reported {
            self.reported = true;
            let sum: Duration = self.each.iter().sum();
            let mut sorted = self.each.clone();
            sorted.sort();
            let pct =
                |p: f64| sorted[((sorted.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1e3;
            eprintln!(
                "register: {TOTAL} households ({} persons) into a fresh SQLCipher database, one \
                 transaction each: total {:.2} s, mean {:.3} ms/household, median {:.3} ms, \
                 p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
                self.persons,
                sum.as_secs_f64(),
                sum.as_secs_f64() * 1e3 / TOTAL as f64,
                pct(0.5),
                pct(0.9),
                pct(0.99),
                pct(1.0)
            );
        }
        total
    }
}

fn bench_register(c: &mut Criterion) {
    print_fsync("before register");
    let mut state = Registration::new();
    let mut group = c.benchmark_group("register");
    // One criterion iteration = one batch of 1,000 households; a sample = one batch (criterion's
    // measurement time is set below one batch, so it takes one iteration per sample).
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_millis(1))
        .throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("households_x1000_sqlcipher", |b| {
        b.iter_custom(|iters| state.run(iters))
    });
    group.finish();
}

/// A generated household without NIK and KK number: a second generator's numbers may collide
/// with the fixture's, and the store refuses a NIK or KK number twice.
fn without_numbers(
    g: &common::GenHousehold,
) -> (
    ilp_store::input::HouseholdInput,
    Vec<ilp_store::input::PersonInput>,
) {
    let input = ilp_store::input::HouseholdInput {
        kk_number: None,
        ..g.input.clone()
    };
    let members = g
        .members
        .iter()
        .map(|m| ilp_store::input::PersonInput {
            nik: None,
            ..m.clone()
        })
        .collect();
    (input, members)
}

/// Mean wall time of `n` calls of `f` after two unmeasured ones.
fn mean_of<T>(n: u32, mut f: impl FnMut() -> T) -> Duration {
    black_box(f());
    black_box(f());
    let t = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    t.elapsed() / n
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

/// Pages a commit writes: the WAL's frame count after one write that follows a truncating
/// checkpoint.
fn frames_of(
    db: &Loaded,
    write: impl FnOnce(&mut ilp_store::WriteTx<'_>) -> ilp_store::Result<()>,
) -> i64 {
    let checkpoint = |mode: &str| {
        db.store
            .read(|c| {
                Ok(
                    c.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
                        r.get::<_, i64>(1)
                    })?,
                )
            })
            .expect("checkpoint")
    };
    checkpoint("TRUNCATE");
    db.store.write(&db.world.ctx(), write).expect("write");
    checkpoint("PASSIVE")
}

/// `ILP_BENCH_DIAG=1`: not benchmarks but the measurements behind BENCHMARKS.md's notes on hot
/// spots. Runs last, since it changes the fixtures' cache size and adds rows.
fn diagnostics(_: &mut Criterion) {
    if std::env::var_os("ILP_BENCH_DIAG").is_none() {
        return;
    }
    let nik = keyed().sample_niks[keyed().sample_niks.len() / 2].clone();
    let queries = ["Yakobus Fanggidea", "Christina", "Maria", nik.as_str()];
    for (engine, db) in engines() {
        for q in queries {
            let total = mean_of(10, || {
                search::search(&db.store, q, None, 20).expect("search")
            });
            eprintln!("diag {engine}: search {q:?} {}", ms(total));
        }
        // The app closes the store in the background and reopens it: the first name search after
        // that rebuilds the in-memory name index.
        db.store.close().expect("close");
        db.store.reopen(common::now()).expect("reopen");
        let t = Instant::now();
        search::search(&db.store, "Maria", None, 20).expect("search");
        eprintln!(
            "diag {engine}: first name search after reopen (builds the name index) {}",
            ms(t.elapsed())
        );
    }
    // Pages per commit (the WAL frames one write adds), on the plain fixture.
    let db = plain();
    let mut generator = Generator::new(0xD1A6);
    let g = generator.household(db.world.rts[0]);
    let (input, members) = without_numbers(&g);
    let register = frames_of(db, |w| {
        households::register(w, &input, &members).map(|_| ())
    });
    let child = db.children[0];
    let visit = common::posyandu_visit(
        child.id,
        child.birth,
        common::now(),
        db.world.posyandu[0],
        1,
    );
    let visit_frames = frames_of(db, |w| {
        ilp_store::events::record_visit(w, &visit).map(|_| ())
    });
    eprintln!(
        "diag plain: pages written per commit: register a household of {} = {register}, \
         record a visit = {visit_frames}",
        g.members.len()
    );
    // The work of a visit without its commit: 200 visits in one transaction, per visit. The rest of
    // the durable figure is the commit (WAL write, fsync, the occasional checkpoint).
    for (engine, db) in engines() {
        let ctx = db.world.ctx();
        let visits: Vec<_> = (0..200)
            .map(|j| {
                let child = db.children[(j * 41 + 7) % db.children.len()];
                common::posyandu_visit(child.id, child.birth, ctx.now, db.world.posyandu[0], j)
            })
            .collect();
        let t = Instant::now();
        db.store
            .write(&ctx, |w| {
                for v in &visits {
                    ilp_store::events::record_visit(w, v)?;
                }
                Ok(())
            })
            .expect("batched visits");
        eprintln!(
            "diag {engine}: record visit inside a 200-visit transaction {} per visit (commit \
             included once)",
            ms(t.elapsed() / 200)
        );
    }
    print_fsync("in diagnostics");
    // The same reads and writes with SQLite's default 2 MB page cache and the store's 24 MB.
    for cache in [-2000i64, -24 * 1024] {
        for (engine, db) in engines() {
            db.store
                .read(|c| Ok(c.pragma_update(None, "cache_size", cache)?))
                .expect("reader cache");
            db.store
                .write(&db.world.ctx(), |w| {
                    Ok(w.conn().pragma_update(None, "cache_size", cache)?)
                })
                .expect("writer cache");
            let search_t = mean_of(10, || {
                search::search(&db.store, "Yakobus Fanggidea", None, 20).expect("search")
            });
            let mut i = 0usize;
            let detail_t = mean_of(500, || {
                i = (i + 7919) % db.households.len();
                db.store
                    .read(|c| households::household_detail(c, db.households[i]))
                    .expect("detail")
            });
            let ctx = db.world.ctx();
            let mut j = 0usize;
            let visit_t = mean_of(300, || {
                j += 1;
                let child = db.children[(j * 37) % db.children.len()];
                let v =
                    common::posyandu_visit(child.id, child.birth, ctx.now, db.world.posyandu[0], j);
                db.store
                    .write(&ctx, |w| ilp_store::events::record_visit(w, &v))
                    .expect("visit")
            });
            let mut k = 0usize;
            let gens = generator.households(60, &db.world.rts);
            let register_t = mean_of(50, || {
                k += 1;
                let (input, members) = without_numbers(&gens[k % gens.len()]);
                db.store
                    .write(&ctx, |w| households::register(w, &input, &members))
                    .expect("register")
            });
            eprintln!(
                "diag {engine} cache_size={cache}: search two-token {} | household detail {} | \
                 record visit {} | register household {}",
                ms(search_t),
                ms(detail_t),
                ms(visit_t),
                ms(register_t)
            );
        }
    }
}

/// Runs last: removes the fixtures' temp dirs (statics are never dropped). The connections stay
/// open on unlinked files until the process exits.
fn cleanup(_: &mut Criterion) {
    for db in [KEYED.get(), PLAIN.get()].into_iter().flatten() {
        let _ = std::fs::remove_dir_all(db.dir());
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    targets = bench_search, bench_household_detail, bench_record_visit, bench_register, diagnostics, cleanup
}
criterion_main!(benches);
