//! The numbers of the coverage page: one area and month, every indicator of the coverage rules,
//! and the trend of the twelve months up to it, counted by `Store::coverage_months`: the call
//! behind the app's supervisor screen and `ilp coverage` (`Store::coverage_of_rts` is its
//! one-month case), the area read once for the twelve months. Year-to-date rows are cumulative
//! from January in each month of the trend, as PWS counts them, because the rules count them so.

use super::access::AreaChoice;
use ilp_rules::coverage::{CoverageTable, CoverageTables, Indicator};
use ilp_store::Store;
use time::{Date, Month};

/// How many months the trend shows, the chosen month last.
pub const TREND_MONTHS: usize = 12;

/// A month parameter that is not usable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub reason: String,
}

/// `?month=YYYY-MM`, or the current month; never after the current month.
pub fn parse_month(raw: Option<&str>, today: Date) -> Result<Date, FieldError> {
    let this_month = first_of_month(today);
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(this_month);
    };
    let m = ilp_model::validation::month_start("month", raw).map_err(|e| FieldError {
        field: "month",
        reason: e.reason,
    })?;
    if m > this_month {
        return Err(FieldError {
            field: "month",
            reason: "is in the future".into(),
        });
    }
    Ok(m)
}

pub fn first_of_month(d: Date) -> Date {
    d.replace_day(1).expect("day 1 exists")
}

/// The first day of the month `n` months before `month`'s.
pub fn months_before(month: Date, n: usize) -> Date {
    let total = month.year() * 12 + i32::from(u8::from(month.month())) - 1 - n as i32;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    Date::from_calendar_date(y, Month::try_from(m as u8).expect("1..=12"), 1).expect("a month")
}

pub fn month_text(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

/// Numerator / denominator × 100 to one decimal, as the app and the CLI show it; `None` on an
/// empty denominator.
pub use ilp_rules::coverage::percent;

/// The coverage of one area for one month with its trend.
#[derive(Clone, Debug)]
pub struct Figures {
    pub choice: AreaChoice,
    /// First day of the chosen month.
    pub month: Date,
    pub today: Date,
    /// The chosen month's table (as the rules made it).
    pub table: CoverageTable,
    /// The trend's months, oldest first, the chosen month last.
    pub trend_months: Vec<Date>,
    /// Per row of `table` (in `Indicator::ALL` order), (numerator, denominator) per trend month.
    pub trend: Vec<Vec<(u32, u32)>>,
}

impl Figures {
    pub fn trend_of(&self, indicator: Indicator) -> &[(u32, u32)] {
        &self.trend[indicator as usize]
    }
}

/// Counts the chosen month and the eleven before it for `choice`, as of `today`.
pub fn compute(
    store: &Store,
    choice: &AreaChoice,
    month: Date,
    today: Date,
) -> ilp_store::Result<Figures> {
    let tables = CoverageTables::default();
    let trend_months: Vec<Date> = (0..TREND_MONTHS)
        .rev()
        .map(|n| months_before(month, n))
        .collect();
    let mut trend = vec![Vec::with_capacity(TREND_MONTHS); Indicator::ALL.len()];
    let mut table = None;
    // The same call the app's coverage screen and `ilp coverage` make, for twelve months.
    let counted = store.coverage_months(&choice.rts, &trend_months, today, &tables)?;
    for (&m, t) in trend_months.iter().zip(counted) {
        for row in &t.rows {
            trend[row.indicator as usize].push((row.numerator, row.denominator));
        }
        if m == month {
            table = Some(t);
        }
    }
    Ok(Figures {
        choice: choice.clone(),
        month,
        today,
        table: table.expect("the chosen month is the trend's last"),
        trend_months,
        trend,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_count_back_across_the_new_year() {
        assert_eq!(
            months_before(date!(2025 - 03 - 01), 0),
            date!(2025 - 03 - 01)
        );
        assert_eq!(
            months_before(date!(2025 - 03 - 01), 3),
            date!(2024 - 12 - 01)
        );
        assert_eq!(
            months_before(date!(2025 - 03 - 01), 11),
            date!(2024 - 04 - 01)
        );
    }

    #[test]
    fn a_future_or_malformed_month_names_the_field() {
        let today = date!(2025 - 06 - 15);
        assert_eq!(parse_month(None, today).unwrap(), date!(2025 - 06 - 01));
        assert_eq!(
            parse_month(Some("2025-01"), today).unwrap(),
            date!(2025 - 01 - 01)
        );
        assert_eq!(
            parse_month(Some("2025-07"), today).unwrap_err().field,
            "month"
        );
        assert_eq!(parse_month(Some("juni"), today).unwrap_err().field, "month");
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(0, 0), None);
    }
}
