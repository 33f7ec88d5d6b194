//! Which life stages of the ILP cycle a person is in on a day, and what a visit form therefore
//! asks: the measurements and questions of each stage (DOMAIN.md section 1, services by life
//! stage; **[UNVERIFIED]** line by line there, so the table is versioned data like the others).
//!
//! A person can be in more than one stage: a pregnant 17-year-old is both a pregnant woman and an
//! adolescent; a mother 20 days after delivery is postpartum and an adult. The form asks the union
//! of what the stages ask; the *primary* stage (the first that applies in [`Stage`] order) names
//! the form and picks the visit kind.

use crate::assessment::pregnancy_on;
use crate::due::TableRef;
use crate::facts::{PersonFacts, RuleContext};
use ilp_model::Sex;
use ilp_model::pregnancy::OutcomeKind;
use time::Date;

/// A stage of the ILP life cycle, most specific first: the order decides the primary stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// An ongoing pregnancy ([`pregnancy_on`]): ANC.
    Pregnant,
    /// Up to 42 days after a delivery (live birth or stillbirth): KF visits.
    Postpartum,
    /// 0-28 days: KN visits.
    Newborn,
    /// 0-59 completed months: monthly weighing, immunization, vitamin A.
    UnderFive,
    /// 5-17 years: school age and adolescence (BIAS, LiLA and iron tablets for girls).
    SchoolAge,
    /// 18-59 years: usia produktif, yearly PTM screening.
    Adult,
    /// 60 years and over: lansia.
    Elderly,
    /// Birth date unknown and no pregnancy: an unidentified person; the form asks everything.
    Unknown,
}

impl Stage {
    pub fn code(self) -> &'static str {
        match self {
            Stage::Pregnant => "pregnant",
            Stage::Postpartum => "postpartum",
            Stage::Newborn => "newborn",
            Stage::UnderFive => "under_five",
            Stage::SchoolAge => "school_age",
            Stage::Adult => "adult",
            Stage::Elderly => "elderly",
            Stage::Unknown => "unknown",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Stage::Pregnant => "Ibu hamil",
            Stage::Postpartum => "Ibu nifas",
            Stage::Newborn => "Bayi baru lahir",
            Stage::UnderFive => "Balita",
            Stage::SchoolAge => "Usia sekolah & remaja",
            Stage::Adult => "Usia dewasa",
            Stage::Elderly => "Lansia",
            Stage::Unknown => "Usia tidak diketahui",
        }
    }
}

/// A measurement a visit form asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Weight,
    LengthOrHeight,
    HeadCircumference,
    Muac,
    BloodPressure,
    Glucose,
}

impl Field {
    pub fn code(self) -> &'static str {
        match self {
            Field::Weight => "weight",
            Field::LengthOrHeight => "length_or_height",
            Field::HeadCircumference => "head_circumference",
            Field::Muac => "muac",
            Field::BloodPressure => "blood_pressure",
            Field::Glucose => "glucose",
        }
    }
}

/// A question a visit form asks (the answers go to the person's health status).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Question {
    /// Smoking (adolescents and adults).
    Smoking,
    /// Known hypertension, diabetes, tuberculosis, severe mental illness and their treatment.
    KnownConditions,
    /// Family planning (women of 15-49 and couples after a delivery).
    FamilyPlanning,
    /// Exclusive breastfeeding (a mother of a baby under 6 months, after delivery).
    ExclusiveBreastfeeding,
}

impl Question {
    pub fn code(self) -> &'static str {
        match self {
            Question::Smoking => "smoking",
            Question::KnownConditions => "known_conditions",
            Question::FamilyPlanning => "family_planning",
            Question::ExclusiveBreastfeeding => "exclusive_breastfeeding",
        }
    }
}

/// The age and time limits of the stages.
#[derive(Clone, Debug, PartialEq)]
pub struct LifeStageTable {
    pub table: TableRef,
    pub newborn_last_day: i64,
    pub under_five_last_month: i32,
    pub school_age_last_year: i32,
    pub elderly_from_year: i32,
    /// Days after a delivery the postpartum stage lasts (nifas: 42 days).
    pub postpartum_days: i64,
    /// LiLA is taken of children from 6 months (DOMAIN.md: "LiLA at 6-59 mo").
    pub muac_from_month: i32,
    /// LiLA for adolescent girls from this age.
    pub muac_girls_from_year: i32,
    /// Women asked about family planning: 15-49 years.
    pub family_planning_years: (i32, i32),
    /// Smoking is asked from this age.
    pub smoking_from_year: i32,
    /// Exclusive breastfeeding is asked of a mother until the baby is this many days old.
    pub breastfeeding_days: i64,
}

pub const LIFE_STAGES_V1: LifeStageTable = LifeStageTable {
    table: TableRef {
        id: "ilp-life-stages",
        version: 1,
    },
    newborn_last_day: 28,
    under_five_last_month: 59,
    school_age_last_year: 17,
    elderly_from_year: 60,
    postpartum_days: 42,
    muac_from_month: 6,
    muac_girls_from_year: 10,
    family_planning_years: (15, 49),
    smoking_from_year: 10,
    breastfeeding_days: 183,
};

/// What a visit on a day looks like for one person.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitPlan {
    /// Every stage that applies, in [`Stage`] order; never empty.
    pub stages: Vec<Stage>,
    pub fields: Vec<Field>,
    pub questions: Vec<Question>,
    /// Length lying (below 731 days, WHO) or height standing; `None` when no length is asked or
    /// the age is unknown.
    pub measure_lying: Option<bool>,
    /// The delivery the postpartum stage counts from.
    pub delivered_on: Option<Date>,
    pub table: TableRef,
}

impl VisitPlan {
    pub fn primary(&self) -> Stage {
        self.stages[0]
    }
}

/// The stages of `person` on `on` and what their visit form asks.
pub fn plan(person: &PersonFacts, on: Date, ctx: &RuleContext, t: &LifeStageTable) -> VisitPlan {
    let mut stages = Vec::new();
    if pregnancy_on(person, on, ctx).is_some() {
        stages.push(Stage::Pregnant);
    }
    let delivered_on = person
        .pregnancies
        .iter()
        .filter_map(|p| p.outcome.as_ref())
        .filter(|o| matches!(o.kind, OutcomeKind::LiveBirth | OutcomeKind::Stillbirth))
        .map(|o| o.at.date_at(ctx.offset))
        .filter(|d| *d <= on && (on - *d).whole_days() <= t.postpartum_days)
        .max();
    if delivered_on.is_some() {
        stages.push(Stage::Postpartum);
    }
    let birth = person.person.birth.filter(|b| b.date <= on);
    let female = person.person.sex == Some(Sex::Female);
    match birth {
        Some(b) => {
            let days = b.age_days(on);
            let months = b.age_months(on);
            let years = b.age_years(on);
            if days <= t.newborn_last_day {
                stages.push(Stage::Newborn);
            }
            if months <= t.under_five_last_month {
                stages.push(Stage::UnderFive);
            } else if years <= t.school_age_last_year {
                stages.push(Stage::SchoolAge);
            } else if years < t.elderly_from_year {
                stages.push(Stage::Adult);
            } else {
                stages.push(Stage::Elderly);
            }
        }
        None if stages.is_empty() => stages.push(Stage::Unknown),
        // A pregnant or postpartum woman of unknown age is asked as an adult too.
        None => stages.push(Stage::Adult),
    }

    let mut fields = Vec::new();
    let mut questions = Vec::new();
    let months = birth.map(|b| b.age_months(on));
    let years = birth.map(|b| b.age_years(on));
    for stage in &stages {
        match stage {
            Stage::Pregnant => {
                fields.extend([Field::Weight, Field::Muac, Field::BloodPressure]);
            }
            Stage::Postpartum => {
                fields.extend([Field::Weight, Field::BloodPressure]);
                questions.push(Question::FamilyPlanning);
                if delivered_on.is_some_and(|d| (on - d).whole_days() <= t.breastfeeding_days) {
                    questions.push(Question::ExclusiveBreastfeeding);
                }
            }
            Stage::Newborn => {
                fields.extend([
                    Field::Weight,
                    Field::LengthOrHeight,
                    Field::HeadCircumference,
                ]);
            }
            Stage::UnderFive => {
                fields.extend([
                    Field::Weight,
                    Field::LengthOrHeight,
                    Field::HeadCircumference,
                ]);
                if months.is_some_and(|m| m >= t.muac_from_month) {
                    fields.push(Field::Muac);
                }
            }
            Stage::SchoolAge => {
                fields.extend([Field::Weight, Field::LengthOrHeight]);
                if female && years.is_some_and(|y| y >= t.muac_girls_from_year) {
                    fields.push(Field::Muac);
                }
                if years.is_some_and(|y| y >= t.smoking_from_year) {
                    questions.push(Question::Smoking);
                }
            }
            Stage::Adult | Stage::Elderly => {
                fields.extend([
                    Field::Weight,
                    Field::LengthOrHeight,
                    Field::BloodPressure,
                    Field::Glucose,
                ]);
                questions.extend([Question::Smoking, Question::KnownConditions]);
            }
            Stage::Unknown => {
                fields.extend([
                    Field::Weight,
                    Field::LengthOrHeight,
                    Field::Muac,
                    Field::BloodPressure,
                    Field::Glucose,
                ]);
                questions.extend([Question::Smoking, Question::KnownConditions]);
            }
        }
    }
    let (fp_from, fp_to) = t.family_planning_years;
    if female && years.is_some_and(|y| (fp_from..=fp_to).contains(&y)) {
        questions.push(Question::FamilyPlanning);
    }
    fields.sort();
    fields.dedup();
    questions.sort();
    questions.dedup();
    let measure_lying = if fields.contains(&Field::LengthOrHeight) {
        birth.map(|b| b.age_days(on) < 731)
    } else {
        None
    };
    VisitPlan {
        stages,
        fields,
        questions,
        measure_lying,
        delivered_on,
        table: t.table,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ilp_model::{
        BirthDate, Person, PersonId, Pregnancy, PregnancyId, PregnancyOutcome, Timestamp,
    };
    use time::Duration;
    use time::macros::{date, offset};

    const TODAY: Date = date!(2026 - 11 - 22);

    fn ctx() -> RuleContext {
        RuleContext::new(TODAY, offset!(+8))
    }

    fn person(sex: Option<Sex>, birth: Option<Date>) -> PersonFacts {
        PersonFacts {
            person: Person {
                id: PersonId::from_random_bytes([1; 16]),
                household: None,
                name: Some("Maria".into()),
                sex,
                birth: birth.map(BirthDate::exact),
                nik: None,
                phone: None,
                relation: None,
                mother: None,
                description: None,
                merged_into: None,
            },
            events: vec![],
            pregnancies: vec![],
        }
    }

    fn pregnancy(hpht: Date, delivered: Option<Date>) -> Pregnancy {
        Pregnancy {
            id: PregnancyId::from_random_bytes([9; 16]),
            person: PersonId::from_random_bytes([1; 16]),
            hpht: Some(hpht),
            edd: Some(hpht + Duration::days(280)),
            outcome: delivered.map(|d| PregnancyOutcome {
                kind: OutcomeKind::LiveBirth,
                at: Timestamp::from_datetime(d.midnight().assume_utc()),
                place: None,
                place_kind: None,
            }),
        }
    }

    fn codes(p: &VisitPlan) -> (Vec<&str>, Vec<&str>, Vec<&str>) {
        (
            p.stages.iter().map(|s| s.code()).collect(),
            p.fields.iter().map(|f| f.code()).collect(),
            p.questions.iter().map(|q| q.code()).collect(),
        )
    }

    #[test]
    fn a_newborn_is_also_an_under_five_measured_lying() {
        let p = plan(
            &person(Some(Sex::Male), Some(date!(2026 - 11 - 10))),
            TODAY,
            &ctx(),
            &LIFE_STAGES_V1,
        );
        assert_eq!(p.primary(), Stage::Newborn);
        let (stages, fields, questions) = codes(&p);
        assert_eq!(stages, ["newborn", "under_five"]);
        assert_eq!(fields, ["weight", "length_or_height", "head_circumference"]);
        assert!(questions.is_empty());
        assert_eq!(p.measure_lying, Some(true));
    }

    #[test]
    fn muac_from_six_months_and_height_standing_from_two_years() {
        let baby = plan(
            &person(Some(Sex::Female), Some(date!(2026 - 06 - 01))),
            TODAY,
            &ctx(),
            &LIFE_STAGES_V1,
        );
        assert!(!baby.fields.contains(&Field::Muac), "5 months: no LiLA yet");
        let toddler = plan(
            &person(Some(Sex::Female), Some(date!(2023 - 01 - 15))),
            TODAY,
            &ctx(),
            &LIFE_STAGES_V1,
        );
        assert_eq!(toddler.primary(), Stage::UnderFive);
        assert!(toddler.fields.contains(&Field::Muac));
        assert_eq!(toddler.measure_lying, Some(false));
    }

    #[test]
    fn the_last_under_five_month_and_the_first_school_age_day() {
        // 59 completed months on 2026-11-22: born 2021-11-23 is 59 months old; 2021-11-22 is 60.
        let under = plan(
            &person(None, Some(date!(2021 - 11 - 23))),
            TODAY,
            &ctx(),
            &LIFE_STAGES_V1,
        );
        assert_eq!(under.primary(), Stage::UnderFive);
        let school = plan(
            &person(None, Some(date!(2021 - 11 - 22))),
            TODAY,
            &ctx(),
            &LIFE_STAGES_V1,
        );
        assert_eq!(school.primary(), Stage::SchoolAge);
    }

    #[test]
    fn a_pregnant_adolescent_gets_both_forms() {
        let mut p = person(Some(Sex::Female), Some(date!(2009 - 05 - 01)));
        p.pregnancies.push(pregnancy(date!(2026 - 07 - 01), None));
        let plan = plan(&p, TODAY, &ctx(), &LIFE_STAGES_V1);
        let (stages, fields, questions) = codes(&plan);
        assert_eq!(stages, ["pregnant", "school_age"]);
        assert_eq!(
            fields,
            ["weight", "length_or_height", "muac", "blood_pressure"]
        );
        assert_eq!(questions, ["smoking", "family_planning"]);
    }

    #[test]
    fn postpartum_for_42_days_after_delivery() {
        let mut p = person(Some(Sex::Female), Some(date!(1995 - 03 - 01)));
        p.pregnancies.push(pregnancy(
            date!(2026 - 01 - 20),
            Some(date!(2026 - 10 - 20)),
        ));
        let within = plan(&p, TODAY, &ctx(), &LIFE_STAGES_V1);
        assert_eq!(within.primary(), Stage::Postpartum);
        assert_eq!(within.delivered_on, Some(date!(2026 - 10 - 20)));
        assert!(within.questions.contains(&Question::ExclusiveBreastfeeding));
        assert!(within.stages.contains(&Stage::Adult));
        let after = plan(&p, date!(2026 - 12 - 02), &ctx(), &LIFE_STAGES_V1);
        assert_eq!(
            after.primary(),
            Stage::Adult,
            "43 days after: nifas is over"
        );
    }

    #[test]
    fn adults_and_elderly_get_screening_and_unknown_ages_everything() {
        let adult = plan(
            &person(Some(Sex::Male), Some(date!(1980 - 01 - 01))),
            TODAY,
            &ctx(),
            &LIFE_STAGES_V1,
        );
        let (_, fields, questions) = codes(&adult);
        assert_eq!(
            fields,
            ["weight", "length_or_height", "blood_pressure", "glucose"]
        );
        assert_eq!(questions, ["smoking", "known_conditions"]);
        assert_eq!(adult.measure_lying, Some(false));
        let elderly = plan(
            &person(Some(Sex::Female), Some(date!(1960 - 01 - 01))),
            TODAY,
            &ctx(),
            &LIFE_STAGES_V1,
        );
        assert_eq!(elderly.primary(), Stage::Elderly);
        assert!(
            !elderly.questions.contains(&Question::FamilyPlanning),
            "66 years"
        );
        let unknown = plan(&person(None, None), TODAY, &ctx(), &LIFE_STAGES_V1);
        assert_eq!(unknown.primary(), Stage::Unknown);
        assert_eq!(unknown.fields.len(), 5);
        assert_eq!(unknown.measure_lying, None);
    }
}
