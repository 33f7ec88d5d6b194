//! Screen-sized calls over the schedules: the day's worklist, a person's due items, and the
//! Posyandu session (who is expected, who came, who becomes a home visit).

use crate::error::IlpError;
use crate::views::age_label;
use crate::{IlpCore, forms, now};
use ilp_model::{AreaId, Person, PersonId, PosyanduId};
use ilp_rules::due::{DueItem, DueStatus};
use ilp_rules::worklist::{Priority, StopKey};
use ilp_store::worklist::PersonLabels;
use ilp_store::{areas, persons};
use std::collections::HashMap;
use time::Date;

/// One due item as a list row shows it.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct DueItemView {
    pub person_id: String,
    /// Stable per person ("imm:mr:1", "anc:<pregnancy>:3").
    pub key: String,
    /// immunization, bias, anc, kf, kn, weighing, vitamin_a, ptm_screening, elderly_screening,
    /// condition_follow_up, danger_sign_follow_up, referral_follow_up.
    pub kind: String,
    /// Bahasa Indonesia ("Imunisasi MR 1", "ANC K3 (dokter)").
    pub label: String,
    pub earliest: String,
    pub due: String,
    pub latest: Option<String>,
    /// upcoming, due, overdue, done, missed, not_allowed.
    pub status: String,
    pub status_label: String,
    pub done_on: Option<String>,
    pub high_risk: bool,
    /// The rule table and version the item follows ("imunisasi-rutin@1").
    pub rule_table: String,
}

pub(crate) fn status_label(s: &DueStatus) -> &'static str {
    match s {
        DueStatus::Upcoming => "Akan datang",
        DueStatus::Due => "Jatuh tempo",
        DueStatus::Overdue => "Terlambat",
        DueStatus::Done { .. } => "Sudah",
        DueStatus::Missed => "Terlewat",
        DueStatus::NotAllowed => "Tidak boleh diberikan lagi",
    }
}

pub(crate) fn due_item_view(item: &DueItem, today: Date) -> DueItemView {
    let status = item.status(today);
    DueItemView {
        person_id: item.person.to_string(),
        key: item.kind.key(),
        kind: item.kind.code().to_string(),
        label: item.kind.label_id(),
        earliest: item.window.earliest.to_string(),
        due: item.window.due.to_string(),
        latest: item.window.latest.map(|d| d.to_string()),
        status: status.code().to_string(),
        status_label: status_label(&status).to_string(),
        done_on: item.done_on.map(|d| d.to_string()),
        high_risk: item.high_risk,
        rule_table: item.table.to_string(),
    }
}

/// One item on the worklist with whom it is for.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct WorklistEntry {
    pub person_name: String,
    pub age_label: String,
    /// follow_up, overdue_high_risk, overdue, due_today, due_this_week, due_later.
    pub priority: String,
    pub priority_label: String,
    pub item: DueItemView,
}

/// A household to visit (or a person with no household).
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct WorklistStop {
    pub household_id: Option<String>,
    pub address: Option<String>,
    pub head_name: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub priority: String,
    /// Someone here was expected at the Posyandu session of this day and did not come.
    pub missed_posyandu_on: Option<String>,
    pub entries: Vec<WorklistEntry>,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct WorklistRt {
    pub rt_id: Option<String>,
    /// "RT 002 / RW 005, Oesapa", or "Tanpa rumah tangga".
    pub rt_label: String,
    pub priority: String,
    pub stops: Vec<WorklistStop>,
}

/// The worklist screen: RT groups, households in walking order, items most urgent first.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct WorklistView {
    pub date: String,
    pub item_count: u32,
    pub household_count: u32,
    pub groups: Vec<WorklistRt>,
}

/// A person's schedule screen.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct PersonSchedule {
    pub person_id: String,
    pub name: String,
    pub age_label: String,
    pub items: Vec<DueItemView>,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ExpectedAttendee {
    pub person_id: String,
    pub household_id: Option<String>,
    pub name: String,
    pub age_label: String,
    pub attended: bool,
    /// Did not come and the day is over: a home visit.
    pub home_visit: bool,
    pub items: Vec<DueItemView>,
}

/// The Posyandu day: who is expected, who came, and who becomes a home visit.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct PosyanduSessionView {
    pub posyandu_id: String,
    pub date: String,
    pub expected: u32,
    pub attended: u32,
    pub home_visits: u32,
    pub attendees: Vec<ExpectedAttendee>,
    /// A kader ended this session on this phone (`end_posyandu_session`): its absentees are home
    /// visits already, before the day is over. Last, with a default, so code that builds this
    /// record keeps compiling.
    #[uniffi(default = false)]
    pub ended: bool,
}

pub(crate) fn display_name(p: &Person) -> String {
    p.name
        .clone()
        .or_else(|| p.description.clone())
        .unwrap_or_else(|| "(tanpa nama)".into())
}

fn age_of(p: &Person, today: Date) -> String {
    p.birth.map(|b| age_label(&b, today)).unwrap_or_default()
}

impl IlpCore {
    fn scope_rts(&self) -> Vec<AreaId> {
        let mut rts: Vec<AreaId> = self
            .scope
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .copied()
            .collect();
        rts.sort();
        rts
    }

    /// An unknown Posyandu is not found; one serving no RT of the user's area is refused.
    pub(crate) fn check_posyandu(&self, id: PosyanduId) -> Result<(), IlpError> {
        let scope = self.scope.read().unwrap_or_else(|p| p.into_inner()).clone();
        let posyandu = self
            .store
            .read(|c| Ok(areas::posyandu_list(c)?.into_iter().find(|p| p.id == id)))?
            .ok_or_else(|| IlpError::NotFound {
                what: "posyandu".into(),
                id: id.to_string(),
            })?;
        if !posyandu.rts.iter().any(|r| scope.contains(r)) {
            return Err(IlpError::Auth {
                reason: "this Posyandu serves no RT of your assigned area".into(),
            });
        }
        Ok(())
    }

    fn date_or_today(&self, field: &str, date: Option<String>) -> Result<Date, IlpError> {
        match date {
            Some(d) => forms::parse_date(field, &d),
            None => Ok(self.today_at(now())),
        }
    }
}

#[uniffi::export]
impl IlpCore {
    /// The signed-in user's worklist for `date` (default today): every due or overdue item of
    /// their RTs exactly once, follow-ups of danger signs and referrals first, then overdue
    /// high-risk, overdue, due today, due this week; households grouped by RT and in walking
    /// order where they have GPS.
    pub fn worklist(&self, date: Option<String>) -> Result<WorklistView, IlpError> {
        let today = self.date_or_today("date", date)?;
        let rts = self.scope_rts();
        let list = self.store.worklist(&rts, today)?;
        let labels: HashMap<AreaId, String> = self.store.read(|c| {
            let mut m = HashMap::new();
            for g in &list.groups {
                if let Some(rt) = g.rt {
                    m.insert(rt, areas::rt_place(c, rt)?.label());
                }
            }
            Ok(m)
        })?;
        let mut households = 0;
        let groups = list
            .groups
            .iter()
            .map(|g| WorklistRt {
                rt_id: g.rt.map(|r| r.to_string()),
                rt_label: g
                    .rt
                    .and_then(|r| labels.get(&r).cloned())
                    .unwrap_or_else(|| "Tanpa rumah tangga".into()),
                priority: g.priority.code().into(),
                stops: g
                    .stops
                    .iter()
                    .map(|s| {
                        households += 1;
                        let household = match s.key {
                            StopKey::Household(h) => list.households.get(&h),
                            StopKey::Person(_) => None,
                        };
                        WorklistStop {
                            household_id: match s.key {
                                StopKey::Household(h) => Some(h.to_string()),
                                StopKey::Person(_) => None,
                            },
                            address: household.and_then(|h| h.address.map(str::to_owned)),
                            head_name: household.and_then(|h| h.head_name.map(str::to_owned)),
                            lat: s.gps.map(|g| g.lat),
                            lon: s.gps.map(|g| g.lon),
                            priority: s.priority.code().into(),
                            missed_posyandu_on: s.missed_session.map(|d| d.to_string()),
                            entries: g
                                .items_of(s)
                                .iter()
                                .map(|(item, priority)| {
                                    entry(&list.persons, item, *priority, today)
                                })
                                .collect(),
                        }
                    })
                    .collect(),
            })
            .collect();
        Ok(WorklistView {
            date: today.to_string(),
            item_count: list.item_count() as u32,
            household_count: households,
            groups,
        })
    }

    /// A person's due items (done, open, upcoming, missed) with their status on `date` (default
    /// today).
    pub fn due_items(
        &self,
        person_id: String,
        date: Option<String>,
    ) -> Result<PersonSchedule, IlpError> {
        let id: PersonId = forms::parse_id("person_id", &person_id)?;
        self.check_person(id)?;
        let today = self.date_or_today("date", date)?;
        let items = self.store.due_items_of(id, today)?;
        let person = self.store.read(|c| {
            let id = persons::resolve_merged(c, id)?;
            persons::get_person(c, id)
        })?;
        Ok(PersonSchedule {
            person_id: person.id.to_string(),
            name: display_name(&person),
            age_label: age_of(&person, today),
            items: items.iter().map(|i| due_item_view(i, today)).collect(),
        })
    }

    /// Who is expected at a Posyandu on `date`, who came, and (once the day is over, or once a
    /// kader ended the session on this phone) who becomes a home visit.
    pub fn posyandu_session(
        &self,
        posyandu_id: String,
        date: String,
    ) -> Result<PosyanduSessionView, IlpError> {
        let id: PosyanduId = forms::parse_id("posyandu_id", &posyandu_id)?;
        let date = forms::parse_date("date", &date)?;
        let today = self.today_at(now());
        self.check_posyandu(id)?;
        let session = self.store.posyandu_session(id, date, today)?;
        let ended = self.store.posyandu_session_ended(id, date)?;
        let over = today > date || ended;
        let attendees: Vec<ExpectedAttendee> = session
            .expected
            .iter()
            .map(|e| ExpectedAttendee {
                person_id: e.person.id.to_string(),
                household_id: e.household.map(|h| h.to_string()),
                name: display_name(&e.person),
                age_label: age_of(&e.person, date),
                attended: e.attended,
                home_visit: over && !e.attended,
                items: e.items.iter().map(|i| due_item_view(i, date)).collect(),
            })
            .collect();
        Ok(PosyanduSessionView {
            posyandu_id: id.to_string(),
            date: date.to_string(),
            expected: attendees.len() as u32,
            attended: attendees.iter().filter(|a| a.attended).count() as u32,
            home_visits: attendees.iter().filter(|a| a.home_visit).count() as u32,
            attendees,
            ended,
        })
    }
}

fn entry(persons: &PersonLabels, item: &DueItem, priority: Priority, today: Date) -> WorklistEntry {
    let person = persons.get(&item.person);
    WorklistEntry {
        person_name: person
            .and_then(|p| p.name.map(str::to_owned))
            .unwrap_or_else(|| "(tanpa nama)".into()),
        age_label: person
            .and_then(|p| p.birth)
            .map(|b| age_label(&b, today))
            .unwrap_or_default(),
        priority: priority.code().into(),
        priority_label: priority.label_id().into(),
        item: due_item_view(item, today),
    }
}
