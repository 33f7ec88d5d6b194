//! Who has which long-term condition, who smokes, which couples use family planning and which
//! infants were exclusively breastfed: drawn once per person, so that every history that asks
//! (family visits, condition follow-ups, screening, Posyandu) gives the same answer.
//!
//! Shares are those of Indonesian surveys in round figures (Riskesdas 2018, SKI 2023): known
//! hypertension in about an eighth of adults from 30, rising with age; known diabetes in 3-5%;
//! about two men in three smoke and very few women; about half of married women use a modern
//! family-planning method in NTT; a little over half of infants are breastfed only for six months.

use crate::draw::{DemoRng, between, chance, uniform, weighted};
use crate::population::{Population, age_years};
use crate::pregnancies::PregnancyPlan;
use ilp_model::{Person, PersonId, Relation, Sex};
use std::collections::HashSet;
use time::{Date, Duration};

/// A condition known to the Puskesmas: since when, whether it is treated, and how often the
/// person turns up for the monthly check.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Known {
    /// The day it was diagnosed (or, for TB, treatment began).
    pub since: Date,
    pub on_treatment: bool,
    /// Chance of a follow-up visit in any month.
    pub adherence: f64,
}

/// A severe mental illness (ODGJ berat).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mental {
    pub since: Date,
    pub on_treatment: bool,
    /// Shackled (dipasung) or left to fend for themselves.
    pub neglected: bool,
}

/// Tuberculosis on treatment, or treatment completed in the year.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tb {
    pub known: Known,
    /// Six months of treatment completed on this day (`None`: still on treatment).
    pub completed: Option<Date>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Profile {
    pub hypertension: Option<Known>,
    pub diabetes: Option<Known>,
    pub tuberculosis: Option<Tb>,
    pub mental: Option<Mental>,
    /// Asked of everyone from 15; `None` below.
    pub smokes: Option<bool>,
    /// A married woman of 15-49 and whether the couple uses family planning.
    pub family_planning: Option<bool>,
    /// Children under three: breast milk only for the first six months.
    pub exclusive_breastfeeding: Option<bool>,
}

/// Profiles parallel to `Population::members`.
pub(crate) struct Health {
    pub profiles: Vec<Vec<Profile>>,
}

impl Health {
    pub fn of(&self, household: usize, member: usize) -> &Profile {
        &self.profiles[household][member]
    }
}

fn hypertension_chance(age: i32) -> f64 {
    match age {
        ..25 => 0.0,
        25..=29 => 0.015,
        30..=39 => 0.05,
        40..=49 => 0.12,
        50..=59 => 0.18,
        60..=69 => 0.25,
        _ => 0.3,
    }
}

fn diabetes_chance(age: i32) -> f64 {
    match age {
        ..30 => 0.0,
        30..=39 => 0.012,
        40..=49 => 0.035,
        50..=59 => 0.065,
        _ => 0.075,
    }
}

fn smoking_chance(sex: Sex, age: i32) -> f64 {
    match (sex, age) {
        (_, ..15) => 0.0,
        (Sex::Male, 15..=17) => 0.2,
        (Sex::Male, 18..=24) => 0.55,
        (Sex::Male, 25..=59) => 0.68,
        (Sex::Male, _) => 0.5,
        (Sex::Female, _) => 0.03,
    }
}

/// A long-standing or recently found condition: most known for years, some diagnosed this year.
fn known(rng: &mut DemoRng, today: Date, treated: f64) -> Known {
    let days_ago = if chance(rng, 0.25) {
        between(rng, 14, 364)
    } else {
        between(rng, 365, 10 * 365)
    };
    let on_treatment = chance(rng, treated);
    let adherence = if on_treatment {
        uniform(rng, 0.55, 0.95)
    } else {
        uniform(rng, 0.15, 0.5)
    };
    Known {
        since: today - Duration::days(days_ago),
        on_treatment,
        adherence,
    }
}

/// Married women as the household card shows them: the wife, a head whose husband lives with
/// her, a daughter-in-law, or a married daughter living with her husband at her parents'.
fn married_woman(p: &Person, members: &[Person]) -> bool {
    if p.sex != Some(Sex::Female) {
        return false;
    }
    let has = |r: Relation, s: Sex| {
        members
            .iter()
            .any(|m| m.relation.as_ref() == Some(&r) && m.sex == Some(s))
    };
    match &p.relation {
        Some(Relation::Spouse) | Some(Relation::ChildInLaw) => true,
        Some(Relation::Head) => has(Relation::Spouse, Sex::Male),
        Some(Relation::Child) => has(Relation::ChildInLaw, Sex::Male),
        _ => false,
    }
}

pub(crate) fn build(
    rng: &mut DemoRng,
    pop: &Population,
    pregnancies: &[PregnancyPlan],
    today: Date,
) -> Health {
    let pregnant: HashSet<PersonId> = pregnancies
        .iter()
        .filter(|p| p.pregnancy.outcome.is_none())
        .map(|p| p.pregnancy.person)
        .collect();
    let mut profiles: Vec<Vec<Profile>> = Vec::with_capacity(pop.members.len());
    for members in &pop.members {
        let mut list = Vec::with_capacity(members.len());
        for p in members {
            let mut profile = Profile::default();
            let (Some(sex), Some(age)) = (p.sex, age_years(p, today)) else {
                list.push(profile);
                continue;
            };
            if age < 3 {
                profile.exclusive_breastfeeding = Some(chance(rng, 0.6));
            }
            if age >= 15 {
                profile.smokes = Some(chance(rng, smoking_chance(sex, age)));
                // Pregnant women's hypertension belongs to the ANC record.
                if !pregnant.contains(&p.id) && chance(rng, hypertension_chance(age)) {
                    profile.hypertension = Some(known(rng, today, 0.7));
                }
                if chance(rng, diabetes_chance(age)) {
                    profile.diabetes = Some(known(rng, today, 0.75));
                }
                if chance(rng, 0.003) {
                    let completed = chance(rng, 0.3);
                    let days_ago = if completed {
                        between(rng, 200, 330)
                    } else {
                        between(rng, 10, 160)
                    };
                    let since = today - Duration::days(days_ago);
                    profile.tuberculosis = Some(Tb {
                        known: Known {
                            since,
                            on_treatment: completed || chance(rng, 0.85),
                            adherence: uniform(rng, 0.6, 0.95),
                        },
                        completed: completed.then(|| since + Duration::days(182)),
                    });
                }
            }
            if (15..=49).contains(&age) && married_woman(p, members) {
                let uses = !pregnant.contains(&p.id) && chance(rng, 0.52);
                profile.family_planning = Some(uses);
            }
            list.push(profile);
        }
        profiles.push(list);
    }
    mental_illness(rng, pop, &mut profiles, today);
    Health { profiles }
}

/// One case of severe mental illness per 250 households (at least one), the first one neglected.
fn mental_illness(rng: &mut DemoRng, pop: &Population, profiles: &mut [Vec<Profile>], today: Date) {
    let households = pop.members.len();
    if households == 0 {
        return;
    }
    let wanted = (households / 250).max(1);
    let mut found = 0;
    for _ in 0..wanted * 50 {
        if found == wanted {
            break;
        }
        let h = between(rng, 0, households as i64 - 1) as usize;
        let adults: Vec<usize> = pop.members[h]
            .iter()
            .enumerate()
            .filter(|(_, p)| age_years(p, today).is_some_and(|a| (18..=60).contains(&a)))
            .map(|(i, _)| i)
            .collect();
        // Someone lives with them: a family that looks after them, or fails to.
        if adults.is_empty() || pop.members[h].len() < 2 {
            continue;
        }
        let i = adults[between(rng, 0, adults.len() as i64 - 1) as usize];
        if profiles[h][i].mental.is_some() {
            continue;
        }
        let neglected = found == 0;
        profiles[h][i].mental = Some(Mental {
            since: today - Duration::days(between(rng, 60, 330)),
            on_treatment: !neglected && weighted(rng, &[4.0, 1.0]) == 0,
            neglected,
        });
        found += 1;
    }
}
