//! Event histories: what kaders and bidan recorded over the last year. Each visit is a `Visit`
//! event; what was done in it (measurements, immunizations, services, danger signs, referrals)
//! are further events linked by `visit`, with the visit's person and time.
//!
//! Split by who is served: under-fives (weighing, immunization, vitamin A, neonatal visits),
//! mothers (ANC, postpartum), adults (yearly screening), known conditions (monthly follow-ups),
//! the PIS-PK family visit (health-status answers), schoolchildren (BIAS), the 3B (MBG
//! packages), and danger signs with referrals.

mod adults;
mod children;
mod conditions;
mod family;
mod maternal;
mod mbg;
mod referrals;
mod school;

use crate::calendar::{minutes_ms, sessions_up_to};
use crate::draw::{DemoRng, between};
use crate::health::Health;
use crate::kupang::RwPlan;
use crate::population::Population;
use crate::pregnancies::PregnancyPlan;
use crate::staff::{Recorder, Staff};
use ilp_model::{Event, EventId, EventPayload, PersonId, Timestamp, Visit};
use time::Date;

/// Posyandu sessions of history kept per RW: the last twelve months.
const MONTHS_OF_HISTORY: usize = 12;

/// Everything the histories read.
pub(crate) struct World<'a> {
    pub today: Date,
    pub rws: &'a [RwPlan],
    pub staff: &'a Staff,
    pub pop: &'a Population,
    pub pregnancies: &'a [PregnancyPlan],
    pub health: &'a Health,
    /// The last twelve Posyandu sessions of each RW, oldest first.
    pub sessions: Vec<Vec<Date>>,
}

impl World<'_> {
    /// One of the RW's two kaders (they share the table on Posyandu day).
    fn kader(&self, rng: &mut DemoRng, rw: usize) -> Recorder {
        self.staff.kaders[rw][between(rng, 0, 1) as usize]
    }
}

/// A visit already written, for linking its parts.
#[derive(Clone, Copy)]
struct VisitRef {
    id: EventId,
    person: PersonId,
    at: Timestamp,
}

/// Collects events: visits and their parts apart, so visits can be emitted first.
#[derive(Default)]
struct Sink {
    visits: Vec<Event>,
    parts: Vec<Event>,
}

impl Sink {
    fn visit(
        &mut self,
        rng: &mut DemoRng,
        person: PersonId,
        by: Recorder,
        at: Timestamp,
        visit: Visit,
    ) -> VisitRef {
        let id = crate::draw::new_id!(rng, EventId);
        self.visits.push(Event {
            id,
            person,
            visit: None,
            recorded_by: by.user,
            device: by.device,
            occurred_at: at,
            // Registration takes a minute or two on the phone.
            recorded_at: Timestamp::from_millis(at.millis() + minutes_ms(between(rng, 1, 3))),
            payload: EventPayload::Visit(visit),
        });
        VisitRef { id, person, at }
    }

    fn part(&mut self, rng: &mut DemoRng, visit: VisitRef, by: Recorder, payload: EventPayload) {
        self.parts.push(Event {
            id: crate::draw::new_id!(rng, EventId),
            person: visit.person,
            visit: Some(visit.id),
            recorded_by: by.user,
            device: by.device,
            occurred_at: visit.at,
            recorded_at: Timestamp::from_millis(
                visit.at.millis() + minutes_ms(between(rng, 3, 15)),
            ),
            payload,
        });
    }

    /// Visits in time order, then their parts in time order (stable, so parts of one visit keep
    /// the order they were recorded in).
    fn finish(mut self) -> Vec<Event> {
        self.visits.sort_by_key(|e| e.occurred_at);
        self.parts.sort_by_key(|e| e.occurred_at);
        let mut all = self.visits;
        all.append(&mut self.parts);
        all
    }
}

pub(crate) fn build(
    rng: &mut DemoRng,
    today: Date,
    rws: &[RwPlan],
    staff: &Staff,
    pop: &Population,
    pregnancies: &[PregnancyPlan],
    health: &Health,
) -> Vec<Event> {
    let world = World {
        today,
        rws,
        staff,
        pop,
        pregnancies,
        health,
        sessions: rws
            .iter()
            .map(|rw| sessions_up_to(rw.posyandu_day, today, MONTHS_OF_HISTORY))
            .collect(),
    };
    let mut sink = Sink::default();
    children::generate(rng, &world, &mut sink);
    maternal::generate(rng, &world, &mut sink);
    adults::generate(rng, &world, &mut sink);
    conditions::generate(rng, &world, &mut sink);
    family::generate(rng, &world, &mut sink);
    school::generate(rng, &world, &mut sink);
    mbg::generate(rng, &world, &mut sink);
    // Last, so that the follow-ups still open come after everyone's latest visit.
    referrals::generate(rng, &world, &mut sink);
    sink.finish()
}
