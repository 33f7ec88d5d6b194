//! The action lists read from the replica's due items (`due_items::open_in_rts`, the worklist's
//! own read: the server computes no schedule): immunization doses overdue, and pregnant women
//! behind on ANC (a contact K1..K6 whose due date has passed while its window is still open).
//! Both are as of today, whatever month the page shows: due items describe today, so the page
//! and the export say "per hari ini" and give the date instead of the month.

use super::Ctx;
use super::Fail;
use super::i18n::Lang;
use super::lists::{PersonLine, persons};
use ilp_rules::due::{DueKind, DueStatus, antigen_label};
use std::collections::HashMap;
use time::{Date, Duration};

/// What the two lists say about their date, on the page and in the export.
pub const AS_OF_TODAY: (&str, &str) = ("per hari ini", "as of today");
pub const AS_OF_NOTE: (&str, &str) = (
    "keadaan per hari ini, bukan bulan yang dipilih",
    "state as of today, not the month chosen",
);

/// An immunization dose overdue today.
#[derive(Clone, Debug, PartialEq)]
pub struct OverdueDose {
    pub person: PersonLine,
    pub dose: String,
    pub due: Date,
}

/// One ANC contact overdue today.
#[derive(Clone, Debug, PartialEq)]
pub struct AncContactOverdue {
    /// `K4`, or `K5 (dokter)` for a doctor's contact.
    pub contact: String,
    /// The first day it is overdue: the day after its due date.
    pub since: Date,
}

/// A pregnant woman with the ANC contacts she is behind on today, oldest first.
#[derive(Clone, Debug, PartialEq)]
pub struct AncBehind {
    pub person: PersonLine,
    pub contacts: Vec<AncContactOverdue>,
}

impl AncBehind {
    /// Since when she has been behind: her oldest overdue contact's first overdue day.
    pub fn since(&self) -> Date {
        self.contacts
            .iter()
            .map(|c| c.since)
            .min()
            .unwrap_or(Date::MIN)
    }

    /// The contacts with their dates, as one cell: `K4 (sejak 2026-10-02); K5 (dokter) (...)`.
    pub fn contacts_text(&self, lang: Lang) -> String {
        let since = lang.t(("sejak", "since"));
        self.contacts
            .iter()
            .map(|c| format!("{} ({since} {})", c.contact, c.since))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The area's open due items overdue today that `keep` keeps, with the persons in the viewer's
/// scope they belong to.
fn overdue_items(
    ctx: &Ctx,
    keep: impl Fn(&DueKind) -> bool,
) -> Result<
    (
        Vec<ilp_rules::due::DueItem>,
        HashMap<uuid::Uuid, PersonLine>,
    ),
    Fail,
> {
    ctx.store.refresh_due_items(ctx.today)?;
    let open = ctx
        .store
        .read(|c| ilp_store::due_items::open_in_rts(c, &ctx.choice.rts, ctx.today))?;
    let items: Vec<_> = open
        .items
        .into_iter()
        .map(|s| s.item)
        .filter(|i| keep(&i.kind) && i.status(ctx.today) == DueStatus::Overdue)
        .collect();
    let ids: Vec<uuid::Uuid> = items.iter().map(|i| i.person.0).collect();
    let who = persons(ctx, &ids)?;
    Ok((items, who))
}

fn dose_label(lang: Lang, kind: &DueKind) -> String {
    match (lang, kind) {
        (Lang::En, DueKind::Immunization { antigen, dose }) => {
            format!("Immunization {} {dose}", antigen_label(antigen))
        }
        _ => kind.label_id(),
    }
}

/// Immunization doses of the area's RTs overdue today (window open, due date passed); oldest
/// due date first.
pub(super) fn immunizations(ctx: &Ctx, lang: Lang) -> Result<Vec<OverdueDose>, Fail> {
    let (items, who) = overdue_items(ctx, |k| matches!(k, DueKind::Immunization { .. }))?;
    let mut out: Vec<OverdueDose> = items
        .iter()
        .filter_map(|i| {
            Some(OverdueDose {
                person: who.get(&i.person.0)?.clone(),
                dose: dose_label(lang, &i.kind),
                due: i.window.due,
            })
        })
        .collect();
    out.sort_by(|a, b| (a.due, &a.person.name).cmp(&(b.due, &b.person.name)));
    Ok(out)
}

/// Pregnant women of the area's RTs with an ANC contact overdue today (its due date passed, its
/// window still open: a woman not yet due for a contact is not behind on it); the longest behind
/// first. A contact whose window closed unmet is missed, no longer open, and not listed.
pub(super) fn anc_behind(ctx: &Ctx, lang: Lang) -> Result<Vec<AncBehind>, Fail> {
    let (items, who) = overdue_items(ctx, |k| matches!(k, DueKind::Anc { .. }))?;
    let mut by_person: HashMap<uuid::Uuid, AncBehind> = HashMap::new();
    for i in &items {
        let DueKind::Anc {
            contact, by_doctor, ..
        } = i.kind
        else {
            continue;
        };
        let Some(person) = who.get(&i.person.0) else {
            continue;
        };
        let label = if by_doctor {
            format!("K{contact} ({})", lang.t(("dokter", "doctor")))
        } else {
            format!("K{contact}")
        };
        by_person
            .entry(i.person.0)
            .or_insert_with(|| AncBehind {
                person: person.clone(),
                contacts: Vec::new(),
            })
            .contacts
            .push(AncContactOverdue {
                contact: label,
                since: i.window.due + Duration::days(1),
            });
    }
    let mut out: Vec<AncBehind> = by_person
        .into_values()
        .map(|mut a| {
            a.contacts
                .sort_by(|x, y| (x.since, &x.contact).cmp(&(y.since, &y.contact)));
            a
        })
        .collect();
    out.sort_by(|a, b| {
        (a.since(), &a.person.name, &a.person.id).cmp(&(b.since(), &b.person.name, &b.person.id))
    });
    Ok(out)
}
