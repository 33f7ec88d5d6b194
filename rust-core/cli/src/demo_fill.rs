//! `ilp demo`: generates Kelurahan Oesapa and loads it with [`ilp_demo::load::load_into`], with a
//! progress bar and a summary a data officer can read.

use crate::app::{self, CliError, CliResult, Clock, Globals};
use crate::text::thousands;
use ilp_demo::DemoConfig;
use ilp_demo::load::load_into;
use ilp_model::UserId;
use ilp_store::{WriteCtx, users};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Instant;

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
    let summary = load_into(&store, &data, &ctx, |done, _| pb.set_position(done as u64));
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
