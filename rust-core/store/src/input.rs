//! Inputs of the registry's write calls, and their validation into domain records. The FFI and the
//! CLI both build these, so a rule is enforced once whatever the caller. Every refusal names the
//! field (`members[2].nik`) and nothing is written.

use ilp_model::validation::{limits, optional_text, phone_number};
use ilp_model::{
    AreaId, BirthDate, GeoPoint, HouseholdId, JknStatus, KkNumber, Nik, NikWarning, Person,
    PersonId, Relation, Sex, ValidationError,
};
use time::Date;

/// Who the mother is: an existing person, or another member registered in the same call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MotherRef {
    Existing(PersonId),
    Member(usize),
}

/// A person as entered. Either a birth date or a stated age (estimated birth date) may be given.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PersonInput {
    pub name: Option<String>,
    pub sex: Option<Sex>,
    pub birth_date: Option<Date>,
    pub birth_date_estimated: bool,
    pub age_years: Option<u32>,
    pub age_months: Option<u32>,
    pub nik: Option<String>,
    pub phone: Option<String>,
    pub relation: Option<Relation>,
    pub mother: Option<MotherRef>,
    pub description: Option<String>,
}

/// A household as entered.
#[derive(Clone, Debug, PartialEq)]
pub struct HouseholdInput {
    pub rt: AreaId,
    pub kk_number: Option<String>,
    pub address: Option<String>,
    pub gps: Option<(f64, f64)>,
    pub jkn: JknStatus,
    pub clean_water: Option<bool>,
    pub healthy_latrine: Option<bool>,
    pub notes: Option<String>,
}

/// The household fields after validation (id and RT checked by the caller against the store).
pub(crate) struct ValidHousehold {
    pub kk_number: Option<KkNumber>,
    pub address: Option<String>,
    pub gps: Option<GeoPoint>,
    pub notes: Option<String>,
}

pub(crate) fn validate_household(h: &HouseholdInput) -> Result<ValidHousehold, ValidationError> {
    let kk_number = h
        .kk_number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| KkNumber::parse("kk_number", s))
        .transpose()?;
    let gps = h
        .gps
        .map(|(lat, lon)| GeoPoint::new("gps", lat, lon))
        .transpose()?;
    if let JknStatus::Other(code) = &h.jkn {
        return Err(ValidationError::new(
            "jkn",
            format!("unknown JKN status '{code}'"),
        ));
    }
    Ok(ValidHousehold {
        kk_number,
        address: optional_text("address", h.address.as_deref(), limits::ADDRESS)?,
        gps,
        notes: optional_text("notes", h.notes.as_deref(), limits::NOTES)?,
    })
}

/// Validates a person's own fields into a [`Person`] (the mother link is resolved by the caller).
/// Returns the NIK's contradictions as warnings: they do not refuse the person.
pub(crate) fn validate_person(
    id: PersonId,
    household: Option<HouseholdId>,
    p: &PersonInput,
    today: Date,
) -> Result<(Person, Vec<NikWarning>), ValidationError> {
    let name = optional_text("name", p.name.as_deref(), limits::NAME)?;
    let description = optional_text("description", p.description.as_deref(), limits::ADDRESS)?;
    if name.is_none() && description.is_none() {
        return Err(ValidationError::new(
            "name",
            "is required; for an unidentified person give a description instead",
        ));
    }
    let birth = match (p.birth_date, p.age_years, p.age_months) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(ValidationError::new(
                "birth_date",
                "give a birth date or an age, not both",
            ));
        }
        (Some(d), None, None) => Some(BirthDate {
            date: d,
            estimated: p.birth_date_estimated,
        }),
        (None, None, None) => None,
        (None, y, m) => {
            let (y, m) = (y.unwrap_or(0), m.unwrap_or(0));
            if y > 125 {
                return Err(ValidationError::new("age_years", "must be at most 125"));
            }
            if m > 11 && y > 0 || m > 59 {
                return Err(ValidationError::new(
                    "age_months",
                    "must be 0-11 with years, or 0-59 alone",
                ));
            }
            Some(BirthDate::from_stated_age(y, m, today))
        }
    };
    if let Some(b) = &birth {
        ilp_rules::plausibility::check_birth_date(b.date, today)
            .map_err(|e| ValidationError::new("birth_date", e.reason))?;
    }
    let nik = p
        .nik
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Nik::parse("nik", s))
        .transpose()?;
    let warnings = nik
        .as_ref()
        .map(|n| n.check_against(p.sex, birth.as_ref()))
        .unwrap_or_default();
    if let Some(Relation::Other(code)) = &p.relation {
        return Err(ValidationError::new(
            "relation",
            format!("unknown relation '{code}'"),
        ));
    }
    let person = Person {
        id,
        household,
        name,
        sex: p.sex,
        birth,
        nik,
        phone: phone_number("phone", p.phone.as_deref())?,
        relation: p.relation.clone(),
        mother: None,
        description,
        merged_into: None,
    };
    Ok((person, warnings))
}

/// A mother must be a woman at least 10 years older than the child when both are known.
pub(crate) fn check_mother(child: &Person, mother: &Person) -> Result<(), ValidationError> {
    if mother.sex == Some(Sex::Male) {
        return Err(ValidationError::new("mother", "is recorded as male"));
    }
    if mother.id == child.id {
        return Err(ValidationError::new(
            "mother",
            "cannot be the person themself",
        ));
    }
    if let (Some(c), Some(m)) = (&child.birth, &mother.birth)
        && (c.date - m.date).whole_days() < 10 * 365
    {
        return Err(ValidationError::new(
            "mother",
            "is not at least 10 years older than the child",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn pid() -> PersonId {
        PersonId::from_random_bytes([1; 16])
    }

    #[test]
    fn unidentified_person_needs_a_description() {
        let today = date!(2026 - 11 - 22);
        let e = validate_person(pid(), None, &PersonInput::default(), today).unwrap_err();
        assert_eq!(e.field, "name");
        let p = PersonInput {
            description: Some("Laki-laki ±40 th".into()),
            age_years: Some(40),
            ..Default::default()
        };
        let (person, _) = validate_person(pid(), None, &p, today).unwrap();
        assert!(person.birth.unwrap().estimated);
    }

    #[test]
    fn future_birth_date_is_refused() {
        let p = PersonInput {
            name: Some("Maria".into()),
            birth_date: Some(date!(2027 - 01 - 01)),
            ..Default::default()
        };
        assert_eq!(
            validate_person(pid(), None, &p, date!(2026 - 11 - 22))
                .unwrap_err()
                .field,
            "birth_date"
        );
    }

    #[test]
    fn nik_contradiction_is_a_warning() {
        let p = PersonInput {
            name: Some("Yohanes Bana".into()),
            sex: Some(Sex::Male),
            birth_date: Some(date!(1990 - 07 - 12)),
            nik: Some("5371015207900003".into()),
            ..Default::default()
        };
        let (_, w) = validate_person(pid(), None, &p, date!(2026 - 11 - 22)).unwrap();
        assert_eq!(w.len(), 1);
    }
}
