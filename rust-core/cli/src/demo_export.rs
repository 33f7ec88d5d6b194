//! `ilp demo export-csv` and `export-areas`: the generated kelurahan in the CSV layouts the import
//! commands read, optionally with deliberately bad rows at deterministic places (the import's
//! acceptance test: each bad row named, its household skipped, the rest imported).

use crate::app::{CliError, CliResult};
use ilp_demo::{DemoConfig, DemoData};
use ilp_model::{Area, AreaId, AreaLevel, Household, Person, Relation, Sex};
use std::collections::HashMap;
use std::path::Path;
use time::{Date, Duration};

/// The kinds of bad row, in the order they are handed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadKind {
    InvalidNik,
    FutureBirthDate,
    UnknownRt,
    DuplicateNik,
    OverlongName,
    MalformedSex,
}

impl BadKind {
    const ALL: [BadKind; 6] = [
        BadKind::InvalidNik,
        BadKind::FutureBirthDate,
        BadKind::UnknownRt,
        BadKind::DuplicateNik,
        BadKind::OverlongName,
        BadKind::MalformedSex,
    ];

    fn column(self) -> &'static str {
        match self {
            BadKind::InvalidNik | BadKind::DuplicateNik => "nik",
            BadKind::FutureBirthDate => "birth_date",
            BadKind::UnknownRt => "rt",
            BadKind::OverlongName => "name",
            BadKind::MalformedSex => "sex",
        }
    }

    fn label(self) -> &'static str {
        match self {
            BadKind::InvalidNik => "invalid NIK",
            BadKind::FutureBirthDate => "birth date in the future",
            BadKind::UnknownRt => "RT not in the area tree",
            BadKind::DuplicateNik => "NIK of another person",
            BadKind::OverlongName => "name too long",
            BadKind::MalformedSex => "sex neither L nor P",
        }
    }
}

const HEADER: [&str; 21] = [
    "household_ref",
    "kelurahan_code",
    "rw",
    "rt",
    "kk_number",
    "address",
    "lat",
    "lon",
    "jkn",
    "clean_water",
    "healthy_latrine",
    "name",
    "nik",
    "sex",
    "birth_date",
    "age_years",
    "relation",
    "phone",
    "mother_nik",
    "description",
    "notes",
];

fn col(name: &str) -> usize {
    HEADER
        .iter()
        .position(|h| *h == name)
        .expect("known column")
}

fn level_word(l: AreaLevel) -> &'static str {
    match l {
        AreaLevel::Province => "provinsi",
        AreaLevel::City => "kota",
        AreaLevel::District => "kecamatan",
        AreaLevel::Village => "kelurahan",
        AreaLevel::Rw => "rw",
        AreaLevel::Rt => "rt",
    }
}

/// The `parent_code` of an area in the areas layout.
fn parent_code(by_id: &HashMap<AreaId, &Area>, a: &Area) -> String {
    let Some(parent) = a.parent.and_then(|p| by_id.get(&p)) else {
        return String::new();
    };
    match a.level {
        AreaLevel::Rt => {
            let village = parent
                .parent
                .and_then(|v| by_id.get(&v))
                .map_or(String::new(), |v| v.code.clone());
            format!("{village}/{}", parent.code)
        }
        _ => parent.code.clone(),
    }
}

fn write_err(path: &Path, e: impl std::fmt::Display) -> CliError {
    CliError::fatal(format!("cannot write {}: {e}", path.display()))
}

fn write_areas(data: &DemoData, out: &Path) -> CliResult<usize> {
    let by_id: HashMap<AreaId, &Area> = data.areas.iter().map(|a| (a.id, a)).collect();
    let mut w = csv::Writer::from_path(out).map_err(|e| write_err(out, e))?;
    w.write_record(["level", "code", "name", "parent_code"])
        .map_err(|e| write_err(out, e))?;
    for a in &data.areas {
        w.write_record([
            level_word(a.level),
            &a.code,
            &a.name,
            &parent_code(&by_id, a),
        ])
        .map_err(|e| write_err(out, e))?;
    }
    w.flush().map_err(|e| write_err(out, e))?;
    Ok(data.areas.len())
}

pub fn export_areas(config: &DemoConfig, out: &Path) -> CliResult {
    let data = ilp_demo::generate(config);
    let n = write_areas(&data, out)?;
    println!("wrote {n} areas to {}", out.display());
    Ok(())
}

fn relation_word(r: &Relation, sex: Option<Sex>) -> String {
    match r {
        Relation::Head => "kepala keluarga".into(),
        Relation::Spouse => match sex {
            Some(Sex::Male) => "suami".into(),
            _ => "istri".into(),
        },
        Relation::Child => "anak".into(),
        Relation::ChildInLaw => "menantu".into(),
        Relation::Grandchild => "cucu".into(),
        Relation::Parent => "orang tua".into(),
        Relation::ParentInLaw => "mertua".into(),
        Relation::OtherFamily => "famili lain".into(),
        Relation::Helper => "pembantu".into(),
        Relation::NonFamily => "lainnya".into(),
        Relation::Other(c) => c.clone(),
    }
}

/// Dates in the three accepted layouts, chosen by row so the import reads all of them.
fn date_text(d: Date, variant: usize) -> String {
    let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
    match variant % 5 {
        3 => format!("{day:02}-{m:02}-{y:04}"),
        4 => format!("{day:02}/{m:02}/{y:04}"),
        _ => format!("{y:04}-{m:02}-{day:02}"),
    }
}

/// One household's rows, in the household layout.
fn household_rows(
    reference: &str,
    h: &Household,
    members: &[&Person],
    by_id: &HashMap<AreaId, &Area>,
    today: Date,
    line: usize,
) -> Vec<Vec<String>> {
    let rt = by_id.get(&h.rt);
    let rw = rt.and_then(|a| a.parent).and_then(|p| by_id.get(&p));
    let village = rw.and_then(|a| a.parent).and_then(|p| by_id.get(&p));
    let nik_of: HashMap<_, _> = members
        .iter()
        .filter_map(|p| p.nik.as_ref().map(|n| (p.id, n.as_str().to_string())))
        .collect();
    members
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut row = vec![String::new(); HEADER.len()];
            row[col("household_ref")] = reference.to_string();
            row[col("kelurahan_code")] = village.map_or(String::new(), |v| v.code.clone());
            row[col("rw")] = rw.map_or(String::new(), |v| v.code.clone());
            row[col("rt")] = rt.map_or(String::new(), |v| v.code.clone());
            if i == 0 {
                row[col("kk_number")] = h
                    .kk_number
                    .as_ref()
                    .map_or(String::new(), |k| k.as_str().into());
                row[col("address")] = h.address.clone().unwrap_or_default();
                if let Some(g) = h.gps {
                    row[col("lat")] = format!("{:.6}", g.lat);
                    row[col("lon")] = format!("{:.6}", g.lon);
                }
                row[col("jkn")] = h.jkn.code().to_string();
                let yn = |b: Option<bool>| match b {
                    Some(true) => "ya",
                    Some(false) => "tidak",
                    None => "",
                };
                row[col("clean_water")] = yn(h.clean_water).into();
                row[col("healthy_latrine")] = yn(h.healthy_latrine).into();
                row[col("notes")] = h.notes.clone().unwrap_or_default();
            }
            row[col("name")] = p.name.clone().unwrap_or_default();
            row[col("nik")] = p.nik.as_ref().map_or(String::new(), |n| n.as_str().into());
            row[col("sex")] = match p.sex {
                Some(Sex::Male) => "L".into(),
                Some(Sex::Female) => "P".into(),
                None => String::new(),
            };
            match p.birth {
                Some(b) if b.estimated => {
                    row[col("age_years")] = b.age_years(today).max(0).to_string();
                }
                Some(b) => row[col("birth_date")] = date_text(b.date, line + i),
                None => {}
            }
            row[col("relation")] = p
                .relation
                .as_ref()
                .map_or(String::new(), |r| relation_word(r, p.sex));
            row[col("phone")] =
                p.phone
                    .as_deref()
                    .map_or(String::new(), |ph| match ph.strip_prefix("+62") {
                        Some(rest) => format!("0{rest}"),
                        None => ph.to_string(),
                    });
            row[col("mother_nik")] = p
                .mother
                .and_then(|m| nik_of.get(&m).cloned())
                .unwrap_or_default();
            row[col("description")] = p.description.clone().unwrap_or_default();
            row
        })
        .collect()
}

/// Where a bad row went.
#[derive(Clone, Debug)]
pub struct BadRow {
    pub line: usize,
    pub household_ref: String,
    pub kind: BadKind,
}

/// May this member row be spoiled without spoiling another row (its NIK is nobody's mother_nik)?
fn spoilable(rows: &[Vec<String>], i: usize, kind: BadKind) -> bool {
    let nik = &rows[i][col("nik")];
    let is_mother = !nik.is_empty() && rows.iter().any(|r| &r[col("mother_nik")] == nik);
    match kind {
        BadKind::UnknownRt => i == 0,
        BadKind::InvalidNik | BadKind::DuplicateNik => !is_mother,
        BadKind::FutureBirthDate => !is_mother,
        BadKind::OverlongName => true,
        BadKind::MalformedSex => !is_mother,
    }
}

fn spoil(row: &mut [String], kind: BadKind, today: Date, first_nik: &str) {
    match kind {
        // 15 digits: one lost when typing.
        BadKind::InvalidNik => {
            let base = if row[col("nik")].len() == 16 {
                row[col("nik")].clone()
            } else {
                "5371031207900003".into()
            };
            row[col("nik")] = base[..15].to_string();
        }
        BadKind::FutureBirthDate => {
            row[col("age_years")].clear();
            row[col("birth_date")] = (today + Duration::days(45)).to_string();
        }
        BadKind::UnknownRt => row[col("rt")] = "987".into(),
        BadKind::DuplicateNik => row[col("nik")] = first_nik.to_string(),
        BadKind::OverlongName => {
            let name = row[col("name")].clone();
            row[col("name")] = format!("{name} {}", "Nusa Tenggara Timur ".repeat(6).trim_end());
        }
        BadKind::MalformedSex => row[col("sex")] = "X".into(),
    }
}

pub fn export_csv(
    config: &DemoConfig,
    out: &Path,
    areas_out: Option<&Path>,
    bad_rows: usize,
) -> CliResult {
    let data = ilp_demo::generate(config);
    let by_id: HashMap<AreaId, &Area> = data.areas.iter().map(|a| (a.id, a)).collect();
    let mut members: HashMap<_, Vec<&Person>> = HashMap::new();
    for p in &data.persons {
        if let Some(h) = p.household {
            members.entry(h).or_default().push(p);
        }
    }
    let n = data.households.len();
    if bad_rows > 0 && bad_rows * 2 > n {
        return Err(CliError::refused(
            "bad_rows",
            format!("at most half the households ({}) can hold a bad row", n / 2),
        ));
    }
    let mut households: Vec<(String, Vec<Vec<String>>)> = Vec::with_capacity(n);
    let mut line = 2;
    for (i, h) in data.households.iter().enumerate() {
        let reference = format!("KEL-{:05}", i + 1);
        let m = members.get(&h.id).map_or(&[][..], Vec::as_slice);
        let rows = household_rows(&reference, h, m, &by_id, config.today, line);
        line += rows.len();
        households.push((reference, rows));
    }
    // The NIK a DuplicateNik row copies: one from the first household, which stays good.
    let first_nik = households
        .first()
        .and_then(|(_, rows)| {
            rows.iter()
                .map(|r| r[col("nik")].clone())
                .find(|n| !n.is_empty())
        })
        .unwrap_or_default();
    // Spread the bad rows evenly, each in its own household after the first.
    let mut used = vec![false; n];
    used[0] = true;
    let mut bad: Vec<(usize, usize, BadKind)> = Vec::new();
    for k in 0..bad_rows {
        let kind = BadKind::ALL[k % BadKind::ALL.len()];
        let target = ((k + 1) * n / (bad_rows + 1)).max(1);
        let found = (target..n).chain(1..target).find_map(|hi| {
            if used[hi] {
                return None;
            }
            let rows = &households[hi].1;
            (0..rows.len())
                .rev()
                .find(|&ri| spoilable(rows, ri, kind))
                .map(|ri| (hi, ri))
        });
        let Some((hi, ri)) = found else {
            return Err(CliError::fatal(format!(
                "no household left to hold a bad row of kind '{}'",
                kind.label()
            )));
        };
        used[hi] = true;
        bad.push((hi, ri, kind));
    }
    for (hi, ri, kind) in &bad {
        spoil(&mut households[*hi].1[*ri], *kind, config.today, &first_nik);
    }

    let mut w = csv::Writer::from_path(out).map_err(|e| write_err(out, e))?;
    w.write_record(HEADER).map_err(|e| write_err(out, e))?;
    let mut line = 1;
    let mut placed: Vec<BadRow> = Vec::new();
    let mut persons = 0;
    for (hi, (reference, rows)) in households.iter().enumerate() {
        for (ri, row) in rows.iter().enumerate() {
            line += 1;
            persons += 1;
            if let Some((_, _, kind)) = bad.iter().find(|(h, r, _)| *h == hi && *r == ri) {
                placed.push(BadRow {
                    line,
                    household_ref: reference.clone(),
                    kind: *kind,
                });
            }
            w.write_record(row).map_err(|e| write_err(out, e))?;
        }
    }
    w.flush().map_err(|e| write_err(out, e))?;
    println!(
        "wrote {} households ({} persons) to {}",
        n,
        persons,
        out.display()
    );
    placed.sort_by_key(|b| b.line);
    for b in &placed {
        println!(
            "bad row: row {}, column {} ({}), household {}",
            b.line,
            b.kind.column(),
            b.kind.label(),
            b.household_ref
        );
    }
    if let Some(a) = areas_out {
        let count = write_areas(&data, a)?;
        println!("wrote {count} areas to {}", a.display());
    }
    Ok(())
}
