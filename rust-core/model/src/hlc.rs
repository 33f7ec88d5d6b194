//! Hybrid logical clock (HLC) stamps for per-field last-writer-wins merges.
//!
//! A stamp is (wall milliseconds, counter, device). Ordering is total: equal wall time and counter
//! fall back to the device id, so every replica picks the same winner whatever the order of
//! delivery. A remote stamp more than `max_drift_ms` ahead of our physical clock is refused rather
//! than adopted, so one phone with a wrong date cannot push everyone's clock into the future.

use crate::ids::DeviceId;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// Default bound on how far ahead of our clock a remote stamp may be: 5 minutes. Cheap phones
/// drift, but a wrong date (days off) must be caught, not propagated.
pub const DEFAULT_MAX_DRIFT_MS: i64 = 5 * 60 * 1000;

/// One HLC stamp.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Hlc {
    pub wall_ms: i64,
    pub counter: u32,
    pub device: DeviceId,
}

impl Ord for Hlc {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.wall_ms, self.counter, self.device).cmp(&(other.wall_ms, other.counter, other.device))
    }
}

impl PartialOrd for Hlc {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hlc({self})")
    }
}

/// Text form that sorts like the stamp itself (fixed-width decimal), so SQLite can compare stamps
/// as TEXT: `000001763800000000.0000000003.<device uuid>`.
impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:018}.{:010}.{}",
            self.wall_ms, self.counter, self.device
        )
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HlcParseError {
    #[error("HLC stamp must be 'wall.counter.device'")]
    Shape,
    #[error("HLC stamp has a malformed {0}")]
    Part(&'static str),
}

impl FromStr for Hlc {
    type Err = HlcParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.splitn(3, '.');
        let (Some(w), Some(c), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(HlcParseError::Shape);
        };
        let wall_ms = w.parse().map_err(|_| HlcParseError::Part("wall time"))?;
        if wall_ms < 0 {
            return Err(HlcParseError::Part("wall time"));
        }
        Ok(Hlc {
            wall_ms,
            counter: c.parse().map_err(|_| HlcParseError::Part("counter"))?,
            device: d.parse().map_err(|_| HlcParseError::Part("device"))?,
        })
    }
}

/// A remote stamp too far ahead of this device's clock.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("clock stamp is {ahead_ms} ms ahead of this device's clock (allowed {max_drift_ms} ms)")]
pub struct ClockDriftError {
    pub ahead_ms: i64,
    pub max_drift_ms: i64,
}

/// The device's clock state: the last stamp issued or observed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HlcClock {
    device: DeviceId,
    wall_ms: i64,
    counter: u32,
    max_drift_ms: i64,
}

impl HlcClock {
    /// A clock resumed from the last persisted stamp (or `None` for a new device).
    pub fn resume(device: DeviceId, last: Option<Hlc>, max_drift_ms: i64) -> Self {
        let (wall_ms, counter) = last.map_or((0, 0), |h| (h.wall_ms, h.counter));
        Self {
            device,
            wall_ms,
            counter,
            max_drift_ms,
        }
    }

    pub fn device(&self) -> DeviceId {
        self.device
    }

    /// The last stamp issued or observed, as this device's own.
    pub fn last(&self) -> Hlc {
        Hlc {
            wall_ms: self.wall_ms,
            counter: self.counter,
            device: self.device,
        }
    }

    /// A new stamp for a local write, strictly greater than every stamp issued or observed before,
    /// even if the phone's clock went backwards.
    pub fn tick(&mut self, physical_ms: i64) -> Hlc {
        if physical_ms > self.wall_ms {
            self.wall_ms = physical_ms;
            self.counter = 0;
        } else if self.counter == u32::MAX {
            // Counter exhausted within one millisecond: borrow the next millisecond.
            self.wall_ms += 1;
            self.counter = 0;
        } else {
            self.counter += 1;
        }
        self.last()
    }

    /// Takes a stamp received from another replica into account, so later local stamps sort after
    /// it. Refuses (and ignores) a stamp beyond the drift bound.
    pub fn observe(&mut self, remote: &Hlc, physical_ms: i64) -> Result<(), ClockDriftError> {
        let ahead_ms = remote.wall_ms - physical_ms;
        if ahead_ms > self.max_drift_ms {
            return Err(ClockDriftError {
                ahead_ms,
                max_drift_ms: self.max_drift_ms,
            });
        }
        match remote.wall_ms.cmp(&self.wall_ms) {
            Ordering::Greater => {
                self.wall_ms = remote.wall_ms;
                self.counter = remote.counter;
            }
            Ordering::Equal => self.counter = self.counter.max(remote.counter),
            Ordering::Less => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dev(b: u8) -> DeviceId {
        DeviceId::from_random_bytes([b; 16])
    }

    #[test]
    fn stamps_increase_even_when_the_phone_clock_goes_back() {
        let mut c = HlcClock::resume(dev(1), None, DEFAULT_MAX_DRIFT_MS);
        let a = c.tick(1_000);
        let b = c.tick(900);
        let d = c.tick(1_000);
        assert!(a < b && b < d);
        assert_eq!(b.wall_ms, 1_000);
    }

    #[test]
    fn a_stamp_far_in_the_future_is_refused_and_not_adopted() {
        let mut c = HlcClock::resume(dev(1), None, 60_000);
        let remote = Hlc {
            wall_ms: 10_000_000,
            counter: 0,
            device: dev(2),
        };
        let err = c.observe(&remote, 1_000).unwrap_err();
        assert_eq!(err.ahead_ms, 9_999_000);
        assert!(c.tick(1_000).wall_ms == 1_000);
    }

    #[test]
    fn ties_break_on_device_id() {
        let a = Hlc {
            wall_ms: 5,
            counter: 1,
            device: dev(1),
        };
        let b = Hlc {
            device: dev(2),
            ..a
        };
        assert!(a < b);
    }

    #[test]
    fn resumed_clock_continues_after_the_persisted_stamp() {
        let mut c = HlcClock::resume(dev(1), None, DEFAULT_MAX_DRIFT_MS);
        let first = c.tick(50);
        let mut resumed = HlcClock::resume(dev(1), Some(first), DEFAULT_MAX_DRIFT_MS);
        assert!(resumed.tick(10) > first);
    }

    proptest! {
        #[test]
        fn text_form_sorts_like_the_stamp(w1 in 0i64..1i64<<50, c1 in any::<u32>(), w2 in 0i64..1i64<<50, c2 in any::<u32>(), d1 in any::<u8>(), d2 in any::<u8>()) {
            let a = Hlc { wall_ms: w1, counter: c1, device: dev(d1) };
            let b = Hlc { wall_ms: w2, counter: c2, device: dev(d2) };
            prop_assert_eq!(a.cmp(&b), a.to_string().cmp(&b.to_string()));
            prop_assert_eq!(a.to_string().parse::<Hlc>().unwrap(), a);
        }

        #[test]
        fn local_stamps_strictly_increase(steps in proptest::collection::vec((0i64..10_000, any::<bool>(), 0i64..10_000), 1..50)) {
            let mut c = HlcClock::resume(dev(1), None, 100_000);
            let mut prev: Option<Hlc> = None;
            for (phys, observe, remote_wall) in steps {
                if observe {
                    let _ = c.observe(&Hlc { wall_ms: remote_wall, counter: 3, device: dev(9) }, phys);
                }
                let s = c.tick(phys);
                if let Some(p) = prev { prop_assert!(s > p); }
                prev = Some(s);
            }
        }
    }
}
