//! Person names as they are written in Kupang: a Christian majority with Timorese, Rotenese,
//! Sabunese and Florenese family names, Muslim families, modern names for the young, and the
//! pre-1972 spellings (`oe`, `dj`, `j` for `y`, `tj`) older people still carry on their KTP, so a
//! tolerant name search has variants to find.

use crate::draw::{DemoRng, chance, pick};
use ilp_model::Sex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Faith {
    Christian,
    Muslim,
}

const CHRISTIAN_MALE: &[&str] = &[
    "Yohanes",
    "Fransiskus",
    "Yosef",
    "Petrus",
    "Dominggus",
    "Aprianus",
    "Yakobus",
    "Markus",
    "Paulus",
    "Stefanus",
    "Yulius",
    "Agustinus",
    "Antonius",
    "Benediktus",
    "Kornelis",
    "Daniel",
    "Imanuel",
    "Marthen",
    "Yeremias",
    "Samuel",
    "Simon",
    "Thomas",
    "Matius",
    "Lukas",
    "Andreas",
    "Adrianus",
    "Gabriel",
    "Hendrik",
    "Herman",
    "Isak",
    "Melkianus",
    "Obed",
    "Piter",
    "Ferdinand",
    "Yunus",
    "Yosua",
    "Alfons",
    "Viktor",
    "Eduard",
    "Arnoldus",
    "Gerson",
    "Yusak",
    "Semuel",
    "Zakarias",
    "Elias",
    "Oktavianus",
    "Yoseph",
    "Fransiscus",
    "Marcus",
    "Stephanus",
    "Nikolaus",
    "Filipus",
];

const CHRISTIAN_FEMALE: &[&str] = &[
    "Maria",
    "Agustina",
    "Kristina",
    "Margaretha",
    "Yuliana",
    "Novita",
    "Elisabeth",
    "Yosefina",
    "Magdalena",
    "Veronika",
    "Serlince",
    "Yohana",
    "Martha",
    "Debora",
    "Ester",
    "Sarlota",
    "Dorkas",
    "Yuliati",
    "Mariana",
    "Fransiska",
    "Theresia",
    "Anastasia",
    "Paulina",
    "Oktovina",
    "Apriliani",
    "Mersi",
    "Lince",
    "Yanti",
    "Sofia",
    "Florentina",
    "Katarina",
    "Helena",
    "Benedikta",
    "Kornelia",
    "Natalia",
    "Selfiana",
    "Yuni",
    "Adriana",
    "Christina",
    "Yustina",
    "Regina",
    "Rosalia",
    "Imelda",
    "Ferderika",
];

/// Names given to Christian children born since about 2000.
const MODERN_MALE: &[&str] = &[
    "Kevin",
    "Rivaldo",
    "Gilbert",
    "Ryan",
    "Aldo",
    "Yehezkiel",
    "Jeremy",
    "Christian",
    "Dion",
    "Marvel",
    "Glen",
    "Rafael",
    "Gerald",
    "Jordan",
    "Kenzo",
];
const MODERN_FEMALE: &[&str] = &[
    "Gloria", "Grace", "Angelina", "Jesika", "Keyla", "Vania", "Cindy", "Olivia", "Yemima",
    "Clarisa", "Felisia", "Agnes", "Natasya", "Kezia", "Michelle",
];

const MUSLIM_MALE: &[&str] = &[
    "Muhammad",
    "Abdul",
    "Ahmad",
    "Ismail",
    "Yusuf",
    "Ibrahim",
    "Hasan",
    "Rahman",
    "Ridwan",
    "Syamsul",
    "Arif",
    "Rizal",
    "Fajar",
    "Irfan",
    "Hamzah",
    "Salim",
    "Usman",
    "Sulaiman",
    "Jamaludin",
    "Nasrudin",
    "Achmad",
    "Mohammad",
    "Rizky",
    "Taufiq",
];

const MUSLIM_FEMALE: &[&str] = &[
    "Siti",
    "Nur",
    "Aminah",
    "Fatimah",
    "Khadijah",
    "Aisyah",
    "Rahmawati",
    "Nurhayati",
    "Hasnah",
    "Salma",
    "Zainab",
    "Halimah",
    "Sri",
    "Wahyuni",
    "Mariam",
    "Jamilah",
    "Hadijah",
    "Nurul",
    "Annisa",
    "Fathimah",
];

/// Family (fam/marga) names of Timor, Rote, Sabu, Alor and Flores common in Kupang. A few keep
/// their old spelling as the family writes it (Radja, Djami, Adoe, Toelle).
const CHRISTIAN_FAMILY: &[&str] = &[
    "Bana",
    "Benu",
    "Fanggidae",
    "Ndun",
    "Lay",
    "Manafe",
    "Tefa",
    "Nenobais",
    "Pello",
    "Messakh",
    "Dethan",
    "Kana",
    "Radja",
    "Ratu",
    "Tallo",
    "Tanesib",
    "Lakapu",
    "Foenay",
    "Mooy",
    "Sinlae",
    "Amalo",
    "Adoe",
    "Bessie",
    "Bire",
    "Boimau",
    "Dju",
    "Djami",
    "Ello",
    "Faot",
    "Haning",
    "Henukh",
    "Kapitan",
    "Kase",
    "Kiuk",
    "Laitabun",
    "Leo",
    "Lomi",
    "Lobo",
    "Lado",
    "Luruk",
    "Mella",
    "Missa",
    "Nalle",
    "Neonufa",
    "Nubatonis",
    "Oematan",
    "Pandie",
    "Sabaat",
    "Seran",
    "Toelle",
    "Tuan",
    "Ully",
    "Wadu",
    "Saudale",
    "Riwu",
    "Rihi",
    "Haba",
    "Koreh",
    "Ballo",
    "Snae",
    "Selan",
    "Taneo",
    "Nope",
    "Manubulu",
    "Lenggu",
    "Fobia",
    "Kollo",
    "Da Costa",
    "Da Silva",
    "Parera",
];

/// Family names of Kupang's Muslim families (Solor, Alor, Bugis, Bima and Arab descent).
const MUSLIM_FAMILY: &[&str] = &[
    "Abubakar",
    "Hamid",
    "Syarif",
    "Rachman",
    "Bahtiar",
    "Lamabelawa",
    "Djafar",
    "Ishak",
    "Marzuki",
    "Thalib",
    "Kiat",
    "Ama",
];

fn pick_name(rng: &mut DemoRng, names: &[&'static str]) -> &'static str {
    let name: &&'static str = pick(rng, names);
    name
}

pub(crate) fn family_name(rng: &mut DemoRng, faith: Faith) -> &'static str {
    match faith {
        Faith::Christian => pick_name(rng, CHRISTIAN_FAMILY),
        Faith::Muslim => pick_name(rng, MUSLIM_FAMILY),
    }
}

fn one_given(rng: &mut DemoRng, sex: Sex, faith: Faith, birth_year: i32) -> &'static str {
    match (faith, sex) {
        (Faith::Christian, Sex::Male) if birth_year >= 2000 && chance(rng, 0.4) => {
            pick_name(rng, MODERN_MALE)
        }
        (Faith::Christian, Sex::Female) if birth_year >= 2000 && chance(rng, 0.4) => {
            pick_name(rng, MODERN_FEMALE)
        }
        (Faith::Christian, Sex::Male) => pick_name(rng, CHRISTIAN_MALE),
        (Faith::Christian, Sex::Female) => pick_name(rng, CHRISTIAN_FEMALE),
        (Faith::Muslim, Sex::Male) => pick_name(rng, MUSLIM_MALE),
        (Faith::Muslim, Sex::Female) => pick_name(rng, MUSLIM_FEMALE),
    }
}

/// One or two given names; people born before 1975 sometimes keep the old spelling.
pub(crate) fn given_name(rng: &mut DemoRng, sex: Sex, faith: Faith, birth_year: i32) -> String {
    let first = one_given(rng, sex, faith, birth_year);
    // Two given names are common in both communities (Maria Goreti, Muhammad Rizal).
    let second_p = if faith == Faith::Muslim { 0.6 } else { 0.3 };
    let mut name = first.to_string();
    if chance(rng, second_p) {
        let second = one_given(rng, sex, faith, birth_year);
        if second != first {
            name.push(' ');
            name.push_str(second);
        }
    }
    if birth_year < 1975 && chance(rng, 0.3) {
        name = old_spelling(&name);
    }
    name
}

/// Given names plus a family name when there is one.
pub(crate) fn full_name(given: &str, family: Option<&str>) -> String {
    match family {
        Some(f) => format!("{given} {f}"),
        None => given.to_string(),
    }
}

/// The pre-1972 spelling of a modern name: `u` → `oe`, `j` → `dj`, `y` → `j`, `c` → `tj`, one pass
/// so no letter is converted twice (Yusuf → Joesoef, Agustina → Agoestina, Yohanes → Johanes).
pub(crate) fn old_spelling(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        match c {
            'u' => out.push_str("oe"),
            'U' => out.push_str("Oe"),
            'j' => out.push_str("dj"),
            'J' => out.push_str("Dj"),
            'y' => out.push('j'),
            'Y' => out.push('J'),
            'c' => out.push_str("tj"),
            'C' => out.push_str("Tj"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_spellings() {
        assert_eq!(old_spelling("Yusuf"), "Joesoef");
        assert_eq!(old_spelling("Yohanes"), "Johanes");
        assert_eq!(old_spelling("Jamilah"), "Djamilah");
        assert_eq!(old_spelling("Agustina"), "Agoestina");
    }
}
