//! Ages and calendar periods the schedule tables speak in: "24h", "3d", "2m", "15y", and months
//! and years of the calendar for recurring items.

use ilp_model::ValidationError;
use time::{Date, Duration, Month, UtcOffset};

/// An age bound as the tables write it. Months are counted as [`ilp_model::BirthDate::age_months`]
/// counts them (completed months), so a table row and the age shown in the app never disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Age {
    Hours(u32),
    Days(u32),
    Months(u32),
}

impl Age {
    /// Parses `6h`, `3d`, `2m`, `15y` (years are stored as months).
    pub fn parse(field: &str, text: &str) -> Result<Self, ValidationError> {
        let bad = || {
            ValidationError::new(
                field,
                "must be a number followed by h, d, m or y (e.g. 24h, 3d, 2m, 15y)",
            )
        };
        let text = text.trim();
        let unit = text.chars().last().ok_or_else(bad)?;
        let n: u32 = text[..text.len() - unit.len_utf8()]
            .parse()
            .map_err(|_| bad())?;
        // Bounded so date arithmetic can never overflow: no schedule reaches past 150 years.
        let limit_ok = match unit {
            'h' => n <= 24 * 366,
            'd' => n <= 366 * 150,
            'm' => n <= 12 * 150,
            'y' => n <= 150,
            _ => return Err(bad()),
        };
        if !limit_ok {
            return Err(ValidationError::new(field, "is longer than 150 years"));
        }
        Ok(match unit {
            'h' => Age::Hours(n),
            'd' => Age::Days(n),
            'm' => Age::Months(n),
            _ => Age::Months(n * 12),
        })
    }

    /// First date on which someone born on `birth` has reached this age. A birth date carries no
    /// time, so hours are read for a birth just after midnight (the earliest the age can be
    /// reached).
    pub fn reached_on(self, birth: Date) -> Date {
        match self {
            Age::Hours(h) => birth + Duration::days(i64::from(h / 24)),
            Age::Days(d) => birth + Duration::days(i64::from(d)),
            Age::Months(m) => age_reached(birth, m),
        }
    }

    /// Last date on which the age can still be below this bound. For hours, a birth late in the
    /// day: "within 24 h" of a birth at 22:00 runs into the next date, so it ends the day after.
    pub fn last_day_before(self, birth: Date) -> Date {
        match self {
            Age::Hours(h) => birth + Duration::days(i64::from(h.div_ceil(24))),
            _ => self.reached_on(birth) - Duration::days(1),
        }
    }

    /// Like [`Age::reached_on`] from a known instant (a delivery time): hours count from the
    /// instant, days and months from its local date.
    pub fn reached_after(self, at: ilp_model::Timestamp, offset: UtcOffset) -> Date {
        match self {
            Age::Hours(h) => {
                ilp_model::Timestamp::from_millis(at.millis() + i64::from(h) * 3_600_000)
                    .date_at(offset)
            }
            _ => self.reached_on(at.date_at(offset)),
        }
    }

    /// Like [`Age::last_day_before`] from a known instant.
    pub fn last_day_before_after(self, at: ilp_model::Timestamp, offset: UtcOffset) -> Date {
        match self {
            Age::Hours(h) => {
                ilp_model::Timestamp::from_millis(at.millis() + i64::from(h) * 3_600_000 - 1)
                    .date_at(offset)
            }
            _ => self.last_day_before(at.date_at(offset)),
        }
    }
}

/// The first date on which `BirthDate::age_months` reaches `months`: the same day of the month
/// `months` later, or the 1st of the following month when that day does not exist (born 31 Jan:
/// one month old on 1 March, since 28 February is still "0 months").
pub fn age_reached(birth: Date, months: u32) -> Date {
    let (y, m) = month_add(birth.year(), birth.month(), months as i32);
    if birth.day() <= time::util::days_in_month(m, y) {
        Date::from_calendar_date(y, m, birth.day()).expect("day checked")
    } else {
        last_of_month(y, m) + Duration::days(1)
    }
}

/// Year and month `n` months after (or before, if negative) `year`-`month`.
pub fn month_add(year: i32, month: Month, n: i32) -> (i32, Month) {
    let idx = year * 12 + i32::from(u8::from(month)) - 1 + n;
    let m = Month::try_from((idx.rem_euclid(12) + 1) as u8).expect("1..=12");
    (idx.div_euclid(12), m)
}

pub fn first_of_month(year: i32, month: Month) -> Date {
    Date::from_calendar_date(year, month, 1).expect("day 1 exists")
}

pub fn last_of_month(year: i32, month: Month) -> Date {
    Date::from_calendar_date(year, month, time::util::days_in_month(month, year))
        .expect("last day exists")
}

/// The same date `n` months later or earlier, the day clamped to the month's length.
pub fn shift_months(d: Date, n: i32) -> Date {
    let (y, m) = month_add(d.year(), d.month(), n);
    Date::from_calendar_date(y, m, d.day().min(time::util::days_in_month(m, y)))
        .expect("clamped day")
}

/// A calendar month, by its first day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CalendarMonth {
    pub first: Date,
}

impl CalendarMonth {
    pub fn of(d: Date) -> Self {
        Self {
            first: first_of_month(d.year(), d.month()),
        }
    }

    pub fn last(self) -> Date {
        last_of_month(self.first.year(), self.first.month())
    }

    pub fn next(self) -> Self {
        Self {
            first: self.last() + Duration::days(1),
        }
    }

    pub fn contains(self, d: Date) -> bool {
        d >= self.first && d <= self.last()
    }

    /// Every month from the one holding `from` to the one holding `to`, inclusive.
    pub fn span(from: Date, to: Date) -> impl Iterator<Item = CalendarMonth> {
        let end = CalendarMonth::of(to);
        std::iter::successors(Some(CalendarMonth::of(from)), move |m| {
            let n = m.next();
            (n <= end).then_some(n)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ilp_model::BirthDate;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn ages_parse_with_units() {
        assert_eq!(Age::parse("a", "24h").unwrap(), Age::Hours(24));
        assert_eq!(Age::parse("a", "15y").unwrap(), Age::Months(180));
        assert_eq!(Age::parse("x.y", "2 m").unwrap_err().field, "x.y");
        assert!(Age::parse("a", "m").is_err());
        assert!(Age::parse("a", "3w").is_err());
        assert!(Age::parse("a", "999y").is_err());
    }

    #[test]
    fn hours_widen_to_whole_days() {
        let birth = date!(2026 - 03 - 10);
        // HB0 "< 24 h": a child born late on the 10th can still get it on the 11th.
        assert_eq!(Age::Hours(24).last_day_before(birth), date!(2026 - 03 - 11));
        assert_eq!(Age::Hours(6).reached_on(birth), birth);
        assert_eq!(Age::Days(3).reached_on(birth), date!(2026 - 03 - 13));
        assert_eq!(Age::Days(8).last_day_before(birth), date!(2026 - 03 - 17));
    }

    #[test]
    fn month_ends_follow_completed_months() {
        assert_eq!(age_reached(date!(2025 - 01 - 31), 1), date!(2025 - 03 - 01));
        assert_eq!(
            age_reached(date!(2024 - 02 - 29), 12),
            date!(2025 - 03 - 01)
        );
        assert_eq!(
            shift_months(date!(2026 - 03 - 31), -1),
            date!(2026 - 02 - 28)
        );
        let months: Vec<_> =
            CalendarMonth::span(date!(2025 - 11 - 15), date!(2026 - 02 - 01)).collect();
        assert_eq!(months.len(), 4);
        assert_eq!(months[3].first, date!(2026 - 02 - 01));
    }

    proptest! {
        #[test]
        fn age_reached_is_the_first_day_of_that_age(days in 0i64..20000, months in 0u32..800) {
            let birth = date!(1970 - 01 - 01) + Duration::days(days);
            let b = BirthDate::exact(birth);
            let d = age_reached(birth, months);
            prop_assert!(b.age_months(d) >= months as i32);
            prop_assert!(b.age_months(d - Duration::days(1)) < months as i32);
        }
    }
}
