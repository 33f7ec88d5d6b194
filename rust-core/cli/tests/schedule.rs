//! End-to-end tests of `ilp worklist`, `ilp schedule`, `ilp coverage` and `ilp posyandu session`
//! on a demo kelurahan.

use std::process::Command;

const NOW: &str = "2026-11-20T09:00:00+08:00";

struct Demo {
    _dir: tempfile::TempDir,
    db: String,
}

fn ilp(db: &str, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ilp"))
        .args(["--db", db, "--plain", "--now", NOW, "-q"])
        .args(args)
        .env_remove("ILP_DB")
        .env_remove("ILP_DB_KEY")
        .output()
        .expect("run ilp");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(db: &str, args: &[&str]) -> String {
    let (code, out, err) = ilp(db, args);
    assert_eq!(
        code, 0,
        "ilp {args:?} failed\nstdout:\n{out}\nstderr:\n{err}"
    );
    out
}

fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db").display().to_string();
    ok(
        &db,
        &[
            "demo",
            "--households",
            "500",
            "--seed",
            "11",
            "--today",
            "2026-11-20",
        ],
    );
    Demo { _dir: dir, db }
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn worklist_schedule_and_coverage_work_on_the_demo_kelurahan() {
    let d = demo();
    // The kader's worklist: only her RTs, each item once, priorities in order within a stop.
    let out = ok(&d.db, &["--user", "kader.rw001.a", "worklist", "--csv"]);
    let rows = csv_rows(&out);
    assert!(!rows.is_empty(), "a demo RT has open items");
    let mut keys: Vec<(String, String)> =
        rows.iter().map(|r| (r[5].clone(), r[8].clone())).collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "each (person, item) once");
    let table = ok(&d.db, &["--user", "kader.rw001.a", "worklist"]);
    assert!(table.contains(&format!("{n} items")), "{table}");

    // The bidan sees more than one kader.
    let bidan = csv_rows(&ok(
        &d.db,
        &["--user", "bidan.oesapa.1", "worklist", "--csv"],
    ));
    assert!(bidan.len() >= rows.len());

    // One person's schedule: a child from the worklist has immunization items with statuses.
    let child = rows
        .iter()
        .find(|r| r[8].starts_with("Imunisasi"))
        .or_else(|| rows.first())
        .unwrap()[5]
        .clone();
    let sched = csv_rows(&ok(
        &d.db,
        &["--user", "kader.rw001.a", "schedule", &child, "--csv"],
    ));
    assert!(!sched.is_empty());
    for r in &sched {
        assert!(
            [
                "upcoming",
                "due",
                "overdue",
                "done",
                "missed",
                "not_allowed"
            ]
            .contains(&r[5].as_str()),
            "{r:?}"
        );
        assert!(r[2] <= r[3], "earliest <= due: {r:?}");
    }
    // A person outside the kader's RTs is refused by name.
    let (code, _, err) = ilp(&d.db, &["--user", "kader.rw001.a", "schedule", "not-an-id"]);
    assert_eq!(code, 2);
    assert!(err.contains("person"), "{err}");

    // Coverage of the kelurahan: numerators never exceed denominators.
    let cov = csv_rows(&ok(
        &d.db,
        &[
            "--user",
            "supervisor.oesapa",
            "coverage",
            "--area",
            "53.71.03.1010",
            "--month",
            "2026-11",
            "--csv",
        ],
    ));
    let codes: Vec<&str> = cov.iter().map(|r| r[0].as_str()).collect();
    for c in [
        "skdn_s",
        "skdn_d",
        "idl",
        "k1_access",
        "k6",
        "stunting",
        "households_without_jkn",
    ] {
        assert!(codes.contains(&c), "{c} missing from {codes:?}");
    }
    for r in &cov {
        let num: u32 = r[2].parse().unwrap();
        let den: u32 = r[3].parse().unwrap();
        assert!(num <= den, "{r:?}");
    }
    // Drill-down lists exactly the denominator, marking the numerator.
    let d_row = cov.iter().find(|r| r[0] == "skdn_d").unwrap();
    let persons = csv_rows(&ok(
        &d.db,
        &[
            "--user",
            "supervisor.oesapa",
            "coverage",
            "--area",
            "53.71.03.1010",
            "--month",
            "2026-11",
            "--persons",
            "skdn_d",
            "--csv",
        ],
    ));
    assert_eq!(persons.len().to_string(), d_row[3]);
    assert_eq!(
        persons.iter().filter(|p| p[3] == "yes").count().to_string(),
        d_row[2]
    );
    // A kader may not read the whole kelurahan (it has a second RW); a future month is refused.
    let (code, _, err) = ilp(
        &d.db,
        &[
            "--user",
            "kader.rw001.a",
            "coverage",
            "--area",
            "53.71.03.1010",
        ],
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = ilp(
        &d.db,
        &[
            "--user",
            "supervisor.oesapa",
            "coverage",
            "--area",
            "53.71.03.1010",
            "--month",
            "2027-01",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("month"), "{err}");

    // The Posyandu session of a past day lists who came and who becomes a home visit.
    let session = ok(
        &d.db,
        &[
            "posyandu",
            "session",
            "--posyandu",
            "Posyandu Mawar",
            "--date",
            "2026-11-10",
        ],
    );
    assert!(
        session.contains("Posyandu Mawar on 2026-11-10"),
        "{session}"
    );
    assert!(session.contains("expected"), "{session}");
    // Without a date: the last session held, where some of those expected came.
    let last = ok(
        &d.db,
        &["posyandu", "session", "--posyandu", "Posyandu Mawar"],
    );
    let header = last.lines().next().unwrap();
    let came: u32 = header
        .split(", ")
        .find_map(|part| part.strip_suffix(" came"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no 'came' count in {header}"));
    assert!(came > 0, "{last}");
    assert!(header.contains("become home visits"), "{header}");
}
