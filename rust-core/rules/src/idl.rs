//! Complete basic immunization (imunisasi dasar lengkap, IDL) as versioned antigen sets: which doses
//! make a child "complete" and by what age. Sources disagree on the set (DOMAIN.md section 3), so
//! each reading is a table with an id; coverage and the family health index take one as an argument.

use crate::due::TableRef;
use ilp_model::Antigen;
use std::collections::HashMap;
use time::Date;

/// One reading of "complete": every `(antigen, doses)` pair, and the age in completed months
/// before which the last dose must fall to count (`None`: any age).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdlSet {
    pub table: TableRef,
    pub effective_from: Date,
    pub source: &'static str,
    pub label_id: &'static str,
    pub doses: &'static [(Antigen, u8)],
    pub before_age_months: Option<i32>,
}

/// DOMAIN.md section 3 [S9]: HB0, BCG, DPT-HB-Hib×3, OPV×4, IPV, MR before 12 months. The default.
/// The effective date is a placeholder (IPV entered the schedule around 2016; unverified).
pub const IDL_WITH_IPV: IdlSet = IdlSet {
    table: TableRef {
        id: "idl.hb0_bcg_dpt3_opv4_ipv_mr",
        version: 1,
    },
    effective_from: time::macros::date!(2016 - 01 - 01),
    source: "DOMAIN.md section 3, IDL (unverified)",
    label_id: "Imunisasi dasar lengkap",
    doses: &[
        (Antigen::Hb0, 1),
        (Antigen::Bcg, 1),
        (Antigen::DptHbHib, 3),
        (Antigen::Opv, 4),
        (Antigen::Ipv, 1),
        (Antigen::Mr, 1),
    ],
    before_age_months: Some(12),
};

/// The PIS-PK operational definition of IKS indicator 3 (Kemenkes 2016, "Definisi operasional 12
/// indikator keluarga sehat"): HB0, BCG, DPT-HB 1–3, polio 1–4 and measles (now MR); no IPV, no
/// age limit on the doses.
pub const IDL_PIS_PK_2016: IdlSet = IdlSet {
    table: TableRef {
        id: "idl.pis_pk_2016",
        version: 1,
    },
    effective_from: time::macros::date!(2016 - 01 - 01),
    source: "PIS-PK definisi operasional indikator 3 (Permenkes 39/2016 guide)",
    label_id: "Imunisasi dasar lengkap (PIS-PK)",
    doses: &[
        (Antigen::Hb0, 1),
        (Antigen::Bcg, 1),
        (Antigen::DptHbHib, 3),
        (Antigen::Opv, 4),
        (Antigen::Mr, 1),
    ],
    before_age_months: None,
};

/// The newer variant DOMAIN.md section 3 mentions (unverified): IDL_WITH_IPV plus IPV2, PCV 1–2 and
/// RV 1–3, all before 12 months.
pub const IDL_WITH_PCV_RV: IdlSet = IdlSet {
    table: TableRef {
        id: "idl.with_ipv2_pcv_rv",
        version: 1,
    },
    effective_from: time::macros::date!(2024 - 01 - 01),
    source: "DOMAIN.md section 3, newer IDL variant (unverified)",
    label_id: "Imunisasi dasar lengkap (dengan PCV, RV, IPV2)",
    doses: &[
        (Antigen::Hb0, 1),
        (Antigen::Bcg, 1),
        (Antigen::DptHbHib, 3),
        (Antigen::Opv, 4),
        (Antigen::Ipv, 2),
        (Antigen::Pcv, 2),
        (Antigen::Rv, 3),
        (Antigen::Mr, 1),
    ],
    before_age_months: Some(12),
};

/// "Imunisasi rutin lengkap" (DOMAIN.md section 3, unverified): the basic set plus the 18-month
/// boosters (DPT-HB-Hib 4, MR 2) and PCV3, before 24 months.
pub const IRL_WITH_BOOSTERS: IdlSet = IdlSet {
    table: TableRef {
        id: "irl.with_boosters",
        version: 1,
    },
    effective_from: time::macros::date!(2024 - 01 - 01),
    source: "DOMAIN.md section 3, imunisasi rutin lengkap (unverified)",
    label_id: "Imunisasi rutin lengkap",
    doses: &[
        (Antigen::Hb0, 1),
        (Antigen::Bcg, 1),
        (Antigen::DptHbHib, 4),
        (Antigen::Opv, 4),
        (Antigen::Ipv, 2),
        (Antigen::Pcv, 3),
        (Antigen::Rv, 3),
        (Antigen::Mr, 2),
    ],
    before_age_months: Some(24),
};

/// Every set this version knows, default first.
pub const IDL_SETS: [IdlSet; 4] = [
    IDL_WITH_IPV,
    IDL_PIS_PK_2016,
    IDL_WITH_PCV_RV,
    IRL_WITH_BOOSTERS,
];

impl IdlSet {
    /// The date the set was completed: the day the last dose it needs was given, counting each
    /// dose number of an antigen once (its earliest record) and the `n` earliest distinct doses of
    /// an antigen that needs `n`. `None` while a dose is missing. Ignores `before_age_months`
    /// (see [`IdlSet::completed_in_time`]).
    pub fn completed_on(
        &self,
        given: impl IntoIterator<Item = (Antigen, u8, Date)>,
    ) -> Option<Date> {
        let mut by_antigen: HashMap<Antigen, Vec<(u8, Date)>> = HashMap::new();
        for (antigen, dose, on) in given {
            if self.doses.iter().any(|(a, _)| *a == antigen) {
                by_antigen.entry(antigen).or_default().push((dose, on));
            }
        }
        let mut done = None::<Date>;
        for (antigen, needed) in self.doses {
            let records = by_antigen.get_mut(antigen)?;
            // Earliest record per dose number, then the dates in order.
            records.sort();
            records.dedup_by_key(|(dose, _)| *dose);
            let mut dates: Vec<Date> = records.iter().map(|(_, on)| *on).collect();
            dates.sort();
            let nth = *dates.get(usize::from(*needed).checked_sub(1)?)?;
            done = Some(done.map_or(nth, |d| d.max(nth)));
        }
        done
    }

    /// Completed, and before the set's age limit for a child born on `birth`.
    pub fn completed_in_time(
        &self,
        birth: Date,
        given: impl IntoIterator<Item = (Antigen, u8, Date)>,
    ) -> Option<Date> {
        let on = self.completed_on(given)?;
        let age = ilp_model::BirthDate::exact(birth).age_months(on);
        self.before_age_months
            .is_none_or(|limit| age < limit)
            .then_some(on)
    }

    /// Doses still missing, as `(antigen, doses recorded, doses needed)`.
    pub fn missing(
        &self,
        given: impl IntoIterator<Item = (Antigen, u8, Date)>,
    ) -> Vec<(Antigen, u8, u8)> {
        let given: Vec<_> = given.into_iter().collect();
        self.doses
            .iter()
            .filter_map(|(antigen, needed)| {
                let mut numbers: Vec<u8> = given
                    .iter()
                    .filter(|(a, _, _)| a == antigen)
                    .map(|(_, d, _)| *d)
                    .collect();
                numbers.sort_unstable();
                numbers.dedup();
                let have = numbers.len().min(u8::MAX as usize) as u8;
                (have < *needed).then(|| (antigen.clone(), have, *needed))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn full_with_ipv(birth: Date) -> Vec<(Antigen, u8, Date)> {
        let d = |days: i64| birth + time::Duration::days(days);
        vec![
            (Antigen::Hb0, 1, d(0)),
            (Antigen::Bcg, 1, d(20)),
            (Antigen::Opv, 1, d(20)),
            (Antigen::DptHbHib, 1, d(61)),
            (Antigen::Opv, 2, d(61)),
            (Antigen::DptHbHib, 2, d(92)),
            (Antigen::Opv, 3, d(92)),
            (Antigen::DptHbHib, 3, d(122)),
            (Antigen::Opv, 4, d(122)),
            (Antigen::Ipv, 1, d(122)),
            (Antigen::Mr, 1, d(275)),
        ]
    }

    // DOMAIN.md section 3 IDL [S9]: the schedule's doses by 9 months complete the set on the MR day.
    #[test]
    fn complete_on_the_last_dose() {
        let birth = date!(2025 - 01 - 01);
        let doses = full_with_ipv(birth);
        let mr_day = birth + time::Duration::days(275);
        assert_eq!(IDL_WITH_IPV.completed_on(doses.clone()), Some(mr_day));
        assert_eq!(
            IDL_WITH_IPV.completed_in_time(birth, doses.clone()),
            Some(mr_day)
        );
        assert!(IDL_WITH_IPV.missing(doses.clone()).is_empty());
        // PIS-PK's set has no IPV: complete without it.
        let no_ipv: Vec<_> = doses
            .iter()
            .filter(|d| d.0 != Antigen::Ipv)
            .cloned()
            .collect();
        assert_eq!(IDL_PIS_PK_2016.completed_on(no_ipv.clone()), Some(mr_day));
        assert_eq!(IDL_WITH_IPV.completed_on(no_ipv.clone()), None);
        assert_eq!(IDL_WITH_IPV.missing(no_ipv), [(Antigen::Ipv, 0, 1)]);
    }

    #[test]
    fn repeated_dose_numbers_count_once_and_the_age_limit_holds() {
        let birth = date!(2025 - 01 - 01);
        let mut doses = full_with_ipv(birth);
        // OPV 4 recorded twice and OPV 3 missing: three distinct doses, not four.
        doses.retain(|d| !(d.0 == Antigen::Opv && d.1 == 3));
        doses.push((Antigen::Opv, 4, date!(2025 - 06 - 01)));
        assert_eq!(IDL_WITH_IPV.completed_on(doses.clone()), None);
        assert_eq!(IDL_WITH_IPV.missing(doses.clone()), [(Antigen::Opv, 3, 4)]);
        // Catch-up OPV 3 at 13 months: complete, but not before 12 months.
        doses.push((Antigen::Opv, 3, date!(2026 - 02 - 05)));
        assert_eq!(
            IDL_WITH_IPV.completed_on(doses.clone()),
            Some(date!(2026 - 02 - 05))
        );
        assert_eq!(IDL_WITH_IPV.completed_in_time(birth, doses.clone()), None);
        assert_eq!(
            IDL_PIS_PK_2016.completed_in_time(birth, doses),
            Some(date!(2026 - 02 - 05))
        );
    }

    #[test]
    fn table_ids_are_unique() {
        let ids: std::collections::HashSet<_> = IDL_SETS.iter().map(|s| s.table.id).collect();
        assert_eq!(ids.len(), IDL_SETS.len());
    }
}
