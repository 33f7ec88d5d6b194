//! Households and the people in them: family composition as on a Kartu Keluarga (head, spouse,
//! children, a grandparent, a married child with grandchildren, other family), ages that give
//! NTT's young population, names, NIK, KK numbers, phones, and the home's JKN, water and latrine.
//! Also the one or two unidentified people met outside any household.

use crate::draw::{DemoRng, between, chance, new_id, normal_in, pick, uniform, weighted};
use crate::identity::{Registry, mobile_number, nik_region};
use crate::kupang::{self, RwPlan};
use crate::names::{Faith, family_name, full_name, given_name};
use ilp_model::{
    BirthDate, GeoPoint, Household, HouseholdId, JknStatus, Person, PersonId, Relation, Sex,
};
use time::{Date, Duration};

const YEAR_DAYS: f64 = 365.25;

/// Share of NIK with the other sex in the day field: about one person in 500.
const SEX_CONTRADICTION_PER_NIK: f64 = 0.0024;

pub(crate) struct Population {
    pub households: Vec<Household>,
    /// Members of each household, parallel to `households`; mothers before their children.
    pub members: Vec<Vec<Person>>,
    /// Index into the RW plan of each household.
    pub household_rw: Vec<usize>,
    /// People registered without a household (an emergency on the street).
    pub unidentified: Vec<Person>,
}

/// A member before identity numbers and ids are drawn.
struct Spec {
    sex: Sex,
    age_days: i64,
    relation: Relation,
    given: String,
    family: Option<&'static str>,
    /// Index of the mother among the household's specs.
    mother: Option<usize>,
}

/// Family-wide facts every member's name draws on.
struct Family {
    faith: Faith,
    /// The head's family name, which children take (Muslim families often have none).
    name: Option<&'static str>,
}

fn years_to_days(rng: &mut DemoRng, years: f64) -> i64 {
    (years * YEAR_DAYS + uniform(rng, 0.0, 364.0)) as i64
}

fn birth_year(today: Date, age_days: i64) -> i32 {
    (today - Duration::days(age_days)).year()
}

/// A woman's age in years when she heads or marries into a family with children.
fn mother_years(rng: &mut DemoRng) -> f64 {
    // 5-year bands from 20 to 60, weighted towards the young (NTT's age pyramid).
    let band = weighted(rng, &[12.0, 16.0, 17.0, 16.0, 14.0, 11.0, 8.0, 6.0]);
    20.0 + 5.0 * band as f64 + uniform(rng, 0.0, 5.0)
}

/// Ages in days of the children a woman aged `mother_days` has borne so far, oldest first.
/// Births start at 18 to 29 and stop by 44, so every mother is 18-44 years older than her child.
fn births(rng: &mut DemoRng, mother_days: i64) -> Vec<i64> {
    // Completed family size in Kupang: two to four is typical, six not rare.
    let wanted = weighted(rng, &[3.0, 12.0, 24.0, 25.0, 17.0, 11.0, 8.0]);
    let mut at = uniform(rng, 18.0, 29.0);
    let mut out = Vec::new();
    for _ in 0..wanted {
        if at > 44.0 {
            break;
        }
        let child = mother_days - (at * YEAR_DAYS) as i64;
        if child < 0 {
            break;
        }
        out.push(child);
        at += uniform(rng, 1.6, 4.5);
    }
    out
}

/// Whether a grown child still lives with the parents (unmarried adult children often do).
fn stays(rng: &mut DemoRng, age_days: i64) -> bool {
    let years = age_days as f64 / YEAR_DAYS;
    let p = match years {
        y if y < 18.0 => 1.0,
        y if y < 22.0 => 0.75,
        y if y < 26.0 => 0.45,
        y if y < 31.0 => 0.25,
        _ => 0.1,
    };
    chance(rng, p)
}

fn random_sex(rng: &mut DemoRng) -> Sex {
    // 105 boys per 100 girls at birth.
    if chance(rng, 0.512) {
        Sex::Male
    } else {
        Sex::Female
    }
}

struct Builder<'a> {
    rng: &'a mut DemoRng,
    today: Date,
    family: Family,
    specs: Vec<Spec>,
}

impl Builder<'_> {
    fn add(
        &mut self,
        sex: Sex,
        age_days: i64,
        relation: Relation,
        family: Option<&'static str>,
        mother: Option<usize>,
    ) -> usize {
        let given = given_name(
            self.rng,
            sex,
            self.family.faith,
            birth_year(self.today, age_days),
        );
        self.specs.push(Spec {
            sex,
            age_days,
            relation,
            given,
            family,
            mother,
        });
        self.specs.len() - 1
    }

    /// The family name a wife goes by: in Timor most keep their own fam, some take the husband's.
    fn wife_family(&mut self) -> Option<&'static str> {
        if self.family.name.is_none() {
            return chance(self.rng, 0.4).then(|| family_name(self.rng, self.family.faith));
        }
        if chance(self.rng, 0.6) {
            Some(family_name(self.rng, self.family.faith))
        } else {
            self.family.name
        }
    }

    /// Children of `mother` (a spec index, or an absent mother of that age) who live here.
    fn children(
        &mut self,
        mother: Option<usize>,
        mother_days: i64,
        family: Option<&'static str>,
        relation: Relation,
    ) {
        let mut ages = births(self.rng, mother_days);
        ages.retain(|&a| a >= 0);
        for age in ages {
            if stays(self.rng, age) {
                let sex = random_sex(self.rng);
                self.add(sex, age, relation.clone(), family, mother);
            }
        }
    }

    /// Head and wife of a nuclear family, with the wife aged `mother_days`.
    fn couple(&mut self, mother_days: i64) -> (usize, usize) {
        let gap = normal_in(self.rng, 4.0, 3.0, -2.0, 12.0);
        let father_days = (mother_days + (gap * YEAR_DAYS) as i64).max((20.0 * YEAR_DAYS) as i64);
        let surname = self.family.name;
        let head = self.add(Sex::Male, father_days, Relation::Head, surname, None);
        let wife_family = self.wife_family();
        let wife = self.add(
            Sex::Female,
            mother_days,
            Relation::Spouse,
            wife_family,
            None,
        );
        (head, wife)
    }

    fn single(&mut self) {
        let (sex, years) = if chance(self.rng, 0.5) {
            let sex = if chance(self.rng, 0.65) {
                Sex::Male
            } else {
                Sex::Female
            };
            (sex, uniform(self.rng, 19.0, 35.0))
        } else {
            let sex = if chance(self.rng, 0.7) {
                Sex::Female
            } else {
                Sex::Male
            };
            (sex, uniform(self.rng, 55.0, 88.0))
        };
        let days = years_to_days(self.rng, years);
        let surname = self.family.name;
        self.add(sex, days, Relation::Head, surname, None);
    }

    fn couple_only(&mut self) {
        let wife_years = if chance(self.rng, 0.5) {
            uniform(self.rng, 20.0, 33.0)
        } else {
            uniform(self.rng, 52.0, 78.0)
        };
        let days = years_to_days(self.rng, wife_years);
        self.couple(days);
    }

    fn nuclear(&mut self) {
        let years = mother_years(self.rng);
        let mother_days = years_to_days(self.rng, years);
        let (_, wife) = self.couple(mother_days);
        let surname = self.family.name;
        self.children(Some(wife), mother_days, surname, Relation::Child);
    }

    fn single_parent(&mut self) {
        let years = uniform(self.rng, 22.0, 55.0);
        let parent_days = years_to_days(self.rng, years);
        if chance(self.rng, 0.85) {
            // Widowed, separated, or the husband works away: the mother heads the KK.
            let own = self.family.name;
            let head = self.add(Sex::Female, parent_days, Relation::Head, own, None);
            // Children carry their father's name; sometimes it is the mother's own.
            let fathers = if chance(self.rng, 0.85) {
                Some(family_name(self.rng, self.family.faith))
            } else {
                own
            };
            self.children(Some(head), parent_days, fathers, Relation::Child);
        } else {
            let head_days = parent_days + (3.0 * YEAR_DAYS) as i64;
            let surname = self.family.name;
            self.add(Sex::Male, head_days, Relation::Head, surname, None);
            self.children(None, parent_days, surname, Relation::Child);
        }
    }

    /// A nuclear family living with one or two parents of the head or of the wife. The elders
    /// come first so a grandmother is listed before the child she is the mother of.
    fn with_elders(&mut self) {
        let years = uniform(self.rng, 22.0, 45.0);
        let mother_days = years_to_days(self.rng, years);
        let head_side = chance(self.rng, 0.6);
        let gap = normal_in(self.rng, 4.0, 3.0, -2.0, 12.0);
        let head_days = (mother_days + (gap * YEAR_DAYS) as i64).max((20.0 * YEAR_DAYS) as i64);
        let base_days = if head_side { head_days } else { mother_days };
        let elder_gap = uniform(self.rng, 22.0, 38.0);
        let elder_mother_days = base_days + (elder_gap * YEAR_DAYS) as i64;
        let wife_family = self.wife_family();
        let (relation, elder_surname) = if head_side {
            (Relation::Parent, self.family.name)
        } else {
            (Relation::ParentInLaw, wife_family)
        };
        let mut elder_mother = None;
        // Grandparents past 92 are rare enough to leave out; the family is then nuclear.
        if elder_mother_days < (92.0 * YEAR_DAYS) as i64 {
            let (father, mother) = match weighted(self.rng, &[3.0, 5.0, 2.0]) {
                0 => (true, true),
                1 => (false, true), // most surviving elders are widows
                _ => (true, false),
            };
            if father {
                let f = elder_mother_days + (uniform(self.rng, 0.0, 6.0) * YEAR_DAYS) as i64;
                self.add(Sex::Male, f, relation.clone(), elder_surname, None);
            }
            if mother {
                let own = if chance(self.rng, 0.6) {
                    Some(family_name(self.rng, self.family.faith))
                } else {
                    elder_surname
                };
                elder_mother = Some(self.add(Sex::Female, elder_mother_days, relation, own, None));
            }
        }
        let surname = self.family.name;
        let head_mother = if head_side { elder_mother } else { None };
        let wife_mother = if head_side { None } else { elder_mother };
        self.add(Sex::Male, head_days, Relation::Head, surname, head_mother);
        let wife = self.add(
            Sex::Female,
            mother_days,
            Relation::Spouse,
            wife_family,
            wife_mother,
        );
        self.children(Some(wife), mother_days, surname, Relation::Child);
    }

    /// Three generations: an older couple (or a widow), their unmarried children, and one married
    /// child with a spouse and grandchildren.
    fn three_generations(&mut self) {
        let years = uniform(self.rng, 45.0, 68.0);
        let grandma_days = years_to_days(self.rng, years);
        let surname = self.family.name;
        let grandma = if chance(self.rng, 0.75) {
            let (_, wife) = self.couple(grandma_days);
            wife
        } else {
            self.add(Sex::Female, grandma_days, Relation::Head, surname, None)
        };
        let grandma_name = self.specs[grandma].family;
        // Children still at home and the married child, oldest first.
        let married_days =
            (grandma_days - (uniform(self.rng, 20.0, 35.0) * YEAR_DAYS) as i64).max(7400);
        let married_son = chance(self.rng, 0.6);
        let mut kids: Vec<(i64, Sex, bool)> = Vec::new();
        for a in births(self.rng, grandma_days) {
            // Siblings are at least ten months apart.
            if (a - married_days).abs() > 300 && stays(self.rng, a) {
                kids.push((a, random_sex(self.rng), false));
            }
        }
        let married_sex = if married_son { Sex::Male } else { Sex::Female };
        kids.push((married_days, married_sex, true));
        kids.sort_by_key(|k| std::cmp::Reverse(k.0));
        let head_family = surname.or(grandma_name);
        let mut married = 0;
        for (age, sex, is_married) in kids {
            let i = self.add(sex, age, Relation::Child, head_family, Some(grandma));
            if is_married {
                married = i;
            }
        }
        let married_age = self.specs[married].age_days;
        let in_law_gap = (uniform(self.rng, 0.0, 5.0) * YEAR_DAYS) as i64;
        if married_son {
            let in_law_days = (married_age - in_law_gap).max((19.0 * YEAR_DAYS) as i64);
            let own = Some(family_name(self.rng, self.family.faith));
            let wife = self.add(Sex::Female, in_law_days, Relation::ChildInLaw, own, None);
            self.children(Some(wife), in_law_days, head_family, Relation::Grandchild);
        } else {
            let husband_days = married_age + in_law_gap;
            let his = Some(family_name(self.rng, self.family.faith));
            self.add(Sex::Male, husband_days, Relation::ChildInLaw, his, None);
            self.children(Some(married), married_age, his, Relation::Grandchild);
        }
    }

    /// Nephews and nieces from the villages staying for school, and the odd helper.
    fn extras(&mut self) {
        if chance(self.rng, 0.12) {
            for _ in 0..between(self.rng, 1, 2) {
                let years = uniform(self.rng, 8.0, 24.0);
                let days = years_to_days(self.rng, years);
                let sex = random_sex(self.rng);
                let fam = if chance(self.rng, 0.5) {
                    self.family.name
                } else {
                    Some(family_name(self.rng, self.family.faith))
                };
                self.add(sex, days, Relation::OtherFamily, fam, None);
            }
        }
        if chance(self.rng, 0.015) {
            let years = uniform(self.rng, 17.0, 40.0);
            let days = years_to_days(self.rng, years);
            let fam = Some(family_name(self.rng, Faith::Christian));
            self.add(Sex::Female, days, Relation::Helper, fam, None);
        }
    }
}

struct Identity<'a> {
    rng: &'a mut DemoRng,
    registry: &'a mut Registry,
    today: Date,
}

impl Identity<'_> {
    /// The person record for a spec: birth date, NIK, phone.
    fn person(
        &mut self,
        spec: &Spec,
        id: PersonId,
        household: HouseholdId,
        mother: Option<PersonId>,
    ) -> Person {
        let rng = &mut *self.rng;
        let birth_date = self.today - Duration::days(spec.age_days);
        let years = spec.age_days as f64 / YEAR_DAYS;
        let adult = years >= 17.0;
        let estimated = years >= 20.0 && chance(rng, 0.03);
        let nik_p = match years {
            _ if estimated => 0.5,
            y if y >= 17.0 => 0.933,
            y if y < 1.0 => 0.4,
            y if y < 5.0 => 0.65,
            _ => 0.75,
        };
        let nik = chance(rng, nik_p).then(|| {
            let local = if adult { 0.78 } else { 0.92 };
            let region = nik_region(rng, local);
            let contradict = chance(rng, SEX_CONTRADICTION_PER_NIK);
            self.registry
                .nik(rng, &region, spec.sex, birth_date, contradict)
        });
        let birth = if estimated {
            let stated = BirthDate::exact(birth_date).age_years(self.today).max(0) as u32;
            // Without papers, ages are heaped on fives ("umur 40").
            let stated = if nik.is_none() && chance(rng, 0.5) {
                ((stated + 2) / 5 * 5).max(20)
            } else {
                stated
            };
            BirthDate::from_stated_age(stated, 0, self.today)
        } else {
            BirthDate::exact(birth_date)
        };
        let phone = (adult && chance(rng, 0.6)).then(|| mobile_number(rng));
        Person {
            id,
            household: Some(household),
            name: Some(full_name(&spec.given, spec.family)),
            sex: Some(spec.sex),
            birth: Some(birth),
            nik,
            phone,
            relation: Some(spec.relation.clone()),
            mother,
            description: None,
            merged_into: None,
        }
    }
}

const NOTES: [&str; 10] = [
    "Rumah di belakang gereja, pagar biru.",
    "Pindahan dari Soe (TTS) tahun lalu; KK masih diurus.",
    "Ada anak kos mahasiswa Undana, tidak masuk KK.",
    "Kepala keluarga nelayan, sering melaut; datang sore.",
    "Air dari sumur gali, kadang beli air tangki.",
    "Keluarga sering ke kebun di Baumata, rumah kosong siang hari.",
    "Lansia tinggal sendiri, anak di Oebobo menjenguk tiap minggu.",
    "Rumah panggung dekat pantai.",
    "Minta kunjungan sore hari setelah jam kerja.",
    "Anjing galak, panggil dari pagar.",
];

fn jkn(rng: &mut DemoRng) -> JknStatus {
    match weighted(rng, &[55.0, 25.0, 15.0, 5.0]) {
        0 => JknStatus::Pbi,
        1 => JknStatus::NonPbi,
        2 => JknStatus::NotEnrolled,
        _ => JknStatus::Unknown,
    }
}

/// Yes with probability `p`, and now and then not asked yet.
fn asked(rng: &mut DemoRng, p: f64) -> Option<bool> {
    (!chance(rng, 0.03)).then(|| chance(rng, p))
}

fn household_specs(rng: &mut DemoRng, today: Date) -> (Vec<Spec>, Faith) {
    // Kota Kupang is about 90% Christian; its Muslim minority lives partly along the Oesapa coast.
    let faith = if chance(rng, 0.1) {
        Faith::Muslim
    } else {
        Faith::Christian
    };
    let name = match faith {
        Faith::Christian => Some(family_name(rng, faith)),
        Faith::Muslim => chance(rng, 0.5).then(|| family_name(rng, faith)),
    };
    let mut b = Builder {
        rng,
        today,
        family: Family { faith, name },
        specs: Vec::new(),
    };
    let kind = weighted(b.rng, &[7.0, 9.0, 56.0, 9.0, 9.0, 10.0]);
    match kind {
        0 => b.single(),
        1 => b.couple_only(),
        2 => b.nuclear(),
        3 => b.single_parent(),
        4 => b.with_elders(),
        _ => b.three_generations(),
    }
    if kind != 0 {
        b.extras();
    }
    (b.specs, faith)
}

pub(crate) fn build(
    rng: &mut DemoRng,
    registry: &mut Registry,
    rws: &[RwPlan],
    today: Date,
    with_unidentified: bool,
) -> Population {
    let mut pop = Population {
        households: Vec::new(),
        members: Vec::new(),
        household_rw: Vec::new(),
        unidentified: Vec::new(),
    };
    for (rw_index, rw) in rws.iter().enumerate() {
        for rt in &rw.rts {
            for _ in 0..rt.households {
                let household_id = new_id!(rng, HouseholdId);
                let (specs, _) = household_specs(rng, today);
                let ids: Vec<PersonId> = specs.iter().map(|_| new_id!(rng, PersonId)).collect();
                let mut identity = Identity {
                    rng,
                    registry,
                    today,
                };
                let members: Vec<Person> = specs
                    .iter()
                    .zip(&ids)
                    .map(|(s, &id)| identity.person(s, id, household_id, s.mother.map(|m| ids[m])))
                    .collect();
                let youngest = specs.iter().map(|s| s.age_days).min().unwrap_or(0);
                let household = household_record(rng, registry, rt, household_id, youngest, today);
                pop.households.push(household);
                pop.members.push(members);
                pop.household_rw.push(rw_index);
            }
        }
    }
    if with_unidentified {
        pop.unidentified = unidentified(rng, today);
    }
    pop
}

fn household_record(
    rng: &mut DemoRng,
    registry: &mut Registry,
    rt: &kupang::RtPlan,
    id: HouseholdId,
    youngest_days: i64,
    today: Date,
) -> Household {
    // A KK is reissued when a child is born, so it dates from after the youngest member's birth.
    // Marriages and moves reissue it too, so older households also hold fairly recent cards.
    let kk_number = chance(rng, 0.85).then(|| {
        let after_birth = youngest_days - between(rng, 14, 500);
        let days_ago = after_birth.min(between(rng, 30, 18 * 365)).max(30);
        registry.kk(rng, today - Duration::days(days_ago))
    });
    let address = (!chance(rng, 0.03)).then(|| kupang::address(rng, &rt.streets));
    let gps = chance(rng, 0.92).then(|| {
        let (lat, lon) = kupang::house_position(rng, rt.center);
        GeoPoint::new("gps", lat, lon).expect("Oesapa is in Indonesia")
    });
    Household {
        id,
        rt: rt.area,
        kk_number,
        address,
        gps,
        jkn: jkn(rng),
        clean_water: asked(rng, 0.85),
        healthy_latrine: asked(rng, 0.75),
        notes: chance(rng, 0.05).then(|| pick(rng, &NOTES).to_string()),
    }
}

/// People found in public without papers: sex and apparent age, what a kader can see, and where.
pub(crate) struct Stranger {
    pub sex: Sex,
    pub apparent_age: u32,
    pub description: &'static str,
    pub place: &'static str,
}

pub(crate) const STRANGERS: [Stranger; 3] = [
    Stranger {
        sex: Sex::Male,
        apparent_age: 40,
        description: "Laki-laki ±40 th, kaos merah, ditemukan pingsan di Pasar Oesapa",
        place: "Pasar Oesapa",
    },
    Stranger {
        sex: Sex::Female,
        apparent_age: 60,
        description: "Perempuan ±60 th, bicara pelo dan bingung di halte Jl. Timor Raya",
        place: "Halte Jl. Timor Raya",
    },
    Stranger {
        sex: Sex::Male,
        apparent_age: 25,
        description: "Laki-laki ±25 th, gelisah dan bicara sendiri di Pantai Oesapa",
        place: "Pantai Oesapa",
    },
];

/// People found without identity (Perwali Kupang 18/2025 pays their emergency care): no name,
/// no NIK, no household, only what a kader can see.
fn unidentified(rng: &mut DemoRng, today: Date) -> Vec<Person> {
    let n = between(rng, 1, 2) as usize;
    let first = between(rng, 0, 2) as usize;
    (0..n)
        .map(|k| {
            let s = &STRANGERS[(first + k) % STRANGERS.len()];
            Person {
                id: new_id!(rng, PersonId),
                household: None,
                name: None,
                sex: Some(s.sex),
                birth: Some(BirthDate::from_stated_age(s.apparent_age, 0, today)),
                nik: None,
                phone: None,
                relation: None,
                mother: None,
                description: Some(s.description.to_string()),
                merged_into: None,
            }
        })
        .collect()
}

/// Age in completed years on `today`, for a person with a birth date.
pub(crate) fn age_years(person: &Person, today: Date) -> Option<i32> {
    person.birth.map(|b| b.age_years(today))
}

/// Whether the person is a woman of reproductive age (15-49) on `today`.
pub(crate) fn woman_15_49(person: &Person, today: Date) -> bool {
    person.sex == Some(Sex::Female) && matches!(age_years(person, today), Some(15..=49))
}
