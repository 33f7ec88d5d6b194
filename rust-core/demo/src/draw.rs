//! Random draws on the one seeded generator: ids, coins, picks and normal deviates. Everything
//! random in the demo goes through here, so a seed fixes the whole data set.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The generator behind every draw: ChaCha8 is fast, portable and stable across rand releases
/// for a given seed, which byte-identical demo data needs.
pub(crate) type DemoRng = ChaCha8Rng;

pub(crate) fn seeded(seed: u64) -> DemoRng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// A typed id from the generator (`AreaId`, `PersonId`, ...).
macro_rules! new_id {
    ($rng:expr, $ty:ty) => {
        <$ty>::from_random_bytes(rand::Rng::random::<[u8; 16]>($rng))
    };
}
pub(crate) use new_id;

pub(crate) fn chance(rng: &mut DemoRng, p: f64) -> bool {
    rng.random_bool(p.clamp(0.0, 1.0))
}

/// Uniform integer in `lo..=hi`.
pub(crate) fn between(rng: &mut DemoRng, lo: i64, hi: i64) -> i64 {
    rng.random_range(lo..=hi)
}

/// Uniform real in `lo..hi`.
pub(crate) fn uniform(rng: &mut DemoRng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

pub(crate) fn pick<'a, T>(rng: &mut DemoRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Index drawn with the given relative weights.
pub(crate) fn weighted(rng: &mut DemoRng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// Standard normal deviate (Box-Muller), cut at ±3.5 so no draw lands outside physiology.
pub(crate) fn normal(rng: &mut DemoRng) -> f64 {
    // 1 - u keeps the logarithm's argument in (0, 1].
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    z.clamp(-3.5, 3.5)
}

/// Normal with mean and standard deviation, clamped to `lo..=hi`.
pub(crate) fn normal_in(rng: &mut DemoRng, mean: f64, sd: f64, lo: f64, hi: f64) -> f64 {
    (mean + sd * normal(rng)).clamp(lo, hi)
}

/// Rounds to one decimal, as scales, tapes and dacin are read.
pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
