//! Scope on the dashboard: the areas a user may pick (every kelurahan, RW, RT and Posyandu whose
//! RTs all lie in the user's readable scope, the same keys the sync API enforces on pull and push)
//! and the check that refuses any other area, on every page and export. The area tree is read
//! from the replica store; the scope from the server's stored keys (`Principal`).

use crate::scope::Principal;
use ilp_model::{AreaId, AreaLevel, PosyanduId};
use ilp_store::coverage::CoverageArea;
use ilp_store::{Store, areas};
use std::collections::HashMap;

/// One area a user may look at.
#[derive(Clone, Debug, PartialEq)]
pub struct AreaChoice {
    /// The id given in `?area=` (an area's or a Posyandu's).
    pub key: String,
    pub label: String,
    /// `province`, `city`, `district`, `village`, `rw`, `rt` or `posyandu`.
    pub level: &'static str,
    pub area: CoverageArea,
    pub rts: Vec<AreaId>,
}

/// What an `?area=` names for this user.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    Allowed(AreaChoice),
    /// Exists, but some or all of its RTs are outside the user's scope.
    Forbidden,
    /// Names no area or Posyandu (or one without any RT).
    Unknown,
}

fn allowed(principal: &Principal, rts: &[AreaId]) -> bool {
    !rts.is_empty()
        && (principal.is_admin()
            || rts
                .iter()
                .all(|rt| principal.readable.contains(&rt.to_string())))
}

/// Every area and Posyandu of the replica with its RTs, parents before children.
fn all_choices(store: &Store) -> ilp_store::Result<Vec<AreaChoice>> {
    store.read(|c| {
        let tree = areas::area_tree(c)?;
        let by_id: HashMap<AreaId, &ilp_model::Area> = tree.iter().map(|a| (a.id, a)).collect();
        let mut rts_of: HashMap<AreaId, Vec<AreaId>> = HashMap::new();
        // Children after parents: walk backwards so each RT climbs its ancestors once.
        for a in tree.iter().filter(|a| a.level == AreaLevel::Rt) {
            let mut at = Some(a.id);
            while let Some(id) = at {
                rts_of.entry(id).or_default().push(a.id);
                at = by_id.get(&id).and_then(|x| x.parent);
            }
        }
        let name = |id: Option<AreaId>| {
            id.and_then(|i| by_id.get(&i))
                .map(|a| a.name.clone())
                .unwrap_or_default()
        };
        let mut out = Vec::new();
        for a in &tree {
            let rts = rts_of.remove(&a.id).unwrap_or_default();
            let label = match a.level {
                AreaLevel::Rt => {
                    let rw = a.parent.and_then(|p| by_id.get(&p));
                    format!(
                        "RT {} / RW {}, {}",
                        a.code,
                        rw.map(|r| r.code.as_str()).unwrap_or("?"),
                        name(rw.and_then(|r| r.parent))
                    )
                }
                AreaLevel::Rw => format!("RW {}, {}", a.code, name(a.parent)),
                _ => a.name.clone(),
            };
            out.push(AreaChoice {
                key: a.id.to_string(),
                label,
                level: a.level.code(),
                area: CoverageArea::Area(a.id),
                rts,
            });
        }
        for p in areas::posyandu_list(c)? {
            out.push(AreaChoice {
                key: p.id.to_string(),
                label: format!("{} ({})", p.name, name(Some(p.village))),
                level: "posyandu",
                area: CoverageArea::Posyandu(p.id),
                rts: p.rts,
            });
        }
        Ok(out)
    })
}

/// The areas `principal` may pick, parents first, Posyandu last.
pub fn choices(store: &Store, principal: &Principal) -> ilp_store::Result<Vec<AreaChoice>> {
    Ok(all_choices(store)?
        .into_iter()
        .filter(|c| allowed(principal, &c.rts))
        .collect())
}

/// Resolves `?area=` for `principal`.
pub fn resolve(store: &Store, principal: &Principal, key: &str) -> ilp_store::Result<Resolved> {
    let key = key.trim().to_ascii_lowercase();
    if key.parse::<AreaId>().is_err() && key.parse::<PosyanduId>().is_err() {
        return Ok(Resolved::Unknown);
    }
    let Some(choice) = all_choices(store)?.into_iter().find(|c| c.key == key) else {
        return Ok(Resolved::Unknown);
    };
    if choice.rts.is_empty() {
        return Ok(Resolved::Unknown);
    }
    Ok(if allowed(principal, &choice.rts) {
        Resolved::Allowed(choice)
    } else {
        Resolved::Forbidden
    })
}

/// May `principal` see a person or household of `rt`? (A person without a household is seen by
/// whoever may see the area table that counted them.)
pub fn rt_allowed(principal: &Principal, rt: Option<AreaId>) -> bool {
    match rt {
        Some(rt) => principal.is_admin() || principal.readable.contains(&rt.to_string()),
        None => true,
    }
}
