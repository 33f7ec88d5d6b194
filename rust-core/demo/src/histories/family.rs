//! The PIS-PK family visit (DOMAIN.md section 7): once in the year a kader sits with most
//! households and asks the questions of the family health index that no measurement answers:
//! known conditions and their treatment, smoking (everyone from 15), family planning (married
//! women 15-49) and exclusive breastfeeding (infants from six months). About a fifth of the
//! households have not been visited yet, and a member away from home that day is not asked, so
//! some indices stay "not asked yet".

use super::conditions::{home_visit, known_on};
use super::{Sink, World};
use crate::calendar::{at_wita, working_day};
use crate::draw::{DemoRng, between, chance};
use crate::health::Profile;
use ilp_model::{EventPayload, HealthStatus, Person};
use time::{Date, Duration};

/// Share of households visited in the last year.
const VISITED: f64 = 0.8;
/// Chance that a member is at home (or answered for) on the visit.
const AT_HOME: f64 = 0.95;

/// What a member is asked on `day`, or `None` when nothing applies.
pub(super) fn answers(person: &Person, profile: &Profile, day: Date) -> Option<HealthStatus> {
    let birth = person.birth?;
    if birth.date > day {
        return None;
    }
    let months = birth.age_months(day);
    let years = months / 12;
    let status = HealthStatus {
        conditions: known_on(profile, day),
        smokes: profile.smokes.filter(|_| years >= 15),
        family_planning: profile
            .family_planning
            .filter(|_| (15..=49).contains(&years)),
        exclusive_breastfeeding: profile
            .exclusive_breastfeeding
            .filter(|_| (6..=23).contains(&months)),
    };
    let empty = status.conditions.is_empty()
        && status.smokes.is_none()
        && status.family_planning.is_none()
        && status.exclusive_breastfeeding.is_none();
    (!empty).then_some(status)
}

pub(super) fn generate(rng: &mut DemoRng, world: &World, sink: &mut Sink) {
    let today = world.today;
    for (h, members) in world.pop.members.iter().enumerate() {
        if !chance(rng, VISITED) {
            continue;
        }
        let rw = world.pop.household_rw[h];
        let kader = world.kader(rng, rw);
        let day = working_day(today - Duration::days(between(rng, 0, 364)));
        let day = if day > today { today } else { day };
        let mut minutes = between(rng, 9 * 60, 16 * 60) as u32;
        for (i, person) in members.iter().enumerate() {
            let Some(status) = answers(person, world.health.of(h, i), day) else {
                continue;
            };
            if !chance(rng, AT_HOME) {
                continue;
            }
            let v = sink.visit(rng, person.id, kader, at_wita(day, minutes), home_visit());
            sink.part(rng, v, kader, EventPayload::HealthStatus(status));
            minutes += between(rng, 2, 6) as u32;
        }
    }
}
