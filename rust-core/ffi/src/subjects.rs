//! Drilling from a coverage number to the persons or households behind it: the ids of a
//! coverage row (`numerator_ids`, `missing_ids`) described as list rows with name, age, address,
//! RT and the kader responsible for the RT.

use crate::error::{IlpError, validation};
use crate::views::{SexCode, age_label};
use crate::worklist::display_name;
use crate::{IlpCore, now};
use ilp_store::subjects::{self, SubjectKind};

/// One person or household behind a coverage number.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct SubjectRow {
    /// The id as given.
    pub id: String,
    /// "person" or "household".
    pub kind: String,
    /// A person's name (or description of an unidentified person); a household's head.
    pub name: String,
    /// Persons only ("8 bl", "34 th").
    pub age_label: Option<String>,
    /// Persons only.
    pub sex: Option<SexCode>,
    /// The person's household, or the household itself.
    pub household_id: Option<String>,
    pub address: Option<String>,
    pub rt_id: Option<String>,
    /// "RT 002 / RW 005, Oesapa".
    pub rt_label: Option<String>,
    /// Display name(s) of the kader(s) assigned to the RT, joined by ", "; `None` when this phone
    /// knows no kader for it.
    pub kader: Option<String>,
}

#[uniffi::export]
impl IlpCore {
    /// Describes the persons or households behind a coverage row (its `numerator_ids` or
    /// `missing_ids`), in the order given, for the list a supervisor opens from a number. An id
    /// that is neither a person nor a household here is a validation error on `ids[i]`; one
    /// outside the user's area is refused like any other call.
    pub fn describe_subjects(&self, ids: Vec<String>) -> Result<Vec<SubjectRow>, IlpError> {
        let parsed = ids
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                raw.trim()
                    .parse::<uuid::Uuid>()
                    .map_err(|_| validation(format!("ids[{i}]"), "is not a valid id"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let found = self.store.read(|c| subjects::describe(c, &parsed))?;
        let today = self.today_at(now());
        let mut rows = Vec::with_capacity(found.len());
        for (i, (raw, subject)) in ids.iter().zip(found).enumerate() {
            let Some(s) = subject else {
                return Err(validation(
                    format!("ids[{i}]"),
                    "is not a known person or household",
                ));
            };
            // A person with no household is anyone's to see (an emergency registration), as in
            // every other call.
            if let Some(rt) = s.rt() {
                self.check_rt(rt)?;
            }
            let (kind, name, age, sex) = match &s.kind {
                SubjectKind::Person(p) => (
                    "person",
                    display_name(p),
                    p.birth.map(|b| age_label(&b, today)),
                    p.sex.map(Into::into),
                ),
                SubjectKind::Household { head_name } => (
                    "household",
                    head_name
                        .clone()
                        .unwrap_or_else(|| "(tanpa nama)".to_string()),
                    None,
                    None,
                ),
            };
            rows.push(SubjectRow {
                id: raw.trim().to_string(),
                kind: kind.to_string(),
                name,
                age_label: age,
                sex,
                household_id: s.household.as_ref().map(|h| h.id.to_string()),
                address: s.household.as_ref().and_then(|h| h.address.clone()),
                rt_id: s.rt().map(|r| r.to_string()),
                rt_label: s.place.as_ref().map(|p| p.label()),
                kader: (!s.kaders.is_empty()).then(|| s.kaders.join(", ")),
            });
        }
        Ok(rows)
    }
}
