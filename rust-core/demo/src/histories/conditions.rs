//! Known long-term conditions (DOMAIN.md section 2): hypertension and diabetes followed up
//! monthly with a blood pressure (and now and then a glucose test by the bidan), at the Posyandu
//! or at home, more often by patients on treatment than by the others, so the worklist has
//! overdue months; TB patients visited monthly by the kader while on treatment (one in three
//! finished in the year); severe mental illness visited now and then. The condition itself is
//! written as a health-status answer on the first visit of the year.

use super::{Sink, VisitRef, World};
use crate::calendar::{at_wita, month_start, posyandu_date, working_day};
use crate::draw::{DemoRng, between, chance, normal_in};
use crate::health::{Known, Profile};
use crate::staff::Recorder;
use ilp_model::{
    Condition, ConditionStatus, EventPayload, GlucoseTiming, HealthStatus, Measurement, Person,
    Visit, VisitKind,
};
use time::{Date, Duration};

/// Blood pressure of a known hypertensive: lower on treatment, but far from always controlled.
pub(super) fn patient_pressure(rng: &mut DemoRng, on_treatment: bool) -> (u16, u16) {
    let (mean, sd) = if on_treatment {
        (138.0, 12.0)
    } else {
        (156.0, 14.0)
    };
    let sys = normal_in(rng, mean, sd, 110.0, 190.0).round();
    let dia = normal_in(rng, 0.55 * sys + 8.0, 6.0, 65.0, 115.0).round();
    let dia = dia.min(sys - 25.0);
    (sys as u16, dia as u16)
}

/// Blood glucose of a known diabetic (mg/dL).
pub(super) fn patient_glucose(
    rng: &mut DemoRng,
    on_treatment: bool,
    fasting: bool,
) -> (f64, GlucoseTiming) {
    let g = match (fasting, on_treatment) {
        (true, true) => normal_in(rng, 140.0, 25.0, 95.0, 250.0),
        (true, false) => normal_in(rng, 190.0, 40.0, 126.0, 320.0),
        (false, true) => normal_in(rng, 185.0, 35.0, 110.0, 300.0),
        (false, false) => normal_in(rng, 245.0, 45.0, 200.0, 350.0),
    };
    let timing = if fasting {
        GlucoseTiming::Fasting
    } else {
        GlucoseTiming::Random
    };
    (g.round(), timing)
}

fn status(condition: Condition, on_treatment: bool) -> ConditionStatus {
    ConditionStatus {
        condition,
        on_treatment: Some(on_treatment),
        neglected: None,
        resolved: false,
    }
}

/// The conditions of a profile known on `day`, as a kader writes them down.
pub(super) fn known_on(profile: &Profile, day: Date) -> Vec<ConditionStatus> {
    let mut out = Vec::new();
    if let Some(k) = profile.hypertension.filter(|k| k.since <= day) {
        out.push(status(Condition::Hypertension, k.on_treatment));
    }
    if let Some(k) = profile.diabetes.filter(|k| k.since <= day) {
        out.push(status(Condition::Diabetes, k.on_treatment));
    }
    if let Some(tb) = profile.tuberculosis.filter(|t| t.known.since <= day) {
        let done = tb.completed.is_some_and(|c| c <= day);
        out.push(ConditionStatus {
            resolved: done,
            ..status(Condition::Tuberculosis, tb.known.on_treatment)
        });
    }
    if let Some(m) = profile.mental.filter(|m| m.since <= day) {
        out.push(ConditionStatus {
            neglected: Some(m.neglected),
            ..status(Condition::SevereMentalIllness, m.on_treatment)
        });
    }
    out
}

pub(super) fn home_visit() -> Visit {
    Visit {
        kind: VisitKind::HomeVisit,
        posyandu: None,
        place: Some("Rumah".to_string()),
        pregnancy: None,
    }
}

fn posyandu_visit(world: &World, rw: usize) -> Visit {
    Visit {
        kind: VisitKind::Posyandu,
        posyandu: Some(world.rws[rw].posyandu),
        place: None,
        pregnancy: None,
    }
}

/// A working day of the month starting `first`, after `after`, not after today.
fn day_in_month(rng: &mut DemoRng, first: Date, after: Date, today: Date) -> Option<Date> {
    let last = month_start(first, 1) - Duration::days(1);
    let from = first.max(after + Duration::days(1));
    let to = last.min(today);
    if from > to {
        return None;
    }
    let day = working_day(from + Duration::days(between(rng, 0, (to - from).whole_days())));
    (day <= to).then_some(day)
}

/// The follow-ups of hypertension and diabetes: one visit in each month the patient comes.
fn follow_ups(
    rng: &mut DemoRng,
    world: &World,
    sink: &mut Sink,
    person: &Person,
    rw: usize,
    profile: &Profile,
) {
    let (ht, dm) = (profile.hypertension, profile.diabetes);
    let main: Known = match (ht, dm) {
        (Some(h), Some(d)) => Known {
            since: h.since.min(d.since),
            on_treatment: h.on_treatment || d.on_treatment,
            adherence: h.adherence.max(d.adherence),
        },
        (Some(k), None) | (None, Some(k)) => k,
        (None, None) => return,
    };
    let today = world.today;
    let window_start = today - Duration::days(364);
    let first = if main.since >= window_start {
        main.since
    } else {
        working_day(window_start + Duration::days(between(rng, 0, 45)))
    };
    if first > today {
        return;
    }
    let kader = world.kader(rng, rw);
    let bidan = world.staff.bidan_for(rw);
    // First visit of the year: the condition is written down with a blood pressure.
    let at = at_wita(first, between(rng, 9 * 60, 16 * 60) as u32);
    let v = sink.visit(rng, person.id, kader, at, home_visit());
    let conditions = known_on(profile, first);
    sink.part(
        rng,
        v,
        kader,
        EventPayload::HealthStatus(HealthStatus {
            conditions,
            ..Default::default()
        }),
    );
    check(rng, sink, v, kader, profile, false);

    let plan = &world.rws[rw];
    let mut month = month_start(first, 1);
    while month <= today {
        if chance(rng, main.adherence) {
            let session = posyandu_date(month.year(), month.month(), plan.posyandu_day);
            let (day, visit, by) = if chance(rng, 0.55) && session <= today && session > first {
                // The bidan comes to the Posyandu ILP table for adults and can test glucose.
                let by = if dm.is_some() { bidan } else { kader };
                (Some(session), posyandu_visit(world, rw), by)
            } else {
                (day_in_month(rng, month, first, today), home_visit(), kader)
            };
            if let Some(day) = day {
                let at = at_wita(day, between(rng, 8 * 60, 16 * 60) as u32);
                let v = sink.visit(rng, person.id, by, at, visit);
                let glucose = by.user == bidan.user;
                check(rng, sink, v, by, profile, glucose);
            }
        }
        month = month_start(month, 1);
    }
}

/// A follow-up's measurement: blood pressure, and glucose when the bidan tests it.
fn check(
    rng: &mut DemoRng,
    sink: &mut Sink,
    v: VisitRef,
    by: Recorder,
    profile: &Profile,
    glucose: bool,
) {
    let (sys, dia) = match profile.hypertension {
        Some(k) => patient_pressure(rng, k.on_treatment),
        None => {
            let sys = normal_in(rng, 128.0, 12.0, 100.0, 160.0).round();
            let dia = normal_in(rng, 0.5 * sys + 15.0, 6.0, 60.0, 100.0).round();
            (sys as u16, dia.min(sys - 25.0) as u16)
        }
    };
    let (glucose, timing) = match profile.diabetes {
        Some(k) if glucose => {
            let fasting = chance(rng, 0.3);
            let (g, t) = patient_glucose(rng, k.on_treatment, fasting);
            (Some(g), Some(t))
        }
        _ => (None, None),
    };
    let m = Measurement {
        systolic_mmhg: Some(sys),
        diastolic_mmhg: Some(dia),
        blood_glucose_mg_dl: glucose,
        glucose_timing: timing,
        ..Default::default()
    };
    sink.part(rng, v, by, EventPayload::Measurement(m));
}

/// TB patients: a kader checks each month that the drugs are taken (the PMO's job), until the
/// six months are over.
fn tuberculosis(
    rng: &mut DemoRng,
    world: &World,
    sink: &mut Sink,
    person: &Person,
    rw: usize,
    profile: &Profile,
) {
    let Some(tb) = profile.tuberculosis else {
        return;
    };
    let today = world.today;
    let mut day = working_day(tb.known.since + Duration::days(between(rng, 3, 14)));
    let mut first = true;
    while day <= today {
        let done = tb.completed.is_some_and(|c| c <= day);
        if first || done || chance(rng, tb.known.adherence) {
            let kader = world.kader(rng, rw);
            let at = at_wita(day, between(rng, 9 * 60, 16 * 60) as u32);
            let v = sink.visit(rng, person.id, kader, at, home_visit());
            let status = HealthStatus {
                conditions: known_on(profile, day)
                    .into_iter()
                    .filter(|c| c.condition == Condition::Tuberculosis)
                    .collect(),
                ..Default::default()
            };
            sink.part(rng, v, kader, EventPayload::HealthStatus(status));
        }
        if done {
            break;
        }
        first = false;
        let next = (day + Duration::days(between(rng, 26, 34))).max(day + Duration::days(1));
        day = match tb.completed {
            Some(c) if next > c => working_day(c),
            _ => working_day(next),
        };
    }
}

/// Severe mental illness: the bidan and a kader call every month or two.
fn mental(
    rng: &mut DemoRng,
    world: &World,
    sink: &mut Sink,
    person: &Person,
    rw: usize,
    profile: &Profile,
) {
    let Some(m) = profile.mental else {
        return;
    };
    let bidan = world.staff.bidan_for(rw);
    let mut day = working_day(m.since);
    while day <= world.today {
        let at = at_wita(day, between(rng, 9 * 60, 15 * 60) as u32);
        let v = sink.visit(rng, person.id, bidan, at, home_visit());
        let status = HealthStatus {
            conditions: known_on(profile, day)
                .into_iter()
                .filter(|c| c.condition == Condition::SevereMentalIllness)
                .collect(),
            ..Default::default()
        };
        sink.part(rng, v, bidan, EventPayload::HealthStatus(status));
        day = working_day(day + Duration::days(between(rng, 30, 70)));
    }
}

pub(super) fn generate(rng: &mut DemoRng, world: &World, sink: &mut Sink) {
    for (h, members) in world.pop.members.iter().enumerate() {
        let rw = world.pop.household_rw[h];
        for (i, p) in members.iter().enumerate() {
            let profile = world.health.of(h, i);
            follow_ups(rng, world, sink, p, rw, profile);
            tuberculosis(rng, world, sink, p, rw, profile);
            mental(rng, world, sink, p, rw, profile);
        }
    }
}
