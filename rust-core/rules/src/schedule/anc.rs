//! Antenatal contacts (DOMAIN.md section 2, [S7]): six contacts in the 1-2-3 pattern by
//! gestational age from HPHT, two of them with a doctor, for every pregnancy with a known HPHT
//! (or an EDD, from which HPHT = EDD - 280 days). A pregnancy with neither gets no ANC items:
//! without a gestational age no contact can be placed in its trimester, and the bidan's first
//! task is to record one.
//!
//! Recorded ANC visits fill the contacts in date order, each the first open contact whose window
//! holds the visit's date. A doctor contact is only filled by a visit marked `by_doctor` (the
//! item exists to get the woman to a doctor); a doctor's visit fills a doctor contact first,
//! else an ordinary one. The contact number the bidan typed is not used: it counts visits made
//! anywhere, while the pattern is judged by dates. Once the pregnancy has an outcome, contacts
//! still open close as missed the day before delivery, and contacts whose window had not opened
//! by then are not made at all.

use super::Cx;
use super::config::{META_KEYS, Obj, Table, TableMeta};
use crate::due::{ClosesAs, DueItem, DueKind, Window};
use ilp_model::{ValidationError, VisitKind};
use time::{Date, Duration};

#[derive(Clone, Debug, PartialEq)]
pub struct AncTable {
    pub meta: TableMeta,
    pub contacts: Vec<AncContact>,
}

/// One contact's window in completed weeks of gestation: `[from_week, until_week)`, due by the
/// end of the week before `due_before_week`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AncContact {
    pub contact: u8,
    pub from_week: u16,
    pub until_week: u16,
    pub due_before_week: u16,
    pub by_doctor: bool,
}

impl Table for AncTable {
    const FAMILY: &'static str = "anc";

    fn read(o: &Obj) -> Result<Self, ValidationError> {
        let mut keys = META_KEYS.to_vec();
        keys.push("contacts");
        o.known_keys(&keys)?;
        let mut contacts: Vec<AncContact> = Vec::new();
        for c in o.objects("contacts")? {
            c.known_keys(&[
                "contact",
                "from_week",
                "until_week",
                "due_before_week",
                "by_doctor",
            ])?;
            let contact = AncContact {
                contact: c.u8("contact", 1, 20)?,
                from_week: c.uint("from_week", 0, 45)? as u16,
                until_week: c.uint("until_week", 1, 45)? as u16,
                due_before_week: c.uint("due_before_week", 1, 45)? as u16,
                by_doctor: c.bool_or("by_doctor", false)?,
            };
            if contact.until_week <= contact.from_week {
                return Err(ValidationError::new(
                    c.path("until_week"),
                    "must be after from_week",
                ));
            }
            if contacts.iter().any(|x| x.contact == contact.contact) {
                return Err(ValidationError::new(
                    c.path("contact"),
                    "repeats another contact's number",
                ));
            }
            contacts.push(contact);
        }
        Ok(Self {
            meta: o.meta()?,
            contacts,
        })
    }

    fn meta(&self) -> &TableMeta {
        &self.meta
    }
}

fn weeks(n: u16) -> Duration {
    Duration::days(i64::from(n) * 7)
}

pub(crate) fn items(cx: &Cx, out: &mut Vec<DueItem>) {
    let t = &cx.tables.anc;
    for p in &cx.facts.pregnancies {
        let Some(start) = p.hpht.or_else(|| p.edd.map(|e| e - Duration::days(280))) else {
            continue;
        };
        let delivered = p.outcome.as_ref().map(|o| o.at.date_at(cx.ctx.offset));
        let last_anc_day = delivered.map(|d| d - Duration::days(1));
        // A contact whose window had not opened by the delivery was never due (a miscarriage at
        // 10 weeks has no T2 or T3 contacts): it gets no item rather than a missed one.
        let windows: Vec<Option<Window>> = t
            .contacts
            .iter()
            .map(|c| {
                let earliest = start + weeks(c.from_week);
                let due = start + weeks(c.due_before_week) - Duration::days(1);
                let mut latest = start + weeks(c.until_week) - Duration::days(1);
                if let Some(last) = last_anc_day {
                    if earliest > last {
                        return None;
                    }
                    latest = latest.min(last);
                }
                Some(Window::new(earliest, due, Some(latest)))
            })
            .collect();
        let mut done: Vec<Option<Date>> = vec![None; t.contacts.len()];
        for (_, visit, on) in cx.visits() {
            let VisitKind::Anc { by_doctor, .. } = visit.kind else {
                continue;
            };
            let of_this_pregnancy = match visit.pregnancy {
                Some(id) => id == p.id,
                None => on >= start && last_anc_day.is_none_or(|l| on <= l),
            };
            if !of_this_pregnancy {
                continue;
            }
            let open = |i: usize, doctor: bool| {
                done[i].is_none()
                    && t.contacts[i].by_doctor == doctor
                    && windows[i].is_some_and(|w| w.contains(on))
            };
            let slot = (0..windows.len())
                .find(|&i| by_doctor && open(i, true))
                .or_else(|| (0..windows.len()).find(|&i| open(i, false)));
            if let Some(i) = slot {
                done[i] = Some(on);
            }
        }
        let high_risk = cx.alarm_between(start, delivered.unwrap_or(Date::MAX));
        for ((c, window), done_on) in t.contacts.iter().zip(windows).zip(done) {
            let Some(window) = window else { continue };
            out.push(cx.item(
                DueKind::Anc {
                    pregnancy: p.id,
                    contact: c.contact,
                    by_doctor: c.by_doctor,
                },
                window,
                done_on,
                ClosesAs::Missed,
                high_risk,
                t.meta.table,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Rec, find, has, preg_id, wita_at};
    use crate::due::DueStatus;
    use ilp_model::pregnancy::OutcomeKind;
    use ilp_model::{Sex, VisitKind};
    use time::macros::date;

    const HPHT: time::Date = date!(2026 - 01 - 01);

    fn mother() -> Rec {
        Rec::new(2, Some(Sex::Female), Some(date!(1998 - 05 - 05)))
    }

    fn anc(by_doctor: bool) -> VisitKind {
        VisitKind::Anc {
            contact: None,
            by_doctor,
        }
    }

    #[test]
    fn s7_one_two_three_pattern_from_hpht() {
        // [S7] 1 contact in T1 (<=12 wk), 2 in T2 (>12-24 wk), 3 in T3 (>24 wk); contacts 1
        // and 5 with a doctor. Weeks are completed weeks: T1 ends after 12w6d.
        let mut r = mother();
        let p = r.pregnancy(1, Some(HPHT), None);
        let items = r.items(date!(2026 - 02 - 01));
        let k = |n: u8| find(&items, &format!("anc:{p}:{n}")).clone();
        assert_eq!(k(1).window.earliest, HPHT);
        assert_eq!(k(1).window.latest, Some(date!(2026 - 04 - 01)));
        assert_eq!(k(2).window.earliest, date!(2026 - 04 - 02));
        assert_eq!(k(3).window.latest, Some(date!(2026 - 06 - 24)));
        assert_eq!(k(4).window.earliest, date!(2026 - 06 - 25));
        assert_eq!(k(6).window.latest, Some(date!(2026 - 10 - 21)));
        let doctor: Vec<u8> = items
            .iter()
            .filter_map(|i| match i.kind {
                crate::due::DueKind::Anc {
                    contact,
                    by_doctor: true,
                    ..
                } => Some(contact),
                _ => None,
            })
            .collect();
        assert_eq!(doctor, vec![1, 5]);
    }

    #[test]
    fn visits_fill_contacts_in_their_trimester() {
        let mut r = mother();
        let p = r.pregnancy(1, Some(HPHT), None);
        // A midwife in T1 cannot fill the doctor's contact 1; the doctor then does.
        r.visit(anc(false), Some(p), date!(2026 - 02 - 10));
        r.visit(anc(true), Some(p), date!(2026 - 03 - 10));
        // Two in T2 fill contacts 2 and 3; a third in T2 has no slot.
        r.visit(anc(false), None, date!(2026 - 04 - 20));
        r.visit(anc(false), None, date!(2026 - 05 - 20));
        r.visit(anc(false), None, date!(2026 - 06 - 01));
        // In T3 a doctor's visit takes the doctor contact 5 before ordinary contact 4.
        r.visit(anc(true), Some(p), date!(2026 - 07 - 10));
        // A visit for another pregnancy does not count.
        r.visit(anc(false), Some(preg_id(9)), date!(2026 - 07 - 20));
        let items = r.items(date!(2026 - 08 - 01));
        let done = |n: u8| find(&items, &format!("anc:{p}:{n}")).done_on;
        assert_eq!(done(1), Some(date!(2026 - 03 - 10)));
        assert_eq!(done(2), Some(date!(2026 - 04 - 20)));
        assert_eq!(done(3), Some(date!(2026 - 05 - 20)));
        assert_eq!(done(4), None);
        assert_eq!(done(5), Some(date!(2026 - 07 - 10)));
        assert_eq!(done(6), None);
    }

    #[test]
    fn delivery_closes_open_contacts_and_danger_signs_mark_high_risk() {
        let mut r = mother();
        let p = r.pregnancy(
            1,
            Some(HPHT),
            Some((OutcomeKind::LiveBirth, wita_at(date!(2026 - 07 - 20), 4))),
        );
        r.danger_sign(date!(2026 - 06 - 01));
        let items = r.items(date!(2026 - 08 - 01));
        let k6 = find(&items, &format!("anc:{p}:6"));
        assert!(k6.high_risk);
        // Contact 6 was due by week 38 (16 September), closed the day before delivery.
        assert_eq!(k6.window.latest, Some(date!(2026 - 07 - 19)));
        assert_eq!(k6.status(date!(2026 - 08 - 01)), DueStatus::Missed);
        // A miscarriage at 10 weeks: only the T1 contact was ever due.
        let mut r = mother();
        let p = r.pregnancy(
            2,
            Some(HPHT),
            Some((OutcomeKind::Miscarriage, wita_at(date!(2026 - 03 - 12), 9))),
        );
        let items = r.items(date!(2026 - 04 - 01));
        assert_eq!(
            find(&items, &format!("anc:{p}:1")).status(date!(2026 - 04 - 01)),
            DueStatus::Missed
        );
        assert!(!has(&items, &format!("anc:{p}:2")));
    }

    #[test]
    fn edd_stands_in_for_hpht_and_neither_gives_no_contacts() {
        let mut r = mother();
        r.pregnancy(1, None, None);
        r.facts.pregnancies[0].edd = Some(date!(2026 - 10 - 08));
        let p = r.facts.pregnancies[0].id;
        let items = r.items(date!(2026 - 02 - 01));
        assert_eq!(
            find(&items, &format!("anc:{p}:1")).window.earliest,
            date!(2026 - 01 - 01)
        );
        r.facts.pregnancies[0].edd = None;
        assert!(!has(&r.items(date!(2026 - 02 - 01)), &format!("anc:{p}:1")));
    }
}
