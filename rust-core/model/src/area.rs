//! The area tree: kota > kecamatan > kelurahan/desa (Kemendagri codes) > RW > RT, and Posyandu,
//! which belong to a kelurahan and serve a set of RT.

use crate::ids::{AreaId, PosyanduId};
use crate::validation::ValidationError;
use serde::{Deserialize, Serialize};

/// A level of the tree, top to bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaLevel {
    Province,
    City,
    District,
    Village,
    Rw,
    Rt,
}

impl AreaLevel {
    pub fn code(self) -> &'static str {
        match self {
            AreaLevel::Province => "province",
            AreaLevel::City => "city",
            AreaLevel::District => "district",
            AreaLevel::Village => "village",
            AreaLevel::Rw => "rw",
            AreaLevel::Rt => "rt",
        }
    }

    pub fn from_code(field: &str, code: &str) -> Result<Self, ValidationError> {
        Ok(match code.trim().to_ascii_lowercase().as_str() {
            "province" | "provinsi" => AreaLevel::Province,
            "city" | "kota" | "kabupaten" | "kab" => AreaLevel::City,
            "district" | "kecamatan" | "kec" => AreaLevel::District,
            "village" | "kelurahan" | "desa" | "kel" => AreaLevel::Village,
            "rw" => AreaLevel::Rw,
            "rt" => AreaLevel::Rt,
            _ => {
                return Err(ValidationError::new(
                    field,
                    "unknown level; expected province, city, district, village, rw or rt",
                ));
            }
        })
    }

    /// The level a child of this level must have.
    pub fn child(self) -> Option<AreaLevel> {
        match self {
            AreaLevel::Province => Some(AreaLevel::City),
            AreaLevel::City => Some(AreaLevel::District),
            AreaLevel::District => Some(AreaLevel::Village),
            AreaLevel::Village => Some(AreaLevel::Rw),
            AreaLevel::Rw => Some(AreaLevel::Rt),
            AreaLevel::Rt => None,
        }
    }

    /// Bahasa Indonesia label for screens.
    pub fn label_id(self) -> &'static str {
        match self {
            AreaLevel::Province => "Provinsi",
            AreaLevel::City => "Kota/Kabupaten",
            AreaLevel::District => "Kecamatan",
            AreaLevel::Village => "Kelurahan/Desa",
            AreaLevel::Rw => "RW",
            AreaLevel::Rt => "RT",
        }
    }
}

/// One node of the area tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    pub id: AreaId,
    pub parent: Option<AreaId>,
    pub level: AreaLevel,
    /// Kemendagri code for province to kelurahan (`53.71.03.1010`); the local number for RW and
    /// RT (`005`), which is unique only under its parent.
    pub code: String,
    pub name: String,
}

/// A Kemendagri region code (Permendagri 58/2021): `53`, `53.71`, `53.71.01`, `53.71.01.1001`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KemendagriCode {
    parts: Vec<String>,
}

impl KemendagriCode {
    /// Parses a code with or without dots (`5371011001` = `53.71.01.1001`).
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        let raw = raw.trim();
        let parts: Vec<String> = if raw.contains('.') {
            raw.split('.').map(str::to_string).collect()
        } else {
            let widths: &[usize] = match raw.len() {
                2 => &[2],
                4 => &[2, 2],
                6 => &[2, 2, 2],
                10 => &[2, 2, 2, 4],
                _ => {
                    return Err(ValidationError::new(
                        field,
                        "is not a Kemendagri code of 2, 4, 6 or 10 digits",
                    ));
                }
            };
            let mut at = 0;
            widths
                .iter()
                .map(|w| {
                    let p = raw[at..at + w].to_string();
                    at += w;
                    p
                })
                .collect()
        };
        let widths = [2usize, 2, 2, 4];
        if parts.is_empty() || parts.len() > 4 {
            return Err(ValidationError::new(field, "must have 1 to 4 dotted parts"));
        }
        for (p, w) in parts.iter().zip(widths) {
            if p.len() != w
                || !p.bytes().all(|b| b.is_ascii_digit())
                || p.bytes().all(|b| b == b'0')
            {
                return Err(ValidationError::new(
                    field,
                    "has a malformed part (expected 53.71.01.1001)",
                ));
            }
        }
        if parts.len() == 4 && !matches!(parts[3].as_bytes()[0], b'1' | b'2' | b'3') {
            return Err(ValidationError::new(
                field,
                "village part must start with 1 (kelurahan), 2 (desa) or 3 (desa adat)",
            ));
        }
        Ok(Self { parts })
    }

    pub fn level(&self) -> AreaLevel {
        match self.parts.len() {
            1 => AreaLevel::Province,
            2 => AreaLevel::City,
            3 => AreaLevel::District,
            _ => AreaLevel::Village,
        }
    }

    /// The code of the enclosing area, if any.
    pub fn parent(&self) -> Option<KemendagriCode> {
        (self.parts.len() > 1).then(|| KemendagriCode {
            parts: self.parts[..self.parts.len() - 1].to_vec(),
        })
    }

    pub fn as_dotted(&self) -> String {
        self.parts.join(".")
    }
}

/// A local RW or RT number, written with three digits (`5` → `005`).
pub fn local_number(field: &str, raw: &str) -> Result<String, ValidationError> {
    let t = raw
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == ' ');
    match t.parse::<u16>() {
        Ok(n) if (1..=999).contains(&n) => Ok(format!("{n:03}")),
        _ => Err(ValidationError::new(
            field,
            "must be a number from 1 to 999",
        )),
    }
}

/// A Posyandu: belongs to a kelurahan and serves a set of RT in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posyandu {
    pub id: PosyanduId,
    pub village: AreaId,
    pub name: String,
    pub rts: Vec<AreaId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kemendagri_codes_with_and_without_dots() {
        let c = KemendagriCode::parse("code", "53.71.03.1010").unwrap();
        assert_eq!(c.level(), AreaLevel::Village);
        assert_eq!(c.parent().unwrap().as_dotted(), "53.71.03");
        assert_eq!(KemendagriCode::parse("code", "5371031010").unwrap(), c);
        assert_eq!(
            KemendagriCode::parse("code", "53.71").unwrap().level(),
            AreaLevel::City
        );
    }

    #[test]
    fn malformed_codes_name_the_field() {
        for raw in [
            "5",
            "53.7",
            "53.71.01.4001",
            "53.00",
            "53.71.01.1001.01",
            "ab.cd",
        ] {
            assert_eq!(
                KemendagriCode::parse("row 3 code", raw).unwrap_err().field,
                "row 3 code"
            );
        }
    }

    #[test]
    fn rt_numbers_are_padded() {
        assert_eq!(local_number("rt", "RT 5").unwrap(), "005");
        assert_eq!(local_number("rt", "012").unwrap(), "012");
        assert!(local_number("rt", "0").is_err());
        assert!(local_number("rt", "abc").is_err());
    }
}
