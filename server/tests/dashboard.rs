//! The supervisor dashboard against the demo kelurahan on an in-process server (SQLite, or the
//! PostgreSQL of `ILP_TEST_DATABASE_URL`): login with a session cookie and CSRF refusals; the
//! coverage page's numbers equal `ilp_store`'s coverage on a device that synced the same data as
//! the supervisor (issue 7, requirement 3), for this month and the one before; drill-down lists
//! match the store's ids; an area outside a kader's scope is refused with 403 on pages and
//! exports; the XLSX and CSV exports read back.

mod common;
mod dashboard_support;

use dashboard_support::*;

use ilp_model::{AreaId, Timestamp};
use ilp_rules::coverage::CoverageTables;
use ilp_store::coverage::CoverageArea;
use ilp_store::outbox::OutboxOp;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The numerator and denominator cells of each row of the coverage table.
fn page_numbers(html: &str) -> HashMap<String, (u32, u32)> {
    let mut out = HashMap::new();
    for chunk in html
        .split(r#"data-testid="coverage-row" data-indicator=""#)
        .skip(1)
    {
        let code = chunk.split('"').next().unwrap().to_string();
        let cell = |testid: &str| -> u32 {
            let at = chunk.find(&format!(r#"data-testid="{testid}">"#)).unwrap();
            let rest = &chunk[at..];
            let rest = &rest[rest.find('>').unwrap() + 1..];
            let rest = rest
                .strip_prefix("<a")
                .map_or(rest, |r| &r[r.find('>').unwrap() + 1..]);
            rest.split('<').next().unwrap().trim().parse().unwrap()
        };
        out.insert(code, (cell("numerator"), cell("denominator")));
    }
    out
}

fn level(fields: &str) -> String {
    serde_json::from_str::<Value>(fields).unwrap()["level"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn month_text(d: time::Date) -> String {
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_sets_a_strict_http_only_cookie_and_forms_without_the_csrf_token_are_refused() {
    let demo = Demo::start().await;
    let supervisor = demo.username("supervisor").await;
    // Not signed in: every page sends the browser to the login form.
    let (status, headers, _) = demo.get("/dashboard/coverage", "").await;
    assert_eq!(status, 303);
    assert_eq!(headers["location"], "/dashboard/login");
    let (status, headers, _) = demo.get("/dashboard/export/coverage.csv", "").await;
    assert_eq!(
        (status, &headers["location"]),
        (303, &"/dashboard/login".parse().unwrap())
    );

    // A login post without the login form's token is refused, even with the right password.
    let (status, _, body) = demo
        .post_form(
            "/dashboard/login",
            "",
            &[
                ("username", &supervisor),
                ("password", &ilp_server::demo::demo_password(&supervisor)),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert!(body.contains(r#"data-testid="csrf-refused""#));

    // A wrong password names no user and starts no session.
    let (_, headers, page) = demo.get("/dashboard/login", "").await;
    let csrf = attr_after(&String::from_utf8(page).unwrap(), r#"name="csrf" value=""#);
    let (status, headers, body) = demo
        .post_form(
            "/dashboard/login",
            &set_cookies(&headers),
            &[
                ("csrf", &csrf),
                ("username", &supervisor),
                ("password", "salah"),
            ],
        )
        .await;
    assert_eq!(status, 401);
    assert!(body.contains(r#"id="login-error""#));
    assert!(!set_cookies(&headers).contains("ilp_dash="));

    let (cookie, csrf) = demo.browser_login(&supervisor).await;
    // Posts without the session's token are refused and change nothing.
    let (status, _, body) = demo
        .post_form("/dashboard/targets", &cookie, &[("target.skdn_d", "95")])
        .await;
    assert_eq!(status, 403);
    assert!(body.contains(r#"data-testid="csrf-refused""#));
    let (status, _, _) = demo
        .post_form("/dashboard/logout", &cookie, &[("csrf", "not-the-token")])
        .await;
    assert_eq!(status, 403);
    let (_, page) = demo.get_text("/dashboard/coverage", &cookie).await;
    assert!(page.contains(r#"id="target-skdn_d" data-testid="target-input" type="number" min="0" max="100" step="0.1" value="80""#));

    // With the token: a target is stored for this user and colours the row; a bad one is named.
    let (status, headers, _) = demo
        .post_form(
            "/dashboard/targets",
            &cookie,
            &[("csrf", &csrf), ("target.skdn_d", "95")],
        )
        .await;
    assert_eq!(status, 303, "{headers:?}");
    let (_, page) = demo.get_text("/dashboard/coverage?saved=1", &cookie).await;
    assert!(page.contains(r#"id="target-skdn_d" data-testid="target-input" type="number" min="0" max="100" step="0.1" value="95""#));
    assert!(page.contains(r#"data-testid="notice""#));
    let (status, _, body) = demo
        .post_form(
            "/dashboard/targets",
            &cookie,
            &[("csrf", &csrf), ("target.stunting", "10")],
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("target.stunting"),
        "the error names the field"
    );

    // English on request, remembered in a cookie.
    let (_, headers, body) = demo.get("/dashboard/coverage?lang=en", &cookie).await;
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("<html lang=\"en\">")
    );
    assert!(set_cookies(&headers).contains("ilp_lang=en"));

    // Logout ends the session on the server: the old cookie no longer opens a page.
    let (status, headers, _) = demo
        .post_form("/dashboard/logout", &cookie, &[("csrf", &csrf)])
        .await;
    assert_eq!(
        (status, &headers["location"]),
        (303, &"/dashboard/login".parse().unwrap())
    );
    let (status, _, _) = demo.get("/dashboard/coverage", &cookie).await;
    assert_eq!(status, 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_counts_what_a_synced_supervisor_phone_counts() {
    let demo = Demo::start().await;
    let supervisor = demo.username("supervisor").await;
    let (cookie, _) = demo.browser_login(&supervisor).await;
    let (store, _dir) = synced_device(&demo, &supervisor).await;

    let today =
        Timestamp::from_millis(demo.state.clock.now_ms()).date_at(ilp_model::timestamp::wita());
    let this_month = today.replace_day(1).unwrap();
    let last_month = (this_month - time::Duration::days(1))
        .replace_day(1)
        .unwrap();
    // The kelurahan, one RW and one Posyandu, as the device knows them.
    let (village, rw, posyandu) = store
        .read(|c| {
            let tree = ilp_store::areas::area_tree(c)?;
            let village = tree
                .iter()
                .find(|a| a.level == ilp_model::AreaLevel::Village)
                .unwrap()
                .id;
            let rw = tree
                .iter()
                .find(|a| a.level == ilp_model::AreaLevel::Rw)
                .unwrap()
                .id;
            let posyandu = ilp_store::areas::posyandu_list(c)?.first().map(|p| p.id);
            Ok((village, rw, posyandu))
        })
        .unwrap();
    let mut areas: Vec<(String, CoverageArea)> = vec![
        (village.to_string(), CoverageArea::Area(village)),
        (rw.to_string(), CoverageArea::Area(rw)),
    ];
    if let Some(p) = posyandu {
        areas.push((p.to_string(), CoverageArea::Posyandu(p)));
    }
    let tables = CoverageTables::default();
    let mut nonzero = 0;
    for (key, area) in &areas {
        for month in [this_month, last_month] {
            let (status, page) = demo
                .get_text(
                    &format!("/dashboard/coverage?area={key}&month={}", month_text(month)),
                    &cookie,
                )
                .await;
            assert_eq!(status, 200);
            let shown = page_numbers(&page);
            let device = store.coverage(*area, month, today, &tables).unwrap();
            assert_eq!(shown.len(), device.rows.len());
            for row in &device.rows {
                assert_eq!(
                    shown[row.code],
                    (row.numerator, row.denominator),
                    "{} in {key} for {}",
                    row.code,
                    month_text(month)
                );
                nonzero += usize::from(row.denominator > 0);
            }
        }
    }
    assert!(nonzero > 20, "the demo's numbers are not all empty");

    // Drill-down: the missing of D/S are the device's denominator minus its numerator.
    let device = store
        .coverage(CoverageArea::Area(village), this_month, today, &tables)
        .unwrap();
    let d = device.row(ilp_rules::coverage::Indicator::SkdnD);
    let mut expected: Vec<String> = d
        .denominator_persons
        .iter()
        .filter(|p| !d.numerator_persons.contains(p))
        .map(|p| p.to_string())
        .collect();
    expected.sort();
    let (status, page) = demo
        .get_text(
            &format!(
                "/dashboard/coverage/skdn_d?area={village}&month={}&side=missing",
                month_text(this_month)
            ),
            &cookie,
        )
        .await;
    assert_eq!(status, 200);
    let mut listed: Vec<String> = page
        .split(r#"data-testid="subject-row" data-id=""#)
        .skip(1)
        .map(|c| c.split('"').next().unwrap().to_string())
        .collect();
    listed.sort();
    assert_eq!(listed, expected);
    assert!(page.contains(r#"data-testid="subject-kader""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_area_outside_a_kaders_scope_is_refused_on_pages_and_exports() {
    let demo = Demo::start().await;
    // A kader of the first RT alone (the demo's kaders each hold a whole RW).
    let st = demo.state.clone();
    let rt = tokio::task::spawn_blocking(move || {
        st.db
            .read(|tx| Ok(tx.records("area")?))
            .unwrap()
            .into_iter()
            .filter(|a| level(&a.fields) == "rt")
            .map(|a| a.id)
            .min()
            .unwrap()
    })
    .await
    .unwrap();
    let kader = add_one_rt_kader(&demo, "kader.satu.rt", rt).await;
    let (cookie, _) = demo.browser_login(&kader).await;
    let (_, page) = demo.get_text("/dashboard/coverage", &cookie).await;
    let mine: Vec<String> = page
        .split(r#"<option value=""#)
        .skip(1)
        .map(|c| c.split('"').next().unwrap().to_string())
        .collect();
    assert!(!mine.is_empty());
    // Another RW's RT, from the server's area records.
    let st = demo.state.clone();
    let areas =
        tokio::task::spawn_blocking(move || st.db.read(|tx| Ok(tx.records("area")?)).unwrap())
            .await
            .unwrap();
    // The kelurahan of the RTs (the demo also names neighbouring kelurahan without RTs).
    let rw = areas.iter().find(|a| level(&a.fields) == "rw").unwrap();
    let village = serde_json::from_str::<Value>(&rw.fields).unwrap()["parent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let foreign = areas
        .iter()
        .find(|a| level(&a.fields) == "rt" && !mine.contains(&a.id))
        .expect("an RT outside the kader's RW")
        .id
        .clone();
    assert!(foreign.parse::<AreaId>().is_ok());
    for path in [
        format!("/dashboard/coverage?area={foreign}"),
        format!("/dashboard/coverage?area={village}"),
        format!("/dashboard/coverage/skdn_d?area={foreign}&side=missing"),
        format!("/dashboard/export/coverage.xlsx?area={foreign}"),
        format!("/dashboard/export/list.csv?area={foreign}&indicator=skdn_d&side=missing"),
    ] {
        let (status, body) = demo.get_text(&path, &cookie).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert!(body.contains(r#"data-testid="forbidden""#), "{path}");
        assert!(
            !body.contains("coverage-table"),
            "{path}: nothing of the area is shown"
        );
    }
    // Its own area opens.
    let (status, _) = demo
        .get_text(&format!("/dashboard/coverage?area={}", mine[0]), &cookie)
        .await;
    assert_eq!(status, 200);
    // A malformed month names the field.
    let (status, body) = demo
        .get_text(
            &format!("/dashboard/coverage?area={}&month=juni", mine[0]),
            &cookie,
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("month: "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xlsx_and_csv_exports_read_back_with_area_month_and_generation_time() {
    use calamine::{Data, DataType, Reader, Xlsx};
    let demo = Demo::start().await;
    let supervisor = demo.username("supervisor").await;
    let (cookie, _) = demo.browser_login(&supervisor).await;
    let (_, page) = demo.get_text("/dashboard/coverage", &cookie).await;
    let area = attr_after(&page, r#"data-testid="coverage-title" data-area=""#);
    let month = attr_after(&page, r#"data-month=""#);
    let shown = page_numbers(&page);

    let (status, headers, bytes) = demo
        .get(
            &format!("/dashboard/export/coverage.xlsx?area={area}&month={month}"),
            &cookie,
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".xlsx")
    );
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let text = |r: u32, c: u32| match sheet.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        other => format!("{other:?}"),
    };
    assert_eq!(text(0, 0), "Wilayah");
    assert_eq!(text(0, 1), "Oesapa");
    assert_eq!(
        (text(1, 0), text(1, 1)),
        ("Bulan".to_string(), month.clone())
    );
    assert_eq!(text(2, 0), "Dibuat");
    assert!(text(2, 1).ends_with("WITA"));
    // The header row, then one row per indicator with the page's numbers.
    let header_row = (0..10).find(|r| text(*r, 0) == "code").unwrap();
    let mut rows = 0;
    for r in header_row + 1.. {
        let code = text(r, 0);
        if code.starts_with("None") || code.is_empty() {
            break;
        }
        let num = sheet.get_value((r, 4)).and_then(|d| d.as_f64()).unwrap() as u32;
        let den = sheet.get_value((r, 5)).and_then(|d| d.as_f64()).unwrap() as u32;
        assert_eq!(shown[&code], (num, den), "{code}");
        rows += 1;
    }
    assert_eq!(rows, shown.len());

    let (status, _, csv) = demo
        .get(
            &format!("/dashboard/export/coverage.csv?area={area}&month={month}&lang=en"),
            &cookie,
        )
        .await;
    assert_eq!(status, 200);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains(&format!("Month,{month}\r\n")), "{csv}");
    assert!(csv.contains("Generated,"));

    let (status, _, bytes) = demo
        .get(
            &format!("/dashboard/export/list.xlsx?area={area}&month={month}&indicator=skdn_d&side=missing"),
            &cookie,
        )
        .await;
    assert_eq!(status, 200);
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let header_row = (0..10u32)
        .find(|r| matches!(sheet.get_value((*r, 0)), Some(Data::String(s)) if s == "id"))
        .unwrap();
    let listed = (header_row + 1..)
        .take_while(|r| matches!(sheet.get_value((*r, 0)), Some(Data::String(_))))
        .count();
    let (d_num, d_den) = shown["skdn_d"];
    assert_eq!(listed as u32, d_den - d_num);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn action_lists_show_an_overdue_dose_and_an_emergency_referral_pushed_by_a_phone() {
    use ilp_store::events::{ReferralInput, VisitInput};
    use ilp_store::input::{HouseholdInput, PersonInput};
    let demo = Demo::start().await;
    let kader = demo.username("kader").await;
    let (store, _dir, token, device) = synced_device_with_token(&demo, &kader).await;
    let st = demo.state.clone();
    let k = kader.clone();
    let user: ilp_model::UserId = tokio::task::spawn_blocking(move || {
        st.db
            .read(|tx| Ok(tx.users()?))
            .unwrap()
            .into_iter()
            .find(|u| u.username == k)
            .unwrap()
            .id
            .parse()
            .unwrap()
    })
    .await
    .unwrap();
    let now = Timestamp::from_millis(demo.state.clock.now_ms());
    let today = now.date_at(ilp_model::timestamp::wita());
    // An RT of the kader's, and the kelurahan (which holds another RW too).
    let (rt, village): (AreaId, AreaId) = store
        .read(|c| {
            let rt: String = c.query_row(
                "SELECT rt_id FROM household ORDER BY rt_id LIMIT 1",
                [],
                |r| r.get(0),
            )?;
            let tree = ilp_store::areas::area_tree(c)?;
            let village = tree
                .iter()
                .find(|a| a.level == ilp_model::AreaLevel::Village)
                .unwrap()
                .id;
            Ok((rt.parse().unwrap(), village))
        })
        .unwrap();
    // A family registered on the phone: a baby of four months never immunized, and a father
    // referred as an emergency with a pick-up called.
    let ctx = ilp_store::WriteCtx { user, now, today };
    let reg = store
        .write(&ctx, |w| {
            ilp_store::households::register(
                w,
                &HouseholdInput {
                    rt,
                    kk_number: None,
                    address: Some("Jl. Uji No. 1".into()),
                    gps: None,
                    jkn: ilp_model::JknStatus::Pbi,
                    clean_water: None,
                    healthy_latrine: None,
                    notes: None,
                },
                &[
                    PersonInput {
                        name: Some("Bapak Uji Rujukan".into()),
                        sex: Some(ilp_model::Sex::Male),
                        birth_date: Some(today - time::Duration::days(40 * 365)),
                        relation: Some(ilp_model::Relation::Head),
                        ..Default::default()
                    },
                    PersonInput {
                        name: Some("Bayi Uji Terlambat".into()),
                        sex: Some(ilp_model::Sex::Female),
                        birth_date: Some(today - time::Duration::days(120)),
                        relation: Some(ilp_model::Relation::Child),
                        ..Default::default()
                    },
                ],
            )
        })
        .unwrap();
    store
        .write(&ctx, |w| {
            ilp_store::events::record_visit(
                w,
                &VisitInput {
                    referral: Some(ReferralInput {
                        to: "RSUD S.K. Lerik".into(),
                        emergency: true,
                        reason: Some("Nyeri dada".into()),
                        pickup_called: true,
                        pickup_called_at: Some(now),
                        pickup_service: Some("Brigade Kupang Sehat".into()),
                    }),
                    ..VisitInput::new(reg.members[0], now, ilp_model::VisitKind::HomeVisit)
                },
            )
        })
        .unwrap();
    let changes: Vec<Value> = store
        .outbox_pending(0, 1000)
        .unwrap()
        .into_iter()
        .map(|e| {
            json!({"seq": e.seq, "entity": e.entity, "entity_id": e.entity_id,
                   "op": match e.op { OutboxOp::Upsert => "upsert", OutboxOp::Append => "append" },
                   "hlc": e.hlc.to_string(), "payload": e.payload})
        })
        .collect();
    let (status, body) = post_json(
        &demo,
        "/api/v1/push",
        Some(&token),
        &json!({"protocol": 1, "device_id": device.to_string(),
                "device_time_ms": now.millis(), "changes": changes}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["refused"], json!([]), "{body}");

    let supervisor = demo.username("supervisor").await;
    let (cookie, _) = demo.browser_login(&supervisor).await;
    let (status, page) = demo
        .get_text(&format!("/dashboard/lists?area={rt}"), &cookie)
        .await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"data-list="overdue_immunizations""#));
    let referrals = page
        .split(r#"id="list-emergency_referrals""#)
        .nth(1)
        .unwrap();
    assert!(referrals.contains("Bapak Uji Rujukan"), "{referrals}");
    assert!(referrals.contains("Brigade Kupang Sehat"));
    // No name in any link.
    for href in page.split("href=\"").skip(1) {
        let href = href.split('"').next().unwrap();
        assert!(!href.contains("Uji"), "{href}");
    }
    // The whole lists, as exports: the baby's overdue doses, the father's referral.
    let (status, csv) = demo
        .get_text(
            &format!("/dashboard/export/actions.csv?list=overdue_immunizations&area={rt}"),
            &cookie,
        )
        .await;
    assert_eq!(status, 200);
    assert!(csv.contains("Dibuat,"), "{csv}");
    let baby: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains("Bayi Uji Terlambat"))
        .collect();
    assert!(!baby.is_empty(), "{csv}");
    assert!(baby.iter().any(|l| l.contains("Imunisasi")), "{baby:?}");
    assert!(
        baby.iter()
            .all(|l| l.starts_with(&reg.members[1].to_string()))
    );
    let (status, _, xlsx) = demo
        .get(
            &format!("/dashboard/export/actions.xlsx?list=emergency_referrals&area={rt}"),
            &cookie,
        )
        .await;
    assert_eq!(status, 200);
    {
        use calamine::{Data, Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let found = sheet.rows().any(|r| {
            matches!(r.get(1), Some(Data::String(s)) if s == "Bapak Uji Rujukan")
                && r.iter()
                    .any(|c| matches!(c, Data::String(s) if s == "dipanggil"))
        });
        assert!(found, "the referral is in the XLSX");
    }

    // A kader of that RT alone is refused the kelurahan's lists and exports.
    let one_rt = add_one_rt_kader(&demo, "kader.lists.rt", rt.to_string()).await;
    let (cookie, _) = demo.browser_login(&one_rt).await;
    for path in [
        format!("/dashboard/lists?area={village}"),
        format!("/dashboard/export/actions.csv?list=emergency_referrals&area={village}"),
        format!("/dashboard/export/actions.xlsx?list=overdue_immunizations&area={village}"),
    ] {
        let (status, body) = demo.get_text(&path, &cookie).await;
        assert_eq!(status, 403, "{path}");
        assert!(!body.contains("Uji"), "{path}");
    }
    let (status, _) = demo
        .get_text(&format!("/dashboard/lists?area={rt}"), &cookie)
        .await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anc_behind_lists_women_with_a_contact_overdue_or_missed_as_of_today() {
    use ilp_store::events::VisitInput;
    use ilp_store::input::{HouseholdInput, PersonInput};
    let demo = Demo::start().await;
    let kader = demo.username("kader").await;
    let (store, _dir, token, device) = synced_device_with_token(&demo, &kader).await;
    let user = user_id(&demo, &kader).await;
    let now = Timestamp::from_millis(demo.state.clock.now_ms());
    let today = now.date_at(ilp_model::timestamp::wita());
    let rt = store
        .read(|c| {
            Ok(ilp_store::areas::area_tree(c)?
                .into_iter()
                .find(|a| a.level == ilp_model::AreaLevel::Rt)
                .unwrap()
                .id)
        })
        .unwrap();
    // Three pregnant women: at 33 weeks with K1..K3 made, behind on K4 (due before week 31); at
    // 27 weeks with K1..K3 made, in K4's window but not yet due: not behind; at 15 weeks with no
    // contact: K1 (a doctor's, by week 13) missed.
    let weeks = |n: i64| time::Duration::days(7 * n);
    let ago = |n: i64| Timestamp::from_millis(now.millis() - 7 * n * 86_400_000);
    let ctx = ilp_store::WriteCtx { user, now, today };
    let woman = |name: &str| PersonInput {
        name: Some(name.into()),
        sex: Some(ilp_model::Sex::Female),
        birth_date: Some(today - time::Duration::days(26 * 365)),
        ..Default::default()
    };
    let reg = store
        .write(&ctx, |w| {
            ilp_store::households::register(
                w,
                &HouseholdInput {
                    rt,
                    kk_number: None,
                    address: Some("Jl. Uji ANC".into()),
                    gps: None,
                    jkn: ilp_model::JknStatus::Pbi,
                    clean_water: None,
                    healthy_latrine: None,
                    notes: None,
                },
                &[
                    woman("Ibu Uji Terlambat"),
                    woman("Ibu Uji Tepat Waktu"),
                    woman("Ibu Uji Terlewat"),
                ],
            )
        })
        .unwrap();
    let [behind, on_time, missed] = [reg.members[0], reg.members[1], reg.members[2]];
    let (behind_hpht, missed_hpht) = (today - weeks(33), today - weeks(15));
    for (person, at_weeks) in [(behind, 33), (on_time, 27), (missed, 15)] {
        store
            .write(&ctx, |w| {
                let p = ilp_store::pregnancies::register(
                    w,
                    person,
                    Some(today - weeks(at_weeks)),
                    None,
                )?;
                if at_weeks > 25 {
                    // K1 with a doctor in week 8, K2 in week 15, K3 in week 22.
                    for (week, by_doctor) in [(8, true), (15, false), (22, false)] {
                        ilp_store::events::record_visit(
                            w,
                            &VisitInput {
                                pregnancy: Some(p),
                                ..VisitInput::new(
                                    person,
                                    ago(at_weeks - week),
                                    ilp_model::VisitKind::Anc {
                                        contact: None,
                                        by_doctor,
                                    },
                                )
                            },
                        )?;
                    }
                }
                Ok(())
            })
            .unwrap();
    }
    push_pending(&demo, &store, &token, device).await;

    let supervisor = demo.username("supervisor").await;
    let (cookie, _) = demo.browser_login(&supervisor).await;
    let (status, page) = demo
        .get_text(&format!("/dashboard/lists?area={rt}"), &cookie)
        .await;
    assert_eq!(status, 200);
    let anc = page
        .split(r#"id="list-anc_behind""#)
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    assert!(!anc.contains("data-indicator"), "not a coverage row's side");
    assert!(anc.contains(&format!(r#"data-as-of="{today}""#)), "{anc}");
    assert!(anc.contains(&format!("per hari ini ({today})")), "{anc}");
    // Overdue immunizations say so too.
    let imm = page
        .split(r#"id="list-overdue_immunizations""#)
        .nth(1)
        .unwrap();
    assert!(imm.contains(&format!(r#"data-as-of="{today}""#)));

    // The whole list, exported for a past month: as of today, saying so, naming no month.
    let past = month_text(today - time::Duration::days(40));
    let (status, headers, xlsx) = demo
        .get(
            &format!("/dashboard/export/actions.xlsx?list=anc_behind&area={rt}&month={past}"),
            &cookie,
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("anc-terlambat-per-{today}.xlsx"))
    );
    let rows = xlsx_rows(xlsx);
    assert_eq!(rows[0][0], "Wilayah");
    assert_eq!(
        rows[1][..2],
        ["Keadaan per".to_string(), format!("{today} (per hari ini)")]
    );
    assert_eq!(rows[2][0], "Dibuat");
    assert!(rows.iter().all(|r| r[0] != "Bulan"), "{rows:?}");
    let row_of = |p: ilp_model::PersonId| rows.iter().find(|r| r[0] == p.to_string());
    let since = behind_hpht + weeks(31);
    let r = row_of(behind).expect("the woman behind on K4");
    assert_eq!(r[5], format!("K4 (terlambat, sejak {since})"));
    assert_eq!(r[6], since.to_string());
    let since = missed_hpht + weeks(13);
    let r = row_of(missed).expect("the woman who missed K1");
    assert_eq!(r[5], format!("K1 (dokter) (terlewat, sejak {since})"));
    assert_eq!(r[6], since.to_string());
    assert!(
        row_of(on_time).is_none(),
        "a woman not yet due is not behind"
    );
    // The page lists the same women (its first rows, the longest behind first).
    let on_page = anc.matches(r#"data-testid="list-row""#).count();
    let listed = rows.iter().skip_while(|r| r[0] != "id").skip(1);
    assert_eq!(on_page, listed.filter(|r| !r[0].is_empty()).count().min(5));
    let (status, csv) = demo
        .get_text(
            &format!(
                "/dashboard/export/actions.csv?list=overdue_immunizations&area={rt}&month={past}&lang=en"
            ),
            &cookie,
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        csv.contains(&format!("As of,{today} (as of today)\r\n")),
        "{csv}"
    );
    assert!(!csv.contains("Month,"), "{csv}");
}
