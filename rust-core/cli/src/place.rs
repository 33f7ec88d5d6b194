//! The area tree held in memory for imports and lookups: Kemendagri codes for provinsi to
//! kelurahan, and the paths `kelurahan_code/RW` and `kelurahan_code/RW/RT` for the local levels.

use ilp_model::area::local_number;
use ilp_model::{Area, AreaId, AreaLevel, KemendagriCode};
use ilp_store::Result;
use rusqlite::Connection;
use std::collections::HashMap;

#[derive(Default)]
pub struct AreaIndex {
    by_code: HashMap<String, Area>,
    children: HashMap<(AreaId, String), Area>,
    by_id: HashMap<AreaId, Area>,
}

/// Why a place could not be found: the part of the path at fault and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaceError {
    pub part: PlacePart,
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlacePart {
    Village,
    Rw,
    Rt,
}

impl AreaIndex {
    pub fn load(conn: &Connection) -> Result<Self> {
        let mut idx = Self::default();
        for a in ilp_store::areas::area_tree(conn)? {
            idx.add(a);
        }
        Ok(idx)
    }

    pub fn add(&mut self, a: Area) {
        if !matches!(a.level, AreaLevel::Rw | AreaLevel::Rt) {
            self.by_code.insert(a.code.clone(), a.clone());
        }
        if let Some(p) = a.parent {
            self.children.insert((p, a.code.clone()), a.clone());
        }
        self.by_id.insert(a.id, a);
    }

    pub fn get(&self, id: AreaId) -> Option<&Area> {
        self.by_id.get(&id)
    }

    /// An administrative area by its Kemendagri code (dotted or not).
    pub fn by_kemendagri(&self, raw: &str) -> std::result::Result<&Area, String> {
        let code = KemendagriCode::parse("code", raw).map_err(|e| e.reason)?;
        self.by_code
            .get(&code.as_dotted())
            .ok_or_else(|| format!("{} is not in the area tree", code.as_dotted()))
    }

    pub fn child(&self, parent: AreaId, code: &str) -> Option<&Area> {
        self.children.get(&(parent, code.to_string()))
    }

    pub fn village(&self, raw: &str) -> std::result::Result<&Area, PlaceError> {
        let err = |reason: String| PlaceError {
            part: PlacePart::Village,
            reason,
        };
        if raw.trim().is_empty() {
            return Err(err("is required".into()));
        }
        let a = self.by_kemendagri(raw).map_err(err)?;
        if a.level != AreaLevel::Village {
            return Err(err(format!("{} is not a kelurahan/desa code", a.code)));
        }
        Ok(a)
    }

    pub fn rw(&self, village: &Area, raw: &str) -> std::result::Result<&Area, PlaceError> {
        let err = |reason: String| PlaceError {
            part: PlacePart::Rw,
            reason,
        };
        let n = local_number("rw", raw).map_err(|e| err(format!("RW {}", e.reason)))?;
        self.child(village.id, &n).ok_or_else(|| {
            err(format!(
                "RW {n} is not in the area tree of kelurahan {} ({})",
                village.name, village.code
            ))
        })
    }

    pub fn rt(
        &self,
        rw: &Area,
        village: &Area,
        raw: &str,
    ) -> std::result::Result<&Area, PlaceError> {
        let err = |reason: String| PlaceError {
            part: PlacePart::Rt,
            reason,
        };
        let n = local_number("rt", raw).map_err(|e| err(format!("RT {}", e.reason)))?;
        self.child(rw.id, &n).ok_or_else(|| {
            err(format!(
                "RT {n} / RW {} is not in the area tree of kelurahan {} ({})",
                rw.code, village.name, village.code
            ))
        })
    }

    /// An RT from its three parts.
    pub fn find_rt(
        &self,
        village: &str,
        rw: &str,
        rt: &str,
    ) -> std::result::Result<&Area, PlaceError> {
        let v = self.village(village)?;
        let w = self.rw(v, rw)?;
        self.rt(w, v, rt)
    }

    /// `53.71.03.1010`, `53.71.03.1010/005` or `53.71.03.1010/005/002`: any area by its path.
    pub fn by_path(&self, path: &str) -> std::result::Result<&Area, String> {
        let parts: Vec<&str> = path.trim().split('/').map(str::trim).collect();
        match parts.as_slice() {
            [code] => self.by_kemendagri(code),
            [v, rw] => {
                let v = self.village(v).map_err(|e| e.reason)?;
                self.rw(v, rw).map_err(|e| e.reason)
            }
            [v, rw, rt] => self.find_rt(v, rw, rt).map_err(|e| e.reason),
            _ => Err("must be a code like 53.71.03.1010, 53.71.03.1010/005 or \
                      53.71.03.1010/005/002"
                .into()),
        }
    }

    /// The path of an area as [`by_path`](Self::by_path) reads it.
    pub fn path_of(&self, id: AreaId) -> String {
        let Some(a) = self.get(id) else {
            return id.to_string();
        };
        match a.level {
            AreaLevel::Rw | AreaLevel::Rt => match a.parent {
                Some(p) => format!("{}/{}", self.path_of(p), a.code),
                None => a.code.clone(),
            },
            _ => a.code.clone(),
        }
    }
}
