//! Random draws on the one seeded generator: ids, coins, picks and normal deviates. Everything
//! random in the demo goes through here, so a seed fixes the whole data set, and only exact
//! arithmetic is used on the way so the same seed gives the same data on every platform.

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
    // Through i64, never usize, so 32-bit phones draw the same index as 64-bit machines.
    &items[between(rng, 0, items.len() as i64 - 1) as usize]
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
    // Rounding can leave a sliver past the end: the last index that can be drawn at all.
    weights
        .iter()
        .rposition(|w| *w > 0.0)
        .unwrap_or(weights.len() - 1)
}

/// Standard normal deviate, cut at ±3.46. Irwin-Hall (the sum of four uniforms, centred and
/// scaled to unit variance; its tails are a little light, P(z < −2) is 2.1% instead of 2.3%)
/// rather than Box-Muller: it needs only additions and a multiplication, which IEEE 754 makes
/// bit-exact everywhere, while `ln` and `cos` come from each platform's libm and may differ in the
/// last bit between a phone and a server, then flip a later comparison and change the data.
pub(crate) fn normal(rng: &mut DemoRng) -> f64 {
    let sum: f64 = (0..4).map(|_| rng.random::<f64>()).sum();
    (sum - 2.0) * SQRT_3
}

const SQRT_3: f64 = 1.732_050_807_568_877_2;

/// Normal with mean and standard deviation, clamped to `lo..=hi`.
pub(crate) fn normal_in(rng: &mut DemoRng, mean: f64, sd: f64, lo: f64, hi: f64) -> f64 {
    (mean + sd * normal(rng)).clamp(lo, hi)
}

/// Rounds to one decimal, as scales, tapes and dacin are read.
pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
