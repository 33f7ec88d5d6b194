//! The action lists read from the replica's due items (`due_items::open_in_rts`, the worklist's
//! own read, and `Store::due_items_of`, a person's whole card: the server computes no schedule):
//! immunization doses overdue, and pregnant women behind on ANC (a contact K1..K6 of the current
//! pregnancy whose due date has passed: still open, or its window closed unmet). Both are as of
//! today, whatever month the page shows: due items describe today, so the page and the export say
//! "per hari ini" and give the date instead of the month.

use super::Ctx;
use super::Fail;
use super::i18n::Lang;
use super::lists::{PersonLine, persons};
use ilp_model::{PersonId, PregnancyId};
use ilp_rules::due::{DueKind, DueStatus, antigen_label};
use std::collections::{HashMap, HashSet};
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

/// One ANC contact a woman is behind on today.
#[derive(Clone, Debug, PartialEq)]
pub struct AncContactOverdue {
    /// `K4`, or `K5 (dokter)` for a doctor's contact.
    pub contact: String,
    /// The first day she was behind on it: the day after its due date.
    pub since: Date,
    /// Its window closed without it (missed), rather than still open (overdue: it can be done).
    pub missed: bool,
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

    /// The contacts with their state and dates, as one cell:
    /// `K1 (dokter) (terlewat, sejak 2026-04-02); K4 (terlambat, sejak 2026-10-02)`.
    pub fn contacts_text(&self, lang: Lang) -> String {
        let since = lang.t(("sejak", "since"));
        self.contacts
            .iter()
            .map(|c| {
                let state = lang.t(if c.missed {
                    ("terlewat", "missed")
                } else {
                    ("terlambat", "overdue")
                });
                format!("{} ({state}, {since} {})", c.contact, c.since)
            })
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

/// Pregnant women of the area's RTs behind on ANC today: a contact of her current pregnancy (one
/// with an ANC window open today) whose due date has passed, still open (overdue) or closed unmet
/// (missed); a woman not yet due for a contact is not behind on it. The longest behind first.
pub(super) fn anc_behind(ctx: &Ctx, lang: Lang) -> Result<Vec<AncBehind>, Fail> {
    ctx.store.refresh_due_items(ctx.today)?;
    let open = ctx
        .store
        .read(|c| ilp_store::due_items::open_in_rts(c, &ctx.choice.rts, ctx.today))?;
    // The current pregnancies: those with an ANC window open today (a pregnancy with an outcome
    // has none left open).
    let mut current: HashMap<PersonId, HashSet<PregnancyId>> = HashMap::new();
    for s in &open.items {
        if let DueKind::Anc { pregnancy, .. } = s.item.kind {
            current.entry(s.item.person).or_default().insert(pregnancy);
        }
    }
    let ids: Vec<uuid::Uuid> = current.keys().map(|p| p.0).collect();
    let who = persons(ctx, &ids)?;
    let mut out = Vec::new();
    for (person, pregnancies) in current {
        let Some(line) = who.get(&person.0) else {
            continue;
        };
        // Her whole card: open items only would leave out the contacts she missed.
        let mut contacts: Vec<AncContactOverdue> = ctx
            .store
            .due_items_of(person, ctx.today)?
            .into_iter()
            .filter_map(|i| {
                let DueKind::Anc {
                    pregnancy,
                    contact,
                    by_doctor,
                } = i.kind
                else {
                    return None;
                };
                let missed = match i.status(ctx.today) {
                    DueStatus::Overdue => false,
                    DueStatus::Missed => true,
                    _ => return None,
                };
                pregnancies.contains(&pregnancy).then(|| AncContactOverdue {
                    contact: if by_doctor {
                        format!("K{contact} ({})", lang.t(("dokter", "doctor")))
                    } else {
                        format!("K{contact}")
                    },
                    since: i.window.due + Duration::days(1),
                    missed,
                })
            })
            .collect();
        if contacts.is_empty() {
            continue;
        }
        contacts.sort_by(|x, y| (x.since, &x.contact).cmp(&(y.since, &y.contact)));
        out.push(AncBehind {
            person: line.clone(),
            contacts,
        });
    }
    out.sort_by(|a, b| {
        (a.since(), &a.person.name, &a.person.id).cmp(&(b.since(), &b.person.name, &b.person.id))
    });
    Ok(out)
}
