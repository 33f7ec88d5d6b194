//! A handful of danger signs found on home visits, each with its referral: emergencies go to
//! RSUD S.K. Lerik with a Brigade Kupang Sehat pick-up called, the rest to Puskesmas Oesapa.
//! Unidentified people found in public get an emergency referral too (DOMAIN.md section 8).
//! Half the cases are from the last ten days with no visit since, so the worklist has
//! follow-ups still open.

use super::{Sink, World};
use crate::calendar::{at_wita, minutes_ms};
use crate::draw::{DemoRng, between, chance, pick, weighted};
use crate::kupang::{PICKUP_SERVICE, PUSKESMAS, REFERRAL_HOSPITAL};
use crate::population::STRANGERS;
use crate::staff::Recorder;
use ilp_model::timestamp::wita;
use ilp_model::{
    DangerSign, EventPayload, Person, PersonId, Referral, Timestamp, Visit, VisitKind,
};
use time::{Date, Duration};

/// One kind of case: the signs seen, whether it is an emergency, the reason written down.
struct Case {
    signs: &'static [DangerSign],
    emergency: bool,
    reason: &'static str,
}

const PREGNANCY: [Case; 5] = [
    Case {
        signs: &[DangerSign::Bleeding],
        emergency: true,
        reason: "Perdarahan pada kehamilan",
    },
    Case {
        signs: &[
            DangerSign::SevereHeadacheBlurredVision,
            DangerSign::SwellingFaceHands,
        ],
        emergency: true,
        reason: "Curiga preeklampsia",
    },
    Case {
        signs: &[DangerSign::WatersBrokeEarly],
        emergency: true,
        reason: "Ketuban pecah dini",
    },
    Case {
        signs: &[DangerSign::ReducedFetalMovement],
        emergency: false,
        reason: "Gerakan janin berkurang",
    },
    Case {
        signs: &[DangerSign::PersistentVomiting],
        emergency: false,
        reason: "Muntah terus, tidak bisa makan",
    },
];

const CHILD: [Case; 5] = [
    Case {
        signs: &[DangerSign::DiarrhoeaDehydration, DangerSign::Lethargic],
        emergency: true,
        reason: "Diare dengan dehidrasi berat",
    },
    Case {
        signs: &[DangerSign::FastBreathing, DangerSign::ChestIndrawing],
        emergency: true,
        reason: "Pneumonia berat",
    },
    Case {
        signs: &[DangerSign::Convulsions, DangerSign::HighFever],
        emergency: true,
        reason: "Kejang dengan demam tinggi",
    },
    Case {
        signs: &[DangerSign::HighFever],
        emergency: false,
        reason: "Demam tinggi tiga hari",
    },
    Case {
        signs: &[DangerSign::SevereWasting],
        emergency: false,
        reason: "Gizi buruk, perlu pemeriksaan",
    },
];

const ADULT: [Case; 5] = [
    Case {
        signs: &[DangerSign::ChestPain, DangerSign::BreathingDifficulty],
        emergency: true,
        reason: "Nyeri dada, sesak napas",
    },
    Case {
        signs: &[DangerSign::StrokeSigns],
        emergency: true,
        reason: "Curiga stroke: mulut mencong, lengan lemah",
    },
    Case {
        signs: &[DangerSign::SevereMentalCrisis],
        emergency: true,
        reason: "Krisis jiwa, mengamuk",
    },
    Case {
        signs: &[DangerSign::HighFever],
        emergency: false,
        reason: "Demam tinggi, curiga DBD",
    },
    Case {
        signs: &[DangerSign::BreathingDifficulty],
        emergency: false,
        reason: "Batuk lama dan sesak, curiga TB",
    },
];

/// Parallel to `population::STRANGERS`.
const UNIDENTIFIED: [Case; 3] = [
    Case {
        signs: &[DangerSign::Unconscious],
        emergency: true,
        reason: "Ditemukan tidak sadar",
    },
    Case {
        signs: &[DangerSign::StrokeSigns],
        emergency: true,
        reason: "Curiga stroke, tidak ada keluarga",
    },
    Case {
        signs: &[DangerSign::SevereMentalCrisis],
        emergency: true,
        reason: "Gelisah, tidak kenal tempat dan waktu",
    },
];

fn refer(
    rng: &mut DemoRng,
    sink: &mut Sink,
    person: &Person,
    by: Recorder,
    at: Timestamp,
    visit: Visit,
    case: &Case,
) {
    let v = sink.visit(rng, person.id, by, at, visit);
    let note = chance(rng, 0.5).then(|| case.reason.to_string());
    let signs = EventPayload::DangerSigns {
        signs: case.signs.to_vec(),
        note,
    };
    sink.part(rng, v, by, signs);
    let referral = if case.emergency {
        Referral {
            to: REFERRAL_HOSPITAL.to_string(),
            emergency: true,
            reason: Some(case.reason.to_string()),
            pickup_called: true,
            pickup_called_at: Some(Timestamp::from_millis(
                at.millis() + minutes_ms(between(rng, 2, 10)),
            )),
            pickup_service: Some(PICKUP_SERVICE.to_string()),
        }
    } else {
        Referral {
            to: PUSKESMAS.to_string(),
            emergency: false,
            reason: Some(case.reason.to_string()),
            pickup_called: false,
            pickup_called_at: None,
            pickup_service: None,
        }
    };
    sink.part(rng, v, by, EventPayload::Referral(referral));
}

fn home_visit() -> Visit {
    Visit {
        kind: VisitKind::HomeVisit,
        posyandu: None,
        place: Some("Rumah".to_string()),
        pregnancy: None,
    }
}

/// A day in `from..=to` and a time of day: emergencies happen at any hour.
fn when(rng: &mut DemoRng, from: Date, to: Date) -> Timestamp {
    let span = (to - from).whole_days().max(0);
    let date = from + Duration::days(between(rng, 0, span));
    at_wita(date, between(rng, 6 * 60, 21 * 60) as u32)
}

/// A time in the last ten days after the person's latest visit, so no visit follows it yet.
fn after_last_visit(rng: &mut DemoRng, sink: &Sink, person: PersonId, today: Date) -> Timestamp {
    let last = sink
        .visits
        .iter()
        .filter(|e| e.person == person)
        .map(|e| e.occurred_at)
        .max();
    let mut from = today - Duration::days(10);
    if let Some(t) = last {
        from = from.max(t.date_at(wita()) + Duration::days(1));
        if from > today {
            // Seen earlier today: the sign shows in the afternoon.
            let later = t.millis() + minutes_ms(between(rng, 60, 180));
            let late_evening = at_wita(today, 23 * 60 + 30).millis();
            return Timestamp::from_millis(later.min(late_evening).max(t.millis() + 1));
        }
    }
    when(rng, from, today)
}

pub(super) fn generate(rng: &mut DemoRng, world: &World, sink: &mut Sink) {
    let today = world.today;
    let year_ago = today - Duration::days(364);
    let households = world.pop.households.len();
    let cases = (households / 100).max(2);

    let current: Vec<_> = world
        .pregnancies
        .iter()
        .filter(|p| p.pregnancy.outcome.is_none() && p.pregnancy.hpht.is_some())
        .collect();
    for case_number in 0..if households == 0 { 0 } else { cases } {
        let open = case_number % 2 == 0;
        let kind = weighted(rng, &[3.0, 3.0, 4.0]);
        if kind == 0 && !current.is_empty() {
            let plan = *pick(rng, &current);
            let Some(woman) = world.pop.members[plan.household]
                .iter()
                .find(|p| p.id == plan.pregnancy.person)
            else {
                continue;
            };
            let hpht = plan.pregnancy.hpht.expect("filtered");
            let from = (hpht + Duration::days(8 * 7)).min(today);
            let at = if open {
                after_last_visit(rng, sink, woman.id, today)
            } else {
                when(rng, from, today)
            };
            let bidan = world
                .staff
                .bidan_for(world.pop.household_rw[plan.household]);
            let mut visit = home_visit();
            visit.pregnancy = Some(plan.pregnancy.id);
            let case = pick(rng, &PREGNANCY);
            refer(rng, sink, woman, bidan, at, visit, case);
            continue;
        }
        // A random household member of the right age.
        let h = between(rng, 0, households as i64 - 1) as usize;
        let rw = world.pop.household_rw[h];
        let want_child = kind == 1;
        let Some(person) = world.pop.members[h].iter().find(|p| {
            p.birth.is_some_and(|b| {
                let months = b.age_months(today);
                if want_child {
                    (1..=59).contains(&months)
                } else {
                    months >= 18 * 12
                }
            })
        }) else {
            continue;
        };
        let birth = person.birth.expect("checked").date;
        let from = (birth + Duration::days(30)).max(year_ago).min(today);
        let at = if open {
            after_last_visit(rng, sink, person.id, today)
        } else {
            when(rng, from, today)
        };
        let table: &[Case] = if want_child { &CHILD } else { &ADULT };
        let kader = world.kader(rng, rw);
        let case = pick(rng, table);
        refer(rng, sink, person, kader, at, home_visit(), case);
    }

    for person in &world.pop.unidentified {
        let Some(i) = STRANGERS
            .iter()
            .position(|s| person.description.as_deref() == Some(s.description))
        else {
            continue;
        };
        let place = STRANGERS[i].place;
        let visit = Visit {
            kind: VisitKind::Other,
            posyandu: None,
            place: Some(place.to_string()),
            pregnancy: None,
        };
        let at = when(rng, today - Duration::days(60), today);
        let rw = between(rng, 0, world.rws.len() as i64 - 1) as usize;
        let kader = world.kader(rng, rw);
        refer(rng, sink, person, kader, at, visit, &UNIDENTIFIED[i]);
    }
}
