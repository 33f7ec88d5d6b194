//! Prints what the demo generator makes: sizes, timing, a few households and users.
//! `cargo run -p ilp-demo --release --example summary -- [households] [seed]`

use ilp_demo::{DemoConfig, generate};
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let households = args.next().and_then(|a| a.parse().ok()).unwrap_or(5000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(2026);
    let config = DemoConfig::new(seed, households, time::macros::date!(2026 - 03 - 15));
    let start = Instant::now();
    let data = generate(&config);
    let took = start.elapsed();
    println!(
        "{households} households: {} areas, {} posyandu, {} users, {} persons, {} pregnancies, {} events ({} records) in {took:?}",
        data.areas.len(),
        data.posyandu.len(),
        data.users.len(),
        data.persons.len(),
        data.pregnancies.len(),
        data.events.len(),
        data.record_count(),
    );
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &data.events {
        *kinds.entry(e.payload.kind()).or_default() += 1;
    }
    println!("events by kind: {kinds:?}");
    for u in data.users.iter().take(6) {
        println!("user {:<20} {:?} {}", u.username, u.role, u.display_name);
    }
    for p in &data.posyandu {
        println!("{} serves {} RT", p.name, p.rts.len());
    }
    for h in data.households.iter().take(4) {
        println!(
            "household {:?} {:?} {:?} {} water {:?} latrine {:?} {:?}",
            h.kk_number.as_ref().map(|k| k.as_str()),
            h.address,
            h.gps,
            h.jkn.code(),
            h.clean_water,
            h.healthy_latrine,
            h.notes
        );
        for p in data.persons.iter().filter(|p| p.household == Some(h.id)) {
            println!(
                "    {:<32} {:?} {} {:?} nik {:?} phone {:?} mother {}",
                p.name.as_deref().unwrap_or("-"),
                p.sex.unwrap(),
                p.birth.unwrap().date,
                p.relation.as_ref().map(|r| r.code()),
                p.nik.as_ref().map(|n| n.as_str()),
                p.phone,
                p.mother.is_some()
            );
        }
    }
    for p in data.persons.iter().filter(|p| p.household.is_none()) {
        println!("unidentified: {:?}", p.description);
    }
}
