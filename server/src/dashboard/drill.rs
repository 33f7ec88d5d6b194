//! Drill-down: from a number of the coverage table to the persons or households behind it, with
//! name, age, sex, address, RT and the RT's kader (the store's `subjects::describe`, the same call
//! the app's supervisor screen makes through `describe_subjects`), and for each what else of the
//! table they are missing (the other rows where higher is better that count them in the
//! denominator but not the numerator).

use super::access;
use crate::scope::Principal;
use ilp_rules::coverage::{Better, CoverageRow, CoverageTable, Indicator, Unit};
use ilp_store::Store;
use ilp_store::subjects::{self, SubjectKind};
use std::collections::{HashMap, HashSet};
use time::Date;

/// Which side of a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// In the denominator, not the numerator: who to follow up.
    Missing,
    /// In the numerator.
    Counted,
}

impl Side {
    pub fn parse(s: Option<&str>) -> Option<Side> {
        match s.map(str::trim) {
            None | Some("") | Some("missing") => Some(Side::Missing),
            Some("counted") => Some(Side::Counted),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Side::Missing => "missing",
            Side::Counted => "counted",
        }
    }
}

/// One person or household of the list.
#[derive(Clone, Debug, PartialEq)]
pub struct SubjectLine {
    pub id: String,
    /// `person` or `household`.
    pub kind: &'static str,
    pub name: String,
    pub age: Option<String>,
    /// `L` or `P`.
    pub sex: Option<&'static str>,
    pub address: Option<String>,
    pub rt_label: Option<String>,
    pub kader: Option<String>,
    /// Other rows this subject is missing.
    pub also_missing: Vec<Indicator>,
}

fn ids(row: &CoverageRow, side: Side) -> Vec<uuid::Uuid> {
    let (num, den): (Vec<uuid::Uuid>, Vec<uuid::Uuid>) = match row.unit {
        Unit::Person => (
            row.numerator_persons.iter().map(|p| p.0).collect(),
            row.denominator_persons.iter().map(|p| p.0).collect(),
        ),
        Unit::Household => (
            row.numerator_households.iter().map(|h| h.0).collect(),
            row.denominator_households.iter().map(|h| h.0).collect(),
        ),
    };
    match side {
        Side::Counted => num,
        Side::Missing => {
            let counted: HashSet<uuid::Uuid> = num.into_iter().collect();
            den.into_iter().filter(|d| !counted.contains(d)).collect()
        }
    }
}

/// Ages as the app writes them: days under a month, months under two years, then years.
pub fn age_label(birth: &ilp_model::BirthDate, today: Date) -> String {
    let days = birth.age_days(today);
    let months = birth.age_months(today);
    let prefix = if birth.estimated { "±" } else { "" };
    if days < 0 {
        return "-".into();
    }
    if months < 1 {
        return format!("{prefix}{days} hr");
    }
    if months < 24 {
        return format!("{prefix}{months} bl");
    }
    let (y, m) = (months / 12, months % 12);
    if m == 0 || y >= 5 {
        format!("{prefix}{y} th")
    } else {
        format!("{prefix}{y} th {m} bl")
    }
}

/// The subjects behind `indicator`'s `side` in `table`, in the rules' order.
pub fn list(
    store: &Store,
    principal: &Principal,
    table: &CoverageTable,
    indicator: Indicator,
    side: Side,
    today: Date,
) -> ilp_store::Result<Vec<SubjectLine>> {
    let row = table.row(indicator);
    let wanted = ids(row, side);
    // What else each subject of the row's unit is missing.
    let mut also: HashMap<uuid::Uuid, Vec<Indicator>> = HashMap::new();
    for other in &table.rows {
        if other.indicator == indicator
            || other.unit != row.unit
            || other.indicator.better() != Better::Higher
        {
            continue;
        }
        for id in ids(other, Side::Missing) {
            also.entry(id).or_default().push(other.indicator);
        }
    }
    let found = store.read(|c| subjects::describe(c, &wanted))?;
    let mut out = Vec::with_capacity(wanted.len());
    for (id, subject) in wanted.iter().zip(found) {
        let Some(s) = subject else { continue };
        if !access::rt_allowed(principal, s.rt()) {
            continue;
        }
        let (kind, name, age, sex) = match &s.kind {
            SubjectKind::Person(p) => (
                "person",
                p.name
                    .clone()
                    .or_else(|| p.description.clone())
                    .unwrap_or_else(|| "(tanpa nama)".into()),
                p.birth.map(|b| age_label(&b, today)),
                p.sex.map(|x| match x {
                    ilp_model::Sex::Male => "L",
                    ilp_model::Sex::Female => "P",
                }),
            ),
            SubjectKind::Household { head_name } => (
                "household",
                head_name.clone().unwrap_or_else(|| "(tanpa nama)".into()),
                None,
                None,
            ),
        };
        out.push(SubjectLine {
            id: id.to_string(),
            kind,
            name,
            age,
            sex,
            address: s.household.as_ref().and_then(|h| h.address.clone()),
            rt_label: s.place.as_ref().map(|p| p.label()),
            kader: (!s.kaders.is_empty()).then(|| s.kaders.join(", ")),
            also_missing: also.remove(id).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// The indicator named by a code of the rules (`skdn_d`, `k6`, ...).
pub fn indicator(code: &str) -> Option<Indicator> {
    Indicator::ALL.into_iter().find(|i| i.code() == code)
}
