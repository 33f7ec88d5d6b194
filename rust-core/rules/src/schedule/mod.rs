//! National schedules as versioned rule tables, and the function that turns one person's record
//! into their due items. The tables are data (`rust-core/rules/tables/*.json`, embedded and read
//! once): each version has an id, a version number, the date it takes effect and its DOMAIN.md
//! source key, so a schedule change is a new table version rather than a code change, and a
//! district's choices (JE endemic, BIAS rows, the PCV3 reading) are a small JSON patch.
//!
//! Scope of the items made for one person:
//! - one-off items (doses, BIAS, ANC contacts, KF/KN, follow-ups of danger signs and referrals)
//!   are made in full for the ages where they apply, done and missed ones included, so a child's
//!   card is complete;
//! - recurring items (monthly weighing, vitamin A rounds, yearly screenings, monthly follow-up of
//!   a known condition) only for periods overlapping `[today - 12 months, today + 3 months]`: the
//!   store keeps items precomputed and rebuilds everyone when the month turns, so that range
//!   always covers last year's coverage, this month's worklist and the next months' plans.

mod adult;
mod age;
mod anc;
mod bias;
mod config;
mod follow_up;
mod growth;
mod immunization;
mod postnatal;
#[cfg(test)]
mod tests;

pub use adult::ScreeningTable;
pub use age::Age;
pub use anc::{AncContact, AncTable};
pub use bias::{BiasRow, BiasTable};
pub use config::TableMeta;
pub use follow_up::{FollowUpTable, FollowUpWindow};
pub use growth::{VitaminATable, WeighingTable};
pub use immunization::{DoseRow, ImmunizationTable};
pub use postnatal::{PostnatalTable, PostnatalVisit};

use crate::due::{ClosesAs, DueItem, DueKind, TableRef, Window};
use crate::facts::{PersonFacts, RuleContext};
use config::{Obj, Table, Versions};
use ilp_model::{Event, EventPayload, ValidationError, Visit};
use std::sync::OnceLock;
use time::Date;

/// The tables the schedules run on: one version of each family.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduleTables {
    pub immunization: ImmunizationTable,
    pub bias: BiasTable,
    pub anc: AncTable,
    pub postnatal: PostnatalTable,
    pub weighing: WeighingTable,
    pub vitamin_a: VitaminATable,
    pub screening: ScreeningTable,
    pub follow_up: FollowUpTable,
}

/// The built-in versions, read from the embedded files on first use.
struct Registry {
    immunization: Versions<ImmunizationTable>,
    bias: Versions<BiasTable>,
    anc: Versions<AncTable>,
    postnatal: Versions<PostnatalTable>,
    weighing: Versions<WeighingTable>,
    vitamin_a: Versions<VitaminATable>,
    screening: Versions<ScreeningTable>,
    follow_up: Versions<FollowUpTable>,
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry {
        immunization: Versions::embedded(include_str!("../../tables/immunization.json")),
        bias: Versions::embedded(include_str!("../../tables/bias.json")),
        anc: Versions::embedded(include_str!("../../tables/anc.json")),
        postnatal: Versions::embedded(include_str!("../../tables/postnatal.json")),
        weighing: Versions::embedded(include_str!("../../tables/weighing.json")),
        vitamin_a: Versions::embedded(include_str!("../../tables/vitamin_a.json")),
        screening: Versions::embedded(include_str!("../../tables/screening.json")),
        follow_up: Versions::embedded(include_str!("../../tables/follow_up.json")),
    })
}

/// Keys a district config may hold: `effective_on` and one patch per family.
const CONFIG_KEYS: [&str; 9] = [
    "effective_on",
    ImmunizationTable::FAMILY,
    BiasTable::FAMILY,
    AncTable::FAMILY,
    PostnatalTable::FAMILY,
    WeighingTable::FAMILY,
    VitaminATable::FAMILY,
    ScreeningTable::FAMILY,
    FollowUpTable::FAMILY,
];

impl ScheduleTables {
    /// The built-in tables: the newest version of every family.
    pub fn national() -> Self {
        let r = registry();
        Self {
            immunization: r.immunization.latest().1.clone(),
            bias: r.bias.latest().1.clone(),
            anc: r.anc.latest().1.clone(),
            postnatal: r.postnatal.latest().1.clone(),
            weighing: r.weighing.latest().1.clone(),
            vitamin_a: r.vitamin_a.latest().1.clone(),
            screening: r.screening.latest().1.clone(),
            follow_up: r.follow_up.latest().1.clone(),
        }
    }

    /// The built-in versions in force on `date` (each family picked on its own).
    pub fn effective_on(date: Date) -> Self {
        let r = registry();
        Self {
            immunization: r.immunization.on(date).1.clone(),
            bias: r.bias.on(date).1.clone(),
            anc: r.anc.on(date).1.clone(),
            postnatal: r.postnatal.on(date).1.clone(),
            weighing: r.weighing.on(date).1.clone(),
            vitamin_a: r.vitamin_a.on(date).1.clone(),
            screening: r.screening.on(date).1.clone(),
            follow_up: r.follow_up.on(date).1.clone(),
        }
    }

    /// A district's tables: the built-in ones (those in force on `effective_on` when given, else
    /// the newest), each with the config's patch for its family merged over it. A patch states
    /// only what differs, e.g.
    /// `{"immunization": {"je_endemic": true}, "bias": {"rows": {"sd6_hpv": {"catch_up_of": "sd5_hpv", "dose": 1}}}}`;
    /// `null` removes a named row. A district that changes a table's content should give it its
    /// own `id` or `version` in the patch, so its items are told apart from the national ones.
    /// Errors name the field path (`bias.rows.sd6_hpv.month`).
    pub fn from_json(text: &str) -> Result<Self, ValidationError> {
        let root: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            ValidationError::new(
                "config",
                format!(
                    "is not valid JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        let o = Obj::new(&root, "")?;
        o.known_keys(&CONFIG_KEYS)?;
        let mut t = match o.opt_date("effective_on")? {
            Some(d) => Self::effective_on(d),
            None => Self::national(),
        };
        let r = registry();
        fn patch<T: Table>(
            o: &Obj,
            versions: &Versions<T>,
            table: &mut T,
        ) -> Result<(), ValidationError> {
            if let Some(p) = o.get(T::FAMILY) {
                *table = versions.patched(table, p)?;
            }
            Ok(())
        }
        patch(&o, &r.immunization, &mut t.immunization)?;
        patch(&o, &r.bias, &mut t.bias)?;
        patch(&o, &r.anc, &mut t.anc)?;
        patch(&o, &r.postnatal, &mut t.postnatal)?;
        patch(&o, &r.weighing, &mut t.weighing)?;
        patch(&o, &r.vitamin_a, &mut t.vitamin_a)?;
        patch(&o, &r.screening, &mut t.screening)?;
        patch(&o, &r.follow_up, &mut t.follow_up)?;
        Ok(t)
    }

    /// Every table (and version) in use: when one changes, stored items need a rebuild.
    pub fn table_refs(&self) -> [TableRef; 8] {
        [
            self.immunization.meta.table,
            self.bias.meta.table,
            self.anc.meta.table,
            self.postnatal.meta.table,
            self.weighing.meta.table,
            self.vitamin_a.meta.table,
            self.screening.meta.table,
            self.follow_up.meta.table,
        ]
    }
}

/// A person's due items on `ctx.today`. A merged-away record has none (its events count for the
/// record it was merged into), nor has a record whose birth date is after `today` (a typing
/// error; a pregnancy's items are the mother's). A record without a birth date gets only the
/// items that need no age: ANC, KF and follow-ups. See the module doc for which periods
/// recurring items cover.
pub fn due_items(facts: &PersonFacts, tables: &ScheduleTables, ctx: &RuleContext) -> Vec<DueItem> {
    due_items_with_mother(facts, None, tables, ctx)
}

/// Like [`due_items`], with the mother's record for a child: when her pregnancy ended in a live
/// birth on the child's birth date, the neonatal (KN) windows run from the delivery's time rather
/// than from the birth date alone.
pub fn due_items_with_mother(
    facts: &PersonFacts,
    mother: Option<&PersonFacts>,
    tables: &ScheduleTables,
    ctx: &RuleContext,
) -> Vec<DueItem> {
    let unborn = facts.person.birth.is_some_and(|b| b.date > ctx.today);
    if facts.person.merged_into.is_some() || unborn {
        return Vec::new();
    }
    let cx = Cx::new(facts, tables, ctx);
    let mut out = Vec::with_capacity(48);
    immunization::items(&cx, &mut out);
    bias::items(&cx, &mut out);
    anc::items(&cx, &mut out);
    postnatal::kf_items(&cx, &mut out);
    postnatal::kn_items(&cx, mother, &mut out);
    growth::weighing_items(&cx, &mut out);
    growth::vitamin_a_items(&cx, &mut out);
    adult::screening_items(&cx, &mut out);
    adult::condition_items(&cx, &mut out);
    follow_up::items(&cx, &mut out);
    out
}

/// What every schedule reads while making one person's items.
pub(crate) struct Cx<'a> {
    pub facts: &'a PersonFacts,
    pub ctx: &'a RuleContext,
    pub tables: &'a ScheduleTables,
    pub birth: Option<Date>,
    /// Local date of each event, by its index in `facts.events` (converted once per call).
    pub dates: Vec<Date>,
    /// Recurring items are made for periods overlapping `[recurring_from, recurring_to]`.
    pub recurring_from: Date,
    pub recurring_to: Date,
}

impl<'a> Cx<'a> {
    fn new(facts: &'a PersonFacts, tables: &'a ScheduleTables, ctx: &'a RuleContext) -> Self {
        Self {
            facts,
            ctx,
            tables,
            birth: facts.person.birth.map(|b| b.date),
            dates: facts.events.iter().map(|e| ctx.date_of(e)).collect(),
            recurring_from: age::shift_months(ctx.today, -12),
            recurring_to: age::shift_months(ctx.today, 3),
        }
    }

    /// Events with their local dates, oldest first.
    pub fn events(&self) -> impl Iterator<Item = (&'a Event, Date)> + '_ {
        self.facts.events.iter().zip(self.dates.iter().copied())
    }

    /// Visits with their local dates, oldest first.
    pub fn visits(&self) -> impl Iterator<Item = (&'a Event, &'a Visit, Date)> + '_ {
        self.events().filter_map(|(e, d)| match &e.payload {
            EventPayload::Visit(v) => Some((e, v, d)),
            _ => None,
        })
    }

    /// Danger signs (at least one sign) and referrals, with their local dates.
    pub fn alarms(&self) -> impl Iterator<Item = (&'a Event, Date)> + '_ {
        self.events().filter(|(e, _)| is_alarm(e))
    }

    /// Whether any danger sign or referral falls on a date in `[from, to]`.
    pub fn alarm_between(&self, from: Date, to: Date) -> bool {
        self.alarms().any(|(_, d)| d >= from && d <= to)
    }

    pub fn item(
        &self,
        kind: DueKind,
        window: Window,
        done_on: Option<Date>,
        closes_as: ClosesAs,
        high_risk: bool,
        table: TableRef,
    ) -> DueItem {
        DueItem {
            person: self.facts.person.id,
            kind,
            window,
            done_on,
            closes_as,
            high_risk,
            table,
        }
    }
}

fn is_alarm(e: &Event) -> bool {
    match &e.payload {
        EventPayload::DangerSigns { signs, .. } => !signs.is_empty(),
        EventPayload::Referral(_) => true,
        _ => false,
    }
}
