//! Growth batch throughput: `growth::assess` over a fixed, varied batch of children (every
//! measurement present, ages over the whole 0-19 year range, both sexes, all three methods), as
//! `ilp growth` and a supervisor's recomputation run it. Rows per second = batch size / time.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ilp_model::{HeightMethod, Sex};
use ilp_rules::growth::{self, GrowthInput, Indicator};
use std::hint::black_box;

/// A deterministic batch: a small linear congruential generator, so runs compare.
fn batch(n: usize, max_age_days: i64) -> Vec<GrowthInput> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    (0..n)
        .map(|i| {
            let age = (next() * max_age_days as f64) as i64;
            // Rough medians by age, spread ±20 %, so most scores land inside ±3 and some beyond.
            let years = age as f64 / 365.25;
            let length = 50.0 + 25.0 * years.min(1.0) + 6.5 * (years - 1.0).clamp(0.0, 17.0);
            let weight = 3.3 + 6.3 * years.min(1.0) + 2.6 * (years - 1.0).clamp(0.0, 17.0);
            let spread = |x: f64, r: f64| x * (0.8 + 0.4 * r);
            GrowthInput {
                sex: if i % 2 == 0 { Sex::Male } else { Sex::Female },
                age_days: age,
                weight_kg: Some(spread(weight, next())),
                length_cm: Some(spread(length, next())),
                method: match i % 3 {
                    0 => None,
                    1 => Some(HeightMethod::Recumbent),
                    _ => Some(HeightMethod::Standing),
                },
                head_cm: Some(spread(
                    34.0 + 12.0 * years.min(1.0) + years.min(5.0),
                    next(),
                )),
                muac_cm: Some(spread(11.0 + 4.0 * years.min(5.0) / 5.0, next())),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("growth");
    for (name, max_age) in [("under_five", 1856), ("zero_to_nineteen", 6939)] {
        let inputs = batch(10_000, max_age);
        // Not a benchmark of the decoding: the tables are decoded once, before timing.
        let first = growth::assess(&inputs[0]).unwrap();
        black_box(first.z(Indicator::WeightForAge));
        g.throughput(Throughput::Elements(inputs.len() as u64));
        g.bench_function(format!("assess_10k_{name}"), |b| {
            b.iter(|| {
                let mut scored = 0usize;
                for input in &inputs {
                    scored += growth::assess(black_box(input)).unwrap().scores.len();
                }
                scored
            })
        });
    }
    // Throughput here is curve points (one per day).
    g.throughput(Throughput::Elements(1857));
    g.bench_function("curves_wfa_boy_0_1856_by_day", |b| {
        b.iter(|| growth::reference_curves(Indicator::WeightForAge, Sex::Male, 0.0, 1856.0, 1.0))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
