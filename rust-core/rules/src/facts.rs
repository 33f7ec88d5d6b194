//! What the rules are given about people: a person with their effective history (voids and
//! amendments applied, merged records' events included) and pregnancies, and a household with its
//! members. The store builds these; the rules only read them, so the device and the server share one
//! implementation of every schedule and indicator.

use ilp_model::{
    Condition, Event, EventPayload, Household, Immunization, Measurement, Person, Pregnancy,
};
use time::{Date, UtcOffset};

/// One person as the rules see them.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonFacts {
    pub person: Person,
    /// Effective events, oldest first (by `occurred_at`).
    pub events: Vec<Event>,
    /// Pregnancy episodes of this person (a woman), oldest first.
    pub pregnancies: Vec<Pregnancy>,
}

/// A household with its members (merged-away records excluded).
#[derive(Clone, Debug, PartialEq)]
pub struct HouseholdFacts {
    pub household: Household,
    pub members: Vec<PersonFacts>,
}

/// The date and local offset the rules evaluate at. Event times are UTC instants; the rules read
/// them as local dates (Kupang is WITA, UTC+8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleContext {
    pub today: Date,
    pub offset: UtcOffset,
}

impl RuleContext {
    pub fn new(today: Date, offset: UtcOffset) -> Self {
        Self { today, offset }
    }

    /// Local date of an event.
    pub fn date_of(&self, e: &Event) -> Date {
        e.occurred_at.date_at(self.offset)
    }
}

impl PersonFacts {
    pub fn new(person: Person) -> Self {
        Self {
            person,
            events: Vec::new(),
            pregnancies: Vec::new(),
        }
    }

    /// Immunizations given, with their event.
    pub fn immunizations(&self) -> impl Iterator<Item = (&Event, &Immunization)> {
        self.events.iter().filter_map(|e| match &e.payload {
            EventPayload::Immunization(i) => Some((e, i)),
            _ => None,
        })
    }

    /// Measurements taken, with their event.
    pub fn measurements(&self) -> impl Iterator<Item = (&Event, &Measurement)> {
        self.events.iter().filter_map(|e| match &e.payload {
            EventPayload::Measurement(m) => Some((e, m)),
            _ => None,
        })
    }

    /// The latest answer about `condition`: `Some(status)` while it applies (not resolved).
    pub fn condition(&self, condition: &Condition) -> Option<&ilp_model::ConditionStatus> {
        let mut latest = None;
        for e in &self.events {
            if let EventPayload::HealthStatus(h) = &e.payload {
                for c in &h.conditions {
                    if &c.condition == condition {
                        latest = Some(c);
                    }
                }
            }
        }
        latest.filter(|c| !c.resolved)
    }

    /// The latest non-empty answer to one health-status question.
    pub fn latest_answer(
        &self,
        question: impl Fn(&ilp_model::HealthStatus) -> Option<bool>,
    ) -> Option<bool> {
        self.events
            .iter()
            .rev()
            .filter_map(|e| match &e.payload {
                EventPayload::HealthStatus(h) => question(h),
                _ => None,
            })
            .next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ilp_model::{
        ConditionStatus, DeviceId, EventId, HealthStatus, PersonId, Timestamp, UserId,
    };

    fn status(n: u8, h: HealthStatus) -> Event {
        Event {
            id: EventId::from_random_bytes([n; 16]),
            person: PersonId::from_random_bytes([1; 16]),
            visit: None,
            recorded_by: UserId::from_random_bytes([2; 16]),
            device: DeviceId::from_random_bytes([3; 16]),
            occurred_at: Timestamp::from_millis(n as i64 * 1000),
            recorded_at: Timestamp::from_millis(n as i64 * 1000),
            payload: EventPayload::HealthStatus(h),
        }
    }

    #[test]
    fn latest_answers_win_and_unasked_keep_the_earlier_one() {
        let mut p = PersonFacts::new(Person {
            id: PersonId::from_random_bytes([1; 16]),
            household: None,
            name: None,
            sex: None,
            birth: None,
            nik: None,
            phone: None,
            relation: None,
            mother: None,
            description: None,
            merged_into: None,
        });
        p.events.push(status(
            1,
            HealthStatus {
                conditions: vec![ConditionStatus {
                    condition: Condition::Tuberculosis,
                    on_treatment: Some(true),
                    neglected: None,
                    resolved: false,
                }],
                smokes: Some(true),
                ..Default::default()
            },
        ));
        p.events.push(status(
            2,
            HealthStatus {
                smokes: None,
                family_planning: Some(false),
                ..Default::default()
            },
        ));
        assert_eq!(p.latest_answer(|h| h.smokes), Some(true));
        assert_eq!(p.latest_answer(|h| h.family_planning), Some(false));
        assert!(p.condition(&Condition::Tuberculosis).is_some());
        p.events.push(status(
            3,
            HealthStatus {
                conditions: vec![ConditionStatus {
                    condition: Condition::Tuberculosis,
                    on_treatment: None,
                    neglected: None,
                    resolved: true,
                }],
                ..Default::default()
            },
        ));
        assert!(p.condition(&Condition::Tuberculosis).is_none());
    }
}
