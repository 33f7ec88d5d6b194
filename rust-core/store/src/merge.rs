//! Merging two records of one person (an unidentified emergency registration found to be a known
//! resident, or a double registration). Nothing is lost: the merged record stays, marked with the
//! survivor; its events count for the survivor; empty fields of the survivor are filled from it;
//! and the merge itself travels to other devices as an event.

use crate::error::{Result, StoreError};
use crate::events;
use crate::persons::{self, get_person};
use crate::write::WriteTx;
use ilp_model::{Event, EventId, EventPayload, PersonId, ValidationError};

/// What a merge did.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeResult {
    pub survivor: PersonId,
    pub merged: PersonId,
    pub event: EventId,
    /// Fields of the survivor that were empty and taken from the merged record.
    pub filled_fields: Vec<String>,
}

/// Merges `merged` into `survivor`.
pub fn merge_persons(
    wtx: &mut WriteTx<'_>,
    survivor: PersonId,
    merged: PersonId,
) -> Result<MergeResult> {
    if survivor == merged {
        return Err(ValidationError::new("merged", "is the same record as the survivor").into());
    }
    let not_found = |field: &'static str| {
        move |e: StoreError| match e {
            StoreError::NotFound { .. } => {
                StoreError::Validation(ValidationError::new(field, "is not a registered person"))
            }
            other => other,
        }
    };
    let mut keep = get_person(wtx.conn(), survivor).map_err(not_found("survivor"))?;
    let mut gone = get_person(wtx.conn(), merged).map_err(not_found("merged"))?;
    if keep.merged_into.is_some() {
        return Err(
            ValidationError::new("survivor", "was itself merged into another record").into(),
        );
    }
    if gone.merged_into.is_some() {
        return Err(ValidationError::new("merged", "was already merged").into());
    }
    if let (Some(a), Some(b)) = (keep.sex, gone.sex)
        && a != b
    {
        return Err(ValidationError::new(
            "merged",
            "has a different sex; check that it is the same person",
        )
        .into());
    }
    if let (Some(a), Some(b)) = (&keep.nik, &gone.nik)
        && a != b
    {
        return Err(ValidationError::new(
            "merged",
            "has a different NIK; check that it is the same person",
        )
        .into());
    }

    let mut filled = Vec::new();
    macro_rules! fill {
        ($f:ident) => {
            if keep.$f.is_none() && gone.$f.is_some() {
                keep.$f = gone.$f.clone();
                filled.push(stringify!($f).to_string());
            }
        };
    }
    fill!(name);
    fill!(sex);
    fill!(birth);
    fill!(phone);
    fill!(relation);
    fill!(mother);
    fill!(household);
    fill!(description);
    // The NIK moves last: the merged record gives it up first, so no moment has two holders.
    let nik_moves = keep.nik.is_none() && gone.nik.is_some();
    let nik = gone.nik.take();
    gone.merged_into = Some(survivor);
    persons::set_fields(wtx, &gone)?;
    if nik_moves {
        keep.nik = nik;
        filled.push("nik".into());
    }
    persons::set_fields(wtx, &keep)?;

    // Records merged into `merged` earlier now point at the survivor; so do children's mother links.
    let relink: Vec<String> = wtx
        .conn()
        .prepare("SELECT id FROM person WHERE merged_into = ?1 OR mother_id = ?1")?
        .query_map([merged.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in relink {
        let id: PersonId = id
            .parse()
            .map_err(|_| StoreError::Malformed("person id".into()))?;
        let mut p = get_person(wtx.conn(), id)?;
        if p.merged_into == Some(merged) {
            p.merged_into = Some(survivor);
        }
        if p.mother == Some(merged) {
            p.mother = Some(survivor);
        }
        persons::set_fields(wtx, &p)?;
    }

    let event = EventId::time_ordered(wtx.ctx.now.millis(), wtx.random_id_bytes());
    events::insert_event(
        wtx,
        &Event {
            id: event,
            person: survivor,
            visit: None,
            recorded_by: wtx.ctx.user,
            device: wtx.device(),
            occurred_at: wtx.ctx.now,
            recorded_at: wtx.ctx.now,
            payload: EventPayload::PersonMerged {
                merged,
                into: survivor,
            },
        },
    )?;
    Ok(MergeResult {
        survivor,
        merged,
        event,
        filled_fields: filled,
    })
}
