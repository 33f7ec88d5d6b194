//! Loads generated demo data into a store through the store's own insert functions (so every
//! record is validated and gets its outbox entry), parents first, in batches of households so a
//! 5,000-household kelurahan loads in a few large transactions.

use crate::DemoData;
use ilp_model::{HouseholdId, PersonId};
use ilp_store::{Result, Store, WriteCtx, areas, events, households, persons, pregnancies, users};
use std::collections::HashMap;

/// What was loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadSummary {
    pub areas: usize,
    pub households: usize,
    pub persons: usize,
    pub pregnancies: usize,
    pub events: usize,
}

/// Households per transaction: large enough to amortise commits, small enough that a progress
/// callback moves.
pub const BATCH_HOUSEHOLDS: usize = 250;

/// Inserts everything in `data`. `progress` is called with (households done, total) after each
/// batch. Fails on the first refused record; batches already committed stay.
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
        }
        for p in &data.posyandu {
            areas::insert_posyandu(w, p)?;
        }
        for u in &data.users {
            users::insert_user(w, u)?;
        }
        Ok(())
    })?;
    summary.areas = data.areas.len();

    let mut by_household: HashMap<Option<HouseholdId>, Vec<&ilp_model::Person>> = HashMap::new();
    for p in &data.persons {
        by_household.entry(p.household).or_default().push(p);
    }
    let mut events_by_person: HashMap<PersonId, Vec<&ilp_model::Event>> = HashMap::new();
    for e in &data.events {
        events_by_person.entry(e.person).or_default().push(e);
    }
    let mut pregnancies_by_person: HashMap<PersonId, Vec<&ilp_model::Pregnancy>> = HashMap::new();
    for p in &data.pregnancies {
        pregnancies_by_person.entry(p.person).or_default().push(p);
    }
    let insert_people = |w: &mut ilp_store::WriteTx<'_>,
                         people: &[&ilp_model::Person],
                         s: &mut LoadSummary|
     -> Result<()> {
        for p in people {
            persons::insert_person(w, p)?;
            s.persons += 1;
        }
        for p in people {
            for pg in pregnancies_by_person.get(&p.id).into_iter().flatten() {
                pregnancies::insert(w, pg)?;
                s.pregnancies += 1;
            }
            for e in events_by_person.get(&p.id).into_iter().flatten() {
                events::insert_event(w, e)?;
                s.events += 1;
            }
        }
        Ok(())
    };

    let total = data.households.len();
    for (i, chunk) in data.households.chunks(BATCH_HOUSEHOLDS).enumerate() {
        store.write(ctx, |w| {
            for h in chunk {
                households::insert_household(w, h)?;
                summary.households += 1;
                let people = by_household
                    .get(&Some(h.id))
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                insert_people(w, people, &mut summary)?;
            }
            Ok(())
        })?;
        progress(((i + 1) * BATCH_HOUSEHOLDS).min(total), total);
    }
    if let Some(unattached) = by_household.get(&None) {
        store.write(ctx, |w| insert_people(w, unattached, &mut summary))?;
    }
    Ok(summary)
}
