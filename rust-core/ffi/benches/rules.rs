//! The clinical rules as the store serves them (see BENCHMARKS.md): the worklist of a kader
//! (her RTs), of RTs holding 50,000 due item rows, and of a bidan (half a large kelurahan, about
//! 20,000 persons); the recompute of one person's due items after a visit; the monthly rebuild of
//! everyone's items; and the coverage table of about 200,000 events and of the whole kelurahan,
//! on an encrypted demo database.
//!
//! `ILP_BENCH_RULES_HOUSEHOLDS` sets the demo size (default 10,000 households, about 40,000
//! persons); `ILP_BENCH_DIR` the parent of the temp dir.

use criterion::{BatchSize, Criterion, criterion_group};
use ilp_model::{AreaId, AreaLevel, Measurement, PersonId, Role, Timestamp, VisitKind};
use ilp_rules::coverage::CoverageTables;
use ilp_store::coverage::CoverageArea;
use ilp_store::events::{VisitInput, record_visit};
use ilp_store::{DbKey, OsEntropy, Store, StoreConfig, WriteCtx, users};
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use time::macros::date;

const TODAY: time::Date = date!(2026 - 11 - 20);

struct Demo {
    store: Store,
    kader: ilp_model::User,
    kader_rts: Vec<AreaId>,
    bidan_rts: Vec<AreaId>,
    rows_50k_rts: Vec<AreaId>,
    events_200k_rts: Vec<AreaId>,
    village: AreaId,
    children: Vec<PersonId>,
    /// Removed by `main`: the demo lives in a static, which is never dropped.
    dir: tempfile::TempDir,
}

static DEMO: OnceLock<Demo> = OnceLock::new();

fn count(store: &Store, sql: &str, rts: &[AreaId]) -> i64 {
    store
        .read(|c| {
            let mut total = 0;
            for rt in rts {
                total += c.query_row(sql, [rt.to_string()], |r| r.get::<_, i64>(0))?;
            }
            Ok(total)
        })
        .unwrap()
}

fn demo() -> &'static Demo {
    DEMO.get_or_init(|| {
        let households: usize = std::env::var("ILP_BENCH_RULES_HOUSEHOLDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(10_000);
        let dir = tempfile::Builder::new()
            .prefix("ilp-bench-rules-")
            .tempdir_in(
                std::env::var_os("ILP_BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into()),
            )
            .expect("temp dir");
        let t = Instant::now();
        let data = ilp_demo::generate(&ilp_demo::DemoConfig::new(42, households, TODAY));
        let (store, _) = Store::open(
            StoreConfig {
                path: dir.path().join("demo.db"),
                key: Some(DbKey::new([7; 32])),
                device: ilp_model::DeviceId::from_random_bytes([5; 16]),
                utc_offset: ilp_model::timestamp::wita(),
            },
            Box::new(OsEntropy),
            Timestamp::from_datetime(TODAY.midnight().assume_utc()),
        )
        .expect("open");
        let admin = data
            .users
            .iter()
            .find(|u| u.role == Role::Admin)
            .expect("admin");
        let ctx = WriteCtx {
            user: admin.id,
            now: Timestamp::from_datetime(TODAY.midnight().assume_utc()),
            today: TODAY,
        };
        let summary = ilp_demo::load::load_into(&store, &data, &ctx, |_, _| {}).expect("load");
        let loaded = t.elapsed();
        let t = Instant::now();
        store.refresh_due_items(TODAY).expect("due items");
        eprintln!(
            "demo: {} households, {} persons, {} events; loaded in {:.1} s, due items built in {:.1} s",
            summary.households,
            summary.persons,
            summary.events,
            loaded.as_secs_f64(),
            t.elapsed().as_secs_f64()
        );
        let kader = data
            .users
            .iter()
            .find(|u| u.role == Role::Kader)
            .expect("kader")
            .clone();
        let kader_rts = store.read(|c| users::scope_rts(c, &kader)).unwrap();
        // The kelurahan with the RWs (the demo also lists its neighbours, without households).
        let village = data
            .areas
            .iter()
            .find(|a| a.level == AreaLevel::Rw)
            .and_then(|rw| rw.parent)
            .expect("village");
        let all_rts: Vec<AreaId> = data
            .areas
            .iter()
            .filter(|a| a.level == AreaLevel::Rt)
            .map(|a| a.id)
            .collect();
        let bidan_rts = all_rts[..all_rts.len().div_ceil(2)].to_vec();
        let children: Vec<PersonId> = data
            .persons
            .iter()
            .filter(|p| {
                p.household.is_some()
                    && p.birth
                        .is_some_and(|b| (6..48).contains(&b.age_months(TODAY)))
            })
            .map(|p| p.id)
            .take(2000)
            .collect();
        let row_sql = "SELECT count(*) FROM due_item WHERE rt_id = ?1";
        // The first RTs that together hold 50,000 due item rows, and 200,000 events.
        let prefix_until = |sql: &str, target: i64| {
            let mut n = 0;
            let mut rts = Vec::new();
            for rt in &all_rts {
                if n >= target {
                    break;
                }
                n += count(&store, sql, std::slice::from_ref(rt));
                rts.push(*rt);
            }
            rts
        };
        let person_sql = "SELECT count(*) FROM person p JOIN household h ON p.household_id = h.id WHERE h.rt_id = ?1";
        let event_sql = "SELECT count(*) FROM event e JOIN person p ON e.person_id = p.id JOIN household h ON p.household_id = h.id WHERE h.rt_id = ?1";
        eprintln!(
            "kader: {} RTs, {} persons, {} due item rows",
            kader_rts.len(),
            count(&store, person_sql, &kader_rts),
            count(&store, row_sql, &kader_rts)
        );
        eprintln!(
            "bidan: {} RTs, {} persons, {} due item rows",
            bidan_rts.len(),
            count(&store, person_sql, &bidan_rts),
            count(&store, row_sql, &bidan_rts)
        );
        let rows_50k_rts = prefix_until(row_sql, 50_000);
        let events_200k_rts = prefix_until(event_sql, 200_000);
        eprintln!(
            "50k rows: {} RTs, {} persons, {} due item rows",
            rows_50k_rts.len(),
            count(&store, person_sql, &rows_50k_rts),
            count(&store, row_sql, &rows_50k_rts)
        );
        eprintln!(
            "200k events: {} RTs, {} persons, {} events",
            events_200k_rts.len(),
            count(&store, person_sql, &events_200k_rts),
            count(&store, event_sql, &events_200k_rts)
        );
        eprintln!(
            "kelurahan: {} RTs, {} persons, {} events",
            all_rts.len(),
            count(&store, person_sql, &all_rts),
            count(&store, event_sql, &all_rts)
        );
        Demo {
            store,
            kader,
            kader_rts,
            bidan_rts,
            rows_50k_rts,
            events_200k_rts,
            village,
            children,
            dir,
        }
    })
}

fn worklist(c: &mut Criterion) {
    let d = demo();
    let mut g = c.benchmark_group("worklist");
    g.bench_function("kader_rts", |b| {
        b.iter(|| black_box(d.store.worklist(&d.kader_rts, TODAY).unwrap().item_count()))
    });
    g.bench_function("rts_with_50k_rows", |b| {
        b.iter(|| {
            black_box(
                d.store
                    .worklist(&d.rows_50k_rts, TODAY)
                    .unwrap()
                    .item_count(),
            )
        })
    });
    g.bench_function("bidan_20k_persons", |b| {
        b.iter(|| black_box(d.store.worklist(&d.bidan_rts, TODAY).unwrap().item_count()))
    });
    g.finish();
}

fn weighing(child: PersonId, at: Timestamp) -> VisitInput {
    VisitInput {
        measurement: Some(Measurement {
            weight_kg: Some(11.2),
            ..Default::default()
        }),
        ..VisitInput::new(child, at, VisitKind::Posyandu)
    }
}

fn recompute(c: &mut Criterion) {
    let d = demo();
    let ctx = WriteCtx {
        user: d.kader.id,
        now: Timestamp::from_datetime(TODAY.midnight().assume_utc() + time::Duration::hours(2)),
        today: TODAY,
    };
    let at = Timestamp::from_datetime(TODAY.midnight().assume_utc());
    let mut g = c.benchmark_group("visit");
    let mut i = 0usize;
    // A weighing visit with its outbox entries, as the app records it: the person's due items
    // are recomputed in the same transaction.
    g.bench_function("weighing_with_due_item_recompute", |b| {
        b.iter_batched(
            || {
                i += 1;
                d.children[i % d.children.len()]
            },
            |child| {
                d.store
                    .write(&ctx, |w| record_visit(w, &weighing(child, at)))
                    .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    // The same write with the recompute left out (what a bulk import does): the difference is
    // the recompute's cost.
    g.bench_function("weighing_without_recompute", |b| {
        b.iter_batched(
            || {
                i += 1;
                d.children[i % d.children.len()]
            },
            |child| {
                d.store
                    .write(&ctx, |w| {
                        w.defer_due_items();
                        record_visit(w, &weighing(child, at))
                    })
                    .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
    // The deferred writes above marked the items stale; rebuild them for the other benches.
    d.store.refresh_due_items(TODAY).unwrap();
}

fn coverage(c: &mut Criterion) {
    let d = demo();
    let tables = CoverageTables::default();
    let mut g = c.benchmark_group("coverage");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    // Coverage of an area is read for RTs; the first RTs holding 200,000 events stand for it.
    let rts_200k = d.events_200k_rts.clone();
    g.bench_function("rts_with_200k_events", |b| {
        b.iter(|| {
            black_box(
                d.store
                    .coverage_of_rts(&rts_200k, TODAY, TODAY, &tables)
                    .unwrap()
                    .rows
                    .len(),
            )
        })
    });
    g.bench_function("kelurahan_month", |b| {
        b.iter(|| {
            black_box(
                d.store
                    .coverage(CoverageArea::Area(d.village), TODAY, TODAY, &tables)
                    .unwrap()
                    .rows
                    .len(),
            )
        })
    });
    g.finish();
}

fn rebuild(c: &mut Criterion) {
    let d = demo();
    let mut g = c.benchmark_group("due_items");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(30));
    g.bench_function("monthly_rebuild_all_persons", |b| {
        b.iter(|| black_box(d.store.rebuild_due_items(TODAY).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, worklist, recompute, coverage, rebuild);

// `criterion_main!` and then the demo's directory (about 450 MB) removed: a static's `TempDir` is
// never dropped, so every run left one behind.
fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    if let Some(d) = DEMO.get() {
        let _ = std::fs::remove_dir_all(d.dir.path());
    }
}
