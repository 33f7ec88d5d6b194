//! `ilp growth`: WHO z-scores and Permenkes 2/2020 categories for a CSV of child measurements,
//! without a database. One output row per input row: the input columns, then each indicator's
//! z-score, category and flag; a bad row gets its reasons in `error` and empty results, never a
//! number computed from a value that was refused.

use crate::app::{CliError, CliResult};
use crate::csvin::{Column, CsvFile, Row, RowError, col};
use crate::text::{parse_date, parse_decimal, thousands};
use clap::Args;
use ilp_model::{HeightMethod, Sex};
use ilp_rules::growth::{self, GrowthAssessment, GrowthInput, Indicator};
use std::path::{Path, PathBuf};

pub const HELP: &str = "\
Computes WHO z-scores (WHO Child Growth Standards 2006 to 5 years, WHO Reference 2007 to 19 years)
and Permenkes 2/2020 categories for every row of a CSV file of child measurements, and writes them
to another CSV file. No database is needed.

Input columns (header names in any order; Indonesian names in brackets also accepted):
  id           any text that identifies the row (copied to the output)
  sex          L (laki-laki) or P (perempuan); M/F and male/female too         [jenis_kelamin, jk]
  birth_date   date of birth: YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY             [tanggal_lahir]
  measured_on  the day of the measurement (needed with birth_date)             [tanggal_ukur]
  age_days     age in days on that day, instead of the two dates               [umur_hari]
  weight_kg    weight in kg                                                    [bb, berat_badan]
  length_cm    length or height in cm                                          [pb_tb, tb, pb]
  method       how it was measured: lying/berbaring/L or standing/berdiri/H    [cara_ukur]
  head_cm      head circumference in cm                                        [lk, lingkar_kepala]
  muac_cm      mid-upper arm circumference in cm                               [lila]

Decimal commas (9,6) are accepted. Output columns: the input columns, then age_days_used,
length_used_cm (after the WHO ±0.7 cm conversion), bmi, reference (who2006 or who2007), and for
each indicator (wfa, lhfa, wflh, bmifa, hcfa, acfa) <code>_z (2 decimals), <code>_category
(Permenkes code) and <code>_flag (1 = outside WHO's plausible range: check the measurement),
then notes (why an indicator got no score) and error (why the row got no results at all).

Bad rows are reported on stderr as `row N, column X: reason` and get empty results. Exit code 0
when every row was scored, 2 when some rows were refused (the output still has every row), 1 when
the file cannot be read or written.

Example:
  id,sex,birth_date,measured_on,weight_kg,length_cm,method,head_cm,muac_cm
  A-01,L,2025-03-01,2026-03-01,\"9,6\",75.7,berbaring,46,
  A-02,P,12/05/2022,01/06/2026,14.2,98.5,berdiri,,15.1";

/// Arguments of `ilp growth`.
#[derive(Args, Debug)]
pub struct GrowthArgs {
    /// The measurements CSV.
    #[arg(long = "in", value_name = "FILE")]
    pub input: PathBuf,
    /// Where to write the results CSV (overwritten).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

const COLUMNS: &[Column] = &[
    col("id", false, &["no", "nomor"]),
    col("sex", true, &["jenis_kelamin", "jk", "gender"]),
    col("birth_date", false, &["tanggal_lahir", "tgl_lahir", "dob"]),
    col(
        "measured_on",
        false,
        &["tanggal_ukur", "tgl_ukur", "tanggal_pengukuran", "date"],
    ),
    col("age_days", false, &["umur_hari", "usia_hari"]),
    col(
        "weight_kg",
        false,
        &["bb", "berat_badan", "berat", "weight"],
    ),
    col(
        "length_cm",
        false,
        &[
            "pb_tb",
            "tb",
            "pb",
            "tinggi_badan",
            "panjang_badan",
            "height_cm",
        ],
    ),
    col("method", false, &["cara_ukur", "posisi", "measure"]),
    col("head_cm", false, &["lk", "lingkar_kepala"]),
    col("muac_cm", false, &["lila", "lingkar_lengan_atas"]),
];

/// One row's outcome: results, or the cells that were refused.
type RowOutcome = Result<(i64, GrowthAssessment), Vec<RowError>>;

pub fn run(args: &GrowthArgs, quiet: bool) -> CliResult {
    let file = CsvFile::read(&args.input, COLUMNS)?;
    let outcomes: Vec<RowOutcome> = file.rows.iter().map(|r| assess_row(&file, r)).collect();
    write_results(&args.out, &file, &outcomes)?;

    let mut refused = 0usize;
    for errors in outcomes.iter().filter_map(|o| o.as_ref().err()) {
        refused += 1;
        for e in errors {
            eprintln!("{e}");
        }
    }
    let flagged = outcomes
        .iter()
        .filter_map(|o| o.as_ref().ok())
        .filter(|(_, a)| a.scores.iter().any(|s| s.flagged))
        .count();
    if !quiet {
        println!(
            "wrote {}: {} rows, {} refused, {} with a flagged z-score",
            args.out.display(),
            thousands(outcomes.len()),
            thousands(refused),
            thousands(flagged)
        );
    }
    if refused > 0 {
        Err(CliError::RowsRefused)
    } else {
        Ok(())
    }
}

fn parse_method(raw: &str) -> Result<Option<HeightMethod>, String> {
    Ok(match raw.trim().to_lowercase().as_str() {
        "" => None,
        "lying" | "l" | "berbaring" | "terlentang" | "recumbent" | "pb" | "panjang" => {
            Some(HeightMethod::Recumbent)
        }
        "standing" | "h" | "berdiri" | "tegak" | "tb" | "tinggi" => Some(HeightMethod::Standing),
        _ => return Err("must be lying (berbaring, L) or standing (berdiri, H)".into()),
    })
}

fn assess_row(file: &CsvFile, row: &Row) -> RowOutcome {
    let mut errors = Vec::new();
    let cell = |column: &str| file.get(row, column);
    let sex = Sex::parse("sex", cell("sex"))
        .map_err(|e| errors.push(RowError::new(row.line, "sex", e.reason)))
        .ok();
    let age = row_age(
        row.line,
        cell("birth_date"),
        cell("measured_on"),
        cell("age_days"),
    )
    .map_err(|e| errors.push(e))
    .ok();
    let mut number = |column: &str| -> Option<f64> {
        let raw = cell(column);
        if raw.is_empty() {
            return None;
        }
        parse_decimal(raw)
            .map_err(|e| errors.push(RowError::new(row.line, column, e)))
            .ok()
    };
    let weight_kg = number("weight_kg");
    let length_cm = number("length_cm");
    let head_cm = number("head_cm");
    let muac_cm = number("muac_cm");
    let method = parse_method(cell("method"))
        .map_err(|e| errors.push(RowError::new(row.line, "method", e)))
        .ok()
        .flatten();
    let (Some(sex), Some(age_days), true) = (sex, age, errors.is_empty()) else {
        return Err(errors);
    };
    let input = GrowthInput {
        sex,
        age_days,
        weight_kg,
        length_cm,
        method,
        head_cm,
        muac_cm,
    };
    match growth::assess(&input) {
        Ok(a) => Ok((age_days, a)),
        // The rules name their input fields as the CSV names its columns.
        Err(v) => Err(vec![RowError::new(row.line, v.field, v.reason)]),
    }
}

/// Age in days from the two dates, or from `age_days`; both given must agree.
fn row_age(line: u64, birth: &str, measured: &str, age_days: &str) -> Result<i64, RowError> {
    let bad = |column: &str, reason: String| RowError::new(line, column, reason);
    let given_days = if age_days.is_empty() {
        None
    } else {
        let d: i64 = age_days
            .parse()
            .map_err(|_| bad("age_days", "must be a whole number of days".into()))?;
        if d < 0 {
            return Err(bad("age_days", "must not be negative".into()));
        }
        Some(d)
    };
    let from_dates = match (birth.is_empty(), measured.is_empty()) {
        (true, true) => None,
        (false, true) => {
            return Err(bad(
                "measured_on",
                "is needed with birth_date (the day of the measurement)".into(),
            ));
        }
        (true, false) if given_days.is_none() => {
            return Err(bad("birth_date", "is needed (or give age_days)".into()));
        }
        (true, false) => None,
        (false, false) => {
            let b = parse_date(birth).map_err(|e| bad("birth_date", e))?;
            let m = parse_date(measured).map_err(|e| bad("measured_on", e))?;
            if m < b {
                return Err(bad("measured_on", "is before birth_date".into()));
            }
            Some((m - b).whole_days())
        }
    };
    match (from_dates, given_days) {
        (Some(d), Some(g)) if d != g => Err(bad(
            "age_days",
            format!("is {g} but birth_date and measured_on give {d}"),
        )),
        (Some(d), _) | (None, Some(d)) => Ok(d),
        (None, None) => Err(bad(
            "birth_date",
            "is needed with measured_on, or give age_days".into(),
        )),
    }
}

fn fmt2(x: f64) -> String {
    format!("{x:.2}")
}

fn write_results(path: &Path, file: &CsvFile, outcomes: &[RowOutcome]) -> CliResult {
    let fail = |e: &dyn std::fmt::Display| CliError::fatal(format!("{}: {e}", path.display()));
    let mut w = csv::Writer::from_path(path).map_err(|e| fail(&e))?;
    let mut header: Vec<String> = COLUMNS.iter().map(|c| c.name.to_string()).collect();
    header.extend(
        ["age_days_used", "length_used_cm", "bmi", "reference"]
            .iter()
            .map(|s| s.to_string()),
    );
    for i in Indicator::ALL {
        for suffix in ["z", "category", "flag"] {
            header.push(format!("{}_{suffix}", i.code()));
        }
    }
    header.push("notes".into());
    header.push("error".into());
    w.write_record(&header).map_err(|e| fail(&e))?;

    let mut record: Vec<String> = Vec::with_capacity(header.len());
    for (row, outcome) in file.rows.iter().zip(outcomes) {
        record.clear();
        record.extend(COLUMNS.iter().map(|c| file.get(row, c.name).to_string()));
        match outcome {
            Ok((age, a)) => {
                record.push(age.to_string());
                record.push(
                    a.length_used_cm
                        .map(|l| format!("{l:.1}"))
                        .unwrap_or_default(),
                );
                record.push(a.bmi.map(fmt2).unwrap_or_default());
                record.push(if a.who_2007 { "who2007" } else { "who2006" }.into());
                for i in Indicator::ALL {
                    match a.score(i) {
                        Some(s) => {
                            record.push(fmt2(s.z));
                            record.push(s.category.map(|c| c.code()).unwrap_or("").into());
                            record.push(if s.flagged { "1" } else { "0" }.into());
                        }
                        None => record.extend(std::iter::repeat_n(String::new(), 3)),
                    }
                }
                record.push(notes(a));
                record.push(String::new());
            }
            Err(errors) => {
                let empty = header.len() - COLUMNS.len() - 1;
                record.extend(std::iter::repeat_n(String::new(), empty));
                let text: Vec<String> = errors
                    .iter()
                    .map(|e| format!("{}: {}", e.column, e.reason))
                    .collect();
                record.push(text.join("; "));
            }
        }
        w.write_record(&record).map_err(|e| fail(&e))?;
    }
    w.flush().map_err(|e| fail(&e))
}

fn notes(a: &GrowthAssessment) -> String {
    let mut parts: Vec<String> = a
        .skipped
        .iter()
        .map(|s| format!("{}: {}", s.indicator.code(), s.why.reason(s.indicator)))
        .collect();
    if a.method_ignored {
        parts.push("method: standing under 9 months is taken as a length (WHO anthro)".into());
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_in_two_languages() {
        assert_eq!(
            parse_method("Berbaring").unwrap(),
            Some(HeightMethod::Recumbent)
        );
        assert_eq!(parse_method("L").unwrap(), Some(HeightMethod::Recumbent));
        assert_eq!(
            parse_method("berdiri").unwrap(),
            Some(HeightMethod::Standing)
        );
        assert_eq!(parse_method("H").unwrap(), Some(HeightMethod::Standing));
        assert_eq!(parse_method(" ").unwrap(), None);
        assert!(parse_method("duduk").is_err());
    }

    #[test]
    fn ages_from_dates_or_days() {
        let age = |b, m, d| row_age(2, b, m, d).map_err(|e| e.column);
        assert_eq!(age("2025-03-01", "2026-03-01", ""), Ok(365));
        assert_eq!(age("", "", "365"), Ok(365));
        assert_eq!(age("2025-03-01", "2026-03-01", "365"), Ok(365));
        assert_eq!(
            age("2025-03-01", "2026-03-01", "366"),
            Err("age_days".into())
        );
        assert_eq!(age("2025-03-01", "", ""), Err("measured_on".into()));
        assert_eq!(age("", "2026-03-01", ""), Err("birth_date".into()));
        assert_eq!(age("", "", ""), Err("birth_date".into()));
        assert_eq!(
            age("2026-03-02", "2026-03-01", ""),
            Err("measured_on".into())
        );
        assert_eq!(age("", "", "-3"), Err("age_days".into()));
        assert_eq!(age("", "", "3.5"), Err("age_days".into()));
        assert_eq!(
            age("31/02/2025", "2026-03-01", ""),
            Err("birth_date".into())
        );
    }
}
