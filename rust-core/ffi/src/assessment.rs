//! The measurement preview of a visit form: while the kader types the numbers, before anything is
//! saved, what they say about the person. The checks are those `record_visit` makes (same
//! errors, same field names) and the numbers are those the growth chart shows once the visit is
//! saved; the rules are the rules crate's (`ilp_rules::assessment`), nothing is written.

use crate::error::{IlpError, validation};
use crate::growth_fields::{kms_fields, score_fields};
use crate::views::age_label;
use crate::{IlpCore, MeasurementForm, forms, now};
use ilp_model::PersonId;
use ilp_rules::assessment;
use ilp_rules::facts::RuleContext;
use ilp_rules::kms::KmsTables;
use ilp_rules::vitals::VitalsTables;
use ilp_store::{due_items, events};

/// One z-score of the previewed measurement, as the growth chart shows it.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ZScoreView {
    /// wfa, lhfa, wflh, bmifa, hcfa, acfa.
    pub indicator: String,
    /// Bahasa Indonesia ("Berat badan menurut umur (BB/U)").
    pub label: String,
    /// Rounded to 2 decimals (WHO's reporting), as on the growth chart.
    pub z: f64,
    /// Outside WHO's plausible range: measure again (no category then).
    pub flagged: bool,
    /// Permenkes 2/2020 category code ("severely_wasted"), `None` when flagged or uncategorised.
    pub category: Option<String>,
    /// Its Bahasa label ("Gizi buruk (severely wasted)").
    pub category_label: Option<String>,
}

/// The KMS result of the previewed weighing against the child's recorded weighings.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct KmsView {
    /// N, T, O or B.
    pub code: String,
    /// "Naik", "Tidak naik", "Tidak ditimbang bulan lalu", "Baru pertama kali ditimbang".
    pub label: String,
    /// Gain in grams over last month's weighing (N and T only).
    pub gain_g: Option<i32>,
    /// The minimum gain (KBM) it was held against (N and T only).
    pub kbm_g: Option<u32>,
    /// Date of last month's weighing compared with (N and T only).
    pub compared_with: Option<String>,
    /// The second T in a row (2T).
    pub two_t: bool,
    /// Below the red line (bawah garis merah).
    pub bgm: bool,
    pub above_orange: bool,
    /// The Buku KIA says to refer (T, BGM or above the orange line).
    pub refer: bool,
    /// Why, in Bahasa Indonesia, 2T first (as on the growth chart).
    pub referral_reasons: Vec<String>,
}

/// A category: code for logic, Bahasa label for the screen.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct CategoryView {
    pub code: String,
    pub label: String,
}

/// What the visit form shows under the numbers being typed.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct MeasurementAssessment {
    /// The person assessed (the surviving record if the id was merged).
    pub person_id: String,
    /// YYYY-MM-DD.
    pub measured_on: String,
    pub age_days: Option<i64>,
    /// "8 bl", "2 th 3 bl"; `None` when the birth date is unknown.
    pub age_label: Option<String>,
    /// A child's z-scores (0-59 months, and 5-19 years where the WHO 2007 reference covers the
    /// indicator); empty for adults.
    pub z_scores: Vec<ZScoreView>,
    /// A weight or length was given but the person's sex or birth date is missing: show "lengkapi
    /// jenis kelamin dan tanggal lahir" instead of z-scores.
    pub growth_needs_sex_and_birth: bool,
    /// The weighing's KMS code (children 0-59 months with a weight).
    pub kms: Option<KmsView>,
    /// The person has a pregnancy ongoing on the day.
    pub pregnant: bool,
    pub pregnancy_id: Option<String>,
    /// LiLA below 23.5 cm in pregnancy (KEK); `None` when not pregnant or no LiLA given.
    pub kek: Option<bool>,
    /// normal, high (pra-hipertensi) or hypertension; adults and pregnant women with a reading.
    pub blood_pressure: Option<CategoryView>,
    /// low, normal, prediabetes or diabetes, by the glucose timing (none: read as random).
    pub glucose: Option<CategoryView>,
    /// Lines the form shows in red, Bahasa Indonesia ("Gizi buruk: rujuk ke Puskesmas",
    /// "2T: ...", "BGM: ...", "KEK: ...", "Hipertensi: ...").
    pub alerts: Vec<String>,
    /// The rule tables the assessment followed ("kbm.kms_2010@1", "bp.jnc7@1").
    pub rule_tables: Vec<String>,
}

#[uniffi::export]
impl IlpCore {
    /// Previews a measurement being typed into a visit form for `person_id`, taken on
    /// `measured_on` (YYYY-MM-DD, default today), before it is saved; writes nothing. An
    /// impossible value is refused exactly as `record_visit` refuses it
    /// (`Validation { field: "measurement.weight_kg", .. }`); otherwise the result carries the
    /// child's z-scores and categories, the KMS code of this weighing against the child's earlier
    /// ones, KEK in pregnancy, blood pressure and glucose categories, and the red alert lines.
    /// An empty form gives an empty assessment.
    pub fn assess_measurement(
        &self,
        person_id: String,
        measured_on: Option<String>,
        measurement: MeasurementForm,
    ) -> Result<MeasurementAssessment, IlpError> {
        let id: PersonId = forms::parse_id("person_id", &person_id)?;
        self.check_person(id).map_err(|e| match e {
            IlpError::NotFound { .. } => validation("person_id", "is not a registered person"),
            other => other,
        })?;
        let today = self.today_at(now());
        let on = match measured_on.as_deref().map(str::trim) {
            None | Some("") => today,
            Some(d) => forms::parse_date("measured_on", d)?,
        };
        let typed = forms::measurement(&measurement)?;
        let (facts, m) = self.store.read(|c| {
            let (id, m) = events::check_measurement_on(c, id, on, today, &typed)?;
            Ok((due_items::person_facts(c, id)?, m))
        })?;
        let review = assessment::review(
            &facts,
            on,
            &m,
            &RuleContext::new(today, self.offset),
            &KmsTables::default(),
            &VitalsTables::default(),
        );
        Ok(view(&facts.person, on, &review))
    }
}

fn view(
    person: &ilp_model::Person,
    on: time::Date,
    r: &assessment::MeasurementReview,
) -> MeasurementAssessment {
    let z_scores = r
        .growth
        .iter()
        .flat_map(|g| &g.scores)
        .map(|s| {
            let f = score_fields(Some(s));
            ZScoreView {
                indicator: s.indicator.code().to_string(),
                label: s.indicator.label_id().to_string(),
                z: f.z.unwrap_or(s.z),
                flagged: f.flagged,
                category: f.category,
                category_label: f.category_label,
            }
        })
        .collect();
    let kms = r.kms.as_ref().map(|k| {
        let (code, referral_reasons) = kms_fields(Some(k));
        KmsView {
            code: code.unwrap_or_default(),
            label: k.code.label_id().to_string(),
            gain_g: k.gain_g,
            kbm_g: k.kbm_g,
            compared_with: k.compared_with.map(|d| d.to_string()),
            two_t: k.two_t,
            bgm: k.bgm,
            above_orange: k.above_orange,
            refer: k.refer(),
            referral_reasons,
        }
    });
    MeasurementAssessment {
        person_id: person.id.to_string(),
        measured_on: on.to_string(),
        age_days: r.age_days,
        age_label: person.birth.map(|b| age_label(&b, on)),
        z_scores,
        growth_needs_sex_and_birth: r.growth_needs_sex_and_birth,
        kms,
        pregnant: r.pregnancy.is_some(),
        pregnancy_id: r.pregnancy.as_ref().map(|p| p.id.to_string()),
        kek: r.kek,
        blood_pressure: r.blood_pressure.map(|c| CategoryView {
            code: c.code().to_string(),
            label: c.label_id().to_string(),
        }),
        glucose: r.glucose.map(|c| CategoryView {
            code: c.code().to_string(),
            label: c.label_id().to_string(),
        }),
        alerts: r.alerts.clone(),
        rule_tables: r.tables.iter().map(|t| t.to_string()).collect(),
    }
}
