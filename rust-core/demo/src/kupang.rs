//! Kota Kupang as the demo knows it: the Kemendagri area tree down to Kelurahan Oesapa
//! (DOMAIN.md section 5), the RW/RT layout scaled to the requested number of households, the
//! Posyandu of each RW, street names, GPS bounds, and the places people are referred to.

use crate::draw::{DemoRng, between, new_id, normal, pick, uniform};
use ilp_model::{Area, AreaId, AreaLevel, Posyandu, PosyanduId};

pub const PROVINCE: (&str, &str) = ("53", "Nusa Tenggara Timur");
pub const CITY: (&str, &str) = ("53.71", "Kota Kupang");

/// The six kecamatan of Kota Kupang (Kepmendagri 300.2.2-2138/2025).
pub const KECAMATAN: [(&str, &str); 6] = [
    ("53.71.01", "Alak"),
    ("53.71.02", "Maulafa"),
    ("53.71.03", "Kelapa Lima"),
    ("53.71.04", "Oebobo"),
    ("53.71.05", "Kota Raja"),
    ("53.71.06", "Kota Lama"),
];

/// The five kelurahan of Kecamatan Kelapa Lima.
pub const KELAPA_LIMA_KELURAHAN: [(&str, &str); 5] = [
    ("53.71.03.1001", "Kelapa Lima"),
    ("53.71.03.1010", "Oesapa"),
    ("53.71.03.1011", "Lasiana"),
    ("53.71.03.1014", "Oesapa Barat"),
    ("53.71.03.1015", "Oesapa Selatan"),
];

/// The demo kelurahan: Oesapa, served by Puskesmas Oesapa.
pub const DEMO_VILLAGE_CODE: &str = "53.71.03.1010";
/// NIK and KK region of Kecamatan Kelapa Lima (`PPKKCC`).
pub const KELAPA_LIMA_REGION: &str = "537103";

pub const PUSKESMAS: &str = "Puskesmas Oesapa";
pub const REFERRAL_HOSPITAL: &str = "RSUD S.K. Lerik";
pub const PICKUP_SERVICE: &str = "Brigade Kupang Sehat";

/// Households per RT the layout aims at (Oesapa's RT hold roughly 40 to 70 KK).
const HOUSEHOLDS_PER_RT: usize = 58;
/// RT per RW the layout aims at (4 to 7 in practice).
const RT_PER_RW: usize = 5;

/// Posyandu in Kupang are mostly named after flowers; past this list they are numbered.
const POSYANDU_NAMES: [&str; 20] = [
    "Mawar",
    "Melati",
    "Anggrek",
    "Kenanga",
    "Flamboyan",
    "Cempaka",
    "Teratai",
    "Dahlia",
    "Kamboja",
    "Bougenvil",
    "Seroja",
    "Asoka",
    "Nusa Indah",
    "Tunjung",
    "Sakura",
    "Lily",
    "Tulip",
    "Aster",
    "Kasih Ibu",
    "Lontar Sehat",
];

/// Streets of Oesapa and its neighbours as they appear in addresses.
const STREETS: [&str; 30] = [
    "Jl. Timor Raya",
    "Jl. Suratim",
    "Jl. Pasir Putih",
    "Jl. Kelapa Lima",
    "Jl. Oesapa Raya",
    "Jl. Bajawa",
    "Jl. Sukun",
    "Jl. Kenari",
    "Jl. Nangka",
    "Jl. Asam",
    "Jl. Cemara",
    "Jl. Lontar",
    "Jl. Kampung Baru",
    "Jl. Matani Raya",
    "Jl. Hati Mulia",
    "Jl. Bimoku",
    "Jl. Oeleta",
    "Jl. Air Lobang",
    "Jl. Manafe",
    "Jl. Piet A. Tallo",
    "Jl. Frans Seda",
    "Jl. W.J. Lalamentik",
    "Jl. Herman Johannes",
    "Jl. Perintis Kemerdekaan",
    "Jl. R.A. Kartini",
    "Jl. Kancil",
    "Jl. Rusa",
    "Jl. Tanah Merah",
    "Jl. Gereja Pniel",
    "Jl. Pantai Lasiana",
];

const GANGS: [&str; 8] = [
    "Gg. Flamboyan",
    "Gg. Damai",
    "Gg. Sejahtera",
    "Gg. Kasih",
    "Gg. Pelita",
    "Gg. Harapan",
    "Gg. Sion",
    "Gg. Nelayan",
];

const LANDMARKS: [&str; 6] = [
    "belakang gereja",
    "dekat pasar Oesapa",
    "samping kios",
    "depan lapangan",
    "dekat pantai",
    "dekat kantor lurah",
];

/// Centre and half-extent of Oesapa in degrees (lat −10.14 ± 0.01, lon 123.63 ± 0.015).
const CENTER: (f64, f64) = (-10.14, 123.63);
const HALF_EXTENT: (f64, f64) = (0.01, 0.015);

/// One RT of the layout: its area, how many households it gets, where it is and its streets.
pub(crate) struct RtPlan {
    pub area: AreaId,
    pub households: usize,
    pub center: (f64, f64),
    pub streets: Vec<&'static str>,
}

/// One RW: its area, Posyandu and RT.
pub(crate) struct RwPlan {
    pub area: AreaId,
    pub number: usize,
    pub posyandu: PosyanduId,
    /// The fixed day of the month the RW's Posyandu meets.
    pub posyandu_day: u8,
    pub rts: Vec<RtPlan>,
}

pub(crate) struct Territory {
    pub areas: Vec<Area>,
    pub city: AreaId,
    pub village: AreaId,
    pub rws: Vec<RwPlan>,
    pub posyandu: Vec<Posyandu>,
}

fn area(
    rng: &mut DemoRng,
    parent: Option<AreaId>,
    level: AreaLevel,
    code: &str,
    name: &str,
) -> Area {
    Area {
        id: new_id!(rng, AreaId),
        parent,
        level,
        code: code.to_string(),
        name: name.to_string(),
    }
}

/// How many RT each RW holds: about `RT_PER_RW`, each between 4 and 7 when there are enough.
fn rt_counts(rng: &mut DemoRng, rts: usize) -> Vec<usize> {
    let rws = ((rts + RT_PER_RW / 2) / RT_PER_RW).max(rts.div_ceil(7));
    let rws = rws.min(rts / 4).max(1);
    let mut counts = vec![rts / rws; rws];
    for c in counts.iter_mut().take(rts % rws) {
        *c += 1;
    }
    // Shuffle RT between RW within 4..=7 so RW differ in size the way real ones do.
    for _ in 0..rws {
        let from = between(rng, 0, rws as i64 - 1) as usize;
        let to = between(rng, 0, rws as i64 - 1) as usize;
        if from != to && counts[from] > 4 && counts[to] < 7 {
            counts[from] -= 1;
            counts[to] += 1;
        }
    }
    counts
}

/// Splits `total` households over `n` RT with sizes varying ±20% (largest-remainder rounding).
fn split_households(rng: &mut DemoRng, total: usize, n: usize) -> Vec<usize> {
    let weights: Vec<f64> = (0..n).map(|_| uniform(rng, 0.8, 1.2)).collect();
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * total as f64).collect();
    let mut sizes: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut rest = total - sizes.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        let fa = exact[a] - exact[a].floor();
        let fb = exact[b] - exact[b].floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for i in order {
        if rest == 0 {
            break;
        }
        sizes[i] += 1;
        rest -= 1;
    }
    sizes
}

/// The area tree (parents before children), the RW/RT layout and the Posyandu for `households`.
pub(crate) fn build(rng: &mut DemoRng, households: usize) -> Territory {
    let mut areas = Vec::new();
    let province = area(rng, None, AreaLevel::Province, PROVINCE.0, PROVINCE.1);
    let city = area(rng, Some(province.id), AreaLevel::City, CITY.0, CITY.1);
    let city_id = city.id;
    areas.push(province);
    areas.push(city);
    let mut kelapa_lima = None;
    for (code, name) in KECAMATAN {
        let a = area(rng, Some(city_id), AreaLevel::District, code, name);
        if code == "53.71.03" {
            kelapa_lima = Some(a.id);
        }
        areas.push(a);
    }
    let kelapa_lima = kelapa_lima.expect("Kelapa Lima is in the list");
    let mut village = None;
    for (code, name) in KELAPA_LIMA_KELURAHAN {
        let a = area(rng, Some(kelapa_lima), AreaLevel::Village, code, name);
        if code == DEMO_VILLAGE_CODE {
            village = Some(a.id);
        }
        areas.push(a);
    }
    let village = village.expect("Oesapa is in the list");

    let rt_total = ((households + HOUSEHOLDS_PER_RT / 2) / HOUSEHOLDS_PER_RT).max(1);
    let counts = rt_counts(rng, rt_total);
    let mut sizes = split_households(rng, households, rt_total).into_iter();

    let mut rws = Vec::with_capacity(counts.len());
    let mut posyandu = Vec::with_capacity(counts.len());
    for (i, n_rt) in counts.into_iter().enumerate() {
        let number = i + 1;
        let rw = area(
            rng,
            Some(village),
            AreaLevel::Rw,
            &format!("{number:03}"),
            &format!("RW {number:03}"),
        );
        let rw_id = rw.id;
        areas.push(rw);
        // The RW sits somewhere in Oesapa; its RT cluster around it.
        let rw_center = (
            CENTER.0 + uniform(rng, -0.75, 0.75) * HALF_EXTENT.0,
            CENTER.1 + uniform(rng, -0.8, 0.8) * HALF_EXTENT.1,
        );
        let mut rts = Vec::with_capacity(n_rt);
        for j in 0..n_rt {
            let rt_number = j + 1;
            let rt = area(
                rng,
                Some(rw_id),
                AreaLevel::Rt,
                &format!("{rt_number:03}"),
                &format!("RT {rt_number:03}"),
            );
            let center = (
                clamp_lat(rw_center.0 + 0.002 * normal(rng)),
                clamp_lon(rw_center.1 + 0.003 * normal(rng)),
            );
            let mut streets = vec![*pick(rng, &STREETS), *pick(rng, &STREETS)];
            streets.dedup();
            if between(rng, 0, 2) == 0 {
                streets.push(*pick(rng, &GANGS));
            }
            rts.push(RtPlan {
                area: rt.id,
                households: sizes.next().unwrap_or(0),
                center,
                streets,
            });
            areas.push(rt);
        }
        let name = match POSYANDU_NAMES.get(i) {
            Some(flower) => format!("Posyandu {flower}"),
            None => format!("Posyandu Oesapa {number}"),
        };
        let id = new_id!(rng, PosyanduId);
        posyandu.push(Posyandu {
            id,
            village,
            name,
            rts: rts.iter().map(|r| r.area).collect(),
        });
        rws.push(RwPlan {
            area: rw_id,
            number,
            posyandu: id,
            posyandu_day: between(rng, 4, 25) as u8,
            rts,
        });
    }
    Territory {
        areas,
        city: city_id,
        village,
        rws,
        posyandu,
    }
}

fn clamp_lat(lat: f64) -> f64 {
    lat.clamp(CENTER.0 - HALF_EXTENT.0, CENTER.0 + HALF_EXTENT.0)
}

fn clamp_lon(lon: f64) -> f64 {
    lon.clamp(CENTER.1 - HALF_EXTENT.1, CENTER.1 + HALF_EXTENT.1)
}

/// A house's GPS fix: scattered around its RT's centre, inside Oesapa. Six decimals, as phones give.
pub(crate) fn house_position(rng: &mut DemoRng, rt_center: (f64, f64)) -> (f64, f64) {
    let lat = clamp_lat(rt_center.0 + 0.0012 * normal(rng));
    let lon = clamp_lon(rt_center.1 + 0.0015 * normal(rng));
    ((lat * 1e6).round() / 1e6, (lon * 1e6).round() / 1e6)
}

/// A street address on one of the RT's streets ("Jl. Timor Raya No. 12").
pub(crate) fn address(rng: &mut DemoRng, streets: &[&'static str]) -> String {
    let street = *pick(rng, streets);
    let number = between(rng, 1, 120);
    match between(rng, 0, 19) {
        0 => format!("{street}, {}", pick(rng, &LANDMARKS)),
        1 => format!("{street} No. {number}{}", pick(rng, &["A", "B"])),
        2 if !street.starts_with("Gg.") => {
            format!("{street} {} No. {}", pick(rng, &GANGS), between(rng, 1, 30))
        }
        _ => format!("{street} No. {number}"),
    }
}

/// Where a NIK was issued: Kabupaten of NTT that people move to Kupang from (`PPKK`, kecamatan
/// codes that exist there), for the minority whose NIK was not issued in Kelapa Lima.
pub(crate) const NTT_ORIGINS: [(&str, u8); 16] = [
    ("5301", 6),  // Sumba Barat
    ("5302", 22), // Sumba Timur
    ("5303", 24), // Kupang
    ("5304", 32), // Timor Tengah Selatan
    ("5305", 24), // Timor Tengah Utara
    ("5306", 12), // Belu
    ("5307", 17), // Alor
    ("5308", 9),  // Lembata
    ("5309", 19), // Flores Timur
    ("5310", 21), // Sikka
    ("5311", 21), // Ende
    ("5312", 12), // Ngada
    ("5313", 12), // Manggarai
    ("5314", 10), // Rote Ndao
    ("5320", 6),  // Sabu Raijua
    ("5321", 12), // Malaka
];
