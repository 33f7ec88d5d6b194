//! Loads generated demo data into a store through the store's own insert functions (so every
//! record is validated and gets its outbox entry): areas, Posyandu and users first, then
//! households with their members (mothers before children), pregnancies and events, a few hundred
//! households per transaction.

use crate::DemoData;
use ilp_model::{Event, HouseholdId, Person, PersonId, Pregnancy};
use ilp_store::{
    Result, Store, WriteCtx, WriteTx, areas, events, households, persons, pregnancies, users,
};
use std::collections::{HashMap, HashSet};

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
pub fn load_into(
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
            // Thousands of persons: their due items are built once, after the load.
            w.defer_due_items();
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
        store.write(ctx, |w| {
            w.defer_due_items();
            insert_people(w, alone, &mut summary)
        })?;
    }
    Ok(summary)
}
