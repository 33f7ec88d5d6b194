//! Kader activity and administration on the dashboard, against the demo kelurahan on an
//! in-process server (SQLite, or the PostgreSQL of `ILP_TEST_DATABASE_URL`): the activity page's
//! visits and overdue items equal what a device synced from the same feed holds, a refused sync
//! item counts in the month it was refused, a voided visit does not count, and the XLSX/CSV
//! export holds the page's rows; an admin adds a user and assigns areas (errors name their field
//! and write nothing) but cannot disable themself; revoking a device makes its token refused by
//! `/api/v1/pull`; the users and devices lists export for admins only; a supervisor is refused
//! every admin page, form and export.

mod common;
mod dashboard_support;

use dashboard_support::*;

use ilp_model::{AreaId, AreaLevel, DeviceId, Timestamp};
use ilp_rules::due::DueStatus;
use ilp_store::Store;
use ilp_sync::protocol::Op;
use serde_json::json;
use std::collections::HashMap;

/// Logs a phone of `username` in to the sync API: its device id and token.
async fn device_login(demo: &Demo, username: &str) -> (String, String) {
    let device = uuid::Uuid::new_v4().to_string();
    let (status, body) = post_json(
        demo,
        "/api/v1/login",
        None,
        &json!({"protocol": 1, "username": username,
                "secret": ilp_server::demo::demo_password(username),
                "device_id": device, "device_name": "HP kader"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    (device, body["token"].as_str().unwrap().to_string())
}

async fn pull_status(demo: &Demo, device: &str, token: &str) -> u16 {
    post_json(
        demo,
        "/api/v1/pull",
        Some(token),
        &json!({"protocol": 1, "device_id": device, "cursor": null, "max_changes": 10}),
    )
    .await
    .0
}

/// A user's areas as the server stores them.
async fn areas_of(demo: &Demo, username: &str) -> Option<Vec<String>> {
    let st = demo.state.clone();
    let username = username.to_string();
    tokio::task::spawn_blocking(move || {
        st.db
            .read(|tx| {
                Ok(match tx.user_by_name(&username)? {
                    Some(u) => Some(tx.user_areas(&u.id)?),
                    None => None,
                })
            })
            .unwrap()
    })
    .await
    .unwrap()
}

/// The first area of `level` of a store's tree.
fn first_area(store: &Store, level: AreaLevel) -> AreaId {
    store
        .read(|c| {
            Ok(ilp_store::areas::area_tree(c)?
                .into_iter()
                .find(|a| a.level == level)
                .unwrap()
                .id)
        })
        .unwrap()
}

/// The number in the cell `testid` of the activity row of `username`.
fn activity_cell(html: &str, username: &str, testid: &str) -> u64 {
    let row = html
        .split(r#"data-testid="activity-row" data-user=""#)
        .skip(1)
        .find(|r| r.starts_with(&format!("{username}\"")))
        .unwrap_or_else(|| panic!("no activity row of {username}"));
    let row = row.split("</tr>").next().unwrap();
    let at = row.find(&format!(r#"data-testid="{testid}">"#)).unwrap();
    let rest = &row[at..];
    rest[rest.find('>').unwrap() + 1..]
        .split('<')
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activity_shows_what_the_replica_holds_for_each_kader_and_bidan() {
    let demo = Demo::start().await;
    let admin = demo.username("admin").await;
    let kader = demo.username("kader").await;
    // The kader syncs once: their device shows a last sync.
    let (kader_device, token) = device_login(&demo, &kader).await;
    assert_eq!(pull_status(&demo, &kader_device, &token).await, 200);
    // ...and pushes one change the server refuses (an area: only admins write areas).
    let now = demo.state.clock.now_ms();
    let refused = ilp_sync::protocol::Change {
        seq: 1,
        entity: ilp_sync::protocol::entity::AREA.into(),
        entity_id: uuid::Uuid::new_v4().to_string(),
        op: Op::Upsert,
        hlc: ilp_model::Hlc {
            wall_ms: now,
            counter: 0,
            device: kader_device.parse::<DeviceId>().unwrap(),
        }
        .to_string(),
        payload: json!({"fields": {"level": "rt", "code": "009", "name": "RT 9"}}),
    };
    let (status, body) = post_json(
        &demo,
        "/api/v1/push",
        Some(&token),
        &json!({"protocol": 1, "device_id": kader_device, "device_time_ms": now, "changes": [refused]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["refused"].as_array().map(Vec::len), Some(1), "{body}");
    let (cookie, _) = demo.browser_login(&admin).await;
    let (store, _dir) = synced_device(&demo, &admin).await;
    let today =
        Timestamp::from_millis(demo.state.clock.now_ms()).date_at(ilp_model::timestamp::wita());
    let mut total_visits = 0;
    for month in [
        today.replace_day(1).unwrap(),
        (today.replace_day(1).unwrap() - time::Duration::days(1))
            .replace_day(1)
            .unwrap(),
    ] {
        let (status, html) = demo
            .get_text(
                &format!(
                    "/dashboard/activity?month={}",
                    ilp_server::dashboard::figures::month_text(month)
                ),
                &cookie,
            )
            .await;
        assert_eq!(status, 200, "{html}");
        let (from, to) =
            ilp_server::dashboard::activity::month_range(month, ilp_model::timestamp::wita());
        let visits = store
            .read(|c| ilp_store::activity::visits_recorded(c, from, to))
            .unwrap();
        let st = demo.state.clone();
        let people: Vec<(String, String, Vec<String>)> = tokio::task::spawn_blocking(move || {
            st.db
                .read(|tx| {
                    let mut out = Vec::new();
                    for u in tx.users()? {
                        if matches!(u.role.as_str(), "kader" | "bidan") && u.active {
                            let a = tx.user_areas(&u.id)?;
                            out.push((u.id, u.username, a));
                        }
                    }
                    Ok(out)
                })
                .unwrap()
        })
        .await
        .unwrap();
        assert!(people.len() >= 2, "the demo has kaders and a bidan");
        let tree = store.read(ilp_store::areas::area_tree).unwrap();
        let parent: HashMap<AreaId, Option<AreaId>> =
            tree.iter().map(|a| (a.id, a.parent)).collect();
        for (id, username, areas) in &people {
            let expected = visits.get(id).copied().unwrap_or(0);
            assert_eq!(
                activity_cell(&html, username, "visits"),
                expected,
                "{username}"
            );
            total_visits += expected;
            // The RTs under the user's areas, and their overdue items on the device's worklist.
            let rts: Vec<AreaId> = tree
                .iter()
                .filter(|a| a.level == AreaLevel::Rt)
                .filter(|a| {
                    let mut at = Some(a.id);
                    while let Some(x) = at {
                        if areas.contains(&x.to_string()) {
                            return true;
                        }
                        at = parent.get(&x).copied().flatten();
                    }
                    false
                })
                .map(|a| a.id)
                .collect();
            let overdue = store
                .worklist(&rts, today)
                .unwrap()
                .groups
                .iter()
                .flat_map(|g| &g.items)
                .filter(|(i, _)| matches!(i.status(today), DueStatus::Overdue))
                .count() as u64;
            assert_eq!(
                activity_cell(&html, username, "overdue"),
                overdue,
                "{username}"
            );
            // The refusal was made today: it counts in this month only.
            let refusals = if *username == kader && month.month() == today.month() {
                1
            } else {
                0
            };
            assert_eq!(
                activity_cell(&html, username, "refused"),
                refusals,
                "{username}"
            );
        }
        if month.month() == today.month() {
            assert!(html.contains(&format!(r#"data-device="{kader_device}""#)));
        }
    }
    assert!(
        total_visits > 0,
        "the demo records visits in these two months"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_a_user_and_assigns_areas_and_errors_name_their_field() {
    let demo = Demo::start().await;
    let admin = demo.username("admin").await;
    let (cookie, csrf) = demo.browser_login(&admin).await;
    let (store, _dir) = synced_device(&demo, &admin).await;
    let rw = first_area(&store, AreaLevel::Rw).to_string();
    let rt = first_area(&store, AreaLevel::Rt).to_string();
    let village = first_area(&store, AreaLevel::Village).to_string();

    let (status, html) = demo.get_text("/dashboard/admin/users", &cookie).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"data-user="{admin}""#)));

    // A kader cannot get a kelurahan: refused, naming the field, and nothing written.
    let (status, _, body) = demo
        .post_form(
            "/dashboard/admin/users/add",
            &cookie,
            &[
                ("csrf", &csrf),
                ("username", "kader.baru"),
                ("display_name", "Kader Baru"),
                ("role", "kader"),
                ("areas", &village),
                ("password", "rahasia-baru"),
            ],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("areas: "), "{body}");
    assert_eq!(areas_of(&demo, "kader.baru").await, None);
    let (status, _, body) = demo
        .post_form(
            "/dashboard/admin/users/add",
            &cookie,
            &[
                ("csrf", &csrf),
                ("username", "kader.baru"),
                ("role", "kader"),
                ("areas", &rw),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("password: "), "{body}");
    assert_eq!(areas_of(&demo, "kader.baru").await, None);

    let (status, headers, body) = demo
        .post_form(
            "/dashboard/admin/users/add",
            &cookie,
            &[
                ("csrf", &csrf),
                ("username", "kader.baru"),
                ("display_name", "Kader Baru"),
                ("role", "kader"),
                ("areas", &rw),
                ("password", "rahasia-baru"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(headers["location"], "/dashboard/admin/users?done=added");
    assert_eq!(areas_of(&demo, "kader.baru").await, Some(vec![rw.clone()]));
    // The new user can log in to the sync API with the password given.
    let (status, body) = post_json(
        &demo,
        "/api/v1/login",
        None,
        &json!({"protocol": 1, "username": "kader.baru", "secret": "rahasia-baru",
                "device_id": uuid::Uuid::new_v4().to_string(), "device_name": "HP"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let (status, _, body) = demo
        .post_form(
            "/dashboard/admin/users/assign",
            &cookie,
            &[("csrf", &csrf), ("username", "kader.baru"), ("areas", &rt)],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(areas_of(&demo, "kader.baru").await, Some(vec![rt.clone()]));
    let (_, html) = demo.get_text("/dashboard/admin/users", &cookie).await;
    assert!(html.contains(&format!(r#"data-area-ids="{rt}""#)), "{html}");

    // A new password, then disabled: the sync API's login follows both.
    let api_login = |secret: &'static str| {
        let demo = &demo;
        async move {
            post_json(
                demo,
                "/api/v1/login",
                None,
                &json!({"protocol": 1, "username": "kader.baru", "secret": secret,
                        "device_id": uuid::Uuid::new_v4().to_string(), "device_name": "HP"}),
            )
            .await
            .0
        }
    };
    let (status, _, body) = demo
        .post_form(
            "/dashboard/admin/users/password",
            &cookie,
            &[
                ("csrf", &csrf),
                ("username", "kader.baru"),
                ("password", "ab"),
            ],
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("password: "), "{body}");
    let (status, _, _) = demo
        .post_form(
            "/dashboard/admin/users/password",
            &cookie,
            &[
                ("csrf", &csrf),
                ("username", "kader.baru"),
                ("password", "sandi-baru-2"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(api_login("rahasia-baru").await, 401);
    assert_eq!(api_login("sandi-baru-2").await, 200);
    let (status, _, _) = demo
        .post_form(
            "/dashboard/admin/users/disable",
            &cookie,
            &[("csrf", &csrf), ("username", "kader.baru")],
        )
        .await;
    assert_eq!(status, 303);
    assert_ne!(api_login("sandi-baru-2").await, 200);
    let (_, html) = demo.get_text("/dashboard/admin/users", &cookie).await;
    assert!(html.contains(r#"data-user="kader.baru" data-role="kader" data-active="false""#));

    // Without the CSRF token nothing changes.
    let (status, _, _) = demo
        .post_form(
            "/dashboard/admin/users/assign",
            &cookie,
            &[("username", "kader.baru"), ("areas", &rw)],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(areas_of(&demo, "kader.baru").await, Some(vec![rt]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_is_refused_by_pull() {
    let demo = Demo::start().await;
    let admin = demo.username("admin").await;
    let kader = demo.username("kader").await;
    let (device, token) = device_login(&demo, &kader).await;
    assert_eq!(pull_status(&demo, &device, &token).await, 200);
    let (cookie, csrf) = demo.browser_login(&admin).await;
    let (status, html) = demo.get_text("/dashboard/admin/devices", &cookie).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!(
            r#"data-device="{device}" data-user="{kader}" data-revoked="false""#
        )),
        "{html}"
    );
    let (status, headers, body) = demo
        .post_form(
            "/dashboard/admin/devices/revoke",
            &cookie,
            &[("csrf", &csrf), ("device", &device)],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(headers["location"], "/dashboard/admin/devices?done=revoked");
    assert_eq!(pull_status(&demo, &device, &token).await, 401);
    let (_, html) = demo.get_text("/dashboard/admin/devices", &cookie).await;
    assert!(html.contains(&format!(
        r#"data-device="{device}" data-user="{kader}" data-revoked="true""#
    )));
    // An unknown device names the field.
    let (status, _, body) = demo
        .post_form(
            "/dashboard/admin/devices/revoke",
            &cookie,
            &[
                ("csrf", &csrf),
                ("device", "00000000-0000-4000-8000-000000000000"),
            ],
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("device: "), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_is_refused_the_admin_pages_and_forms() {
    let demo = Demo::start().await;
    let supervisor = demo.username("supervisor").await;
    let kader = demo.username("kader").await;
    let (device, token) = device_login(&demo, &kader).await;
    let (cookie, csrf) = demo.browser_login(&supervisor).await;
    for path in ["/dashboard/admin/users", "/dashboard/admin/devices"] {
        let (status, html) = demo.get_text(path, &cookie).await;
        assert_eq!(status, 403, "{path}");
        assert!(html.contains(r#"data-testid="forbidden""#));
    }
    let (_, html) = demo.get_text("/dashboard/coverage", &cookie).await;
    assert!(html.contains(r#"id="nav-activity""#));
    assert!(!html.contains(r#"id="nav-admin-users""#));
    let (status, _, _) = demo
        .post_form(
            "/dashboard/admin/users/add",
            &cookie,
            &[
                ("csrf", &csrf),
                ("username", "penyusup"),
                ("role", "admin"),
                ("password", "rahasia-x"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(areas_of(&demo, "penyusup").await, None);
    let (status, _, _) = demo
        .post_form(
            "/dashboard/admin/devices/revoke",
            &cookie,
            &[("csrf", &csrf), ("device", &device)],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(pull_status(&demo, &device, &token).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_cannot_disable_their_own_account() {
    let demo = Demo::start().await;
    let admin = demo.username("admin").await;
    let (cookie, csrf) = demo.browser_login(&admin).await;
    let (_, html) = demo.get_text("/dashboard/admin/users", &cookie).await;
    let own = html
        .split(&format!(r#"data-user="{admin}""#))
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(!own.contains(r#"data-testid="disable""#), "{own}");
    assert!(own.contains(r#"data-testid="self""#), "{own}");
    // Posted anyway: refused in Indonesian first, naming the field, and nothing changes.
    let (status, _, body) = demo
        .post_form(
            "/dashboard/admin/users/disable",
            &cookie,
            &[("csrf", &csrf), ("username", &admin)],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains("username: Anda tidak dapat menonaktifkan akun Anda sendiri"),
        "{body}"
    );
    let (status, _) = demo.get_text("/dashboard/admin/users", &cookie).await;
    assert_eq!(status, 200, "the admin is still signed in");
    let (_, html) = demo
        .get_text("/dashboard/admin/users?lang=en", &cookie)
        .await;
    assert!(html.contains(&format!(
        r#"data-user="{admin}" data-role="admin" data-active="true""#
    )));
    let (status, _, body) = demo
        .post_form(
            "/dashboard/admin/users/disable",
            &format!("{cookie}; ilp_lang=en"),
            &[("csrf", &csrf), ("username", &admin)],
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("username: you cannot disable your own account"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_users_and_devices_lists_export_for_admins_only() {
    let demo = Demo::start().await;
    let admin = demo.username("admin").await;
    let kader = demo.username("kader").await;
    let (device, _) = device_login(&demo, &kader).await;
    let (cookie, _) = demo.browser_login(&admin).await;
    let (_, page) = demo.get_text("/dashboard/admin/users", &cookie).await;
    assert!(page.contains(r#"id="export-users-xlsx" data-testid="export-xlsx" href="/dashboard/export/users.xlsx""#), "{page}");
    let (_, page) = demo.get_text("/dashboard/admin/devices", &cookie).await;
    assert!(page.contains(r#"href="/dashboard/export/devices.csv""#));

    let users = tokio::task::spawn_blocking({
        let st = demo.state.clone();
        move || {
            st.db
                .read(|tx| Ok(tx.users()?))
                .unwrap()
                .into_iter()
                .filter(|u| !u.username.starts_with('_'))
                .collect::<Vec<_>>()
        }
    })
    .await
    .unwrap();
    let (status, headers, bytes) = demo.get("/dashboard/export/users.xlsx", &cookie).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("pengguna.xlsx")
    );
    let rows = xlsx_rows(bytes);
    assert_eq!(rows[0][..2], ["Wilayah", "Semua wilayah"]);
    // No month: the list is not of one month.
    assert_eq!(rows[1][0], "Dibuat");
    assert!(rows[1][1].ends_with(" WITA"), "{:?}", rows[1]);
    let hi = rows.iter().position(|r| r[0] == "Nama pengguna").unwrap();
    assert_eq!(rows[hi][..4], ["Nama pengguna", "Nama", "Peran", "Wilayah"]);
    let listed: Vec<&Vec<String>> = rows[hi + 1..].iter().filter(|r| !r[0].is_empty()).collect();
    assert_eq!(listed.len(), users.len());
    for u in &users {
        let r = listed.iter().find(|r| r[0] == u.username).unwrap();
        assert_eq!(r[2], u.role, "{}", u.username);
        assert_eq!(r[6], if u.active { "aktif" } else { "nonaktif" });
    }
    let kader_row = listed.iter().find(|r| r[0] == kader).unwrap();
    assert!(
        kader_row[3].starts_with("RW ") || kader_row[3].starts_with("RT "),
        "{kader_row:?}"
    );
    // Codes as the admin types them: kelurahan code, RW, RT.
    assert!(
        kader_row[4]
            .split("; ")
            .all(|c| c.split('/').count() == 3 && c.starts_with("53.71.")),
        "{kader_row:?}"
    );

    let (status, headers, csv) = demo
        .get("/dashboard/export/devices.csv?lang=en", &cookie)
        .await;
    assert_eq!(status, 200);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("perangkat.csv")
    );
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("Area,All areas\r\n"), "{csv}");
    assert!(csv.contains("Generated,"));
    assert!(!csv.contains("Month,"));
    let line = csv
        .lines()
        .find(|l| l.contains(&device))
        .expect("the kader's phone");
    assert!(
        line.starts_with(&format!("{kader},{device},HP kader,")),
        "{line}"
    );
    assert!(line.ends_with(",active,"), "{line}");

    // Anyone else is refused every admin export.
    let supervisor = demo.username("supervisor").await;
    let (cookie, _) = demo.browser_login(&supervisor).await;
    for path in [
        "/dashboard/export/users.xlsx",
        "/dashboard/export/users.csv",
        "/dashboard/export/devices.xlsx",
        "/dashboard/export/devices.csv",
    ] {
        let (status, body) = demo.get_text(path, &cookie).await;
        assert_eq!(status, 403, "{path}");
        assert!(!body.contains(&device), "{path}");
    }
    let (status, _, _) = demo.get("/dashboard/export/users.csv", "").await;
    assert_eq!(status, 303, "not signed in: to the login form");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voided_visit_leaves_the_activity_and_the_export_holds_the_page() {
    use ilp_store::events::VisitInput;
    let demo = Demo::start().await;
    let kader = demo.username("kader").await;
    let (store, _dir, token, device) = synced_device_with_token(&demo, &kader).await;
    let user = user_id(&demo, &kader).await;
    let supervisor = demo.username("supervisor").await;
    let (cookie, _) = demo.browser_login(&supervisor).await;
    let (status, before) = demo.get_text("/dashboard/activity", &cookie).await;
    assert_eq!(status, 200);
    let before = activity_cell(&before, &kader, "visits");

    // Two home visits with a note each to someone of the kader's area; the second is withdrawn
    // (its note voided: entered for the wrong person), as the apps withdraw a visit.
    let now = Timestamp::from_millis(demo.state.clock.now_ms());
    let today = now.date_at(ilp_model::timestamp::wita());
    let person = {
        let rts: Vec<AreaId> = store
            .read(ilp_store::areas::area_tree)
            .unwrap()
            .into_iter()
            .filter(|a| a.level == AreaLevel::Rt)
            .map(|a| a.id)
            .collect();
        let list = store.worklist(&rts, today).unwrap();
        list.groups
            .iter()
            .flat_map(|g| &g.items)
            .map(|(i, _)| i.person)
            .next()
            .expect("someone to visit")
    };
    let ctx = ilp_store::WriteCtx { user, now, today };
    let mut parts = Vec::new();
    for note in ["kunjungan pertama", "kunjungan kedua"] {
        let rec = store
            .write(&ctx, |w| {
                ilp_store::events::record_visit(
                    w,
                    &VisitInput {
                        note: Some(note.into()),
                        ..VisitInput::new(person, now, ilp_model::VisitKind::HomeVisit)
                    },
                )
            })
            .unwrap();
        parts.push(rec.parts[0]);
    }
    store
        .write(&ctx, |w| {
            ilp_store::events::void_event(w, parts[1], "salah orang")
        })
        .unwrap();
    push_pending(&demo, &store, &token, device).await;

    let (status, html) = demo.get_text("/dashboard/activity", &cookie).await;
    assert_eq!(status, 200);
    assert_eq!(
        activity_cell(&html, &kader, "visits"),
        before + 1,
        "the voided visit does not count"
    );
    // The export holds the page's rows, with the area, month and generation time.
    let area = attr_after(&html, r#"id="page-title" data-area=""#);
    let month = attr_after(&html, r#"data-month=""#);
    assert!(html.contains(&format!(
        r#"href="/dashboard/export/activity.xlsx?area={area}&amp;month={month}""#
    )));
    let (status, headers, bytes) = demo
        .get(
            &format!("/dashboard/export/activity.xlsx?area={area}&month={month}"),
            &cookie,
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("aktivitas-{month}.xlsx"))
    );
    let rows = xlsx_rows(bytes);
    assert_eq!(rows[0][..2], ["Wilayah", "Oesapa"]);
    assert_eq!(rows[1][..2], ["Bulan".to_string(), month.clone()]);
    assert_eq!(rows[2][0], "Dibuat");
    assert!(rows[3][1].contains("per hari ini"), "{:?}", rows[3]);
    let hi = rows.iter().position(|r| r[0] == "Pengguna").unwrap();
    let body: Vec<&Vec<String>> = rows[hi + 1..].iter().filter(|r| !r[0].is_empty()).collect();
    assert_eq!(
        body.len(),
        html.matches(r#"data-testid="activity-row""#).count()
    );
    for r in &body {
        let n = |i: usize| r[i].parse::<f64>().unwrap() as u64;
        assert_eq!(n(4), activity_cell(&html, &r[0], "visits"), "{}", r[0]);
        assert_eq!(n(5), activity_cell(&html, &r[0], "overdue"), "{}", r[0]);
        assert_eq!(n(7), activity_cell(&html, &r[0], "refused"), "{}", r[0]);
    }
    let (status, csv) = demo
        .get_text(
            &format!("/dashboard/export/activity.csv?area={area}&month={month}"),
            &cookie,
        )
        .await;
    assert_eq!(status, 200);
    assert!(csv.contains(&format!("Bulan,{month}\r\n")), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with(&format!("{kader},"))));

    // A kader of one RT is refused the kelurahan's activity and its export.
    let rt = first_area(&store, AreaLevel::Rt).to_string();
    let one_rt = add_one_rt_kader(&demo, "kader.activity.rt", rt).await;
    let (cookie, _) = demo.browser_login(&one_rt).await;
    for path in [
        format!("/dashboard/activity?area={area}"),
        format!("/dashboard/export/activity.csv?area={area}&month={month}"),
        format!("/dashboard/export/activity.xlsx?area={area}&month={month}"),
    ] {
        let (status, body) = demo.get_text(&path, &cookie).await;
        assert_eq!(status, 403, "{path}");
        assert!(!body.contains(&kader), "{path}");
    }
}
