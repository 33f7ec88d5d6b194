//! The FFI surface of the core: one entry object, [`IlpCore`], that opens the device's database
//! for a user, and screen-sized calls over it. This crate only converts and checks scope; the
//! rules live in the store and rules crates.

uniffi::setup_scaffolding!();

mod assessment;
mod codes;
mod coverage;
mod demo;
mod error;
mod family_index;
mod forms;
mod growth_chart;
mod growth_fields;
mod session_end;
mod subjects;
mod sync;
mod views;
mod visit_plan;
mod worklist;

pub use assessment::*;
pub use codes::*;
pub use coverage::*;
pub use demo::*;
pub use error::IlpError;
pub use family_index::*;
pub use forms::*;
pub use growth_chart::*;
pub use subjects::*;
pub use sync::*;
pub use views::*;
pub use visit_plan::*;
pub use worklist::*;

use ilp_model::timestamp::Timestamp;
use ilp_model::{AreaId, DeviceId, HouseholdId, PersonId, User};
use ilp_store::{
    DbKey, OsEntropy, Store, StoreConfig, WriteCtx, areas, events, households, merge, persons,
    pregnancies, search, users,
};
use std::collections::HashSet;
use std::sync::{Arc, Mutex, RwLock};
use time::{Date, UtcOffset};

/// The core library's version, for the app's about screen.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// How the app opens its database.
#[derive(Clone, Debug, uniffi::Record)]
pub struct OpenConfig {
    pub db_path: String,
    /// The raw 256-bit SQLCipher key from Android Keystore / iOS Keychain (32 bytes).
    pub key: Vec<u8>,
    /// This phone's id (a UUID the app makes once and keeps).
    pub device_id: String,
    /// The user working now (their login happened before; see the sync layer).
    pub username: String,
    /// The phone's offset from UTC in minutes (WIB 420, WITA 480, WIT 540): it decides "today".
    pub utc_offset_minutes: i32,
}

/// What opening found, for a notice on the first screen.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct OpenStatus {
    pub created: bool,
    pub migrated_from: Option<i64>,
    /// A damaged database was moved here; it may hold unsynced records: keep it, report it.
    pub moved_aside_path: Option<String>,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct UserInfo {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub area_ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct OutboxStatus {
    pub pending: i64,
    pub refused: i64,
    pub acked: i64,
}

/// The app's handle on the core. Thread-safe; every call is short and synchronous (reads from a
/// WAL snapshot, writes in one transaction), so apps call it off the main thread.
#[derive(uniffi::Object)]
pub struct IlpCore {
    store: Arc<Store>,
    user: User,
    offset: UtcOffset,
    scope: RwLock<HashSet<AreaId>>,
    status: OpenStatus,
    /// The running sync's cancel handle, if one runs.
    sync_cancel: Mutex<Option<ilp_sync::engine::CancelToken>>,
    /// The store's sync, kept so its HTTP connections are reused from one sync to the next.
    syncer: ilp_sync::engine::Syncer,
}

fn now() -> Timestamp {
    Timestamp::from_datetime(time::OffsetDateTime::now_utc())
}

impl IlpCore {
    fn ctx(&self) -> WriteCtx {
        let now = now();
        WriteCtx {
            user: self.user.id,
            now,
            today: self.today_at(now),
        }
    }

    fn today_at(&self, now: Timestamp) -> Date {
        now.date_at(self.offset)
    }

    fn check_rt(&self, rt: AreaId) -> Result<(), IlpError> {
        if self
            .scope
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&rt)
        {
            Ok(())
        } else {
            Err(IlpError::Auth {
                reason: "this RT is outside your assigned area".into(),
            })
        }
    }

    /// A person may be seen and changed when their household is in scope, or when they have no
    /// household (an emergency registration anyone on duty may need to find).
    fn check_person(&self, id: PersonId) -> Result<(), IlpError> {
        let rt = self.store.read(|c| {
            let p = persons::get_person(c, id)?;
            Ok(match p.household {
                Some(h) => Some(households::get_household(c, h)?.rt),
                None => None,
            })
        })?;
        match rt {
            Some(rt) => self.check_rt(rt),
            None => Ok(()),
        }
    }
}

/// Opens the store a config names (the key raw from Keystore/Keychain).
pub(crate) fn open_store(config: &OpenConfig) -> Result<(Store, ilp_store::OpenReport), IlpError> {
    let key = DbKey::from_slice(&config.key)?;
    let device: DeviceId = forms::parse_id("device_id", &config.device_id)?;
    let offset = utc_offset(config.utc_offset_minutes)?;
    Ok(Store::open(
        StoreConfig {
            path: config.db_path.clone().into(),
            key: Some(key),
            device,
            utc_offset: offset,
        },
        Box::new(OsEntropy),
        now(),
    )?)
}

fn utc_offset(minutes: i32) -> Result<UtcOffset, IlpError> {
    UtcOffset::from_whole_seconds(minutes * 60)
        .map_err(|_| error::validation("utc_offset_minutes", "must be within ±24 hours"))
}

/// The user working on a store: a user record synced to it, else (right after the first online
/// login, before the first sync brought the user records) the user as the server described them.
fn user_of(store: &Store, username: &str) -> Result<User, IlpError> {
    if let Some(u) = store.read(|c| users::find_by_username(c, username))? {
        return if u.active {
            Ok(u)
        } else {
            Err(IlpError::Auth {
                reason: "this user is disabled".into(),
            })
        };
    }
    let session = ilp_sync::session::load_session(store)?;
    match session {
        Some(s) if s.user.username.eq_ignore_ascii_case(username) => Ok(User {
            id: forms::parse_id("user.id", &s.user.id)?,
            username: s.user.username,
            display_name: s.user.display_name,
            role: ilp_model::Role::parse("user.role", &s.user.role)
                .map_err(|e| error::validation(e.field, e.reason))?,
            areas: s
                .user
                .areas
                .iter()
                .map(|a| forms::parse_id("user.areas", a))
                .collect::<Result<_, _>>()?,
            active: true,
        }),
        _ => Err(IlpError::Auth {
            reason: "unknown or inactive user on this phone".into(),
        }),
    }
}

impl IlpCore {
    pub(crate) fn with_store(
        (store, report): (Store, ilp_store::OpenReport),
        config: &OpenConfig,
    ) -> Result<Arc<Self>, IlpError> {
        let offset = utc_offset(config.utc_offset_minutes)?;
        let user = user_of(&store, &config.username)?;
        let scope: HashSet<AreaId> = store
            .read(|c| users::scope_rts(c, &user))?
            .into_iter()
            .collect();
        let store = Arc::new(store);
        let core = Arc::new(Self {
            syncer: sync::syncer_for(Arc::clone(&store)),
            store,
            user,
            offset,
            scope: RwLock::new(scope),
            status: OpenStatus {
                created: report.created,
                migrated_from: report.migrated_from,
                moved_aside_path: report.moved_aside.map(|p| p.display().to_string()),
            },
            sync_cancel: Mutex::new(None),
        });
        Ok(core)
    }

    /// Re-reads the RTs in scope (after a sync brought areas or changed the assignment).
    pub(crate) fn refresh_scope(&self) -> Result<(), IlpError> {
        let user = self
            .store
            .read(|c| users::find_by_username(c, &self.user.username))?
            .unwrap_or_else(|| self.user.clone());
        let rts: HashSet<AreaId> = self
            .store
            .read(|c| users::scope_rts(c, &user))?
            .into_iter()
            .collect();
        *self.scope.write().unwrap_or_else(|p| p.into_inner()) = rts;
        Ok(())
    }
}

#[uniffi::export]
impl IlpCore {
    /// Opens (creating or upgrading) the database for `username` on this device. The user must
    /// have logged in online once on this store (see `login_online`) or be a user of it.
    #[uniffi::constructor]
    pub fn open(config: OpenConfig) -> Result<Arc<Self>, IlpError> {
        let store = open_store(&config)?;
        Self::with_store(store, &config)
    }

    /// Builds the in-memory name index now (about 2 s at 50,000 persons on a cheap phone), so the
    /// first search is quick. Call it once after `open`, off the main thread; a search before it
    /// builds the index itself. The core starts no thread of its own for it: a thread still
    /// decrypting pages when the app's process exits races the crypto library's teardown.
    pub fn prepare_search(&self) -> Result<(), IlpError> {
        Ok(self.store.warm_search_index()?)
    }

    pub fn open_status(&self) -> OpenStatus {
        self.status.clone()
    }

    pub fn current_user(&self) -> UserInfo {
        UserInfo {
            id: self.user.id.to_string(),
            username: self.user.username.clone(),
            display_name: self.user.display_name.clone(),
            role: self.user.role.code().into(),
            area_ids: self.user.areas.iter().map(|a| a.to_string()).collect(),
        }
    }

    /// The area tree down to the user's RT: their assigned areas and everything under them, plus
    /// the path above them (marked out of scope).
    pub fn area_tree(&self) -> Result<Vec<AreaNode>, IlpError> {
        let scope = self.scope.read().unwrap_or_else(|p| p.into_inner()).clone();
        Ok(self.store.read(|c| {
            let all = areas::area_tree(c)?;
            let inside: HashSet<AreaId> = areas::subtree(c, &self.user.areas)?
                .into_iter()
                .map(|a| a.id)
                .collect();
            let by_id: std::collections::HashMap<AreaId, &ilp_model::Area> =
                all.iter().map(|a| (a.id, a)).collect();
            let mut above = HashSet::new();
            for a in &self.user.areas {
                let mut cur = by_id.get(a).and_then(|x| x.parent);
                while let Some(p) = cur {
                    above.insert(p);
                    cur = by_id.get(&p).and_then(|x| x.parent);
                }
            }
            let admin_all = self.user.areas.is_empty() && self.user.role == ilp_model::Role::Admin;
            Ok(all
                .into_iter()
                .filter(|a| admin_all || inside.contains(&a.id) || above.contains(&a.id))
                .map(|a| {
                    let in_scope = admin_all || inside.contains(&a.id) || scope.contains(&a.id);
                    AreaNode::from_area(a, in_scope)
                })
                .collect())
        })?)
    }

    /// The Posyandu serving the user's RT (for the visit form's Posyandu choice).
    pub fn posyandu_list(&self) -> Result<Vec<PosyanduView>, IlpError> {
        let scope = self.scope.read().unwrap_or_else(|p| p.into_inner()).clone();
        Ok(self
            .store
            .read(areas::posyandu_list)?
            .into_iter()
            .filter(|p| p.rts.iter().any(|rt| scope.contains(rt)))
            .map(|p| PosyanduView {
                id: p.id.to_string(),
                name: p.name,
                village_id: p.village.to_string(),
                rt_ids: p.rts.iter().map(|r| r.to_string()).collect(),
            })
            .collect())
    }

    /// The households of one RT with head name and member count.
    pub fn households_in_rt(&self, rt_id: String) -> Result<Vec<HouseholdRow>, IlpError> {
        let rt: AreaId = forms::parse_id("rt_id", &rt_id)?;
        self.check_rt(rt)?;
        Ok(self
            .store
            .read(|c| households::households_in_rt(c, rt))?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The household screen: members with their latest measurements and pregnancy.
    pub fn household_detail(&self, household_id: String) -> Result<HouseholdScreen, IlpError> {
        let id: HouseholdId = forms::parse_id("household_id", &household_id)?;
        let detail = self.store.read(|c| households::household_detail(c, id))?;
        self.check_rt(detail.household.rt)?;
        Ok(views::household_screen(detail, self.today_at(now())))
    }

    /// Registers a household with all its members in one transaction.
    pub fn register_household(
        &self,
        household: HouseholdForm,
        members: Vec<PersonForm>,
    ) -> Result<RegistrationResult, IlpError> {
        let hinput = household.to_input()?;
        self.check_rt(hinput.rt)?;
        let minputs = members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                m.to_input().map_err(|e| match e {
                    IlpError::Validation { field, reason } => IlpError::Validation {
                        field: format!("members[{i}].{field}"),
                        reason,
                    },
                    other => other,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let reg = self
            .store
            .write(&self.ctx(), |w| households::register(w, &hinput, &minputs))?;
        Ok(RegistrationResult {
            household_id: reg.household.to_string(),
            member_ids: reg.members.iter().map(|m| m.to_string()).collect(),
            warnings: reg
                .warnings
                .iter()
                .map(|(i, w)| codes::nik_warning(*i as u32, w))
                .collect(),
        })
    }

    /// Adds one person to an existing household (a newborn, someone moving in).
    pub fn add_member(&self, household_id: String, member: PersonForm) -> Result<String, IlpError> {
        let hid: HouseholdId = forms::parse_id("household_id", &household_id)?;
        let rt = self
            .store
            .read(|c| Ok(households::get_household(c, hid)?.rt))?;
        self.check_rt(rt)?;
        let input = member.to_input()?;
        let mother = match &input.mother {
            Some(ilp_store::input::MotherRef::Existing(m)) => Some(*m),
            Some(ilp_store::input::MotherRef::Member(_)) => {
                return Err(error::validation(
                    "mother_member_index",
                    "use mother_id when adding one member",
                ));
            }
            None => None,
        };
        let (id, _) = self.store.write(&self.ctx(), |w| {
            persons::add_person(w, Some(hid), &input, mother)
        })?;
        Ok(id.to_string())
    }

    /// Registers a person met outside any registered household (an emergency, someone with no
    /// family present). Only a description is required.
    pub fn register_unattached_person(&self, person: PersonForm) -> Result<String, IlpError> {
        let input = person.to_input()?;
        if input.mother.is_some() {
            return Err(error::validation(
                "mother_id",
                "link the mother after registration",
            ));
        }
        let (id, _) = self
            .store
            .write(&self.ctx(), |w| persons::add_person(w, None, &input, None))?;
        Ok(id.to_string())
    }

    /// Replaces a person's fields with the form (the whole form, as the edit screen shows it).
    pub fn edit_person(
        &self,
        person_id: String,
        form: PersonForm,
    ) -> Result<Vec<NikWarningView>, IlpError> {
        let id: PersonId = forms::parse_id("person_id", &person_id)?;
        self.check_person(id)?;
        let input = form.to_input()?;
        let warnings = self
            .store
            .write(&self.ctx(), |w| persons::edit_person(w, id, &input))?;
        Ok(warnings.iter().map(|w| codes::nik_warning(0, w)).collect())
    }

    /// Replaces a household's fields with the form; moving it to another RT needs that RT in scope.
    pub fn edit_household(
        &self,
        household_id: String,
        form: HouseholdForm,
    ) -> Result<(), IlpError> {
        let id: HouseholdId = forms::parse_id("household_id", &household_id)?;
        let current = self.store.read(|c| households::get_household(c, id))?;
        self.check_rt(current.rt)?;
        let input = form.to_input()?;
        self.check_rt(input.rt)?;
        Ok(self
            .store
            .write(&self.ctx(), |w| households::edit(w, id, &input))?)
    }

    /// Records a whole visit (measurements, immunizations, services, danger signs, referral, note)
    /// in one transaction.
    pub fn record_visit(&self, visit: VisitForm) -> Result<VisitResult, IlpError> {
        let ctx = self.ctx();
        let input = visit.to_input(ctx.now)?;
        self.check_person(input.person).map_err(|e| match e {
            IlpError::NotFound { .. } => {
                error::validation("person_id", "is not a registered person")
            }
            other => other,
        })?;
        let rec = self
            .store
            .write(&ctx, |w| events::record_visit(w, &input))?;
        Ok(VisitResult {
            visit_id: rec.visit.to_string(),
            person_id: rec.person.to_string(),
            event_ids: rec.parts.iter().map(|e| e.to_string()).collect(),
        })
    }

    /// A person's history, corrections applied, newest first.
    pub fn person_history(&self, person_id: String) -> Result<Vec<HistoryEntry>, IlpError> {
        let id: PersonId = forms::parse_id("person_id", &person_id)?;
        self.check_person(id)?;
        let events = self.store.read(|c| events::effective_events(c, id))?;
        Ok(events
            .iter()
            .rev()
            .map(|e| HistoryEntry {
                event_id: e.id.to_string(),
                visit_id: e.visit.map(|v| v.to_string()),
                kind: e.payload.kind().into(),
                occurred_at_ms: views::ms(e.occurred_at),
                summary: views::history_summary(&e.payload),
            })
            .collect())
    }

    /// Search by name (old spelling, case, spacing and small typos tolerated), NIK, KK or phone,
    /// within the user's area.
    pub fn search(&self, query: String, limit: u32) -> Result<Vec<SearchResult>, IlpError> {
        let scope = self.scope.read().unwrap_or_else(|p| p.into_inner()).clone();
        let today = self.today_at(now());
        let limit = limit.clamp(1, 200) as usize;
        let hits = search::search(&self.store, &query, Some(&scope), limit)?;
        Ok(self.store.read(|c| {
            let labels = search::rt_labels(c, &hits)?;
            Ok(hits
                .into_iter()
                .map(|h| SearchResult {
                    person_id: h.person.id.to_string(),
                    household_id: h.household.map(|x| x.to_string()),
                    name: h.person.name.clone(),
                    description: h.person.description.clone(),
                    sex: h.person.sex.map(Into::into),
                    age_label: h.person.birth.map(|b| views::age_label(&b, today)),
                    rt_label: h.rt.and_then(|rt| labels.get(&rt).cloned()),
                    address: h.address,
                    nik_masked: h.person.nik.as_ref().map(views::mask_nik),
                    matched_by: match h.matched_by {
                        search::MatchedBy::Name => "name",
                        search::MatchedBy::Nik => "nik",
                        search::MatchedBy::KkNumber => "kk_number",
                        search::MatchedBy::Phone => "phone",
                    }
                    .into(),
                    score: h.score,
                })
                .collect())
        })?)
    }

    /// Merges `merged_id` into `survivor_id` (same person recorded twice); both histories are kept.
    pub fn merge_persons(
        &self,
        survivor_id: String,
        merged_id: String,
    ) -> Result<MergeOutcome, IlpError> {
        let survivor: PersonId = forms::parse_id("survivor_id", &survivor_id)?;
        let merged: PersonId = forms::parse_id("merged_id", &merged_id)?;
        self.check_person(survivor)?;
        self.check_person(merged)?;
        let r = self
            .store
            .write(&self.ctx(), |w| merge::merge_persons(w, survivor, merged))?;
        Ok(MergeOutcome {
            survivor_id: r.survivor.to_string(),
            merged_id: r.merged.to_string(),
            filled_fields: r.filled_fields,
        })
    }

    /// Opens a pregnancy episode from HPHT (YYYY-MM-DD); the delivery date follows by Naegele's
    /// rule unless given (from ultrasound).
    pub fn register_pregnancy(
        &self,
        person_id: String,
        hpht: Option<String>,
        edd: Option<String>,
    ) -> Result<String, IlpError> {
        let id: PersonId = forms::parse_id("person_id", &person_id)?;
        self.check_person(id)?;
        let hpht = hpht
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| forms::parse_date("hpht", s))
            .transpose()?;
        let edd = edd
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| forms::parse_date("edd", s))
            .transpose()?;
        Ok(self
            .store
            .write(&self.ctx(), |w| pregnancies::register(w, id, hpht, edd))?
            .to_string())
    }

    /// Records how a pregnancy ended (`live_birth`, `stillbirth`, `miscarriage`, `unknown`) and
    /// when, to the hour: the KF and KN windows start from it. `place_kind` is
    /// `health_facility`, `home` or `on_the_way` (the family health index asks for it).
    pub fn record_pregnancy_outcome(
        &self,
        pregnancy_id: String,
        outcome: String,
        at_ms: i64,
        place: Option<String>,
        place_kind: Option<String>,
    ) -> Result<(), IlpError> {
        let id: ilp_model::PregnancyId = forms::parse_id("pregnancy_id", &pregnancy_id)?;
        let pregnancy = self.store.read(|c| pregnancies::get(c, id))?;
        self.check_person(pregnancy.person)?;
        let kind = ilp_model::pregnancy::OutcomeKind::parse_known("outcome", &outcome)
            .map_err(|e| error::validation(e.field, e.reason))?;
        let place_kind = place_kind
            .map(|k| ilp_model::DeliveryPlace::parse_known("place_kind", &k))
            .transpose()
            .map_err(|e| error::validation(e.field, e.reason))?;
        Ok(self.store.write(&self.ctx(), |w| {
            pregnancies::record_outcome(
                w,
                id,
                kind,
                Timestamp::from_millis(at_ms),
                place.as_deref(),
                place_kind,
            )
        })?)
    }

    /// Withdraws a recorded event (entered for the wrong person, or twice); the history keeps
    /// the correction, not the mistake.
    pub fn void_event(&self, event_id: String, reason: String) -> Result<String, IlpError> {
        let id: ilp_model::EventId = forms::parse_id("event_id", &event_id)?;
        let event = self.store.read(|c| events::load_event(c, id))?;
        self.check_person(event.person)?;
        Ok(self
            .store
            .write(&self.ctx(), |w| events::void_event(w, id, &reason))?
            .to_string())
    }

    /// Replaces a recorded measurement (a mistyped weight); the new values are checked like new
    /// input.
    pub fn amend_measurement(
        &self,
        event_id: String,
        measurement: MeasurementForm,
        reason: String,
    ) -> Result<String, IlpError> {
        let id: ilp_model::EventId = forms::parse_id("event_id", &event_id)?;
        let event = self.store.read(|c| events::load_event(c, id))?;
        self.check_person(event.person)?;
        let replacement = ilp_model::EventPayload::Measurement(forms::measurement(&measurement)?);
        Ok(self
            .store
            .write(&self.ctx(), |w| {
                events::amend_event(w, id, replacement, &reason)
            })?
            .to_string())
    }

    /// Counts for the sync screen: records waiting to be sent, refused by the server, sent.
    pub fn outbox_status(&self) -> Result<OutboxStatus, IlpError> {
        let s = self.store.outbox_stats()?;
        Ok(OutboxStatus {
            pending: s.pending,
            refused: s.refused,
            acked: s.acked,
        })
    }

    /// Closes the database (app to background; iOS kills apps holding SQLite locks). Named apart
    /// from `close()`, which Kotlin's AutoCloseable gives every uniffi object.
    pub fn close_database(&self) -> Result<(), IlpError> {
        Ok(self.store.close()?)
    }

    /// Reopens after `close_database` (app back in the foreground).
    pub fn reopen_database(&self) -> Result<(), IlpError> {
        self.store.reopen(now())?;
        Ok(())
    }
}
