//! Sync end to end (issue 4's remaining benchmarks, BENCHMARKS.md section 15): the real
//! server in-process on loopback (`DemoServer`, SQLite in a temp dir, or PostgreSQL when
//! `ILP_TEST_DATABASE_URL` is set) and device stores syncing through the real client (`Syncer`).
//! Not a criterion bench: each figure is one whole sync (or 1,000 at once), printed.
//!
//! - `first`: a fresh device of `bidan.oesapa.1` (the whole demo kelurahan, about 50,000 records)
//!   logs in and syncs, snapshot first (the default) and through the feed; wall time, and for the
//!   run through the counting proxy the split into server, answer streaming and device, bytes on
//!   the wire with HTTP headers, pages, and a phone estimate for DESIGN.md's 10,000 records on 4G.
//! - `idle`: a "nothing changed" sync of a kader and of that bidan: round trips and every byte of
//!   the TCP streams both ways (request line, headers, body), with the exchange printed.
//! - `many`: 1,000 kaders (one RT each, spread over the RTs), each device already synced once and
//!   holding a few pending changes, all syncing at once on one runtime: median, p95, max latency,
//!   errors, total time; then all again at once (pulling what the others pushed).
//!
//! `cargo bench -p ilp-e2e --bench sync -- [first] [idle] [many]` (all three by default).
//! `ILP_BENCH_SYNC_HOUSEHOLDS` (default 1435: about 50,000 records in the bidan's scope),
//! `ILP_BENCH_SYNC_RUNS` (first syncs per mode, default 3: one through the proxy, then direct),
//! `ILP_BENCH_MANY_DEVICES` (1000), `ILP_BENCH_MANY_HOUSEHOLDS` (2900: 50 RTs, 20 kaders each).

use ilp_e2e::{DemoServer, Device, demo_password};
use ilp_model::{HouseholdId, PersonId, VisitKind};
use ilp_store::events::{VisitInput, record_visit};
use ilp_store::households::{self, get_household};
use ilp_store::input::HouseholdInput;
use ilp_sync::engine::{SyncOptions, SyncReport};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A counting TCP proxy: every chunk read from either side is logged with its arrival time, so
/// a sync's exchanges (request bytes, answer bytes, headers included) and where its time went can
/// be read off afterwards. It forwards bytes untouched, so the client and server see HTTP as usual.
struct Tap {
    base: String,
    log: Arc<Mutex<Vec<Chunk>>>,
    capture: Arc<AtomicBool>,
}

#[derive(Clone, Debug)]
struct Chunk {
    conn: u32,
    /// Device to server.
    up: bool,
    at: Duration,
    len: usize,
    /// The bytes, only while capturing (the idle sync is printed; 50 MB of pages are not kept).
    data: Option<Vec<u8>>,
}

impl Tap {
    async fn start(upstream: &str) -> Tap {
        let upstream = upstream.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the tap");
        let base = format!("http://{}", listener.local_addr().expect("tap address"));
        let log: Arc<Mutex<Vec<Chunk>>> = Arc::default();
        let capture = Arc::new(AtomicBool::new(false));
        let start = Instant::now();
        let (l, c) = (log.clone(), capture.clone());
        tokio::spawn(async move {
            let conns = AtomicU32::new(0);
            loop {
                let Ok((device, _)) = listener.accept().await else {
                    return;
                };
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                // No Nagle delays of our own: the proxy must not change the timing it measures.
                let _ = device.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let conn = conns.fetch_add(1, Ordering::SeqCst);
                let (dr, dw) = device.into_split();
                let (sr, sw) = server.into_split();
                tokio::spawn(pipe(dr, sw, conn, true, l.clone(), c.clone(), start));
                tokio::spawn(pipe(sr, dw, conn, false, l.clone(), c.clone(), start));
            }
        });
        Tap { base, log, capture }
    }

    fn take(&self) -> Vec<Chunk> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    conn: u32,
    up: bool,
    log: Arc<Mutex<Vec<Chunk>>>,
    capture: Arc<AtomicBool>,
    start: Instant,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        log.lock().unwrap().push(Chunk {
            conn,
            up,
            at: start.elapsed(),
            len: n,
            data: capture.load(Ordering::Relaxed).then(|| buf[..n].to_vec()),
        });
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// One HTTP request and its answer on one connection (the client waits for each answer, so
/// device-to-server bytes after an answer start the next request).
#[derive(Clone, Debug, Default)]
struct Exchange {
    req_last: Duration,
    req_bytes: usize,
    resp_first: Option<Duration>,
    resp_last: Duration,
    resp_bytes: usize,
    req_data: Vec<u8>,
    resp_data: Vec<u8>,
}

fn exchanges(mut chunks: Vec<Chunk>) -> (Vec<Exchange>, usize) {
    chunks.sort_by_key(|c| (c.conn, c.at));
    let mut out: Vec<Exchange> = Vec::new();
    let mut conns = std::collections::BTreeSet::new();
    let mut current: Option<(u32, Exchange)> = None;
    for c in chunks {
        conns.insert(c.conn);
        let starts_new = match &current {
            None => true,
            Some((conn, x)) => *conn != c.conn || (c.up && x.resp_first.is_some()),
        };
        if starts_new {
            if let Some((_, x)) = current.take() {
                out.push(x);
            }
            current = Some((c.conn, Exchange::default()));
        }
        let x = &mut current.as_mut().expect("an exchange").1;
        if c.up {
            x.req_last = c.at;
            x.req_bytes += c.len;
            x.req_data.extend(c.data.unwrap_or_default());
        } else {
            x.resp_first.get_or_insert(c.at);
            x.resp_last = c.at;
            x.resp_bytes += c.len;
            x.resp_data.extend(c.data.unwrap_or_default());
        }
    }
    out.extend(current.map(|(_, x)| x));
    (out, conns.len())
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

fn rows(device: &Device) -> BTreeMap<&'static str, i64> {
    device
        .store()
        .read(|c| {
            let mut out = BTreeMap::new();
            for t in [
                "area",
                "app_user",
                "household",
                "person",
                "pregnancy",
                "event",
            ] {
                out.insert(
                    t,
                    c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?,
                );
            }
            Ok(out)
        })
        .expect("count rows")
}

fn print_report(r: &SyncReport) {
    println!(
        "    report: {} records ({} from the snapshot), {} pages, {} round trips, bodies {} up / {} down",
        r.pulled,
        r.snapshot_records,
        r.pages,
        r.wire.round_trips,
        kb(r.wire.bytes_sent),
        kb(r.wire.bytes_received)
    );
}

/// What the proxy saw of one sync: where the wall time went and the bytes with headers.
struct Split {
    requests: usize,
    conns: usize,
    up: u64,
    down: u64,
    server_first_byte: Duration,
    answer_stream: Duration,
    device: Duration,
}

fn split(tap_chunks: Vec<Chunk>, wall: Duration) -> (Split, Vec<Exchange>) {
    let (xs, conns) = exchanges(tap_chunks);
    let mut s = Split {
        requests: xs.len(),
        conns,
        up: 0,
        down: 0,
        server_first_byte: Duration::ZERO,
        answer_stream: Duration::ZERO,
        device: Duration::ZERO,
    };
    for x in &xs {
        s.up += x.req_bytes as u64;
        s.down += x.resp_bytes as u64;
        if let Some(first) = x.resp_first {
            s.server_first_byte += first.saturating_sub(x.req_last);
            s.answer_stream += x.resp_last.saturating_sub(first);
        }
    }
    s.device = wall.saturating_sub(s.server_first_byte + s.answer_stream);
    (s, xs)
}

/// DESIGN.md's phone: about 6x slower than one core here; "slow 4G" taken as 5 Mbit/s down with
/// a 100 ms round trip (each page is one round trip: the client waits for an answer before the
/// next request, and applies a page before asking for the next).
const PHONE_CPU_FACTOR: f64 = 6.0;
const FOUR_G_BITS_PER_S: f64 = 5.0e6;
const FOUR_G_RTT_S: f64 = 0.1;

fn phone_estimate(s: &Split, records: u64, target_records: u64, page: u64) {
    let per = target_records as f64 / records as f64;
    let bytes = (s.up + s.down) as f64 * per;
    let transfer = bytes * 8.0 / FOUR_G_BITS_PER_S;
    // Snapshot pages, the feed pull after them, and the TCP handshake of the connection.
    let trips = (target_records as f64 / page as f64).ceil() + 2.0;
    let latency = trips * FOUR_G_RTT_S;
    let server = secs(s.server_first_byte + s.answer_stream) * per;
    let device = secs(s.device) * per * PHONE_CPU_FACTOR;
    println!(
        "    phone estimate for {target_records} records: {:.0} KB at 5 Mbit/s = {transfer:.2} s, \
         {trips:.0} round trips x 100 ms = {latency:.1} s, server {server:.2} s, device {device:.2} s (x6): \
         total {:.1} s",
        bytes / 1024.0,
        transfer + latency + server + device
    );
}

async fn first_sync(server: &DemoServer, tap: &Tap, runs: usize) -> Option<Device> {
    let mut kept = None;
    for (label, snapshot_first) in [("snapshot first", true), ("feed only", false)] {
        let options = SyncOptions {
            snapshot_first,
            ..SyncOptions::default()
        };
        for run in 0..runs.max(1) {
            let proxied = run == 0;
            let base = if proxied { &tap.base } else { &server.base };
            let device = Device::login(base, "bidan.oesapa.1", options).await;
            tap.take();
            let t = Instant::now();
            let report = device.sync().await.expect("first sync");
            let wall = t.elapsed();
            let n = report.pulled;
            println!(
                "first sync, {label}, {}: {:.2} s wall, {n} records, {:.0} records/s",
                if proxied {
                    "through the counting proxy"
                } else {
                    "direct"
                },
                secs(wall),
                n as f64 / secs(wall)
            );
            print_report(&report);
            if proxied {
                let (s, _) = split(tap.take(), wall);
                println!(
                    "    on the wire (headers included): {} requests on {} connection(s), {} up, {} down, {:.0} bytes/record",
                    s.requests,
                    s.conns,
                    kb(s.up),
                    kb(s.down),
                    (s.up + s.down) as f64 / n as f64
                );
                println!(
                    "    split: server to first answer byte {:.2} s, answer streaming (server gzip + loopback) {:.2} s, \
                     device (request, decode, apply, commit) {:.2} s = {:.0} records/s applied end to end",
                    secs(s.server_first_byte),
                    secs(s.answer_stream),
                    secs(s.device),
                    n as f64 / secs(s.device)
                );
                let page = if snapshot_first {
                    options.snapshot_page
                } else {
                    options.pull_page
                };
                phone_estimate(&s, n, 10_000, page as u64);
                phone_estimate(&s, n, n, page as u64);
                println!("    rows in the store: {:?}", rows(&device));
                if snapshot_first {
                    kept = Some(device);
                }
            }
        }
    }
    kept
}

/// Where the bytes of a first sync go: every snapshot page and every feed page fetched raw (no
/// compression asked), their JSON size by entity and each page gzip'd at the default level (what
/// the server's compression does). Both carry the same records: the difference is the encoding
/// and the order of the records.
async fn diagnose_pages(server: &DemoServer) {
    let http = reqwest::Client::new();
    let device = ilp_model::DeviceId::from_random_bytes(*uuid::Uuid::new_v4().as_bytes());
    let post = |path: &str, token: Option<&str>, body: serde_json::Value| {
        let mut r = http
            .post(format!("{}{path}", server.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(t) = token {
            r = r.header("authorization", format!("Bearer {t}"));
        }
        async move {
            let bytes = r.send().await.expect("send").bytes().await.expect("body");
            serde_json::from_slice::<serde_json::Value>(&bytes).expect("json")
        }
    };
    let gzip_len = |text: &str| {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(text.as_bytes()).expect("gzip");
        e.finish().expect("gzip").len()
    };
    let login = post(
        "/api/v1/login",
        None,
        serde_json::json!({"protocol": 1, "username": "bidan.oesapa.1",
            "secret": demo_password("bidan.oesapa.1"), "device_id": device.to_string()}),
    )
    .await;
    let token = login["token"].as_str().expect("token").to_string();
    for snapshot in [true, false] {
        let (mut json, mut gz, mut n) = (0usize, 0usize, 0usize);
        let mut by_entity: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
        let mut sample = None;
        let mut resume = serde_json::Value::Null;
        let mut cursor = serde_json::Value::Null;
        loop {
            let page = if snapshot {
                post(
                    "/api/v1/snapshot",
                    Some(&token),
                    serde_json::json!({"protocol": 1, "device_id": device.to_string(),
                        "resume": resume, "max_records": 5000}),
                )
                .await
            } else {
                post(
                    "/api/v1/pull",
                    Some(&token),
                    serde_json::json!({"protocol": 1, "device_id": device.to_string(),
                        "cursor": cursor, "max_changes": 2000}),
                )
                .await
            };
            let text = page.to_string();
            let page_gz = gzip_len(&text);
            json += text.len();
            gz += page_gz;
            let items = page[if snapshot { "records" } else { "changes" }]
                .as_array()
                .cloned()
                .unwrap_or_default();
            n += items.len();
            for c in &items {
                let e = by_entity
                    .entry(c["entity"].as_str().unwrap_or("?").to_string())
                    .or_default();
                e.0 += 1;
                e.1 += c.to_string().len();
                // The page's gzip'd size shared out by JSON size: roughly what each entity costs.
                e.2 += c.to_string().len() * page_gz / text.len().max(1);
            }
            if sample.is_none() {
                sample = items.iter().find(|c| c["entity"] == "event").cloned();
            }
            if page["more"] != true {
                break;
            }
            resume = serde_json::json!({"cursor": page["cursor"], "after_key": page["last_key"]});
            cursor = page["next_cursor"].clone();
        }
        println!(
            "{}: {n} records, {} JSON, {} gzip'd page by page, {:.0} / {:.0} bytes per record",
            if snapshot { "snapshot" } else { "feed" },
            kb(json as u64),
            kb(gz as u64),
            json as f64 / n.max(1) as f64,
            gz as f64 / n.max(1) as f64
        );
        for (entity, (k, bytes, zipped)) in by_entity {
            println!(
                "    {entity}: {k}, {:.0} bytes JSON, about {:.0} gzip'd each",
                bytes as f64 / k as f64,
                zipped as f64 / k as f64
            );
        }
        if let Some(event) = sample {
            println!("    an event: {event}");
        }
    }
}

/// The exchange as sent, the token masked and a compressed body summarised.
fn show(raw: &[u8]) -> String {
    let split_at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..split_at]);
    let head: String = head
        .lines()
        .map(|l| {
            if l.to_ascii_lowercase().starts_with("authorization: bearer ") {
                format!("authorization: Bearer <{} chars>", l.len() - 22)
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n      ");
    let body = &raw[split_at..];
    let body = if body
        .iter()
        .all(|b| b.is_ascii_graphic() || b" \r\n".contains(b))
    {
        String::from_utf8_lossy(body).replace("\r\n", "\\r\\n")
    } else {
        let json = gunzip_chunked(body).unwrap_or_else(|| "?".into());
        format!(
            "<{} bytes: chunked gzip> = {} bytes of JSON: {json}",
            body.len(),
            json.len()
        )
    };
    format!("      {}\n      body: {body}", head.trim_end())
}

/// The JSON inside a chunked, gzip'd answer body (what the server sends once it compresses).
fn gunzip_chunked(mut body: &[u8]) -> Option<String> {
    use std::io::Read;
    let mut gz = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&body[..line_end]).ok()?, 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            break;
        }
        gz.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
    let mut out = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut out)
        .ok()?;
    Some(out)
}

async fn idle_sync(tap: &Tap, label: &str, device: &Device) {
    tap.take();
    tap.capture.store(true, Ordering::SeqCst);
    let t = Instant::now();
    let report = device.sync().await.expect("idle sync");
    let wall = t.elapsed();
    tap.capture.store(false, Ordering::SeqCst);
    let (s, xs) = split(tap.take(), wall);
    println!(
        "nothing changed, {label}: {} round trip(s) on {} new connection(s), {} bytes up + {} bytes down = {} bytes \
         with headers (bodies {} + {}), {:.1} ms",
        s.requests,
        s.conns,
        s.up,
        s.down,
        s.up + s.down,
        report.wire.bytes_sent,
        report.wire.bytes_received,
        secs(wall) * 1000.0
    );
    for x in &xs {
        println!("    request, {} bytes:\n{}", x.req_bytes, show(&x.req_data));
        println!(
            "    answer, {} bytes:\n{}",
            x.resp_bytes,
            show(&x.resp_data)
        );
    }
}

fn household_input(store: &ilp_store::Store, id: HouseholdId) -> HouseholdInput {
    let h = store.read(|c| get_household(c, id)).expect("household");
    HouseholdInput {
        rt: h.rt,
        kk_number: h.kk_number.map(|k| k.as_str().to_string()),
        address: h.address,
        gps: h.gps.map(|g| (g.lat, g.lon)),
        jkn: h.jkn,
        clean_water: h.clean_water,
        healthy_latrine: h.healthy_latrine,
        notes: h.notes,
    }
}

/// A few offline changes on one device: a household edit and a home visit to one of its members.
fn make_changes(device: &Device, nth: usize, note: &str) {
    let (household, person): (HouseholdId, PersonId) = device
        .store()
        .read(|c| {
            let n: i64 = c.query_row("SELECT count(*) FROM household", [], |r| r.get(0))?;
            Ok(c.query_row(
                "SELECT h.id, (SELECT p.id FROM person p WHERE p.household_id = h.id ORDER BY p.id LIMIT 1)
                 FROM household h ORDER BY h.id LIMIT 1 OFFSET ?1",
                [nth as i64 % n.max(1)],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )?)
        })
        .map(|(h, p)| (h.parse().expect("household id"), p.parse().expect("person id")))
        .expect("a household of the kader's RT with a member");
    let mut input = household_input(device.store(), household);
    input.notes = Some(note.to_string());
    device
        .store()
        .write(&device.write_ctx(), |w| {
            households::edit(w, household, &input)
        })
        .expect("edit a household");
    let ctx = device.write_ctx();
    let visit = VisitInput {
        note: Some(note.to_string()),
        ..VisitInput::new(person, ctx.now, VisitKind::HomeVisit)
    };
    device
        .store()
        .write(&ctx, |w| record_visit(w, &visit))
        .expect("record a visit");
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Per route, the server's own request time (its latency histogram's sum and count: from the
/// request reaching the router to the answer leaving it, waits for the blocking pool and the
/// database writer included).
fn server_times(server: &DemoServer) -> BTreeMap<String, (f64, u64)> {
    let mut out: BTreeMap<String, (f64, u64)> = BTreeMap::new();
    for line in server.state.metrics.render().lines() {
        for (prefix, is_sum) in [
            ("ilp_http_request_duration_seconds_sum{route=\"", true),
            ("ilp_http_request_duration_seconds_count{route=\"", false),
        ] {
            let Some(rest) = line.strip_prefix(prefix) else {
                continue;
            };
            let Some((route, value)) = rest.split_once("\"} ") else {
                continue;
            };
            let e = out.entry(route.to_string()).or_default();
            if is_sum {
                e.0 = value.parse().unwrap_or(0.0);
            } else {
                e.1 = value.parse().unwrap_or(0);
            }
        }
    }
    out
}

async fn all_at_once(server: &DemoServer, label: &str, devices: Vec<Device>) -> Vec<Device> {
    let before = server_times(server);
    let start = Instant::now();
    let tasks: Vec<_> = devices
        .into_iter()
        .map(|d| {
            tokio::spawn(async move {
                let t = Instant::now();
                let r = d.sync().await;
                (d, t.elapsed(), r)
            })
        })
        .collect();
    let mut out = Vec::with_capacity(tasks.len());
    let mut latencies = Vec::with_capacity(tasks.len());
    let (mut errors, mut pushed, mut pulled, mut trips, mut up, mut down) = (0, 0, 0, 0, 0, 0);
    let mut messages: BTreeMap<String, usize> = BTreeMap::new();
    for t in tasks {
        let (d, latency, r) = t.await.expect("a sync task");
        latencies.push(latency);
        match r {
            Ok(r) => {
                pushed += r.pushed;
                pulled += r.pulled;
                trips += r.wire.round_trips;
                up += r.wire.bytes_sent;
                down += r.wire.bytes_received;
            }
            Err(e) => {
                errors += 1;
                *messages.entry(e.to_string()).or_default() += 1;
            }
        }
        out.push(d);
    }
    let total = start.elapsed();
    latencies.sort();
    println!(
        "{label}: {} devices, total {:.2} s; latency median {:.0} ms, p95 {:.0} ms, max {:.0} ms, min {:.0} ms; \
         {errors} errors; {pushed} changes pushed, {pulled} pulled, {trips} round trips, bodies {} up / {} down",
        out.len(),
        secs(total),
        secs(percentile(&latencies, 0.5)) * 1000.0,
        secs(percentile(&latencies, 0.95)) * 1000.0,
        secs(percentile(&latencies, 1.0)) * 1000.0,
        secs(percentile(&latencies, 0.0)) * 1000.0,
        kb(up),
        kb(down)
    );
    for (m, n) in messages {
        println!("    {n} x {m}");
    }
    for (route, (sum, count)) in server_times(server) {
        let (s0, c0) = before.get(&route).copied().unwrap_or_default();
        if count > c0 && route != "/api/v1/login" {
            println!(
                "        server time of {route}: {} requests, mean {:.1} ms",
                count - c0,
                (sum - s0) / (count - c0) as f64 * 1000.0
            );
        }
    }
    out
}

/// Runs `f` over `items` with at most `limit` at a time, keeping the order.
async fn bounded<T, R, F, Fut>(items: Vec<T>, limit: usize, f: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = R> + Send + 'static,
{
    let sem = Arc::new(tokio::sync::Semaphore::new(limit));
    let tasks: Vec<_> = items
        .into_iter()
        .map(|item| {
            let fut = f(item);
            let sem = sem.clone();
            tokio::spawn(async move {
                let _permit = sem.acquire().await.expect("semaphore");
                fut.await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.expect("a set-up task"));
    }
    out
}

async fn many_devices(households: usize, count: usize) {
    let t = Instant::now();
    let server = DemoServer::start(households).await;
    println!(
        "many devices: demo of {households} households seeded in {:.1} s",
        secs(t.elapsed())
    );
    // Storage calls block (the PostgreSQL client runs its own runtime): off the async workers.
    let names: Vec<String> = (0..count).map(|i| format!("kader.bench.{i:04}")).collect();
    let t = Instant::now();
    let rts: Vec<String> = tokio::task::block_in_place(|| {
        let admin = server.admin();
        let areas = admin
            .db
            .read(|tx| Ok(tx.records(ilp_sync::protocol::entity::AREA)?))
            .expect("areas");
        let mut rts: Vec<String> = areas
            .into_iter()
            .filter(|a| {
                serde_json::from_str::<serde_json::Value>(&a.fields)
                    .map(|f| f["level"] == "rt")
                    .unwrap_or(false)
            })
            .map(|a| a.id)
            .collect();
        rts.sort();
        for (i, name) in names.iter().enumerate() {
            admin
                .add_user(
                    name,
                    &format!("Kader Bench {i}"),
                    "kader",
                    &[rts[i % rts.len()].clone()],
                    &demo_password(name),
                )
                .expect("add a kader");
        }
        rts
    });
    println!(
        "    {count} kaders over {} RTs (about {} each) made in {:.1} s",
        rts.len(),
        count.div_ceil(rts.len()),
        secs(t.elapsed())
    );
    // Set-up, not measured: stores opened, logins, each device's first sync, the offline changes.
    let t = Instant::now();
    let base = server.base.clone();
    let devices = bounded(names, 16, |name| {
        let base = base.clone();
        async move { Device::login(&base, &name, SyncOptions::default()).await }
    })
    .await;
    println!(
        "    {count} stores opened and logged in in {:.1} s",
        secs(t.elapsed())
    );
    let t = Instant::now();
    let devices = bounded(devices, 16, |d| async move {
        d.sync().await.expect("a device's first sync");
        d
    })
    .await;
    let records: i64 = devices.iter().map(|d| rows(d)["household"]).sum();
    println!(
        "    first syncs done in {:.1} s ({} households on the devices in all)",
        secs(t.elapsed()),
        records
    );
    let t = Instant::now();
    for (i, d) in devices.iter().enumerate() {
        make_changes(d, i / rts.len(), &format!("bench {i}"));
    }
    let pending: i64 = devices
        .iter()
        .map(|d| d.store().sync_state().expect("sync state").pending)
        .sum();
    println!(
        "    {pending} changes pending ({:.1} per device) made in {:.1} s; {} file descriptors open",
        pending as f64 / count as f64,
        secs(t.elapsed()),
        open_fds()
    );
    let devices = all_at_once(&server, "    all at once, each with its changes", devices).await;
    let devices = all_at_once(
        &server,
        "    all at once again (what the others pushed meanwhile)",
        devices,
    )
    .await;
    let _ = all_at_once(&server, "    all at once, nothing changed", devices).await;
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wants = |name: &str| args.is_empty() || args.iter().any(|a| a == name);
    let storage = if std::env::var("ILP_TEST_DATABASE_URL").is_ok() {
        "PostgreSQL (ILP_TEST_DATABASE_URL)"
    } else {
        "SQLite"
    };
    println!(
        "sync bench: server storage {storage}, {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    // One runtime for the server, the proxy and every device, as on a loaded server host.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        if wants("first") || wants("idle") {
            let households = env_or("ILP_BENCH_SYNC_HOUSEHOLDS", 1435);
            let t = Instant::now();
            let server = DemoServer::start(households).await;
            println!(
                "demo of {households} households seeded in {:.1} s",
                secs(t.elapsed())
            );
            let tap = Tap::start(&server.base).await;
            if std::env::var("ILP_BENCH_DIAG").is_ok() {
                diagnose_pages(&server).await;
            }
            let bidan = if wants("first") {
                first_sync(&server, &tap, env_or("ILP_BENCH_SYNC_RUNS", 3)).await
            } else {
                None
            };
            if wants("idle") {
                // The server's storage calls block (the PostgreSQL client runs its own runtime).
                let kader = tokio::task::block_in_place(|| server.usernames("kader")[0].clone());
                let device = Device::login(&tap.base, &kader, SyncOptions::default()).await;
                device.sync().await.expect("the kader's first sync");
                idle_sync(&tap, &format!("kader {kader}"), &device).await;
                if let Some(bidan) = bidan {
                    idle_sync(&tap, "bidan.oesapa.1", &bidan).await;
                }
            }
        }
        if wants("many") {
            many_devices(
                env_or("ILP_BENCH_MANY_HOUSEHOLDS", 2900),
                env_or("ILP_BENCH_MANY_DEVICES", 1000),
            )
            .await;
        }
    });
}
