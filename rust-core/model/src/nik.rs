//! NIK (Nomor Induk Kependudukan) and KK numbers (DOMAIN.md section 5).
//!
//! A NIK is 16 digits `PPKKCC DDMMYY SSSS`: the province, kab/kota and kecamatan where it was
//! issued, the birth date with 40 added to the day for women, and a serial that is never 0000.
//! There is no check digit, and the century is ambiguous. A NIK that is well-formed but disagrees
//! with the person's recorded sex or birth date is not refused: Dukcapil data has such errors, and
//! the kader must still register the person. The caller gets a warning to show instead.

use crate::person::{BirthDate, Sex};
use crate::validation::ValidationError;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Date, Month};

/// Province codes of Permendagri 58/2021 and the 2022 Papua provinces (Kemendagri, 38 provinces).
pub const PROVINCE_CODES: &[u8] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

/// A syntactically valid NIK.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nik(String);

/// What a NIK says that contradicts the person's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NikWarning {
    /// The day field says female (41-71) but the person is recorded male, or the reverse.
    SexMismatch { nik_says: Sex },
    /// The encoded birth date (day, month, two-digit year) differs from the recorded one.
    BirthDateMismatch {
        nik_day: u8,
        nik_month: u8,
        nik_year_2d: u8,
    },
}

impl NikWarning {
    /// Bahasa Indonesia text for the app to show.
    pub fn message_id(&self) -> String {
        match self {
            NikWarning::SexMismatch {
                nik_says: Sex::Female,
            } => "NIK menunjukkan perempuan, tetapi jenis kelamin tercatat laki-laki".into(),
            NikWarning::SexMismatch {
                nik_says: Sex::Male,
            } => "NIK menunjukkan laki-laki, tetapi jenis kelamin tercatat perempuan".into(),
            NikWarning::BirthDateMismatch { .. } => {
                "Tanggal lahir di NIK berbeda dengan tanggal lahir tercatat".into()
            }
        }
    }
}

fn digits_field(field: &str, value: &str, what: &str) -> Result<String, ValidationError> {
    let cleaned: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    if cleaned.len() != 16 || !cleaned.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValidationError::new(
            field,
            format!("{what} must be exactly 16 digits"),
        ));
    }
    Ok(cleaned)
}

fn two(s: &str, at: usize) -> u8 {
    s[at..at + 2].parse().expect("digits checked")
}

fn check_region(field: &str, s: &str, what: &str) -> Result<(), ValidationError> {
    if !PROVINCE_CODES.contains(&two(s, 0)) {
        return Err(ValidationError::new(
            field,
            format!("{what} has an unknown province code"),
        ));
    }
    if two(s, 2) == 0 {
        return Err(ValidationError::new(
            field,
            format!("{what} has no kabupaten/kota code"),
        ));
    }
    if two(s, 4) == 0 {
        return Err(ValidationError::new(
            field,
            format!("{what} has no kecamatan code"),
        ));
    }
    Ok(())
}

impl Nik {
    /// Parses and validates a NIK; spaces, dots and dashes people type are ignored.
    pub fn parse(field: &str, value: &str) -> Result<Self, ValidationError> {
        let s = digits_field(field, value, "NIK")?;
        check_region(field, &s, "NIK")?;
        let day = two(&s, 6);
        let month = two(&s, 8);
        let yy = two(&s, 10);
        let real_day = if day > 40 { day - 40 } else { day };
        if !(1..=31).contains(&real_day) || (32..=40).contains(&day) || day > 71 {
            return Err(ValidationError::new(
                field,
                "NIK has an impossible birth day",
            ));
        }
        let month_ok = Month::try_from(month).ok();
        let Some(m) = month_ok else {
            return Err(ValidationError::new(
                field,
                "NIK has an impossible birth month",
            ));
        };
        // Valid in at least one century (29 Feb needs a leap year in 19yy or 20yy).
        let valid_somewhere = [1900i32, 2000]
            .iter()
            .any(|c| Date::from_calendar_date(c + yy as i32, m, real_day).is_ok());
        if !valid_somewhere {
            return Err(ValidationError::new(
                field,
                "NIK has an impossible birth date",
            ));
        }
        if &s[12..16] == "0000" {
            return Err(ValidationError::new(
                field,
                "NIK serial number cannot be 0000",
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The issuing region `PPKKCC` as written by Kemendagri: `53.71.01`.
    pub fn region_code(&self) -> String {
        format!("{}.{}.{}", &self.0[0..2], &self.0[2..4], &self.0[4..6])
    }

    pub fn sex(&self) -> Sex {
        if two(&self.0, 6) > 40 {
            Sex::Female
        } else {
            Sex::Male
        }
    }

    /// (day, month, two-digit year) encoded in the NIK.
    pub fn birth_fields(&self) -> (u8, u8, u8) {
        let d = two(&self.0, 6);
        (
            if d > 40 { d - 40 } else { d },
            two(&self.0, 8),
            two(&self.0, 10),
        )
    }

    /// Where the NIK disagrees with the recorded sex and birth date. An estimated birth date is
    /// only compared by year, within the two-digit century ambiguity and two years of slack.
    pub fn check_against(&self, sex: Option<Sex>, birth: Option<&BirthDate>) -> Vec<NikWarning> {
        let mut warnings = Vec::new();
        if let Some(s) = sex
            && s != self.sex()
        {
            warnings.push(NikWarning::SexMismatch {
                nik_says: self.sex(),
            });
        }
        let (d, m, yy) = self.birth_fields();
        if let Some(b) = birth {
            let recorded_yy = b.date.year().rem_euclid(100);
            let mismatch = if b.estimated {
                let diff = (recorded_yy - yy as i32).rem_euclid(100);
                diff > 2 && diff < 98
            } else {
                b.date.day() != d || u8::from(b.date.month()) != m || recorded_yy != yy as i32
            };
            if mismatch {
                warnings.push(NikWarning::BirthDateMismatch {
                    nik_day: d,
                    nik_month: m,
                    nik_year_2d: yy,
                });
            }
        }
        warnings
    }
}

impl fmt::Debug for Nik {
    // A NIK is personal data: debug output (and so logs) shows only the region.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nik({}.…)", self.region_code())
    }
}

impl TryFrom<String> for Nik {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Nik::parse("nik", &value)
    }
}

impl From<Nik> for String {
    fn from(n: Nik) -> String {
        n.0
    }
}

/// A Kartu Keluarga number: 16 digits starting with the issuing region.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KkNumber(String);

impl KkNumber {
    pub fn parse(field: &str, value: &str) -> Result<Self, ValidationError> {
        let s = digits_field(field, value, "KK number")?;
        check_region(field, &s, "KK number")?;
        if &s[12..16] == "0000" {
            return Err(ValidationError::new(
                field,
                "KK number serial cannot be 0000",
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for KkNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KkNumber({}.{}.…)", &self.0[0..2], &self.0[2..4])
    }
}

impl TryFrom<String> for KkNumber {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        KkNumber::parse("kk_number", &value)
    }
}

impl From<KkNumber> for String {
    fn from(n: KkNumber) -> String {
        n.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_woman_born_1990_in_kota_kupang() {
        let nik = Nik::parse("nik", "5371 0152 0790 0003").unwrap();
        assert_eq!(nik.as_str(), "5371015207900003");
        assert_eq!(nik.region_code(), "53.71.01");
        assert_eq!(nik.sex(), Sex::Female);
        assert_eq!(nik.birth_fields(), (12, 7, 90));
        let birth = BirthDate {
            date: date!(1990 - 07 - 12),
            estimated: false,
        };
        assert!(
            nik.check_against(Some(Sex::Female), Some(&birth))
                .is_empty()
        );
    }

    #[test]
    fn malformed_niks_are_refused_with_the_reason() {
        let cases = [
            ("537101520790000", "16 digits"),
            ("53710152079000a3", "16 digits"),
            ("9971015207900003", "province"),
            ("5300015207900003", "kabupaten"),
            ("5371005207900003", "kecamatan"),
            ("5371013507900003", "birth day"),
            ("5371017507900003", "birth day"),
            ("5371011213900003", "birth month"),
            ("5371013102900003", "birth date"),
            ("5371011207900000", "0000"),
        ];
        for (raw, why) in cases {
            let e = Nik::parse("members[1].nik", raw).unwrap_err();
            assert_eq!(e.field, "members[1].nik");
            assert!(e.reason.contains(why), "{raw}: {}", e.reason);
        }
    }

    #[test]
    fn leap_day_is_valid_in_either_century() {
        assert!(Nik::parse("nik", "5371012902000001").is_ok()); // 29 Feb 2000
        assert!(Nik::parse("nik", "5371012902010001").is_err()); // 1901 and 2001 are not leap
    }

    #[test]
    fn contradictions_are_warnings_not_refusals() {
        let nik = Nik::parse("nik", "5371011207900003").unwrap(); // male, 12-07-90
        let birth = BirthDate {
            date: date!(1991 - 07 - 12),
            estimated: false,
        };
        let w = nik.check_against(Some(Sex::Female), Some(&birth));
        assert_eq!(w.len(), 2);
        assert!(matches!(
            w[0],
            NikWarning::SexMismatch {
                nik_says: Sex::Male
            }
        ));
        assert!(!w[1].message_id().is_empty());
        let estimated = BirthDate {
            date: date!(1991 - 01 - 01),
            estimated: true,
        };
        assert!(nik.check_against(None, Some(&estimated)).is_empty());
        let far = BirthDate {
            date: date!(1980 - 01 - 01),
            estimated: true,
        };
        assert_eq!(nik.check_against(None, Some(&far)).len(), 1);
    }

    #[test]
    fn debug_output_hides_the_number() {
        let nik = Nik::parse("nik", "5371011207900003").unwrap();
        assert!(!format!("{nik:?}").contains("1207900003"));
    }

    proptest::proptest! {
        /// Any NIK built from a real date, a known province and a non-zero serial parses, and
        /// reads back the sex and birth fields it was built from.
        #[test]
        fn built_niks_parse_and_read_back(
            prov in proptest::sample::select(PROVINCE_CODES),
            kab in 1u8..=99, kec in 1u8..=99,
            days in 0i64..36_500, female in proptest::bool::ANY, serial in 1u16..=9999,
        ) {
            let birth = time::macros::date!(1926 - 01 - 01) + time::Duration::days(days);
            let day = birth.day() + if female { 40 } else { 0 };
            let raw = format!(
                "{prov:02}{kab:02}{kec:02}{day:02}{:02}{:02}{serial:04}",
                u8::from(birth.month()),
                birth.year().rem_euclid(100)
            );
            let nik = Nik::parse("nik", &raw).unwrap();
            let sex = if female { Sex::Female } else { Sex::Male };
            proptest::prop_assert_eq!(nik.sex(), sex);
            proptest::prop_assert!(nik.check_against(Some(sex), Some(&BirthDate::exact(birth))).is_empty());
        }

        /// Nothing but 16 digits ever parses.
        #[test]
        fn other_lengths_never_parse(raw in "[0-9]{0,15}|[0-9]{17,20}") {
            proptest::prop_assert!(Nik::parse("nik", &raw).is_err());
        }
    }

    #[test]
    fn kk_numbers() {
        assert!(KkNumber::parse("kk_number", "5371010101200012").is_ok());
        assert!(KkNumber::parse("kk_number", "12345").is_err());
        assert!(KkNumber::parse("kk_number", "0071010101200012").is_err());
    }
}
