//! WHO Child Growth Standards medians (2006) at a few ages, interpolated, for drawing plausible
//! under-five trajectories. Only medians: the z-scores themselves belong to the rules crate and
//! its full LMS tables.

use ilp_model::{HeightMethod, Sex};

/// Ages (months) of the tabulated medians.
const AGES: [f64; 13] = [
    0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 9.0, 12.0, 18.0, 24.0, 36.0, 48.0, 60.0,
];

const WEIGHT_BOYS: [f64; 13] = [
    3.3, 4.5, 5.6, 6.4, 7.0, 7.9, 8.9, 9.6, 10.9, 12.2, 14.3, 16.3, 18.3,
];
const WEIGHT_GIRLS: [f64; 13] = [
    3.2, 4.2, 5.1, 5.8, 6.4, 7.3, 8.2, 8.9, 10.2, 11.5, 13.9, 16.1, 18.2,
];

/// Recumbent length up to 24 months, standing height from 24 months (0.7 cm less at 24).
const LENGTH_BOYS: [f64; 13] = [
    49.9, 54.7, 58.4, 61.4, 63.9, 67.6, 72.0, 75.7, 82.3, 87.1, 96.1, 103.3, 110.0,
];
const LENGTH_GIRLS: [f64; 13] = [
    49.1, 53.7, 57.1, 59.8, 62.1, 65.7, 70.1, 74.0, 80.7, 85.7, 95.1, 102.7, 109.4,
];
const HEIGHT_AT_24: (f64, f64) = (86.4, 85.0);

/// Length-for-age SD as a share of the median (about 3.6% from birth to five): a stunted child
/// (HAZ < −2) is roughly below `1 − 2 × 0.036` of the median.
pub const LENGTH_CV: f64 = 0.036;

fn interpolate(table: &[f64; 13], age_months: f64) -> f64 {
    let a = age_months.clamp(0.0, 60.0);
    let i = AGES.iter().rposition(|&x| x <= a).unwrap_or(0).min(11);
    let t = (a - AGES[i]) / (AGES[i + 1] - AGES[i]);
    table[i] + t * (table[i + 1] - table[i])
}

/// WHO median weight (kg) at an age in (fractional) months, 0-60.
pub fn median_weight(sex: Sex, age_months: f64) -> f64 {
    match sex {
        Sex::Male => interpolate(&WEIGHT_BOYS, age_months),
        Sex::Female => interpolate(&WEIGHT_GIRLS, age_months),
    }
}

/// WHO median recumbent length or standing height in cm at an age in (fractional) months. The
/// curves meet at 24 months, where standing height is 0.7 cm less than length.
pub fn median_length_or_height(sex: Sex, age_months: f64, method: HeightMethod) -> f64 {
    let (table, height_24) = match sex {
        Sex::Male => (&LENGTH_BOYS, HEIGHT_AT_24.0),
        Sex::Female => (&LENGTH_GIRLS, HEIGHT_AT_24.1),
    };
    match method {
        HeightMethod::Recumbent if age_months <= 24.0 => interpolate(table, age_months),
        HeightMethod::Recumbent => interpolate(table, age_months) + 0.7,
        HeightMethod::Standing if age_months >= 24.0 => {
            // Between 24 and 36 months the standing curve starts from the 24-month height.
            let mut heights = *table;
            heights[9] = height_24;
            interpolate(&heights, age_months)
        }
        HeightMethod::Standing => interpolate(table, age_months) - 0.7,
    }
}

/// Head circumference (cm), WHO 2006 medians; beyond 24 months only roughly.
const HEAD_BOYS: [f64; 13] = [
    34.5, 37.3, 39.1, 40.5, 41.6, 43.3, 45.0, 46.1, 47.4, 48.3, 49.5, 50.2, 50.7,
];
const HEAD_GIRLS: [f64; 13] = [
    33.9, 36.5, 38.3, 39.5, 40.6, 42.2, 43.8, 45.0, 46.2, 47.2, 48.5, 49.3, 49.9,
];

/// Head-circumference-for-age SD as a share of the median (about 1.2-1.4 cm in the first two
/// years).
pub const HEAD_CV: f64 = 0.029;

/// WHO median head circumference (cm) at an age in (fractional) months, 0-60.
pub fn median_head_circumference(sex: Sex, age_months: f64) -> f64 {
    match sex {
        Sex::Male => interpolate(&HEAD_BOYS, age_months),
        Sex::Female => interpolate(&HEAD_GIRLS, age_months),
    }
}

/// A rough median mid-upper-arm circumference (cm) for 6-59 months: it rises slowly.
pub(crate) fn median_muac(sex: Sex, age_months: f64) -> f64 {
    let boys = if age_months < 12.0 {
        14.4 + (age_months - 6.0).max(0.0) * 0.5 / 6.0
    } else {
        14.9 + (age_months - 12.0) * 1.3 / 48.0
    };
    match sex {
        Sex::Male => boys,
        Sex::Female => boys - 0.3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_at_the_table_points_and_between() {
        assert_eq!(median_weight(Sex::Male, 12.0), 9.6);
        assert!((median_weight(Sex::Female, 5.0) - 6.85).abs() < 1e-9);
        let (lying, standing) = (HeightMethod::Recumbent, HeightMethod::Standing);
        assert_eq!(median_length_or_height(Sex::Male, 24.0, standing), 86.4);
        assert_eq!(median_length_or_height(Sex::Male, 24.0, lying), 87.1);
        assert!(median_length_or_height(Sex::Male, 23.9, lying) > 86.9);
        assert_eq!(median_length_or_height(Sex::Female, 60.0, standing), 109.4);
    }
}
