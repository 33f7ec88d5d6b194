//! School immunization, BIAS (DOMAIN.md section 2, [S10]): doses given at school in a grade and
//! month, as a configurable table since sources disagree (one or two HPV doses, SMP catch-up).
//!
//! No school grade is recorded, so the grade comes from age: grade 1 is the school year a child
//! is `grade1_age` years old on its first day (1 July), grade 2 the next, and so on. A row's dose
//! is done by an immunization of that antigen given in that school year, whatever dose number was
//! written (school doses are often recorded without one, and one antigen recurs across grades).

use super::Cx;
use super::age::{Age, first_of_month, last_of_month};
use super::config::{META_KEYS, Obj, Table, TableMeta};
use crate::due::{ClosesAs, DueItem, DueKind, Window};
use ilp_model::{Antigen, BirthDate, Sex, ValidationError};
use time::{Date, Duration, Month};

#[derive(Clone, Debug, PartialEq)]
pub struct BiasTable {
    pub meta: TableMeta,
    /// Age on the school year's first day in grade 1.
    pub grade1_age: u8,
    pub school_year_start_month: Month,
    /// BIAS items are kept for children of these ages.
    pub applies_from: Age,
    pub applies_until: Age,
    /// In grade order.
    pub rows: Vec<BiasRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BiasRow {
    pub name: String,
    pub grade: u8,
    pub antigen: Antigen,
    pub dose: u8,
    pub month: Month,
    pub girls_only: bool,
    /// Only for a child who missed the named row's dose (single-dose HPV: grade 6 catches up
    /// grade 5).
    pub catch_up_of: Option<String>,
}

fn month(o: &Obj, key: &str) -> Result<Month, ValidationError> {
    Ok(Month::try_from(o.u8(key, 1, 12)?).expect("1..=12"))
}

impl Table for BiasTable {
    const FAMILY: &'static str = "bias";

    fn read(o: &Obj) -> Result<Self, ValidationError> {
        let mut keys = META_KEYS.to_vec();
        keys.extend([
            "grade1_age",
            "school_year_start_month",
            "applies_from",
            "applies_until",
            "rows",
        ]);
        o.known_keys(&keys)?;
        let named = o.named_objects("rows")?;
        let mut rows: Vec<BiasRow> = Vec::new();
        for (name, r) in &named {
            r.known_keys(&[
                "grade",
                "antigen",
                "dose",
                "month",
                "girls_only",
                "catch_up_of",
            ])?;
            let catch_up_of = r.opt_str("catch_up_of")?.map(str::to_string);
            if let Some(other) = &catch_up_of
                && !named.iter().any(|(n, _)| n == other)
            {
                return Err(ValidationError::new(
                    r.path("catch_up_of"),
                    "names no row of this table",
                ));
            }
            let row = BiasRow {
                name: name.to_string(),
                grade: r.u8("grade", 1, 12)?,
                antigen: r.antigen("antigen")?,
                dose: r.u8("dose", 1, 9)?,
                month: month(r, "month")?,
                girls_only: r.bool_or("girls_only", false)?,
                catch_up_of,
            };
            if rows
                .iter()
                .any(|x| x.antigen == row.antigen && x.dose == row.dose && x.grade == row.grade)
            {
                return Err(ValidationError::new(
                    r.path("dose"),
                    "repeats the grade, antigen and dose of another row",
                ));
            }
            rows.push(row);
        }
        let start = month(o, "school_year_start_month")?;
        // School-year order, so a catch-up row comes after the row it catches up.
        let in_year = |m: Month| (u8::from(m) + 12 - u8::from(start)) % 12;
        rows.sort_by_key(|r| (r.grade, in_year(r.month), r.name.clone()));
        for (i, r) in rows.iter().enumerate() {
            if let Some(other) = &r.catch_up_of
                && !rows[..i].iter().any(|x| &x.name == other)
            {
                return Err(ValidationError::new(
                    format!("{}.{}.catch_up_of", o.path("rows"), r.name),
                    "must name a row of an earlier grade or month",
                ));
            }
        }
        Ok(Self {
            meta: o.meta()?,
            grade1_age: o.u8("grade1_age", 4, 10)?,
            school_year_start_month: start,
            applies_from: o.age("applies_from")?,
            applies_until: o.age("applies_until")?,
            rows,
        })
    }

    fn meta(&self) -> &TableMeta {
        &self.meta
    }
}

impl BiasTable {
    /// First day of the school year in which a child born on `birth` is in `grade`.
    pub fn school_year_of(&self, birth: Date, grade: u8) -> Date {
        let age = i32::from(self.grade1_age) + i32::from(grade) - 1;
        let start = |year: i32| first_of_month(year, self.school_year_start_month);
        let year = birth.year() + age;
        if BirthDate::exact(birth).age_years(start(year)) < age {
            start(year + 1)
        } else {
            start(year)
        }
    }
}

pub(crate) fn items(cx: &Cx, out: &mut Vec<DueItem>) {
    let t = &cx.tables.bias;
    let Some(birth) = cx.birth else { return };
    let today = cx.ctx.today;
    if today < t.applies_from.reached_on(birth) || today >= t.applies_until.reached_on(birth) {
        return;
    }
    let girl = cx.facts.person.sex == Some(Sex::Female);
    let doses: Vec<(&Antigen, Date)> = cx
        .facts
        .immunizations()
        .map(|(_, i)| (&i.antigen, i.given_on))
        .collect();
    let mut used = vec![false; doses.len()];
    // Rows already placed, with whether their dose was given (for catch-up rows).
    let mut placed: Vec<(&str, bool)> = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        if row.girls_only && !girl {
            continue;
        }
        if let Some(other) = &row.catch_up_of
            && placed.iter().any(|(n, done)| n == other && *done)
        {
            continue;
        }
        let year_start = t.school_year_of(birth, row.grade);
        let year_end =
            first_of_month(year_start.year() + 1, t.school_year_start_month) - Duration::days(1);
        let month_year = if row.month >= t.school_year_start_month {
            year_start.year()
        } else {
            year_start.year() + 1
        };
        let month_start = first_of_month(month_year, row.month);
        let done = (0..doses.len()).find(|&i| {
            !used[i]
                && doses[i].0 == &row.antigen
                && doses[i].1 >= year_start
                && doses[i].1 <= year_end
        });
        if let Some(i) = done {
            used[i] = true;
        }
        placed.push((&row.name, done.is_some()));
        // Given in the BIAS month; a child absent that day is caught up until the school year ends.
        let window = Window::new(
            month_start,
            last_of_month(month_year, row.month),
            Some(year_end),
        );
        out.push(cx.item(
            DueKind::Bias {
                antigen: row.antigen.clone(),
                dose: row.dose,
                grade: row.grade,
            },
            window,
            done.map(|i| doses[i].1),
            ClosesAs::Missed,
            false,
            t.meta.table,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Rec, ctx, find, has};
    use super::super::{ScheduleTables, due_items};
    use crate::due::DueStatus;
    use ilp_model::{Antigen, Sex};
    use time::macros::date;

    #[test]
    fn grade_from_age_on_the_first_of_july() {
        let t = ScheduleTables::national().bias;
        // 7 on 1 July 2025: grade 1 in 2025/26. Turning 7 on 2 July: grade 1 a year later.
        assert_eq!(
            t.school_year_of(date!(2018 - 07 - 01), 1),
            date!(2025 - 07 - 01)
        );
        assert_eq!(
            t.school_year_of(date!(2018 - 07 - 02), 1),
            date!(2026 - 07 - 01)
        );
        assert_eq!(
            t.school_year_of(date!(2018 - 03 - 10), 5),
            date!(2029 - 07 - 01)
        );
    }

    #[test]
    fn s10_rows_sd1_mr_august_and_dt_november() {
        // [S10] SD1 MR (Aug) + DT (Nov), SD2 Td (Nov), SD5 HPV girls (Aug) + Td (Nov), SD6 HPV 2.
        let mut girl = Rec::new(1, Some(Sex::Female), Some(date!(2018 - 03 - 10)));
        // MR given at a school catch-up in October counts for grade 1's MR.
        girl.dose(Antigen::Mr, 3, date!(2025 - 10 - 01));
        let today = date!(2025 - 12 - 01);
        let items = girl.items(today);
        let mr = find(&items, "bias:mr:1:1");
        assert_eq!(mr.window.earliest, date!(2025 - 08 - 01));
        assert_eq!(mr.window.due, date!(2025 - 08 - 31));
        assert_eq!(mr.window.latest, Some(date!(2026 - 06 - 30)));
        assert_eq!(mr.done_on, Some(date!(2025 - 10 - 01)));
        let dt = find(&items, "bias:dt:1:1");
        assert_eq!(dt.window.due, date!(2025 - 11 - 30));
        assert_eq!(dt.status(today), DueStatus::Overdue);
        assert_eq!(
            find(&items, "bias:td:1:2").window.due,
            date!(2026 - 11 - 30)
        );
        assert_eq!(
            find(&items, "bias:hpv:1:5").window.earliest,
            date!(2029 - 08 - 01)
        );
        assert_eq!(
            find(&items, "bias:td:2:5").window.due,
            date!(2029 - 11 - 30)
        );
        assert!(has(&items, "bias:hpv:2:6"));
    }

    #[test]
    fn hpv_is_for_girls_and_single_dose_districts_catch_up_in_grade_6() {
        let boy = Rec::new(1, Some(Sex::Male), Some(date!(2015 - 03 - 10)));
        let items = boy.items(date!(2025 - 12 - 01));
        assert!(has(&items, "bias:td:2:5"));
        assert!(!items.iter().any(|i| i.kind.key().starts_with("bias:hpv")));

        // One-dose reading of [S10] "SD6 HPV dose 2 or catch-up".
        let single = ScheduleTables::from_json(
            r#"{"bias": {"rows": {"sd6_hpv": {"dose": 1, "catch_up_of": "sd5_hpv"}}}}"#,
        )
        .unwrap();
        let mut girl = Rec::new(2, Some(Sex::Female), Some(date!(2015 - 03 - 10)));
        let today = date!(2025 - 12 - 01);
        // Grade 1 in 2022/23 (7 on 1 July 2022), so grade 5 in 2026/27 and grade 6 in 2027/28.
        let items = due_items(&girl.facts, &single, &ctx(today));
        let catch_up = find(&items, "bias:hpv:1:6");
        assert_eq!(catch_up.window.earliest, date!(2027 - 08 - 01));
        assert!(!has(&items, "bias:hpv:2:6"));
        girl.dose(Antigen::Hpv, 1, date!(2026 - 08 - 15));
        let items = due_items(&girl.facts, &single, &ctx(date!(2026 - 09 - 01)));
        assert!(has(&items, "bias:hpv:1:5"));
        assert!(!has(&items, "bias:hpv:1:6"));
    }

    #[test]
    fn bias_items_only_for_school_ages() {
        let toddler = Rec::child(1, date!(2023 - 01 - 01));
        assert!(
            !toddler
                .items(date!(2025 - 12 - 01))
                .iter()
                .any(|i| i.kind.key().starts_with("bias:"))
        );
    }
}
