//! Deterministic demo data for tests, benchmarks, the CLI and the apps' demo mode: Kelurahan
//! Oesapa (Kecamatan Kelapa Lima, Kota Kupang, NTT) with its RW and RT, Posyandu, users, households,
//! people, pregnancies and a year of events: Posyandu weighings (with head and arm circumference),
//! immunizations and vitamin A, ANC and postnatal visits, MBG packages, school (BIAS) doses, adult
//! screening, follow-ups of known hypertension, diabetes, TB and severe mental illness, the
//! family visit's health-status answers (smoking, family planning, breastfeeding), and danger
//! signs with referrals, some still to be followed up.
//!
//! Time and randomness are inputs: [`generate`] reads no clock and no OS randomness, so the same
//! [`DemoConfig`] always gives byte-identical data, and every id comes from the seeded generator.
//!
//! ```
//! let data = ilp_demo::generate(&ilp_demo::DemoConfig {
//!     seed: 7,
//!     households: 20,
//!     today: time::macros::date!(2026 - 03 - 15),
//! });
//! assert_eq!(data.households.len(), 20);
//! assert!(data.persons.iter().all(|p| p.birth.is_some()));
//! ```

mod calendar;
mod draw;
pub mod growth;
mod health;
mod histories;
mod identity;
pub mod kupang;
pub mod load;
mod names;
mod population;
mod pregnancies;
mod staff;

pub use calendar::posyandu_date;

use ilp_model::{
    Area, AreaId, DeviceId, Event, Household, Person, Posyandu, PosyanduId, Pregnancy, Role, User,
    UserId,
};
use serde::Serialize;
use time::Date;

/// What to generate: the seed fixes every random choice, `today` every date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoConfig {
    pub seed: u64,
    /// Households in Kelurahan Oesapa (about 58 per RT, 5 RT per RW).
    pub households: usize,
    /// The last day of the histories; no birth, visit or delivery is after it.
    pub today: Date,
}

impl DemoConfig {
    pub fn new(seed: u64, households: usize, today: Date) -> Self {
        Self {
            seed,
            households,
            today,
        }
    }
}

/// One RW of the demo kelurahan with its Posyandu and staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RwLayout {
    pub rw: AreaId,
    /// The RW's RT, in number order.
    pub rts: Vec<AreaId>,
    pub posyandu: PosyanduId,
    /// The day of the month the Posyandu meets (the Monday after when it is a Sunday; see
    /// [`posyandu_date`]).
    pub posyandu_day: u8,
    /// The Posyandu's two kaders.
    pub kaders: Vec<UserId>,
    /// The bidan who covers the RW.
    pub bidan: UserId,
}

/// Where things are in the generated tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DemoLayout {
    pub city: AreaId,
    /// Kelurahan Oesapa (53.71.03.1010).
    pub village: AreaId,
    pub rws: Vec<RwLayout>,
}

/// The generated records, in an order a store can insert them in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DemoData {
    /// Province, city, kecamatan, kelurahan, then each RW followed by its RT: parents first.
    pub areas: Vec<Area>,
    /// One per RW.
    pub posyandu: Vec<Posyandu>,
    /// Admin, supervisor, two bidan, then two kaders per RW.
    pub users: Vec<User>,
    pub households: Vec<Household>,
    /// Grouped by household (mothers before their children); unidentified people last.
    pub persons: Vec<Person>,
    pub pregnancies: Vec<Pregnancy>,
    /// Visits first (by time), then the parts linked to them by `visit` (by time).
    pub events: Vec<Event>,
    /// `devices[i]` is the phone of `users[i]`.
    pub devices: Vec<DeviceId>,
    pub layout: DemoLayout,
}

impl DemoData {
    /// Kelurahan Oesapa.
    pub fn village(&self) -> AreaId {
        self.layout.village
    }

    /// Every RT of the kelurahan, RW by RW.
    pub fn rt_ids(&self) -> Vec<AreaId> {
        self.layout
            .rws
            .iter()
            .flat_map(|rw| rw.rts.iter().copied())
            .collect()
    }

    /// Every RW of the kelurahan.
    pub fn rw_ids(&self) -> Vec<AreaId> {
        self.layout.rws.iter().map(|rw| rw.rw).collect()
    }

    pub fn users_by_role(&self, role: Role) -> Vec<&User> {
        self.users.iter().filter(|u| u.role == role).collect()
    }

    pub fn user(&self, username: &str) -> Option<&User> {
        self.users.iter().find(|u| u.username == username)
    }

    /// The device a user records on.
    pub fn device_of(&self, user: UserId) -> Option<DeviceId> {
        let i = self.users.iter().position(|u| u.id == user)?;
        self.devices.get(i).copied()
    }

    pub fn area(&self, id: AreaId) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    /// All records, for progress bars and summaries.
    pub fn record_count(&self) -> usize {
        self.areas.len()
            + self.posyandu.len()
            + self.users.len()
            + self.households.len()
            + self.persons.len()
            + self.pregnancies.len()
            + self.events.len()
    }
}

/// Generates the demo kelurahan. Pure: the same config gives the same data, byte for byte.
pub fn generate(config: &DemoConfig) -> DemoData {
    let mut rng = draw::seeded(config.seed);
    let today = config.today;
    let territory = kupang::build(&mut rng, config.households);
    let staff = staff::build(&mut rng, territory.city, territory.village, &territory.rws);
    let mut registry = identity::Registry::default();
    let pop = population::build(
        &mut rng,
        &mut registry,
        &territory.rws,
        today,
        config.households >= 100,
    );
    let plans = pregnancies::build(&mut rng, &pop, today);
    let health = health::build(&mut rng, &pop, &plans, today);
    let events = histories::build(
        &mut rng,
        today,
        &territory.rws,
        &staff,
        &pop,
        &plans,
        &health,
    );

    let layout = DemoLayout {
        city: territory.city,
        village: territory.village,
        rws: territory
            .rws
            .iter()
            .enumerate()
            .map(|(i, rw)| RwLayout {
                rw: rw.area,
                rts: rw.rts.iter().map(|r| r.area).collect(),
                posyandu: rw.posyandu,
                posyandu_day: rw.posyandu_day,
                kaders: staff.kaders[i].iter().map(|k| k.user).collect(),
                bidan: staff.bidan_for(i).user,
            })
            .collect(),
    };
    let population::Population {
        households,
        members,
        unidentified,
        ..
    } = pop;
    let mut persons: Vec<Person> = members.into_iter().flatten().collect();
    persons.extend(unidentified);
    DemoData {
        areas: territory.areas,
        posyandu: territory.posyandu,
        users: staff.users,
        households,
        persons,
        pregnancies: plans.into_iter().map(|p| p.pregnancy).collect(),
        events,
        devices: staff.devices,
        layout,
    }
}
