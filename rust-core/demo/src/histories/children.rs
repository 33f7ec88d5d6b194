//! Under-fives: monthly Posyandu weighing on a growth trajectory (with faltering months, so KMS
//! rules find T and 2T), immunizations per the national schedule (DOMAIN.md section 2) given at
//! Posyandu with some delay and some drop-outs, vitamin A in February and August, and the
//! neonatal visits KN1-KN3 of babies whose delivery is on record.

use super::{Sink, VisitRef, World};
use crate::calendar::{add_months, at_wita, session_on_or_after};
use crate::draw::{DemoRng, between, chance, normal, normal_in, round1};
use crate::growth::{
    HEAD_CV, LENGTH_CV, median_head_circumference, median_length_or_height, median_muac,
    median_weight,
};
use crate::pregnancies::PregnancyPlan;
use crate::staff::Recorder;
use ilp_model::{
    Antigen, EventPayload, HealthStatus, HeightMethod, Immunization, Measurement, Person, PersonId,
    Service, ServiceKind, Sex, Visit, VisitKind,
};
use std::collections::HashMap;
use time::{Date, Duration, Month};

const DAYS_PER_MONTH: f64 = 30.4375;

/// The routine schedule: antigen, recommended age in months of each dose, and the age in months
/// from which a dose is never given (BCG from 12 months, rotavirus from 7).
const SCHEDULE: [(Vaccine, &[i32], Option<i32>); 8] = [
    (Vaccine::Hb0, &[0], None),
    (Vaccine::Bcg, &[1], Some(12)),
    (Vaccine::Opv, &[1, 2, 3, 4], None),
    (Vaccine::Penta, &[2, 3, 4, 18], None),
    (Vaccine::Pcv, &[2, 3, 12], None),
    (Vaccine::Rv, &[2, 3, 4], Some(7)),
    (Vaccine::Ipv, &[4, 9], None),
    (Vaccine::Mr, &[9, 18], None),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Vaccine {
    Hb0,
    Bcg,
    Opv,
    Penta,
    Pcv,
    Rv,
    Ipv,
    Mr,
}

impl Vaccine {
    fn antigen(self) -> Antigen {
        match self {
            Vaccine::Hb0 => Antigen::Hb0,
            Vaccine::Bcg => Antigen::Bcg,
            Vaccine::Opv => Antigen::Opv,
            Vaccine::Penta => Antigen::DptHbHib,
            Vaccine::Pcv => Antigen::Pcv,
            Vaccine::Rv => Antigen::Rv,
            Vaccine::Ipv => Antigen::Ipv,
            Vaccine::Mr => Antigen::Mr,
        }
    }

    /// Lot numbers as printed on the vial: one lot per product and month in the whole kelurahan.
    fn batch(self, on: Date) -> String {
        let product = match self {
            Vaccine::Hb0 => "HB",
            Vaccine::Bcg => "BCG",
            Vaccine::Opv => "bOPV",
            Vaccine::Penta => "PB",
            Vaccine::Pcv => "PCV",
            Vaccine::Rv => "RV",
            Vaccine::Ipv => "IPV",
            Vaccine::Mr => "MR",
        };
        format!(
            "{product}{:02}{:02}{}",
            on.year().rem_euclid(100),
            u8::from(on.month()),
            (b'A' + (on.year() as u8).wrapping_add(u8::from(on.month())) % 4) as char
        )
    }
}

/// Where a dose is written down.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// Given before the app's year of history: copied from the Buku KIA at the first visit.
    History,
    /// Given at the child's attended session with this index.
    Session(usize),
}

struct Dose {
    vaccine: Vaccine,
    number: u8,
    given_on: Date,
    slot: Slot,
}

fn age_months(birth: Date, on: Date) -> f64 {
    (on - birth).whole_days() as f64 / DAYS_PER_MONTH
}

/// Whole months of age on `on`, as the schedule counts them.
fn completed_months(birth: Date, on: Date) -> i32 {
    ilp_model::BirthDate::exact(birth).age_months(on)
}

/// The doses a child has received up to today and where each is recorded.
fn plan_doses(
    rng: &mut DemoRng,
    birth: Date,
    posyandu_day: u8,
    today: Date,
    window_start: Date,
    attended: &[Date],
    hb0_recorded: bool,
) -> Vec<Dose> {
    // About one child in ten drops out of some series (moved, sick on the day, family refused).
    let incomplete = chance(rng, 0.1);
    let mut doses = Vec::new();
    for (vaccine, ages, never_from) in SCHEDULE {
        let stop_at = (incomplete && chance(rng, 0.5))
            .then(|| between(rng, 0, ages.len() as i64 - 1) as usize);
        let mut last: Option<Date> = None;
        for (k, &months) in ages.iter().enumerate() {
            if stop_at.is_some_and(|s| k >= s) {
                break;
            }
            if vaccine == Vaccine::Hb0 {
                // Given within a day of birth where the child was born, never at a Posyandu.
                let given_on = birth + Duration::days(between(rng, 0, 1));
                if !hb0_recorded && given_on <= today {
                    doses.push(Dose {
                        vaccine,
                        number: 1,
                        given_on,
                        slot: Slot::History,
                    });
                }
                break;
            }
            let target = add_months(birth, months) + Duration::days(between(rng, 0, 42));
            let mut date = session_on_or_after(posyandu_day, target);
            if let Some(l) = last
                && (date - l).whole_days() < 28
            {
                date = session_on_or_after(posyandu_day, l + Duration::days(28));
            }
            if date > today {
                break;
            }
            let slot = if date >= window_start {
                // The child gets the dose at the first session attended from then on.
                match attended.iter().position(|&s| s >= date) {
                    Some(i) => {
                        date = attended[i];
                        Slot::Session(i)
                    }
                    None => break,
                }
            } else {
                Slot::History
            };
            if never_from.is_some_and(|n| completed_months(birth, date) >= n) {
                break;
            }
            doses.push(Dose {
                vaccine,
                number: (k + 1) as u8,
                given_on: date,
                slot,
            });
            last = Some(date);
        }
    }
    doses
}

/// A child's growth: fixed individual factors plus a monthly deviation that illness pulls down.
struct Growth {
    sex: Sex,
    /// Relative length deficit or excess once established (full effect from 24 months).
    length_dev: f64,
    /// Relative weight for length.
    weight_for_length: f64,
    /// Month-to-month relative deviation of weight.
    wobble: f64,
    last_weight: Option<f64>,
    last_length: Option<(f64, HeightMethod)>,
    /// Head circumference z-score, fixed for the child (smaller heads go with stunting).
    head_z: f64,
    last_head: Option<f64>,
}

impl Growth {
    fn new(rng: &mut DemoRng, sex: Sex) -> Self {
        // Centred below the WHO median so that about a fifth of children are stunted and
        // 7-10% wasted, as surveys find in NTT.
        let length_dev = -0.05 + 0.04 * normal(rng);
        Self {
            sex,
            length_dev,
            weight_for_length: -0.03 + 0.08 * normal(rng),
            wobble: 0.0,
            last_weight: None,
            last_length: None,
            head_z: 0.3 * (length_dev / LENGTH_CV) + 0.85 * normal(rng),
            last_head: None,
        }
    }

    /// One month passes: the deviation drifts back to zero, sometimes with an illness.
    fn month(&mut self, rng: &mut DemoRng) {
        self.wobble = 0.6 * self.wobble + 0.015 * normal(rng);
        if chance(rng, 0.06) {
            self.wobble -= 0.05 + 0.05 * rng_unit(rng);
        }
    }

    /// One session's measurement: weight and length always; head circumference under two (when
    /// the tape is at hand); arm circumference when `arm` (from six months, in vitamin A months
    /// and now and then).
    fn measure(
        &mut self,
        rng: &mut DemoRng,
        age_m: f64,
        method: HeightMethod,
        arm: bool,
    ) -> Measurement {
        // Stunting builds up over the first two years.
        let ramp = 0.4 + 0.6 * (age_m / 24.0).min(1.0);
        let length_factor = 1.0 + self.length_dev * ramp;
        let median = median_length_or_height(self.sex, age_m, method);
        let mut length = round1(median * length_factor + 0.25 * normal(rng));
        if let Some((last, last_method)) = self.last_length
            && last_method == method
        {
            length = length.max(last);
        }
        self.last_length = Some((length, method));

        let mut weight = median_weight(self.sex, age_m)
            * along_the_curve(self.length_dev * ramp)
            * (1.0 + self.weight_for_length)
            * (1.0 + self.wobble + 0.5 * self.wobble * self.wobble)
            + 0.05 * normal(rng);
        // Now and then the dacin reads the same as last month: a flat line (T on the KMS).
        if let Some(last) = self.last_weight
            && chance(rng, 0.07)
        {
            weight = last;
        }
        let weight = round1(weight.max(1.8));
        self.last_weight = Some(weight);

        // Under two, when the child is measured lying down.
        let head = (method == HeightMethod::Recumbent && chance(rng, 0.9)).then(|| {
            let median = median_head_circumference(self.sex, age_m);
            let mut hc = round1(median * (1.0 + HEAD_CV * self.head_z) + 0.2 * normal(rng));
            if let Some(last) = self.last_head {
                hc = hc.max(last);
            }
            self.last_head = Some(hc);
            hc
        });
        let muac = arm.then(|| {
            let m = median_muac(self.sex, age_m)
                * (1.0 + 0.8 * (self.weight_for_length + self.wobble))
                + 0.25 * normal(rng);
            round1(m.clamp(12.0, 17.0))
        });
        Measurement {
            weight_kg: Some(weight),
            length_or_height_cm: Some(length),
            height_method: Some(method),
            head_circumference_cm: head,
            muac_cm: muac,
            ..Default::default()
        }
    }
}

/// How weight follows a relative length deviation `d` along the WHO median curves, where weight
/// grows as about length^1.8: `(1 + d)^1.8` to second order (no `powf`, see `draw::normal`).
fn along_the_curve(d: f64) -> f64 {
    1.0 + 1.8 * d + 0.72 * d * d
}

fn rng_unit(rng: &mut DemoRng) -> f64 {
    crate::draw::uniform(rng, 0.0, 1.0)
}

fn immunization(vaccine: Vaccine, number: u8, given_on: Date, from_history: bool) -> EventPayload {
    EventPayload::Immunization(Immunization {
        antigen: vaccine.antigen(),
        dose: number,
        given_on,
        // Lots copied from the Buku KIA are usually left out.
        batch: (!from_history).then(|| vaccine.batch(given_on)),
        recorded_from_history: from_history,
    })
}

/// KN1-KN3 by the bidan; HB0 is given at KN1. Returns whether HB0 was recorded there.
fn neonatal(
    rng: &mut DemoRng,
    world: &World,
    sink: &mut Sink,
    baby: &Person,
    sex: Sex,
    bidan: Recorder,
    plan: &PregnancyPlan,
) -> bool {
    let Some(born) = plan.delivered_on else {
        return false;
    };
    let birth_weight = normal_in(
        rng,
        if sex == Sex::Male { 3.1 } else { 3.0 },
        0.42,
        2.1,
        4.3,
    );
    let mut hb0 = false;
    for (number, lo, hi) in [(1u8, 0, 1), (2, 3, 7), (3, 8, 28)] {
        let date = born + Duration::days(between(rng, lo, hi));
        if date > world.today {
            break;
        }
        if !chance(rng, if number == 1 { 0.97 } else { 0.9 }) {
            continue;
        }
        let place = if number == 1 {
            plan.delivery_place.unwrap_or("Rumah")
        } else {
            "Rumah"
        };
        let at = at_wita(date, between(rng, 8 * 60, 17 * 60) as u32);
        let v = sink.visit(
            rng,
            baby.id,
            bidan,
            at,
            Visit {
                kind: VisitKind::Kn { number },
                posyandu: None,
                place: Some(place.to_string()),
                pregnancy: None,
            },
        );
        let days = (date - born).whole_days() as f64;
        // Newborns lose up to about 6% in the first days, then gain ~30 g a day.
        let weight = if days <= 4.0 {
            birth_weight * (1.0 - 0.015 * days)
        } else {
            birth_weight * 0.94 + 0.03 * (days - 4.0)
        };
        let m = Measurement {
            weight_kg: Some(round1(weight)),
            ..Default::default()
        };
        sink.part(rng, v, bidan, EventPayload::Measurement(m));
        if number == 1 {
            sink.part(rng, v, bidan, immunization(Vaccine::Hb0, 1, date, false));
            hb0 = true;
        }
    }
    hb0
}

fn child(
    rng: &mut DemoRng,
    world: &World,
    sink: &mut Sink,
    person: &Person,
    rw: usize,
    delivery: Option<&PregnancyPlan>,
    breastfed: Option<bool>,
) {
    let (Some(birth), Some(sex)) = (person.birth, person.sex) else {
        return;
    };
    let birth = birth.date;
    if !(0..=59).contains(&completed_months(birth, world.today)) {
        return;
    }
    let plan = &world.rws[rw];
    let bidan = world.staff.bidan_for(rw);
    let hb0_recorded = match delivery {
        Some(d) => neonatal(rng, world, sink, person, sex, bidan, d),
        None => false,
    };
    let sessions: Vec<Date> = world.sessions[rw]
        .iter()
        .copied()
        .filter(|s| (*s - birth).whole_days() >= 7)
        .collect();
    // Some families come every month, some every other month.
    let propensity = normal_in(rng, 0.8, 0.15, 0.35, 1.0);
    let attendance: Vec<bool> = sessions.iter().map(|_| chance(rng, propensity)).collect();
    let attended: Vec<Date> = sessions
        .iter()
        .zip(&attendance)
        .filter_map(|(s, a)| a.then_some(*s))
        .collect();
    let window_start = world.sessions[rw][0];
    let doses = plan_doses(
        rng,
        birth,
        plan.posyandu_day,
        world.today,
        window_start,
        &attended,
        hb0_recorded,
    );

    let mut growth = Growth::new(rng, sex);
    let mut index = 0;
    let mut asked_breastfeeding = false;
    for (session, came) in sessions.iter().zip(attendance) {
        growth.month(rng);
        if !came {
            continue;
        }
        let kader = world.kader(rng, rw);
        let at = at_wita(*session, between(rng, 8 * 60, 11 * 60) as u32);
        let v = sink.visit(
            rng,
            person.id,
            kader,
            at,
            Visit {
                kind: VisitKind::Posyandu,
                posyandu: Some(plan.posyandu),
                place: None,
                pregnancy: None,
            },
        );
        let age_m = age_months(birth, *session);
        // Lying down until the second birthday (WHO: under 731 days), standing after.
        let method = if completed_months(birth, *session) < 24 {
            HeightMethod::Recumbent
        } else {
            HeightMethod::Standing
        };
        let arm = completed_months(birth, *session) >= 6
            && (matches!(session.month(), Month::February | Month::August) || chance(rng, 0.2));
        let m = growth.measure(rng, age_m, method, arm);
        sink.part(rng, v, kader, EventPayload::Measurement(m));
        // At the six-month weighing the kader asks whether the baby had breast milk only.
        if !asked_breastfeeding && (6..=8).contains(&completed_months(birth, *session)) {
            asked_breastfeeding = true;
            if let Some(exclusive) = breastfed.filter(|_| chance(rng, 0.9)) {
                let status = HealthStatus {
                    exclusive_breastfeeding: Some(exclusive),
                    ..Default::default()
                };
                sink.part(rng, v, kader, EventPayload::HealthStatus(status));
            }
        }
        if index == 0 {
            record_history(rng, sink, v, kader, &doses);
        }
        for d in doses.iter().filter(|d| d.slot == Slot::Session(index)) {
            sink.part(
                rng,
                v,
                bidan,
                immunization(d.vaccine, d.number, d.given_on, false),
            );
        }
        vitamin_a(rng, sink, v, kader, birth, *session);
        index += 1;
    }
}

/// Doses from before the year on record, copied from the Buku KIA by the kader at the first visit.
fn record_history(
    rng: &mut DemoRng,
    sink: &mut Sink,
    v: VisitRef,
    kader: Recorder,
    doses: &[Dose],
) {
    for d in doses.iter().filter(|d| d.slot == Slot::History) {
        sink.part(
            rng,
            v,
            kader,
            immunization(d.vaccine, d.number, d.given_on, true),
        );
    }
}

/// Vitamin A capsules in February and August: blue at 6-11 months, red at 12-59.
fn vitamin_a(
    rng: &mut DemoRng,
    sink: &mut Sink,
    v: VisitRef,
    kader: Recorder,
    birth: Date,
    on: Date,
) {
    if !matches!(on.month(), Month::February | Month::August) {
        return;
    }
    let kind = match completed_months(birth, on) {
        6..=11 => ServiceKind::VitaminABlue,
        12..=59 => ServiceKind::VitaminARed,
        _ => return,
    };
    if chance(rng, 0.95) {
        sink.part(
            rng,
            v,
            kader,
            EventPayload::Service(Service {
                kind,
                quantity: Some(1),
            }),
        );
    }
}

pub(super) fn generate(rng: &mut DemoRng, world: &World, sink: &mut Sink) {
    let deliveries: HashMap<PersonId, &PregnancyPlan> = world
        .pregnancies
        .iter()
        .filter_map(|p| p.baby.map(|b| (b, p)))
        .collect();
    for (h, members) in world.pop.members.iter().enumerate() {
        let rw = world.pop.household_rw[h];
        for (i, p) in members.iter().enumerate() {
            let delivery = deliveries.get(&p.id).copied();
            let breastfed = world.health.of(h, i).exclusive_breastfeeding;
            child(rng, world, sink, p, rw, delivery, breastfed);
        }
    }
}
