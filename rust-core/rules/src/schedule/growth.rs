//! Under-five growth monitoring and vitamin A (DOMAIN.md section 2, [S8]): a weighing every
//! calendar month from 0 to 59 months, and a vitamin A capsule in every February and August round
//! from 6 to 59 months. Both are recurring: made only for periods in the schedule's range.
//!
//! A month's weighing is due by the month's last day. Not weighed in it, it stays overdue through
//! the next month until the child is weighed again, and then closes as missed (the KMS marks that
//! month "O"). So a child weighed neither this month nor last month shows as overdue, and a child
//! weighed this month no longer does.

use super::Cx;
use super::age::{Age, CalendarMonth, first_of_month, last_of_month};
use super::config::{META_KEYS, Obj, Table, TableMeta};
use crate::due::{ClosesAs, DueItem, DueKind, Window};
use ilp_model::{EventPayload, ServiceKind, ValidationError};
use time::{Date, Duration, Month};

#[derive(Clone, Debug, PartialEq)]
pub struct WeighingTable {
    pub meta: TableMeta,
    pub from: Age,
    pub until: Age,
}

impl Table for WeighingTable {
    const FAMILY: &'static str = "weighing";

    fn read(o: &Obj) -> Result<Self, ValidationError> {
        let mut keys = META_KEYS.to_vec();
        keys.extend(["from", "until"]);
        o.known_keys(&keys)?;
        Ok(Self {
            meta: o.meta()?,
            from: o.age("from")?,
            until: o.age("until")?,
        })
    }

    fn meta(&self) -> &TableMeta {
        &self.meta
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct VitaminATable {
    pub meta: TableMeta,
    /// Round months (February and August).
    pub months: Vec<Month>,
    pub from: Age,
    pub until: Age,
    /// Months after the round's month during which a missed child is still given it.
    pub sweeping_months: u8,
    /// Services that count as the round's capsule.
    pub services: Vec<ServiceKind>,
}

impl Table for VitaminATable {
    const FAMILY: &'static str = "vitamin_a";

    fn read(o: &Obj) -> Result<Self, ValidationError> {
        let mut keys = META_KEYS.to_vec();
        keys.extend(["months", "from", "until", "sweeping_months", "services"]);
        o.known_keys(&keys)?;
        let months = o.values("months", |path, v| {
            v.as_u64()
                .filter(|m| (1..=12).contains(m))
                .map(|m| Month::try_from(m as u8).expect("1..=12"))
                .ok_or_else(|| ValidationError::new(path, "must be a month number 1 to 12"))
        })?;
        let services = o.values("services", |path, v| {
            ServiceKind::parse_known(
                path,
                v.as_str()
                    .ok_or_else(|| ValidationError::new(path, "must be a string"))?,
            )
        })?;
        Ok(Self {
            meta: o.meta()?,
            months,
            from: o.age("from")?,
            until: o.age("until")?,
            sweeping_months: o.u8("sweeping_months", 0, 5)?,
            services,
        })
    }

    fn meta(&self) -> &TableMeta {
        &self.meta
    }
}

/// A monthly item's window and the date it was done: open all month (from `opens` if later), due
/// by the month's last day, then overdue through the next month until the next `done_dates`
/// entry. `done_dates` are ascending.
pub(crate) fn monthly(
    month: CalendarMonth,
    opens: Date,
    done_dates: &[Date],
) -> (Window, Option<Date>) {
    let done_on = done_dates.iter().copied().find(|d| month.contains(*d));
    let mut latest = month.next().last();
    if let Some(next) = done_dates.iter().copied().find(|d| *d > month.last()) {
        latest = latest.min(next - Duration::days(1));
    }
    (
        Window::new(opens.max(month.first), month.last(), Some(latest)),
        done_on,
    )
}

pub(crate) fn weighing_items(cx: &Cx, out: &mut Vec<DueItem>) {
    let t = &cx.tables.weighing;
    let Some(birth) = cx.birth else { return };
    let first = t.from.reached_on(birth).max(cx.recurring_from);
    let last = (t.until.reached_on(birth) - Duration::days(1)).min(cx.recurring_to);
    if first > last {
        return;
    }
    let weighed: Vec<Date> = cx
        .events()
        .filter(
            |(e, _)| matches!(&e.payload, EventPayload::Measurement(m) if m.weight_kg.is_some()),
        )
        .map(|(_, d)| d)
        .collect();
    for month in CalendarMonth::span(first, last) {
        let (window, done_on) = monthly(month, t.from.reached_on(birth), &weighed);
        out.push(cx.item(
            DueKind::Weighing { month: month.first },
            window,
            done_on,
            ClosesAs::Missed,
            false,
            t.meta.table,
        ));
    }
}

pub(crate) fn vitamin_a_items(cx: &Cx, out: &mut Vec<DueItem>) {
    let t = &cx.tables.vitamin_a;
    let Some(birth) = cx.birth else { return };
    let eligible_from = t.from.reached_on(birth);
    let eligible_until = t.until.reached_on(birth);
    if eligible_from > cx.recurring_to || eligible_until <= cx.recurring_from {
        return;
    }
    let capsules: Vec<Date> = cx
        .events()
        .filter(
            |(e, _)| matches!(&e.payload, EventPayload::Service(s) if t.services.contains(&s.kind)),
        )
        .map(|(_, d)| d)
        .collect();
    for year in cx.recurring_from.year()..=cx.recurring_to.year() {
        for &m in &t.months {
            let round = first_of_month(year, m);
            let round_end = last_of_month(year, m);
            let mut latest = CalendarMonth::of(round);
            for _ in 0..t.sweeping_months {
                latest = latest.next();
            }
            let latest = latest.last();
            let in_range = round <= cx.recurring_to && latest >= cx.recurring_from;
            // 6 months old by the end of the round month, not yet 60 months when it starts.
            let in_age = eligible_from <= round_end && eligible_until > round;
            if !(in_range && in_age) {
                continue;
            }
            let done_on = capsules
                .iter()
                .copied()
                .find(|d| *d >= round && *d <= latest);
            out.push(cx.item(
                DueKind::VitaminA { round },
                Window::new(round, round_end, Some(latest)),
                done_on,
                ClosesAs::Missed,
                false,
                t.meta.table,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Rec, find, has};
    use crate::due::DueStatus;
    use ilp_model::ServiceKind;
    use time::macros::date;

    #[test]
    fn s8_weighing_overdue_until_weighed_again() {
        // [S8] weigh 0-59 months monthly. Not weighed in May: overdue in June until the June
        // weighing, then missed; not weighed in June either: June due and May overdue.
        let mut r = Rec::child(1, date!(2025 - 01 - 15));
        r.weigh(date!(2026 - 04 - 12));
        let today = date!(2026 - 06 - 05);
        let items = r.items(today);
        assert_eq!(
            find(&items, "weigh:2026-04-01").done_on,
            Some(date!(2026 - 04 - 12))
        );
        let may = find(&items, "weigh:2026-05-01");
        assert_eq!(may.window.due, date!(2026 - 05 - 31));
        assert_eq!(may.status(today), DueStatus::Overdue);
        assert_eq!(
            find(&items, "weigh:2026-06-01").status(today),
            DueStatus::Due
        );
        r.weigh(date!(2026 - 06 - 10));
        let items = r.items(date!(2026 - 06 - 10));
        let may = find(&items, "weigh:2026-05-01");
        assert_eq!(may.window.latest, Some(date!(2026 - 06 - 09)));
        assert_eq!(may.status(date!(2026 - 06 - 10)), DueStatus::Missed);
    }

    #[test]
    fn weighing_from_the_birth_month_to_59_months() {
        let newborn = Rec::child(1, date!(2026 - 03 - 20));
        let items = newborn.items(date!(2026 - 03 - 25));
        let march = find(&items, "weigh:2026-03-01");
        assert_eq!(march.window.earliest, date!(2026 - 03 - 20));
        assert!(!has(&items, "weigh:2026-02-01"));
        // Five years old on 20 March 2031: March 2031 is the last month.
        let items = newborn.items(date!(2031 - 01 - 10));
        assert!(has(&items, "weigh:2031-03-01"));
        assert!(!has(&items, "weigh:2031-04-01"));
    }

    #[test]
    fn vitamin_a_rounds_in_february_and_august_from_6_months() {
        // [S8] (unverified) February and August, 6-59 months, with a month of sweeping.
        let mut r = Rec::child(1, date!(2025 - 08 - 20));
        // 6 months on 20 February 2026: the February round is in, August 2025 was too early.
        r.service(ServiceKind::VitaminABlue, date!(2026 - 03 - 05));
        // Three months ahead reaches the August round.
        let items = r.items(date!(2026 - 05 - 10));
        assert!(!has(&items, "vita:2025-08-01"));
        let feb = find(&items, "vita:2026-02-01");
        assert_eq!(feb.window.due, date!(2026 - 02 - 28));
        assert_eq!(feb.window.latest, Some(date!(2026 - 03 - 31)));
        assert_eq!(feb.done_on, Some(date!(2026 - 03 - 05)));
        let aug = find(&items, "vita:2026-08-01");
        assert_eq!(aug.status(date!(2026 - 05 - 10)), DueStatus::Upcoming);
        // A capsule outside any round's window counts for none.
        r.service(ServiceKind::VitaminARed, date!(2026 - 05 - 05));
        let items = r.items(date!(2026 - 09 - 10));
        assert_eq!(find(&items, "vita:2026-08-01").done_on, None);
    }
}
