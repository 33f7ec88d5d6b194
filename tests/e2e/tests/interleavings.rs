//! A property test of random interleavings on the real server over loopback: 2 to 6 devices of
//! users with overlapping scopes (two kaders of one RW, a kader of another, two bidan, the
//! supervisor; a user may have two phones) edit household and person fields, record visits and
//! register households, sync through a fault-injecting proxy (requests lost, answers lost after
//! the server committed, requests delivered twice), and are killed (store closed and reopened).
//!
//! After a final quiescent sync of every device, checked against a reference model (the server's
//! records and events when the case began, then every local write with its HLC stamp; per field
//! the value of the greatest stamp, every event appended; `ilp_e2e::model`):
//! - every device has nothing pending or refused and passes `integrity_check`;
//! - a replica of the whole kelurahan (the long-lived supervisor observer, or a fresh one from a
//!   snapshot or from the feed) holds exactly the model's values and every event, and equals the
//!   server's merged records;
//! - every device equals that replica on its own scope (nothing lost, nothing extra);
//! - the server's feed holds no change twice.
//!
//! Cases are cheap so that many run: one seeded server serves [`CASES_PER_SERVER`] cases, and its
//! devices live across cases (long-lived replicas, as phones are); a case uses 2 to 6 of them, and
//! may replace any by a fresh login (a new phone's first sync amid the others' work), and may read
//! the end state from a fresh replica instead of the long-lived one. `ILP_INTERLEAVING_CASES` (or
//! `PROPTEST_CASES`) sets the number of cases.

use ilp_e2e::model::{
    Dump, Reference, check_server_records, edit_household, edit_person_with, explain,
    feed_duplicates, households_of, pending_after, persons_of, readable_rts, readable_rts_of,
    register_household, session_areas, visit,
};
use ilp_e2e::proxy::{Fault, Proxy};
use ilp_e2e::{DemoServer, Device, dump, first_difference, restrict};
use ilp_model::JknStatus;
use ilp_sync::engine::SyncOptions;
use ilp_sync::push::PushLimits;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Cases when neither `ILP_INTERLEAVING_CASES` nor `PROPTEST_CASES` is set: about a minute on the
/// 2-core machine. CI (tests/run-all.sh) sets `ILP_INTERLEAVING_CASES=2048` for its SQLite run.
const DEFAULT_CASES: u32 = 256;
/// Households the demo server is seeded with.
const HOUSEHOLDS: usize = 8;
const CASES_PER_SERVER: u32 = 64;

#[derive(Clone, Debug)]
enum Op {
    /// A household field: 0 address, 1 notes, 2 JKN, 3 clean water, 4 latrine.
    EditHousehold {
        dev: usize,
        pick: usize,
        field: u8,
        val: u8,
    },
    /// A person's name or description.
    EditPerson {
        dev: usize,
        pick: usize,
        name: bool,
        val: u8,
    },
    Visit {
        dev: usize,
        pick: usize,
    },
    /// A household with one member, in the RT of a household the device holds.
    NewHousehold {
        dev: usize,
        pick: usize,
    },
    /// A sync whose first requests meet these faults (the rest pass).
    Sync {
        dev: usize,
        faults: Vec<Fault>,
    },
    /// The app is killed between two commits: the store is closed and reopened.
    Kill {
        dev: usize,
    },
}

#[derive(Clone, Debug)]
struct Case {
    /// Device slots (distinct), one per device of the case.
    slots: Vec<usize>,
    /// Per device: replaced by a fresh login of the same user before the case.
    fresh: Vec<bool>,
    ops: Vec<Op>,
    /// The end state is read by a fresh replica (else the long-lived one), from a snapshot or
    /// from the feed.
    fresh_observer: Option<bool>,
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        4 => Just(Fault::Pass),
        1 => Just(Fault::LoseRequest),
        1 => Just(Fault::LoseAnswer),
        1 => Just(Fault::Repeat),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let dev = 0..6usize;
    let pick = any::<usize>();
    prop_oneof![
        4 => (dev.clone(), pick, 0..5u8, 0..4u8)
            .prop_map(|(dev, pick, field, val)| Op::EditHousehold { dev, pick, field, val }),
        2 => (dev.clone(), pick, any::<bool>(), 0..4u8)
            .prop_map(|(dev, pick, name, val)| Op::EditPerson { dev, pick, name, val }),
        2 => (dev.clone(), pick).prop_map(|(dev, pick)| Op::Visit { dev, pick }),
        1 => (dev.clone(), pick).prop_map(|(dev, pick)| Op::NewHousehold { dev, pick }),
        5 => (dev.clone(), proptest::collection::vec(fault(), 0..4))
            .prop_map(|(dev, faults)| Op::Sync { dev, faults }),
        1 => dev.prop_map(|dev| Op::Kill { dev }),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::sample::subsequence((0..SLOTS).collect::<Vec<_>>(), 2..=6).prop_shuffle(),
        proptest::collection::vec(proptest::bool::weighted(0.1), 6),
        proptest::collection::vec(op(), 1..24),
        proptest::option::weighted(0.15, any::<bool>()),
    )
        .prop_map(|(slots, mut fresh, ops, fresh_observer)| {
            fresh.truncate(slots.len());
            Case {
                slots,
                fresh,
                ops,
                fresh_observer,
            }
        })
}

/// Device slots: the pool's users, then a second phone of the first kader and of the supervisor.
const SLOTS: usize = 8;

/// A seeded server, its proxy, the users the cases draw from, and the long-lived devices.
struct World {
    server: DemoServer,
    proxy: Proxy,
    /// Users of the slots: two kaders of the RW with households, a kader of another RW, two
    /// bidan, the supervisor, then the first kader and the supervisor again.
    users: Vec<String>,
    devices: Vec<Option<Device>>,
    /// The long-lived replica the end state is read from: the supervisor, without the proxy.
    observer: Device,
    cases: u32,
}

fn options(small_batches: bool) -> SyncOptions {
    SyncOptions {
        pull_page: 100,
        push: PushLimits {
            max_changes: if small_batches { 2 } else { 500 },
            ..PushLimits::default()
        },
        ..SyncOptions::default()
    }
}

async fn world() -> World {
    let server = DemoServer::start(HOUSEHOLDS).await;
    let proxy = Proxy::start(&server.base).await;
    let observer = Device::login(&server.base, "supervisor.oesapa", options(false)).await;
    observer.sync().await.expect("the observer's first sync");
    let d = dump(observer.store());
    let occupied: std::collections::BTreeSet<String> = d["household"]
        .values()
        .map(|h| h["rt_id"].as_str().unwrap_or_default().to_string())
        .collect();
    // Kaders by their areas (the two of one RW share them): those of the RW with households,
    // and one whose RTs the area tree holds but no household yet (the cases add some).
    let mut busy: Vec<String> = Vec::new();
    let mut other: Vec<String> = Vec::new();
    for (u, areas) in server.admin().users().expect("users") {
        if u.role != "kader" {
            continue;
        }
        let rts = readable_rts(&d, &areas);
        if !rts.is_disjoint(&occupied) {
            busy.push(u.username);
        } else if !rts.is_empty() {
            other.push(u.username);
        }
    }
    busy.sort();
    other.sort();
    assert!(
        busy.len() >= 2,
        "two kaders of the households' RW: {busy:?}"
    );
    let mut users: Vec<String> = busy[..2].to_vec();
    users.push(other.first().unwrap_or(&busy[0]).clone());
    users.extend(["bidan.oesapa.1", "bidan.oesapa.2", "supervisor.oesapa"].map(String::from));
    users.push(users[0].clone());
    users.push("supervisor.oesapa".into());
    assert_eq!(users.len(), SLOTS);
    World {
        server,
        proxy,
        devices: (0..SLOTS).map(|_| None).collect(),
        users,
        observer,
        cases: 0,
    }
}

fn is_kader(d: &Device) -> bool {
    d.username.starts_with("kader.")
}

/// Runs one case; `Err` says what went wrong.
async fn run_case(w: &mut World, case: &Case) -> Result<(), String> {
    // The slots' devices, logged in on first use or when the case wants a fresh phone; half of
    // them push in batches of two, so a fault can fall between two batches of one sync.
    for (k, &slot) in case.slots.iter().enumerate() {
        if w.devices[slot].is_none() || case.fresh[k] {
            let d = Device::login(&w.proxy.base, &w.users[slot], options(slot % 2 == 1)).await;
            w.devices[slot] = Some(d);
        }
    }
    let mut devices: Vec<Device> = case
        .slots
        .iter()
        .map(|&slot| w.devices[slot].take().expect("logged in"))
        .collect();
    let outcome = run_ops(w, case, &mut devices).await;
    // The devices go back to their slots whatever happened, for the next cases.
    for (&slot, d) in case.slots.iter().zip(devices) {
        w.devices[slot] = Some(d);
    }
    outcome
}

async fn run_ops(w: &mut World, case: &Case, devices: &mut [Device]) -> Result<(), String> {
    for d in devices.iter() {
        let pending = d.store().sync_state().unwrap().pending;
        if pending != 0 {
            return Err(format!("{} starts with {pending} pending", d.username));
        }
    }
    let n = devices.len();
    let mut model = Reference::from_server(&w.server);
    // Nothing is pending at the start, so the entries after the last seen are a write's own.
    let mut seen_seq = vec![0i64; n];
    // Feeds the model the outbox entries device `i` just committed.
    let record = |model: &mut Reference, seen: &mut [i64], devices: &[Device], i: usize| {
        let entries = pending_after(devices[i].store(), seen[i]);
        if let Some(last) = entries.last() {
            seen[i] = last.seq;
        }
        model.record(&devices[i].device.to_string(), &entries);
    };

    for (step, op) in case.ops.iter().enumerate() {
        match op {
            Op::EditHousehold {
                dev,
                pick,
                field,
                val,
            } => {
                let i = dev % n;
                let hs = households_of(devices[i].store());
                if hs.is_empty() {
                    continue;
                }
                let (h, _) = hs[pick % hs.len()];
                let v = *val;
                edit_household(&devices[i], h, |x| match field {
                    0 => x.address = Some(format!("Jl. Acak {v}")),
                    1 => x.notes = (v > 0).then(|| format!("catatan {v}")),
                    2 => {
                        x.jkn = [
                            JknStatus::Unknown,
                            JknStatus::NotEnrolled,
                            JknStatus::Pbi,
                            JknStatus::NonPbi,
                        ][v as usize % 4]
                            .clone()
                    }
                    3 => x.clean_water = [None, Some(true), Some(false)][v as usize % 3],
                    _ => x.healthy_latrine = [None, Some(true), Some(false)][v as usize % 3],
                });
                record(&mut model, &mut seen_seq, devices, i);
            }
            Op::EditPerson {
                dev,
                pick,
                name,
                val,
            } => {
                let i = dev % n;
                let ps = persons_of(devices[i].store());
                if ps.is_empty() {
                    continue;
                }
                let p = ps[pick % ps.len()];
                edit_person_with(&devices[i], p, |x| {
                    if *name {
                        x.name = Some(format!("Nama Acak {val}"));
                    } else {
                        x.description = (*val > 0).then(|| format!("keterangan {val}"));
                    }
                });
                record(&mut model, &mut seen_seq, devices, i);
            }
            Op::Visit { dev, pick } => {
                let i = dev % n;
                let ps = persons_of(devices[i].store());
                if ps.is_empty() {
                    continue;
                }
                visit(&devices[i], ps[pick % ps.len()], &format!("langkah {step}"));
                record(&mut model, &mut seen_seq, devices, i);
            }
            Op::NewHousehold { dev, pick } => {
                let i = dev % n;
                let rts = readable_rts_of(&devices[i]);
                if rts.is_empty() {
                    continue;
                }
                let rt = rts[pick % rts.len()];
                register_household(&devices[i], rt, &format!("Ibu Langkah {step}"));
                record(&mut model, &mut seen_seq, devices, i);
            }
            Op::Sync { dev, faults } => {
                let i = dev % n;
                w.proxy.clear_plan();
                w.proxy.plan(faults.iter().copied());
                let result = devices[i].sync().await;
                w.proxy.clear_plan();
                let harmless = faults
                    .iter()
                    .all(|f| matches!(f, Fault::Pass | Fault::Repeat));
                if let Err(e) = &result
                    && harmless
                {
                    return Err(format!(
                        "step {step}: a sync with only passed or repeated requests failed: {e}"
                    ));
                }
                if let Ok(r) = &result
                    && r.refused > 0
                {
                    return Err(format!("step {step}: {} change(s) refused", r.refused));
                }
            }
            Op::Kill { dev } => {
                let i = dev % n;
                devices[i].reopen();
                let bad = devices[i].store().integrity_check().unwrap();
                if !bad.is_empty() {
                    return Err(format!("step {step}: integrity after reopen: {bad:?}"));
                }
            }
        }
    }

    // Quiescence: two rounds, the first brings every change to the server, the second to all.
    w.proxy.clear_plan();
    for round in 0..2 {
        for (i, d) in devices.iter().enumerate() {
            d.sync()
                .await
                .map_err(|e| format!("final round {round}, device {i}: {e}"))?;
        }
    }
    for (i, d) in devices.iter().enumerate() {
        let state = d.store().sync_state().unwrap();
        if state.pending != 0 || state.refused != 0 {
            return Err(format!(
                "device {i} ({}): {} pending, {} refused: {:?}",
                d.username,
                state.pending,
                state.refused,
                d.store().refused_entries().unwrap()
            ));
        }
        let bad = d.store().integrity_check().unwrap();
        if !bad.is_empty() {
            return Err(format!("device {i}: integrity {bad:?}"));
        }
    }

    // The end state as a replica of the whole kelurahan reads it, straight from the server.
    if let Some(snapshot) = case.fresh_observer {
        w.observer = Device::login(
            &w.server.base,
            "supervisor.oesapa",
            SyncOptions {
                snapshot_first: snapshot,
                ..options(false)
            },
        )
        .await;
    }
    w.observer
        .sync()
        .await
        .map_err(|e| format!("observer: {e}"))?;
    let truth: Dump = dump(w.observer.store());
    model.check(&truth, true).map_err(|(id, e)| {
        format!(
            "the server's state against the model: {e}\n{}",
            explain(&w.server, &model, &id)
        )
    })?;
    check_server_records(&w.server, &truth)
        .map_err(|e| format!("the server's records against a fresh replica: {e}"))?;

    for (i, d) in devices.iter().enumerate() {
        let mine = dump(d.store());
        model.check(&mine, false).map_err(|(id, e)| {
            format!(
                "device {i} ({}) against the model: {e}\n{}",
                d.username,
                explain(&w.server, &model, &id)
            )
        })?;
        if is_kader(d) {
            let rts = readable_rts(&truth, &session_areas(d));
            let scoped = restrict(&mine, &rts);
            if let Some(diff) = first_difference(&scoped, &mine) {
                return Err(format!(
                    "device {i} ({}) holds records outside its RTs: {diff}",
                    d.username
                ));
            }
            if let Some(diff) = first_difference(&restrict(&truth, &rts), &mine) {
                return Err(format!(
                    "device {i} ({}) differs on its RTs: {diff}",
                    d.username
                ));
            }
        } else if let Some(diff) = first_difference(&truth, &mine) {
            return Err(format!(
                "device {i} ({}) differs from a fresh replica: {diff}",
                d.username
            ));
        }
    }
    let dups = feed_duplicates(&w.server);
    if !dups.is_empty() {
        return Err(format!("the feed holds changes twice: {dups:?}"));
    }
    Ok(())
}

#[test]
fn random_interleavings_converge_and_lose_nothing() {
    let cases = ["ILP_INTERLEAVING_CASES", "PROPTEST_CASES"]
        .iter()
        .find_map(|v| std::env::var(v).ok().and_then(|s| s.parse().ok()))
        .unwrap_or(DEFAULT_CASES);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // The runner takes a `Fn`: the world and the count live in cells.
    let current: std::cell::RefCell<Option<World>> = Default::default();
    let done = std::cell::Cell::new(0u32);
    let started = std::time::Instant::now();
    let mut runner = TestRunner::new(Config {
        cases,
        // Failures print their minimal case; no regression file in the tree.
        failure_persistence: None,
        // Devices live across cases, so a shrunk case need not fail the same way: keep it short.
        max_shrink_iters: 64,
        ..Config::default()
    });
    let result = runner.run(&case(), |c| {
        let mut w = current.borrow_mut();
        if w.as_ref().is_none_or(|w| w.cases >= CASES_PER_SERVER) {
            // Drop the old world first: its server, proxy and devices stop with it.
            *w = None;
            *w = Some(rt.block_on(world()));
        }
        let w = w.as_mut().expect("a world");
        w.cases += 1;
        done.set(done.get() + 1);
        rt.block_on(run_case(w, &c)).map_err(TestCaseError::fail)
    });
    eprintln!(
        "{} case runs (with shrinking) in {:.1?}",
        done.get(),
        started.elapsed()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}
