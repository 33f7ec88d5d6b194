//! The sync server against a real HTTP client on loopback: login and tokens, push idempotency and
//! refusals, pull paging and scope, re-homing, bad input, compression, snapshots, health and
//! metrics. Runs on SQLite, or on PostgreSQL when `ILP_TEST_DATABASE_URL` is set
//! (`tests/server-postgres.sh`).

mod common;

use common::{Device, PASSWORD, TestServer, new_id};
use ilp_sync::protocol::*;
use serde_json::{Value, json};
use std::io::Write;

const DAY_MS: i64 = 24 * 3600 * 1000;

fn household(rt: &str) -> Value {
    json!({"rt_id": rt, "kk_number": null, "address": "Jl. Timor Raya", "lat": null, "lon": null,
           "jkn": "unknown", "clean_water": true, "healthy_latrine": null, "notes": null})
}

fn person(household: Option<&str>, name: &str) -> Value {
    json!({"household_id": household, "name": name, "sex": "female", "birth_date": "1990-04-02",
           "birth_estimated": false, "nik": null, "phone": null, "relation": "head",
           "mother_id": null, "description": null, "merged_into": null})
}

/// A household with one person and one note event, pushed by `d`.
async fn household_with_person(s: &TestServer, d: &mut Device, rt: &str) -> (String, String) {
    let now = s.now_ms();
    let (h, p) = (new_id(), new_id());
    let changes = vec![
        d.upsert(now, entity::HOUSEHOLD, &h, household(rt)),
        d.upsert(now, entity::PERSON, &p, person(Some(&h), "Maria")),
        d.note(now, &p, "kunjungan rumah"),
    ];
    let r = d.push_ok(s, &changes).await;
    assert!(r.refused.is_empty(), "{:?}", r.refused);
    (h, p)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_metrics() {
    let s = TestServer::start().await;
    let (status, body) = {
        let r = s.http.get(s.url("/health")).send().await.unwrap();
        (r.status().as_u16(), r.json::<Value>().await.unwrap())
    };
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["protocol"], 1);
    let backend = if common::backend_is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(body["storage"], backend);
    let mut d = s.login("kader.a").await;
    household_with_person(&s, &mut d, &s.world.rt_a.clone()).await;
    let text = s
        .http
        .get(s.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("ilp_http_requests_total{route=\"/api/v1/push\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(text.contains("ilp_changes_stored_total 3"), "{text}");
    assert!(text.contains("ilp_devices_seen 1"), "{text}");
    assert!(text.contains("ilp_http_request_duration_seconds_bucket{route=\"/api/v1/login\""));
    let (status, body) = s.post("/nowhere", None, &json!({})).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_right_and_wrong() {
    let s = TestServer::start().await;
    let d = s.login("kader.a").await;
    assert_eq!(d.user.role, "kader");
    assert_eq!(d.user.areas, vec![s.world.rt_a.clone()]);
    let wrong = s.login_as("kader.a", "salah", &new_id()).await.unwrap_err();
    let nobody = s.login_as("nobody", PASSWORD, &new_id()).await.unwrap_err();
    assert_eq!(wrong.0, 401);
    assert_eq!(wrong.1["code"], "bad_login");
    // The same answer for a wrong name as for a wrong password.
    assert_eq!(wrong.1, nobody.1);
    let (status, body) = s
        .post("/api/v1/login", None, &json!({"protocol": 1, "username": "kader.a", "secret": PASSWORD, "device_id": "not-a-uuid"}))
        .await;
    assert_eq!((status, body["code"].as_str()), (400, Some("malformed")));
    // No token, or a made-up one.
    let body = json!({"protocol": 1, "device_id": d.id, "cursor": null, "max_changes": 10});
    let (status, e) = s.post("/api/v1/pull", None, &body).await;
    assert_eq!((status, e["code"].as_str()), (401, Some("unauthorized")));
    let (status, e) = s.post("/api/v1/pull", Some("made-up"), &body).await;
    assert_eq!((status, e["code"].as_str()), (401, Some("unauthorized")));
    assert_eq!(e["protocol"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_expire_and_are_revoked() {
    let s = TestServer::start_with(|c| c.token_lifetime_secs = 3600).await;
    let d = s.login("kader.a").await;
    assert!(!d.pull_page(&s, 1000).await.more);
    // Logout revokes the token.
    let (status, _) = s.post("/api/v1/logout", Some(&d.token), &json!({})).await;
    assert_eq!(status, 200);
    let body = json!({"protocol": 1, "device_id": d.id, "cursor": null, "max_changes": 10});
    let (status, e) = s.post("/api/v1/pull", Some(&d.token), &body).await;
    assert_eq!((status, e["code"].as_str()), (401, Some("token_revoked")));

    // Expiry: a new login on the same device, then an hour and a second later.
    let d2 = s.login_as("kader.a", PASSWORD, &d.id).await.unwrap();
    s.clock.advance(3_601_000);
    let (status, e) = s.post("/api/v1/pull", Some(&d2.token), &body).await;
    assert_eq!((status, e["code"].as_str()), (401, Some("token_expired")));

    // An admin revokes the device: its tokens die and it cannot log in again.
    let d3 = s.login_as("kader.a", PASSWORD, &d.id).await.unwrap();
    let st = s.state.clone();
    let id = d.id.clone();
    tokio::task::spawn_blocking(move || common::admin_of(&st).revoke_device(&id).unwrap())
        .await
        .unwrap();
    let (status, e) = s.post("/api/v1/pull", Some(&d3.token), &body).await;
    assert_eq!((status, e["code"].as_str()), (401, Some("token_revoked")));
    let again = s.login_as("kader.a", PASSWORD, &d.id).await.unwrap_err();
    assert_eq!(
        (again.0, again.1["code"].as_str()),
        (403, Some("device_revoked"))
    );

    // A disabled user's tokens are revoked too.
    let b = s.login("kader.b").await;
    let st = s.state.clone();
    tokio::task::spawn_blocking(move || common::admin_of(&st).disable("kader.b").unwrap())
        .await
        .unwrap();
    let body = json!({"protocol": 1, "device_id": b.id, "cursor": null, "max_changes": 10});
    let (status, e) = s.post("/api/v1/pull", Some(&b.token), &body).await;
    assert_eq!((status, e["code"].as_str()), (401, Some("token_revoked")));
    assert_eq!(
        s.login_as("kader.b", PASSWORD, &new_id())
            .await
            .unwrap_err()
            .0,
        401
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_active_admin_cannot_be_disabled() {
    let s = TestServer::start().await;
    let st = s.state.clone();
    tokio::task::spawn_blocking(move || {
        let admin = common::admin_of(&st);
        let e = admin.disable("admin").unwrap_err();
        assert!(e.to_string().contains("last active admin"), "{e}");
        // Nothing of the refused change stayed: the admin still logs in.
        assert!(
            admin
                .users()
                .unwrap()
                .iter()
                .any(|(u, _)| u.username == "admin" && u.active)
        );
        admin
            .add_user("admin.two", "Admin Dua", "admin", &[], common::PASSWORD)
            .unwrap();
        admin.disable("admin").unwrap();
        let e = admin.disable("admin.two").unwrap_err();
        assert!(e.to_string().contains("last active admin"), "{e}");
    })
    .await
    .unwrap();
    s.login_as("admin.two", common::PASSWORD, &new_id())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_devices_are_refused() {
    let s = TestServer::start().await;
    let a = s.login("kader.a").await;
    let b = s.login("kader.b").await;
    // A's token with B's device id in the body.
    let (status, e) = s
        .post(
            "/api/v1/pull",
            Some(&a.token),
            &json!({"protocol": 1, "device_id": b.id, "cursor": null, "max_changes": 10}),
        )
        .await;
    assert_eq!((status, e["code"].as_str()), (403, Some("device_mismatch")));
    let (status, e) = s
        .post(
            "/api/v1/push",
            Some(&a.token),
            &b.push_body(s.now_ms(), &[]),
        )
        .await;
    assert_eq!((status, e["code"].as_str()), (403, Some("device_mismatch")));
    // Logging in as A on B's registered device.
    let e = s.login_as("kader.a", PASSWORD, &b.id).await.unwrap_err();
    assert_eq!((e.0, e.1["code"].as_str()), (403, Some("device_mismatch")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_push_gets_the_same_answer_and_stores_nothing_twice() {
    let s = TestServer::start().await;
    let mut a = s.login("kader.a").await;
    let now = s.now_ms();
    let (h, p) = (new_id(), new_id());
    let changes = vec![
        a.upsert(now, entity::HOUSEHOLD, &h, household(&s.world.rt_a)),
        a.upsert(now, entity::PERSON, &p, person(Some(&h), "Yuliana")),
        a.upsert(now, entity::HOUSEHOLD, &new_id(), household(&s.world.rt_b)),
        a.note(now, &p, "timbang"),
    ];
    let first = a.push_ok(&s, &changes).await;
    assert_eq!(first.stored_through, 4);
    assert_eq!(first.refused.len(), 1);
    let again = a.push_ok(&s, &changes).await;
    assert_eq!(again, first);
    // A retry of part of the batch, and the next change after it.
    let next = a.upsert(
        now,
        entity::HOUSEHOLD,
        &h,
        json!({"address": "Jl. Adisucipto"}),
    );
    let mixed = a.push_ok(&s, &[changes[3].clone(), next]).await;
    assert_eq!(mixed.stored_through, 5);
    assert!(mixed.refused.is_empty());

    let mut sup = s.login("supervisor").await;
    sup.pull_all(&s, 100).await;
    assert_eq!(
        sup.replica
            .records
            .keys()
            .filter(|(e, _)| e == "household")
            .count(),
        1
    );
    assert_eq!(sup.replica.events.len(), 1);
    assert_eq!(
        sup.replica.field("household", &h, "address"),
        Some(json!("Jl. Adisucipto"))
    );
    let feed = s
        .db(|db| db.read(|tx| Ok(tx.feed_head(false)?)).unwrap())
        .await;
    let feed_again = {
        a.push_ok(&s, &changes).await;
        s.db(|db| db.read(|tx| Ok(tx.feed_head(false)?)).unwrap())
            .await
    };
    assert_eq!(feed, feed_again, "a replay writes nothing to the feed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_carry_code_and_reason_and_store_nothing() {
    let s = TestServer::start().await;
    let mut a = s.login("kader.a").await;
    let (h, p) = household_with_person(&s, &mut a, &s.world.rt_a.clone()).await;
    let now = s.now_ms();
    let foreign = new_id();
    let changes = vec![
        // 4: a household in another RT.
        a.upsert(now, entity::HOUSEHOLD, &foreign, household(&s.world.rt_b)),
        // 5: moving her household out of her RT.
        a.upsert(now, entity::HOUSEHOLD, &h, json!({"rt_id": s.world.rt_c})),
        // 6: an area, which only admins write.
        a.upsert(
            now,
            entity::AREA,
            &new_id(),
            json!({"parent_id": s.world.rw1, "level": "rt", "code": "009", "name": "RT 9"}),
        ),
        // 7: a field with a wrong shape.
        a.upsert(now, entity::PERSON, &p, json!({"birth_date": "kemarin"})),
        // 8: a person in a household the server does not hold.
        a.upsert(
            now,
            entity::PERSON,
            &new_id(),
            person(Some(&new_id()), "Ani"),
        ),
        // 9: a stamp a day ahead of the server's clock.
        a.upsert(now + DAY_MS, entity::PERSON, &p, json!({"phone": "0812"})),
        // 10: fine, and not blocked by the rest.
        a.upsert(now, entity::PERSON, &p, json!({"phone": "0813"})),
        // 11: an event that is not an event.
        {
            let mut c = a.note(now, &p, "x");
            c.payload = json!({"type": "note"});
            c
        },
    ];
    let r = a.push_ok(&s, &changes).await;
    assert_eq!(r.stored_through, 11);
    let codes: Vec<(i64, &str)> = r.refused.iter().map(|x| (x.seq, x.code.as_str())).collect();
    assert_eq!(
        codes,
        vec![
            (4, "out_of_scope"),
            (5, "out_of_scope"),
            (6, "forbidden_entity"),
            (7, "invalid"),
            (8, "unknown_parent"),
            (9, "clock_ahead"),
            (11, "invalid"),
        ]
    );
    assert!(r.refused[3].reason.contains("birth_date") && !r.refused[3].reason.contains("kemarin"));
    assert!(r.refused.iter().all(|x| !x.reason.is_empty()));

    // Nothing of the refused changes is anywhere.
    let mut sup = s.login("supervisor").await;
    sup.pull_all(&s, 1000).await;
    assert!(!sup.replica.has("household", &foreign));
    assert_eq!(
        sup.replica.field("household", &h, "rt_id"),
        Some(json!(s.world.rt_a))
    );
    assert_eq!(
        sup.replica.field("person", &p, "birth_date"),
        Some(json!("1990-04-02"))
    );
    assert_eq!(
        sup.replica.field("person", &p, "phone"),
        Some(json!("0813"))
    );
    assert_eq!(sup.replica.events.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_pages_follow_the_feed_within_scope() {
    let s = TestServer::start().await;
    let mut a = s.login("kader.a").await;
    let mut b = s.login("kader.b").await;
    let mut rw = s.login("kader.rw1").await;
    let mut a_households = Vec::new();
    for _ in 0..7 {
        a_households.push(
            household_with_person(&s, &mut a, &s.world.rt_a.clone())
                .await
                .0,
        );
    }
    let (b_household, _) = household_with_person(&s, &mut b, &s.world.rt_b.clone()).await;

    // Kader B: pages of 3 over a feed of 24 entries plus the fixture's areas and users, and she
    // never receives RT A's records.
    let sizes = b.pull_all(&s, 3).await;
    assert!(
        sizes.len() > 2 && sizes.iter().all(|n| *n <= 3),
        "{sizes:?}"
    );
    assert!(
        !b.replica
            .records
            .keys()
            .any(|(e, id)| e == "household" && a_households.contains(id))
    );
    assert!(
        b.replica.records.keys().all(|(e, _)| e != "person"),
        "her own person is not echoed"
    );
    assert!(b.replica.events.is_empty());
    assert!(
        b.replica.has("area", &s.world.rt_a),
        "the kelurahan's areas are hers to read"
    );
    assert!(b.replica.records.keys().any(|(e, _)| e == "user"));
    // Idle afterwards: one empty page, and the cursor stays.
    let idle = b.pull_page(&s, 3).await;
    assert!(idle.changes.is_empty() && !idle.more);
    assert_eq!(Some(idle.next_cursor.clone()), b.cursor);
    assert_eq!(idle.areas, Some(vec![s.world.rt_b.clone()]));
    let bytes = serde_json::to_vec(&idle).unwrap().len();
    assert!(bytes < 1024, "an idle page is {bytes} bytes");

    // Kader A gets B's household? No. Kader RW 1 gets both RTs.
    a.pull_all(&s, 1000).await;
    assert!(!a.replica.has("household", &b_household));
    rw.pull_all(&s, 1000).await;
    assert!(rw.replica.has("household", &b_household));
    assert_eq!(
        rw.replica
            .records
            .keys()
            .filter(|(e, _)| e == "household")
            .count(),
        8
    );
    assert_eq!(rw.replica.events.len(), 8);

    // A cursor this server never gave.
    let (status, e) = s
        .post(
            "/api/v1/pull",
            Some(&b.token),
            &json!({"protocol": 1, "device_id": b.id, "cursor": "f1.999999", "max_changes": 3}),
        )
        .await;
    assert_eq!((status, e["code"].as_str()), (400, Some("malformed")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_moved_to_another_rt_is_rehomed_with_everything_under_it() {
    let s = TestServer::start().await;
    let mut a = s.login("kader.a").await;
    let mut b = s.login("kader.b").await;
    let mut sup = s.login("supervisor").await;
    let (h, p) = household_with_person(&s, &mut a, &s.world.rt_a.clone()).await;
    let now = s.now_ms();
    let pregnancy = new_id();
    let pg = a.pregnancy(now, &pregnancy, &p);
    a.push_ok(&s, &[pg]).await;
    b.pull_all(&s, 1000).await;
    assert!(!b.replica.has("household", &h));

    // The supervisor moves it to RT B.
    let m = sup_move(&mut sup, now, &h, &s.world.rt_b);
    let r = sup.push_ok(&s, &[m]).await;
    assert!(r.refused.is_empty(), "{:?}", r.refused);

    b.pull_all(&s, 1000).await;
    assert_eq!(
        b.replica.field("household", &h, "rt_id"),
        Some(json!(s.world.rt_b))
    );
    assert_eq!(
        b.replica.field("household", &h, "address"),
        Some(json!("Jl. Timor Raya")),
        "full state"
    );
    assert_eq!(b.replica.field("person", &p, "name"), Some(json!("Maria")));
    assert!(b.replica.has("pregnancy", &pregnancy));
    assert_eq!(b.replica.events.len(), 1);
    // The old RT hears of the move (and its device then drops the household).
    a.pull_all(&s, 1000).await;
    assert_eq!(
        a.replica.field("household", &h, "rt_id"),
        Some(json!(s.world.rt_b))
    );
    // Kader A can no longer change it; kader B can.
    let late = a.upsert(s.now_ms(), entity::PERSON, &p, json!({"phone": "1"}));
    assert_eq!(a.push_ok(&s, &[late]).await.refused[0].code, "out_of_scope");
    let ok = b.upsert(s.now_ms(), entity::PERSON, &p, json!({"phone": "2"}));
    assert!(b.push_ok(&s, &[ok]).await.refused.is_empty());
}

trait PregnancyChange {
    fn pregnancy(&mut self, now: i64, id: &str, person: &str) -> Change;
}

impl PregnancyChange for Device {
    fn pregnancy(&mut self, now: i64, id: &str, person: &str) -> Change {
        self.upsert(
            now,
            entity::PREGNANCY,
            id,
            json!({"person_id": person, "hpht": "2026-05-01", "edd": "2027-02-05", "outcome": null,
                   "outcome_at": null, "outcome_place": null, "outcome_place_kind": null}),
        )
    }
}

fn sup_move(d: &mut Device, now: i64, household: &str, rt: &str) -> Change {
    d.upsert(now, entity::HOUSEHOLD, household, json!({ "rt_id": rt }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_get_clear_4xx() {
    let s = TestServer::start().await;
    let a = s.login("kader.a").await;
    let send = |body: Vec<u8>, encoding: Option<&'static str>| {
        let mut req = s
            .http
            .post(s.url("/api/v1/push"))
            .bearer_auth(&a.token)
            .header("content-type", "application/json")
            .body(body);
        if let Some(e) = encoding {
            req = req.header("content-encoding", e);
        }
        async move {
            let r = req.send().await.unwrap();
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let (status, e) = send(b"{\"protocol\": 1, \"device_id\": ".to_vec(), None).await;
    assert_eq!((status, e["code"].as_str()), (400, Some("malformed")));
    let (status, e) = send(br#"{"protocol": 1, "device_id": "x"}"#.to_vec(), None).await;
    assert_eq!((status, e["code"].as_str()), (400, Some("malformed")));
    let (status, e) = send(br#"{"protocol": 2, "anything": true}"#.to_vec(), None).await;
    assert_eq!(
        (status, e["code"].as_str()),
        (400, Some("protocol_version"))
    );
    assert_eq!(e["protocol"], 1);
    let big = vec![b' '; MAX_BODY_BYTES + 1];
    let (status, e) = send(big, None).await;
    assert_eq!((status, e["code"].as_str()), (413, Some("too_large")));
    // A compressed bomb: small on the wire, too large unpacked.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&vec![b' '; MAX_DECOMPRESSED_BYTES + 1])
        .unwrap();
    let (status, e) = send(gz.finish().unwrap(), Some("gzip")).await;
    assert_eq!((status, e["code"].as_str()), (413, Some("too_large")));
    let (status, e) = send(b"garbage".to_vec(), Some("zstd")).await;
    assert_eq!((status, e["code"].as_str()), (400, Some("malformed")));
    // Too many changes in one push.
    let mut d = s.login("kader.a").await;
    let now = s.now_ms();
    let many: Vec<Change> = (0..MAX_PUSH_CHANGES + 1)
        .map(|_| d.upsert(now, entity::HOUSEHOLD, &new_id(), household(&s.world.rt_a)))
        .collect();
    let (status, e) = d.push(&s, &many).await;
    assert_eq!((status, e["code"].as_str()), (413, Some("too_large")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_a_year_off_is_told_and_nothing_is_stored() {
    let s = TestServer::start().await;
    let mut a = s.login("kader.a").await;
    let now = s.now_ms();
    for off in [365 * DAY_MS, -365 * DAY_MS] {
        let c = a.upsert(
            now + off,
            entity::HOUSEHOLD,
            &new_id(),
            household(&s.world.rt_a),
        );
        let (status, e) = s
            .post(
                "/api/v1/push",
                Some(&a.token),
                &a.push_body(now + off, &[c]),
            )
            .await;
        assert_eq!((status, e["code"].as_str()), (409, Some("clock_skew")));
        assert!(e["message"].as_str().unwrap().contains("minutes"));
        a.seq -= 1;
    }
    // A phone whose date was reset to 2000 when it recorded (its clock is right now).
    let old = a.upsert(
        946_684_800_000,
        entity::HOUSEHOLD,
        &new_id(),
        household(&s.world.rt_a),
    );
    let r = a.push_ok(&s, &[old]).await;
    assert_eq!(r.refused[0].code, "clock_behind");
    let head = s
        .db(|db| db.read(|tx| Ok(tx.feed_head(false)?)).unwrap())
        .await;
    let mut sup = s.login("supervisor").await;
    sup.pull_all(&s, 1000).await;
    assert!(
        !sup.replica.records.keys().any(|(e, _)| e == "household"),
        "head {head}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_and_zstd_both_ways() {
    let s = TestServer::start().await;
    let mut a = s.login("kader.a").await;
    let now = s.now_ms();
    let c1 = a.upsert(now, entity::HOUSEHOLD, &new_id(), household(&s.world.rt_a));
    let body = serde_json::to_vec(&a.push_body(now, &[c1])).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&body).unwrap();
    let r = s
        .http
        .post(s.url("/api/v1/push"))
        .bearer_auth(&a.token)
        .header("content-encoding", "gzip")
        .body(gz.finish().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let c2 = a.upsert(now, entity::HOUSEHOLD, &new_id(), household(&s.world.rt_a));
    let body = serde_json::to_vec(&a.push_body(now, &[c2])).unwrap();
    let r = s
        .http
        .post(s.url("/api/v1/push"))
        .bearer_auth(&a.token)
        .header("content-encoding", "zstd")
        .body(zstd::encode_all(&body[..], 3).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let answer: PushResponse = r.json().await.unwrap();
    assert_eq!(answer.stored_through, 2);

    // Responses: compressed when asked.
    let sup = s.login("supervisor").await;
    let pull = json!({"protocol": 1, "device_id": sup.id, "cursor": null, "max_changes": 1000});
    for enc in ["zstd", "gzip"] {
        let r = s
            .http
            .post(s.url("/api/v1/pull"))
            .bearer_auth(&sup.token)
            .header("accept-encoding", enc)
            .json(&pull)
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["content-encoding"], enc);
        let raw = r.bytes().await.unwrap();
        let plain = if enc == "zstd" {
            zstd::decode_all(&raw[..]).unwrap()
        } else {
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&raw[..]), &mut out)
                .unwrap();
            out
        };
        let page: PullPage = serde_json::from_slice(&plain).unwrap();
        assert_eq!(
            page.changes
                .iter()
                .filter(|c| c.entity == "household")
                .count(),
            2
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_then_the_feed_gives_the_state_of_the_feed_alone() {
    let s = TestServer::start().await;
    let mut a = s.login("kader.a").await;
    let mut b = s.login("kader.b").await;
    let mut sup = s.login("supervisor").await;
    let mut moved = Vec::new();
    for i in 0..6 {
        let (h, p) = household_with_person(&s, &mut a, &s.world.rt_a.clone()).await;
        household_with_person(&s, &mut b, &s.world.rt_b.clone()).await;
        let now = s.now_ms();
        let edit = a.upsert(now, entity::PERSON, &p, json!({"phone": format!("08{i}")}));
        a.push_ok(&s, &[edit]).await;
        if i % 2 == 0 {
            moved.push(h.clone());
            let m = sup_move(&mut sup, now, &h, &s.world.rt_b);
            sup.push_ok(&s, &[m]).await;
        }
    }
    // Concurrent edits of one field by two devices: the later stamp wins everywhere.
    let h = moved[0].clone();
    let now = s.now_ms();
    let early = sup.upsert(now, entity::HOUSEHOLD, &h, json!({"notes": "supervisor"}));
    let late = b.upsert(now + 1, entity::HOUSEHOLD, &h, json!({"notes": "kader b"}));
    b.push_ok(&s, &[late]).await;
    sup.push_ok(&s, &[early]).await;

    for reader in ["kader.b", "bidan"] {
        let mut by_feed = s.login(reader).await;
        by_feed.pull_all(&s, 7).await;
        let mut by_snapshot = s.login(reader).await;
        let mut resume: Option<SnapshotResume> = None;
        let mut pages = 0;
        loop {
            let (status, body) = s
                .post(
                    "/api/v1/snapshot",
                    Some(&by_snapshot.token),
                    &json!({"protocol": 1, "device_id": by_snapshot.id, "resume": resume, "max_records": 5}),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            let page: SnapshotPage = serde_json::from_value(body).unwrap();
            pages += 1;
            for r in &page.records {
                by_snapshot.replica.apply(r);
            }
            if !page.more {
                by_snapshot.cursor = Some(page.cursor);
                break;
            }
            resume = Some(SnapshotResume {
                cursor: page.cursor,
                after_key: page.last_key,
            });
        }
        assert!(pages > 3);
        // Changes after the snapshot began reach it through the feed.
        let more = b.upsert(
            s.now_ms(),
            entity::HOUSEHOLD,
            &h,
            json!({"address": "Jl. baru"}),
        );
        b.push_ok(&s, &[more]).await;
        by_snapshot.pull_all(&s, 7).await;
        by_feed.pull_all(&s, 7).await;
        assert_eq!(
            by_snapshot.replica.state(),
            by_feed.replica.state(),
            "{reader}"
        );
        assert_eq!(
            by_feed.replica.field("household", &h, "notes"),
            Some(json!("kader b"))
        );
        if reader == "kader.b" {
            // Moved households are hers; A's other households are not.
            assert_eq!(
                by_feed
                    .replica
                    .records
                    .keys()
                    .filter(|(e, _)| e == "household")
                    .count(),
                6 + moved.len()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_assignment_shows_in_the_pull_page() {
    let s = TestServer::start().await;
    let mut a = s.login("kader.a").await;
    let mut b = s.login("kader.b").await;
    let (hb, _) = household_with_person(&s, &mut b, &s.world.rt_b.clone()).await;
    a.pull_all(&s, 100).await;
    assert!(!a.replica.has("household", &hb));
    let st = s.state.clone();
    let (ra, rb) = (s.world.rt_a.clone(), s.world.rt_b.clone());
    tokio::task::spawn_blocking(move || {
        common::admin_of(&st).assign("kader.a", &[ra, rb]).unwrap()
    })
    .await
    .unwrap();
    let page = a.pull_page(&s, 100).await;
    let mut areas = page.areas.clone().expect("the page names the new areas");
    areas.sort();
    let mut want = vec![s.world.rt_a.clone(), s.world.rt_b.clone()];
    want.sort();
    assert_eq!(areas, want);
    // Her user record changed (the device learns its new areas from it too).
    assert!(
        page.changes
            .iter()
            .any(|c| c.entity == "user" && c.entity_id == a.user.id)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_kelurahan_seeds_and_its_kader_logs_in() {
    let s = TestServer::start().await;
    let st = s.state.clone();
    let summary = tokio::task::spawn_blocking(move || {
        let admin = common::admin_of(&st);
        let today = time::macros::date!(2026 - 11 - 22);
        ilp_server::demo::seed(&admin, 30, 7, today).unwrap()
    })
    .await
    .unwrap();
    assert!(summary.records > 500, "{summary:?}");
    // Areas by code: a kelurahan's RT as code/RW/RT; a kader is not given a kelurahan.
    let st = s.state.clone();
    tokio::task::spawn_blocking(move || {
        let admin = common::admin_of(&st);
        let rt = ["53.71.03.1010/001/001".to_string()];
        admin
            .add_user("kader.baru", "Kader Baru", "kader", &rt, "pw-1234")
            .unwrap();
        let nowhere = ["53.71.03.1010/001/099".to_string()];
        assert!(
            admin
                .add_user("kader.x", "X", "kader", &nowhere, "pw-1234")
                .is_err()
        );
        let village = ["53.71.03.1010".to_string()];
        assert!(
            admin
                .add_user("kader.y", "Y", "kader", &village, "pw-1234")
                .is_err()
        );
    })
    .await
    .unwrap();
    let baru = s
        .login_as("kader.baru", "pw-1234", &new_id())
        .await
        .unwrap();
    assert_eq!(baru.user.areas.len(), 1);
    let k = s
        .login_as(
            "kader.rw001.a",
            &ilp_server::demo::demo_password("kader.rw001.a"),
            &new_id(),
        )
        .await
        .unwrap();
    let mut k = k;
    k.pull_all(&s, 5000).await;
    assert!(k.replica.records.keys().any(|(e, _)| e == "household"));
    assert!(!k.replica.events.is_empty());
}
