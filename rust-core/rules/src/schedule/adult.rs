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
