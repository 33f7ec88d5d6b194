//! Adults (DOMAIN.md section 2, SPM, unverified): a yearly PTM screening from 15 to 59 years and
//! a yearly screening of older persons from 60, per calendar year (SPM counts per year) with the
//! age reached during the year; and a monthly follow-up of known hypertension or diabetes.
//!
//! A screening is done by a blood-pressure measurement in the year: it is the one measurement
//! every SPM screening includes and a kader can take (glucose needs a nakes). A condition's
//! month is done by any visit or measurement in it, and follows the same overdue rule as the
//! monthly weighing. Both are recurring items, made only for periods in the schedule's range.

use super::Cx;
use super::age::{Age, CalendarMonth};
use super::config::{META_KEYS, Obj, Table, TableMeta};
use super::growth::monthly;
use crate::due::{ClosesAs, DueItem, DueKind, Window};
use ilp_model::{Condition, EventPayload, ValidationError};
use time::{Date, Month};

#[derive(Clone, Debug, PartialEq)]
pub struct ScreeningTable {
    pub meta: TableMeta,
    pub ptm_from: Age,
    pub ptm_until: Age,
    pub elderly_from: Age,
    /// Known conditions followed up monthly.
    pub condition_follow_up: Vec<Condition>,
}

impl Table for ScreeningTable {
    const FAMILY: &'static str = "screening";

    fn read(o: &Obj) -> Result<Self, ValidationError> {
        let mut keys = META_KEYS.to_vec();
        keys.extend([
            "ptm_from",
            "ptm_until",
            "elderly_from",
            "condition_follow_up",
        ]);
        o.known_keys(&keys)?;
        Ok(Self {
            meta: o.meta()?,
            ptm_from: o.age("ptm_from")?,
            ptm_until: o.age("ptm_until")?,
            elderly_from: o.age("elderly_from")?,
            condition_follow_up: o.values("condition_follow_up", |path, v| {
                Condition::parse_known(
                    path,
                    v.as_str()
                        .ok_or_else(|| ValidationError::new(path, "must be a string"))?,
                )
            })?,
        })
    }

    fn meta(&self) -> &TableMeta {
        &self.meta
    }
}

pub(crate) fn screening_items(cx: &Cx, out: &mut Vec<DueItem>) {
    let t = &cx.tables.screening;
    let Some(birth) = cx.birth else { return };
    let ptm = (t.ptm_from.reached_on(birth), t.ptm_until.reached_on(birth));
    let elderly = t.elderly_from.reached_on(birth);
    let screened: Vec<Date> = cx
        .events()
        .filter(|(e, _)| {
            matches!(&e.payload, EventPayload::Measurement(m) if m.systolic_mmhg.is_some())
        })
        .map(|(_, d)| d)
        .collect();
    for year in cx.recurring_from.year()..=cx.recurring_to.year() {
        let first = Date::from_calendar_date(year, Month::January, 1).expect("1 January");
        let last = Date::from_calendar_date(year, Month::December, 31).expect("31 December");
        let kind = if ptm.0 <= last && ptm.1 > last {
            DueKind::PtmScreening { year: first }
        } else if elderly <= last {
            DueKind::ElderlyScreening { year: first }
        } else {
            continue;
        };
        let done_on = screened.iter().copied().find(|d| *d >= first && *d <= last);
        out.push(cx.item(
            kind,
            Window::new(first, last, Some(last)),
            done_on,
            ClosesAs::Missed,
            false,
            t.meta.table,
        ));
    }
}

/// The date the current spell of `condition` began: its first mention since it was last marked
/// resolved.
fn known_since(cx: &Cx, condition: &Condition) -> Option<Date> {
    let mut since = None;
    for (e, d) in cx.events() {
        let EventPayload::HealthStatus(h) = &e.payload else {
            continue;
        };
        for c in h.conditions.iter().filter(|c| &c.condition == condition) {
            if c.resolved {
                since = None;
            } else if since.is_none() {
                since = Some(d);
            }
        }
    }
    since
}

pub(crate) fn condition_items(cx: &Cx, out: &mut Vec<DueItem>) {
    let t = &cx.tables.screening;
    let mut seen: Option<Vec<Date>> = None;
    for condition in &t.condition_follow_up {
        if cx.facts.condition(condition).is_none() {
            continue;
        }
        let Some(since) = known_since(cx, condition) else {
            continue;
        };
        let first = since.max(cx.recurring_from);
        if first > cx.recurring_to {
            continue;
        }
        let seen = seen.get_or_insert_with(|| {
            cx.events()
                .filter(|(e, _)| {
                    matches!(
                        e.payload,
                        EventPayload::Visit(_) | EventPayload::Measurement(_)
                    )
                })
                .map(|(_, d)| d)
                .collect()
        });
        for month in CalendarMonth::span(first, cx.recurring_to) {
            let (window, done_on) = monthly(month, since, seen);
            out.push(cx.item(
                DueKind::ConditionFollowUp {
                    condition: condition.clone(),
                    month: month.first,
                },
                window,
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
    use ilp_model::{Condition, Sex, VisitKind};
    use time::macros::date;

    const TODAY: time::Date = date!(2026 - 06 - 15);

    #[test]
    fn yearly_screening_by_the_age_reached_in_the_year() {
        // SPM (unverified): 15-59 y PTM screening, >=60 y lansia screening, at least yearly.
        let mut adult = Rec::new(1, Some(Sex::Male), Some(date!(1966 - 09 - 01)));
        adult.blood_pressure(date!(2025 - 03 - 02));
        let items = adult.items(TODAY);
        // 59 at the end of 2025: PTM, done by the blood pressure taken in March.
        let y2025 = find(&items, "ptm:2025-01-01");
        assert_eq!(y2025.done_on, Some(date!(2025 - 03 - 02)));
        // 60 during 2026: lansia, due by 31 December.
        let y2026 = find(&items, "lansia:2026-01-01");
        assert_eq!(y2026.window.due, date!(2026 - 12 - 31));
        assert_eq!(y2026.status(TODAY), DueStatus::Due);
        assert_eq!(y2026.status(date!(2027 - 01 - 01)), DueStatus::Missed);

        let teen = Rec::new(2, Some(Sex::Female), Some(date!(2011 - 10 - 01)));
        let items = teen.items(TODAY);
        assert!(!has(&items, "ptm:2025-01-01"));
        assert!(has(&items, "ptm:2026-01-01"));
    }

    #[test]
    fn known_hypertension_is_followed_up_monthly() {
        let mut r = Rec::new(1, Some(Sex::Female), Some(date!(1970 - 01 - 01)));
        r.condition(Condition::Hypertension, false, date!(2026 - 03 - 10));
        r.visit(VisitKind::HomeVisit, None, date!(2026 - 04 - 20));
        let items = r.items(TODAY);
        let months: Vec<String> = items
            .iter()
            .map(|i| i.kind.key())
            .filter(|k| k.starts_with("cond:"))
            .collect();
        // March (when it became known) to September (three months ahead).
        assert_eq!(months.len(), 7);
        assert_eq!(months[0], "cond:hypertension:2026-03-01");
        let march = find(&items, "cond:hypertension:2026-03-01");
        assert_eq!(march.window.earliest, date!(2026 - 03 - 10));
        // The health-status answer was not a visit; the April home visit was.
        assert_eq!(march.done_on, None);
        assert_eq!(
            find(&items, "cond:hypertension:2026-04-01").done_on,
            Some(date!(2026 - 04 - 20))
        );
        assert_eq!(
            find(&items, "cond:hypertension:2026-05-01").status(TODAY),
            DueStatus::Overdue
        );
        assert!(!has(&items, "cond:diabetes:2026-03-01"));
        r.condition(Condition::Hypertension, true, date!(2026 - 06 - 01));
        assert!(
            !r.items(TODAY)
                .iter()
                .any(|i| i.kind.key().starts_with("cond:"))
        );
    }
}
