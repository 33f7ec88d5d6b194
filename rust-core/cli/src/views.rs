//! The read commands: households of an RT, search, one household, and the database check.

use crate::app::{CliError, CliResult, Session};
use crate::place::AreaIndex;
use crate::text::{Table, age_label, mask_nik};
use ilp_model::{HouseholdId, Person, Sex, User};
use ilp_store::events::LatestMeasurements;
use ilp_store::{households, search, users};
use std::collections::HashSet;

fn sex_label(s: Option<Sex>) -> String {
    match s {
        Some(Sex::Male) => "L".into(),
        Some(Sex::Female) => "P".into(),
        None => "-".into(),
    }
}

fn or_dash(s: Option<&str>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or("-").to_string()
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "ya (yes)",
        Some(false) => "tidak (no)",
        None => "not asked",
    }
}

pub fn list_households(s: &Session, rt_path: &str) -> CliResult {
    let index = s.store.read(AreaIndex::load)?;
    let rt = index
        .by_path(rt_path)
        .map_err(|reason| CliError::refused("rt", reason))?;
    if rt.level != ilp_model::AreaLevel::Rt {
        return Err(CliError::refused(
            "rt",
            "must name an RT: kelurahan_code/RW/RT, e.g. 53.71.03.1010/005/002",
        ));
    }
    let place = s.store.read(|c| ilp_store::areas::rt_place(c, rt.id))?;
    let list = s.store.read(|c| households::households_in_rt(c, rt.id))?;
    println!(
        "{} ({}): {} households",
        place.label(),
        index.path_of(rt.id),
        list.len()
    );
    let mut t = Table::new(&[
        "HOUSEHOLD ID",
        "HEAD (KEPALA KELUARGA)",
        "ADDRESS",
        "MEMBERS",
        "JKN",
    ]);
    for h in &list {
        t.row(vec![
            h.household.id.to_string(),
            or_dash(h.head_name.as_deref()),
            or_dash(h.household.address.as_deref()),
            h.member_count.to_string(),
            h.household.jkn.code().to_string(),
        ]);
    }
    if !t.is_empty() {
        print!("{}", t.render());
    }
    Ok(())
}

pub fn search_people(s: &Session, user: &User, query: &str, limit: usize) -> CliResult {
    let scope: Option<HashSet<_>> = if user.role == ilp_model::Role::Admin && user.areas.is_empty()
    {
        None
    } else {
        Some(
            s.store
                .read(|c| users::scope_rts(c, user))?
                .into_iter()
                .collect(),
        )
    };
    let hits = search::search(&s.store, query, scope.as_ref(), limit)?;
    let labels = s.store.read(|c| search::rt_labels(c, &hits))?;
    if hits.is_empty() {
        println!("no one found for '{query}'");
        return Ok(());
    }
    let mut t = Table::new(&[
        "PERSON ID",
        "NAME",
        "SEX",
        "AGE",
        "RT",
        "ADDRESS",
        "NIK",
        "MATCH",
        "SCORE",
    ]);
    for h in &hits {
        t.row(vec![
            h.person.id.to_string(),
            person_name(&h.person),
            sex_label(h.person.sex),
            age_label(h.person.birth.as_ref(), s.clock.today),
            h.rt.and_then(|rt| labels.get(&rt).cloned())
                .unwrap_or_else(|| "-".into()),
            or_dash(h.address.as_deref()),
            h.person
                .nik
                .as_ref()
                .map_or("-".into(), |n| mask_nik(n.as_str())),
            match h.matched_by {
                search::MatchedBy::Name => "name",
                search::MatchedBy::Nik => "NIK",
                search::MatchedBy::KkNumber => "KK",
                search::MatchedBy::Phone => "phone",
            }
            .into(),
            h.score.to_string(),
        ]);
    }
    print!("{}", t.render());
    println!("{} found (lower score = closer match)", hits.len());
    Ok(())
}

fn person_name(p: &Person) -> String {
    match (&p.name, &p.description) {
        (Some(n), _) => n.clone(),
        (None, Some(d)) => format!("(unidentified: {d})"),
        (None, None) => "-".into(),
    }
}

fn measurements_label(m: &LatestMeasurements) -> String {
    let mut parts = Vec::new();
    if let Some(w) = &m.weight_kg {
        let on = w.at.date_at(ilp_model::timestamp::wita());
        parts.push(format!("weight {} kg ({on})", trim_num(w.value)));
    }
    if let Some(h) = &m.length_or_height_cm {
        let (cm, method) = h.value;
        let how = match method {
            ilp_model::HeightMethod::Recumbent => "lying",
            ilp_model::HeightMethod::Standing => "standing",
        };
        parts.push(format!("height {} cm {how}", trim_num(cm)));
    }
    if let Some(v) = &m.head_circumference_cm {
        parts.push(format!("head {} cm", trim_num(v.value)));
    }
    if let Some(v) = &m.muac_cm {
        parts.push(format!("MUAC (LiLA) {} cm", trim_num(v.value)));
    }
    if let Some(v) = &m.blood_pressure {
        parts.push(format!("BP {}/{}", v.value.0, v.value.1));
    }
    if let Some(v) = &m.blood_glucose_mg_dl {
        parts.push(format!("glucose {} mg/dL", trim_num(v.value)));
    }
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join(", ")
    }
}

/// `9.6`, `12`, `75.5`: at most one decimal, no trailing zero.
fn trim_num(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

pub fn show_household(s: &Session, id: &str) -> CliResult {
    let id: HouseholdId = id.parse().map_err(|_| {
        CliError::refused(
            "id",
            "must be a household id as `ilp list households` shows it",
        )
    })?;
    let d = s.store.read(|c| households::household_detail(c, id))?;
    let index = s.store.read(AreaIndex::load)?;
    let h = &d.household;
    println!("Household {}", h.id);
    println!(
        "  RT:               {} ({})",
        d.place.label(),
        index.path_of(h.rt)
    );
    println!(
        "  KK number:        {}",
        h.kk_number
            .as_ref()
            .map_or("-".into(), |k| mask_nik(k.as_str()))
    );
    println!("  Address (alamat): {}", or_dash(h.address.as_deref()));
    println!(
        "  GPS:              {}",
        h.gps
            .map_or("-".into(), |g| format!("{:.5}, {:.5}", g.lat, g.lon))
    );
    println!(
        "  JKN:              {} ({})",
        h.jkn.code(),
        h.jkn.label_id()
    );
    println!("  Clean water:      {}", yes_no(h.clean_water));
    println!("  Healthy latrine:  {}", yes_no(h.healthy_latrine));
    if let Some(n) = &h.notes {
        println!("  Notes:            {n}");
    }
    println!();
    println!("Members ({}):", d.members.len());
    let mut t = Table::new(&[
        "PERSON ID",
        "NAME",
        "SEX",
        "AGE",
        "RELATION",
        "NIK",
        "LATEST MEASUREMENTS",
    ]);
    for m in &d.members {
        let p = &m.person;
        let mut name = person_name(p);
        if let Some(preg) = &m.pregnancy
            && preg.outcome.is_none()
        {
            name.push_str(&format!(
                " [pregnant, EDD {}]",
                preg.edd.map_or("-".into(), |d| d.to_string())
            ));
        }
        t.row(vec![
            p.id.to_string(),
            name,
            sex_label(p.sex),
            age_label(p.birth.as_ref(), s.clock.today),
            match (&p.relation, p.sex) {
                (Some(ilp_model::Relation::Spouse), Some(Sex::Female)) => "istri".into(),
                (Some(ilp_model::Relation::Spouse), Some(Sex::Male)) => "suami".into(),
                (Some(r), _) => r.label_id().to_lowercase(),
                (None, _) => "-".into(),
            },
            p.nik.as_ref().map_or("-".into(), |n| mask_nik(n.as_str())),
            measurements_label(&m.latest),
        ]);
    }
    print!("{}", t.render());
    print_family_index(s, id)
}

/// The family health index (IKS) of a household: each indicator's answer, the score and class.
fn print_family_index(s: &Session, id: HouseholdId) -> CliResult {
    let facts = s
        .store
        .read(|c| ilp_store::coverage::household_facts_of(c, id))?;
    let ctx = s.store.rule_context(s.clock.today);
    let r = ilp_rules::iks::assess(&facts, &ctx, &ilp_rules::iks::IksTables::default());
    println!();
    match (r.score, r.class) {
        (Some(score), Some(class)) => println!(
            "Family health index (IKS): {score:.3}, {} ({})",
            class.label_id(),
            class.code()
        ),
        _ => println!(
            "Family health index (IKS): incomplete, {} indicator(s) not asked yet{}",
            r.not_asked_yet,
            r.answered_score
                .map(|a| format!(" (answered so far: {a:.3})"))
                .unwrap_or_default()
        ),
    }
    let mut t = Table::new(&["NO", "INDICATOR", "ANSWER"]);
    for i in &r.indicators {
        t.row(vec![
            i.indicator.number().to_string(),
            i.indicator.label_id().to_string(),
            i.answer.label_id().to_string(),
        ]);
    }
    print!("{}", t.render());
    Ok(())
}

fn count(c: &rusqlite::Connection, table: &str) -> ilp_store::Result<i64> {
    Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
}

pub fn check(s: &Session) -> CliResult {
    let problems = s.store.integrity_check()?;
    let stats = s.store.outbox_stats()?;
    let (version, counts) = s.store.read(|c| {
        let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let mut counts = Vec::new();
        for (label, table) in [
            ("areas", "area"),
            ("posyandu", "posyandu"),
            ("users", "app_user"),
            ("households", "household"),
            ("persons", "person"),
            ("pregnancies", "pregnancy"),
            ("events", "event"),
        ] {
            counts.push((label, count(c, table)?));
        }
        Ok((v, counts))
    })?;
    println!("database:       {}", s.store.path().display());
    println!("schema version: {version}");
    println!("device id:      {}", s.store.device());
    for (label, n) in counts {
        println!("{:<15} {n}", format!("{label}:"));
    }
    println!(
        "outbox:         {} pending, {} acknowledged, {} refused (highest sequence {})",
        stats.pending, stats.acked, stats.refused, stats.highest_seq
    );
    if problems.is_empty() {
        println!("integrity:      ok");
        Ok(())
    } else {
        println!("integrity:      {} problem(s)", problems.len());
        for p in problems.iter().take(50) {
            println!("  {p}");
        }
        Err(CliError::fatal(
            "the database failed PRAGMA integrity_check; keep a copy of the file and ask for help",
        ))
    }
}
