//! Postpartum (KF1-4) and neonatal (KN1-3) visits (DOMAIN.md section 2, [S8b][S8c]).
//!
//! KF items go to the mother for every pregnancy that ended in a live birth or a stillbirth,
//! timed from the delivery's date and time. KN items go to the child, timed from the delivery
//! time when the mother's record is given and one of her pregnancies ended in a live birth on
//! the child's birth date, else from the birth date alone (hour bounds then widen to whole days).
//!
//! A visit is due until its window closes, then missed: these windows are days long, and a
//! visit on any day inside them is on time. A visit is done by a KF/KN visit with its number
//! (whenever it happened, so coverage can still see a late one by its date), else by a KF/KN
//! visit with another number that falls inside its window (a miscounted visit still served it).
//! Kader home visits do not count: KF and KN are a health worker's examination.

use super::Cx;
use super::age::Age;
use super::config::{META_KEYS, Obj, Table, TableMeta};
use crate::due::{ClosesAs, DueItem, DueKind, Window};
use crate::facts::PersonFacts;
use ilp_model::pregnancy::OutcomeKind;
use ilp_model::{Timestamp, ValidationError, VisitKind};
use time::{Date, Duration};

#[derive(Clone, Debug, PartialEq)]
pub struct PostnatalTable {
    pub meta: TableMeta,
    pub kf: Vec<PostnatalVisit>,
    pub kn: Vec<PostnatalVisit>,
    /// KN items stay on a child's card until this age.
    pub kn_card_until: Age,
}

/// One visit's window: opens at `from` after delivery, closed at `until`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PostnatalVisit {
    pub number: u8,
    pub from: Age,
    pub until: Age,
}

impl Table for PostnatalTable {
    const FAMILY: &'static str = "postnatal";

    fn read(o: &Obj) -> Result<Self, ValidationError> {
        let mut keys = META_KEYS.to_vec();
        keys.extend(["kf", "kn", "kn_card_until"]);
        o.known_keys(&keys)?;
        let visits = |key: &str| -> Result<Vec<PostnatalVisit>, ValidationError> {
            let mut all: Vec<PostnatalVisit> = Vec::new();
            for v in o.objects(key)? {
                v.known_keys(&["number", "from", "until"])?;
                let visit = PostnatalVisit {
                    number: v.u8("number", 1, 9)?,
                    from: v.age("from")?,
                    until: v.age("until")?,
                };
                if all.iter().any(|x| x.number == visit.number) {
                    return Err(ValidationError::new(
                        v.path("number"),
                        "repeats another visit's number",
                    ));
                }
                all.push(visit);
            }
            Ok(all)
        };
        Ok(Self {
            meta: o.meta()?,
            kf: visits("kf")?,
            kn: visits("kn")?,
            kn_card_until: o.age("kn_card_until")?,
        })
    }

    fn meta(&self) -> &TableMeta {
        &self.meta
    }
}

/// When the windows start: a delivery instant, or only a birth date.
#[derive(Clone, Copy)]
enum Start {
    At(Timestamp),
    Date(Date),
}

fn window(v: &PostnatalVisit, start: Start, cx: &Cx) -> Window {
    let (earliest, latest) = match start {
        Start::At(at) => (
            v.from.reached_after(at, cx.ctx.offset),
            v.until.last_day_before_after(at, cx.ctx.offset),
        ),
        Start::Date(d) => (v.from.reached_on(d), v.until.last_day_before(d)),
    };
    Window::new(earliest, latest, Some(latest))
}

/// Matches numbered visits to the table's windows (see the module doc); `visits` are
/// `(number, date)` of the KF or KN visits that may count, oldest first.
fn fill(table: &[PostnatalVisit], windows: &[Window], visits: &[(u8, Date)]) -> Vec<Option<Date>> {
    let mut used = vec![false; visits.len()];
    let mut done: Vec<Option<Date>> = table
        .iter()
        .map(|row| {
            let i = visits.iter().position(|(n, _)| *n == row.number)?;
            used[i] = true;
            Some(visits[i].1)
        })
        .collect();
    for (slot, w) in done.iter_mut().zip(windows) {
        if slot.is_none()
            && let Some(i) = (0..visits.len()).find(|&i| !used[i] && w.contains(visits[i].1))
        {
            used[i] = true;
            *slot = Some(visits[i].1);
        }
    }
    done
}

pub(crate) fn kf_items(cx: &Cx, out: &mut Vec<DueItem>) {
    let t = &cx.tables.postnatal;
    for p in &cx.facts.pregnancies {
        let Some(outcome) = &p.outcome else { continue };
        if !matches!(
            outcome.kind,
            OutcomeKind::LiveBirth | OutcomeKind::Stillbirth
        ) {
            continue;
        }
        let delivered = outcome.at.date_at(cx.ctx.offset);
        let windows: Vec<Window> =
            t.kf.iter()
                .map(|v| window(v, Start::At(outcome.at), cx))
                .collect();
        let visits: Vec<(u8, Date)> = cx
            .visits()
            .filter_map(|(_, v, on)| match v.kind {
                VisitKind::Kf { number }
                    if on >= delivered && v.pregnancy.is_none_or(|id| id == p.id) =>
                {
                    Some((number, on))
                }
                _ => None,
            })
            .collect();
        let done = fill(&t.kf, &windows, &visits);
        // A pregnancy with danger signs or referrals stays high-risk through the puerperium.
        let start = p
            .hpht
            .unwrap_or(delivered - Duration::days(280))
            .min(delivered);
        let high_risk = cx.alarm_between(start, delivered + Duration::days(42));
        for ((v, window), done_on) in t.kf.iter().zip(windows).zip(done) {
            out.push(cx.item(
                DueKind::Kf {
                    pregnancy: p.id,
                    number: v.number,
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

/// The delivery instant of the child's birth, from the mother's record.
fn delivery_time(cx: &Cx, birth: Date, mother: Option<&PersonFacts>) -> Option<Timestamp> {
    let mother = mother?;
    if cx.facts.person.mother != Some(mother.person.id) {
        return None;
    }
    mother
        .pregnancies
        .iter()
        .filter_map(|p| p.outcome.as_ref())
        .find(|o| o.kind == OutcomeKind::LiveBirth && o.at.date_at(cx.ctx.offset) == birth)
        .map(|o| o.at)
}

pub(crate) fn kn_items(cx: &Cx, mother: Option<&PersonFacts>, out: &mut Vec<DueItem>) {
    let t = &cx.tables.postnatal;
    let Some(birth) = cx.birth else { return };
    if cx.ctx.today < birth || cx.ctx.today >= t.kn_card_until.reached_on(birth) {
        return;
    }
    let start = match delivery_time(cx, birth, mother) {
        Some(at) => Start::At(at),
        None => Start::Date(birth),
    };
    let windows: Vec<Window> = t.kn.iter().map(|v| window(v, start, cx)).collect();
    let visits: Vec<(u8, Date)> = cx
        .visits()
        .filter_map(|(_, v, on)| match v.kind {
            VisitKind::Kn { number } if on >= birth => Some((number, on)),
            _ => None,
        })
        .collect();
    let done = fill(&t.kn, &windows, &visits);
    let high_risk = cx.alarm_between(birth, birth + Duration::days(28));
    for ((v, window), done_on) in t.kn.iter().zip(windows).zip(done) {
        out.push(cx.item(
            DueKind::Kn { number: v.number },
            window,
            done_on,
            ClosesAs::Missed,
            high_risk,
            t.meta.table,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Rec, ctx, find, has, pid, wita_at};
    use super::super::{ScheduleTables, due_items_with_mother};
    use crate::due::DueStatus;
    use ilp_model::pregnancy::OutcomeKind;
    use ilp_model::{Sex, VisitKind};
    use time::macros::date;

    const DELIVERY_DAY: time::Date = date!(2026 - 03 - 10);

    fn delivered(kind: OutcomeKind, hour: u8) -> (Rec, ilp_model::PregnancyId) {
        let mut r = Rec::new(2, Some(Sex::Female), Some(date!(1998 - 05 - 05)));
        let p = r.pregnancy(
            1,
            Some(date!(2025 - 06 - 03)),
            Some((kind, wita_at(DELIVERY_DAY, hour))),
        );
        (r, p)
    }

    #[test]
    fn s8b_kf_windows_from_the_delivery_time() {
        // [S8b] KF1 6 h-2 d, KF2 d3-7, KF3 d8-28, KF4 d29-42. Delivered 22:00 WITA: KF1 opens
        // at 04:00 the next day and runs to 22:00 two days later.
        let (r, p) = delivered(OutcomeKind::LiveBirth, 22);
        let items = r.items(DELIVERY_DAY);
        let kf = |n: u8| find(&items, &format!("kf:{p}:{n}")).window;
        assert_eq!(kf(1).earliest, date!(2026 - 03 - 11));
        assert_eq!(kf(1).latest, Some(date!(2026 - 03 - 12)));
        assert_eq!(kf(2).earliest, date!(2026 - 03 - 13));
        assert_eq!(kf(2).latest, Some(date!(2026 - 03 - 17)));
        assert_eq!(kf(3).earliest, date!(2026 - 03 - 18));
        assert_eq!(kf(3).latest, Some(date!(2026 - 04 - 07)));
        assert_eq!(kf(4).earliest, date!(2026 - 04 - 08));
        assert_eq!(kf(4).latest, Some(date!(2026 - 04 - 21)));
        // A visit is due until its window closes, then missed.
        let kf2 = find(&items, &format!("kf:{p}:2"));
        assert_eq!(kf2.status(date!(2026 - 03 - 17)), DueStatus::Due);
        assert_eq!(kf2.status(date!(2026 - 03 - 18)), DueStatus::Missed);
    }

    #[test]
    fn kf_for_births_and_stillbirths_only() {
        let (r, p) = delivered(OutcomeKind::Stillbirth, 8);
        assert!(has(&r.items(DELIVERY_DAY), &format!("kf:{p}:1")));
        let (r, p) = delivered(OutcomeKind::Miscarriage, 8);
        assert!(!has(&r.items(DELIVERY_DAY), &format!("kf:{p}:1")));
    }

    #[test]
    fn kf_visits_by_number_or_by_window() {
        let (mut r, p) = delivered(OutcomeKind::LiveBirth, 8);
        r.visit(VisitKind::Kf { number: 1 }, Some(p), date!(2026 - 03 - 11));
        // Labelled KF3 but inside KF2's window, and KF2's own visit never came: KF3's label
        // wins for KF3, and KF2 stays open.
        r.visit(VisitKind::Kf { number: 3 }, None, date!(2026 - 03 - 15));
        // An unnumbered-by-mistake KF visit (number 9) inside KF4's window serves KF4.
        r.visit(VisitKind::Kf { number: 9 }, None, date!(2026 - 04 - 10));
        // A kader's home visit is not a KF.
        r.visit(VisitKind::HomeVisit, None, date!(2026 - 03 - 14));
        let items = r.items(date!(2026 - 05 - 01));
        let done = |n: u8| find(&items, &format!("kf:{p}:{n}")).done_on;
        assert_eq!(done(1), Some(date!(2026 - 03 - 11)));
        assert_eq!(done(2), None);
        assert_eq!(done(3), Some(date!(2026 - 03 - 15)));
        assert_eq!(done(4), Some(date!(2026 - 04 - 10)));
    }

    #[test]
    fn s8c_kn_from_the_birth_date_or_the_mothers_delivery_time() {
        // [S8c] KN1 6-48 h, KN2 d3-7, KN3 d8-28.
        let mut child = Rec::child(3, DELIVERY_DAY);
        let items = child.items(DELIVERY_DAY);
        let kn1 = find(&items, "kn:1").window;
        assert_eq!(
            (kn1.earliest, kn1.latest),
            (DELIVERY_DAY, Some(date!(2026 - 03 - 12)))
        );
        let kn3 = find(&items, "kn:3").window;
        assert_eq!(kn3.earliest, date!(2026 - 03 - 18));
        assert_eq!(kn3.latest, Some(date!(2026 - 04 - 07)));
        // With the mother's delivery at 22:00, KN1 opens the next morning.
        let (mother, _) = delivered(OutcomeKind::LiveBirth, 22);
        child.facts.person.mother = Some(mother.facts.person.id);
        let tables = ScheduleTables::national();
        let items = due_items_with_mother(
            &child.facts,
            Some(&mother.facts),
            &tables,
            &ctx(DELIVERY_DAY),
        );
        assert_eq!(find(&items, "kn:1").window.earliest, date!(2026 - 03 - 11));
        // Someone else's record is not her delivery.
        child.facts.person.mother = Some(pid(77));
        let items = due_items_with_mother(
            &child.facts,
            Some(&mother.facts),
            &tables,
            &ctx(DELIVERY_DAY),
        );
        assert_eq!(find(&items, "kn:1").window.earliest, DELIVERY_DAY);
    }

    #[test]
    fn kn_done_by_visits_and_high_risk_after_a_neonatal_danger_sign() {
        let mut child = Rec::child(3, DELIVERY_DAY);
        child.visit(VisitKind::Kn { number: 1 }, None, date!(2026 - 03 - 11));
        child.visit(VisitKind::Kn { number: 2 }, None, date!(2026 - 03 - 14));
        child.danger_sign(date!(2026 - 03 - 14));
        let items = child.items(date!(2026 - 03 - 20));
        assert_eq!(find(&items, "kn:1").done_on, Some(date!(2026 - 03 - 11)));
        assert_eq!(find(&items, "kn:2").done_on, Some(date!(2026 - 03 - 14)));
        let kn3 = find(&items, "kn:3");
        assert!(kn3.high_risk);
        assert_eq!(kn3.status(date!(2026 - 03 - 20)), DueStatus::Due);
    }
}
