//! The coverage screen: for an area (RT, RW, kelurahan, or a Posyandu's RTs) and a month, each
//! indicator with numerator, denominator, its ratio and who is behind it.

use crate::error::{IlpError, validation};
use crate::{IlpCore, forms, now};
use ilp_model::{AreaId, PosyanduId};
use ilp_rules::coverage::{CoverageRow, CoverageTables, Period, Unit};
use ilp_store::areas;
use ilp_store::coverage::{CoverageArea, area_rts};
use std::collections::HashSet;

/// One indicator of the coverage table.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct CoverageRowView {
    pub code: String,
    /// Bahasa Indonesia ("D/S (partisipasi penimbangan)").
    pub label: String,
    /// month, year_to_date or as_of.
    pub period: String,
    /// person or household.
    pub unit: String,
    pub numerator: u32,
    pub denominator: u32,
    /// Numerator / denominator × 100, one decimal; `None` when the denominator is 0.
    pub percent: Option<f64>,
    /// Which way is better: `higher` (a coverage), `lower` (stunting, BGM, 2T, households
    /// without JKN: a problem's share) or `neither` (S, B: a count).
    pub better: String,
    /// Persons (or households) counted in the numerator.
    pub numerator_ids: Vec<String>,
    /// In the denominator but not the numerator: who to follow up.
    pub missing_ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct CoverageView {
    pub area_label: String,
    /// YYYY-MM.
    pub month: String,
    /// The day the table counts up to (the month's last day, or today).
    pub as_of: String,
    /// Rule tables the numbers follow ("kms-2010-kbm@1", ...).
    pub rule_tables: Vec<String>,
    pub rows: Vec<CoverageRowView>,
}

fn row_view(r: &CoverageRow) -> CoverageRowView {
    let (num, den): (Vec<String>, Vec<String>) = match r.unit {
        Unit::Person => (
            r.numerator_persons.iter().map(|p| p.to_string()).collect(),
            r.denominator_persons
                .iter()
                .map(|p| p.to_string())
                .collect(),
        ),
        Unit::Household => (
            r.numerator_households
                .iter()
                .map(|h| h.to_string())
                .collect(),
            r.denominator_households
                .iter()
                .map(|h| h.to_string())
                .collect(),
        ),
    };
    let counted: HashSet<&String> = num.iter().collect();
    let missing = den
        .iter()
        .filter(|d| !counted.contains(d))
        .cloned()
        .collect();
    CoverageRowView {
        code: r.code.to_string(),
        label: r.label_id.to_string(),
        period: match r.period {
            Period::Month => "month",
            Period::YearToDate => "year_to_date",
            Period::AsOf => "as_of",
        }
        .into(),
        unit: match r.unit {
            Unit::Person => "person",
            Unit::Household => "household",
        }
        .into(),
        numerator: r.numerator,
        denominator: r.denominator,
        percent: r.percent(),
        better: r.indicator.better().code().into(),
        numerator_ids: num,
        missing_ids: missing,
    }
}

#[uniffi::export]
impl IlpCore {
    /// The coverage table of an area (`area_id`: an RT, RW, kelurahan or kecamatan) or of a
    /// Posyandu's RTs (`posyandu_id`) for `month` (YYYY-MM). Every RT of it must be in the
    /// user's assigned area.
    pub fn coverage(
        &self,
        area_id: Option<String>,
        posyandu_id: Option<String>,
        month: String,
    ) -> Result<CoverageView, IlpError> {
        let area = match (area_id, posyandu_id) {
            (Some(a), None) => CoverageArea::Area(forms::parse_id::<AreaId>("area_id", &a)?),
            (None, Some(p)) => {
                CoverageArea::Posyandu(forms::parse_id::<PosyanduId>("posyandu_id", &p)?)
            }
            _ => {
                return Err(validation(
                    "area_id",
                    "give either an area or a Posyandu, not both or neither",
                ));
            }
        };
        let month = ilp_model::validation::month_start("month", &month)
            .map_err(|e| validation(e.field, e.reason))?;
        let today = self.today_at(now());
        if month > today {
            return Err(validation("month", "is in the future"));
        }
        let (rts, area_label) = self.store.read(|c| {
            let rts = area_rts(c, area)?;
            let label = match area {
                CoverageArea::Area(a) => {
                    let area = areas::get_area(c, a)?;
                    if area.level == ilp_model::AreaLevel::Rt {
                        areas::rt_place(c, a)?.label()
                    } else {
                        area.name
                    }
                }
                CoverageArea::Posyandu(p) => areas::posyandu_list(c)?
                    .into_iter()
                    .find(|x| x.id == p)
                    .map(|x| x.name)
                    .unwrap_or_default(),
            };
            Ok((rts, label))
        })?;
        {
            let scope = self.scope.read().unwrap_or_else(|p| p.into_inner());
            if rts.is_empty() || rts.iter().any(|r| !scope.contains(r)) {
                return Err(IlpError::Auth {
                    reason: "this area is outside your assigned area".into(),
                });
            }
        }
        let tables = CoverageTables::default();
        let table = self.store.coverage(area, month, today, &tables)?;
        Ok(CoverageView {
            area_label,
            month: format!("{:04}-{:02}", month.year(), u8::from(month.month())),
            as_of: table.as_of.to_string(),
            rule_tables: table.tables.iter().map(|t| t.to_string()).collect(),
            rows: table.rows.iter().map(row_view).collect(),
        })
    }
}
