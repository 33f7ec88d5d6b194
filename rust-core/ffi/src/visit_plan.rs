//! What a visit form looks like for one person today: the life stages that apply (a pregnant
//! adolescent is both), the measurements and questions to ask, lying or standing length, the
//! visit kind to start with (the next ANC contact, KF or KN number) and the items due now. The
//! rules are `ilp_rules::life_stage`; the apps only lay the form out.

use crate::error::IlpError;
use crate::worklist::{DueItemView, due_item_view};
use crate::{IlpCore, VisitKindForm, forms, now};
use ilp_model::PersonId;
use ilp_rules::due::{DueItem, DueKind, DueStatus};
use ilp_rules::facts::RuleContext;
use ilp_rules::life_stage::{self, LIFE_STAGES_V1, Stage};
use ilp_store::due_items;

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct VisitPlanView {
    pub person_id: String,
    /// The stage that names the form: pregnant, postpartum, newborn, under_five, school_age,
    /// adult, elderly or unknown (age unknown: the form asks everything).
    pub life_stage: String,
    /// Its Bahasa label ("Ibu hamil", "Balita").
    pub life_stage_label: String,
    /// Every stage that applies, the primary first.
    pub stages: Vec<String>,
    pub stage_labels: Vec<String>,
    /// Measurements to ask: weight, length_or_height, head_circumference, muac,
    /// blood_pressure, glucose.
    pub fields: Vec<String>,
    /// Questions to ask: smoking, known_conditions, family_planning, exclusive_breastfeeding.
    pub questions: Vec<String>,
    /// Length lying (panjang badan, below 731 days) or height standing; `None` when no length
    /// is asked or the age is unknown.
    pub measure_lying: Option<bool>,
    /// The kind the form starts with: Posyandu at a session; otherwise the next ANC contact,
    /// KF or KN visit of the stage, or a home visit.
    pub suggested_kind: VisitKindForm,
    /// The ongoing pregnancy (ANC visits are filed under it).
    pub pregnancy_id: Option<String>,
    /// The delivery the postpartum stage counts from (YYYY-MM-DD).
    pub delivered_on: Option<String>,
    /// Items due or overdue today: what to give or check in this visit.
    pub open_items: Vec<DueItemView>,
    pub rule_tables: Vec<String>,
}

/// The lowest-numbered contact of `pick` not yet done, preferring one open today.
fn next_number(
    items: &[DueItem],
    today: time::Date,
    pick: impl Fn(&DueKind) -> Option<u8>,
) -> Option<u8> {
    let candidates: Vec<(u8, DueStatus)> = items
        .iter()
        .filter_map(|i| pick(&i.kind).map(|n| (n, i.status(today))))
        .filter(|(_, s)| {
            !matches!(
                s,
                DueStatus::Done { .. } | DueStatus::Missed | DueStatus::NotAllowed
            )
        })
        .collect();
    candidates
        .iter()
        .filter(|(_, s)| matches!(s, DueStatus::Due | DueStatus::Overdue))
        .map(|(n, _)| *n)
        .min()
        .or_else(|| candidates.iter().map(|(n, _)| *n).min())
}

#[uniffi::export]
impl IlpCore {
    /// The visit form of `person_id` today: life stages, what to measure and ask, the visit kind
    /// to start with (`at_posyandu`: a Posyandu visit) and the items due now.
    pub fn visit_plan(
        &self,
        person_id: String,
        at_posyandu: bool,
    ) -> Result<VisitPlanView, IlpError> {
        let id: PersonId = forms::parse_id("person_id", &person_id)?;
        self.check_person(id)?;
        let today = self.today_at(now());
        let ctx = RuleContext::new(today, self.offset);
        let facts = self.store.read(|c| {
            let id = ilp_store::persons::resolve_merged(c, id)?;
            due_items::person_facts(c, id)
        })?;
        let items = self.store.due_items_of(facts.person.id, today)?;
        let plan = life_stage::plan(&facts, today, &ctx, &LIFE_STAGES_V1);
        let pregnancy = ilp_rules::assessment::pregnancy_on(&facts, today, &ctx).map(|p| p.id);
        let suggested_kind = if at_posyandu {
            VisitKindForm::Posyandu
        } else {
            match plan.primary() {
                Stage::Pregnant => VisitKindForm::Anc {
                    contact: next_number(&items, today, |k| match k {
                        DueKind::Anc { pregnancy: p, contact, .. } if Some(*p) == pregnancy => Some(*contact),
                        _ => None,
                    }),
                    by_doctor: items.iter().any(|i| {
                        matches!(i.kind, DueKind::Anc { by_doctor: true, pregnancy: p, .. } if Some(p) == pregnancy)
                            && matches!(i.status(today), DueStatus::Due | DueStatus::Overdue)
                    }),
                },
                Stage::Postpartum => VisitKindForm::Kf {
                    number: next_number(&items, today, |k| match k {
                        DueKind::Kf { number, .. } => Some(*number),
                        _ => None,
                    })
                    .unwrap_or(1),
                },
                Stage::Newborn => VisitKindForm::Kn {
                    number: next_number(&items, today, |k| match k {
                        DueKind::Kn { number } => Some(*number),
                        _ => None,
                    })
                    .unwrap_or(1),
                },
                _ => VisitKindForm::HomeVisit,
            }
        };
        Ok(VisitPlanView {
            person_id: facts.person.id.to_string(),
            life_stage: plan.primary().code().into(),
            life_stage_label: plan.primary().label_id().into(),
            stages: plan.stages.iter().map(|s| s.code().to_string()).collect(),
            stage_labels: plan
                .stages
                .iter()
                .map(|s| s.label_id().to_string())
                .collect(),
            fields: plan.fields.iter().map(|f| f.code().to_string()).collect(),
            questions: plan
                .questions
                .iter()
                .map(|q| q.code().to_string())
                .collect(),
            measure_lying: plan.measure_lying,
            suggested_kind,
            pregnancy_id: pregnancy.map(|p| p.to_string()),
            delivered_on: plan.delivered_on.map(|d| d.to_string()),
            open_items: items
                .iter()
                .filter(|i| matches!(i.status(today), DueStatus::Due | DueStatus::Overdue))
                .map(|i| due_item_view(i, today))
                .collect(),
            rule_tables: vec![plan.table.to_string()],
        })
    }
}
