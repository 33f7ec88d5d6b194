//! A deterministic population for the store benchmarks: a Kupang area tree (1 kota, 1 kecamatan,
//! 5 kelurahan, 10 RW each, 5 RT each: 250 RT), households of 3-5 members with NTT given and
//! family names (Zipf-weighted, some in old spelling), NIKs that agree with sex and birth date for
//! most people, KK numbers for most households, and a few past Posyandu visits for under-fives.
//!
//! Everything comes from a seed (SplitMix64 here, [`SeededEntropy`] for the store's ids), so two
//! databases built with the same seed hold the same rows, ids included: the SQLCipher and the
//! plain database differ only in the key.
#![allow(dead_code)]

use ilp_model::{
    Antigen, Area, AreaId, AreaLevel, DeviceId, HouseholdId, JknStatus, Measurement, PersonId,
    Posyandu, PosyanduId, Relation, Role, Service, ServiceKind, Sex, Timestamp, User, UserId,
    VisitKind,
};
use ilp_store::events::{self, ImmunizationInput, VisitInput};
use ilp_store::input::{HouseholdInput, MotherRef, PersonInput};
use ilp_store::{DbKey, SeededEntropy, Store, StoreConfig, WriteCtx, areas, households, users};
use std::collections::HashSet;
use std::path::Path;
use time::macros::{date, datetime};
use time::{Date, Duration};

pub const TODAY: Date = date!(2026 - 11 - 22);
const DAY_MS: i64 = 86_400_000;

pub fn now() -> Timestamp {
    Timestamp::from_datetime(datetime!(2026-11-22 01:00 UTC))
}

pub fn device() -> DeviceId {
    DeviceId::from_random_bytes([9; 16])
}

pub fn key() -> DbKey {
    DbKey::new([7; 32])
}

/// Opens (creating) a store with fixed-seed ids.
pub fn open(path: &Path, key: Option<DbKey>, seed: u64) -> Store {
    Store::open(
        StoreConfig {
            path: path.to_path_buf(),
            key,
            device: device(),
            utc_offset: ilp_model::timestamp::wita(),
        },
        Box::new(SeededEntropy::new(seed)),
        now(),
    )
    .expect("open store")
    .0
}

// ---------------------------------------------------------------------------------------------
// Randomness

/// SplitMix64: small, fast and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn id16(&mut self) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        b[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        b
    }
}

/// A name list with Zipf-like weights (rank r weighs 1/(r+1)): the first names are common.
struct Names {
    names: &'static [&'static str],
    cumulative: Vec<f64>,
}

impl Names {
    fn new(names: &'static [&'static str]) -> Self {
        let mut total = 0.0;
        let cumulative = (0..names.len())
            .map(|r| {
                total += 1.0 / (r as f64 + 1.0);
                total
            })
            .collect();
        Self { names, cumulative }
    }

    fn pick(&self, rng: &mut Rng) -> &'static str {
        let total = *self.cumulative.last().expect("names");
        let x = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * total;
        let i = self.cumulative.partition_point(|&c| c < x);
        self.names[i.min(self.names.len() - 1)]
    }
}

const MALE: &[&str] = &[
    "Yohanes",
    "Yakobus",
    "Petrus",
    "Paulus",
    "Agustinus",
    "Fransiskus",
    "Dominggus",
    "Marthen",
    "Yosef",
    "Markus",
    "Daniel",
    "Yulius",
    "Lukas",
    "Matius",
    "Andreas",
    "Stefanus",
    "Samuel",
    "Melkianus",
    "Kornelis",
    "Aloysius",
    "Bernadus",
    "Yunus",
    "Simon",
    "Hendrik",
    "Imanuel",
    "Frederik",
    "Benyamin",
    "Elias",
    "Abraham",
    "Isak",
    "Yeremias",
    "Zakarias",
    "Gabriel",
    "Sebastianus",
    "Wilhelmus",
    "Ferdinandus",
    "Antonius",
    "Gregorius",
    "Oktavianus",
    "Yosua",
    "Arnoldus",
    "Umbu",
    "Ahmad",
    "Muhammad",
    "Abdul",
    "Ismail",
    "Sukarno",
    "Joko",
    "Rudi",
    "Agus",
];

const FEMALE: &[&str] = &[
    "Maria",
    "Yohana",
    "Yosefina",
    "Theresia",
    "Elisabeth",
    "Kristina",
    "Agnes",
    "Anastasia",
    "Veronika",
    "Margaretha",
    "Magdalena",
    "Susana",
    "Yuliana",
    "Martha",
    "Ruth",
    "Ester",
    "Debora",
    "Naomi",
    "Sara",
    "Rahel",
    "Lidia",
    "Dorkas",
    "Priskila",
    "Selfina",
    "Adriana",
    "Florida",
    "Yustina",
    "Bernadeta",
    "Regina",
    "Imelda",
    "Fransiska",
    "Katarina",
    "Sisilia",
    "Melania",
    "Novita",
    "Siti",
    "Aminah",
    "Fatimah",
    "Rambu",
    "Yanti",
    "Susanti",
    "Dewi",
    "Oktaviana",
];

const FAMILY: &[&str] = &[
    "Fanggidae",
    "Ndun",
    "Benu",
    "Tefa",
    "Nenobais",
    "Manafe",
    "Bana",
    "Lakapu",
    "Tanof",
    "Ratu",
    "Dethan",
    "Mesah",
    "Nalle",
    "Pello",
    "Laiskodat",
    "Tallo",
    "Messakh",
    "Adoe",
    "Riwu",
    "Kore",
    "Malelak",
    "Ndolu",
    "Toda",
    "Amalo",
    "Dami",
    "Haning",
    "Huan",
    "Foeh",
    "Koroh",
    "Pandie",
    "Rohi",
    "Saudale",
    "Sinlae",
    "Taneo",
    "Lado",
    "Bessie",
    "Bire",
    "Bulu",
    "Hege",
    "Kaleka",
    "Lenggu",
    "Liu",
    "Mooy",
    "Nubatonis",
    "Oematan",
    "Radja",
    "Sabaat",
    "Selan",
    "Tamelan",
    "Tiwu",
    "Wila",
    "Boimau",
    "Tualaka",
    "Neolaka",
    "Taek",
    "Seran",
    "Klau",
    "Bria",
    "Nahak",
    "Leto",
    "Lamawuran",
    "Kelen",
    "Sogen",
    "Lerik",
    "Kapitan",
    "Sau",
    "Ludji",
    "Djami",
    "Tlonaen",
    "Bani",
];

/// Old or alternative spellings a kader may have written instead (about one name in eight).
const OLD_SPELLING: &[(&str, &str)] = &[
    ("Yohanes", "Johanes"),
    ("Yakobus", "Jakobus"),
    ("Yosef", "Josef"),
    ("Yulius", "Julius"),
    ("Markus", "Marcus"),
    ("Stefanus", "Stephanus"),
    ("Fransiskus", "Fransiscus"),
    ("Sukarno", "Soekarno"),
    ("Joko", "Djoko"),
    ("Kristina", "Christina"),
    ("Yuliana", "Juliana"),
    ("Yosefina", "Josephina"),
    ("Susanti", "Soesanti"),
    ("Yohana", "Johana"),
    ("Frederik", "Frederick"),
];

const STREETS: &[&str] = &[
    "Jl. Timor Raya",
    "Jl. Adi Sucipto",
    "Jl. Bajawa",
    "Jl. Oesapa Barat",
    "Jl. Suratim",
    "Jl. Kelapa Lima",
    "Jl. Pasir Panjang",
    "Jl. Perintis Kemerdekaan",
];

fn spelled(rng: &mut Rng, name: &'static str) -> &'static str {
    match OLD_SPELLING.iter().find(|(new, _)| *new == name) {
        Some((_, old)) if rng.chance(0.125) => old,
        _ => name,
    }
}

// ---------------------------------------------------------------------------------------------
// The area tree

/// What [`seed_world`] made.
pub struct World {
    pub admin: UserId,
    pub kader: UserId,
    pub villages: Vec<AreaId>,
    pub rts: Vec<AreaId>,
    pub posyandu: Vec<PosyanduId>,
}

impl World {
    pub fn ctx(&self) -> WriteCtx {
        WriteCtx {
            user: self.kader,
            now: now(),
            today: TODAY,
        }
    }
}

/// Kota Kupang > Kelapa Lima > 5 kelurahan > 10 RW > 5 RT, one Posyandu per kelurahan, a kader.
pub fn seed_world(store: &Store) -> World {
    let mut rng = Rng::new(0xA4EA);
    let admin = UserId::from_random_bytes([1; 16]);
    let kader = UserId::from_random_bytes([2; 16]);
    let ctx = WriteCtx {
        user: admin,
        now: now(),
        today: TODAY,
    };
    let villages_named = [
        ("1001", "Oesapa"),
        ("1002", "Oesapa Barat"),
        ("1003", "Oesapa Selatan"),
        ("1004", "Lasiana"),
        ("1005", "Kelapa Lima"),
    ];
    store
        .write(&ctx, |w| {
            let mut area = |parent: Option<AreaId>, level, code: String, name: String| {
                let a = Area {
                    id: AreaId::from_random_bytes(rng.id16()),
                    parent,
                    level,
                    code,
                    name,
                };
                areas::insert_area(w, &a).map(|a| a.id)
            };
            let city = area(None, AreaLevel::City, "53.71".into(), "Kota Kupang".into())?;
            let district = area(
                Some(city),
                AreaLevel::District,
                "53.71.03".into(),
                "Kelapa Lima".into(),
            )?;
            let mut villages = Vec::new();
            let mut rts = Vec::new();
            let mut served = Vec::new();
            for (code, name) in villages_named {
                let v = area(
                    Some(district),
                    AreaLevel::Village,
                    format!("53.71.03.{code}"),
                    name.into(),
                )?;
                let mut village_rts = Vec::new();
                for rw in 1..=10 {
                    let rw_id = area(
                        Some(v),
                        AreaLevel::Rw,
                        format!("{rw:03}"),
                        format!("RW {rw:03}"),
                    )?;
                    for rt in 1..=5 {
                        village_rts.push(area(
                            Some(rw_id),
                            AreaLevel::Rt,
                            format!("{rt:03}"),
                            format!("RT {rt:03}"),
                        )?);
                    }
                }
                villages.push(v);
                rts.extend(village_rts.iter().copied());
                served.push((v, name, village_rts));
            }
            let mut posyandu = Vec::new();
            for (i, (v, name, village_rts)) in served.into_iter().enumerate() {
                let id = PosyanduId::from_random_bytes([
                    0x50, i as u8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                ]);
                areas::insert_posyandu(
                    w,
                    &Posyandu {
                        id,
                        village: v,
                        name: format!("Posyandu Mawar {name}"),
                        rts: village_rts,
                    },
                )?;
                posyandu.push(id);
            }
            users::insert_user(
                w,
                &User {
                    id: kader,
                    username: "kader.oesapa.a".into(),
                    display_name: "Maria Benu".into(),
                    role: Role::Kader,
                    areas: rts[..5].to_vec(),
                    active: true,
                },
            )?;
            Ok(World {
                admin,
                kader,
                villages,
                rts,
                posyandu,
            })
        })
        .expect("seed world")
}

// ---------------------------------------------------------------------------------------------
// Households

/// One household as a kader would enter it, with the member indices of its under-fives.
pub struct GenHousehold {
    pub input: HouseholdInput,
    pub members: Vec<PersonInput>,
    pub under_fives: Vec<usize>,
}

impl GenHousehold {
    pub fn with_rt(&self, rt: AreaId) -> HouseholdInput {
        HouseholdInput {
            rt,
            ..self.input.clone()
        }
    }
}

/// Generates households deterministically. NIKs and KK numbers are unique across everything one
/// generator makes.
pub struct Generator {
    rng: Rng,
    male: Names,
    female: Names,
    family: Names,
    niks: HashSet<String>,
    households: u64,
    pub people: usize,
    /// Some NIKs handed out, for the NIK search.
    pub sample_niks: Vec<String>,
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Rng::new(seed),
            male: Names::new(MALE),
            female: Names::new(FEMALE),
            family: Names::new(FAMILY),
            niks: HashSet::new(),
            households: 0,
            people: 0,
            sample_niks: Vec::new(),
        }
    }

    fn given(&mut self, sex: Sex) -> &'static str {
        let n = match sex {
            Sex::Female => self.female.pick(&mut self.rng),
            Sex::Male => self.male.pick(&mut self.rng),
        };
        spelled(&mut self.rng, n)
    }

    fn nik(&mut self, sex: Sex, birth: Date) -> String {
        let day = birth.day() + if sex == Sex::Female { 40 } else { 0 };
        let kec = 1 + self.rng.below(6);
        let prefix = format!(
            "53710{kec}{day:02}{:02}{:02}",
            u8::from(birth.month()),
            birth.year() % 100
        );
        let mut serial = 1 + self.rng.below(9999);
        loop {
            let nik = format!("{prefix}{serial:04}");
            if self.niks.insert(nik.clone()) {
                return nik;
            }
            serial = serial % 9999 + 1;
        }
    }

    fn birth(&mut self, age_years: u32) -> Date {
        TODAY - Duration::days(i64::from(age_years) * 365 + self.rng.below(365) as i64)
    }

    fn person(
        &mut self,
        name: String,
        sex: Sex,
        birth: Date,
        relation: Relation,
        mother: Option<usize>,
    ) -> PersonInput {
        self.people += 1;
        let age_days = (TODAY - birth).whole_days();
        let p_nik = match age_days {
            d if d < 365 => 0.4,
            d if d < 17 * 365 => 0.75,
            _ => 0.92,
        };
        // An elderly person without papers: an age is stated, the birth date is estimated.
        if age_days > 60 * 365 && self.rng.chance(0.3) {
            return PersonInput {
                name: Some(name),
                sex: Some(sex),
                age_years: Some((age_days / 365) as u32),
                relation: Some(relation),
                ..Default::default()
            };
        }
        let nik = self.rng.chance(p_nik).then(|| self.nik(sex, birth));
        if let Some(n) = &nik
            && self.people.is_multiple_of(97)
        {
            self.sample_niks.push(n.clone());
        }
        let phone = (relation == Relation::Head && self.rng.chance(0.6)).then(|| {
            format!(
                "0812-{:04}-{:04}",
                self.rng.below(10_000),
                self.rng.below(10_000)
            )
        });
        PersonInput {
            name: Some(name),
            sex: Some(sex),
            birth_date: Some(birth),
            nik,
            phone,
            relation: Some(relation),
            mother: mother.map(MotherRef::Member),
            ..Default::default()
        }
    }

    /// One household of 3-5 members in `rt`.
    pub fn household(&mut self, rt: AreaId) -> GenHousehold {
        self.households += 1;
        let n = 3 + self.rng.below(3) as usize;
        let family = self.family.pick(&mut self.rng);
        let mut members = Vec::with_capacity(n);
        let mut under_fives = Vec::new();
        let head_age = 22 + self.rng.below(45) as u32;
        // About one household in twelve is headed by a woman on her own.
        let single_mother = self.rng.chance(0.08);
        let mother_age = if single_mother {
            let g = self.given(Sex::Female);
            let b = self.birth(head_age);
            members.push(self.person(
                format!("{g} {family}"),
                Sex::Female,
                b,
                Relation::Head,
                None,
            ));
            head_age
        } else {
            let g = self.given(Sex::Male);
            let b = self.birth(head_age);
            members.push(self.person(format!("{g} {family}"), Sex::Male, b, Relation::Head, None));
            let wife_age = (head_age - self.rng.below(8) as u32).max(20);
            let wife_family = self.family.pick(&mut self.rng);
            let g = self.given(Sex::Female);
            let b = self.birth(wife_age);
            members.push(self.person(
                format!("{g} {wife_family}"),
                Sex::Female,
                b,
                Relation::Spouse,
                None,
            ));
            wife_age
        };
        let mother = members.len() - 1;
        // Mothers are at least 18 years older than their children here (the store needs 10).
        let max_child_age = (mother_age - 19).min(30);
        let mut first_child = true;
        while members.len() < n {
            if members.len() == n - 1 && head_age < 50 && self.rng.chance(0.12) {
                let sex = if self.rng.chance(0.6) {
                    Sex::Female
                } else {
                    Sex::Male
                };
                let g = self.given(sex);
                let other = self.family.pick(&mut self.rng);
                let age = head_age + 22 + self.rng.below(10) as u32;
                let b = self.birth(age);
                members.push(self.person(format!("{g} {other}"), sex, b, Relation::Parent, None));
                continue;
            }
            let sex = if self.rng.chance(0.5) {
                Sex::Female
            } else {
                Sex::Male
            };
            // Under-fives (about 8% of people, as in Indonesia's population): the youngest
            // child of some younger mothers; other children are 5 or older.
            let young_mother = mother_age < 42;
            let p_under_five = if first_child { 0.45 } else { 0.08 };
            let birth = if young_mother && self.rng.chance(p_under_five) {
                under_fives.push(members.len());
                TODAY - Duration::days(14 + self.rng.below(5 * 365 - 20) as i64)
            } else {
                let age = 5 + self.rng.below(u64::from(max_child_age.max(5) - 4)) as u32;
                self.birth(age)
            };
            first_child = false;
            let g = self.given(sex);
            members.push(self.person(
                format!("{g} {family}"),
                sex,
                birth,
                Relation::Child,
                Some(mother),
            ));
        }
        let h = self.households;
        let kk_number = self.rng.chance(0.85).then(|| {
            format!(
                "537103{:02}{:02}{:02}{:04}",
                1 + (h / 9000) % 28,
                1 + (h / (9000 * 28)) % 12,
                10 + (h / (9000 * 28 * 12)) % 15,
                1 + h % 9000
            )
        });
        let street = STREETS[self.rng.below(STREETS.len() as u64) as usize];
        let input = HouseholdInput {
            rt,
            kk_number,
            address: Some(format!("{street} No. {}", 1 + self.rng.below(120))),
            gps: self.rng.chance(0.7).then(|| {
                (
                    -10.15 + self.rng.below(4000) as f64 / 100_000.0,
                    123.62 + self.rng.below(6000) as f64 / 100_000.0,
                )
            }),
            jkn: match self.rng.below(10) {
                0..=4 => JknStatus::Pbi,
                5..=6 => JknStatus::NonPbi,
                7 => JknStatus::Partial,
                8 => JknStatus::NotEnrolled,
                _ => JknStatus::Unknown,
            },
            clean_water: Some(self.rng.chance(0.8)),
            healthy_latrine: Some(self.rng.chance(0.65)),
            notes: None,
        };
        GenHousehold {
            input,
            members,
            under_fives,
        }
    }

    /// `n` households spread evenly over `rts` (contiguous runs per RT).
    pub fn households(&mut self, n: usize, rts: &[AreaId]) -> Vec<GenHousehold> {
        (0..n)
            .map(|i| self.household(rts[i * rts.len() / n]))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Visits

/// A plausible weight (kg) and length/height (cm) for a child of `age_days`.
pub fn child_size(age_days: i64) -> (f64, f64) {
    let first = age_days.min(365) as f64;
    let later = (age_days - 365).max(0) as f64;
    let w = 3.2 + 0.02 * first + 0.006 * later;
    let h = 50.0 + 0.07 * first + 0.025 * later;
    ((w * 10.0).round() / 10.0, (h * 10.0).round() / 10.0)
}

/// A Posyandu visit of a child with a measurement, one immunization and one service: what a kader
/// records at the weighing table for most children.
pub fn posyandu_visit(
    child: PersonId,
    birth: Date,
    at: Timestamp,
    posyandu: PosyanduId,
    i: usize,
) -> VisitInput {
    let age = (at.date_at(ilp_model::timestamp::wita()) - birth).whole_days();
    let (w, h) = child_size(age);
    VisitInput {
        person: child,
        occurred_at: at,
        kind: VisitKind::Posyandu,
        posyandu: Some(posyandu),
        place: None,
        pregnancy: None,
        measurement: Some(Measurement {
            weight_kg: Some(w),
            length_or_height_cm: Some(h),
            ..Default::default()
        }),
        immunizations: vec![ImmunizationInput {
            antigen: Antigen::Opv,
            dose: 1 + (i % 4) as u8,
            given_on: None,
            batch: Some(format!("OPV-26{:02}", i % 100)),
            recorded_from_history: false,
        }],
        services: vec![Service {
            kind: if age < 365 {
                ServiceKind::VitaminABlue
            } else {
                ServiceKind::VitaminARed
            },
            quantity: Some(1),
        }],
        danger_signs: Vec::new(),
        danger_note: None,
        referral: None,
        health_status: None,
        note: None,
    }
}

// ---------------------------------------------------------------------------------------------
// A loaded database

/// An under-five with their birth date.
#[derive(Clone, Copy)]
pub struct Child {
    pub id: PersonId,
    pub birth: Date,
}

/// A store filled with [`Generator`] households and a visit history for the under-fives.
pub struct Loaded {
    pub store: Store,
    pub world: World,
    pub households: Vec<HouseholdId>,
    pub children: Vec<Child>,
    pub persons: usize,
    pub events: i64,
    pub sample_niks: Vec<String>,
    pub file_bytes: u64,
    _dir: tempfile::TempDir,
}

impl Loaded {
    /// The temp dir holding the database. A `Loaded` kept in a static is never dropped, so the
    /// benchmark removes this itself when it is done.
    pub fn dir(&self) -> &Path {
        self._dir.path()
    }
}

/// Builds a database of about `persons` people (households of 3-5) in a new temp dir, writing
/// `batch` households per transaction (the load is set-up, not the thing measured), with up to
/// three past monthly Posyandu visits per under-five. Closed and reopened at the end, so the
/// benchmarks start from a checkpointed file as an app does after a restart.
pub fn load(key: Option<DbKey>, persons: usize, seed: u64) -> Loaded {
    let dir = tempfile::Builder::new()
        .prefix("ilp-bench-")
        .tempdir_in(
            std::env::var_os("ILP_BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into()),
        )
        .expect("temp dir");
    let path = dir.path().join("ilp.db");
    let store = open(&path, key, seed);
    let world = seed_world(&store);
    let mut generator = Generator::new(seed);
    let mut gens = Vec::new();
    while generator.people < persons {
        let rt = world.rts[gens.len() % world.rts.len()];
        gens.push(generator.household(rt));
    }
    let ctx = world.ctx();
    let mut households = Vec::with_capacity(gens.len());
    let mut children = Vec::new();
    for chunk in gens.chunks(250) {
        store
            .write(&ctx, |w| {
                for g in chunk {
                    let r = households::register(w, &g.input, &g.members)?;
                    households.push(r.household);
                    for &i in &g.under_fives {
                        children.push(Child {
                            id: r.members[i],
                            birth: g.members[i]
                                .birth_date
                                .expect("under-fives have a birth date"),
                        });
                    }
                }
                Ok(())
            })
            .expect("register households");
    }
    let n = now();
    for (c, chunk) in children.chunks(500).enumerate() {
        store
            .write(&ctx, |w| {
                for (j, child) in chunk.iter().enumerate() {
                    for month in 1..=3i64 {
                        let at = Timestamp::from_millis(n.millis() - month * 30 * DAY_MS);
                        if at.date_at(ilp_model::timestamp::wita()) <= child.birth {
                            break;
                        }
                        let p = world.posyandu[(c + j) % world.posyandu.len()];
                        events::record_visit(
                            w,
                            &posyandu_visit(child.id, child.birth, at, p, month as usize),
                        )?;
                    }
                }
                Ok(())
            })
            .expect("record past visits");
    }
    store.close().expect("close");
    store.reopen(now()).expect("reopen");
    let (persons, events) = store
        .read(|c| {
            Ok((
                c.query_row("SELECT count(*) FROM person", [], |r| r.get::<_, i64>(0))?,
                c.query_row("SELECT count(*) FROM event", [], |r| r.get::<_, i64>(0))?,
            ))
        })
        .expect("count");
    let file_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    Loaded {
        store,
        world,
        households,
        children,
        persons: persons as usize,
        events,
        sample_niks: generator.sample_niks,
        file_bytes,
        _dir: dir,
    }
}

/// The disk's fsync latency where the benchmarks write: median and 90th percentile of 100
/// rewrites of a 4 KB block, each followed by `fsync`. Durable commits cost at least one of these,
/// so it is printed beside the write benchmarks: another process busy on the same disk moves them.
pub fn fsync_probe() -> (std::time::Duration, std::time::Duration) {
    use std::io::{Seek, SeekFrom, Write};
    let dir = tempfile::Builder::new()
        .prefix("ilp-bench-fsync-")
        .tempdir_in(
            std::env::var_os("ILP_BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into()),
        )
        .expect("temp dir");
    let mut f = std::fs::File::create(dir.path().join("probe")).expect("probe file");
    let block = [0x5Au8; 4096];
    let mut times: Vec<std::time::Duration> = (0..100u64)
        .map(|i| {
            f.seek(SeekFrom::Start((i % 16) * 4096)).expect("seek");
            f.write_all(&block).expect("write");
            let t = std::time::Instant::now();
            f.sync_all().expect("fsync");
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[50], times[90])
}
