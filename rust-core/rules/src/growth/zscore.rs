//! The LMS arithmetic of the WHO Child Growth Standards (technical report, chapter 7, "Computation
//! of centiles and z-scores"): the z-score of a measurement, WHO's restricted adjustment beyond
//! ±3 SD for the weight-based indicators, and the inverse (the measurement at a given z), which
//! the growth-chart curves use.

use super::tables::Lms;

/// Below this |L| the Box-Cox transform is taken at its limit L -> 0 (the logarithm). No WHO table
/// row has L = 0, but interpolated rows could come near it.
const L_ZERO: f64 = 1e-12;

/// The plain LMS z-score: ((y/M)^L - 1) / (L S), or ln(y/M) / S when L = 0.
pub fn lms_z(y: f64, p: Lms) -> f64 {
    if p.l.abs() < L_ZERO {
        (y / p.m).ln() / p.s
    } else {
        ((y / p.m).powf(p.l) - 1.0) / (p.l * p.s)
    }
}

/// The measurement whose plain LMS z-score is `z`: M (1 + L S z)^(1/L), or M e^(S z) when L = 0.
/// NaN where the Box-Cox curve has no value (1 + L S z <= 0, far in a tail).
pub fn lms_value(z: f64, p: Lms) -> f64 {
    if p.l.abs() < L_ZERO {
        p.m * (p.s * z).exp()
    } else {
        let base = 1.0 + p.l * p.s * z;
        if base <= 0.0 {
            f64::NAN
        } else {
            p.m * base.powf(1.0 / p.l)
        }
    }
}

/// WHO's z-score for the weight-based indicators (weight-for-age, weight-for-length/height,
/// BMI-for-age, arm circumference-for-age): beyond ±3 the LMS curve's skewness is not trusted
/// (the fitted distribution's tail is too long), so the distance past the ±3 SD curve is
/// measured in units of the distance between the 2 and 3 SD curves ("SD23"):
/// z* = 3 + (y - SD3pos) / (SD3pos - SD2pos), and -3 + (y - SD3neg) / (SD2neg - SD3neg).
pub fn restricted_z(y: f64, p: Lms) -> f64 {
    let z = lms_z(y, p);
    if z > 3.0 {
        let sd3 = lms_value(3.0, p);
        3.0 + (y - sd3) / (sd3 - lms_value(2.0, p))
    } else if z < -3.0 {
        let sd3 = lms_value(-3.0, p);
        -3.0 + (y - sd3) / (lms_value(-2.0, p) - sd3)
    } else {
        z
    }
}

/// The measurement at `z` on the scale [`restricted_z`] uses: the LMS curve within ±3, straight
/// lines with the SD23 spacing beyond, so that `restricted_z(restricted_value(z)) == z`.
pub fn restricted_value(z: f64, p: Lms) -> f64 {
    if z > 3.0 {
        let sd3 = lms_value(3.0, p);
        sd3 + (z - 3.0) * (sd3 - lms_value(2.0, p))
    } else if z < -3.0 {
        let sd3 = lms_value(-3.0, p);
        sd3 + (z + 3.0) * (lms_value(-2.0, p) - sd3)
    } else {
        lms_value(z, p)
    }
}

/// Rounds to 2 decimals: WHO's `anthro` and `anthroplus` round z-scores to 2 decimals before they
/// flag them and count them against cut-offs, so categories and flags here do the same (`f64::round`
/// sends halves away from zero; an exact tie is vanishingly rare for a computed z-score).
pub fn round2(z: f64) -> f64 {
    (z * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const WFA_BOY_365: Lms = Lms {
        l: 0.0645,
        m: 9.646,
        s: 0.10925,
    };

    #[test]
    fn the_median_is_zero_and_log_form_at_l_zero() {
        assert_eq!(lms_z(9.646, WFA_BOY_365), 0.0);
        let p = Lms {
            l: 0.0,
            m: 10.0,
            s: 0.1,
        };
        assert!((lms_z(10.0 * (0.2f64).exp(), p) - 2.0).abs() < 1e-12);
        assert!((lms_value(2.0, p) - 10.0 * (0.2f64).exp()).abs() < 1e-12);
        // Continuity across L = 0: a tiny L gives nearly the log form.
        let q = Lms { l: 1e-9, ..p };
        assert!((lms_z(13.0, p) - lms_z(13.0, q)).abs() < 1e-6);
    }

    #[test]
    fn sd23_is_linear_beyond_three() {
        let p = WFA_BOY_365;
        let (sd2, sd3) = (lms_value(2.0, p), lms_value(3.0, p));
        assert!((restricted_z(sd3 + (sd3 - sd2), p) - 4.0).abs() < 1e-9);
        let (n2, n3) = (lms_value(-2.0, p), lms_value(-3.0, p));
        assert!((restricted_z(n3 - 2.0 * (n2 - n3), p) + 5.0).abs() < 1e-9);
        // Within ±3 nothing changes.
        assert_eq!(restricted_z(10.0, p), lms_z(10.0, p));
    }

    proptest! {
        #[test]
        fn value_and_z_are_inverse(z in -7.0f64..7.0, l in -2.0f64..2.0, m in 2.0f64..150.0, s in 0.02f64..0.2) {
            let p = Lms { l, m, s };
            let y = restricted_value(z, p);
            prop_assume!(y.is_finite() && y > 0.0);
            prop_assert!((restricted_z(y, p) - z).abs() < 1e-6);
        }

        #[test]
        fn restricted_z_rises_with_the_measurement(y in 1.0f64..60.0, dy in 0.001f64..5.0, l in -2.0f64..2.0, s in 0.02f64..0.2) {
            let p = Lms { l, m: 15.0, s };
            let (a, b) = (restricted_z(y, p), restricted_z(y + dy, p));
            prop_assume!(a.is_finite() && b.is_finite());
            prop_assert!(b > a);
        }
    }
}
