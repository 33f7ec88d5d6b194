//! When to try again after a failed sync: exponential backoff with full jitter, so a thousand
//! phones that lost the server at the same moment do not all come back at the same moment. Pure:
//! the random draw is passed in.

use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The ceiling of the first retry's delay.
    pub base: Duration,
    /// No delay is longer than this.
    pub max: Duration,
    /// Tries in all, the first included; then the sync gives up until the next trigger.
    pub max_attempts: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(2),
            max: Duration::from_secs(5 * 60),
            max_attempts: 6,
        }
    }
}

impl Backoff {
    /// The pause before try number `attempt + 1` (`attempt` counts failures so far, from 1),
    /// uniformly within [0, min(max, base * 2^(attempt-1))] using `random` (any u64).
    pub fn delay(&self, attempt: u32, random: u64) -> Duration {
        let ceiling = self
            .base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20))
            .min(self.max);
        let ceiling_ms = ceiling.as_millis() as u64;
        if ceiling_ms == 0 {
            return Duration::ZERO;
        }
        Duration::from_millis(random % (ceiling_ms + 1))
    }

    /// Whether another try follows `attempt` failures.
    pub fn allows_retry(&self, attempt: u32) -> bool {
        attempt < self.max_attempts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_to_the_ceiling_and_stay_within_it() {
        let b = Backoff::default();
        assert_eq!(b.delay(1, u64::MAX), Duration::from_millis(u64::MAX % 2001));
        assert!(b.delay(1, 5_000) <= Duration::from_secs(2));
        assert!(b.delay(3, u64::MAX - 1) <= Duration::from_secs(8));
        for attempt in 1..40 {
            for r in [0, 1, 12345, u64::MAX] {
                assert!(b.delay(attempt, r) <= b.max);
            }
        }
        assert_eq!(b.delay(4, 0), Duration::ZERO);
        assert!(b.allows_retry(5) && !b.allows_retry(6));
    }
}
