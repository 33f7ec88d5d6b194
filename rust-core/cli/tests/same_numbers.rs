//! One set of numbers on every surface: the demo kelurahan on the real sync server (in-process, on
//! loopback), then the same supervisor reads coverage three ways, side by side: the dashboard's
//! CSV export, the apps' supervisor screen (`IlpCore::coverage` on a phone store that logged in and
//! synced through the FFI) and `ilp coverage --csv` (the `ilp` binary as a device that logged in and
//! synced). Numerators, denominators and percentages of every indicator must agree for the
//! kelurahan, an RW, an RT and a Posyandu in this month and the last, and for the kelurahan the
//! persons behind each number too.

use ilp_e2e::{DemoServer, demo_password};
use ilpcore::{CoverageView, OpenConfig, SyncListener, SyncProgressView};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

/// The demo kelurahan as the README's main job seeds it.
const HOUSEHOLDS: usize = 500;
const SUPERVISOR: &str = "supervisor.oesapa";

/// One indicator's figures as a surface shows them.
#[derive(Debug, PartialEq)]
struct Figures {
    numerator: u32,
    denominator: u32,
    /// Percent to one decimal, `None` on an empty denominator.
    percent: Option<String>,
}

/// An area as each surface names it: the app by id, the dashboard by id, the CLI by path or name.
struct Target {
    what: &'static str,
    area_id: Option<String>,
    posyandu_id: Option<String>,
    cli: Vec<String>,
}

/// What one surface shows for an area and month, by indicator code.
type Table = BTreeMap<String, Figures>;

struct Quiet;
impl SyncListener for Quiet {
    fn on_progress(&self, _: SyncProgressView) {}
}

fn percent_text(p: Option<f64>) -> Option<String> {
    p.map(|x| format!("{x:.1}"))
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// `ilp` as a device of `db`, talking to `server`.
fn ilp(db: &Path, server: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ilp"))
        .arg("--plain")
        .arg("--db")
        .arg(db)
        .args(args)
        .env("ILP_SERVER", server)
        .env("ILP_PASSWORD", demo_password(SUPERVISOR))
        .env_remove("ILP_DB_KEY")
        .output()
        .expect("run ilp");
    assert!(
        out.status.success(),
        "ilp {args:?}\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `ilp coverage --csv`: code, indicator, numerator, denominator, percent ("-" when empty), PERIOD.
fn cli_table(db: &Path, server: &str, target: &[&str], month: &str) -> Table {
    let mut args = vec!["coverage", "--month", month, "--csv"];
    args.extend_from_slice(target);
    let rows = csv_rows(&ilp(db, server, &args));
    assert_eq!(
        rows[0][..4],
        ["code", "indicator", "numerator", "denominator"]
    );
    rows[1..]
        .iter()
        .map(|r| {
            (
                r[0].clone(),
                Figures {
                    numerator: r[2].parse().unwrap(),
                    denominator: r[3].parse().unwrap(),
                    percent: (r[4] != "-").then(|| r[4].clone()),
                },
            )
        })
        .collect()
}

fn ffi_table(view: &CoverageView) -> Table {
    view.rows
        .iter()
        .map(|r| {
            (
                r.code.clone(),
                Figures {
                    numerator: r.numerator,
                    denominator: r.denominator,
                    percent: percent_text(r.percent),
                },
            )
        })
        .collect()
}

/// The dashboard's coverage CSV: heading lines (area, month, generation time), then a header row
/// starting `code`, then one row per indicator with numerator, denominator and % in columns 4-6.
fn dashboard_table(csv: &str, month: &str) -> Table {
    let rows = csv_rows(csv);
    assert!(
        rows.iter().any(|r| r.len() >= 2 && r[1] == month),
        "the export names its month: {csv}"
    );
    let header = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "code"))
        .expect("a header row");
    rows[header + 1..]
        .iter()
        .take_while(|r| r.first().is_some_and(|c| !c.is_empty()))
        .map(|r| {
            (
                r[0].clone(),
                Figures {
                    numerator: r[4].parse().unwrap(),
                    denominator: r[5].parse().unwrap(),
                    percent: (!r[6].is_empty()).then(|| {
                        // A number cell: the same one-decimal figure, whatever trailing zeros.
                        format!("{:.1}", r[6].parse::<f64>().unwrap())
                    }),
                },
            )
        })
        .collect()
}

/// A browser's dashboard session: the login form's CSRF token and cookies, then the session cookie.
async fn dashboard_login(http: &reqwest::Client, base: &str) -> String {
    let r = http
        .get(format!("{base}/dashboard/login"))
        .send()
        .await
        .unwrap();
    let cookies = cookie_header(r.headers());
    let page = r.text().await.unwrap();
    let marker = r#"name="csrf" value=""#;
    let at = page.find(marker).expect("a CSRF field") + marker.len();
    let csrf = page[at..].split('"').next().unwrap().to_string();
    let password = demo_password(SUPERVISOR);
    let r = http
        .post(format!("{base}/dashboard/login"))
        .header("cookie", cookies)
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", SUPERVISOR),
            ("password", password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "the supervisor logs in");
    cookie_header(r.headers())
}

fn cookie_header(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
        .filter(|kv| !kv.ends_with('='))
        .collect::<Vec<_>>()
        .join("; ")
}

async fn dashboard_get(http: &reqwest::Client, base: &str, cookie: &str, path: &str) -> String {
    let r = http
        .get(format!("{base}{path}"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{path}");
    r.text().await.unwrap()
}

fn month_text(d: time::Date) -> String {
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_app_screen_and_cli_show_the_same_coverage_of_the_demo_kelurahan() {
    let server = DemoServer::start(HOUSEHOLDS).await;
    let base = server.base.clone();
    let dir = tempfile::tempdir().unwrap();

    // The apps' door to the core: a phone store logs in through the FFI and syncs the area.
    let phone = ilpcore::login_online(
        OpenConfig {
            db_path: dir.path().join("phone.db").display().to_string(),
            key: vec![7; 32],
            device_id: uuid::Uuid::new_v4().to_string(),
            username: SUPERVISOR.into(),
            utc_offset_minutes: 480,
        },
        base.clone(),
        demo_password(SUPERVISOR),
        Some("HP supervisor".into()),
    )
    .await
    .expect("online login through the FFI");
    let summary = phone.clone().sync_now(Arc::new(Quiet)).await.unwrap();
    assert!(
        summary.pulled + summary.snapshot_records > 10_000,
        "{summary:?}"
    );

    // The CLI as a second device of the same supervisor.
    let cli_db = dir.path().join("cli.db");
    let cli = cli_db.clone();
    let b = base.clone();
    tokio::task::spawn_blocking(move || {
        ilp(&cli, &b, &["login", "--username", SUPERVISOR]);
        ilp(&cli, &b, &["sync"]);
    })
    .await
    .unwrap();

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let cookie = dashboard_login(&http, &base).await;

    // Areas: the kelurahan, its first RW, that RW's first RT, and the first Posyandu.
    let tree = phone.area_tree().unwrap();
    let village = tree.iter().find(|a| a.level == "village").unwrap();
    let rw = tree
        .iter()
        .find(|a| a.level == "rw" && a.parent_id.as_deref() == Some(&village.id))
        .unwrap();
    let rt = tree
        .iter()
        .find(|a| a.level == "rt" && a.parent_id.as_deref() == Some(&rw.id))
        .unwrap();
    let posyandu = phone.posyandu_list().unwrap().remove(0);
    let rw_path = format!("{}/{}", village.code, rw.code);
    let rt_path = format!("{rw_path}/{}", rt.code);
    let area = |what: &'static str, id: &str, path: &str| Target {
        what,
        area_id: Some(id.to_string()),
        posyandu_id: None,
        cli: vec!["--area".into(), path.to_string()],
    };
    let targets = [
        area("kelurahan", &village.id, &village.code),
        area("RW", &rw.id, &rw_path),
        area("RT", &rt.id, &rt_path),
        Target {
            what: "Posyandu",
            area_id: None,
            posyandu_id: Some(posyandu.id.clone()),
            cli: vec!["--posyandu".into(), posyandu.name.clone()],
        },
    ];

    let today = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap())
        .date();
    let this_month = today.replace_day(1).unwrap();
    let last_month = this_month.previous_day().unwrap().replace_day(1).unwrap();
    let mut nonzero = 0;
    for month in [this_month, last_month] {
        let m = month_text(month);
        for Target {
            what,
            area_id,
            posyandu_id,
            cli: cli_target,
        } in &targets
        {
            let app = ffi_table(
                &phone
                    .coverage(area_id.clone(), posyandu_id.clone(), m.clone())
                    .unwrap(),
            );
            let key = area_id.clone().or(posyandu_id.clone()).unwrap();
            let web = dashboard_table(
                &dashboard_get(
                    &http,
                    &base,
                    &cookie,
                    &format!("/dashboard/export/coverage.csv?area={key}&month={m}"),
                )
                .await,
                &m,
            );
            let (cli, b, cmd, mm) = (cli_db.clone(), base.clone(), cli_target.clone(), m.clone());
            let line = tokio::task::spawn_blocking(move || {
                let args: Vec<&str> = cmd.iter().map(String::as_str).collect();
                cli_table(&cli, &b, &args, &mm)
            })
            .await
            .unwrap();
            assert!(app.len() >= 30, "{what} {m}: {} indicators", app.len());
            assert_eq!(
                app.keys().collect::<Vec<_>>(),
                web.keys().collect::<Vec<_>>(),
                "{what} {m}: the same indicators on the dashboard as in the app"
            );
            assert_eq!(
                app.keys().collect::<Vec<_>>(),
                line.keys().collect::<Vec<_>>(),
                "{what} {m}: the same indicators in the CLI as in the app"
            );
            for (code, figures) in &app {
                assert_eq!(&web[code], figures, "{what} {m} {code}: dashboard vs app");
                assert_eq!(&line[code], figures, "{what} {m} {code}: CLI vs app");
                nonzero += usize::from(figures.numerator > 0);
            }
        }
    }
    assert!(
        nonzero > 60,
        "the demo kelurahan's numbers are not empty ({nonzero} non-zero numerators)"
    );

    // The persons behind each number of the kelurahan this month: the app's counted and missing
    // ids, the CLI's `--persons CODE` and the dashboard's drill-down exports name the same people.
    let m = month_text(this_month);
    let view = phone
        .coverage(Some(village.id.clone()), None, m.clone())
        .unwrap();
    for row in &view.rows {
        let counted: BTreeSet<String> = row.numerator_ids.iter().cloned().collect();
        let missing: BTreeSet<String> = row.missing_ids.iter().cloned().collect();
        let (cli, b, code, v, mm) = (
            cli_db.clone(),
            base.clone(),
            row.code.clone(),
            village.code.clone(),
            m.clone(),
        );
        let rows = tokio::task::spawn_blocking(move || {
            csv_rows(&ilp(
                &cli,
                &b,
                &[
                    "coverage",
                    "--area",
                    &v,
                    "--month",
                    &mm,
                    "--persons",
                    &code,
                    "--csv",
                ],
            ))
        })
        .await
        .unwrap();
        let cli_side = |yes: &str| -> BTreeSet<String> {
            rows[1..]
                .iter()
                .filter(|r| r[3] == yes)
                .map(|r| r[0].clone())
                .collect()
        };
        assert_eq!(cli_side("yes"), counted, "{}: CLI counted vs app", row.code);
        assert_eq!(cli_side("no"), missing, "{}: CLI missing vs app", row.code);
        for (side, expected) in [("counted", &counted), ("missing", &missing)] {
            let csv = dashboard_get(
                &http,
                &base,
                &cookie,
                &format!(
                    "/dashboard/export/list.csv?area={}&month={m}&indicator={}&side={side}",
                    village.id, row.code
                ),
            )
            .await;
            let rows = csv_rows(&csv);
            let header = rows
                .iter()
                .position(|r| r.first().is_some_and(|c| c == "id"))
                .expect("a header row");
            let listed: BTreeSet<String> = rows[header + 1..]
                .iter()
                .take_while(|r| r.first().is_some_and(|c| !c.is_empty()))
                .map(|r| r[0].clone())
                .collect();
            assert_eq!(
                &listed, expected,
                "{} {side}: dashboard drill-down vs app",
                row.code
            );
        }
    }
}
