//! Follow-up visits after danger signs and referrals (DOMAIN.md section 1, home visits look for
//! danger signs; windows are our choice, in a configurable table). One item per danger-sign or
//! referral event, always high-risk, done by any later visit of the person (not the visit the
//! sign was recorded in), whenever it happened.

use super::Cx;
use super::age::Age;
use super::config::{META_KEYS, Obj, Table, TableMeta};
use crate::due::{ClosesAs, DueItem, DueKind, Window};
use ilp_model::{EventPayload, ValidationError};

#[derive(Clone, Debug, PartialEq)]
pub struct FollowUpTable {
    pub meta: TableMeta,
    pub danger_sign: FollowUpWindow,
    pub referral: FollowUpWindow,
}

/// Counted from the event's date: due after `due_after`, pointless after `latest_after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FollowUpWindow {
    pub due_after: Age,
    pub latest_after: Age,
}

impl Table for FollowUpTable {
    const FAMILY: &'static str = "follow_up";

    fn read(o: &Obj) -> Result<Self, ValidationError> {
        let mut keys = META_KEYS.to_vec();
        keys.extend(["danger_sign", "referral"]);
        o.known_keys(&keys)?;
        let window = |key: &str| -> Result<FollowUpWindow, ValidationError> {
            let w = o.obj(key)?;
            w.known_keys(&["due_after", "latest_after"])?;
            Ok(FollowUpWindow {
                due_after: w.age("due_after")?,
                latest_after: w.age("latest_after")?,
            })
        };
        Ok(Self {
            meta: o.meta()?,
            danger_sign: window("danger_sign")?,
            referral: window("referral")?,
        })
    }

    fn meta(&self) -> &TableMeta {
        &self.meta
    }
}

pub(crate) fn items(cx: &Cx, out: &mut Vec<DueItem>) {
    let t = &cx.tables.follow_up;
    for (e, on) in cx.alarms() {
        let (kind, w) = match &e.payload {
            EventPayload::Referral(_) => (DueKind::ReferralFollowUp { event: e.id }, t.referral),
            _ => (DueKind::DangerSignFollowUp { event: e.id }, t.danger_sign),
        };
        let done_on = cx
            .visits()
            .find(|(v, _, _)| v.occurred_at > e.occurred_at && e.visit != Some(v.id))
            .map(|(_, _, d)| d);
        out.push(cx.item(
            kind,
            Window::new(
                on,
                w.due_after.reached_on(on),
                Some(w.latest_after.reached_on(on)),
            ),
            done_on,
            ClosesAs::Missed,
            true,
            t.meta.table,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Rec, find};
    use crate::due::DueStatus;
    use ilp_model::{Sex, VisitKind};
    use time::macros::date;

    #[test]
    fn danger_signs_and_referrals_are_followed_up_by_a_later_visit() {
        let mut r = Rec::new(1, Some(Sex::Female), Some(date!(1990 - 01 - 01)));
        let visit = r.visit(VisitKind::HomeVisit, None, date!(2026 - 03 - 01));
        let sign = r.danger_sign(date!(2026 - 03 - 01));
        let referral = r.referral(date!(2026 - 03 - 01));
        for id in [sign, referral] {
            r.facts
                .events
                .iter_mut()
                .find(|e| e.id == id)
                .unwrap()
                .visit = Some(visit);
        }
        let items = r.items(date!(2026 - 03 - 03));
        let d = find(&items, &format!("danger:{sign}"));
        assert!(d.high_risk);
        assert_eq!(d.window.due, date!(2026 - 03 - 02));
        assert_eq!(d.window.latest, Some(date!(2026 - 03 - 15)));
        // The visit the sign was recorded in is not its follow-up.
        assert_eq!(d.status(date!(2026 - 03 - 03)), DueStatus::Overdue);
        let f = find(&items, &format!("referral:{referral}"));
        assert_eq!(f.window.due, date!(2026 - 03 - 04));
        assert_eq!(f.window.latest, Some(date!(2026 - 03 - 31)));
        assert_eq!(f.status(date!(2026 - 03 - 03)), DueStatus::Due);

        r.visit(VisitKind::Other, None, date!(2026 - 03 - 05));
        let items = r.items(date!(2026 - 03 - 06));
        assert_eq!(
            find(&items, &format!("danger:{sign}")).done_on,
            Some(date!(2026 - 03 - 05))
        );
        assert_eq!(
            find(&items, &format!("referral:{referral}")).done_on,
            Some(date!(2026 - 03 - 05))
        );
    }
}
