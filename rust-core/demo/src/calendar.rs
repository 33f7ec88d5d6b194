//! Dates and instants of the demo: each RW's Posyandu day of the month, month arithmetic, and
//! local Kupang times (WITA, UTC+8) turned into stored UTC timestamps.

use ilp_model::Timestamp;
use ilp_model::timestamp::wita;
use time::{Date, Duration, Month, PrimitiveDateTime, Time, Weekday};

/// The Posyandu session of a month for an RW that meets on `day`: that day, or the Monday after
/// when it falls on a Sunday (no Posyandu on a church day in Kupang).
pub fn posyandu_date(year: i32, month: Month, day: u8) -> Date {
    let day = day.clamp(1, time::util::days_in_month(month, year));
    let date = Date::from_calendar_date(year, month, day).expect("day clamped to the month");
    if date.weekday() == Weekday::Sunday {
        date + Duration::days(1)
    } else {
        date
    }
}

/// The first of the month `months` after (or before, if negative) `date`'s month.
pub(crate) fn month_start(date: Date, months: i32) -> Date {
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).expect("1..=12");
    Date::from_calendar_date(index.div_euclid(12), month, 1).expect("first of a month")
}

/// `date` plus whole calendar months, the day clamped to the target month (31 Jan + 1 = 28 Feb).
pub(crate) fn add_months(date: Date, months: i32) -> Date {
    let first = month_start(date, months);
    let day = date
        .day()
        .min(time::util::days_in_month(first.month(), first.year()));
    first.replace_day(day).expect("day clamped to the month")
}

/// The last `n` Posyandu sessions on or before `today`, oldest first.
pub(crate) fn sessions_up_to(day: u8, today: Date, n: usize) -> Vec<Date> {
    let mut out = Vec::with_capacity(n);
    let mut back = 0;
    while out.len() < n {
        let first = month_start(today, -back);
        let session = posyandu_date(first.year(), first.month(), day);
        if session <= today {
            out.push(session);
        }
        back += 1;
    }
    out.reverse();
    out
}

/// The first Posyandu session on or after `date`.
pub(crate) fn session_on_or_after(day: u8, date: Date) -> Date {
    let this = posyandu_date(date.year(), date.month(), day);
    if this >= date {
        this
    } else {
        let next = month_start(date, 1);
        posyandu_date(next.year(), next.month(), day)
    }
}

/// `date`, or the Monday after if it is a Sunday: home visits and clinics keep to weekdays.
pub(crate) fn working_day(date: Date) -> Date {
    if date.weekday() == Weekday::Sunday {
        date + Duration::days(1)
    } else {
        date
    }
}

/// Local Kupang time as a stored UTC instant.
pub(crate) fn at_wita(date: Date, minutes_after_midnight: u32) -> Timestamp {
    let minutes = minutes_after_midnight.min(24 * 60 - 1);
    let time = Time::from_hms((minutes / 60) as u8, (minutes % 60) as u8, 0).expect("in a day");
    Timestamp::from_datetime(PrimitiveDateTime::new(date, time).assume_offset(wita()))
}

/// Milliseconds in `minutes` minutes, for recorded-after offsets.
pub(crate) fn minutes_ms(minutes: i64) -> i64 {
    minutes * 60_000
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn sunday_sessions_move_to_monday() {
        // 1 March 2026 is a Sunday.
        assert_eq!(posyandu_date(2026, Month::March, 1), date!(2026 - 03 - 02));
        assert_eq!(posyandu_date(2026, Month::March, 3), date!(2026 - 03 - 03));
    }

    #[test]
    fn the_last_twelve_sessions_end_today_or_before() {
        let s = sessions_up_to(20, date!(2026 - 03 - 15), 12);
        assert_eq!(s.len(), 12);
        assert_eq!(s[11], date!(2026 - 02 - 20));
        assert_eq!(s[0], date!(2025 - 03 - 20));
        assert_eq!(
            session_on_or_after(20, date!(2026 - 02 - 21)),
            date!(2026 - 03 - 20)
        );
    }

    #[test]
    fn months_clamp_and_wita_is_utc_plus_eight() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(
            add_months(date!(2026 - 01 - 15), -13),
            date!(2024 - 12 - 15)
        );
        let t = at_wita(date!(2026 - 03 - 02), 8 * 60);
        assert_eq!(t.to_datetime().hour(), 0);
        assert_eq!(t.date_at(wita()), date!(2026 - 03 - 02));
    }
}
