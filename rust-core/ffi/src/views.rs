//! Records the screens receive: one call returns what a screen shows. Dates are ISO `YYYY-MM-DD`
//! strings and instants are milliseconds since the epoch (UTC), which both Kotlin and Swift parse.

use ilp_model::{Area, BirthDate, EventPayload, Nik, Person, Sex, Timestamp};
use ilp_store::events::LatestMeasurements;
use ilp_store::households::{HouseholdDetail, HouseholdSummary, MemberDetail};
use time::Date;

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum SexCode {
    Male,
    Female,
}

impl From<Sex> for SexCode {
    fn from(s: Sex) -> Self {
        match s {
            Sex::Male => SexCode::Male,
            Sex::Female => SexCode::Female,
        }
    }
}

impl From<SexCode> for Sex {
    fn from(s: SexCode) -> Self {
        match s {
            SexCode::Male => Sex::Male,
            SexCode::Female => Sex::Female,
        }
    }
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct AreaNode {
    pub id: String,
    pub parent_id: Option<String>,
    /// province, city, district, village, rw or rt.
    pub level: String,
    /// Bahasa Indonesia name of the level (Kecamatan, Kelurahan/Desa, RW, RT).
    pub level_label: String,
    pub code: String,
    pub name: String,
    /// Inside the user's assignment (outside nodes are the path down to it).
    pub in_scope: bool,
}

impl AreaNode {
    pub(crate) fn from_area(a: Area, in_scope: bool) -> Self {
        Self {
            id: a.id.to_string(),
            parent_id: a.parent.map(|p| p.to_string()),
            level: a.level.code().into(),
            level_label: a.level.label_id().into(),
            code: a.code,
            name: a.name,
            in_scope,
        }
    }
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct PosyanduView {
    pub id: String,
    pub name: String,
    pub village_id: String,
    pub rt_ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct HouseholdRow {
    pub id: String,
    pub head_name: Option<String>,
    pub address: Option<String>,
    pub kk_number: Option<String>,
    pub member_count: u32,
    pub jkn: String,
    pub jkn_label: String,
}

impl From<HouseholdSummary> for HouseholdRow {
    fn from(s: HouseholdSummary) -> Self {
        Self {
            id: s.household.id.to_string(),
            head_name: s.head_name,
            address: s.household.address,
            kk_number: s.household.kk_number.map(|k| k.as_str().to_string()),
            member_count: s.member_count,
            jkn: s.household.jkn.code().into(),
            jkn_label: s.household.jkn.label_id().into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct LatestMeasurementsView {
    pub weight_kg: Option<f64>,
    pub weight_at_ms: Option<i64>,
    pub length_or_height_cm: Option<f64>,
    /// true: measured lying down (panjang badan); false: standing (tinggi badan).
    pub measured_lying: Option<bool>,
    pub length_at_ms: Option<i64>,
    pub head_circumference_cm: Option<f64>,
    pub head_at_ms: Option<i64>,
    pub muac_cm: Option<f64>,
    pub muac_at_ms: Option<i64>,
    pub systolic_mmhg: Option<u16>,
    pub diastolic_mmhg: Option<u16>,
    pub blood_pressure_at_ms: Option<i64>,
    pub blood_glucose_mg_dl: Option<f64>,
    pub glucose_at_ms: Option<i64>,
}

impl From<LatestMeasurements> for LatestMeasurementsView {
    fn from(l: LatestMeasurements) -> Self {
        Self {
            weight_kg: l.weight_kg.map(|d| d.value),
            weight_at_ms: l.weight_kg.map(|d| d.at.millis()),
            length_or_height_cm: l.length_or_height_cm.map(|d| d.value.0),
            measured_lying: l
                .length_or_height_cm
                .map(|d| d.value.1 == ilp_model::HeightMethod::Recumbent),
            length_at_ms: l.length_or_height_cm.map(|d| d.at.millis()),
            head_circumference_cm: l.head_circumference_cm.map(|d| d.value),
            head_at_ms: l.head_circumference_cm.map(|d| d.at.millis()),
            muac_cm: l.muac_cm.map(|d| d.value),
            muac_at_ms: l.muac_cm.map(|d| d.at.millis()),
            systolic_mmhg: l.blood_pressure.map(|d| d.value.0),
            diastolic_mmhg: l.blood_pressure.map(|d| d.value.1),
            blood_pressure_at_ms: l.blood_pressure.map(|d| d.at.millis()),
            blood_glucose_mg_dl: l.blood_glucose_mg_dl.map(|d| d.value),
            glucose_at_ms: l.blood_glucose_mg_dl.map(|d| d.at.millis()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct PregnancyView {
    pub id: String,
    pub hpht: Option<String>,
    pub edd: Option<String>,
    /// Completed weeks of gestation today, while ongoing.
    pub gestational_weeks: Option<i64>,
    pub outcome: Option<String>,
    pub outcome_at_ms: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct MemberCard {
    pub person_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub sex: Option<SexCode>,
    pub birth_date: Option<String>,
    pub birth_date_estimated: bool,
    /// "2 th 3 bl", "5 bl", "12 hr": age as Buku KIA writes it.
    pub age_label: Option<String>,
    pub age_days: Option<i64>,
    pub nik_masked: Option<String>,
    pub relation: Option<String>,
    pub relation_label: Option<String>,
    pub phone: Option<String>,
    pub mother_id: Option<String>,
    pub latest: LatestMeasurementsView,
    pub pregnancy: Option<PregnancyView>,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct HouseholdScreen {
    pub id: String,
    pub rt_id: String,
    /// "RT 003 / RW 001, Oesapa".
    pub place_label: String,
    pub kk_number: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub jkn: String,
    pub jkn_label: String,
    pub clean_water: Option<bool>,
    pub healthy_latrine: Option<bool>,
    pub notes: Option<String>,
    pub members: Vec<MemberCard>,
}

/// Masks a NIK for lists and logs: region and serial only (5371********0003).
pub fn mask_nik(nik: &Nik) -> String {
    let s = nik.as_str();
    format!("{}********{}", &s[..4], &s[12..])
}

/// Age as Buku KIA writes it, in Bahasa Indonesia.
pub fn age_label(birth: &BirthDate, today: Date) -> String {
    let days = birth.age_days(today);
    let months = birth.age_months(today);
    let prefix = if birth.estimated { "±" } else { "" };
    if days < 0 {
        return "belum lahir".into();
    }
    if months < 1 {
        return format!("{prefix}{days} hr");
    }
    if months < 24 {
        return format!("{prefix}{months} bl");
    }
    let (y, m) = (months / 12, months % 12);
    if m == 0 || y >= 5 {
        format!("{prefix}{y} th")
    } else {
        format!("{prefix}{y} th {m} bl")
    }
}

pub(crate) fn member_card(m: MemberDetail, today: Date) -> MemberCard {
    let p: Person = m.person;
    MemberCard {
        person_id: p.id.to_string(),
        name: p.name,
        description: p.description,
        sex: p.sex.map(Into::into),
        birth_date: p.birth.map(|b| b.date.to_string()),
        birth_date_estimated: p.birth.is_some_and(|b| b.estimated),
        age_label: p.birth.map(|b| age_label(&b, today)),
        age_days: p.birth.map(|b| b.age_days(today)),
        nik_masked: p.nik.as_ref().map(mask_nik),
        relation_label: p.relation.as_ref().map(|r| r.label_id().to_string()),
        relation: p.relation.map(|r| r.code().to_string()),
        phone: p.phone,
        mother_id: p.mother.map(|m| m.to_string()),
        latest: m.latest.into(),
        pregnancy: m.pregnancy.map(|pg| PregnancyView {
            id: pg.id.to_string(),
            hpht: pg.hpht.map(|d| d.to_string()),
            edd: pg.edd.map(|d| d.to_string()),
            gestational_weeks: match (&pg.outcome, pg.hpht) {
                (None, Some(h)) => Some(ilp_model::pregnancy::gestational_weeks(h, today)),
                _ => None,
            },
            outcome: pg.outcome.as_ref().map(|o| o.kind.code().to_string()),
            outcome_at_ms: pg.outcome.as_ref().map(|o| o.at.millis()),
        }),
    }
}

pub(crate) fn household_screen(d: HouseholdDetail, today: Date) -> HouseholdScreen {
    let h = d.household;
    HouseholdScreen {
        id: h.id.to_string(),
        rt_id: h.rt.to_string(),
        place_label: d.place.label(),
        kk_number: h.kk_number.map(|k| k.as_str().to_string()),
        address: h.address,
        latitude: h.gps.map(|g| g.lat),
        longitude: h.gps.map(|g| g.lon),
        jkn_label: h.jkn.label_id().into(),
        jkn: h.jkn.code().into(),
        clean_water: h.clean_water,
        healthy_latrine: h.healthy_latrine,
        notes: h.notes,
        members: d
            .members
            .into_iter()
            .map(|m| member_card(m, today))
            .collect(),
    }
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct SearchResult {
    pub person_id: String,
    pub household_id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub sex: Option<SexCode>,
    pub age_label: Option<String>,
    pub rt_label: Option<String>,
    pub address: Option<String>,
    pub nik_masked: Option<String>,
    /// name, nik, kk_number or phone.
    pub matched_by: String,
    /// Lower is closer.
    pub score: u32,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct NikWarningView {
    /// The member the warning is about, in the order given (0 for single-person calls).
    pub member_index: u32,
    /// sex_mismatch or birth_date_mismatch.
    pub code: String,
    /// Bahasa Indonesia text to show.
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct RegistrationResult {
    pub household_id: String,
    pub member_ids: Vec<String>,
    pub warnings: Vec<NikWarningView>,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct VisitResult {
    pub visit_id: String,
    /// The person the visit was filed under (the surviving record after a merge).
    pub person_id: String,
    pub event_ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct MergeOutcome {
    pub survivor_id: String,
    pub merged_id: String,
    pub filled_fields: Vec<String>,
}

/// One entry of a person's history (visit parts, with corrections applied).
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct HistoryEntry {
    pub event_id: String,
    pub visit_id: Option<String>,
    pub kind: String,
    pub occurred_at_ms: i64,
    /// A one-line Bahasa Indonesia summary ("BB 9,6 kg · PB 75,7 cm").
    pub summary: String,
}

fn dec(v: f64) -> String {
    format!("{v:.1}").replace('.', ",")
}

pub(crate) fn history_summary(p: &EventPayload) -> String {
    match p {
        EventPayload::Visit(v) => match &v.kind {
            ilp_model::VisitKind::Posyandu => "Kunjungan Posyandu".into(),
            ilp_model::VisitKind::HomeVisit => "Kunjungan rumah".into(),
            ilp_model::VisitKind::Anc { contact, .. } => contact
                .map_or("Pemeriksaan kehamilan (ANC)".into(), |c| {
                    format!("ANC K{c}")
                }),
            ilp_model::VisitKind::Kf { number } => format!("Kunjungan nifas KF{number}"),
            ilp_model::VisitKind::Kn { number } => format!("Kunjungan neonatal KN{number}"),
            ilp_model::VisitKind::Other => "Kunjungan lain".into(),
        },
        EventPayload::Measurement(m) => {
            let mut parts = Vec::new();
            if let Some(w) = m.weight_kg {
                parts.push(format!("BB {} kg", dec(w)));
            }
            if let Some(l) = m.length_or_height_cm {
                let lying = m.height_method == Some(ilp_model::HeightMethod::Recumbent);
                parts.push(format!("{} {} cm", if lying { "PB" } else { "TB" }, dec(l)));
            }
            if let Some(h) = m.head_circumference_cm {
                parts.push(format!("LK {} cm", dec(h)));
            }
            if let Some(x) = m.muac_cm {
                parts.push(format!("LiLA {} cm", dec(x)));
            }
            if let (Some(s), Some(d)) = (m.systolic_mmhg, m.diastolic_mmhg) {
                parts.push(format!("TD {s}/{d}"));
            }
            if let Some(g) = m.blood_glucose_mg_dl {
                parts.push(format!("GD {g:.0} mg/dL"));
            }
            parts.join(" · ")
        }
        EventPayload::Immunization(i) => format!(
            "Imunisasi {} dosis {}",
            i.antigen.code().to_uppercase(),
            i.dose
        ),
        EventPayload::Service(s) => format!("Layanan {}", s.kind.code()),
        EventPayload::DangerSigns { signs, .. } => format!(
            "Tanda bahaya: {}",
            signs
                .iter()
                .map(|s| s.code().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        EventPayload::Referral(r) => {
            if r.emergency {
                format!("Rujukan darurat ke {}", r.to)
            } else {
                format!("Rujukan ke {}", r.to)
            }
        }
        EventPayload::HealthStatus(h) => {
            let mut parts: Vec<String> = h
                .conditions
                .iter()
                .map(|c| {
                    let name = match &c.condition {
                        ilp_model::Condition::Hypertension => "hipertensi",
                        ilp_model::Condition::Diabetes => "diabetes",
                        ilp_model::Condition::Tuberculosis => "TB",
                        ilp_model::Condition::SevereMentalIllness => "ODGJ berat",
                        ilp_model::Condition::Other(code) => code.as_str(),
                    };
                    if c.resolved {
                        format!("{name} (selesai)")
                    } else {
                        match c.on_treatment {
                            Some(true) => format!("{name}, berobat teratur"),
                            Some(false) => format!("{name}, tidak berobat teratur"),
                            None => name.to_string(),
                        }
                    }
                })
                .collect();
            let yes_no = |label: &str, v: Option<bool>| {
                v.map(|b| format!("{label}: {}", if b { "ya" } else { "tidak" }))
            };
            parts.extend(yes_no("Merokok", h.smokes));
            parts.extend(yes_no("KB", h.family_planning));
            parts.extend(yes_no("ASI eksklusif", h.exclusive_breastfeeding));
            format!("Status kesehatan: {}", parts.join(" · "))
        }
        EventPayload::Note { text } => text.clone(),
        EventPayload::PersonMerged { .. } => "Data digabung".into(),
        EventPayload::Void { .. } | EventPayload::Amend { .. } => "Koreksi".into(),
    }
}

pub(crate) fn ms(t: Timestamp) -> i64 {
    t.millis()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn ages_read_like_buku_kia() {
        let today = date!(2026 - 11 - 22);
        assert_eq!(
            age_label(&BirthDate::exact(date!(2026 - 11 - 10)), today),
            "12 hr"
        );
        assert_eq!(
            age_label(&BirthDate::exact(date!(2026 - 06 - 01)), today),
            "5 bl"
        );
        assert_eq!(
            age_label(&BirthDate::exact(date!(2024 - 08 - 01)), today),
            "2 th 3 bl"
        );
        assert_eq!(
            age_label(
                &BirthDate {
                    date: date!(1986 - 11 - 22),
                    estimated: true
                },
                today
            ),
            "±40 th"
        );
    }

    #[test]
    fn nik_is_masked() {
        let nik = Nik::parse("nik", "5371035207950003").unwrap();
        assert_eq!(mask_nik(&nik), "5371********0003");
    }
}
