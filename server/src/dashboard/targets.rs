//! Targets a supervisor sets per indicator (stored per user in `dashboard_target`, through the
//! storage trait), the 80% default, and the colour band of a percentage against its target. Only
//! rows where higher is better (`Indicator::better()`) have a target: a problem's share (stunting,
//! BGM, 2T, households without JKN) or a count (S, B) is never coloured as "below target".

use crate::error::Result;
use crate::storage::Db;
use ilp_rules::coverage::{Better, Indicator};
use std::collections::HashMap;

/// The default target of a coverage row, percent.
pub const DEFAULT_TARGET: f64 = 80.0;
/// A percentage this many points or fewer below its target is "near".
pub const NEAR_POINTS: f64 = 10.0;

/// A user's targets by indicator code, percent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Targets(HashMap<String, f64>);

impl Targets {
    pub fn load(db: &dyn Db, user: &str) -> Result<Self> {
        let rows = db.read(|tx| Ok(tx.dashboard_targets(user)?))?;
        Ok(Targets(
            rows.into_iter()
                .map(|(code, tenths)| (code, tenths as f64 / 10.0))
                .collect(),
        ))
    }

    /// The target of a row; `None` where lower is better or for a count.
    pub fn of(&self, indicator: Indicator) -> Option<f64> {
        (indicator.better() == Better::Higher).then(|| {
            self.0
                .get(indicator.code())
                .copied()
                .unwrap_or(DEFAULT_TARGET)
        })
    }
}

/// Where a percentage stands against its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Band {
    Met,
    Near,
    Below,
    /// No target (lower is better, a count) or no denominator.
    None,
}

impl Band {
    pub fn of(percent: Option<f64>, target: Option<f64>) -> Band {
        match (percent, target) {
            (Some(p), Some(t)) if p >= t => Band::Met,
            (Some(p), Some(t)) if p >= t - NEAR_POINTS => Band::Near,
            (Some(_), Some(_)) => Band::Below,
            _ => Band::None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Band::Met => "met",
            Band::Near => "near",
            Band::Below => "below",
            Band::None => "none",
        }
    }
}

/// Targets read from the form: `None` returns an indicator to the default.
pub type ParsedTargets = Vec<(Indicator, Option<i64>)>;

/// Reads the targets form (`target.<code>` fields): a number from 0 to 100 sets a target, an
/// empty field returns to the default. An error names the field.
pub fn parse_form(
    fields: &HashMap<String, String>,
) -> std::result::Result<ParsedTargets, (String, &'static str)> {
    let mut out = Vec::new();
    for i in Indicator::ALL {
        let name = format!("target.{}", i.code());
        let Some(raw) = fields.get(&name) else {
            continue;
        };
        if i.better() != Better::Higher {
            return Err((
                name,
                "this indicator has no target (lower is better, or a count)",
            ));
        }
        let raw = raw.trim().replace(',', ".");
        if raw.is_empty() {
            out.push((i, None));
            continue;
        }
        let v: f64 = raw
            .parse()
            .map_err(|_| (name.clone(), "must be a number from 0 to 100"))?;
        if !(0.0..=100.0).contains(&v) || !v.is_finite() {
            return Err((name, "must be a number from 0 to 100"));
        }
        out.push((i, Some((v * 10.0).round() as i64)));
    }
    Ok(out)
}

/// Stores the parsed targets of `user`.
pub fn save(db: &dyn Db, user: &str, targets: &[(Indicator, Option<i64>)]) -> Result<()> {
    db.write(|tx| {
        for (i, t) in targets {
            tx.set_dashboard_target(user, i.code(), *t)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_higher_rows_have_a_target_and_bands_follow_it() {
        let t = Targets::default();
        assert_eq!(t.of(Indicator::SkdnD), Some(80.0));
        assert_eq!(t.of(Indicator::Stunting), None);
        assert_eq!(t.of(Indicator::SkdnS), None);
        assert_eq!(Band::of(Some(80.0), Some(80.0)), Band::Met);
        assert_eq!(Band::of(Some(75.0), Some(80.0)), Band::Near);
        assert_eq!(Band::of(Some(50.0), Some(80.0)), Band::Below);
        assert_eq!(Band::of(Some(50.0), None), Band::None);
        assert_eq!(Band::of(None, Some(80.0)), Band::None);
    }

    #[test]
    fn the_form_names_a_bad_field() {
        let mut f = HashMap::new();
        f.insert("target.skdn_d".to_string(), "85,5".to_string());
        f.insert("target.k6".to_string(), String::new());
        let parsed = parse_form(&f).unwrap();
        assert!(parsed.contains(&(Indicator::SkdnD, Some(855))));
        assert!(parsed.contains(&(Indicator::K6, None)));
        f.insert("target.idl".to_string(), "120".to_string());
        assert_eq!(parse_form(&f).unwrap_err().0, "target.idl");
        let mut g = HashMap::new();
        g.insert("target.stunting".to_string(), "10".to_string());
        assert_eq!(parse_form(&g).unwrap_err().0, "target.stunting");
    }
}
