//! Identity numbers: NIK and KK numbers correctly encoded for the person or household and unique
//! across the demo, and Indonesian mobile numbers.

use crate::draw::{DemoRng, between, chance, pick};
use crate::kupang::{KELAPA_LIMA_REGION, NTT_ORIGINS};
use ilp_model::{KkNumber, Nik, Sex};
use std::collections::HashSet;
use time::Date;

/// Remembers every number handed out, so NIK and KK numbers stay unique.
#[derive(Default)]
pub(crate) struct Registry {
    niks: HashSet<String>,
    kks: HashSet<String>,
}

/// A serial not yet used for this prefix: small numbers first, as Dukcapil's are.
fn free_serial(rng: &mut DemoRng, prefix: &str, used: &mut HashSet<String>) -> String {
    for attempt in 0.. {
        let max = if attempt < 20 { 60 } else { 9999 };
        let candidate = format!("{prefix}{:04}", between(rng, 1, max));
        if used.insert(candidate.clone()) {
            return candidate;
        }
    }
    unreachable!("the loop returns once a free serial is found")
}

impl Registry {
    /// A NIK issued in `region` (`PPKKCC`) for someone born on `birth`. `contradict_sex` writes the
    /// other sex into the day field, as Dukcapil data sometimes has, for demos of the warning.
    pub fn nik(
        &mut self,
        rng: &mut DemoRng,
        region: &str,
        sex: Sex,
        birth: Date,
        contradict_sex: bool,
    ) -> Nik {
        let female = (sex == Sex::Female) != contradict_sex;
        let day = birth.day() + if female { 40 } else { 0 };
        let prefix = format!(
            "{region}{day:02}{:02}{:02}",
            u8::from(birth.month()),
            birth.year().rem_euclid(100)
        );
        let raw = free_serial(rng, &prefix, &mut self.niks);
        Nik::parse("nik", &raw).expect("generated NIK is well-formed")
    }

    /// A KK number of Kelapa Lima issued on `issued`.
    pub fn kk(&mut self, rng: &mut DemoRng, issued: Date) -> KkNumber {
        let prefix = format!(
            "{KELAPA_LIMA_REGION}{:02}{:02}{:02}",
            issued.day(),
            u8::from(issued.month()),
            issued.year().rem_euclid(100)
        );
        let raw = free_serial(rng, &prefix, &mut self.kks);
        KkNumber::parse("kk_number", &raw).expect("generated KK number is well-formed")
    }
}

/// Where a NIK was issued: mostly Kelapa Lima, some elsewhere in Kota Kupang, some in the
/// kabupaten of NTT people came from. `local` is the share issued in Kelapa Lima.
pub(crate) fn nik_region(rng: &mut DemoRng, local: f64) -> String {
    if chance(rng, local) {
        return KELAPA_LIMA_REGION.to_string();
    }
    if chance(rng, 0.35) {
        return format!("5371{:02}", between(rng, 1, 6));
    }
    let (kab, kecamatan) = *pick(rng, &NTT_ORIGINS);
    format!("{kab}{:02}", between(rng, 1, i64::from(kecamatan.min(12))))
}

/// A mobile number in the stored `+62…` form (Telkomsel's 0812/0813/0821/0852/0853 dominate NTT).
pub(crate) fn mobile_number(rng: &mut DemoRng) -> String {
    let prefix = *pick(
        rng,
        &[
            "812", "812", "813", "813", "821", "822", "852", "852", "853",
        ],
    );
    let digits = if chance(rng, 0.7) { 8 } else { 9 };
    let mut s = format!("+62{prefix}");
    for _ in 0..digits {
        s.push(char::from(b'0' + between(rng, 0, 9) as u8));
    }
    s
}
