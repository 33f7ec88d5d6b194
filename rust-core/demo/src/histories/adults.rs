//! Adults 15+: the yearly SPM screening (weight, height, blood pressure, and blood glucose from
//! 40), at the Posyandu or on a kader's home visit, for about half of them in the last year.
//! Known hypertensives and diabetics show their condition in the readings.

use super::conditions::{patient_glucose, patient_pressure};
use super::{Sink, World};
use crate::calendar::{at_wita, working_day};
use crate::draw::{DemoRng, between, chance, normal_in, pick, round1};
use crate::health::Profile;
use ilp_model::{
    EventPayload, GlucoseTiming, Measurement, Person, PersonId, Sex, Visit, VisitKind,
};
use std::collections::HashSet;
use time::Duration;

fn measurement(rng: &mut DemoRng, sex: Sex, age: i32, profile: &Profile) -> Measurement {
    let height = match sex {
        Sex::Male => normal_in(rng, 163.0, 6.5, 145.0, 185.0),
        Sex::Female => normal_in(rng, 152.0, 6.0, 140.0, 175.0),
    } - if age < 18 { 3.0 } else { 0.0 };
    let height = height.max(140.0);
    let bmi = normal_in(rng, if age >= 60 { 22.0 } else { 23.5 }, 4.0, 16.0, 38.0);
    let metres = height / 100.0;
    let weight = (bmi * metres * metres).clamp(35.0, 110.0);

    // Blood pressure rises with age; hypertension emerges from the spread.
    let years_over_20 = f64::from((age - 20).max(0));
    let (sys, dia) = match profile.hypertension {
        Some(k) => {
            let (s, d) = patient_pressure(rng, k.on_treatment);
            (f64::from(s), f64::from(d))
        }
        None => {
            let sys = normal_in(rng, 108.0 + 0.55 * years_over_20, 14.0, 95.0, 190.0).round();
            let dia = normal_in(rng, 0.5 * sys + 12.0, 7.0, 60.0, 115.0).round();
            (sys, dia.min(sys - 20.0).max(60.0))
        }
    };

    let (glucose, timing) = if let Some(k) = profile.diabetes {
        let fasting = chance(rng, 0.2);
        let (g, t) = patient_glucose(rng, k.on_treatment, fasting);
        (Some(g), Some(t))
    } else if age >= 40 {
        let fasting = chance(rng, 0.2);
        // Undiagnosed diabetes turns up in screening too.
        let diabetic = chance(rng, 0.03);
        let g = match (diabetic, fasting) {
            (true, true) => normal_in(rng, 165.0, 35.0, 126.0, 300.0),
            (true, false) => normal_in(rng, 220.0, 50.0, 200.0, 350.0),
            (false, true) => normal_in(rng, 92.0, 10.0, 70.0, 125.0),
            (false, false) => normal_in(rng, 112.0, 18.0, 70.0, 199.0),
        };
        let timing = if fasting {
            GlucoseTiming::Fasting
        } else {
            GlucoseTiming::Random
        };
        (Some(g.round()), Some(timing))
    } else {
        (None, None)
    };
    Measurement {
        weight_kg: Some(round1(weight)),
        length_or_height_cm: Some(round1(height)),
        height_method: Some(ilp_model::HeightMethod::Standing),
        systolic_mmhg: Some(sys as u16),
        diastolic_mmhg: Some(dia as u16),
        blood_glucose_mg_dl: glucose,
        glucose_timing: timing,
        ..Default::default()
    }
}

fn screen(
    rng: &mut DemoRng,
    world: &World,
    sink: &mut Sink,
    person: &Person,
    rw: usize,
    profile: &Profile,
) {
    let (Some(sex), Some(birth)) = (person.sex, person.birth) else {
        return;
    };
    let age = birth.age_years(world.today);
    if age < 15 || !chance(rng, 0.5) {
        return;
    }
    let kader = world.kader(rng, rw);
    let (at, visit) = if chance(rng, 0.6) {
        let session = *pick(rng, &world.sessions[rw]);
        let at = at_wita(session, between(rng, 8 * 60, 11 * 60) as u32);
        let visit = Visit {
            kind: VisitKind::Posyandu,
            posyandu: Some(world.rws[rw].posyandu),
            place: None,
            pregnancy: None,
        };
        (at, visit)
    } else {
        let day = working_day(world.today - Duration::days(between(rng, 1, 364)));
        let day = if day > world.today { world.today } else { day };
        let at = at_wita(day, between(rng, 9 * 60, 16 * 60) as u32);
        let visit = Visit {
            kind: VisitKind::HomeVisit,
            posyandu: None,
            place: Some("Rumah".to_string()),
            pregnancy: None,
        };
        (at, visit)
    };
    let v = sink.visit(rng, person.id, kader, at, visit);
    let m = measurement(rng, sex, age, profile);
    sink.part(rng, v, kader, EventPayload::Measurement(m));
}

pub(super) fn generate(rng: &mut DemoRng, world: &World, sink: &mut Sink) {
    // Pregnant women are seen at ANC instead.
    let pregnant: HashSet<PersonId> = world
        .pregnancies
        .iter()
        .filter(|p| p.pregnancy.outcome.is_none())
        .map(|p| p.pregnancy.person)
        .collect();
    for (h, members) in world.pop.members.iter().enumerate() {
        let rw = world.pop.household_rw[h];
        for (i, p) in members.iter().enumerate() {
            if !pregnant.contains(&p.id) {
                screen(rng, world, sink, p, rw, world.health.of(h, i));
            }
        }
    }
}
