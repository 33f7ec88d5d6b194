//! Persons. Every identity field is optional: an unidentified person (an emergency, someone with a
//! severe mental illness, someone with no family present) is registered with a description, and
//! later merged into their identified record without losing either record's events.

use crate::ids::{HouseholdId, PersonId};
use crate::nik::Nik;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    /// Accepts English and Indonesian forms: `male`/`m`/`l`/`laki-laki`, `female`/`f`/`p`/`perempuan`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, crate::ValidationError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "male" | "m" | "l" | "lk" | "laki-laki" | "laki laki" | "pria" => Ok(Sex::Male),
            "female" | "f" | "p" | "pr" | "perempuan" | "wanita" => Ok(Sex::Female),
            _ => Err(crate::ValidationError::new(
                field,
                "must be L (laki-laki) or P (perempuan)",
            )),
        }
    }
}

/// A date of birth, exact or estimated from a stated age.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BirthDate {
    pub date: Date,
    pub estimated: bool,
}

impl BirthDate {
    pub fn exact(date: Date) -> Self {
        Self {
            date,
            estimated: false,
        }
    }

    /// A birth date estimated from a stated age ("umur 40 tahun", "8 bulan"): today minus the age,
    /// flagged as estimated so schedules and NIK checks treat it with slack.
    pub fn from_stated_age(years: u32, months: u32, today: Date) -> Self {
        let total_months = (today.year() * 12 + u8::from(today.month()) as i32 - 1)
            - (years as i32 * 12 + months as i32);
        let year = total_months.div_euclid(12);
        let month = Month::try_from((total_months.rem_euclid(12) + 1) as u8).expect("1..=12");
        let last_day = time::util::days_in_month(month, year);
        let date = Date::from_calendar_date(year, month, today.day().min(last_day))
            .unwrap_or(today - Duration::days(365 * years as i64));
        Self {
            date,
            estimated: true,
        }
    }

    /// Age in completed days on `on` (negative if `on` is before birth).
    pub fn age_days(&self, on: Date) -> i64 {
        (on - self.date).whole_days()
    }

    /// Age in completed months on `on`.
    pub fn age_months(&self, on: Date) -> i32 {
        let mut m = (on.year() - self.date.year()) * 12 + u8::from(on.month()) as i32
            - u8::from(self.date.month()) as i32;
        if on.day() < self.date.day() {
            m -= 1;
        }
        m
    }

    /// Age in completed years on `on`.
    pub fn age_years(&self, on: Date) -> i32 {
        self.age_months(on).div_euclid(12)
    }
}

code_enum!(
    /// Relation to the head of household, as on the Kartu Keluarga (status hubungan dalam keluarga).
    Relation {
        Head = "head",
        Spouse = "spouse",
        Child = "child",
        ChildInLaw = "child_in_law",
        Grandchild = "grandchild",
        Parent = "parent",
        ParentInLaw = "parent_in_law",
        OtherFamily = "other_family",
        Helper = "helper",
        NonFamily = "other",
    }
);

impl Relation {
    pub fn label_id(&self) -> &str {
        match self {
            Relation::Head => "Kepala keluarga",
            Relation::Spouse => "Istri/Suami",
            Relation::Child => "Anak",
            Relation::ChildInLaw => "Menantu",
            Relation::Grandchild => "Cucu",
            Relation::Parent => "Orang tua",
            Relation::ParentInLaw => "Mertua",
            Relation::OtherFamily => "Famili lain",
            Relation::Helper => "Pembantu",
            Relation::NonFamily | Relation::Other(_) => "Lainnya",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    /// `None` for someone met outside a registered household (a referral from the street).
    pub household: Option<HouseholdId>,
    pub name: Option<String>,
    pub sex: Option<Sex>,
    pub birth: Option<BirthDate>,
    pub nik: Option<Nik>,
    pub phone: Option<String>,
    pub relation: Option<Relation>,
    pub mother: Option<PersonId>,
    /// How to recognise an unidentified person ("laki-laki ±40 th, ditemukan di Pasar Oeba").
    pub description: Option<String>,
    /// Set when this record was merged into another; its events count for that person.
    pub merged_into: Option<PersonId>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn stated_age_gives_an_estimated_birth_date() {
        let b = BirthDate::from_stated_age(40, 0, date!(2026 - 11 - 22));
        assert_eq!(b.date, date!(1986 - 11 - 22));
        assert!(b.estimated);
        let baby = BirthDate::from_stated_age(0, 8, date!(2026 - 03 - 31));
        assert_eq!(baby.date, date!(2025 - 07 - 31));
        let feb = BirthDate::from_stated_age(0, 1, date!(2026 - 03 - 31));
        assert_eq!(feb.date, date!(2026 - 02 - 28));
    }

    #[test]
    fn ages_in_completed_units() {
        let b = BirthDate::exact(date!(2025 - 01 - 31));
        assert_eq!(b.age_months(date!(2025 - 02 - 28)), 0);
        assert_eq!(b.age_months(date!(2025 - 03 - 31)), 2);
        assert_eq!(b.age_years(date!(2026 - 01 - 31)), 1);
        assert_eq!(b.age_days(date!(2025 - 02 - 01)), 1);
    }

    #[test]
    fn sex_in_both_languages() {
        assert_eq!(Sex::parse("sex", "P").unwrap(), Sex::Female);
        assert_eq!(Sex::parse("sex", "laki-laki").unwrap(), Sex::Male);
        assert_eq!(
            Sex::parse("members[0].sex", "x").unwrap_err().field,
            "members[0].sex"
        );
    }
}
