//! Pregnancy episodes: women pregnant today (about 2.5% of women 15-49) and recent deliveries
//! (about 1%, a live birth in the last three months whose baby is already a household member).

use crate::calendar::at_wita;
use crate::draw::{DemoRng, between, new_id, weighted};
use crate::population::{Population, woman_15_49};
use ilp_model::pregnancy::{DeliveryPlace, OutcomeKind, edd_from_hpht};
use ilp_model::{Person, PersonId, Pregnancy, PregnancyId, PregnancyOutcome, Relation, Sex};
use std::collections::HashSet;
use time::{Date, Duration};

/// A pregnancy and what the histories need to know about it.
pub(crate) struct PregnancyPlan {
    pub pregnancy: Pregnancy,
    /// Index of the woman's household.
    pub household: usize,
    /// The baby, for a delivery.
    pub baby: Option<PersonId>,
    pub delivered_on: Option<Date>,
    /// Where KN1 and KF1 happen: the place she delivered, or where she was taken after a
    /// birth on the way.
    pub delivery_place: Option<&'static str>,
}

/// A place of delivery as told, its kind, where the first postnatal visits happen, and how
/// often it is the answer: in Kota Kupang nearly all births are in a facility (SKI 2023 puts NTT
/// around 85%), some at home, now and then one on the way.
struct Place {
    told: &'static str,
    kind: DeliveryPlace,
    first_visits: &'static str,
    weight: f64,
}

const DELIVERY_PLACES: [Place; 7] = [
    Place {
        told: "Puskesmas Oesapa",
        kind: DeliveryPlace::HealthFacility,
        first_visits: "Puskesmas Oesapa",
        weight: 30.0,
    },
    Place {
        told: "RSUD S.K. Lerik",
        kind: DeliveryPlace::HealthFacility,
        first_visits: "RSUD S.K. Lerik",
        weight: 18.0,
    },
    Place {
        told: "RSUD Prof. Dr. W.Z. Johannes",
        kind: DeliveryPlace::HealthFacility,
        first_visits: "RSUD Prof. Dr. W.Z. Johannes",
        weight: 14.0,
    },
    Place {
        told: "RSIA Dedari",
        kind: DeliveryPlace::HealthFacility,
        first_visits: "RSIA Dedari",
        weight: 10.0,
    },
    Place {
        told: "Klinik Bersalin Oesapa",
        kind: DeliveryPlace::HealthFacility,
        first_visits: "Klinik Bersalin Oesapa",
        weight: 12.0,
    },
    Place {
        told: "Rumah",
        kind: DeliveryPlace::Home,
        first_visits: "Rumah",
        weight: 12.0,
    },
    Place {
        told: "Di jalan menuju Puskesmas Oesapa",
        kind: DeliveryPlace::OnTheWay,
        first_visits: "Puskesmas Oesapa",
        weight: 4.0,
    },
];

fn age_days(p: &Person, today: Date) -> i64 {
    p.birth.map_or(i64::MAX, |b| b.age_days(today))
}

/// `k` distinct indices drawn with probability proportional to `weights`, one after another
/// (exact arithmetic only, see `draw::normal`), in ascending order.
fn weighted_sample(rng: &mut DemoRng, weights: &[f64], k: usize) -> Vec<usize> {
    let mut left = weights.to_vec();
    let mut chosen = Vec::with_capacity(k);
    for _ in 0..k.min(weights.len()) {
        if left.iter().all(|w| *w <= 0.0) {
            break;
        }
        let i = weighted(rng, &left);
        chosen.push(i);
        left[i] = 0.0;
    }
    chosen.sort_unstable();
    chosen
}

/// Relative chance of being pregnant by age: fertility peaks in the twenties.
fn fertility(age: i32) -> f64 {
    match age {
        ..18 => 0.2,
        18..=19 => 0.6,
        20..=29 => 1.0,
        30..=34 => 0.8,
        35..=39 => 0.45,
        40..=44 => 0.15,
        _ => 0.03,
    }
}

pub(crate) fn build(rng: &mut DemoRng, pop: &Population, today: Date) -> Vec<PregnancyPlan> {
    let women = pop
        .members
        .iter()
        .flatten()
        .filter(|p| woman_15_49(p, today))
        .count();
    let mut plans = Vec::new();

    // Recent deliveries: babies under three months whose mother lives with them.
    let babies: Vec<(usize, &Person)> = pop
        .members
        .iter()
        .enumerate()
        .flat_map(|(h, m)| m.iter().map(move |p| (h, p)))
        .filter(|(_, p)| p.mother.is_some() && age_days(p, today) < 90)
        .collect();
    let wanted = (women as f64 * 0.01).round() as usize;
    let mut delivered_mothers = HashSet::new();
    for i in weighted_sample(rng, &vec![1.0; babies.len()], wanted) {
        let (household, baby) = babies[i];
        let mother = baby.mother.expect("filtered on mother");
        if !delivered_mothers.insert(mother) {
            continue; // twins: one episode
        }
        let born = baby.birth.expect("members have birth dates").date;
        let hpht = born - Duration::days(between(rng, 259, 294));
        let weights: Vec<f64> = DELIVERY_PLACES.iter().map(|p| p.weight).collect();
        let place = &DELIVERY_PLACES[weighted(rng, &weights)];
        plans.push(PregnancyPlan {
            pregnancy: Pregnancy {
                id: new_id!(rng, PregnancyId),
                person: mother,
                hpht: Some(hpht),
                edd: Some(edd_from_hpht(hpht)),
                outcome: Some(PregnancyOutcome {
                    kind: OutcomeKind::LiveBirth,
                    at: at_wita(born, between(rng, 0, 24 * 60 - 1) as u32),
                    place: Some(place.told.to_string()),
                    place_kind: Some(place.kind.clone()),
                }),
            },
            household,
            baby: Some(baby.id),
            delivered_on: Some(born),
            delivery_place: Some(place.first_visits),
        });
    }

    // Current pregnancies: married women 15-49 whose youngest child is at least a year old.
    let recent_mothers: HashSet<PersonId> = pop
        .members
        .iter()
        .flatten()
        .filter(|p| age_days(p, today) < 365)
        .filter_map(|p| p.mother)
        .collect();
    let mut candidates = Vec::new();
    let mut weights = Vec::new();
    for (h, members) in pop.members.iter().enumerate() {
        let has_son_in_law = members
            .iter()
            .any(|p| p.relation == Some(Relation::ChildInLaw) && p.sex == Some(Sex::Male));
        for p in members {
            let married = match &p.relation {
                Some(Relation::Spouse) | Some(Relation::ChildInLaw) => true,
                Some(Relation::Child) => has_son_in_law && age_days(p, today) > 18 * 365,
                _ => false,
            };
            if married
                && woman_15_49(p, today)
                && !recent_mothers.contains(&p.id)
                && !delivered_mothers.contains(&p.id)
            {
                candidates.push((h, p.id));
                let age = p.birth.map_or(0, |b| b.age_years(today));
                weights.push(fertility(age));
            }
        }
    }
    let wanted = (women as f64 * 0.025).round() as usize;
    for i in weighted_sample(rng, &weights, wanted) {
        let (household, person) = candidates[i];
        // Gestational age 4-40 weeks, more often in the middle than at the ends.
        let weeks = match weighted(rng, &[1.0, 3.0, 3.0, 2.0]) {
            0 => between(rng, 4, 8),
            1 => between(rng, 9, 20),
            2 => between(rng, 21, 32),
            _ => between(rng, 33, 39),
        };
        let hpht = today - Duration::days(weeks * 7 + between(rng, 0, 6));
        plans.push(PregnancyPlan {
            pregnancy: Pregnancy {
                id: new_id!(rng, PregnancyId),
                person,
                hpht: Some(hpht),
                edd: Some(edd_from_hpht(hpht)),
                outcome: None,
            },
            household,
            baby: None,
            delivered_on: None,
            delivery_place: None,
        });
    }
    plans
}
