//! Who is behind a number: the persons or households a coverage row counts (or misses), by id,
//! with where they live and the kaders of their RT, so a supervisor can drill from a percentage
//! to names and addresses.

use crate::areas::{self, RtPlace};
use crate::error::{Result, StoreError};
use crate::{households, persons, users};
use ilp_model::{AreaId, Household, HouseholdId, Person, PersonId};
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;

/// What an id names.
#[derive(Clone, Debug, PartialEq)]
pub enum SubjectKind {
    /// A person (merges followed: the surviving record).
    Person(Box<Person>),
    /// A household, with the name of its head (else its oldest member).
    Household { head_name: Option<String> },
}

/// One person or household with where they live.
#[derive(Clone, Debug, PartialEq)]
pub struct Subject {
    pub kind: SubjectKind,
    /// The household (the person's own, for a person; `None` for a person with none).
    pub household: Option<Household>,
    pub place: Option<RtPlace>,
    /// Display names of the kaders assigned to the RT.
    pub kaders: Vec<String>,
}

impl Subject {
    /// The RT the subject lives in.
    pub fn rt(&self) -> Option<AreaId> {
        self.household.as_ref().map(|h| h.rt)
    }
}

fn head_name(conn: &Connection, h: HouseholdId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT name FROM person WHERE household_id = ?1 AND merged_into IS NULL AND name IS NOT NULL
             ORDER BY relation = 'head' DESC, birth_date, id LIMIT 1",
        )?
        .query_row([h.to_string()], |r| r.get(0))
        .optional()?)
}

/// Describes each id, in order: a person's id first, else a household's; `None` for an id that
/// names neither.
pub fn describe(conn: &Connection, ids: &[uuid::Uuid]) -> Result<Vec<Option<Subject>>> {
    let kaders = users::kaders_by_rt(conn)?;
    let mut places: HashMap<AreaId, RtPlace> = HashMap::new();
    let mut out = Vec::with_capacity(ids.len());
    for &raw in ids {
        let (kind, household) = match persons::resolve_merged(conn, PersonId(raw)) {
            Ok(id) => {
                let person = persons::get_person(conn, id)?;
                let household = person
                    .household
                    .map(|h| households::get_household(conn, h))
                    .transpose()?;
                (SubjectKind::Person(Box::new(person)), household)
            }
            Err(StoreError::NotFound { .. }) => {
                match households::get_household(conn, HouseholdId(raw)) {
                    Ok(h) => (
                        SubjectKind::Household {
                            head_name: head_name(conn, h.id)?,
                        },
                        Some(h),
                    ),
                    Err(StoreError::NotFound { .. }) => {
                        out.push(None);
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            }
            Err(e) => return Err(e),
        };
        let place = match household.as_ref().map(|h| h.rt) {
            Some(rt) => Some(match places.entry(rt) {
                std::collections::hash_map::Entry::Occupied(e) => e.get().clone(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(areas::rt_place(conn, rt)?).clone()
                }
            }),
            None => None,
        };
        let kaders = household
            .as_ref()
            .and_then(|h| kaders.get(&h.rt).cloned())
            .unwrap_or_default();
        out.push(Some(Subject {
            kind,
            household,
            place,
            kaders,
        }));
    }
    Ok(out)
}
