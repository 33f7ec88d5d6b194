//! `ilp visit record`: one visit with everything recorded in it, written in one transaction.

use crate::app::{CliError, CliResult, Session, parse_rfc3339};
use crate::text::parse_decimal;
use clap::Args;
use ilp_model::{
    Antigen, Condition, ConditionStatus, DangerSign, GlucoseTiming, HealthStatus, HeightMethod,
    Measurement, PersonId, Service, ServiceKind, Timestamp, UserId, VisitKind,
};
use ilp_store::events::{self, ImmunizationInput, ReferralInput, VisitInput};

const VISIT_EXAMPLES: &str = "\
Examples:
  # Posyandu day: weight and lying length of a baby, the second DPT-HB-Hib dose, vitamin A
  ilp visit record --person 3f0c…-… --kind posyandu --weight 7.9 --height 66.5 --lying \\
      --immunization dpt_hb_hib:2 --service vitamin_a_blue

  # Home visit to a pregnant woman with a danger sign, referred as an emergency
  ilp visit record --person 9a1b…-… --kind anc --contact 3 --bp 150/100 \\
      --danger-sign severe_headache_blurred_vision --refer-to \"RSUD S.K. Lerik\" --emergency --pickup-called

  # Adult screening at the Posyandu ILP
  ilp visit record --person 51d2…-… --kind posyandu --weight 71 --bp 135/85 --glucose 180 --glucose-timing random

Codes:
  antigens:     hb0 bcg opv dpt_hb_hib pcv rv ipv mr je dt td hpv tt
  services:     vitamin_a_blue vitamin_a_red iron_tablets mbg_package pmt oralit_zinc family_planning
  danger signs: bleeding high_fever severe_headache_blurred_vision convulsions swelling_face_hands
                reduced_fetal_movement waters_broke_early persistent_vomiting breathing_difficulty
                foul_discharge not_feeding lethargic fast_breathing chest_indrawing hypothermia jaundice
                umbilical_infection diarrhoea_dehydration severe_wasting chest_pain stroke_signs
                unconscious severe_mental_crisis";

/// Options of `ilp visit record`.
#[derive(Args, Debug)]
#[command(after_long_help = VISIT_EXAMPLES)]
pub struct VisitArgs {
    /// The person visited (the PERSON ID from `ilp search` or `ilp show household`).
    #[arg(long, value_name = "ID")]
    pub person: String,
    /// What kind of visit: posyandu (hari buka Posyandu), home (kunjungan rumah), anc (ANC contact,
    /// pemeriksaan kehamilan), kf1..kf4 (postpartum, kunjungan nifas), kn1..kn3 (newborn, kunjungan
    /// neonatal), other.
    #[arg(long, value_name = "KIND")]
    pub kind: String,
    /// ANC contact number (K1..K6 and more) for --kind anc.
    #[arg(long, value_name = "N")]
    pub contact: Option<u8>,
    /// The ANC contact was with a doctor.
    #[arg(long)]
    pub by_doctor: bool,
    /// Weight (berat badan) in kg, e.g. 9.6.
    #[arg(long, value_name = "KG")]
    pub weight: Option<String>,
    /// Length or height (panjang/tinggi badan) in cm.
    #[arg(long, value_name = "CM")]
    pub height: Option<String>,
    /// The length was measured lying down (panjang badan; usual under 2 years).
    #[arg(long, conflicts_with = "standing")]
    pub lying: bool,
    /// The height was measured standing (tinggi badan; usual from 2 years).
    #[arg(long)]
    pub standing: bool,
    /// Head circumference (lingkar kepala) in cm.
    #[arg(long, value_name = "CM")]
    pub head: Option<String>,
    /// Mid-upper arm circumference (LiLA) in cm.
    #[arg(long, value_name = "CM")]
    pub muac: Option<String>,
    /// Blood pressure (tekanan darah) as systolic/diastolic, e.g. 120/80.
    #[arg(long, value_name = "SYS/DIA")]
    pub bp: Option<String>,
    /// Blood glucose (gula darah) in mg/dL.
    #[arg(long, value_name = "MG_DL")]
    pub glucose: Option<String>,
    /// When the glucose was taken: fasting (puasa), random (sewaktu) or 2h (2 jam setelah makan).
    #[arg(long, value_name = "TIMING", requires = "glucose")]
    pub glucose_timing: Option<String>,
    /// An immunization given, as antigen:dose (e.g. dpt_hb_hib:2). Repeat for several.
    #[arg(long = "immunization", value_name = "ANTIGEN:DOSE")]
    pub immunizations: Vec<String>,
    /// A service given, as code or code:quantity (e.g. iron_tablets:30). Repeat for several.
    #[arg(long = "service", value_name = "CODE[:QTY]")]
    pub services: Vec<String>,
    /// A danger sign found (tanda bahaya). Repeat for several.
    #[arg(long = "danger-sign", value_name = "CODE")]
    pub danger_signs: Vec<String>,
    /// Referred to (dirujuk ke), e.g. "Puskesmas Oesapa".
    #[arg(long, value_name = "PLACE")]
    pub refer_to: Option<String>,
    /// The referral is an emergency (rujukan gawat darurat).
    #[arg(long, requires = "refer_to")]
    pub emergency: bool,
    /// An emergency pick-up (ambulance, Brigade Kupang Sehat) was called.
    #[arg(long, requires = "refer_to")]
    pub pickup_called: bool,
    /// A known condition (hypertension, diabetes, tuberculosis, severe_mental_illness), as CODE or
    /// CODE:STATE where STATE is treated (berobat teratur), untreated (tidak teratur), neglected
    /// (ODGJ dipasung/ditelantarkan) or resolved (selesai). Repeat for several.
    #[arg(long = "condition", value_name = "CODE[:STATE]")]
    pub conditions: Vec<String>,
    /// Smokes (merokok): ya/tidak.
    #[arg(long, value_name = "YA/TIDAK")]
    pub smokes: Option<String>,
    /// Uses family planning (ber-KB): ya/tidak.
    #[arg(long, value_name = "YA/TIDAK")]
    pub family_planning: Option<String>,
    /// Exclusively breastfed for the first six months (ASI eksklusif): ya/tidak.
    #[arg(long, value_name = "YA/TIDAK")]
    pub exclusive_breastfeeding: Option<String>,
    /// Where the visit took place, when not at the Posyandu (e.g. "rumah").
    #[arg(long, value_name = "TEXT")]
    pub place: Option<String>,
    /// A free-text note (catatan).
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// When the visit happened, e.g. 2026-11-22T09:30:00+08:00 (default: now).
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
}

fn refused(field: &str, reason: impl Into<String>) -> CliError {
    CliError::refused(field, reason)
}

fn parse_kind(a: &VisitArgs) -> CliResult<VisitKind> {
    let k = a.kind.trim().to_ascii_lowercase();
    let numbered = |prefix: &str, max: u8| -> Option<u8> {
        k.strip_prefix(prefix)
            .and_then(|n| n.parse::<u8>().ok())
            .filter(|n| (1..=max).contains(n))
    };
    let kind = match k.as_str() {
        "posyandu" => VisitKind::Posyandu,
        "home" | "home_visit" | "rumah" => VisitKind::HomeVisit,
        "anc" => VisitKind::Anc {
            contact: a.contact,
            by_doctor: a.by_doctor,
        },
        "other" => VisitKind::Other,
        _ => {
            if let Some(n) = numbered("kf", 4) {
                VisitKind::Kf { number: n }
            } else if let Some(n) = numbered("kn", 3) {
                VisitKind::Kn { number: n }
            } else {
                return Err(refused(
                    "kind",
                    "must be posyandu, home, anc, kf1..kf4, kn1..kn3 or other",
                ));
            }
        }
    };
    if a.contact.is_some() && !matches!(kind, VisitKind::Anc { .. }) {
        return Err(refused("contact", "is only for --kind anc"));
    }
    Ok(kind)
}

fn number(field: &str, raw: &Option<String>) -> CliResult<Option<f64>> {
    raw.as_deref()
        .map(|r| parse_decimal(r).map_err(|e| refused(field, e)))
        .transpose()
}

fn measurement(a: &VisitArgs) -> CliResult<Option<Measurement>> {
    let (systolic, diastolic) = match &a.bp {
        None => (None, None),
        Some(bp) => {
            let (s, d) = bp
                .split_once('/')
                .ok_or_else(|| refused("measurement.systolic_mmhg", "write it as 120/80"))?;
            let p = |f: &str, v: &str| {
                v.trim()
                    .parse::<u16>()
                    .map_err(|_| refused(f, "must be a whole number of mmHg (write 120/80)"))
            };
            (
                Some(p("measurement.systolic_mmhg", s)?),
                Some(p("measurement.diastolic_mmhg", d)?),
            )
        }
    };
    let glucose_timing = a
        .glucose_timing
        .as_deref()
        .map(|t| match t.trim().to_ascii_lowercase().as_str() {
            "fasting" | "puasa" => Ok(GlucoseTiming::Fasting),
            "random" | "sewaktu" => Ok(GlucoseTiming::Random),
            "2h" | "2jpp" | "two_hours_after_meal" => Ok(GlucoseTiming::TwoHoursAfterMeal),
            _ => Err(refused(
                "measurement.glucose_timing",
                "must be fasting, random or 2h",
            )),
        })
        .transpose()?;
    let m = Measurement {
        weight_kg: number("measurement.weight_kg", &a.weight)?,
        length_or_height_cm: number("measurement.length_or_height_cm", &a.height)?,
        height_method: if a.lying {
            Some(HeightMethod::Recumbent)
        } else if a.standing {
            Some(HeightMethod::Standing)
        } else {
            None
        },
        head_circumference_cm: number("measurement.head_circumference_cm", &a.head)?,
        muac_cm: number("measurement.muac_cm", &a.muac)?,
        systolic_mmhg: systolic,
        diastolic_mmhg: diastolic,
        blood_glucose_mg_dl: number("measurement.blood_glucose_mg_dl", &a.glucose)?,
        glucose_timing,
    };
    if (a.lying || a.standing) && m.length_or_height_cm.is_none() {
        return Err(refused(
            "measurement.height_method",
            "--lying/--standing go with --height",
        ));
    }
    Ok((!m.is_empty()).then_some(m))
}

fn immunizations(a: &VisitArgs) -> CliResult<Vec<ImmunizationInput>> {
    a.immunizations
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let field = format!("immunizations[{i}]");
            let (antigen, dose) = raw
                .split_once(':')
                .ok_or_else(|| refused(&field, "write antigen:dose, e.g. dpt_hb_hib:2"))?;
            let dose = dose
                .trim()
                .parse::<u8>()
                .map_err(|_| refused(&format!("{field}.dose"), "must be a dose number"))?;
            Ok(ImmunizationInput {
                antigen: Antigen::from_code(&antigen.trim().to_ascii_lowercase()),
                dose,
                given_on: None,
                batch: None,
                recorded_from_history: false,
            })
        })
        .collect()
}

fn services(a: &VisitArgs) -> CliResult<Vec<Service>> {
    a.services
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let (code, qty) = match raw.split_once(':') {
                Some((c, q)) => (
                    c,
                    Some(q.trim().parse::<u32>().map_err(|_| {
                        refused(&format!("services[{i}].quantity"), "must be a whole number")
                    })?),
                ),
                None => (raw.as_str(), None),
            };
            Ok(Service {
                kind: ServiceKind::from_code(&code.trim().to_ascii_lowercase()),
                quantity: qty,
            })
        })
        .collect()
}

fn yes_no(field: &str, raw: Option<&str>) -> CliResult<Option<bool>> {
    match raw {
        None => Ok(None),
        Some(r) => crate::text::parse_yes_no(r)
            .map_err(|e| refused(field, e))?
            .map(Some)
            .ok_or_else(|| refused(field, "must be ya or tidak")),
    }
}

fn health_status(a: &VisitArgs) -> CliResult<Option<HealthStatus>> {
    let mut conditions = Vec::new();
    for (i, raw) in a.conditions.iter().enumerate() {
        let (code, state) = match raw.split_once(':') {
            Some((c, st)) => (c, Some(st.trim().to_ascii_lowercase())),
            None => (raw.as_str(), None),
        };
        let condition = Condition::parse_known(&format!("conditions[{i}]"), code)
            .map_err(|e| refused(&e.field, e.reason))?;
        let mut c = ConditionStatus {
            condition,
            on_treatment: None,
            neglected: None,
            resolved: false,
        };
        match state.as_deref() {
            None => {}
            Some("treated" | "berobat") => c.on_treatment = Some(true),
            Some("untreated" | "tidak-berobat") => c.on_treatment = Some(false),
            Some("neglected" | "dipasung") => c.neglected = Some(true),
            Some("resolved" | "selesai") => c.resolved = true,
            Some(_) => {
                return Err(refused(
                    &format!("conditions[{i}]"),
                    "state must be treated, untreated, neglected or resolved",
                ));
            }
        }
        conditions.push(c);
    }
    let h = HealthStatus {
        conditions,
        smokes: yes_no("smokes", a.smokes.as_deref())?,
        family_planning: yes_no("family_planning", a.family_planning.as_deref())?,
        exclusive_breastfeeding: yes_no(
            "exclusive_breastfeeding",
            a.exclusive_breastfeeding.as_deref(),
        )?,
    };
    let empty = h.conditions.is_empty()
        && h.smokes.is_none()
        && h.family_planning.is_none()
        && h.exclusive_breastfeeding.is_none();
    Ok(if empty { None } else { Some(h) })
}

pub fn record(s: &Session, user: UserId, a: &VisitArgs) -> CliResult {
    let person: PersonId = a
        .person
        .parse()
        .map_err(|_| refused("person", "must be a person id as `ilp search` shows it"))?;
    let occurred_at = match &a.at {
        Some(t) => Timestamp::from_datetime(parse_rfc3339("occurred_at", t)?),
        None => s.clock.now,
    };
    let input = VisitInput {
        person,
        occurred_at,
        kind: parse_kind(a)?,
        posyandu: None,
        place: a.place.clone(),
        pregnancy: None,
        measurement: measurement(a)?,
        immunizations: immunizations(a)?,
        services: services(a)?,
        danger_signs: a
            .danger_signs
            .iter()
            .map(|d| DangerSign::from_code(&d.trim().to_ascii_lowercase()))
            .collect(),
        danger_note: None,
        referral: a.refer_to.as_ref().map(|to| ReferralInput {
            to: to.clone(),
            emergency: a.emergency,
            reason: None,
            pickup_called: a.pickup_called,
            pickup_called_at: None,
            pickup_service: None,
        }),
        health_status: health_status(a)?,
        note: a.note.clone(),
    };
    // The pregnancy an ANC or KF visit belongs to: the woman's current one, when registered.
    let recorded = s.store.write(&s.write_ctx(user), |wtx| {
        let mut input = input.clone();
        if matches!(input.kind, VisitKind::Anc { .. } | VisitKind::Kf { .. })
            && let Ok(pid) = ilp_store::persons::resolve_merged(wtx.conn(), input.person)
            && let Some(p) = ilp_store::pregnancies::current_for(wtx.conn(), pid)?
        {
            input.pregnancy = Some(p.id);
        }
        events::record_visit(wtx, &input)
    })?;
    println!(
        "visit recorded: {} ({} part{}) for person {}",
        recorded.visit,
        recorded.parts.len(),
        if recorded.parts.len() == 1 { "" } else { "s" },
        recorded.person
    );
    Ok(())
}
