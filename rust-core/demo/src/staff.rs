//! The people who use the app in the demo: an admin, the Puskesmas Oesapa supervisor for the
//! kelurahan, two bidan, and two kaders per Posyandu; each with one device.

use crate::draw::{DemoRng, chance, new_id};
use crate::kupang::RwPlan;
use crate::names::{Faith, family_name, full_name, given_name};
use ilp_model::{AreaId, DeviceId, Role, Sex, User, UserId};

/// Who records an event: the user and the device the user writes on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Recorder {
    pub user: UserId,
    pub device: DeviceId,
}

pub(crate) struct Staff {
    pub users: Vec<User>,
    /// `devices[i]` is `users[i]`'s phone.
    pub devices: Vec<DeviceId>,
    pub bidans: [Recorder; 2],
    /// The two kaders of each RW's Posyandu, in RW order.
    pub kaders: Vec<[Recorder; 2]>,
}

impl Staff {
    /// The bidan who covers an RW: the two split the RW between them.
    pub fn bidan_for(&self, rw: usize) -> Recorder {
        self.bidans[rw % 2]
    }
}

fn person_name(rng: &mut DemoRng, sex: Sex) -> String {
    let faith = if chance(rng, 0.1) {
        Faith::Muslim
    } else {
        Faith::Christian
    };
    let given = given_name(rng, sex, faith, 1985);
    full_name(&given, Some(family_name(rng, faith)))
}

pub(crate) fn build(rng: &mut DemoRng, city: AreaId, village: AreaId, rws: &[RwPlan]) -> Staff {
    let mut users = Vec::new();
    let mut user = |rng: &mut DemoRng, username: String, display_name: String, role, areas| {
        let u = User {
            id: new_id!(rng, UserId),
            username,
            display_name,
            role,
            areas,
            active: true,
        };
        let id = u.id;
        users.push(u);
        id
    };
    user(
        rng,
        "admin".into(),
        "Admin Dinkes Kota Kupang".into(),
        Role::Admin,
        vec![city],
    );
    let name = person_name(rng, Sex::Female);
    user(
        rng,
        "supervisor.oesapa".into(),
        format!("{name}, SKM (Puskesmas Oesapa)"),
        Role::Supervisor,
        vec![village],
    );
    let mut bidans = Vec::new();
    for n in 1..=2 {
        let name = person_name(rng, Sex::Female);
        bidans.push(user(
            rng,
            format!("bidan.oesapa.{n}"),
            format!("Bd. {name}, S.Tr.Keb"),
            Role::Bidan,
            vec![village],
        ));
    }
    let mut kader_ids = Vec::new();
    for rw in rws {
        let rts: Vec<AreaId> = rw.rts.iter().map(|r| r.area).collect();
        let mut pair = Vec::new();
        for letter in ['a', 'b'] {
            // Most kaders are mothers of the RW; now and then a man takes the role.
            let sex = if chance(rng, 0.12) {
                Sex::Male
            } else {
                Sex::Female
            };
            let name = person_name(rng, sex);
            pair.push(user(
                rng,
                format!("kader.rw{:03}.{letter}", rw.number),
                name,
                Role::Kader,
                rts.clone(),
            ));
        }
        kader_ids.push([pair[0], pair[1]]);
    }
    let devices: Vec<DeviceId> = users.iter().map(|_| new_id!(rng, DeviceId)).collect();
    let recorder = |id: UserId| Recorder {
        user: id,
        device: devices[users.iter().position(|u| u.id == id).expect("just made")],
    };
    let bidans = [recorder(bidans[0]), recorder(bidans[1])];
    let kaders = kader_ids
        .iter()
        .map(|[a, b]| [recorder(*a), recorder(*b)])
        .collect();
    Staff {
        users,
        devices,
        bidans,
        kaders,
    }
}
