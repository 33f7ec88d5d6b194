//! Instants as milliseconds since the Unix epoch (UTC). Kupang is WITA (UTC+8); the offset is a
//! display concern, so stored instants never carry one.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, UtcOffset};

/// Milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn from_datetime(dt: OffsetDateTime) -> Self {
        Self((dt.unix_timestamp_nanos() / 1_000_000) as i64)
    }

    pub fn to_datetime(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(self.0 as i128 * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// The calendar date at this instant in the given offset (for Kupang, `wita()`).
    pub fn date_at(self, offset: UtcOffset) -> Date {
        self.to_datetime().to_offset(offset).date()
    }
}

/// Waktu Indonesia Tengah (UTC+8): Kota Kupang's local time.
pub fn wita() -> UtcOffset {
    UtcOffset::from_hms(8, 0, 0).expect("valid offset")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn local_date_in_kupang_crosses_midnight_before_utc() {
        let t = Timestamp::from_datetime(datetime!(2026-11-21 17:30 UTC));
        assert_eq!(t.date_at(wita()), date!(2026 - 11 - 22));
        assert_eq!(t.date_at(UtcOffset::UTC), date!(2026 - 11 - 21));
    }
}
