//! Coverage indicators for an area and a month: SKDN and the KMS flags, complete basic
//! immunization, ANC (K1, K4, K6), postnatal visits (KF, KN), nutrition prevalence, PTM and elderly
//! screening, family health index classes, JKN, and MBG. Each row carries its numerator and
//! denominator and the persons (or households) behind both. The caller resolves the area (RT, RW,
//! kelurahan or Posyandu) to its households; the same function serves the device and the server.
//!
//! # Periods
//!
//! `month` is any day of the reported month; `as_of` is the month's last day, or `ctx.today` when
//! the month is still running. Nothing recorded after `as_of` counts, so a past month can be
//! recomputed.
//!
//! - **Month** rows (SKDN, KMS flags, nutrition, MBG) count the calendar month up to `as_of`.
//! - **Year to date** rows (IDL, K1, K4, K6, KF, KN, PTM and elderly screening) count from 1
//!   January of the month's year to `as_of`, cumulative as PWS does (DOMAIN.md section 1): the
//!   numerator is who *reached* the indicator in that span; the denominator is the registered
//!   targets of that span.
//! - **As of** rows (IKS classes, JKN) describe the households on `as_of`.
//!
//! # Denominators are registered targets
//!
//! PWS divides by estimated targets (population × a rate), which need population data the app
//! does not hold. Every denominator here is the registered persons in the target group: the
//! figures are coverage *of the people the kaders have registered*. Persons are counted by their
//! record as it is now (registration has no date), and persons without a birth date are left out
//! of every age-defined target.
//!
//! # Indicators
//!
//! See [`Indicator`] for each definition. Assumptions beyond DOMAIN.md:
//!
//! - **K** (has a KMS / Buku KIA): the record has no such field; every registered under-five is
//!   taken to have one, so K = S. Replace when the card is recorded.
//! - **PTM and elderly screening**: a blood pressure measurement in the year counts as screened
//!   (the SPM screening also asks glucose, BMI/waist and for lansia a geriatric check; blood
//!   pressure is what every Posyandu ILP screening includes).
//! - **KN** windows are counted in days from the birth date: the birth time is not on the child's
//!   record, so KN1's "from 6 hours" is not checked (KF1's is, from the delivery time).
//! - **ANC** contacts are the visits of kind ANC, linked to their pregnancy or, when unlinked,
//!   to the pregnancy whose span contains the date. Gestational age comes from HPHT, else from
//!   the EDD − 280 days; without either, K1 akses can count but not K1 murni, K4 or K6.
//!
//! # Cost
//!
//! One pass over each person's events (plus the KMS coding of an under-five's weighings and one
//! family health index per household); nothing compares persons with each other.

mod tables;
#[cfg(test)]
mod tests;

pub use tables::{
    ANC_PMK_21_2021, AncRules, CoverageTables, DoctorRule, POSTNATAL_BUKU_KIA, PostnatalWindows,
    TARGETS_V1, TargetBands, VisitWindow,
};

use crate::due::TableRef;
use crate::facts::{HouseholdFacts, PersonFacts, RuleContext};
use crate::iks::{self, IksClass, end_of_day};
use crate::kms::{self, Weighing, WeighingCode, first_of_month};
use ilp_model::{
    Antigen, BirthDate, EventPayload, HouseholdId, JknStatus, Measurement, PersonId, Pregnancy,
    PregnancyId, ServiceKind, Timestamp, VisitKind, pregnancy::OutcomeKind,
};
use serde::Serialize;
use time::{Date, Duration, Month, UtcOffset};

/// Which span a row counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Period {
    /// The calendar month up to `as_of`.
    Month,
    /// 1 January to `as_of` (PWS cumulative).
    YearToDate,
    /// The state on `as_of`.
    AsOf,
}

/// What a row counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Unit {
    Person,
    Household,
}

/// The coverage indicators, in report order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Indicator {
    /// S: registered under-fives (0–59 months on `as_of`); numerator and denominator are both S.
    SkdnS,
    /// K over S: under-fives with a KMS / Buku KIA (assumed every registered one, see the module
    /// doc).
    SkdnK,
    /// D over S (D/S, participation): under-fives weighed in the month.
    SkdnD,
    /// N over S (N/S): under-fives whose month's weighing is N.
    SkdnN,
    /// N over D − O − B (N/D as DOMAIN.md section 3 computes it): among under-fives weighed this
    /// month and last month, those whose weight went up by at least the KBM.
    SkdnNPerD,
    /// O over D: weighed this month, not last month (earlier weighings exist).
    SkdnO,
    /// B over D: weighed for the first time this month.
    SkdnB,
    /// BGM over D: the month's weighing is below the red line (weight-for-age z).
    Bgm,
    /// 2T over D: T this month and last month.
    TwoT,
    /// Year to date: infants who completed the IDL set before 12 months with the last dose in
    /// the span, over registered infants (aged 0–11 months at some time in the span).
    Idl,
    /// Year to date: pregnant women whose first ANC contact of a pregnancy fell in the span (any
    /// trimester), over pregnant women whose pregnancy was ongoing at some time in the span.
    K1Access,
    /// As K1 akses, with the first contact in the first trimester (K1 murni).
    K1Pure,
    /// Year to date: pregnancies that reached the K4 pattern (1-1-2) in the span.
    K4,
    /// Year to date: pregnancies that reached the K6 pattern (1-2-3 with the doctor contacts).
    K6,
    /// Year to date: women who delivered in the span with KF1 inside its window.
    Kf1,
    /// As KF1, with KF1–KF4 each inside its window (KF lengkap).
    KfComplete,
    /// Year to date: children born in the span with KN1 inside its window.
    Kn1,
    /// As KN1, with KN1–KN3 each inside its window (KN lengkap).
    KnComplete,
    /// Month: stunted (PB/U or TB/U < −2) among under-fives with a length/height in the month.
    Stunting,
    /// Month: wasted (BB/PB or BB/TB < −2) among under-fives with weight and length in the month.
    Wasting,
    /// Month: underweight (BB/U < −2) among under-fives weighed in the month.
    Underweight,
    /// Year to date: usia produktif (15–59 y) with a blood pressure measurement in the span.
    PtmScreening,
    /// Year to date: lansia (≥ 60 y) with a blood pressure measurement in the span.
    ElderlyScreening,
    /// Households whose family health index is complete (every applicable indicator answered),
    /// over all households.
    IksComplete,
    /// Healthy families over households with a complete index.
    IksHealthy,
    /// Pre-healthy families over households with a complete index.
    IksPreHealthy,
    /// Unhealthy families over households with a complete index.
    IksUnhealthy,
    /// Households not (or only partly) in JKN, over households whose JKN status is known.
    HouseholdsWithoutJkn,
    /// Month: pregnant women (pregnancy ongoing in the month) given an MBG package in the month.
    MbgPregnant,
    /// Month: breastfeeding mothers (last live birth under 6 months before the month) given an
    /// MBG package in the month.
    MbgBreastfeeding,
    /// Month: under-fives in the MBG band (6–59 months) given an MBG package in the month.
    MbgUnderFive,
}

/// Which way an indicator should move: a coverage is better higher, a problem's prevalence
/// lower; a count of who is registered or new says neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    Neither,
}

impl Better {
    pub fn code(self) -> &'static str {
        match self {
            Better::Higher => "higher",
            Better::Lower => "lower",
            Better::Neither => "neither",
        }
    }
}

impl Indicator {
    /// Which way is better, so a screen colours a stunting rate of 40% as bad, not as a
    /// coverage below target.
    pub fn better(self) -> Better {
        use Indicator::*;
        match self {
            SkdnS | SkdnB | IksPreHealthy => Better::Neither,
            SkdnO | Bgm | TwoT | Stunting | Wasting | Underweight | IksUnhealthy
            | HouseholdsWithoutJkn => Better::Lower,
            SkdnK | SkdnD | SkdnN | SkdnNPerD | Idl | K1Access | K1Pure | K4 | K6 | Kf1
            | KfComplete | Kn1 | KnComplete | PtmScreening | ElderlyScreening | IksComplete
            | IksHealthy | MbgPregnant | MbgBreastfeeding | MbgUnderFive => Better::Higher,
        }
    }

    pub const ALL: [Indicator; 31] = [
        Indicator::SkdnS,
        Indicator::SkdnK,
        Indicator::SkdnD,
        Indicator::SkdnN,
        Indicator::SkdnNPerD,
        Indicator::SkdnO,
        Indicator::SkdnB,
        Indicator::Bgm,
        Indicator::TwoT,
        Indicator::Idl,
        Indicator::K1Access,
        Indicator::K1Pure,
        Indicator::K4,
        Indicator::K6,
        Indicator::Kf1,
        Indicator::KfComplete,
        Indicator::Kn1,
        Indicator::KnComplete,
        Indicator::Stunting,
        Indicator::Wasting,
        Indicator::Underweight,
        Indicator::PtmScreening,
        Indicator::ElderlyScreening,
        Indicator::IksComplete,
        Indicator::IksHealthy,
        Indicator::IksPreHealthy,
        Indicator::IksUnhealthy,
        Indicator::HouseholdsWithoutJkn,
        Indicator::MbgPregnant,
        Indicator::MbgBreastfeeding,
        Indicator::MbgUnderFive,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Indicator::SkdnS => "skdn_s",
            Indicator::SkdnK => "skdn_k",
            Indicator::SkdnD => "skdn_d",
            Indicator::SkdnN => "skdn_n",
            Indicator::SkdnNPerD => "skdn_n_per_d",
            Indicator::SkdnO => "skdn_o",
            Indicator::SkdnB => "skdn_b",
            Indicator::Bgm => "bgm",
            Indicator::TwoT => "two_t",
            Indicator::Idl => "idl",
            Indicator::K1Access => "k1_access",
            Indicator::K1Pure => "k1_pure",
            Indicator::K4 => "k4",
            Indicator::K6 => "k6",
            Indicator::Kf1 => "kf1",
            Indicator::KfComplete => "kf_complete",
            Indicator::Kn1 => "kn1",
            Indicator::KnComplete => "kn_complete",
            Indicator::Stunting => "stunting",
            Indicator::Wasting => "wasting",
            Indicator::Underweight => "underweight",
            Indicator::PtmScreening => "ptm_screening",
            Indicator::ElderlyScreening => "elderly_screening",
            Indicator::IksComplete => "iks_complete",
            Indicator::IksHealthy => "iks_healthy",
            Indicator::IksPreHealthy => "iks_pre_healthy",
            Indicator::IksUnhealthy => "iks_unhealthy",
            Indicator::HouseholdsWithoutJkn => "households_without_jkn",
            Indicator::MbgPregnant => "mbg_pregnant",
            Indicator::MbgBreastfeeding => "mbg_breastfeeding",
            Indicator::MbgUnderFive => "mbg_under_five",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Indicator::SkdnS => "S: balita terdaftar",
            Indicator::SkdnK => "K: balita memiliki KMS/Buku KIA (K/S)",
            Indicator::SkdnD => "D: balita ditimbang bulan ini (D/S)",
            Indicator::SkdnN => "N: balita naik berat badannya (N/S)",
            Indicator::SkdnNPerD => {
                "N/D: naik berat badan, dari yang ditimbang dua bulan berturut-turut"
            }
            Indicator::SkdnO => "O: ditimbang bulan ini, tidak ditimbang bulan lalu",
            Indicator::SkdnB => "B: baru pertama kali ditimbang",
            Indicator::Bgm => "BGM: berat badan di bawah garis merah",
            Indicator::TwoT => "2T: tidak naik dua kali berturut-turut",
            Indicator::Idl => "Bayi mendapat imunisasi dasar lengkap (IDL)",
            Indicator::K1Access => "K1 akses: ibu hamil kunjungan pertama",
            Indicator::K1Pure => "K1 murni: kunjungan pertama di trimester 1",
            Indicator::K4 => "K4: ibu hamil minimal 4 kali kunjungan (1-1-2)",
            Indicator::K6 => "K6: ibu hamil minimal 6 kali kunjungan (1-2-3, 2 kali dokter)",
            Indicator::Kf1 => "KF1: kunjungan nifas pertama",
            Indicator::KfComplete => "KF lengkap: kunjungan nifas KF1-KF4",
            Indicator::Kn1 => "KN1: kunjungan neonatal pertama",
            Indicator::KnComplete => "KN lengkap: kunjungan neonatal KN1-KN3",
            Indicator::Stunting => "Balita pendek (stunting), dari yang diukur",
            Indicator::Wasting => "Balita gizi kurang/buruk (wasting), dari yang diukur",
            Indicator::Underweight => {
                "Balita berat badan kurang (underweight), dari yang ditimbang"
            }
            Indicator::PtmScreening => "Usia produktif mendapat skrining PTM",
            Indicator::ElderlyScreening => "Lansia mendapat skrining kesehatan",
            Indicator::IksComplete => "Keluarga dengan data IKS lengkap",
            Indicator::IksHealthy => "Keluarga sehat (IKS > 0,800)",
            Indicator::IksPreHealthy => "Keluarga pra-sehat (IKS 0,500-0,800)",
            Indicator::IksUnhealthy => "Keluarga tidak sehat (IKS < 0,500)",
            Indicator::HouseholdsWithoutJkn => "Keluarga belum (seluruhnya) ber-JKN",
            Indicator::MbgPregnant => "Ibu hamil menerima MBG",
            Indicator::MbgBreastfeeding => "Ibu menyusui menerima MBG",
            Indicator::MbgUnderFive => "Balita menerima MBG",
        }
    }

    pub fn period(self) -> Period {
        use Indicator::*;
        match self {
            Idl | K1Access | K1Pure | K4 | K6 | Kf1 | KfComplete | Kn1 | KnComplete
            | PtmScreening | ElderlyScreening => Period::YearToDate,
            IksComplete | IksHealthy | IksPreHealthy | IksUnhealthy | HouseholdsWithoutJkn => {
                Period::AsOf
            }
            _ => Period::Month,
        }
    }

    pub fn unit(self) -> Unit {
        use Indicator::*;
        match self {
            IksComplete | IksHealthy | IksPreHealthy | IksUnhealthy | HouseholdsWithoutJkn => {
                Unit::Household
            }
            _ => Unit::Person,
        }
    }
}

/// One indicator for the area. For person rows the household lists are empty and the other way
/// round; `numerator` and `denominator` are the lengths of the lists of the row's unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoverageRow {
    pub indicator: Indicator,
    pub code: &'static str,
    pub label_id: &'static str,
    pub period: Period,
    pub unit: Unit,
    pub numerator: u32,
    pub denominator: u32,
    pub numerator_persons: Vec<PersonId>,
    pub denominator_persons: Vec<PersonId>,
    pub numerator_households: Vec<HouseholdId>,
    pub denominator_households: Vec<HouseholdId>,
}

impl CoverageRow {
    /// numerator / denominator, `None` on an empty denominator.
    pub fn ratio(&self) -> Option<f64> {
        (self.denominator > 0).then(|| f64::from(self.numerator) / f64::from(self.denominator))
    }

    /// The percentage every surface shows (app, dashboard, CLI): see [`percent`].
    pub fn percent(&self) -> Option<f64> {
        percent(self.numerator, self.denominator)
    }
}

/// numerator / denominator × 100 to one decimal, halves rounded up (82 of 160 is 51.3, as a
/// PWS spreadsheet's ROUND gives it), `None` on an empty denominator. One function, so the app,
/// the dashboard and the CLI never differ in the last digit (formatting a float with `{:.1}`
/// rounds half to even: 51.2).
pub fn percent(numerator: u32, denominator: u32) -> Option<f64> {
    (denominator > 0).then(|| {
        // Integer arithmetic: exact halves stay exact (no 0.1 binary fractions on the way).
        let tenths =
            (u64::from(numerator) * 2000 + u64::from(denominator)) / (2 * u64::from(denominator));
        tenths as f64 / 10.0
    })
}

/// The whole table for one area and month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CoverageTable {
    /// First day of the reported month.
    pub month: Date,
    /// 1 January of the month's year (start of the year-to-date rows).
    pub year_start: Date,
    /// Last day counted.
    pub as_of: Date,
    /// One row per [`Indicator`], in [`Indicator::ALL`] order.
    pub rows: Vec<CoverageRow>,
    pub tables: Vec<TableRef>,
}

impl CoverageTable {
    pub fn row(&self, indicator: Indicator) -> &CoverageRow {
        &self.rows[indicator as usize]
    }
}

/// One indicator's lists while counting.
#[derive(Default)]
struct Lists {
    numerator_persons: Vec<PersonId>,
    denominator_persons: Vec<PersonId>,
    numerator_households: Vec<HouseholdId>,
    denominator_households: Vec<HouseholdId>,
}

/// Per indicator: who is in the denominator, and who of them in the numerator.
struct Tally {
    rows: Vec<Lists>,
}

impl Tally {
    fn new() -> Self {
        Self {
            rows: (0..Indicator::ALL.len())
                .map(|_| Lists::default())
                .collect(),
        }
    }

    /// Counts `p` in the denominator of `i`, and in the numerator when `hit`: a numerator can
    /// never hold someone the denominator does not.
    fn person(&mut self, i: Indicator, p: PersonId, hit: bool) {
        let row = &mut self.rows[i as usize];
        row.denominator_persons.push(p);
        if hit {
            row.numerator_persons.push(p);
        }
    }

    fn household(&mut self, i: Indicator, h: HouseholdId, hit: bool) {
        let row = &mut self.rows[i as usize];
        row.denominator_households.push(h);
        if hit {
            row.numerator_households.push(h);
        }
    }

    fn finish(self) -> Vec<CoverageRow> {
        self.rows
            .into_iter()
            .zip(Indicator::ALL)
            .map(|(l, i)| {
                let (numerator, denominator) = match i.unit() {
                    Unit::Person => (l.numerator_persons.len(), l.denominator_persons.len()),
                    Unit::Household => {
                        (l.numerator_households.len(), l.denominator_households.len())
                    }
                };
                CoverageRow {
                    indicator: i,
                    code: i.code(),
                    label_id: i.label_id(),
                    period: i.period(),
                    unit: i.unit(),
                    numerator: numerator as u32,
                    denominator: denominator as u32,
                    numerator_persons: l.numerator_persons,
                    denominator_persons: l.denominator_persons,
                    numerator_households: l.numerator_households,
                    denominator_households: l.denominator_households,
                }
            })
            .collect()
    }
}

/// The dates and instants of one run.
struct Span<'t> {
    month: Date,
    year_start: Date,
    as_of: Date,
    offset: UtcOffset,
    month_from: Timestamp,
    year_from: Timestamp,
    until: Timestamp,
    tables: &'t CoverageTables,
}

impl<'t> Span<'t> {
    fn of(month: Date, ctx: &RuleContext, tables: &'t CoverageTables) -> Self {
        let month = first_of_month(month);
        let as_of = last_of_month(month).min(ctx.today);
        let year_start =
            Date::from_calendar_date(month.year(), Month::January, 1).expect("1 January");
        let start_of = |d: Date| Timestamp::from_datetime(d.midnight().assume_offset(ctx.offset));
        Span {
            month,
            year_start,
            as_of,
            offset: ctx.offset,
            month_from: start_of(month),
            year_from: start_of(year_start),
            until: end_of_day(as_of, ctx.offset),
            tables,
        }
    }

    fn date(&self, t: Timestamp) -> Date {
        t.date_at(self.offset)
    }
}

fn last_of_month(first: Date) -> Date {
    let (y, m) = match first.month() {
        Month::December => (first.year() + 1, Month::January),
        m => (first.year(), m.next()),
    };
    Date::from_calendar_date(y, m, 1).expect("first of a month") - Duration::days(1)
}

fn in_band(v: i32, (lo, hi): (i32, i32)) -> bool {
    lo <= v && v <= hi
}

fn within(d: Date, from: Date, to: Date) -> bool {
    from <= d && d <= to
}

/// Coverage of `households` for the month containing `month`, evaluated on `ctx` (its `today`
/// caps the month; its offset turns event instants into local dates).
pub fn coverage(
    households: &[HouseholdFacts],
    month: Date,
    ctx: &RuleContext,
    tables: &CoverageTables,
) -> CoverageTable {
    join_counts(
        vec![count(households, month, ctx, tables)],
        month,
        ctx,
        tables,
    )
}

/// Who of some households counts in each indicator's denominator and numerator for one month:
/// part of an area, counted apart (by another thread) and joined with the other parts by
/// [`join_counts`].
pub struct CoverageCount {
    tally: Tally,
}

/// Counts `households` for the month containing `month`, as [`coverage`] does.
pub fn count(
    households: &[HouseholdFacts],
    month: Date,
    ctx: &RuleContext,
    tables: &CoverageTables,
) -> CoverageCount {
    let span = Span::of(month, ctx, tables);
    let mut tally = Tally::new();
    let iks_ctx = RuleContext::new(span.as_of, ctx.offset);
    for hh in households {
        for member in &hh.members {
            person(member, &span, &mut tally);
        }
        household(hh, &iks_ctx, &span, &mut tally);
    }
    CoverageCount { tally }
}

/// The coverage table of the parts counted by [`count`] (same month, context and tables), in
/// order: the table [`coverage`] gives for all their households in that order.
pub fn join_counts(
    parts: Vec<CoverageCount>,
    month: Date,
    ctx: &RuleContext,
    tables: &CoverageTables,
) -> CoverageTable {
    let span = Span::of(month, ctx, tables);
    let mut parts = parts.into_iter();
    let mut tally = parts.next().map_or_else(Tally::new, |c| c.tally);
    for part in parts {
        for (row, more) in tally.rows.iter_mut().zip(part.tally.rows) {
            row.numerator_persons.extend(more.numerator_persons);
            row.denominator_persons.extend(more.denominator_persons);
            row.numerator_households.extend(more.numerator_households);
            row.denominator_households
                .extend(more.denominator_households);
        }
    }
    CoverageTable {
        month: span.month,
        year_start: span.year_start,
        as_of: span.as_of,
        rows: tally.finish(),
        tables: tables.table_refs(),
    }
}

fn household(hh: &HouseholdFacts, iks_ctx: &RuleContext, span: &Span, t: &mut Tally) {
    let id = hh.household.id;
    let r = iks::assess(hh, iks_ctx, &span.tables.iks);
    t.household(Indicator::IksComplete, id, r.is_complete());
    if let Some(class) = r.class {
        t.household(Indicator::IksHealthy, id, class == IksClass::Healthy);
        t.household(Indicator::IksPreHealthy, id, class == IksClass::PreHealthy);
        t.household(Indicator::IksUnhealthy, id, class == IksClass::Unhealthy);
    }
    match hh.household.jkn {
        JknStatus::NotEnrolled | JknStatus::Partial => {
            t.household(Indicator::HouseholdsWithoutJkn, id, true)
        }
        JknStatus::Pbi | JknStatus::NonPbi => {
            t.household(Indicator::HouseholdsWithoutJkn, id, false)
        }
        JknStatus::Unknown | JknStatus::Other(_) => {}
    }
}

/// Whether the coverage rules (IKS included) read an event with this payload: measurements,
/// immunizations, health status answers, MBG packages and ANC, KF and KN visits. Every other
/// event can be left out of a person's facts without changing a coverage table, so the store
/// keeps a compact copy of just these (its migration 005 names the same kinds: change both
/// together; the store's tests compare the two readings).
pub fn reads(payload: &EventPayload) -> bool {
    match payload {
        EventPayload::Measurement(_)
        | EventPayload::Immunization(_)
        | EventPayload::HealthStatus(_) => true,
        EventPayload::Service(s) => s.kind == ServiceKind::MbgPackage,
        EventPayload::Visit(v) => matches!(
            v.kind,
            VisitKind::Anc { .. } | VisitKind::Kf { .. } | VisitKind::Kn { .. }
        ),
        _ => false,
    }
}

/// What one pass over a person's events (up to `as_of`) collects.
#[derive(Default)]
struct Seen<'a> {
    weighings: Vec<Weighing>,
    month_measurements: Vec<(Date, &'a Measurement)>,
    doses: Vec<(Antigen, u8, Date)>,
    /// (date, linked pregnancy, by a doctor)
    anc: Vec<(Date, Option<PregnancyId>, bool)>,
    /// (instant, number, linked pregnancy)
    kf: Vec<(Timestamp, u8, Option<PregnancyId>)>,
    /// (date, number)
    kn: Vec<(Date, u8)>,
    bp_this_year: bool,
    mbg_this_month: bool,
}

fn collect<'a>(p: &'a PersonFacts, span: &Span) -> Seen<'a> {
    let mut seen = Seen::default();
    for e in &p.events {
        if e.occurred_at >= span.until {
            continue;
        }
        match &e.payload {
            EventPayload::Measurement(m) => {
                let on = span.date(e.occurred_at);
                if let Some(kg) = m.weight_kg {
                    seen.weighings.push(Weighing {
                        on,
                        weight_kg: kg,
                        wfa_z: None,
                    });
                }
                if e.occurred_at >= span.month_from {
                    seen.month_measurements.push((on, m));
                }
                if m.systolic_mmhg.is_some() && e.occurred_at >= span.year_from {
                    seen.bp_this_year = true;
                }
            }
            EventPayload::Immunization(i) if i.given_on <= span.as_of => {
                seen.doses.push((i.antigen.clone(), i.dose, i.given_on));
            }
            EventPayload::Visit(v) => match v.kind {
                VisitKind::Anc { by_doctor, .. } => {
                    seen.anc
                        .push((span.date(e.occurred_at), v.pregnancy, by_doctor))
                }
                VisitKind::Kf { number } => seen.kf.push((e.occurred_at, number, v.pregnancy)),
                VisitKind::Kn { number } => seen.kn.push((span.date(e.occurred_at), number)),
                _ => {}
            },
            EventPayload::Service(s)
                if s.kind == ServiceKind::MbgPackage && e.occurred_at >= span.month_from =>
            {
                seen.mbg_this_month = true;
            }
            _ => {}
        }
    }
    seen
}

fn person(p: &PersonFacts, span: &Span, t: &mut Tally) {
    let id = p.person.id;
    let seen = collect(p, span);
    let targets = &span.tables.targets;
    if let Some(birth) = p.person.birth.map(|b| b.date).filter(|b| *b <= span.as_of) {
        let b = BirthDate::exact(birth);
        let months = b.age_months(span.as_of);
        let years = months.div_euclid(12);
        if in_band(months, targets.under_five_months) {
            under_five(p, birth, &seen, span, t);
        }
        // Infants at some time in the year: old enough by `as_of`, young enough on 1 January.
        let (lo, hi) = targets.infant_months;
        if months >= lo && b.age_months(span.year_start) <= hi {
            let done = span
                .tables
                .idl
                .completed_in_time(birth, seen.doses.iter().cloned())
                .is_some_and(|d| within(d, span.year_start, span.as_of));
            t.person(Indicator::Idl, id, done);
        }
        if within(birth, span.year_start, span.as_of) {
            let done = |w: &VisitWindow| {
                seen.kn.iter().any(|(on, n)| {
                    *n == w.number
                        && within(
                            *on,
                            birth + Duration::days(w.from_day),
                            birth + Duration::days(w.to_day),
                        )
                })
            };
            let kn = span.tables.postnatal.kn;
            t.person(
                Indicator::Kn1,
                id,
                kn.iter().filter(|w| w.number == 1).any(done),
            );
            t.person(Indicator::KnComplete, id, kn.iter().all(done));
        }
        if in_band(years, targets.productive_years) {
            t.person(Indicator::PtmScreening, id, seen.bp_this_year);
        }
        if years >= targets.elderly_min_years {
            t.person(Indicator::ElderlyScreening, id, seen.bp_this_year);
        }
        if in_band(months, targets.mbg_under_five_months) {
            t.person(Indicator::MbgUnderFive, id, seen.mbg_this_month);
        }
    }
    if !p.pregnancies.is_empty() {
        maternal(p, &seen, span, t);
    }
}

fn under_five(p: &PersonFacts, birth: Date, seen: &Seen, span: &Span, t: &mut Tally) {
    let id = p.person.id;
    t.person(Indicator::SkdnS, id, true);
    // Assumption: every registered under-five holds a KMS / Buku KIA (module doc).
    t.person(Indicator::SkdnK, id, true);

    // KMS over the whole history, with the weight-for-age z only where it matters (this month).
    let mut weighings = seen.weighings.clone();
    if let Some(sex) = p.person.sex {
        for w in weighings.iter_mut().filter(|w| w.on >= span.month) {
            w.wfa_z = kms::weight_for_age_z(sex, birth, w.on, w.weight_kg);
        }
    }
    let results = kms::assess(birth, &weighings, &span.tables.kms);
    let record = results
        .iter()
        .find(|r| r.month_record && r.month() == span.month);
    t.person(Indicator::SkdnD, id, record.is_some());
    t.person(
        Indicator::SkdnN,
        id,
        record.is_some_and(|r| r.code == WeighingCode::N),
    );
    if let Some(r) = record {
        if matches!(r.code, WeighingCode::N | WeighingCode::T) {
            t.person(Indicator::SkdnNPerD, id, r.code == WeighingCode::N);
        }
        t.person(Indicator::SkdnO, id, r.code == WeighingCode::O);
        t.person(Indicator::SkdnB, id, r.code == WeighingCode::B);
        t.person(Indicator::Bgm, id, r.bgm);
        t.person(Indicator::TwoT, id, r.two_t);
    }

    // Nutrition: the latest category of each index measured this month.
    let Some(sex) = p.person.sex else { return };
    let mut stunted = None;
    let mut wasted = None;
    let mut underweight = None;
    for (on, m) in &seen.month_measurements {
        let input =
            crate::growth::GrowthInput::from_measurement(sex, (*on - birth).whole_days(), m);
        let Ok(g) = crate::growth::assess(&input) else {
            continue;
        };
        use crate::growth::Indicator as G;
        if let Some(c) = g.category(G::LengthForAge) {
            stunted = Some(c.is_stunted());
        }
        if let Some(c) = g.category(G::WeightForLength) {
            wasted = Some(c.is_wasted());
        }
        if let Some(c) = g.category(G::WeightForAge) {
            underweight = Some(c.is_underweight());
        }
    }
    for (indicator, flag) in [
        (Indicator::Stunting, stunted),
        (Indicator::Wasting, wasted),
        (Indicator::Underweight, underweight),
    ] {
        if let Some(hit) = flag {
            t.person(indicator, id, hit);
        }
    }
}

/// First and last day a pregnancy counts as ongoing (`None`: not known).
fn pregnancy_span(preg: &Pregnancy, span: &Span) -> (Option<Date>, Option<Date>) {
    let start = preg.hpht.or(preg.edd.map(|e| e - Duration::days(280)));
    let ended = Duration::days(span.tables.anc.ended_days_after_edd);
    let end = match &preg.outcome {
        Some(o) => Some(span.date(o.at)),
        None => preg
            .edd
            .or(start.map(|s| s + Duration::days(280)))
            .map(|edd| edd + ended),
    };
    (start, end)
}

fn trimester(start: Date, on: Date, rules: &AncRules) -> usize {
    let weeks = (on - start).whole_days().div_euclid(7);
    if weeks <= rules.trimester_last_week.0 {
        0
    } else if weeks <= rules.trimester_last_week.1 {
        1
    } else {
        2
    }
}

/// The day a pattern of contacts per trimester (and, for K6, the doctor rule) is first met.
fn pattern_reached(
    contacts: &[(Date, bool)],
    start: Date,
    pattern: [u8; 3],
    doctor: Option<DoctorRule>,
    rules: &AncRules,
) -> Option<Date> {
    let mut per = [0u8; 3];
    let mut doctor_per = [0u8; 3];
    for (on, by_doctor) in contacts {
        let tri = trimester(start, *on, rules);
        per[tri] = per[tri].saturating_add(1);
        if *by_doctor {
            doctor_per[tri] = doctor_per[tri].saturating_add(1);
        }
        let counts = per.iter().zip(pattern).all(|(have, need)| *have >= need);
        let doctors = match doctor {
            None => true,
            Some(DoctorRule::AnyTwo) => doctor_per.iter().sum::<u8>() >= 2,
            Some(DoctorRule::FirstAndThirdTrimester) => doctor_per[0] >= 1 && doctor_per[2] >= 1,
        };
        if counts && doctors {
            return Some(*on);
        }
    }
    None
}

fn maternal(p: &PersonFacts, seen: &Seen, span: &Span, t: &mut Tally) {
    let id = p.person.id;
    let rules = &span.tables.anc;
    let in_year = |d: Date| within(d, span.year_start, span.as_of);
    let (mut anc_target, mut k1a, mut k1p, mut k4, mut k6) = (false, false, false, false, false);
    let mut pregnant_this_month = false;
    for preg in &p.pregnancies {
        let (start, end) = pregnancy_span(preg, span);
        let inside = |d: Date| start.is_none_or(|s| s <= d) && end.is_none_or(|e| d <= e);
        let mut contacts: Vec<(Date, bool)> = seen
            .anc
            .iter()
            .filter(|(on, link, _)| match link {
                Some(l) => *l == preg.id,
                None => (start.is_some() || end.is_some()) && inside(*on),
            })
            .map(|(on, _, doctor)| (*on, *doctor))
            .collect();
        contacts.sort();
        let ongoing = |from: Date, to: Date| match (start, end) {
            (None, None) => contacts.iter().any(|(on, _)| within(*on, from, to)),
            _ => start.is_none_or(|s| s <= to) && end.is_none_or(|e| e >= from),
        };
        if ongoing(span.month, span.as_of) {
            pregnant_this_month = true;
        }
        if !ongoing(span.year_start, span.as_of) {
            continue;
        }
        anc_target = true;
        if let Some((first, _)) = contacts.first()
            && in_year(*first)
        {
            k1a = true;
            k1p |= start.is_some_and(|s| trimester(s, *first, rules) == 0);
        }
        if let Some(s) = start {
            k4 |= pattern_reached(&contacts, s, rules.k4_pattern, None, rules).is_some_and(in_year);
            k6 |= pattern_reached(&contacts, s, rules.k6_pattern, Some(rules.k6_doctor), rules)
                .is_some_and(in_year);
        }
    }
    if anc_target {
        t.person(Indicator::K1Access, id, k1a);
        t.person(Indicator::K1Pure, id, k1p);
        t.person(Indicator::K4, id, k4);
        t.person(Indicator::K6, id, k6);
    }

    // Postnatal visits after deliveries in the year; MBG for a recent live birth.
    let deliveries = p.pregnancies.iter().filter_map(|preg| {
        let o = preg.outcome.as_ref()?;
        matches!(o.kind, OutcomeKind::LiveBirth | OutcomeKind::Stillbirth).then(|| {
            (
                preg.id,
                o.at,
                span.date(o.at),
                o.kind == OutcomeKind::LiveBirth,
            )
        })
    });
    let (mut delivered, mut kf1, mut kf_complete, mut breastfeeding) = (false, false, false, false);
    for (preg, at, on, live) in deliveries {
        if on > span.as_of {
            continue;
        }
        if live
            && BirthDate::exact(on).age_months(span.month)
                < span.tables.targets.mbg_breastfeeding_months
        {
            breastfeeding = true;
        }
        if !in_year(on) {
            continue;
        }
        delivered = true;
        let done = |w: &VisitWindow| {
            seen.kf.iter().any(|(visit_at, n, link)| {
                let day = (span.date(*visit_at) - on).whole_days();
                *n == w.number
                    && link.is_none_or(|l| l == preg)
                    && (w.from_day..=w.to_day).contains(&day)
                    && (visit_at.millis() - at.millis()) >= w.min_hours * 3_600_000
            })
        };
        let kf = span.tables.postnatal.kf;
        kf1 |= kf.iter().filter(|w| w.number == 1).any(done);
        kf_complete |= kf.iter().all(done);
    }
    if delivered {
        t.person(Indicator::Kf1, id, kf1);
        t.person(Indicator::KfComplete, id, kf_complete);
    }
    if pregnant_this_month {
        t.person(Indicator::MbgPregnant, id, seen.mbg_this_month);
    }
    if breastfeeding {
        t.person(Indicator::MbgBreastfeeding, id, seen.mbg_this_month);
    }
}
