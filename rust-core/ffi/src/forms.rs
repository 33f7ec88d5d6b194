//! What the apps send: form records, converted here into the store's inputs. Codes arrive as
//! strings (so an old app can pass a code list it got from a newer core); an unknown code or a
//! malformed id or date is a validation error naming the field.

use crate::error::{IlpError, validation};
use crate::views::SexCode;
use ilp_model::{
    Antigen, Condition, ConditionStatus, DangerSign, GlucoseTiming, HealthStatus, HeightMethod,
    JknStatus, Measurement, Relation, Service, ServiceKind, Timestamp, VisitKind,
};
use ilp_store::events::{ImmunizationInput, ReferralInput, VisitInput};
use ilp_store::input::{HouseholdInput, MotherRef, PersonInput};
use time::Date;

pub(crate) fn parse_id<T: std::str::FromStr>(field: &str, raw: &str) -> Result<T, IlpError> {
    raw.parse()
        .map_err(|_| validation(field, "is not a valid id"))
}

pub(crate) fn parse_date(field: &str, raw: &str) -> Result<Date, IlpError> {
    Date::parse(
        raw.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .map_err(|_| validation(field, "must be a date as YYYY-MM-DD"))
}

fn opt_date(field: &str, raw: &Option<String>) -> Result<Option<Date>, IlpError> {
    raw.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse_date(field, s))
        .transpose()
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct HouseholdForm {
    pub rt_id: String,
    pub kk_number: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// unknown, not_enrolled, pbi, non_pbi or partial.
    pub jkn: String,
    pub clean_water: Option<bool>,
    pub healthy_latrine: Option<bool>,
    pub notes: Option<String>,
}

impl HouseholdForm {
    pub(crate) fn to_input(&self) -> Result<HouseholdInput, IlpError> {
        let gps = match (self.latitude, self.longitude) {
            (Some(a), Some(b)) => Some((a, b)),
            (None, None) => None,
            _ => {
                return Err(validation(
                    "gps",
                    "give both latitude and longitude, or neither",
                ));
            }
        };
        Ok(HouseholdInput {
            rt: parse_id("rt_id", &self.rt_id)?,
            kk_number: self.kk_number.clone(),
            address: self.address.clone(),
            gps,
            jkn: JknStatus::parse_known("jkn", &self.jkn)
                .map_err(|e| validation(e.field, e.reason))?,
            clean_water: self.clean_water,
            healthy_latrine: self.healthy_latrine,
            notes: self.notes.clone(),
        })
    }
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct PersonForm {
    pub name: Option<String>,
    pub sex: Option<SexCode>,
    /// YYYY-MM-DD; or leave empty and give `age_years`/`age_months` for an estimated date.
    pub birth_date: Option<String>,
    pub birth_date_estimated: bool,
    pub age_years: Option<u32>,
    pub age_months: Option<u32>,
    pub nik: Option<String>,
    pub phone: Option<String>,
    /// head, spouse, child, child_in_law, grandchild, parent, parent_in_law, other_family, helper, other.
    pub relation: Option<String>,
    /// The mother is another member of the same registration (index in the list).
    pub mother_member_index: Option<u32>,
    /// The mother is an already registered person.
    pub mother_id: Option<String>,
    /// For an unidentified person: how to recognise them.
    pub description: Option<String>,
}

impl PersonForm {
    pub(crate) fn to_input(&self) -> Result<PersonInput, IlpError> {
        let mother = match (self.mother_member_index, &self.mother_id) {
            (Some(_), Some(_)) => {
                return Err(validation(
                    "mother_id",
                    "give a member index or a person id, not both",
                ));
            }
            (Some(i), None) => Some(MotherRef::Member(i as usize)),
            (None, Some(id)) => Some(MotherRef::Existing(parse_id("mother_id", id)?)),
            (None, None) => None,
        };
        let relation = self
            .relation
            .as_deref()
            .filter(|r| !r.trim().is_empty())
            .map(|r| {
                Relation::parse_known("relation", r).map_err(|e| validation(e.field, e.reason))
            })
            .transpose()?;
        Ok(PersonInput {
            name: self.name.clone(),
            sex: self.sex.clone().map(Into::into),
            birth_date: opt_date("birth_date", &self.birth_date)?,
            birth_date_estimated: self.birth_date_estimated,
            age_years: self.age_years,
            age_months: self.age_months,
            nik: self.nik.clone(),
            phone: self.phone.clone(),
            relation,
            mother,
            description: self.description.clone(),
        })
    }
}

#[derive(Clone, Debug, PartialEq, uniffi::Enum)]
pub enum VisitKindForm {
    Posyandu,
    HomeVisit,
    Anc {
        contact: Option<u8>,
        by_doctor: bool,
    },
    Kf {
        number: u8,
    },
    Kn {
        number: u8,
    },
    Other,
}

impl From<VisitKindForm> for VisitKind {
    fn from(k: VisitKindForm) -> Self {
        match k {
            VisitKindForm::Posyandu => VisitKind::Posyandu,
            VisitKindForm::HomeVisit => VisitKind::HomeVisit,
            VisitKindForm::Anc { contact, by_doctor } => VisitKind::Anc { contact, by_doctor },
            VisitKindForm::Kf { number } => VisitKind::Kf { number },
            VisitKindForm::Kn { number } => VisitKind::Kn { number },
            VisitKindForm::Other => VisitKind::Other,
        }
    }
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct MeasurementForm {
    pub weight_kg: Option<f64>,
    pub length_or_height_cm: Option<f64>,
    /// true: lying (panjang badan); false: standing; empty: by age (WHO: lying below 731 days).
    pub measured_lying: Option<bool>,
    pub head_circumference_cm: Option<f64>,
    pub muac_cm: Option<f64>,
    pub systolic_mmhg: Option<u16>,
    pub diastolic_mmhg: Option<u16>,
    pub blood_glucose_mg_dl: Option<f64>,
    /// fasting, random or two_hours_after_meal.
    pub glucose_timing: Option<String>,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ImmunizationForm {
    /// hb0, bcg, opv, dpt_hb_hib, pcv, rv, ipv, mr, je, dt, td, hpv, tt.
    pub antigen: String,
    pub dose: u8,
    /// Defaults to the visit's date.
    pub given_on: Option<String>,
    pub batch: Option<String>,
    /// Copied from the card or recalled, not given in this visit.
    pub from_history: bool,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ServiceForm {
    /// vitamin_a_blue, vitamin_a_red, iron_tablets, mbg_package, pmt, oralit_zinc, family_planning.
    pub kind: String,
    pub quantity: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ReferralForm {
    pub to: String,
    pub emergency: bool,
    pub reason: Option<String>,
    pub pickup_called: bool,
    pub pickup_called_at_ms: Option<i64>,
    pub pickup_service: Option<String>,
}

/// A whole visit: everything recorded for one person in one sitting, saved in one call.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct VisitForm {
    pub person_id: String,
    /// Defaults to now.
    pub occurred_at_ms: Option<i64>,
    pub kind: VisitKindForm,
    pub posyandu_id: Option<String>,
    pub place: Option<String>,
    pub pregnancy_id: Option<String>,
    pub measurement: Option<MeasurementForm>,
    pub immunizations: Vec<ImmunizationForm>,
    pub services: Vec<ServiceForm>,
    /// Codes from `danger_sign_codes()`.
    pub danger_signs: Vec<String>,
    pub danger_note: Option<String>,
    pub referral: Option<ReferralForm>,
    pub note: Option<String>,
    /// Known conditions, smoking, family planning, breastfeeding (asked on a household visit).
    #[uniffi(default = None)]
    pub health_status: Option<HealthStatusForm>,
}

/// One known condition: `hypertension`, `diabetes`, `tuberculosis`, `severe_mental_illness`.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ConditionForm {
    pub condition: String,
    /// Takes treatment regularly; `None` when not asked.
    pub on_treatment: Option<bool>,
    /// Severe mental illness only: restrained (dipasung) or neglected.
    pub neglected: Option<bool>,
    /// The condition no longer applies.
    pub resolved: bool,
}

/// Answers about a person's health; a field left `None` was not asked.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct HealthStatusForm {
    pub conditions: Vec<ConditionForm>,
    pub smokes: Option<bool>,
    pub family_planning: Option<bool>,
    pub exclusive_breastfeeding: Option<bool>,
}

impl HealthStatusForm {
    pub(crate) fn to_status(&self) -> Result<HealthStatus, IlpError> {
        let conditions = self
            .conditions
            .iter()
            .enumerate()
            .map(|(i, c)| {
                Ok(ConditionStatus {
                    condition: known(
                        &format!("health_status.conditions[{i}].condition"),
                        Condition::parse_known("condition", &c.condition),
                    )?,
                    on_treatment: c.on_treatment,
                    neglected: c.neglected,
                    resolved: c.resolved,
                })
            })
            .collect::<Result<Vec<_>, IlpError>>()?;
        Ok(HealthStatus {
            conditions,
            smokes: self.smokes,
            family_planning: self.family_planning,
            exclusive_breastfeeding: self.exclusive_breastfeeding,
        })
    }
}

/// The measurement part of a form, with its glucose timing code checked.
pub(crate) fn measurement(m: &MeasurementForm) -> Result<Measurement, IlpError> {
    Ok(Measurement {
        weight_kg: m.weight_kg,
        length_or_height_cm: m.length_or_height_cm,
        height_method: m.measured_lying.map(|l| {
            if l {
                HeightMethod::Recumbent
            } else {
                HeightMethod::Standing
            }
        }),
        head_circumference_cm: m.head_circumference_cm,
        muac_cm: m.muac_cm,
        systolic_mmhg: m.systolic_mmhg,
        diastolic_mmhg: m.diastolic_mmhg,
        blood_glucose_mg_dl: m.blood_glucose_mg_dl,
        glucose_timing: match m.glucose_timing.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("fasting") => Some(GlucoseTiming::Fasting),
            Some("random") => Some(GlucoseTiming::Random),
            Some("two_hours_after_meal") => Some(GlucoseTiming::TwoHoursAfterMeal),
            Some(_) => {
                return Err(validation(
                    "measurement.glucose_timing",
                    "must be fasting, random or two_hours_after_meal",
                ));
            }
        },
    })
}

fn known<T>(field: &str, r: Result<T, ilp_model::ValidationError>) -> Result<T, IlpError> {
    r.map_err(|e| validation(field, e.reason))
}

impl VisitForm {
    pub(crate) fn to_input(&self, now: Timestamp) -> Result<VisitInput, IlpError> {
        let measurement = self.measurement.as_ref().map(measurement).transpose()?;
        let immunizations = self
            .immunizations
            .iter()
            .enumerate()
            .map(|(i, f)| {
                Ok(ImmunizationInput {
                    antigen: known(
                        &format!("immunizations[{i}].antigen"),
                        Antigen::parse_known("antigen", &f.antigen),
                    )?,
                    dose: f.dose,
                    given_on: opt_date(&format!("immunizations[{i}].given_on"), &f.given_on)?,
                    batch: f.batch.clone(),
                    recorded_from_history: f.from_history,
                })
            })
            .collect::<Result<Vec<_>, IlpError>>()?;
        let services = self
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| {
                Ok(Service {
                    kind: known(
                        &format!("services[{i}].kind"),
                        ServiceKind::parse_known("kind", &s.kind),
                    )?,
                    quantity: s.quantity,
                })
            })
            .collect::<Result<Vec<_>, IlpError>>()?;
        let danger_signs = self
            .danger_signs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                known(
                    &format!("danger_signs[{i}]"),
                    DangerSign::parse_known("danger_sign", d),
                )
            })
            .collect::<Result<Vec<_>, IlpError>>()?;
        Ok(VisitInput {
            person: parse_id("person_id", &self.person_id)?,
            occurred_at: self
                .occurred_at_ms
                .map(Timestamp::from_millis)
                .unwrap_or(now),
            kind: self.kind.clone().into(),
            posyandu: self
                .posyandu_id
                .as_deref()
                .map(|p| parse_id("posyandu_id", p))
                .transpose()?,
            place: self.place.clone(),
            pregnancy: self
                .pregnancy_id
                .as_deref()
                .map(|p| parse_id("pregnancy_id", p))
                .transpose()?,
            measurement,
            immunizations,
            services,
            danger_signs,
            danger_note: self.danger_note.clone(),
            referral: self.referral.as_ref().map(|r| ReferralInput {
                to: r.to.clone(),
                emergency: r.emergency,
                reason: r.reason.clone(),
                pickup_called: r.pickup_called,
                pickup_called_at: r.pickup_called_at_ms.map(Timestamp::from_millis),
                pickup_service: r.pickup_service.clone(),
            }),
            health_status: self
                .health_status
                .as_ref()
                .map(HealthStatusForm::to_status)
                .transpose()?,
            note: self.note.clone(),
        })
    }
}
