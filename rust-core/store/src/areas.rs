//! The area tree and Posyandu: inserts that keep the tree well-formed (a kelurahan under a
//! kecamatan, an RT under an RW), and the reads the screens need (the tree, the RT of a scope).

use crate::error::{Result, StoreError};
use crate::write::{Fields, WriteTx};
use ilp_model::area::local_number;
use ilp_model::validation::{limits, required_text};
use ilp_model::{Area, AreaId, AreaLevel, KemendagriCode, Posyandu, PosyanduId, ValidationError};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

fn level_from(s: &str) -> rusqlite::Result<AreaLevel> {
    AreaLevel::from_code("level", s).map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            2,
            rusqlite::types::Type::Text,
            "bad level".into(),
        )
    })
}

fn id_from<T: std::str::FromStr>(s: String) -> rusqlite::Result<T> {
    s.parse().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, "bad id".into())
    })
}

fn area_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Area> {
    Ok(Area {
        id: id_from(r.get(0)?)?,
        parent: r.get::<_, Option<String>>(1)?.map(id_from).transpose()?,
        level: level_from(&r.get::<_, String>(2)?)?,
        code: r.get(3)?,
        name: r.get(4)?,
    })
}

const AREA_COLUMNS: &str = "id, parent_id, level, code, name";

pub fn get_area(conn: &Connection, id: AreaId) -> Result<Area> {
    conn.prepare_cached(&format!("SELECT {AREA_COLUMNS} FROM area WHERE id = ?1"))?
        .query_row([id.to_string()], area_from_row)
        .optional()?
        .ok_or_else(|| StoreError::not_found("area", id))
}

/// Checks that `id` is an RT of the tree; the error names `field`.
pub fn require_rt(conn: &Connection, field: &str, id: AreaId) -> Result<Area> {
    match get_area(conn, id) {
        Ok(a) if a.level == AreaLevel::Rt => Ok(a),
        Ok(_) => Err(ValidationError::new(field, "is not an RT").into()),
        Err(StoreError::NotFound { .. }) => {
            Err(ValidationError::new(field, "is not a known RT").into())
        }
        Err(e) => Err(e),
    }
}

/// Finds a child of `parent` (or a root when `None`) by its code.
pub fn find_child(conn: &Connection, parent: Option<AreaId>, code: &str) -> Result<Option<Area>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {AREA_COLUMNS} FROM area WHERE parent_id IS ?1 AND code = ?2"
        ))?
        .query_row(params![parent.map(|p| p.to_string()), code], area_from_row)
        .optional()?)
}

/// Finds an administrative area (province to kelurahan) by its Kemendagri code.
pub fn find_by_kemendagri(conn: &Connection, code: &KemendagriCode) -> Result<Option<Area>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {AREA_COLUMNS} FROM area WHERE level = ?1 AND code = ?2"
        ))?
        .query_row(
            params![code.level().code(), code.as_dotted()],
            area_from_row,
        )
        .optional()?)
}

/// Validates and inserts one area: the parent must exist at the level above, the code must fit the
/// level (Kemendagri for province to kelurahan, a local number for RW and RT) and be unique there.
pub fn insert_area(wtx: &mut WriteTx<'_>, area: &Area) -> Result<Area> {
    let name = required_text("name", &area.name, limits::NAME)?;
    let code = match area.level {
        AreaLevel::Rw | AreaLevel::Rt => local_number("code", &area.code)?,
        level => {
            let k = KemendagriCode::parse("code", &area.code)?;
            if k.level() != level {
                return Err(ValidationError::new(
                    "code",
                    format!("does not have the form of a {}", level.code()),
                )
                .into());
            }
            k.as_dotted()
        }
    };
    match area.parent {
        None if area.level != AreaLevel::Province && area.level != AreaLevel::City => {
            return Err(ValidationError::new(
                "parent",
                format!("a {} needs a parent area", area.level.code()),
            )
            .into());
        }
        None => {}
        Some(p) => {
            let parent = get_area(wtx.conn(), p).map_err(|_| {
                StoreError::Validation(ValidationError::new("parent", "is not a known area"))
            })?;
            if parent.level.child() != Some(area.level) {
                return Err(ValidationError::new(
                    "level",
                    format!(
                        "a {} cannot be under a {}",
                        area.level.code(),
                        parent.level.code()
                    ),
                )
                .into());
            }
            if let (Ok(pk), Ok(k)) = (
                KemendagriCode::parse("parent", &parent.code),
                KemendagriCode::parse("code", &code),
            ) && k.parent().as_ref() != Some(&pk)
            {
                return Err(ValidationError::new(
                    "code",
                    format!("{code} is not inside {}", parent.code),
                )
                .into());
            }
        }
    }
    if let Some(existing) = find_child(wtx.conn(), area.parent, &code)? {
        return Err(ValidationError::new(
            "code",
            format!("{code} already exists here (area {})", existing.id),
        )
        .into());
    }
    let stored = Area {
        id: area.id,
        parent: area.parent,
        level: area.level,
        code,
        name,
    };
    let mut fields = Fields::new();
    fields.insert(
        "parent_id".into(),
        json!(stored.parent.map(|p| p.to_string())),
    );
    fields.insert("level".into(), json!(stored.level.code()));
    fields.insert("code".into(), json!(stored.code));
    fields.insert("name".into(), json!(stored.name));
    let (hlc, clocks) = wtx.record_change("area", &stored.id.to_string(), fields, None)?;
    wtx.conn()
        .prepare_cached("INSERT INTO area (id, parent_id, level, code, name, hlc, hlc_fields) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?
        .execute(params![
            stored.id.to_string(),
            stored.parent.map(|p| p.to_string()),
            stored.level.code(),
            stored.code,
            stored.name,
            hlc.to_string(),
            clocks
        ])?;
    Ok(stored)
}

/// The whole tree, parents before children, siblings by code.
pub fn area_tree(conn: &Connection) -> Result<Vec<Area>> {
    let mut stmt = conn.prepare_cached(&format!(
        "WITH RECURSIVE t(id, depth, path) AS (
             SELECT id, 0, code FROM area WHERE parent_id IS NULL
             UNION ALL SELECT a.id, t.depth + 1, t.path || '/' || a.code FROM area a JOIN t ON a.parent_id = t.id)
         SELECT {AREA_COLUMNS} FROM area JOIN t USING (id) ORDER BY t.path"
    ))?;
    Ok(stmt
        .query_map([], area_from_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// Every area at or below the given ones.
pub fn subtree(conn: &Connection, roots: &[AreaId]) -> Result<Vec<Area>> {
    let all = area_tree(conn)?;
    let mut inside: std::collections::HashSet<AreaId> = roots.iter().copied().collect();
    // Parents come before children in `all`, so one pass finds every descendant.
    Ok(all
        .into_iter()
        .filter(|a| {
            let keep = inside.contains(&a.id) || a.parent.is_some_and(|p| inside.contains(&p));
            if keep {
                inside.insert(a.id);
            }
            keep
        })
        .collect())
}

/// The RT at or below the given areas.
pub fn rts_under(conn: &Connection, roots: &[AreaId]) -> Result<Vec<AreaId>> {
    Ok(subtree(conn, roots)?
        .into_iter()
        .filter(|a| a.level == AreaLevel::Rt)
        .map(|a| a.id)
        .collect())
}

/// An RT with its RW and kelurahan, for labels like "RT 003 / RW 001, Oesapa".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RtPlace {
    pub rt: Area,
    pub rw: Option<Area>,
    pub village: Option<Area>,
}

impl RtPlace {
    pub fn label(&self) -> String {
        let mut s = format!("RT {}", self.rt.code);
        if let Some(rw) = &self.rw {
            s.push_str(&format!(" / RW {}", rw.code));
        }
        if let Some(v) = &self.village {
            s.push_str(&format!(", {}", v.name));
        }
        s
    }
}

pub fn rt_place(conn: &Connection, rt: AreaId) -> Result<RtPlace> {
    let rt = get_area(conn, rt)?;
    let rw = rt.parent.map(|p| get_area(conn, p)).transpose()?;
    let village = rw
        .as_ref()
        .and_then(|r| r.parent)
        .map(|p| get_area(conn, p))
        .transpose()?;
    Ok(RtPlace { rt, rw, village })
}

/// Validates and inserts a Posyandu: its kelurahan must exist, and every RT it serves must lie in
/// that kelurahan.
pub fn insert_posyandu(wtx: &mut WriteTx<'_>, p: &Posyandu) -> Result<()> {
    let name = required_text("name", &p.name, limits::NAME)?;
    let village = get_area(wtx.conn(), p.village).map_err(|_| {
        StoreError::Validation(ValidationError::new("village", "is not a known area"))
    })?;
    if village.level != AreaLevel::Village {
        return Err(ValidationError::new("village", "is not a kelurahan/desa").into());
    }
    let inside = rts_under(wtx.conn(), &[p.village])?;
    for (i, rt) in p.rts.iter().enumerate() {
        if !inside.contains(rt) {
            return Err(ValidationError::new(
                format!("rts[{i}]"),
                "is not an RT of this kelurahan",
            )
            .into());
        }
    }
    let mut fields = Fields::new();
    fields.insert("village_id".into(), json!(p.village.to_string()));
    fields.insert("name".into(), json!(name));
    fields.insert(
        "rts".into(),
        json!(p.rts.iter().map(|r| r.to_string()).collect::<Vec<_>>()),
    );
    let (hlc, clocks) = wtx.record_change("posyandu", &p.id.to_string(), fields, None)?;
    wtx.conn().execute(
        "INSERT INTO posyandu (id, village_id, name, hlc, hlc_fields) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            p.id.to_string(),
            p.village.to_string(),
            name,
            hlc.to_string(),
            clocks
        ],
    )?;
    let mut stmt = wtx
        .conn()
        .prepare_cached("INSERT OR IGNORE INTO posyandu_rt (posyandu_id, rt_id) VALUES (?1, ?2)")?;
    for rt in &p.rts {
        stmt.execute(params![p.id.to_string(), rt.to_string()])?;
    }
    Ok(())
}

pub fn posyandu_list(conn: &Connection) -> Result<Vec<Posyandu>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.village_id, p.name, group_concat(r.rt_id) FROM posyandu p
         LEFT JOIN posyandu_rt r ON r.posyandu_id = p.id GROUP BY p.id ORDER BY p.name",
    )?;
    let rows = stmt.query_map([], |r| {
        let rts: Option<String> = r.get(3)?;
        Ok(Posyandu {
            id: id_from::<PosyanduId>(r.get(0)?)?,
            village: id_from(r.get(1)?)?,
            name: r.get(2)?,
            rts: rts
                .map(|s| {
                    s.split(',')
                        .map(|x| id_from(x.to_string()))
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .transpose()?
                .unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
