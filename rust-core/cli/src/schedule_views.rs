//! The schedule commands: a user's worklist, one person's due items, and a Posyandu session
//! (who is expected, who came, who becomes a home visit), on screen or as CSV.

use crate::app::{CliError, CliResult, Session};
use crate::text::{Table, age_label};
use ilp_model::{AreaId, Person, PersonId, User};
use ilp_rules::due::DueItem;
use ilp_rules::worklist::StopKey;
use ilp_store::{areas, persons, users};
use std::io::Write;
use time::Date;

fn name_of(p: &Person) -> String {
    p.name
        .clone()
        .or_else(|| p.description.clone())
        .unwrap_or_else(|| "(tanpa nama)".into())
}

fn window_text(item: &DueItem) -> String {
    match item.window.latest {
        Some(l) => format!("{} .. {}", item.window.earliest, l),
        None => format!("{} ..", item.window.earliest),
    }
}

fn rt_label(s: &Session, rt: Option<AreaId>) -> CliResult<String> {
    Ok(match rt {
        Some(rt) => s.store.read(|c| areas::rt_place(c, rt))?.label(),
        None => "Tanpa rumah tangga".into(),
    })
}

/// `ilp worklist`: the acting user's open items on `date`, RT by RT, household by household.
pub fn worklist(s: &Session, user: &User, date: Date, csv: bool) -> CliResult {
    let rts = s.store.read(|c| users::scope_rts(c, user))?;
    let list = s.store.worklist(&rts, date)?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (g_no, g) in list.groups.iter().enumerate() {
        let rt = rt_label(s, g.rt)?;
        for (stop_no, stop) in g.stops.iter().enumerate() {
            let (household, head, address) = match stop.key {
                StopKey::Household(h) => {
                    let info = list.households.get(&h);
                    (
                        h.to_string(),
                        info.and_then(|i| i.head_name)
                            .unwrap_or_default()
                            .to_owned(),
                        info.and_then(|i| i.address).unwrap_or_default().to_owned(),
                    )
                }
                StopKey::Person(_) => (String::new(), String::new(), String::new()),
            };
            for (item, priority) in g.items_of(stop) {
                let person = list.persons.get(&item.person);
                rows.push(vec![
                    format!("{}.{}", g_no + 1, stop_no + 1),
                    rt.clone(),
                    household.clone(),
                    head.clone(),
                    address.clone(),
                    item.person.to_string(),
                    person
                        .and_then(|p| p.name)
                        .unwrap_or("(tanpa nama)")
                        .to_owned(),
                    person
                        .map(|p| age_label(p.birth.as_ref(), date))
                        .unwrap_or_default(),
                    item.kind.label_id(),
                    item.window.due.to_string(),
                    item.status(date).code().to_string(),
                    priority.code().to_string(),
                    stop.missed_session
                        .map(|d| format!("tidak hadir Posyandu {d}"))
                        .unwrap_or_default(),
                ]);
            }
        }
    }
    let headers = [
        "STOP",
        "RT",
        "HOUSEHOLD ID",
        "HEAD",
        "ADDRESS",
        "PERSON ID",
        "NAME",
        "AGE",
        "ITEM",
        "DUE",
        "STATUS",
        "PRIORITY",
        "NOTE",
    ];
    if csv {
        return write_csv(&headers, &rows);
    }
    let households: usize = list.groups.iter().map(|g| g.stops.len()).sum();
    println!(
        "worklist of {} ({}) for {date}: {} items in {} households",
        user.display_name,
        user.username,
        list.item_count(),
        households
    );
    let mut t = Table::new(&[
        "STOP", "RT", "HEAD", "ADDRESS", "NAME", "AGE", "ITEM", "DUE", "PRIORITY", "NOTE",
    ]);
    for r in &rows {
        t.row(vec![
            r[0].clone(),
            r[1].clone(),
            r[3].clone(),
            r[4].clone(),
            r[6].clone(),
            r[7].clone(),
            r[8].clone(),
            r[9].clone(),
            r[11].clone(),
            r[12].clone(),
        ]);
    }
    if !t.is_empty() {
        print!("{}", t.render());
    }
    Ok(())
}

/// `ilp schedule PERSON`: every due item of one person with its window and status on `date`.
pub fn schedule(s: &Session, user: &User, person: &str, date: Date, csv: bool) -> CliResult {
    let id: PersonId = person
        .parse()
        .map_err(|_| CliError::refused("person", "is not a person id"))?;
    let person = s.store.read(|c| {
        let id = persons::resolve_merged(c, id)?;
        persons::get_person(c, id)
    })?;
    check_scope(s, user, &person)?;
    let items = s.store.due_items_of(person.id, date)?;
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            vec![
                i.kind.key(),
                i.kind.label_id(),
                i.window.earliest.to_string(),
                i.window.due.to_string(),
                i.window.latest.map(|d| d.to_string()).unwrap_or_default(),
                i.status(date).code().to_string(),
                i.done_on.map(|d| d.to_string()).unwrap_or_default(),
                if i.high_risk { "yes" } else { "" }.to_string(),
                i.table.to_string(),
            ]
        })
        .collect();
    let headers = [
        "KEY",
        "ITEM",
        "EARLIEST",
        "DUE",
        "LATEST",
        "STATUS",
        "DONE ON",
        "HIGH RISK",
        "TABLE",
    ];
    if csv {
        return write_csv(&headers, &rows);
    }
    println!(
        "{} ({}), on {date}: {} items",
        name_of(&person),
        age_label(person.birth.as_ref(), date),
        items.len()
    );
    let mut t = Table::new(&["ITEM", "WINDOW", "DUE", "STATUS", "DONE ON"]);
    for (i, r) in items.iter().zip(&rows) {
        t.row(vec![
            r[1].clone(),
            window_text(i),
            r[3].clone(),
            r[5].clone(),
            r[6].clone(),
        ]);
    }
    if !t.is_empty() {
        print!("{}", t.render());
    }
    Ok(())
}

/// `ilp posyandu session`: who is expected at a Posyandu on `date`, who came, who becomes a home
/// visit once the day is over.
pub fn posyandu_session(s: &Session, posyandu: &str, date: Option<Date>, csv: bool) -> CliResult {
    let list = s.store.read(areas::posyandu_list)?;
    let found = list
        .iter()
        .find(|p| p.id.to_string() == posyandu || p.name.eq_ignore_ascii_case(posyandu.trim()))
        .ok_or_else(|| {
            CliError::refused(
                "posyandu",
                format!(
                    "no Posyandu with this id or name; known: {}",
                    list.iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
    let date = match date {
        Some(d) => d,
        None => s
            .store
            .last_posyandu_session(found.id, s.clock.today)?
            .ok_or_else(|| {
                CliError::refused(
                    "date",
                    "this Posyandu has no session recorded yet; give --date",
                )
            })?,
    };
    let session = s.store.posyandu_session(found.id, date, s.clock.today)?;
    let over = s.clock.today > date;
    let rows: Vec<Vec<String>> = session
        .expected
        .iter()
        .map(|e| {
            vec![
                e.person.id.to_string(),
                name_of(&e.person),
                age_label(e.person.birth.as_ref(), date),
                e.items
                    .iter()
                    .map(|i| i.kind.label_id())
                    .collect::<Vec<_>>()
                    .join("; "),
                if e.attended { "hadir" } else { "tidak hadir" }.into(),
                if over && !e.attended {
                    "kunjungan rumah"
                } else {
                    ""
                }
                .into(),
            ]
        })
        .collect();
    let headers = [
        "PERSON ID",
        "NAME",
        "AGE",
        "SERVICES",
        "ATTENDED",
        "FOLLOW-UP",
    ];
    if csv {
        return write_csv(&headers, &rows);
    }
    let came = session.expected.iter().filter(|e| e.attended).count();
    println!(
        "{} on {date}: {} expected, {came} came{}",
        found.name,
        session.expected.len(),
        if over {
            format!(", {} become home visits", session.expected.len() - came)
        } else {
            String::new()
        }
    );
    let mut t = Table::new(&["NAME", "AGE", "SERVICES", "ATTENDED", "FOLLOW-UP"]);
    for r in &rows {
        t.row(r[1..].to_vec());
    }
    if !t.is_empty() {
        print!("{}", t.render());
    }
    Ok(())
}

fn check_scope(s: &Session, user: &User, person: &Person) -> CliResult {
    let Some(h) = person.household else {
        return Ok(());
    };
    let rt = s
        .store
        .read(|c| ilp_store::households::get_household(c, h))?
        .rt;
    let rts = s.store.read(|c| users::scope_rts(c, user))?;
    if rts.contains(&rt) {
        Ok(())
    } else {
        Err(CliError::refused(
            "person",
            "lives outside the areas assigned to this user",
        ))
    }
}

pub(crate) fn write_csv(headers: &[&str], rows: &[Vec<String>]) -> CliResult {
    let stdout = std::io::stdout();
    let mut w = csv::Writer::from_writer(stdout.lock());
    let io = |e: csv::Error| CliError::fatal(format!("writing CSV: {e}"));
    w.write_record(headers.iter().map(|h| h.to_lowercase().replace(' ', "_")))
        .map_err(io)?;
    for r in rows {
        w.write_record(r).map_err(io)?;
    }
    w.flush()
        .map_err(|e| CliError::fatal(format!("writing CSV: {e}")))?;
    let _ = std::io::stdout().flush();
    Ok(())
}

/// What `ilp coverage` reports on: an area path or a Posyandu.
pub enum CoverageTarget<'a> {
    Area(&'a str),
    Posyandu(&'a str),
}

/// `ilp coverage`: each indicator with numerator, denominator and percentage for an area and a
/// month; `--persons CODE` lists who is behind one indicator (counted and missing).
pub fn coverage(
    s: &Session,
    user: &User,
    target: CoverageTarget<'_>,
    month: Date,
    csv: bool,
    persons_of: Option<&str>,
) -> CliResult {
    use ilp_rules::coverage::{CoverageTables, Unit};
    use ilp_store::coverage::{CoverageArea, area_rts};
    let (area, label) = match target {
        CoverageTarget::Area(path) => {
            let index = s.store.read(crate::place::AreaIndex::load)?;
            let a = index
                .by_path(path)
                .map_err(|reason| CliError::refused("area", reason))?;
            let level = match a.level {
                ilp_model::AreaLevel::Province => "Provinsi",
                ilp_model::AreaLevel::City => "Kota/Kabupaten",
                ilp_model::AreaLevel::District => "Kecamatan",
                ilp_model::AreaLevel::Village => "Kelurahan/Desa",
                ilp_model::AreaLevel::Rw => "RW",
                ilp_model::AreaLevel::Rt => "RT",
            };
            (CoverageArea::Area(a.id), format!("{level} {}", a.name))
        }
        CoverageTarget::Posyandu(name) => {
            let list = s.store.read(areas::posyandu_list)?;
            let p = list
                .iter()
                .find(|p| p.id.to_string() == name || p.name.eq_ignore_ascii_case(name.trim()))
                .ok_or_else(|| CliError::refused("posyandu", "no Posyandu with this id or name"))?;
            (CoverageArea::Posyandu(p.id), p.name.clone())
        }
    };
    let rts = s.store.read(|c| area_rts(c, area))?;
    let scope = s.store.read(|c| users::scope_rts(c, user))?;
    if rts.iter().any(|r| !scope.contains(r)) {
        return Err(CliError::refused(
            "area",
            "lies outside the areas assigned to this user",
        ));
    }
    if month > s.clock.today {
        return Err(CliError::refused("month", "is in the future"));
    }
    let table = s
        .store
        .coverage(area, month, s.clock.today, &CoverageTables::default())?;
    if let Some(code) = persons_of {
        let row = table
            .rows
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| {
                CliError::refused(
                    "persons",
                    format!(
                        "unknown indicator; one of: {}",
                        table
                            .rows
                            .iter()
                            .map(|r| r.code)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
        let mut rows = Vec::new();
        match row.unit {
            Unit::Person => {
                let counted: std::collections::HashSet<_> = row.numerator_persons.iter().collect();
                for id in &row.denominator_persons {
                    let p = s.store.read(|c| persons::get_person(c, *id))?;
                    rows.push(vec![
                        id.to_string(),
                        name_of(&p),
                        age_label(p.birth.as_ref(), table.as_of),
                        if counted.contains(id) { "yes" } else { "no" }.into(),
                    ]);
                }
            }
            Unit::Household => {
                let counted: std::collections::HashSet<_> =
                    row.numerator_households.iter().collect();
                for id in &row.denominator_households {
                    let h = s
                        .store
                        .read(|c| ilp_store::households::get_household(c, *id))?;
                    rows.push(vec![
                        id.to_string(),
                        h.address.unwrap_or_default(),
                        String::new(),
                        if counted.contains(id) { "yes" } else { "no" }.into(),
                    ]);
                }
            }
        }
        let headers = ["ID", "NAME OR ADDRESS", "AGE", "COUNTED"];
        if csv {
            return write_csv(&headers, &rows);
        }
        println!(
            "{} ({}): {} of {} counted",
            row.label_id, row.code, row.numerator, row.denominator
        );
        let mut t = Table::new(&headers);
        for r in rows {
            t.row(r);
        }
        if !t.is_empty() {
            print!("{}", t.render());
        }
        return Ok(());
    }
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|r| {
            vec![
                r.code.to_string(),
                r.label_id.to_string(),
                r.numerator.to_string(),
                r.denominator.to_string(),
                r.percent()
                    .map(|x| format!("{x:.1}"))
                    .unwrap_or_else(|| "-".into()),
                match r.period {
                    ilp_rules::coverage::Period::Month => "month",
                    ilp_rules::coverage::Period::YearToDate => "year to date",
                    ilp_rules::coverage::Period::AsOf => "as of",
                }
                .into(),
            ]
        })
        .collect();
    let headers = [
        "CODE",
        "INDICATOR",
        "NUMERATOR",
        "DENOMINATOR",
        "PERCENT",
        "PERIOD",
    ];
    if csv {
        return write_csv(&headers, &rows);
    }
    println!(
        "coverage of {label}, {}-{:02}, counted to {}",
        month.year(),
        u8::from(month.month()),
        table.as_of
    );
    let mut t = Table::new(&headers);
    for r in rows {
        t.row(r);
    }
    print!("{}", t.render());
    println!(
        "rule tables: {}",
        table
            .tables
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}
