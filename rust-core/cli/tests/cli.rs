//! End-to-end tests of the `ilp` binary against databases in temporary directories.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-11-22T09:00:00+08:00";

struct Env {
    dir: tempfile::TempDir,
    db: PathBuf,
    key: PathBuf,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from(o: Output) -> Self {
        Self {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

fn ilp_raw(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_ilp"))
        .args(args)
        .env_remove("ILP_DB")
        .env_remove("ILP_DB_KEY")
        .output()
        .expect("run ilp");
    Run::from(out)
}

impl Env {
    /// A new encrypted database with the admin user.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("ilp.db");
        let key = dir.path().join("ilp.key");
        ilp_raw(&["key", "generate", "--out", key.to_str().unwrap()]).ok();
        let env = Self { dir, db, key };
        let r = env
            .ilp(&["init", "--admin-name", "Admin Puskesmas Oesapa"])
            .ok();
        assert!(
            r.stdout
                .contains(&format!("schema version: {}", ilp_store::SCHEMA_VERSION)),
            "{}",
            r.stdout
        );
        env
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn ilp(&self, args: &[&str]) -> Run {
        let mut all = vec![
            "--db",
            self.db.to_str().unwrap(),
            "--key-file",
            self.key.to_str().unwrap(),
            "--now",
            NOW,
        ];
        all.extend_from_slice(args);
        ilp_raw(&all)
    }

    fn import(&self, what: &str, file: &Path) -> Run {
        self.ilp(&["import", what, "--csv", file.to_str().unwrap()])
    }

    fn check_ok(&self) -> Run {
        let r = self.ilp(&["check"]).ok();
        assert!(r.stdout.contains("integrity:      ok"), "{}", r.stdout);
        r
    }
}

/// The first UUID-looking word of the output line that mentions `needle`.
fn id_on_line(out: &str, needle: &str) -> String {
    let line = out
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle} in\n{out}"));
    line.split_whitespace()
        .find(|w| w.len() == 36 && w.matches('-').count() == 4)
        .unwrap_or_else(|| panic!("no id on line {line}"))
        .to_string()
}

fn count_in_check(out: &str, label: &str) -> i64 {
    out.lines()
        .find(|l| l.starts_with(&format!("{label}:")))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no {label} in\n{out}"))
}

// Rows out of order on purpose: parents are imported first whatever the order.
const AREAS: &str = "\
level,code,name,parent_code
rt,2,RT 002,53.71.03.1010/005
provinsi,53,Nusa Tenggara Timur,
kota,53.71,Kota Kupang,53
kecamatan,53.71.03,Kelapa Lima,
kelurahan,53.71.03.1010,Oesapa,53.71.03
rw,5,RW 005,53.71.03.1010
rt,1,RT 001,53.71.03.1010/005
";

// Line numbers as a spreadsheet shows them (the header is line 1):
//  A (lines 2, 3, 5): good, a child linked to its mother by NIK.
//  B (lines 4, 13): good, rows not next to each other.
//  C (6-8): line 7 has a 11-digit NIK.
//  D (9, 10): line 9 born in the future, line 10 sex X: both reported.
//  E (11): RT 009 is not in the tree.
//  F (12): the NIK of line 2.
const HOUSEHOLDS: &str = "\
household_ref,kelurahan_code,rw,rt,kk_number,address,lat,lon,jkn,clean_water,healthy_latrine,name,nik,sex,birth_date,age_years,relation,phone,mother_nik,notes
A,53.71.03.1010,005,002,5371030101200001,Jl. Timor Raya No. 12,-10.1540,123.6330,PBI,ya,ya,Yohanes Bana,5371031207850003,L,12-07-1985,,kepala keluarga,081234567890,,
A,53.71.03.1010,005,002,,,,,,,,Maria Seran,5371035503880001,P,1988-03-15,,istri,,,
B,53.71.03.1010,5,1,5371030101200002,Gang Kenari,,,Mandiri,tidak,ya,Lukas Tefa,5371030202700005,L,02/02/1970,,kepala keluarga,,,rumah sewa
A,53.71.03.1010,005,002,,,,,,,,Kristina Bana,5371034406230002,P,04/06/2023,,anak,,5371035503880001,
C,53.71.03.1010,005,001,,Jl. Bajawa,,,Tidak ada,,,Fransiskus Nahak,5371031509800001,L,1980-09-15,,kepala keluarga,,,
C,53.71.03.1010,005,001,,,,,,,,Agustina Nahak,53710355058,P,1982-05-15,,istri,,,
C,53.71.03.1010,005,001,,,,,,,,Petrus Nahak,,L,2010-01-01,,anak,,,
D,53.71.03.1010,005,001,,,,,,,,Siprianus Lay,,L,2030-01-01,,kepala keluarga,,,
D,53.71.03.1010,005,001,,,,,,,,Veronika Lay,,X,1990-01-01,,istri,,,
E,53.71.03.1010,005,009,,,,,,,,Markus Ndun,,L,,45,kepala keluarga,,,
F,53.71.03.1010,005,002,,,,,,,,Paulus Dupe,5371031207850003,L,1975-01-01,,kepala keluarga,,,
B,53.71.03.1010,005,001,,,,,,,,Soekarno Tefa,,L,2024-05-01,,anak,,,
";

fn imported_env() -> (Env, Run) {
    let env = Env::new();
    let areas = env.write("areas.csv", AREAS);
    let r = env.import("areas", &areas).ok();
    assert!(r.stdout.contains("areas imported: 7"), "{}", r.stdout);
    let hh = env.write("households.csv", HOUSEHOLDS);
    let r = env.import("households", &hh);
    (env, r)
}

#[test]
fn import_reports_every_bad_row_and_keeps_the_good_households() {
    let (env, r) = imported_env();
    assert_eq!(r.code, 2, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    for expected in [
        "row 7, column nik:",
        "row 9, column birth_date:",
        "row 10, column sex:",
        "row 11, column rt:",
        "row 12, column nik:",
    ] {
        assert!(
            r.stderr.contains(expected),
            "{expected} missing in\n{}",
            r.stderr
        );
    }
    let error_lines: Vec<&str> = r.stderr.lines().filter(|l| l.starts_with("row ")).collect();
    assert_eq!(error_lines.len(), 5, "{}", r.stderr);
    // The duplicate NIK is named, masked, with the row that brought it first.
    assert!(
        r.stderr.contains(
            "NIK 5371********0003 already belongs to another person (imported from row 2)"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("5371031207850003"), "full NIK printed");
    assert!(r.stdout.contains("households imported: 2"), "{}", r.stdout);
    assert!(r.stdout.contains("persons imported: 5"), "{}", r.stdout);
    assert!(r.stdout.contains("households skipped: 4"), "{}", r.stdout);
    assert!(r.stdout.contains("rows with errors: 5"), "{}", r.stdout);

    let check = env.check_ok();
    assert_eq!(count_in_check(&check.stdout, "households"), 2);
    assert_eq!(count_in_check(&check.stdout, "persons"), 5);

    // Household C had one bad row: none of its members is there.
    let rt1 = env
        .ilp(&["list", "households", "--rt", "53.71.03.1010/005/001"])
        .ok();
    assert!(rt1.stdout.contains("Lukas Tefa"), "{}", rt1.stdout);
    assert!(!rt1.stdout.contains("Nahak"), "{}", rt1.stdout);
    let s = env.ilp(&["search", "Petrus Nahak"]).ok();
    assert!(s.stdout.contains("no one found"), "{}", s.stdout);

    // Household B's rows were apart in the file; it has both members.
    let b = id_on_line(&rt1.stdout, "Lukas Tefa");
    let show = env.ilp(&["show", "household", &b]).ok();
    assert!(show.stdout.contains("Soekarno Tefa"), "{}", show.stdout);
    assert!(show.stdout.contains("Members (2)"), "{}", show.stdout);
    assert!(show.stdout.contains("non_pbi"), "{}", show.stdout);
}

#[test]
fn dry_run_writes_nothing() {
    let env = Env::new();
    env.import("areas", &env.write("areas.csv", AREAS)).ok();
    let hh = env.write("households.csv", HOUSEHOLDS);
    let r = env.ilp(&[
        "import",
        "households",
        "--csv",
        hh.to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.contains("households would be imported: 2"),
        "{}",
        r.stdout
    );
    let check = env.check_ok();
    assert_eq!(count_in_check(&check.stdout, "households"), 0);
}

#[test]
fn search_finds_a_name_typed_in_old_spelling() {
    let (env, _) = imported_env();
    let r = env.ilp(&["search", "Johanes Bana"]).ok();
    assert!(r.stdout.contains("Yohanes Bana"), "{}", r.stdout);
    assert!(r.stdout.contains("5371********0003"), "{}", r.stdout);
    let r = env.ilp(&["search", "sukarno"]).ok();
    assert!(r.stdout.contains("Soekarno Tefa"), "{}", r.stdout);
    let r = env.ilp(&["search", "5371034406230002"]).ok();
    assert!(r.stdout.contains("Kristina Bana"), "{}", r.stdout);
}

#[test]
fn a_visit_shows_on_the_household_and_a_bad_weight_writes_nothing() {
    let (env, _) = imported_env();
    let list = env
        .ilp(&["list", "households", "--rt", "53.71.03.1010/005/002"])
        .ok();
    let household = id_on_line(&list.stdout, "Yohanes Bana");
    let show = env.ilp(&["show", "household", &household]).ok();
    let child = id_on_line(&show.stdout, "Kristina Bana");

    let r = env
        .ilp(&[
            "visit",
            "record",
            "--person",
            &child,
            "--kind",
            "posyandu",
            "--weight",
            "12.5",
            "--height",
            "93.2",
            "--standing",
            "--service",
            "vitamin_a_red",
        ])
        .ok();
    assert!(r.stdout.contains("visit recorded"), "{}", r.stdout);
    let show = env.ilp(&["show", "household", &household]).ok();
    assert!(show.stdout.contains("weight 12.5 kg"), "{}", show.stdout);
    assert!(
        show.stdout.contains("height 93.2 cm standing"),
        "{}",
        show.stdout
    );
    let before = count_in_check(&env.check_ok().stdout, "events");
    assert_eq!(before, 3);

    // 125 kg for a three-year-old: refused, naming the field; nothing of the visit is written.
    let r = env.ilp(&[
        "visit",
        "record",
        "--person",
        &child,
        "--kind",
        "posyandu",
        "--weight",
        "125",
        "--immunization",
        "mr:2",
        "--note",
        "berat salah ketik",
    ]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.starts_with("error: measurement.weight_kg: "),
        "{}",
        r.stderr
    );
    assert_eq!(count_in_check(&env.check_ok().stdout, "events"), before);

    // An unknown person and a malformed blood pressure are refused too.
    let r = env.ilp(&["visit", "record", "--person", &household, "--kind", "home"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("error: person: "), "{}", r.stderr);
    let r = env.ilp(&[
        "visit", "record", "--person", &child, "--kind", "home", "--bp", "120-80",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("error: measurement.systolic_mmhg"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_wrong_or_missing_key_is_refused_clearly() {
    let env = Env::new();
    let other = env.path("other.key");
    ilp_raw(&["key", "generate", "--out", other.to_str().unwrap()]).ok();
    let db = env.db.to_str().unwrap();

    let r = ilp_raw(&["--db", db, "--key-file", other.to_str().unwrap(), "check"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("database key was refused"),
        "{}",
        r.stderr
    );
    // The file is left as it was: the right key still opens it.
    env.check_ok();

    let r = ilp_raw(&["--db", db, "--plain", "check"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("encrypted"), "{}", r.stderr);

    let r = ilp_raw(&["--db", db, "check"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no database key"), "{}", r.stderr);

    let bad = env.write("bad.key", "not hex at all");
    let r = ilp_raw(&["--db", db, "--key-file", bad.to_str().unwrap(), "check"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("64 hexadecimal digits"), "{}", r.stderr);

    // The key in the environment works like the key file.
    let hex = std::fs::read_to_string(&env.key).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ilp"))
        .args(["--db", db, "check"])
        .env("ILP_DB_KEY", hex.trim())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn key_files_are_private_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.key");
    let k = key.to_str().unwrap();
    ilp_raw(&["key", "generate", "--out", k]).ok();
    let text = std::fs::read_to_string(&key).unwrap();
    assert_eq!(text.trim().len(), 64);
    assert!(text.trim().bytes().all(|b| b.is_ascii_hexdigit()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let r = ilp_raw(&["key", "generate", "--out", k]);
    assert_eq!(r.code, 1);
    assert_eq!(std::fs::read_to_string(&key).unwrap(), text);
}

#[test]
fn init_refuses_an_existing_database_and_commands_need_one() {
    let env = Env::new();
    let r = env.ilp(&["init"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    let missing = env.path("missing.db");
    let r = ilp_raw(&["--db", missing.to_str().unwrap(), "--plain", "check"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("ilp init"), "{}", r.stderr);
    assert!(!missing.exists());
}

#[test]
fn posyandu_and_users_import() {
    let env = Env::new();
    env.import("areas", &env.write("areas.csv", AREAS)).ok();
    let p = env.write(
        "posyandu.csv",
        "name,kelurahan_code,rts\nPosyandu Mawar,53.71.03.1010,005/001;005/002\nPosyandu Melati,53.71.03.1010,005/007\n",
    );
    let r = env.import("posyandu", &p);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("row 3, column rts:"), "{}", r.stderr);
    assert!(r.stdout.contains("posyandu imported: 1"), "{}", r.stdout);
    let u = env.write(
        "users.csv",
        "username,display_name,role,areas\n\
         bidan.oesapa,Bd. Maria Goreti Seran,bidan,53.71.03.1010\n\
         kader.rw005.a,Yuliana Tefa,kader,53.71.03.1010/005/001;53.71.03.1010/005/002\n\
         kader.bad,Someone,kader,53.71.03.1010\n\
         dukun,Someone,healer,\n",
    );
    let r = env.import("users", &u);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("row 4, column areas:"), "{}", r.stderr);
    assert!(r.stderr.contains("row 5, column role:"), "{}", r.stderr);
    assert!(r.stdout.contains("users imported: 2"), "{}", r.stdout);
    // Imported again: nothing new, nothing refused but the bad rows.
    let r = env.import("users", &u);
    assert!(
        r.stdout.contains("already present (left as they are): 2"),
        "{}",
        r.stdout
    );

    // A kader sees only her RT.
    env.import("households", &env.write("households.csv", HOUSEHOLDS));
    let r = env
        .ilp(&["--user", "kader.rw005.a", "search", "Yohanes"])
        .ok();
    assert!(r.stdout.contains("Yohanes Bana"), "{}", r.stdout);
    let r = env.ilp(&["--user", "nobody", "search", "Yohanes"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("error: user:"), "{}", r.stderr);
}

#[test]
fn demo_export_round_trip_skips_exactly_the_bad_households() {
    let env = Env::new();
    let csv = env.path("keluarga.csv");
    let areas = env.path("wilayah.csv");
    let r = ilp_raw(&[
        "demo",
        "export-csv",
        "--households",
        "300",
        "--seed",
        "11",
        "--bad-rows",
        "6",
        "--today",
        "2026-11-22",
        "--out",
        csv.to_str().unwrap(),
        "--areas-out",
        areas.to_str().unwrap(),
    ])
    .ok();
    // "bad row: row N, column X (...), household REF"
    let bad: Vec<(String, String)> = r
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("bad row: "))
        .map(|l| {
            let (at, rest) = l.split_once(" (").unwrap();
            let reference = rest.rsplit("household ").next().unwrap().to_string();
            (at.to_string(), reference)
        })
        .collect();
    assert_eq!(bad.len(), 6, "{}", r.stdout);

    env.import("areas", &areas).ok();
    let r = env.import("households", &csv);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let reported: Vec<&str> = r.stderr.lines().filter(|l| l.starts_with("row ")).collect();
    assert_eq!(reported.len(), 6, "{}", r.stderr);
    for (at, _) in &bad {
        assert!(
            reported.iter().any(|l| l.starts_with(&format!("{at}:"))),
            "{at} not reported in\n{}",
            r.stderr
        );
    }
    assert!(
        r.stdout.contains("households imported: 294"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("households skipped: 6"), "{}", r.stdout);
    assert!(r.stdout.contains("rows with errors: 6"), "{}", r.stdout);
    let check = env.check_ok();
    assert_eq!(count_in_check(&check.stdout, "households"), 294);

    // The skipped households are exactly the ones holding a bad row.
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut persons_expected = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        if !bad.iter().any(|(_, reference)| reference == &rec[0]) {
            persons_expected += 1;
        }
    }
    assert_eq!(count_in_check(&check.stdout, "persons"), persons_expected);
}

#[test]
fn demo_fills_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let d = db.to_str().unwrap();
    let r = ilp_raw(&[
        "--db",
        d,
        "--plain",
        "--now",
        NOW,
        "demo",
        "--households",
        "120",
        "--seed",
        "5",
    ])
    .ok();
    assert!(r.stdout.contains("households: 120"), "{}", r.stdout);
    let r = ilp_raw(&["--db", d, "--plain", "--now", NOW, "check"]).ok();
    assert!(r.stdout.contains("integrity:      ok"), "{}", r.stdout);
    assert!(count_in_check(&r.stdout, "events") > 100, "{}", r.stdout);
    // A second fill is refused.
    let r = ilp_raw(&[
        "--db",
        d,
        "--plain",
        "--now",
        NOW,
        "demo",
        "--households",
        "10",
    ]);
    assert_eq!(r.code, 1);
    // The demo's kelurahan can be listed.
    let r = ilp_raw(&[
        "--db",
        d,
        "--plain",
        "--now",
        NOW,
        "list",
        "households",
        "--rt",
        "53.71.03.1010/001/001",
    ])
    .ok();
    assert!(r.stdout.contains("households"), "{}", r.stdout);
}

#[test]
fn semicolon_separated_files_from_excel_are_read() {
    let env = Env::new();
    env.import("areas", &env.write("areas.csv", &AREAS.replace(',', ";")))
        .ok();
    let hh = env.write(
        "households.csv",
        "\u{feff}HOUSEHOLD_REF;Kelurahan_Code;RW;RT;Nama;Jenis Kelamin;Tanggal Lahir;Hubungan\n\
         1;53.71.03.1010;5;2;Yosef Bria;L;1979-11-02;Kepala Keluarga\n",
    );
    let r = env.import("households", &hh).ok();
    assert!(r.stdout.contains("persons imported: 1"), "{}", r.stdout);
}

#[test]
fn a_batched_import_reports_and_keeps_the_same_as_one_household_per_transaction() {
    let (single, one) = imported_env();
    let env = Env::new();
    env.import("areas", &env.write("areas.csv", AREAS)).ok();
    let hh = env.write("households.csv", HOUSEHOLDS);
    let batched = env.ilp(&[
        "--quiet",
        "import",
        "households",
        "--csv",
        hh.to_str().unwrap(),
        "--batch",
        "3",
    ]);
    assert_eq!(batched.code, 2);
    assert_eq!(batched.stderr, one.stderr);
    let strip_time = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("time:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip_time(&batched.stdout), strip_time(&one.stdout));
    let a = single.check_ok().stdout;
    let b = env.check_ok().stdout;
    for label in ["households", "persons", "outbox"] {
        let pick = |s: &str| {
            s.lines()
                .find(|l| l.starts_with(label))
                .unwrap()
                .to_string()
        };
        assert_eq!(pick(&a), pick(&b));
    }
}

#[test]
fn a_moved_database_keeps_its_device_id() {
    let env = Env::new();
    let before = env.check_ok().stdout;
    let device = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("device id"))
            .unwrap()
            .to_string()
    };
    let moved = env.path("moved.db");
    std::fs::rename(&env.db, &moved).unwrap();
    let r = ilp_raw(&[
        "--db",
        moved.to_str().unwrap(),
        "--key-file",
        env.key.to_str().unwrap(),
        "check",
    ])
    .ok();
    assert_eq!(device(&r.stdout), device(&before));
}
