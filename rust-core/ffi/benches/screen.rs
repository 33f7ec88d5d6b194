//! Screen calls through the FFI entry object [`IlpCore`], as the apps make them (see
//! BENCHMARKS.md): the household screen, an RT's household list and a name search, on a demo
//! database of Kelurahan Oesapa made by `create_demo_database` (SQLCipher, keyed) and opened by
//! one of its kaders.
//!
//! This measures the Rust side of a call: id parsing, the scope check, the store's queries and the
//! conversion into the exported records. The uniffi lowering into a RustBuffer and the Kotlin or
//! Swift lifting on the other side are not included.
//!
//! `ILP_BENCH_DEMO_HOUSEHOLDS` sets the demo size (default 12,500 households, about 50,000
//! persons); `ILP_BENCH_DIR` the parent of the temp dir.

use criterion::{Criterion, criterion_group, criterion_main};
use ilpcore::{IlpCore, OpenConfig, create_demo_database};
use std::hint::black_box;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

const DEVICE: &str = "6f0c1f7e-8d3a-4b6e-9a51-2f3c4d5e6f70";
const KEY: [u8; 32] = [7; 32];

struct Demo {
    core: Arc<IlpCore>,
    rts: Vec<String>,
    households: Vec<String>,
    dir: tempfile::TempDir,
}

static DEMO: OnceLock<Demo> = OnceLock::new();

fn demo() -> &'static Demo {
    DEMO.get_or_init(|| {
        let households: u32 = std::env::var("ILP_BENCH_DEMO_HOUSEHOLDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(12_500);
        let dir = tempfile::Builder::new()
            .prefix("ilp-bench-ffi-")
            .tempdir_in(
                std::env::var_os("ILP_BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into()),
            )
            .expect("temp dir");
        let path = dir.path().join("demo.db").display().to_string();
        let today = time::OffsetDateTime::now_utc().date();
        let t = Instant::now();
        let summary = create_demo_database(
            path.clone(),
            KEY.to_vec(),
            DEVICE.into(),
            households,
            42,
            today.to_string(),
        )
        .expect("demo database");
        eprintln!(
            "demo database: {} households, {} persons, {} events; made in {:.1} s",
            summary.households,
            summary.persons,
            summary.events,
            t.elapsed().as_secs_f64()
        );
        let kader = summary.usernames[0].clone();
        let core = IlpCore::open(OpenConfig {
            db_path: path,
            key: KEY.to_vec(),
            device_id: DEVICE.into(),
            username: kader.clone(),
            utc_offset_minutes: 480,
        })
        .expect("open");
        let rts: Vec<String> = core
            .area_tree()
            .expect("area tree")
            .into_iter()
            .filter(|a| a.level == "rt" && a.in_scope)
            .map(|a| a.id)
            .collect();
        let mut households = Vec::new();
        for rt in &rts {
            households.extend(
                core.households_in_rt(rt.clone())
                    .expect("households in rt")
                    .into_iter()
                    .map(|h| h.id),
            );
        }
        eprintln!(
            "opened as {kader}: {} RT in scope, {} households",
            rts.len(),
            households.len()
        );
        assert!(!households.is_empty(), "the kader sees no household");
        Demo {
            core,
            rts,
            households,
            dir,
        }
    })
}

fn bench_screens(c: &mut Criterion) {
    let d = demo();
    let mut group = c.benchmark_group("ffi_screen");
    let mut i = 0usize;
    group.bench_function("household_detail", |b| {
        b.iter(|| {
            i = (i + 7) % d.households.len();
            black_box(
                d.core
                    .household_detail(d.households[i].clone())
                    .expect("detail"),
            )
        })
    });
    let mut j = 0usize;
    group.bench_function("households_in_rt", |b| {
        b.iter(|| {
            j = (j + 1) % d.rts.len();
            black_box(d.core.households_in_rt(d.rts[j].clone()).expect("list"))
        })
    });
    group.bench_function("search_two_token_typo", |b| {
        b.iter(|| {
            black_box(
                d.core
                    .search("Yohanes Fanggidea".into(), 20)
                    .expect("search"),
            )
        })
    });
    group.finish();
}

/// Runs last: removes the demo's temp dir (a static is never dropped).
fn cleanup(_: &mut Criterion) {
    if let Some(d) = DEMO.get() {
        let _ = std::fs::remove_dir_all(d.dir.path());
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5))
        .sample_size(30);
    targets = bench_screens, cleanup
}
criterion_main!(benches);
