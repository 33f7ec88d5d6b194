//! The versioned tables coverage runs on: target age bands, ANC contact patterns and postnatal
//! visit windows. Each is data with a [`TableRef`] and an effective date; unverified readings say
//! so in `source`.

use crate::due::TableRef;
use crate::idl::{IDL_WITH_IPV, IdlSet};
use crate::iks::IksTables;
use crate::kms::KmsTables;
use time::Date;
use time::macros::date;

/// Who counts as a target, by age (all bands inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetBands {
    pub table: TableRef,
    pub effective_from: Date,
    pub source: &'static str,
    /// Balita for SKDN and nutrition (S), months.
    pub under_five_months: (i32, i32),
    /// Infants in the IDL denominator, months.
    pub infant_months: (i32, i32),
    /// Usia produktif for PTM screening, years.
    pub productive_years: (i32, i32),
    /// Lansia from this age, years.
    pub elderly_min_years: i32,
    /// Under-fives eligible for MBG, months.
    pub mbg_under_five_months: (i32, i32),
    /// A mother counts as breastfeeding for MBG while her last live-born baby is younger than
    /// this, months.
    pub mbg_breastfeeding_months: i32,
}

/// DOMAIN.md sections 2, 3 and 8: balita 0–59 mo [S8] · infants 0–11 mo (IDL before 12 months) ·
/// usia produktif 15–59 y and lansia ≥ 60 y (SPM, unverified) · MBG 3B [section 8]: under-fives
/// from 6 months (before that the mother is fed) and breastfeeding mothers of babies under 6
/// months; the MBG bands are this project's reading, not a programme text.
pub const TARGETS_V1: TargetBands = TargetBands {
    table: TableRef {
        id: "coverage.targets",
        version: 1,
    },
    effective_from: date!(2024 - 01 - 01),
    source: "DOMAIN.md sections 2, 3, 8 (SPM and MBG bands unverified)",
    under_five_months: (0, 59),
    infant_months: (0, 11),
    productive_years: (15, 59),
    elderly_min_years: 60,
    mbg_under_five_months: (6, 59),
    mbg_breastfeeding_months: 6,
};

/// How K6 wants its doctor contacts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DoctorRule {
    /// Any two contacts with a doctor (DOMAIN.md section 3, [S13]).
    AnyTwo,
    /// One doctor contact in the first trimester and one in the third (DOMAIN.md section 2,
    /// [S7]).
    FirstAndThirdTrimester,
}

/// Antenatal care: trimester edges and the K4 / K6 patterns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AncRules {
    pub table: TableRef,
    pub effective_from: Date,
    pub source: &'static str,
    /// Last completed week of gestation in the first and in the second trimester.
    pub trimester_last_week: (i64, i64),
    /// Contacts per trimester for K4 (old 1-1-2).
    pub k4_pattern: [u8; 3],
    /// Contacts per trimester for K6 (1-2-3).
    pub k6_pattern: [u8; 3],
    pub k6_doctor: DoctorRule,
    /// A pregnancy with no outcome recorded is taken as ended this many days after its EDD.
    pub ended_days_after_edd: i64,
}

/// PMK 21/2021 as DOMAIN.md sections 2 and 3 read it [S7][S13]: T1 ≤ 12 weeks, T2 13–24, T3
/// from 25; K4 = 1-1-2; K6 = 1-2-3 with a doctor in T1 and in T3 (article text unverified).
pub const ANC_PMK_21_2021: AncRules = AncRules {
    table: TableRef {
        id: "coverage.anc.pmk_21_2021",
        version: 1,
    },
    effective_from: date!(2021 - 01 - 01),
    source: "PMK 21/2021 via DOMAIN.md sections 2-3 [S7][S13] (unverified)",
    trimester_last_week: (12, 24),
    k4_pattern: [1, 1, 2],
    k6_pattern: [1, 2, 3],
    k6_doctor: DoctorRule::FirstAndThirdTrimester,
    ended_days_after_edd: 42,
};

/// One postnatal visit window, in days after the delivery date (day 0 = the day of birth), both
/// ends inclusive; `min_hours` after the delivery instant when it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VisitWindow {
    pub number: u8,
    pub min_hours: i64,
    pub from_day: i64,
    pub to_day: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PostnatalWindows {
    pub table: TableRef,
    pub effective_from: Date,
    pub source: &'static str,
    pub kf: &'static [VisitWindow],
    pub kn: &'static [VisitWindow],
}

/// KF1 6 h–2 d · KF2 d3–7 · KF3 d8–28 · KF4 d29–42 [S8b]; KN1 6–48 h · KN2 d3–7 · KN3 d8–28
/// [S8c] (DOMAIN.md section 2; KN primary text unverified). 48 hours is read as "up to day 2".
pub const POSTNATAL_BUKU_KIA: PostnatalWindows = PostnatalWindows {
    table: TableRef {
        id: "coverage.postnatal.buku_kia",
        version: 1,
    },
    effective_from: date!(2020 - 01 - 01),
    source: "Buku KIA via DOMAIN.md section 2 [S8b][S8c] (KN unverified)",
    kf: &[
        VisitWindow {
            number: 1,
            min_hours: 6,
            from_day: 0,
            to_day: 2,
        },
        VisitWindow {
            number: 2,
            min_hours: 0,
            from_day: 3,
            to_day: 7,
        },
        VisitWindow {
            number: 3,
            min_hours: 0,
            from_day: 8,
            to_day: 28,
        },
        VisitWindow {
            number: 4,
            min_hours: 0,
            from_day: 29,
            to_day: 42,
        },
    ],
    kn: &[
        VisitWindow {
            number: 1,
            min_hours: 6,
            from_day: 0,
            to_day: 2,
        },
        VisitWindow {
            number: 2,
            min_hours: 0,
            from_day: 3,
            to_day: 7,
        },
        VisitWindow {
            number: 3,
            min_hours: 0,
            from_day: 8,
            to_day: 28,
        },
    ],
};

/// Every table one coverage run uses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CoverageTables {
    pub targets: TargetBands,
    pub anc: AncRules,
    pub postnatal: PostnatalWindows,
    pub kms: KmsTables,
    pub idl: IdlSet,
    pub iks: IksTables,
}

impl Default for CoverageTables {
    fn default() -> Self {
        Self {
            targets: TARGETS_V1,
            anc: ANC_PMK_21_2021,
            postnatal: POSTNATAL_BUKU_KIA,
            kms: KmsTables::default(),
            idl: IDL_WITH_IPV,
            iks: IksTables::default(),
        }
    }
}

impl CoverageTables {
    /// The ids of every table, so a report says which versions it follows.
    pub fn table_refs(&self) -> Vec<TableRef> {
        let all = [
            self.targets.table,
            self.anc.table,
            self.postnatal.table,
            self.kms.kbm.table,
            self.kms.lines.table,
            self.idl.table,
            self.iks.bands.table,
            self.iks.idl.table,
            crate::growth::CURRENT_CATEGORIES.table,
        ];
        // The IKS may follow the same IDL set as the IDL row: list each table once.
        let mut out: Vec<TableRef> = Vec::with_capacity(all.len());
        for t in all {
            if !out.contains(&t) {
                out.push(t);
            }
        }
        out
    }
}
