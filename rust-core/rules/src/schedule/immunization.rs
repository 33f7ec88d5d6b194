//! Routine childhood immunization (DOMAIN.md section 2, [S9]): one item per dose of the table,
//! for a child's whole card while they are under the table's `card_until` age.
//!
//! A dose is done when an immunization of that antigen and dose number was recorded, whatever
//! the age it was given at: the card records what was given, and whether a dose given too early
//! must be repeated is a clinician's call (plausibility checks flag it), not the schedule's.

use super::Cx;
use super::age::Age;
use super::config::{META_KEYS, Obj, Table, TableMeta};
use crate::due::{ClosesAs, DueItem, DueKind, Window};
use ilp_model::{Antigen, ValidationError};
use time::Duration;

/// The routine schedule: one row per dose.
#[derive(Clone, Debug, PartialEq)]
pub struct ImmunizationTable {
    pub meta: TableMeta,
    /// Japanese encephalitis is given only in endemic areas (off by default: whether NTT counts is
    /// unverified, DOMAIN.md section 2).
    pub je_endemic: bool,
    /// A later dose of an antigen is not due before this long after the previous one.
    pub min_interval: Age,
    /// Items are made while the child is younger than this (the last catch-up ends at 59 months).
    pub card_until: Age,
    pub rows: Vec<DoseRow>,
}

/// One dose of the schedule. See `tables/immunization.json` for how the source's columns map
/// onto these fields.
#[derive(Clone, Debug, PartialEq)]
pub struct DoseRow {
    pub name: String,
    pub antigen: Antigen,
    pub dose: u8,
    /// The earliest age it may be given.
    pub from: Age,
    /// The recommended age ends here: overdue after.
    pub due_before: Age,
    /// No longer given from this age.
    pub until: Age,
    pub after: ClosesAs,
    pub endemic_only: bool,
    pub source_row: String,
}

impl Table for ImmunizationTable {
    const FAMILY: &'static str = "immunization";

    fn read(o: &Obj) -> Result<Self, ValidationError> {
        let mut keys = META_KEYS.to_vec();
        keys.extend(["je_endemic", "min_interval", "card_until", "rows"]);
        o.known_keys(&keys)?;
        let mut rows = Vec::new();
        for (name, r) in o.named_objects("rows")? {
            r.known_keys(&[
                "antigen",
                "dose",
                "from",
                "due_before",
                "until",
                "after",
                "endemic_only",
                "source_row",
            ])?;
            let row = DoseRow {
                name: name.to_string(),
                antigen: r.antigen("antigen")?,
                dose: r.u8("dose", 1, 9)?,
                from: r.age("from")?,
                due_before: r.age("due_before")?,
                until: r.age("until")?,
                after: r.closes_as("after")?,
                endemic_only: r.bool_or("endemic_only", false)?,
                source_row: r.opt_str("source_row")?.unwrap_or_default().to_string(),
            };
            if rows
                .iter()
                .any(|x: &DoseRow| x.antigen == row.antigen && x.dose == row.dose)
            {
                return Err(ValidationError::new(
                    r.path("dose"),
                    "repeats the antigen and dose of another row",
                ));
            }
            rows.push(row);
        }
        // Named rows arrive in key order; keep the card in schedule order.
        let reference = time::macros::date!(2000 - 01 - 01);
        rows.sort_by(|a, b| {
            (a.from.reached_on(reference), a.antigen.code(), a.dose).cmp(&(
                b.from.reached_on(reference),
                b.antigen.code(),
                b.dose,
            ))
        });
        Ok(Self {
            meta: o.meta()?,
            je_endemic: o.bool_or("je_endemic", false)?,
            min_interval: o.age("min_interval")?,
            card_until: o.age("card_until")?,
            rows,
        })
    }

    fn meta(&self) -> &TableMeta {
        &self.meta
    }
}

pub(crate) fn items(cx: &Cx, out: &mut Vec<DueItem>) {
    let t = &cx.tables.immunization;
    let Some(birth) = cx.birth else { return };
    if cx.ctx.today < birth || cx.ctx.today >= t.card_until.reached_on(birth) {
        return;
    }
    // Doses given, read once: each row looks up two of them.
    let doses: Vec<(&Antigen, u8, time::Date)> = cx
        .facts
        .immunizations()
        .map(|(_, i)| (&i.antigen, i.dose, i.given_on))
        .collect();
    let given = |antigen: &Antigen, dose: u8| {
        doses
            .iter()
            .filter(|(a, n, _)| *a == antigen && *n == dose)
            .map(|(_, _, on)| *on)
            .min()
    };
    for row in &t.rows {
        if row.endemic_only && !t.je_endemic {
            continue;
        }
        let mut earliest = row.from.reached_on(birth);
        if row.dose > 1
            && let Some(previous) = given(&row.antigen, row.dose - 1)
        {
            earliest = earliest.max(previous + interval_days(t.min_interval));
        }
        let window = Window::new(
            earliest,
            row.due_before.last_day_before(birth),
            Some(row.until.last_day_before(birth)),
        );
        out.push(cx.item(
            DueKind::Immunization {
                antigen: row.antigen.clone(),
                dose: row.dose,
            },
            window,
            given(&row.antigen, row.dose),
            row.after,
            false,
            t.meta.table,
        ));
    }
}

fn interval_days(a: Age) -> Duration {
    match a {
        Age::Hours(h) => Duration::days(i64::from(h.div_ceil(24))),
        Age::Days(d) => Duration::days(i64::from(d)),
        Age::Months(m) => Duration::days(i64::from(m) * 30),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Rec, find, has};
    use super::super::{ScheduleTables, due_items};
    use crate::due::{ClosesAs, DueStatus};
    use ilp_model::Antigen;
    use time::macros::date;

    const BIRTH: time::Date = date!(2025 - 01 - 15);

    #[test]
    fn s9_row_2_months_dpt_hb_hib1() {
        // [S9] "2 mo | DPT-HB-Hib1 | 3-11 mo | 12-59 mo | never 0-1 mo": opens at 2 months, due
        // by the end of month 2, catch-up to 59 months, then missed.
        let items = Rec::child(1, BIRTH).items(date!(2025 - 03 - 20));
        let dpt1 = find(&items, "imm:dpt_hb_hib:1");
        assert_eq!(dpt1.window.earliest, date!(2025 - 03 - 15));
        assert_eq!(dpt1.window.due, date!(2025 - 04 - 14));
        assert_eq!(dpt1.window.latest, Some(date!(2030 - 01 - 14)));
        assert_eq!(dpt1.closes_as, ClosesAs::Missed);
        assert_eq!(dpt1.status(date!(2025 - 03 - 14)), DueStatus::Upcoming);
        assert_eq!(dpt1.status(date!(2025 - 04 - 15)), DueStatus::Overdue);
        assert_eq!(dpt1.status(date!(2030 - 01 - 15)), DueStatus::Missed);
    }

    #[test]
    fn s9_row_hb0_within_24_hours_never_from_1_month() {
        // [S9] "<24 h | HB0 | never >=1 mo": hours widen to the day after birth.
        let items = Rec::child(1, BIRTH).items(date!(2025 - 01 - 15));
        let hb0 = find(&items, "imm:hb0:1");
        assert_eq!(hb0.window.earliest, BIRTH);
        assert_eq!(hb0.window.due, date!(2025 - 01 - 16));
        assert_eq!(hb0.window.latest, Some(date!(2025 - 02 - 14)));
        assert_eq!(hb0.status(date!(2025 - 02 - 15)), DueStatus::NotAllowed);
    }

    #[test]
    fn s9_rows_bcg_and_rotavirus_become_not_allowed() {
        // [S9] "0-1 mo | BCG | 2-11 mo | never >=12 mo"; "2 mo | RV1 | 3-4 mo | never >=7 mo".
        let items = Rec::child(1, BIRTH).items(date!(2026 - 02 - 01));
        let bcg = find(&items, "imm:bcg:1");
        assert_eq!(bcg.window.due, date!(2025 - 03 - 14));
        assert_eq!(bcg.window.latest, Some(date!(2026 - 01 - 14)));
        assert_eq!(bcg.status(date!(2026 - 01 - 15)), DueStatus::NotAllowed);
        let rv1 = find(&items, "imm:rv:1");
        assert_eq!(rv1.window.latest, Some(date!(2025 - 08 - 14)));
        assert_eq!(rv1.status(date!(2025 - 08 - 15)), DueStatus::NotAllowed);
        // [S9] "4 mo | RV3 | never 0-4 mo" read as 0-3 mo: it opens at 4 months.
        assert_eq!(
            find(&items, "imm:rv:3").window.earliest,
            date!(2025 - 05 - 15)
        );
    }

    #[test]
    fn s9_row_18_months_booster() {
        // [S9] "18 mo | DPT-HB-Hib booster, MR2 | 23 mo | >23-59 mo | never 0-17 mo".
        let items = Rec::child(1, BIRTH).items(date!(2026 - 08 - 01));
        for key in ["imm:dpt_hb_hib:4", "imm:mr:2"] {
            let i = find(&items, key);
            assert_eq!(i.window.earliest, date!(2026 - 07 - 15));
            assert_eq!(i.window.due, date!(2026 - 08 - 14));
        }
    }

    #[test]
    fn pcv3_follows_the_typo_reading_unless_configured() {
        // [S9] "12 mo | PCV3 | '18-23 mo' | 23-59 mo": read by default as a typo for 13-23, so
        // due by the end of month 12; a district may choose the printed reading.
        let r = Rec::child(1, BIRTH);
        let today = date!(2026 - 03 - 01);
        let items = r.items(today);
        let pcv3 = find(&items, "imm:pcv:3");
        assert_eq!(pcv3.window.earliest, date!(2026 - 01 - 15));
        assert_eq!(pcv3.window.due, date!(2026 - 02 - 14));
        assert_eq!(pcv3.status(today), DueStatus::Overdue);
        let printed = ScheduleTables::from_json(
            r#"{"immunization": {"rows": {"pcv:3": {"due_before": "18m"}}}}"#,
        )
        .unwrap();
        let items = due_items(&r.facts, &printed, &super::super::tests::ctx(today));
        let pcv3 = find(&items, "imm:pcv:3");
        assert_eq!(pcv3.window.due, date!(2026 - 07 - 14));
        assert_eq!(pcv3.status(today), DueStatus::Due);
    }

    #[test]
    fn je_only_where_the_district_is_endemic() {
        // [S9] "10 mo | JE (endemic areas only)"; NTT's status is unverified, so off by default.
        let r = Rec::child(1, BIRTH);
        let today = date!(2025 - 12 - 01);
        assert!(!has(&r.items(today), "imm:je:1"));
        let endemic =
            ScheduleTables::from_json(r#"{"immunization": {"je_endemic": true}}"#).unwrap();
        let items = due_items(&r.facts, &endemic, &super::super::tests::ctx(today));
        let je = find(&items, "imm:je:1");
        assert_eq!(je.window.earliest, date!(2025 - 11 - 15));
        assert_eq!(je.window.due, date!(2025 - 12 - 14));
    }

    #[test]
    fn doses_count_by_antigen_and_number_and_space_the_next_dose() {
        let mut r = Rec::child(1, BIRTH);
        // DPT-HB-Hib1 given late, at 5 months: dose 2 waits four weeks after it.
        r.dose(Antigen::DptHbHib, 1, date!(2025 - 06 - 20));
        // An early dose still counts as given (the card records it).
        r.dose(Antigen::Opv, 2, date!(2025 - 02 - 20));
        let items = r.items(date!(2025 - 07 - 01));
        let dpt1 = find(&items, "imm:dpt_hb_hib:1");
        assert_eq!(dpt1.done_on, Some(date!(2025 - 06 - 20)));
        let dpt2 = find(&items, "imm:dpt_hb_hib:2");
        assert_eq!(dpt2.done_on, None);
        assert_eq!(dpt2.window.earliest, date!(2025 - 07 - 18));
        assert_eq!(dpt2.status(date!(2025 - 07 - 01)), DueStatus::Upcoming);
        assert_eq!(
            find(&items, "imm:opv:2").done_on,
            Some(date!(2025 - 02 - 20))
        );
        // The OPV1 it should have followed is still open.
        assert!(
            find(&items, "imm:opv:1")
                .status(date!(2025 - 07 - 01))
                .is_open()
        );
    }

    #[test]
    fn the_card_is_whole_for_under_fives_and_absent_for_others() {
        let items = Rec::child(1, BIRTH).items(date!(2025 - 02 - 01));
        let doses = items
            .iter()
            .filter(|i| i.kind.key().starts_with("imm:"))
            .count();
        // 21 rows, JE left out.
        assert_eq!(doses, 20);
        assert!(
            !Rec::child(1, BIRTH)
                .items(date!(2030 - 01 - 15))
                .iter()
                .any(|i| i.kind.key().starts_with("imm:"))
        );
        assert!(Rec::child(1, BIRTH).items(date!(2024 - 12 - 01)).is_empty());
    }
}
