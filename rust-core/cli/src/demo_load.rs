//! `ilp demo`: loads a generated Kelurahan Oesapa into a database through the store's own inserts
//! (each record validated and given its outbox entry), parents first, a few hundred households per
//! transaction.
//!
//! This belongs in `ilp-demo` (the FFI's demo mode needs the same loader); it lives here until it
//! moves.

use crate::app::{self, CliError, CliResult, Clock, Globals};
use crate::text::thousands;
use ilp_demo::{DemoConfig, DemoData};
use ilp_model::{Event, HouseholdId, Person, PersonId, Pregnancy, UserId};
use ilp_store::{
    Result, Store, WriteCtx, WriteTx, areas, events, households, persons, pregnancies, users,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::time::Instant;

/// Households per transaction.
pub const BATCH_HOUSEHOLDS: usize = 500;

/// What was loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadSummary {
    pub areas: usize,
    pub posyandu: usize,
    pub users: usize,
    pub users_skipped: usize,
    pub households: usize,
    pub persons: usize,
    pub pregnancies: usize,
    pub events: usize,
}

/// Inserts `data` into `store`: areas, Posyandu and users in one transaction, then households with
/// their members, pregnancies and events in batches of [`BATCH_HOUSEHOLDS`], then the people
/// without a household. Users whose username is already taken (the admin made by `ilp init`) are
/// left out. `progress(done, total)` is called after each batch.
pub fn load(
    store: &Store,
    data: &DemoData,
    ctx: &WriteCtx,
    mut progress: impl FnMut(usize, usize),
) -> Result<LoadSummary> {
    let mut summary = LoadSummary::default();
    store.write(ctx, |w| {
        for a in &data.areas {
            areas::insert_area(w, a)?;
            summary.areas += 1;
        }
        for p in &data.posyandu {
            areas::insert_posyandu(w, p)?;
            summary.posyandu += 1;
        }
        for u in &data.users {
            if users::find_by_username(w.conn(), &u.username)?.is_some() {
                summary.users_skipped += 1;
                continue;
            }
            users::insert_user(w, u)?;
            summary.users += 1;
        }
        Ok(())
    })?;

    let mut people_of: HashMap<Option<HouseholdId>, Vec<&Person>> = HashMap::new();
    for p in &data.persons {
        people_of.entry(p.household).or_default().push(p);
    }
    let mut pregnancies_of: HashMap<PersonId, Vec<&Pregnancy>> = HashMap::new();
    for p in &data.pregnancies {
        pregnancies_of.entry(p.person).or_default().push(p);
    }
    let mut events_of: HashMap<PersonId, Vec<&Event>> = HashMap::new();
    for e in &data.events {
        events_of.entry(e.person).or_default().push(e);
    }
    let insert_people =
        |w: &mut WriteTx<'_>, people: &[&Person], s: &mut LoadSummary| -> Result<()> {
            // Mothers before their children, whatever the order given.
            let ids: HashSet<PersonId> = people.iter().map(|p| p.id).collect();
            let mut done: HashSet<PersonId> = HashSet::new();
            let mut pending: Vec<&Person> = people.to_vec();
            while !pending.is_empty() {
                let before = pending.len();
                let mut rest = Vec::new();
                for p in pending {
                    let waits = p
                        .mother
                        .is_some_and(|m| ids.contains(&m) && !done.contains(&m));
                    if waits {
                        rest.push(p);
                    } else {
                        persons::insert_person(w, p)?;
                        done.insert(p.id);
                        s.persons += 1;
                    }
                }
                if rest.len() == before {
                    // A cycle cannot be ordered; let the store refuse it.
                    for p in &rest {
                        persons::insert_person(w, p)?;
                    }
                    break;
                }
                pending = rest;
            }
            for p in people {
                for pg in pregnancies_of.get(&p.id).into_iter().flatten() {
                    pregnancies::insert(w, pg)?;
                    s.pregnancies += 1;
                }
                for e in events_of.get(&p.id).into_iter().flatten() {
                    events::insert_event(w, e)?;
                    s.events += 1;
                }
            }
            Ok(())
        };

    let total = data.households.len();
    let mut done = 0;
    for chunk in data.households.chunks(BATCH_HOUSEHOLDS) {
        store.write(ctx, |w| {
            for h in chunk {
                households::insert_household(w, h)?;
                summary.households += 1;
                let people = people_of.get(&Some(h.id)).map_or(&[][..], Vec::as_slice);
                insert_people(w, people, &mut summary)?;
            }
            Ok(())
        })?;
        done += chunk.len();
        progress(done, total);
    }
    if let Some(alone) = people_of.get(&None) {
        store.write(ctx, |w| insert_people(w, alone, &mut summary))?;
    }
    Ok(summary)
}

/// `ilp demo`: creates the database if needed and fills it.
pub fn fill(g: &Globals, config: &DemoConfig) -> CliResult {
    let started = Instant::now();
    let clock = Clock::read(g.now.as_deref())?;
    let path = g.db_path()?;
    let exists = std::fs::metadata(path)
        .map(|m| m.len() > 0)
        .unwrap_or(false);
    let store = app::open_store(g, clock, !exists)?;
    let (areas_n, households_n): (i64, i64) = store.read(|c| {
        Ok((
            c.query_row("SELECT count(*) FROM area", [], |r| r.get(0))?,
            c.query_row("SELECT count(*) FROM household", [], |r| r.get(0))?,
        ))
    })?;
    if areas_n > 0 || households_n > 0 {
        return Err(CliError::fatal(format!(
            "{} already holds areas or households; the demo fills only a new or just-initialised \
             database",
            path.display()
        )));
    }
    let data = ilp_demo::generate(config);
    let generated = started.elapsed();
    // Written as the demo's admin (or the admin `ilp init` made, when the names clash).
    let admin: UserId = match store.read(|c| users::find_by_username(c, &g.user))? {
        Some(u) => u.id,
        None => data
            .users
            .iter()
            .find(|u| u.role == ilp_model::Role::Admin)
            .map(|u| u.id)
            .unwrap_or_else(UserId::new_random),
    };
    let ctx = WriteCtx {
        user: admin,
        now: clock.now,
        today: config.today,
    };
    let pb = if g.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let pb = ProgressBar::with_draw_target(
            Some(data.households.len() as u64),
            ProgressDrawTarget::stderr(),
        );
        pb.set_style(
            ProgressStyle::with_template("{spinner} loading households {pos}/{len} [{bar:30}]")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        pb
    };
    let summary = load(&store, &data, &ctx, |done, _| pb.set_position(done as u64));
    pb.finish_and_clear();
    let summary = summary?;
    println!(
        "demo Kelurahan Oesapa (seed {}, histories up to {}) loaded into {}",
        config.seed,
        config.today,
        path.display()
    );
    println!("areas: {}", thousands(summary.areas));
    println!("posyandu: {}", thousands(summary.posyandu));
    println!(
        "users: {}{}",
        thousands(summary.users),
        if summary.users_skipped > 0 {
            format!(" ({} already present, kept)", summary.users_skipped)
        } else {
            String::new()
        }
    );
    println!("households: {}", thousands(summary.households));
    println!("persons: {}", thousands(summary.persons));
    println!("pregnancies: {}", thousands(summary.pregnancies));
    println!("events: {}", thousands(summary.events));
    if !g.quiet {
        println!(
            "time: {:.1} s (generating {:.1} s)",
            started.elapsed().as_secs_f64(),
            generated.as_secs_f64()
        );
    }
    let demo_users: Vec<&str> = data
        .users
        .iter()
        .take(4)
        .map(|u| u.username.as_str())
        .collect();
    println!("users to try with --user: {}, …", demo_users.join(", "));
    Ok(())
}
