//! Importing households and their members from one CSV file with a row per person, the way
//! Dukcapil and Dinkes exports come. Rows are grouped into households by `household_ref` (rows of
//! one household need not be next to each other). Each household is one transaction through the
//! store's `households::register`: if any of its rows is bad, the whole household is skipped and
//! every bad row is reported as `row N, column X: reason`; the rest of the file goes in.

use crate::app::{CliError, CliResult, Session};
use crate::csvin::{Column, CsvFile, Row, RowError, col};
use crate::place::{AreaIndex, PlacePart};
use crate::text::{
    mask_nik, parse_date, parse_decimal, parse_jkn, parse_relation, parse_yes_no, thousands,
};
use ilp_model::validation::{limits, optional_text, phone_number};
use ilp_model::{BirthDate, KkNumber, Nik, NikWarning, Sex, UserId, ValidationError};
use ilp_store::input::{HouseholdInput, MotherRef, PersonInput};
use ilp_store::{StoreError, WriteTx, households, persons};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rusqlite::OptionalExtension;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;
use time::Date;

pub const HOUSEHOLD_COLUMNS: &[Column] = &[
    col(
        "household_ref",
        true,
        &["ref", "keluarga", "no_urut_keluarga"],
    ),
    col(
        "kelurahan_code",
        true,
        &["kode_kelurahan", "kelurahan", "village_code"],
    ),
    col("rw", true, &[]),
    col("rt", true, &[]),
    col("kk_number", false, &["no_kk", "nomor_kk"]),
    col("address", false, &["alamat"]),
    col("lat", false, &["latitude", "lintang"]),
    col("lon", false, &["lng", "longitude", "bujur"]),
    col("jkn", false, &["status_jkn", "bpjs"]),
    col("clean_water", false, &["air_bersih"]),
    col("healthy_latrine", false, &["jamban_sehat", "jamban"]),
    col("name", true, &["nama", "nama_lengkap"]),
    col("nik", false, &[]),
    col("sex", false, &["jenis_kelamin", "jk"]),
    col("birth_date", false, &["tanggal_lahir", "tgl_lahir"]),
    col("age_years", false, &["umur", "usia", "age"]),
    col("relation", false, &["hubungan", "shdk", "status_hubungan"]),
    col("phone", false, &["telepon", "no_hp", "hp"]),
    col("mother_nik", false, &["nik_ibu"]),
    col("description", false, &["ciri_ciri"]),
    col("notes", false, &["catatan", "keterangan"]),
];

/// Options of `ilp import households`.
pub struct HouseholdImportOptions {
    pub dry_run: bool,
    pub show_warnings: bool,
    pub quiet: bool,
    /// Households per transaction. 1: each household is its own transaction. More: a savepoint per
    /// household inside a larger transaction (still all-or-nothing per household, fewer commits).
    pub batch: usize,
}

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct HouseholdImportSummary {
    pub households_imported: usize,
    pub persons_imported: usize,
    pub households_skipped: usize,
    pub rows_with_errors: usize,
    pub rows_in_skipped: usize,
    pub nik_warnings: usize,
}

/// One person row checked on its own: the input for the store, and what linking needs.
struct PersonRow {
    line: u64,
    input: PersonInput,
    nik: Option<Nik>,
    mother_nik: Option<Nik>,
    birth: Option<Date>,
    sex: Option<Sex>,
    age_given: bool,
}

fn mother_error(line: u64, reason: impl Into<String>) -> RowError {
    RowError::new(line, "mother_nik", reason)
}

/// Checks one row's own person columns, as the store will (so every bad row is named, not only
/// the first of a household), and returns the person input.
fn person_row(csv: &CsvFile, r: &Row, today: Date, errors: &mut Vec<RowError>) -> PersonRow {
    let mut push =
        |column: &str, reason: String| errors.push(RowError::new(r.line, column, reason));
    let text = |field: &str, max| optional_text(field, Some(csv.get(r, field)), max);
    let name = text("name", limits::NAME).unwrap_or_else(|e| {
        push("name", e.reason);
        None
    });
    let description = text("description", limits::ADDRESS).unwrap_or_else(|e| {
        push("description", e.reason);
        None
    });
    if name.is_none() && description.is_none() && csv.get(r, "name").is_empty() {
        push(
            "name",
            "is required (for an unidentified person fill in description instead)".into(),
        );
    }
    let sex = match csv.get(r, "sex") {
        "" => None,
        raw => Sex::parse("sex", raw)
            .map_err(|e| push("sex", format!("'{raw}' {}", e.reason)))
            .ok(),
    };
    let birth = match csv.get(r, "birth_date") {
        "" => None,
        raw => match parse_date(raw) {
            Ok(d) => match ilp_rules::plausibility::check_birth_date(d, today) {
                Ok(()) => Some(d),
                Err(e) => {
                    push("birth_date", format!("{raw} {}", e.reason));
                    None
                }
            },
            Err(reason) => {
                push("birth_date", reason);
                None
            }
        },
    };
    let age_raw = csv.get(r, "age_years");
    let age_years = if birth.is_some() || age_raw.is_empty() || !csv.get(r, "birth_date").is_empty()
    {
        None
    } else {
        match age_raw.parse::<u32>() {
            Ok(a) if a <= 125 => Some(a),
            _ => {
                push(
                    "age_years",
                    "must be a whole number of years from 0 to 125".into(),
                );
                None
            }
        }
    };
    let nik = match csv.get(r, "nik") {
        "" | "-" => None,
        raw => Nik::parse("nik", raw)
            .map_err(|e| push("nik", e.reason))
            .ok(),
    };
    let phone = phone_number("phone", Some(csv.get(r, "phone")))
        .map_err(|e| push("phone", e.reason))
        .ok()
        .flatten();
    let relation = parse_relation(csv.get(r, "relation"))
        .map_err(|e| push("relation", e))
        .ok()
        .flatten();
    let mother_nik = match csv.get(r, "mother_nik") {
        "" | "-" => None,
        raw => Nik::parse("mother_nik", raw)
            .map_err(|e| push("mother_nik", e.reason))
            .ok(),
    };
    PersonRow {
        line: r.line,
        input: PersonInput {
            name,
            sex,
            birth_date: birth,
            birth_date_estimated: false,
            age_years,
            age_months: None,
            nik: nik.as_ref().map(|n| n.as_str().to_string()),
            phone,
            relation,
            mother: None,
            description,
        },
        birth: birth.or_else(|| age_years.map(|a| BirthDate::from_stated_age(a, 0, today).date)),
        age_given: age_years.is_some(),
        nik,
        mother_nik,
        sex,
    }
}

/// The household columns, read from the household's first row.
fn household_row(
    csv: &CsvFile,
    r: &Row,
    index: &AreaIndex,
    errors: &mut Vec<RowError>,
) -> Option<HouseholdInput> {
    let before = errors.len();
    let mut push =
        |column: &str, reason: String| errors.push(RowError::new(r.line, column, reason));
    let rt = match index.find_rt(
        csv.get(r, "kelurahan_code"),
        csv.get(r, "rw"),
        csv.get(r, "rt"),
    ) {
        Ok(a) => Some(a.id),
        Err(e) => {
            let column = match e.part {
                PlacePart::Village => "kelurahan_code",
                PlacePart::Rw => "rw",
                PlacePart::Rt => "rt",
            };
            push(column, e.reason);
            None
        }
    };
    let kk_number = match csv.get(r, "kk_number") {
        "" | "-" => None,
        raw => KkNumber::parse("kk_number", raw)
            .map(|k| k.as_str().to_string())
            .map_err(|e| push("kk_number", e.reason))
            .ok(),
    };
    let address = optional_text("address", Some(csv.get(r, "address")), limits::ADDRESS)
        .map_err(|e| push("address", e.reason))
        .ok()
        .flatten();
    let notes = optional_text("notes", Some(csv.get(r, "notes")), limits::NOTES)
        .map_err(|e| push("notes", e.reason))
        .ok()
        .flatten();
    let coord = |column: &str, push: &mut dyn FnMut(&str, String)| match csv.get(r, column) {
        "" => None,
        raw => parse_decimal(raw).map_err(|e| push(column, e)).ok(),
    };
    let lat = coord("lat", &mut push);
    let lon = coord("lon", &mut push);
    let gps = match (
        lat,
        lon,
        csv.get(r, "lat").is_empty(),
        csv.get(r, "lon").is_empty(),
    ) {
        (Some(lat), Some(lon), _, _) => match ilp_model::GeoPoint::new("lat", lat, lon) {
            Ok(_) => Some((lat, lon)),
            Err(e) => {
                push("lat", e.reason);
                None
            }
        },
        (_, _, true, false) => {
            push(
                "lat",
                "is empty while lon is given; give both or neither".into(),
            );
            None
        }
        (_, _, false, true) => {
            push(
                "lon",
                "is empty while lat is given; give both or neither".into(),
            );
            None
        }
        _ => None,
    };
    let jkn = parse_jkn(csv.get(r, "jkn"))
        .map_err(|e| push("jkn", e))
        .unwrap_or(ilp_model::JknStatus::Unknown);
    let clean_water = parse_yes_no(csv.get(r, "clean_water"))
        .map_err(|e| push("clean_water", e))
        .ok()
        .flatten();
    let healthy_latrine = parse_yes_no(csv.get(r, "healthy_latrine"))
        .map_err(|e| push("healthy_latrine", e))
        .ok()
        .flatten();
    if errors.len() > before {
        return None;
    }
    Some(HouseholdInput {
        rt: rt?,
        kk_number,
        address,
        gps,
        jkn,
        clean_water,
        healthy_latrine,
        notes,
    })
}

/// Links each `mother_nik` to a member of the same household, with the store's mother checks.
fn link_mothers(people: &mut [PersonRow], errors: &mut Vec<RowError>) {
    for i in 0..people.len() {
        let Some(mn) = people[i].mother_nik.clone() else {
            continue;
        };
        let line = people[i].line;
        let Some(j) = people.iter().position(|p| p.nik.as_ref() == Some(&mn)) else {
            errors.push(mother_error(
                line,
                "no member of this household has this NIK (the mother must be listed in the \
                 same household)",
            ));
            continue;
        };
        if j == i {
            errors.push(mother_error(line, "is the person's own NIK"));
            continue;
        }
        if people[j].sex == Some(Sex::Male) {
            errors.push(mother_error(
                line,
                format!(
                    "the member with this NIK (row {}) is recorded as male",
                    people[j].line
                ),
            ));
            continue;
        }
        if let (Some(c), Some(m)) = (people[i].birth, people[j].birth)
            && (c - m).whole_days() < 10 * 365
        {
            errors.push(mother_error(
                line,
                format!(
                    "the mother (row {}) is not at least 10 years older than the child",
                    people[j].line
                ),
            ));
            continue;
        }
        people[i].input.mother = Some(MotherRef::Member(j));
    }
}

/// The CSV column for a store field (`members[2].birth_date` → `birth_date` on member 2's row).
fn column_for(field: &str, people: &[PersonRow]) -> (Option<usize>, String) {
    if let Some(rest) = field.strip_prefix("members[")
        && let Some((idx, sub)) = rest.split_once("].")
        && let Ok(i) = idx.parse::<usize>()
    {
        let column = match sub {
            "mother" => "mother_nik",
            "age_months" => "age_years",
            "birth_date" if people.get(i).is_some_and(|p| p.age_given) => "age_years",
            other => other,
        };
        return (Some(i), column.to_string());
    }
    let column = match field {
        "gps" => "lat",
        "rt" => "rt",
        other => other,
    };
    (None, column.to_string())
}

fn warning_text(w: &NikWarning) -> String {
    match w {
        NikWarning::SexMismatch {
            nik_says: Sex::Female,
        } => "the NIK says female but sex is L (imported anyway; check the KK)".into(),
        NikWarning::SexMismatch {
            nik_says: Sex::Male,
        } => "the NIK says male but sex is P (imported anyway; check the KK)".into(),
        NikWarning::BirthDateMismatch {
            nik_day,
            nik_month,
            nik_year_2d,
        } => format!(
            "the NIK's birth date ({nik_day:02}-{nik_month:02}-..{nik_year_2d:02}) differs from \
             birth_date (imported anyway; check the KK)"
        ),
    }
}

struct Group {
    rows: Vec<usize>,
}

/// A household whose rows passed the checks that need no database.
struct Prepared {
    household: HouseholdInput,
    people: Vec<PersonRow>,
    rows: usize,
}

/// What the import has stored so far: NIK and KK numbers with the row that brought them.
#[derive(Default)]
struct Seen {
    nik_rows: HashMap<String, u64>,
    kk_rows: HashMap<String, u64>,
}

enum Outcome {
    Imported {
        persons: usize,
        warnings: Vec<RowError>,
    },
    Refused {
        errors: Vec<RowError>,
        rows: usize,
    },
}

/// The checks of one household that need no database: every bad row is found, not only the first.
fn prepare(
    csv: &CsvFile,
    rows: &[&Row],
    index: &AreaIndex,
    today: Date,
    seen: &Seen,
) -> Result<Prepared, Vec<RowError>> {
    let mut errs: Vec<RowError> = Vec::new();
    let household = household_row(csv, rows[0], index, &mut errs);
    let mut people: Vec<PersonRow> = rows
        .iter()
        .map(|r| person_row(csv, r, today, &mut errs))
        .collect();
    // The same NIK twice in one household, or already brought by an earlier row of the file.
    for i in 0..people.len() {
        let Some(n) = people[i].nik.clone() else {
            continue;
        };
        let line = people[i].line;
        if let Some(j) = people[..i].iter().position(|p| p.nik.as_ref() == Some(&n)) {
            errs.push(RowError::new(
                line,
                "nik",
                format!(
                    "NIK {} is also on row {} of this household; one NIK belongs to one person",
                    mask_nik(n.as_str()),
                    people[j].line
                ),
            ));
        } else if let Some(first) = seen.nik_rows.get(n.as_str()) {
            errs.push(RowError::new(
                line,
                "nik",
                format!(
                    "NIK {} already belongs to another person (imported from row {first})",
                    mask_nik(n.as_str())
                ),
            ));
        }
    }
    if let Some(h) = &household
        && let Some(kk) = &h.kk_number
        && let Some(first) = seen.kk_rows.get(kk)
    {
        errs.push(RowError::new(
            rows[0].line,
            "kk_number",
            format!(
                "this KK number was already imported for another household (row {first}); \
                 rows of one household must share one household_ref"
            ),
        ));
    }
    link_mothers(&mut people, &mut errs);
    match household {
        Some(household) if errs.is_empty() => Ok(Prepared {
            household,
            people,
            rows: rows.len(),
        }),
        _ => Err(errs),
    }
}

/// The checks that need the database, then the registration. A refusal is an `Outcome`; an
/// `Err` is a storage failure (fatal). The caller rolls back unless the outcome is `Imported`.
fn register(wtx: &mut WriteTx<'_>, p: &Prepared, seen: &Seen) -> ilp_store::Result<Outcome> {
    let mut errors: Vec<RowError> = Vec::new();
    for person in &p.people {
        if let Some(n) = &person.nik {
            match persons::check_nik_free(wtx.conn(), n, None) {
                Ok(()) => {}
                Err(StoreError::DuplicateNik { .. }) => errors.push(RowError::new(
                    person.line,
                    "nik",
                    match seen.nik_rows.get(n.as_str()) {
                        Some(first) => format!(
                            "NIK {} already belongs to another person (imported from row {first})",
                            mask_nik(n.as_str())
                        ),
                        None => format!(
                            "NIK {} already belongs to another person in the database",
                            mask_nik(n.as_str())
                        ),
                    },
                )),
                Err(e) => return Err(e),
            }
        }
    }
    if let Some(kk) = &p.household.kk_number {
        let taken: Option<String> = wtx
            .conn()
            .prepare_cached("SELECT id FROM household WHERE kk_number = ?1 LIMIT 1")?
            .query_row([kk], |r| r.get(0))
            .optional()?;
        if taken.is_some() {
            errors.push(RowError::new(
                p.people[0].line,
                "kk_number",
                "this KK number is already registered to another household in the database",
            ));
        }
    }
    if !errors.is_empty() {
        return Ok(Outcome::Refused {
            errors,
            rows: p.rows,
        });
    }
    let members: Vec<PersonInput> = p.people.iter().map(|x| x.input.clone()).collect();
    match households::register(wtx, &p.household, &members) {
        Ok(reg) => Ok(Outcome::Imported {
            persons: reg.members.len(),
            warnings: reg
                .warnings
                .iter()
                .map(|(i, w)| RowError::new(p.people[*i].line, "nik", warning_text(w)))
                .collect(),
        }),
        Err(e @ (StoreError::Validation(_) | StoreError::DuplicateNik { .. })) => {
            let (member, column, reason) = match e {
                StoreError::Validation(v) => {
                    let (m, c) = column_for(&v.field, &p.people);
                    (m, c, v.reason)
                }
                _ => (
                    None,
                    "nik".to_string(),
                    "this NIK already belongs to another person".to_string(),
                ),
            };
            let line = member
                .and_then(|m| p.people.get(m))
                .map_or(p.people[0].line, |x| x.line);
            Ok(Outcome::Refused {
                errors: vec![RowError::new(line, column, reason)],
                rows: p.rows,
            })
        }
        Err(e) => Err(e),
    }
}

/// Remembers what an imported household brought, for the checks of later rows.
fn remember(seen: &mut Seen, p: &Prepared) {
    for person in &p.people {
        if let Some(n) = &person.nik {
            seen.nik_rows.insert(n.as_str().to_string(), person.line);
        }
    }
    if let Some(kk) = &p.household.kk_number {
        seen.kk_rows.insert(kk.clone(), p.people[0].line);
    }
}

/// Marks a deliberate rollback (refused household, dry run) apart from a failure.
fn rollback_marker() -> StoreError {
    ValidationError::new("", "rolled back").into()
}

pub fn import_households(
    s: &Session,
    user: UserId,
    file: &Path,
    opts: &HouseholdImportOptions,
) -> CliResult<HouseholdImportSummary> {
    let started = Instant::now();
    let csv = CsvFile::read(file, HOUSEHOLD_COLUMNS)?;
    let index = s.store.read(AreaIndex::load)?;
    let today = s.clock.today;
    let ctx = s.write_ctx(user);
    crate::app::enlarge_write_cache(&s.store, &ctx)?;

    // Group rows by household_ref, households in order of first appearance.
    let mut groups: Vec<Group> = Vec::new();
    let mut by_ref: HashMap<String, usize> = HashMap::new();
    let mut errors: Vec<RowError> = Vec::new();
    let mut summary = HouseholdImportSummary::default();
    for (i, r) in csv.rows.iter().enumerate() {
        let key = csv.get(r, "household_ref");
        if key.is_empty() {
            errors.push(RowError::new(
                r.line,
                "household_ref",
                "is required (the KK number or a running number shared by the rows of one \
                 household)",
            ));
            summary.households_skipped += 1;
            summary.rows_in_skipped += 1;
            continue;
        }
        let g = *by_ref.entry(key.to_string()).or_insert_with(|| {
            groups.push(Group { rows: Vec::new() });
            groups.len() - 1
        });
        groups[g].rows.push(i);
    }

    let progress = if opts.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let pb =
            ProgressBar::with_draw_target(Some(groups.len() as u64), ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template(
                "{spinner} households {pos}/{len} [{bar:30}] {percent}% ({eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        pb
    };

    let mut seen = Seen::default();
    let mut warnings: Vec<RowError> = Vec::new();
    let mut fatal: Option<CliError> = None;
    let mut tally = |outcome: Outcome,
                     summary: &mut HouseholdImportSummary,
                     errors: &mut Vec<RowError>| match outcome {
        Outcome::Imported {
            persons,
            warnings: mut w,
        } => {
            summary.households_imported += 1;
            summary.persons_imported += persons;
            warnings.append(&mut w);
        }
        Outcome::Refused {
            errors: mut e,
            rows,
        } => {
            summary.households_skipped += 1;
            summary.rows_in_skipped += rows;
            errors.append(&mut e);
        }
    };

    for batch in groups.chunks(opts.batch.max(1)) {
        let mut outcomes: Vec<Outcome> = Vec::with_capacity(batch.len());
        let result = if opts.batch <= 1 {
            // Each household in its own transaction.
            let g = &batch[0];
            let rows: Vec<&Row> = g.rows.iter().map(|&i| &csv.rows[i]).collect();
            match prepare(&csv, &rows, &index, today, &seen) {
                Err(errs) => {
                    outcomes.push(Outcome::Refused {
                        errors: errs,
                        rows: rows.len(),
                    });
                    Ok(())
                }
                Ok(p) => {
                    let mut deliberate = false;
                    let r = s.store.write(&ctx, |wtx| {
                        // An import touches thousands of persons: due items are rebuilt once,
                        // on the next read, instead of per person.
                        wtx.defer_due_items();
                        let o = register(wtx, &p, &seen)?;
                        let keep = matches!(o, Outcome::Imported { .. }) && !opts.dry_run;
                        outcomes.push(o);
                        if keep {
                            Ok(())
                        } else {
                            deliberate = true;
                            Err(rollback_marker())
                        }
                    });
                    if matches!(outcomes.last(), Some(Outcome::Imported { .. })) {
                        remember(&mut seen, &p);
                    }
                    match r {
                        Err(_) if deliberate => Ok(()),
                        other => other,
                    }
                }
            }
        } else {
            // A savepoint per household inside one transaction per batch.
            s.store.write(&ctx, |wtx| {
                wtx.defer_due_items();
                for g in batch {
                    let rows: Vec<&Row> = g.rows.iter().map(|&i| &csv.rows[i]).collect();
                    let p = match prepare(&csv, &rows, &index, today, &seen) {
                        Ok(p) => p,
                        Err(errs) => {
                            outcomes.push(Outcome::Refused {
                                errors: errs,
                                rows: rows.len(),
                            });
                            continue;
                        }
                    };
                    wtx.conn().execute_batch("SAVEPOINT ilp_household")?;
                    let o = register(wtx, &p, &seen)?;
                    if matches!(o, Outcome::Imported { .. }) && !opts.dry_run {
                        wtx.conn().execute_batch("RELEASE ilp_household")?;
                        remember(&mut seen, &p);
                    } else {
                        if matches!(o, Outcome::Imported { .. }) {
                            remember(&mut seen, &p);
                        }
                        wtx.conn()
                            .execute_batch("ROLLBACK TO ilp_household; RELEASE ilp_household")?;
                    }
                    outcomes.push(o);
                }
                Ok(())
            })
        };
        match result {
            Ok(()) => {
                progress.inc(batch.len() as u64);
                for o in outcomes {
                    tally(o, &mut summary, &mut errors);
                }
            }
            Err(e) => {
                // Nothing of this batch was committed.
                fatal = Some(CliError::from(e));
                break;
            }
        }
    }
    progress.finish_and_clear();

    errors.sort_by_key(|e| e.line);
    for e in &errors {
        eprintln!("{e}");
    }
    summary.nik_warnings = warnings.len();
    if opts.show_warnings {
        warnings.sort_by_key(|e| e.line);
        for w in &warnings {
            eprintln!("row {}, column {}: warning: {}", w.line, w.column, w.reason);
        }
    }
    let bad_rows: std::collections::BTreeSet<u64> = errors.iter().map(|e| e.line).collect();
    summary.rows_with_errors = bad_rows.len();

    let verb = if opts.dry_run {
        "would be imported"
    } else {
        "imported"
    };
    println!(
        "households {verb}: {}",
        thousands(summary.households_imported)
    );
    println!("persons {verb}: {}", thousands(summary.persons_imported));
    println!(
        "households skipped: {}",
        thousands(summary.households_skipped)
    );
    println!("rows with errors: {}", thousands(summary.rows_with_errors));
    if summary.rows_in_skipped > summary.rows_with_errors {
        println!(
            "rows not imported (in skipped households): {}",
            thousands(summary.rows_in_skipped)
        );
    }
    if summary.nik_warnings > 0 {
        println!(
            "NIK warnings (imported anyway{}): {}",
            if opts.show_warnings {
                ""
            } else {
                "; list them with --warnings"
            },
            thousands(summary.nik_warnings)
        );
    }
    if !opts.quiet {
        println!("time: {:.1} s", started.elapsed().as_secs_f64());
    }
    if let Some(f) = fatal {
        return Err(f);
    }
    if summary.households_skipped > 0 {
        return Err(CliError::RowsRefused);
    }
    Ok(summary)
}
