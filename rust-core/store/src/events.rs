//! Append-only events: recording a whole visit (measurements, immunizations, services, danger
//! signs, referral, note) in one transaction, corrections by void and amend, and the reads that
//! apply corrections and merges: a person's effective history and latest measurements.

use crate::error::{Result, StoreError};
use crate::outbox::OutboxOp;
use crate::persons;
use crate::write::WriteTx;
use ilp_model::validation::{limits, optional_text, required_text};
use ilp_model::{
    Antigen, Condition, DangerSign, Event, EventId, EventPayload, HealthStatus, HeightMethod,
    Immunization, Measurement, PersonId, PosyanduId, PregnancyId, Referral, Service, ServiceKind,
    Sex, Timestamp, ValidationError, Visit, VisitKind,
};
use ilp_rules::plausibility::{self, MeasurementInput};
use rusqlite::{Connection, params};
use std::collections::HashMap;
use time::Date;

/// How far ahead of the device clock a visit time may be (a kader's watch vs. the phone's).
const FUTURE_SLACK_MS: i64 = 10 * 60 * 1000;

/// An immunization as entered; `given_on` defaults to the visit's date.
#[derive(Clone, Debug, PartialEq)]
pub struct ImmunizationInput {
    pub antigen: Antigen,
    pub dose: u8,
    pub given_on: Option<Date>,
    pub batch: Option<String>,
    pub recorded_from_history: bool,
}

/// A referral as entered.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ReferralInput {
    pub to: String,
    pub emergency: bool,
    pub reason: Option<String>,
    pub pickup_called: bool,
    pub pickup_called_at: Option<Timestamp>,
    pub pickup_service: Option<String>,
}

/// A whole visit as one form: everything the kader or bidan recorded for one person.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitInput {
    pub person: PersonId,
    pub occurred_at: Timestamp,
    pub kind: VisitKind,
    pub posyandu: Option<PosyanduId>,
    pub place: Option<String>,
    pub pregnancy: Option<PregnancyId>,
    pub measurement: Option<Measurement>,
    pub immunizations: Vec<ImmunizationInput>,
    pub services: Vec<Service>,
    pub danger_signs: Vec<DangerSign>,
    pub danger_note: Option<String>,
    pub referral: Option<ReferralInput>,
    /// Answers about known conditions, smoking, family planning, breastfeeding.
    pub health_status: Option<HealthStatus>,
    pub note: Option<String>,
}

impl VisitInput {
    /// A visit with nothing recorded yet; fill in the parts with struct update syntax.
    pub fn new(person: PersonId, occurred_at: Timestamp, kind: VisitKind) -> Self {
        Self {
            person,
            occurred_at,
            kind,
            posyandu: None,
            place: None,
            pregnancy: None,
            measurement: None,
            immunizations: Vec::new(),
            services: Vec::new(),
            danger_signs: Vec::new(),
            danger_note: None,
            referral: None,
            health_status: None,
            note: None,
        }
    }
}

/// What recording a visit produced.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitRecorded {
    pub visit: EventId,
    /// The person the visit was filed under (the surviving record if the given one was merged).
    pub person: PersonId,
    pub parts: Vec<EventId>,
}

/// Refuses unknown conditions, a condition listed twice, and a status that answers nothing.
fn validate_health_status(h: &HealthStatus) -> Result<HealthStatus> {
    for (i, c) in h.conditions.iter().enumerate() {
        if let Condition::Other(code) = &c.condition {
            return Err(v(
                format!("health_status.conditions[{i}].condition"),
                format!("unknown condition '{code}'"),
            ));
        }
        if h.conditions[..i].iter().any(|o| o.condition == c.condition) {
            return Err(v(
                format!("health_status.conditions[{i}].condition"),
                "is listed twice",
            ));
        }
        if c.neglected.is_some() && c.condition != Condition::SevereMentalIllness {
            return Err(v(
                format!("health_status.conditions[{i}].neglected"),
                "is asked only for a severe mental illness",
            ));
        }
    }
    if h.conditions.is_empty()
        && h.smokes.is_none()
        && h.family_planning.is_none()
        && h.exclusive_breastfeeding.is_none()
    {
        return Err(v("health_status", "answers nothing"));
    }
    Ok(h.clone())
}

fn v(field: impl Into<String>, reason: impl Into<String>) -> StoreError {
    StoreError::Validation(ValidationError::new(field, reason))
}

/// Appends one event (row and outbox entry). The caller has validated its content.
pub fn insert_event(wtx: &mut WriteTx<'_>, e: &Event) -> Result<()> {
    wtx.touch_person(e.person);
    crate::due_items::note_session_visit(wtx.conn(), e, wtx.offset)?;
    let hlc = wtx.stamp();
    // The event row already holds everything and never changes: the outbox refers to it instead
    // of storing its JSON twice (`outbox::pending` reads it back), which halves what a visit writes.
    insert_event_row(wtx.conn(), e, &hlc.to_string(), false)?;
    wtx.outbox(
        "event",
        &e.id.to_string(),
        OutboxOp::Append,
        &hlc,
        &serde_json::Value::Null,
    )?;
    Ok(())
}

/// Writes an event's row with its stamp. `once` ignores an event already stored (a pulled event
/// delivered twice); returns whether the row was written.
pub(crate) fn insert_event_row(
    conn: &Connection,
    e: &Event,
    hlc: &str,
    once: bool,
) -> Result<bool> {
    let target = match &e.payload {
        EventPayload::Void { target, .. } | EventPayload::Amend { target, .. } => {
            Some(target.to_string())
        }
        _ => None,
    };
    let sql = if once {
        "INSERT OR IGNORE INTO event (id, person_id, visit_id, kind, target_id, occurred_at, recorded_at, recorded_by, device_id, hlc, payload)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    } else {
        "INSERT INTO event (id, person_id, visit_id, kind, target_id, occurred_at, recorded_at, recorded_by, device_id, hlc, payload)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    };
    let n = conn.prepare_cached(sql)?.execute(params![
        e.id.to_string(),
        e.person.to_string(),
        e.visit.map(|v| v.to_string()),
        e.payload.kind(),
        target,
        e.occurred_at.millis(),
        e.recorded_at.millis(),
        e.recorded_by.to_string(),
        e.device.to_string(),
        hlc,
        serde_json::to_string(&e.payload)?,
    ])?;
    Ok(n == 1)
}

fn validate_measurement(m: &Measurement, age_days: Option<i64>) -> Result<Measurement> {
    let mut m = m.clone();
    if m.is_empty() {
        return Err(v("measurement", "has no values; leave it out instead"));
    }
    plausibility::check_measurement(
        &MeasurementInput {
            weight_kg: m.weight_kg,
            length_or_height_cm: m.length_or_height_cm,
            head_circumference_cm: m.head_circumference_cm,
            muac_cm: m.muac_cm,
            systolic_mmhg: m.systolic_mmhg,
            diastolic_mmhg: m.diastolic_mmhg,
            blood_glucose_mg_dl: m.blood_glucose_mg_dl,
        },
        age_days,
    )
    .map_err(|e| v(format!("measurement.{}", e.field), e.reason))?;
    if m.systolic_mmhg.is_some() != m.diastolic_mmhg.is_some() {
        return Err(v(
            "measurement.diastolic_mmhg",
            "blood pressure needs both systolic and diastolic",
        ));
    }
    if m.length_or_height_cm.is_some() && m.height_method.is_none() {
        // WHO's convention: lying down below 731 days, standing from then on.
        m.height_method = Some(match age_days {
            Some(d) if d < 731 => HeightMethod::Recumbent,
            _ => HeightMethod::Standing,
        });
    }
    if m.blood_glucose_mg_dl.is_none() {
        m.glucose_timing = None;
    }
    Ok(m)
}

/// The measurement checks of [`record_visit`] alone, for a preview while the form is typed: the
/// person (merges followed), the day (`on`, a local date: not after `today`, not before an exact
/// birth date) and the plausibility limits for the age on that day, with the same field names.
/// Returns the surviving person's id and the measurement as it would be stored (the length's
/// method filled in by age). An empty measurement is returned as it is: the visit then saves
/// without one.
pub fn check_measurement_on(
    conn: &Connection,
    person: PersonId,
    on: Date,
    today: Date,
    m: &Measurement,
) -> Result<(PersonId, Measurement)> {
    let person_id = persons::resolve_merged(conn, person).map_err(|e| match e {
        StoreError::NotFound { .. } => v("person", "is not a registered person"),
        other => other,
    })?;
    let person = persons::get_person(conn, person_id)?;
    if on > today {
        return Err(v("measured_on", "is in the future"));
    }
    let age_days = person.birth.map(|b| b.age_days(on));
    if let (Some(b), Some(age)) = (person.birth, age_days)
        && !b.estimated
        && age < 0
    {
        return Err(v("measured_on", "is before the person's birth date"));
    }
    if m.is_empty() {
        return Ok((person_id, m.clone()));
    }
    Ok((person_id, validate_measurement(m, age_days)?))
}

fn check_visit_kind(kind: &VisitKind) -> Result<()> {
    match kind {
        VisitKind::Kf { number } if !(1..=4).contains(number) => {
            Err(v("kind", "KF visits are numbered 1 to 4"))
        }
        VisitKind::Kn { number } if !(1..=3).contains(number) => {
            Err(v("kind", "KN visits are numbered 1 to 3"))
        }
        VisitKind::Anc {
            contact: Some(c), ..
        } if !(1..=12).contains(c) => Err(v("kind", "ANC contacts are numbered 1 to 12")),
        _ => Ok(()),
    }
}

/// Validates and records a whole visit: the visit event and one linked event per part, all with
/// their outbox entries in the caller's transaction.
pub fn record_visit(wtx: &mut WriteTx<'_>, input: &VisitInput) -> Result<VisitRecorded> {
    let person_id = persons::resolve_merged(wtx.conn(), input.person).map_err(|e| match e {
        StoreError::NotFound { .. } => v("person", "is not a registered person"),
        other => other,
    })?;
    let person = persons::get_person(wtx.conn(), person_id)?;
    let now = wtx.ctx.now;
    if input.occurred_at.millis() > now.millis() + FUTURE_SLACK_MS {
        return Err(v("occurred_at", "is in the future"));
    }
    // The visit's local date on this device (WIB, WITA or WIT), as the user sees it.
    let visit_date = input.occurred_at.date_at(wtx.offset);
    let age_days = person.birth.map(|b| b.age_days(visit_date));
    if let (Some(b), Some(age)) = (person.birth, age_days)
        && !b.estimated
        && age < 0
    {
        return Err(v("occurred_at", "is before the person's birth date"));
    }
    check_visit_kind(&input.kind)?;
    if matches!(input.kind, VisitKind::Anc { .. } | VisitKind::Kf { .. })
        && person.sex == Some(Sex::Male)
    {
        return Err(v("kind", "ANC and KF visits are for women"));
    }
    if matches!(input.kind, VisitKind::Kn { .. }) && age_days.is_some_and(|d| d > 90) {
        return Err(v(
            "kind",
            "KN visits are for newborns (up to 28 days, late visits to 3 months)",
        ));
    }
    if let Some(p) = input.pregnancy {
        let owner = crate::pregnancies::get(wtx.conn(), p)
            .map_err(|_| v("pregnancy", "is not a registered pregnancy"))?;
        if owner.person != person_id && Some(owner.person) != Some(input.person) {
            return Err(v("pregnancy", "belongs to another person"));
        }
    }
    if let Some(p) = input.posyandu {
        let known: bool = wtx.conn().query_row(
            "SELECT EXISTS(SELECT 1 FROM posyandu WHERE id = ?1)",
            [p.to_string()],
            |r| r.get(0),
        )?;
        if !known {
            return Err(v("posyandu", "is not a known Posyandu"));
        }
    }
    let place = optional_text("place", input.place.as_deref(), limits::PLACE)?;
    let measurement = input
        .measurement
        .as_ref()
        .map(|m| validate_measurement(m, age_days))
        .transpose()?;
    let mut parts: Vec<EventPayload> = Vec::new();
    if let Some(m) = measurement {
        parts.push(EventPayload::Measurement(m));
    }
    for (i, imm) in input.immunizations.iter().enumerate() {
        let field = |f: &str| format!("immunizations[{i}].{f}");
        if let Antigen::Other(code) = &imm.antigen {
            return Err(v(field("antigen"), format!("unknown antigen '{code}'")));
        }
        if imm.dose == 0 || imm.dose > imm.antigen.max_dose() {
            return Err(v(
                field("dose"),
                format!(
                    "must be 1 to {} for {}",
                    imm.antigen.max_dose(),
                    imm.antigen.code()
                ),
            ));
        }
        let given_on = imm.given_on.unwrap_or(visit_date);
        if given_on > wtx.ctx.today {
            return Err(v(field("given_on"), "is in the future"));
        }
        if let Some(b) = person.birth
            && !b.estimated
            && given_on < b.date
        {
            return Err(v(field("given_on"), "is before the person's birth date"));
        }
        if input.immunizations[..i]
            .iter()
            .any(|o| o.antigen == imm.antigen && o.dose == imm.dose)
        {
            return Err(v(field("dose"), "is listed twice in this visit"));
        }
        parts.push(EventPayload::Immunization(Immunization {
            antigen: imm.antigen.clone(),
            dose: imm.dose,
            given_on,
            batch: optional_text(&field("batch"), imm.batch.as_deref(), limits::CODE)?,
            recorded_from_history: imm.recorded_from_history,
        }));
    }
    for (i, s) in input.services.iter().enumerate() {
        if let ServiceKind::Other(code) = &s.kind {
            return Err(v(
                format!("services[{i}].kind"),
                format!("unknown service '{code}'"),
            ));
        }
        if s.quantity.is_some_and(|q| q == 0 || q > 1000) {
            return Err(v(format!("services[{i}].quantity"), "must be 1 to 1000"));
        }
        parts.push(EventPayload::Service(s.clone()));
    }
    if !input.danger_signs.is_empty() || input.danger_note.is_some() {
        if let Some(i) = input
            .danger_signs
            .iter()
            .position(|d| matches!(d, DangerSign::Other(_)))
        {
            return Err(v(
                format!("danger_signs[{i}]"),
                "is not a known danger sign",
            ));
        }
        if input.danger_signs.is_empty() {
            return Err(v(
                "danger_signs",
                "a danger-sign note needs at least one sign",
            ));
        }
        parts.push(EventPayload::DangerSigns {
            signs: input.danger_signs.clone(),
            note: optional_text("danger_note", input.danger_note.as_deref(), limits::NOTES)?,
        });
    }
    if let Some(r) = &input.referral {
        if r.pickup_called && !r.emergency {
            return Err(v(
                "referral.pickup_called",
                "a pick-up is called only for an emergency referral",
            ));
        }
        parts.push(EventPayload::Referral(Referral {
            to: required_text("referral.to", &r.to, limits::PLACE)?,
            emergency: r.emergency,
            reason: optional_text("referral.reason", r.reason.as_deref(), limits::NOTES)?,
            pickup_called: r.pickup_called,
            pickup_called_at: if r.pickup_called {
                Some(r.pickup_called_at.unwrap_or(now))
            } else {
                None
            },
            pickup_service: optional_text(
                "referral.pickup_service",
                r.pickup_service.as_deref(),
                limits::PLACE,
            )?,
        }));
    }
    if let Some(h) = &input.health_status {
        parts.push(EventPayload::HealthStatus(validate_health_status(h)?));
    }
    if let Some(text) = optional_text("note", input.note.as_deref(), limits::NOTES)? {
        parts.push(EventPayload::Note { text });
    }

    let visit_id = EventId::time_ordered(wtx.ctx.now.millis(), wtx.random_id_bytes());
    let (user, device) = (wtx.ctx.user, wtx.device());
    let base = |id, visit, payload| Event {
        id,
        person: person_id,
        visit,
        recorded_by: user,
        device,
        occurred_at: input.occurred_at,
        recorded_at: now,
        payload,
    };
    let visit_event = base(
        visit_id,
        None,
        EventPayload::Visit(Visit {
            kind: input.kind.clone(),
            posyandu: input.posyandu,
            place,
            pregnancy: input.pregnancy,
        }),
    );
    insert_event(wtx, &visit_event)?;
    let mut ids = Vec::with_capacity(parts.len());
    for payload in parts {
        let id = EventId::time_ordered(wtx.ctx.now.millis(), wtx.random_id_bytes());
        let e = base(id, Some(visit_id), payload);
        insert_event(wtx, &e)?;
        ids.push(id);
    }
    Ok(VisitRecorded {
        visit: visit_id,
        person: person_id,
        parts: ids,
    })
}

pub(crate) const EVENT_COLUMNS: &str =
    "id, person_id, visit_id, occurred_at, recorded_at, recorded_by, device_id, payload, kind";

pub(crate) fn event_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    // Borrowed texts: an event read allocates only what it keeps.
    fn parse<T: std::str::FromStr>(s: &str, i: usize) -> rusqlite::Result<T> {
        s.parse().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                i,
                rusqlite::types::Type::Text,
                "bad id".into(),
            )
        })
    }
    let payload = r.get_ref(7)?.as_str()?;
    let kind = r.get_ref(8)?.as_str()?;
    Ok(Event {
        id: parse(r.get_ref(0)?.as_str()?, 0)?,
        person: parse(r.get_ref(1)?.as_str()?, 1)?,
        visit: r
            .get_ref(2)?
            .as_str_or_null()?
            .map(|v| parse(v, 2))
            .transpose()?,
        occurred_at: Timestamp::from_millis(r.get(3)?),
        recorded_at: Timestamp::from_millis(r.get(4)?),
        recorded_by: parse(r.get_ref(5)?.as_str()?, 5)?,
        device: parse(r.get_ref(6)?.as_str()?, 6)?,
        payload: EventPayload::from_json_of_kind(kind, payload).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, Box::new(e))
        })?,
    })
}

pub fn load_event(conn: &Connection, id: EventId) -> Result<Event> {
    conn.prepare_cached(&format!("SELECT {EVENT_COLUMNS} FROM event WHERE id = ?1"))?
        .query_row([id.to_string()], event_from_row)
        .map_err(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => StoreError::not_found("event", id),
            other => other.into(),
        })
}

fn correct(wtx: &mut WriteTx<'_>, target: EventId, payload: EventPayload) -> Result<EventId> {
    let original =
        load_event(wtx.conn(), target).map_err(|_| v("target", "is not a recorded event"))?;
    if matches!(
        original.payload,
        EventPayload::Void { .. } | EventPayload::PersonMerged { .. }
    ) {
        return Err(v("target", "this kind of event cannot be corrected"));
    }
    let voided: bool = wtx.conn().query_row(
        "SELECT EXISTS(SELECT 1 FROM event WHERE target_id = ?1 AND kind = 'void')",
        [target.to_string()],
        |r| r.get(0),
    )?;
    if voided {
        return Err(v("target", "was already voided"));
    }
    let id = EventId::time_ordered(wtx.ctx.now.millis(), wtx.random_id_bytes());
    let e = Event {
        id,
        person: original.person,
        visit: original.visit,
        recorded_by: wtx.ctx.user,
        device: wtx.device(),
        occurred_at: original.occurred_at,
        recorded_at: wtx.ctx.now,
        payload,
    };
    insert_event(wtx, &e)?;
    Ok(id)
}

/// Withdraws an event (entered for the wrong person, entered twice).
pub fn void_event(wtx: &mut WriteTx<'_>, target: EventId, reason: &str) -> Result<EventId> {
    let reason = required_text("reason", reason, limits::NOTES)?;
    correct(wtx, target, EventPayload::Void { target, reason })
}

/// Replaces an event's content (a mistyped weight); the replacement is validated like new input.
pub fn amend_event(
    wtx: &mut WriteTx<'_>,
    target: EventId,
    replacement: EventPayload,
    reason: &str,
) -> Result<EventId> {
    let reason = required_text("reason", reason, limits::NOTES)?;
    let original =
        load_event(wtx.conn(), target).map_err(|_| v("target", "is not a recorded event"))?;
    if original.payload.kind() != replacement.kind() {
        return Err(v(
            "replacement",
            format!(
                "must be a {} like the event it corrects",
                original.payload.kind()
            ),
        ));
    }
    let replacement = match replacement {
        EventPayload::Measurement(m) => {
            let person = persons::get_person(wtx.conn(), original.person)?;
            let on = original.occurred_at.date_at(wtx.offset);
            EventPayload::Measurement(validate_measurement(
                &m,
                person.birth.map(|b| b.age_days(on)),
            )?)
        }
        other => other,
    };
    correct(
        wtx,
        target,
        EventPayload::Amend {
            target,
            replacement: Box::new(replacement),
            reason,
        },
    )
}

/// A person's history with corrections applied: voided events removed, amended ones replaced,
/// and the events of records merged into this one included. Oldest first.
pub fn effective_events(conn: &Connection, person: PersonId) -> Result<Vec<Event>> {
    let ids = persons::merged_ids(conn, person)?;
    let marks = vec!["?"; ids.len()].join(",");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM event WHERE person_id IN ({marks}) ORDER BY occurred_at, recorded_at, hlc"
    ))?;
    let events: Vec<Event> = stmt
        .query_map(rusqlite::params_from_iter(ids.iter()), event_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(apply_corrections(events))
}

/// Applies voids and amendments (latest amendment wins; a voided amendment does not count).
pub fn apply_corrections(events: Vec<Event>) -> Vec<Event> {
    let voided: std::collections::HashSet<EventId> = events
        .iter()
        .filter_map(|e| match &e.payload {
            EventPayload::Void { target, .. } => Some(*target),
            _ => None,
        })
        .collect();
    let mut amended: HashMap<EventId, EventPayload> = HashMap::new();
    for e in &events {
        if let EventPayload::Amend {
            target,
            replacement,
            ..
        } = &e.payload
            && !voided.contains(&e.id)
        {
            amended.insert(*target, (**replacement).clone());
        }
    }
    events
        .into_iter()
        .filter(|e| {
            !voided.contains(&e.id)
                && !matches!(
                    e.payload,
                    EventPayload::Void { .. } | EventPayload::Amend { .. }
                )
        })
        .map(|mut e| {
            if let Some(p) = amended.remove(&e.id) {
                e.payload = p;
            }
            e
        })
        .collect()
}

/// A value with when it was measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dated<T> {
    pub value: T,
    pub at: Timestamp,
}

/// The most recent value of each measurement, each possibly from a different visit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LatestMeasurements {
    pub weight_kg: Option<Dated<f64>>,
    pub length_or_height_cm: Option<Dated<(f64, HeightMethod)>>,
    pub head_circumference_cm: Option<Dated<f64>>,
    pub muac_cm: Option<Dated<f64>>,
    pub blood_pressure: Option<Dated<(u16, u16)>>,
    pub blood_glucose_mg_dl: Option<Dated<f64>>,
}

pub fn latest_measurements(conn: &Connection, person: PersonId) -> Result<LatestMeasurements> {
    let mut out = LatestMeasurements::default();
    let events = effective_events(conn, person)?;
    for e in events.iter().rev() {
        let EventPayload::Measurement(m) = &e.payload else {
            continue;
        };
        let at = e.occurred_at;
        fn fill<T>(slot: &mut Option<Dated<T>>, value: Option<T>, at: Timestamp) {
            if slot.is_none()
                && let Some(value) = value
            {
                *slot = Some(Dated { value, at });
            }
        }
        fill(&mut out.weight_kg, m.weight_kg, at);
        fill(
            &mut out.length_or_height_cm,
            m.length_or_height_cm
                .map(|l| (l, m.height_method.unwrap_or(HeightMethod::Standing))),
            at,
        );
        fill(&mut out.head_circumference_cm, m.head_circumference_cm, at);
        fill(&mut out.muac_cm, m.muac_cm, at);
        fill(
            &mut out.blood_pressure,
            m.systolic_mmhg.zip(m.diastolic_mmhg),
            at,
        );
        fill(&mut out.blood_glucose_mg_dl, m.blood_glucose_mg_dl, at);
    }
    Ok(out)
}
