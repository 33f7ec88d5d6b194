//! School immunization, BIAS (DOMAIN.md section 2, [S10]): the Puskesmas bidan vaccinates at the
//! kelurahan's primary schools in August (grade 1 MR, grade 5 and 6 girls HPV) and November
//! (grade 1 DT, grade 2 and 5 Td). Grades come from age as the rules derive them: grade 1 is the
//! school year (from 1 July) a child starts aged 7. Most children get the dose on the school's
//! BIAS day, a few at the sweep two weeks later, some not at all.
//!
//! Only doses of the last year are recorded as given; an earlier school dose of the same antigen
//! is copied from the child's card at the same visit, so dose numbers run on without gaps.

use super::{Sink, World};
use crate::calendar::at_wita;
use crate::draw::{DemoRng, between, weighted};
use ilp_model::{Antigen, EventPayload, Immunization, Person, Sex, Visit, VisitKind};
use time::{Date, Duration, Month, Weekday};

/// Age on 1 July of the school year in grade 1.
const GRADE1_AGE: i32 = 7;

/// Primary schools of Oesapa; siblings go to the same one.
const SCHOOLS: [&str; 4] = [
    "SD Inpres Oesapa",
    "SD Negeri Oesapa Barat",
    "SD GMIT Oesapa",
    "SD Inpres Kelapa Lima",
];

struct Row {
    grade: i32,
    antigen: Antigen,
    month: Month,
    girls_only: bool,
}

/// [S10] as in the rules' BIAS table (sd6_hpv: the second HPV dose).
const ROWS: [Row; 6] = [
    Row {
        grade: 1,
        antigen: Antigen::Mr,
        month: Month::August,
        girls_only: false,
    },
    Row {
        grade: 1,
        antigen: Antigen::Dt,
        month: Month::November,
        girls_only: false,
    },
    Row {
        grade: 2,
        antigen: Antigen::Td,
        month: Month::November,
        girls_only: false,
    },
    Row {
        grade: 5,
        antigen: Antigen::Hpv,
        month: Month::August,
        girls_only: true,
    },
    Row {
        grade: 5,
        antigen: Antigen::Td,
        month: Month::November,
        girls_only: false,
    },
    Row {
        grade: 6,
        antigen: Antigen::Hpv,
        month: Month::August,
        girls_only: true,
    },
];

/// The school's BIAS day in a month: a weekday in the first half, different per school.
fn bias_day(year: i32, month: Month, school: usize) -> Date {
    let day = 5 + 3 * school as u8 + (year.rem_euclid(3) as u8);
    let date = Date::from_calendar_date(year, month, day).expect("day 5-16 exists");
    match date.weekday() {
        Weekday::Saturday => date + Duration::days(2),
        Weekday::Sunday => date + Duration::days(1),
        _ => date,
    }
}

/// The grade a child born on `birth` is in during the school year starting 1 July `year`.
pub(super) fn grade(birth: Date, year: i32) -> i32 {
    let july = Date::from_calendar_date(year, Month::July, 1).expect("1 July");
    ilp_model::BirthDate::exact(birth).age_years(july) - GRADE1_AGE + 1
}

fn batch(antigen: &Antigen, on: Date) -> String {
    let product = match antigen {
        Antigen::Mr => "MR",
        Antigen::Dt => "DT",
        Antigen::Td => "TD",
        _ => "HPV",
    };
    format!(
        "{product}{:02}{:02}S",
        on.year().rem_euclid(100),
        u8::from(on.month())
    )
}

struct Given {
    antigen: Antigen,
    on: Date,
}

fn child(rng: &mut DemoRng, world: &World, sink: &mut Sink, person: &Person, h: usize) {
    let (Some(birth), Some(sex)) = (person.birth, person.sex) else {
        return;
    };
    let today = world.today;
    let birth = birth.date;
    let school = h % SCHOOLS.len();
    // Every school dose the child has had, oldest first.
    let mut given: Vec<Given> = Vec::new();
    for year in today.year() - 8..=today.year() {
        let g = grade(birth, year);
        for row in ROWS.iter().filter(|r| r.grade == g) {
            if row.girls_only && sex != Sex::Female {
                continue;
            }
            let day = bias_day(year, row.month, school);
            let on = match weighted(rng, &[86.0, 5.0, 9.0]) {
                0 => day,
                1 => day + Duration::days(14),
                _ => continue,
            };
            if on <= today {
                given.push(Given {
                    antigen: row.antigen.clone(),
                    on,
                });
            }
        }
    }
    let recent = today - Duration::days(364);
    let rw = world.pop.household_rw[h];
    let bidan = world.staff.bidan_for(rw);
    let mut copied = vec![false; given.len()];
    for k in 0..given.len() {
        let on = given[k].on;
        if on < recent {
            continue;
        }
        let at = at_wita(on, between(rng, 8 * 60, 11 * 60) as u32);
        let visit = Visit {
            kind: VisitKind::Other,
            posyandu: None,
            place: Some(SCHOOLS[school].to_string()),
            pregnancy: None,
        };
        let v = sink.visit(rng, person.id, bidan, at, visit);
        let mut dose = 0u8;
        for j in 0..k {
            if given[j].antigen != given[k].antigen {
                continue;
            }
            dose += 1;
            if given[j].on < recent && !copied[j] {
                copied[j] = true;
                let earlier = Immunization {
                    antigen: given[j].antigen.clone(),
                    dose,
                    given_on: given[j].on,
                    batch: None,
                    recorded_from_history: true,
                };
                sink.part(rng, v, bidan, EventPayload::Immunization(earlier));
            }
        }
        let now = Immunization {
            antigen: given[k].antigen.clone(),
            dose: dose + 1,
            given_on: on,
            batch: Some(batch(&given[k].antigen, on)),
            recorded_from_history: false,
        };
        sink.part(rng, v, bidan, EventPayload::Immunization(now));
    }
}

pub(super) fn generate(rng: &mut DemoRng, world: &World, sink: &mut Sink) {
    for (h, members) in world.pop.members.iter().enumerate() {
        for p in members {
            let school_age = p
                .birth
                .is_some_and(|b| (5..=14).contains(&b.age_years(world.today)));
            if school_age {
                child(rng, world, sink, p, h);
            }
        }
    }
}
