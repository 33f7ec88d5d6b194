//! Makan Bergizi Gratis for the 3B (DOMAIN.md section 8): in the last four months the Posyandu
//! hands a package to most under-fives who come, to pregnant women and to mothers of children
//! under two; the kader takes a few to the homes of those who did not come. Not everyone is
//! reached, so the MBG list a kader keeps has gaps to follow up.

use super::conditions::home_visit;
use super::{Sink, VisitRef, World};
use crate::calendar::{at_wita, month_start, working_day};
use crate::draw::{DemoRng, between, chance};
use ilp_model::timestamp::wita;
use ilp_model::{EventPayload, Person, PersonId, Service, ServiceKind, Visit, VisitKind};
use std::collections::HashMap;
use time::{Date, Duration};

/// Months with MBG, counting the current one.
pub(crate) const MBG_MONTHS: i32 = 4;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    UnderFive,
    Pregnant,
    Breastfeeding,
}

fn package() -> EventPayload {
    EventPayload::Service(Service {
        kind: ServiceKind::MbgPackage,
        quantity: Some(1),
    })
}

pub(super) fn generate(rng: &mut DemoRng, world: &World, sink: &mut Sink) {
    let today = world.today;
    let from = month_start(today, -(MBG_MONTHS - 1));
    // Who was at a Posyandu table on which day (under-fives weighed, women at ANC).
    let mut seen: HashMap<(PersonId, Date), VisitRef> = HashMap::new();
    for e in &sink.visits {
        if let EventPayload::Visit(v) = &e.payload
            && v.posyandu.is_some()
        {
            let day = e.occurred_at.date_at(wita());
            if day >= from {
                seen.entry((e.person, day)).or_insert(VisitRef {
                    id: e.id,
                    person: e.person,
                    at: e.occurred_at,
                });
            }
        }
    }
    let mut pregnant: HashMap<PersonId, Vec<(Date, Date)>> = HashMap::new();
    for plan in world.pregnancies {
        if let Some(hpht) = plan.pregnancy.hpht {
            let end = plan.delivered_on.unwrap_or(today + Duration::days(1));
            pregnant
                .entry(plan.pregnancy.person)
                .or_default()
                .push((hpht, end));
        }
    }
    let target = |p: &Person, members: &[Person], on: Date| -> Option<Target> {
        let birth = p.birth?.date;
        if birth > on {
            return None;
        }
        if ilp_model::BirthDate::exact(birth).age_months(on) < 60 {
            return Some(Target::UnderFive);
        }
        if pregnant
            .get(&p.id)
            .is_some_and(|spans| spans.iter().any(|(s, e)| *s <= on && on < *e))
        {
            return Some(Target::Pregnant);
        }
        let nursing = members.iter().any(|c| {
            c.mother == Some(p.id)
                && c.birth
                    .is_some_and(|b| b.date <= on && b.age_months(on) < 24)
        });
        nursing.then_some(Target::Breastfeeding)
    };
    for (h, members) in world.pop.members.iter().enumerate() {
        let rw = world.pop.household_rw[h];
        let sessions: Vec<Date> = world.sessions[rw]
            .iter()
            .copied()
            .filter(|s| *s >= from)
            .collect();
        for session in sessions {
            for p in members {
                let Some(kind) = target(p, members, session) else {
                    continue;
                };
                let kader = world.kader(rng, rw);
                if let Some(v) = seen.get(&(p.id, session)) {
                    if chance(rng, 0.85) {
                        sink.part(rng, *v, kader, package());
                    }
                    continue;
                }
                // Mothers come to the table with their child, or for the package itself.
                let (at_table, at_home) = match kind {
                    Target::UnderFive => (0.0, 0.2),
                    Target::Pregnant => (0.7, 0.15),
                    Target::Breastfeeding => {
                        let child_came = members
                            .iter()
                            .any(|c| c.mother == Some(p.id) && seen.contains_key(&(c.id, session)));
                        if child_came { (0.8, 0.0) } else { (0.0, 0.2) }
                    }
                };
                if chance(rng, at_table) {
                    let at = at_wita(session, between(rng, 8 * 60, 11 * 60) as u32);
                    let visit = Visit {
                        kind: VisitKind::Posyandu,
                        posyandu: Some(world.rws[rw].posyandu),
                        place: None,
                        pregnancy: None,
                    };
                    let v = sink.visit(rng, p.id, kader, at, visit);
                    sink.part(rng, v, kader, package());
                } else if chance(rng, at_home) {
                    let day = working_day(session + Duration::days(between(rng, 1, 6)));
                    if day <= today && target(p, members, day).is_some() {
                        let at = at_wita(day, between(rng, 14 * 60, 17 * 60) as u32);
                        let v = sink.visit(rng, p.id, kader, at, home_visit());
                        sink.part(rng, v, kader, package());
                    }
                }
            }
        }
    }
}
