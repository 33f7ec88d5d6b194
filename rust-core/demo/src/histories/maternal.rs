//! Mothers: antenatal contacts in the 1-2-3 pattern (K1 and one third-trimester contact with a
//! doctor at the Puskesmas, the rest with the bidan at Posyandu or at home) with weight, LiLA,
//! blood pressure and iron tablets; and postpartum visits KF1-KF4 after a delivery.

use super::{Sink, World};
use crate::calendar::{at_wita, session_on_or_after, working_day};
use crate::draw::{DemoRng, between, chance, normal_in, round1};
use crate::kupang::PUSKESMAS;
use crate::pregnancies::PregnancyPlan;
use ilp_model::pregnancy::gestational_weeks;
use ilp_model::{EventPayload, Measurement, Service, ServiceKind, Visit, VisitKind};
use time::Duration;

/// Blood pressure of a woman in pregnancy or after it: a few are hypertensive.
fn blood_pressure(rng: &mut DemoRng, hypertensive: bool) -> (u16, u16) {
    let (sys, dia) = if hypertensive {
        (
            normal_in(rng, 148.0, 8.0, 140.0, 175.0),
            normal_in(rng, 95.0, 5.0, 90.0, 110.0),
        )
    } else {
        (
            normal_in(rng, 110.0, 9.0, 95.0, 134.0),
            normal_in(rng, 72.0, 7.0, 60.0, 88.0),
        )
    };
    let sys = sys.round() as u16;
    let dia = (dia.round() as u16).min(sys - 20).max(60);
    (sys, dia)
}

/// The woman herself: height, weight before pregnancy, arm circumference.
struct Mother {
    weight_before: f64,
    gain_rate: f64,
    lila: f64,
    hypertensive: bool,
}

impl Mother {
    fn new(rng: &mut DemoRng) -> Self {
        let height_m = normal_in(rng, 152.0, 5.5, 140.0, 175.0) / 100.0;
        let bmi = normal_in(rng, 22.5, 3.5, 16.5, 36.0);
        // LiLA follows nutrition: thin women are the KEK (LiLA < 23.5 cm) cases.
        let lila = normal_in(rng, 26.2 + 0.6 * (bmi - 22.5), 1.5, 19.5, 35.0);
        Self {
            weight_before: (bmi * height_m * height_m).clamp(38.0, 100.0),
            gain_rate: normal_in(rng, 0.42, 0.1, 0.15, 0.7),
            lila,
            hypertensive: chance(rng, 0.06),
        }
    }

    fn measure(&self, rng: &mut DemoRng, weeks: i64) -> Measurement {
        let gained = self.gain_rate * (weeks - 13).max(0) as f64;
        let weight =
            (self.weight_before + gained + normal_in(rng, 0.0, 0.3, -1.0, 1.0)).clamp(35.0, 110.0);
        // Pregnancy hypertension shows from 20 weeks.
        let (sys, dia) = blood_pressure(rng, self.hypertensive && weeks >= 20);
        Measurement {
            weight_kg: Some(round1(weight)),
            muac_cm: Some(round1(self.lila + normal_in(rng, 0.0, 0.2, -0.5, 0.5))),
            systolic_mmhg: Some(sys),
            diastolic_mmhg: Some(dia),
            ..Default::default()
        }
    }
}

fn antenatal(rng: &mut DemoRng, world: &World, sink: &mut Sink, plan: &PregnancyPlan) {
    let Some(hpht) = plan.pregnancy.hpht else {
        return;
    };
    let rw = world.pop.household_rw[plan.household];
    let rw_plan = &world.rws[rw];
    let bidan = world.staff.bidan_for(rw);
    let end = match plan.delivered_on {
        Some(d) => d - Duration::days(1),
        None => world.today,
    };
    let mother = Mother::new(rng);
    // Most women come in the first trimester; some only in the second (K1 akses, not murni).
    let k1 = if chance(rng, 0.75) {
        between(rng, 6, 12)
    } else {
        between(rng, 13, 20)
    };
    let planned = [
        (k1, true),
        (between(rng, 15, 18), false),
        (between(rng, 20, 24), false),
        (between(rng, 26, 29), false),
        (between(rng, 31, 34), true),
        (between(rng, 35, 38), false),
    ];
    let mut contact = 0u8;
    let mut previous: Option<time::Date> = None;
    for (i, (week, by_doctor)) in planned.into_iter().enumerate() {
        if i > 0 && week <= k1 {
            continue;
        }
        if i > 0 && !chance(rng, if by_doctor { 0.9 } else { 0.88 }) {
            continue;
        }
        let target = hpht + Duration::days(week * 7 + between(rng, 0, 4));
        let (date, posyandu, place) = if by_doctor {
            (working_day(target), None, Some(PUSKESMAS.to_string()))
        } else {
            let session = session_on_or_after(rw_plan.posyandu_day, target);
            if (session - target).whole_days() <= 10 {
                (session, Some(rw_plan.posyandu), None)
            } else {
                (working_day(target), None, Some("Rumah".to_string()))
            }
        };
        if date > end {
            break;
        }
        if previous.is_some_and(|p| (date - p).whole_days() < 14) {
            continue;
        }
        previous = Some(date);
        contact += 1;
        let minutes = if by_doctor {
            between(rng, 8 * 60, 12 * 60)
        } else {
            between(rng, 8 * 60, 11 * 60)
        };
        let at = at_wita(date, minutes as u32);
        let v = sink.visit(
            rng,
            plan.pregnancy.person,
            bidan,
            at,
            Visit {
                kind: VisitKind::Anc {
                    contact: Some(contact),
                    by_doctor,
                },
                posyandu,
                place,
                pregnancy: Some(plan.pregnancy.id),
            },
        );
        let weeks = gestational_weeks(hpht, date);
        let m = mother.measure(rng, weeks);
        sink.part(rng, v, bidan, EventPayload::Measurement(m));
        if chance(rng, 0.95) {
            let iron = Service {
                kind: ServiceKind::IronTablets,
                quantity: Some(30),
            };
            sink.part(rng, v, bidan, EventPayload::Service(iron));
        }
    }
}

/// KF1 (6 h-2 d), KF2 (d3-7), KF3 (d8-28), KF4 (d29-42), each by the bidan.
fn postpartum(rng: &mut DemoRng, world: &World, sink: &mut Sink, plan: &PregnancyPlan) {
    let Some(born) = plan.delivered_on else {
        return;
    };
    let rw = world.pop.household_rw[plan.household];
    let bidan = world.staff.bidan_for(rw);
    let hypertensive = chance(rng, 0.04);
    for (number, lo, hi) in [(1u8, 0, 1), (2, 3, 7), (3, 8, 28), (4, 29, 42)] {
        let date = born + Duration::days(between(rng, lo, hi));
        if date > world.today {
            break;
        }
        if !chance(rng, 0.9) {
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
            plan.pregnancy.person,
            bidan,
            at,
            Visit {
                kind: VisitKind::Kf { number },
                posyandu: None,
                place: Some(place.to_string()),
                pregnancy: Some(plan.pregnancy.id),
            },
        );
        let (sys, dia) = blood_pressure(rng, hypertensive);
        let m = Measurement {
            systolic_mmhg: Some(sys),
            diastolic_mmhg: Some(dia),
            ..Default::default()
        };
        sink.part(rng, v, bidan, EventPayload::Measurement(m));
        // Two red capsules after delivery: one at once, one a day later.
        if number == 1 && chance(rng, 0.9) {
            let vit_a = Service {
                kind: ServiceKind::VitaminARed,
                quantity: Some(2),
            };
            sink.part(rng, v, bidan, EventPayload::Service(vit_a));
        }
    }
}

pub(super) fn generate(rng: &mut DemoRng, world: &World, sink: &mut Sink) {
    for plan in world.pregnancies {
        antenatal(rng, world, sink, plan);
        postpartum(rng, world, sink, plan);
    }
}
