//! Importing the set-up data: the area tree, the Posyandu and the users. Each row is its own
//! transaction; a refused row is reported and the rest go in. Rows already present (same code under
//! the same parent, same Posyandu name in the kelurahan, same username) are left as they are, so a
//! file can be imported again after fixing its bad rows.

use crate::app::{CliError, CliResult, Session};
use crate::csvin::{Column, CsvFile, RowError, col};
use crate::place::{AreaIndex, PlacePart};
use crate::text::thousands;
use ilp_model::{
    Area, AreaId, AreaLevel, KemendagriCode, Posyandu, PosyanduId, Role, User, UserId,
};
use ilp_store::{StoreError, areas, users};
use std::path::Path;

/// Counts of one setup import.
#[derive(Default)]
pub struct SetupStats {
    pub imported: usize,
    pub unchanged: usize,
    pub errors: Vec<RowError>,
}

impl SetupStats {
    pub fn finish(self, what: &str) -> CliResult {
        for e in &self.errors {
            eprintln!("{e}");
        }
        println!("{what} imported: {}", thousands(self.imported));
        println!(
            "already present (left as they are): {}",
            thousands(self.unchanged)
        );
        let bad: std::collections::BTreeSet<u64> = self.errors.iter().map(|e| e.line).collect();
        println!("rows with errors: {}", thousands(bad.len()));
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(CliError::RowsRefused)
        }
    }
}

/// Turns a store refusal into a row error (column chosen by `column_of` from the store's field);
/// anything other than a refusal is fatal.
pub fn row_error(
    line: u64,
    e: StoreError,
    column_of: impl Fn(&str) -> String,
) -> CliResult<RowError> {
    match e {
        StoreError::Validation(v) => Ok(RowError::new(line, column_of(&v.field), v.reason)),
        StoreError::DuplicateNik { .. } => Ok(RowError::new(
            line,
            "nik",
            "this NIK already belongs to another person",
        )),
        other => Err(CliError::from(other)),
    }
}

pub const AREA_COLUMNS: &[Column] = &[
    col("level", true, &["tingkat"]),
    col("code", true, &["kode"]),
    col("name", true, &["nama"]),
    col("parent_code", false, &["parent", "kode_induk", "induk"]),
];

struct AreaRow {
    line: u64,
    level: AreaLevel,
    code: String,
    name: String,
    parent: String,
}

pub fn import_areas(s: &Session, user: UserId, file: &Path) -> CliResult {
    let csv = CsvFile::read(file, AREA_COLUMNS)?;
    let mut stats = SetupStats::default();
    let mut rows = Vec::new();
    for r in &csv.rows {
        match AreaLevel::from_code("level", csv.get(r, "level")) {
            Ok(level) => rows.push(AreaRow {
                line: r.line,
                level,
                code: csv.get(r, "code").to_string(),
                name: csv.get(r, "name").to_string(),
                parent: csv.get(r, "parent_code").to_string(),
            }),
            Err(_) => stats.errors.push(RowError::new(
                r.line,
                "level",
                "must be provinsi, kota, kecamatan, kelurahan, rw or rt \
                 (or province, city, district, village)",
            )),
        }
    }
    // Parents first, whatever the order of the file.
    rows.sort_by_key(|r| (r.level, r.line));
    let mut index = s.store.read(AreaIndex::load)?;
    let ctx = s.write_ctx(user);
    for row in rows {
        let parent = match resolve_parent(&index, &row) {
            Ok(p) => p,
            Err(e) => {
                stats.errors.push(e);
                continue;
            }
        };
        let code = match normalized_code(&row) {
            Ok(c) => c,
            Err(e) => {
                stats.errors.push(e);
                continue;
            }
        };
        let existing = match parent {
            Some(p) => index.child(p, &code),
            None => index
                .by_kemendagri(&code)
                .ok()
                .filter(|a| a.parent.is_none()),
        };
        if let Some(existing) = existing {
            if existing.name.trim().eq_ignore_ascii_case(row.name.trim()) {
                stats.unchanged += 1;
            } else {
                stats.errors.push(RowError::new(
                    row.line,
                    "name",
                    format!(
                        "{code} already exists with the name '{}'; import does not rename areas",
                        existing.name
                    ),
                ));
            }
            continue;
        }
        let area = Area {
            id: AreaId::new_random(),
            parent,
            level: row.level,
            code,
            name: row.name.clone(),
        };
        match s.store.write(&ctx, |wtx| areas::insert_area(wtx, &area)) {
            Ok(stored) => {
                index.add(stored);
                stats.imported += 1;
            }
            Err(e) => stats.errors.push(row_error(row.line, e, |f| {
                match f {
                    "parent" => "parent_code",
                    "level" => "level",
                    "name" => "name",
                    _ => "code",
                }
                .to_string()
            })?),
        }
    }
    stats.finish("areas")
}

fn normalized_code(row: &AreaRow) -> Result<String, RowError> {
    let bad = |reason: String| RowError::new(row.line, "code", reason);
    match row.level {
        AreaLevel::Rw | AreaLevel::Rt => {
            ilp_model::area::local_number("code", &row.code).map_err(|e| {
                bad(format!(
                    "an {} {}",
                    row.level.code().to_uppercase(),
                    e.reason
                ))
            })
        }
        level => {
            let k = KemendagriCode::parse("code", &row.code).map_err(|e| bad(e.reason))?;
            if k.level() != level {
                return Err(bad(format!(
                    "{} is not the code of a {} (expected e.g. {})",
                    k.as_dotted(),
                    level.label_id().to_lowercase(),
                    match level {
                        AreaLevel::Province => "53",
                        AreaLevel::City => "53.71",
                        AreaLevel::District => "53.71.03",
                        _ => "53.71.03.1010",
                    }
                )));
            }
            Ok(k.as_dotted())
        }
    }
}

fn resolve_parent(index: &AreaIndex, row: &AreaRow) -> Result<Option<AreaId>, RowError> {
    let err = |reason: String| RowError::new(row.line, "parent_code", reason);
    let not_found = |what: &str| {
        err(format!(
            "{what} is not in the area tree; put its row in the file or import it first"
        ))
    };
    match row.level {
        AreaLevel::Province => Ok(None),
        AreaLevel::City | AreaLevel::District | AreaLevel::Village => {
            let parent_code = if row.parent.is_empty() {
                match KemendagriCode::parse("code", &row.code)
                    .ok()
                    .and_then(|k| k.parent())
                {
                    Some(p) => p.as_dotted(),
                    None => return Ok(None),
                }
            } else {
                row.parent.clone()
            };
            match index.by_kemendagri(&parent_code) {
                Ok(a) => Ok(Some(a.id)),
                // A kota may stand at the root when its province is not imported.
                Err(_) if row.level == AreaLevel::City && row.parent.is_empty() => Ok(None),
                Err(_) => Err(not_found(&parent_code)),
            }
        }
        AreaLevel::Rw => {
            if row.parent.is_empty() {
                return Err(err(
                    "an RW needs its kelurahan code, e.g. 53.71.03.1010".into()
                ));
            }
            index
                .village(&row.parent)
                .map(|a| Some(a.id))
                .map_err(|e| err(e.reason))
        }
        AreaLevel::Rt => {
            let Some((v, rw)) = row.parent.split_once('/') else {
                return Err(err(
                    "an RT needs kelurahan_code/RW, e.g. 53.71.03.1010/005".into()
                ));
            };
            let village = index.village(v).map_err(|e| err(e.reason))?;
            index
                .rw(village, rw)
                .map(|a| Some(a.id))
                .map_err(|e| err(e.reason))
        }
    }
}

pub const POSYANDU_COLUMNS: &[Column] = &[
    col("name", true, &["nama"]),
    col(
        "kelurahan_code",
        true,
        &["kode_kelurahan", "kelurahan", "village_code"],
    ),
    col("rts", true, &["rt"]),
];

pub fn import_posyandu(s: &Session, user: UserId, file: &Path) -> CliResult {
    let csv = CsvFile::read(file, POSYANDU_COLUMNS)?;
    let mut stats = SetupStats::default();
    let index = s.store.read(AreaIndex::load)?;
    let existing = s.store.read(areas::posyandu_list)?;
    let ctx = s.write_ctx(user);
    for r in &csv.rows {
        let name = csv.get(r, "name");
        let village = match index.village(csv.get(r, "kelurahan_code")) {
            Ok(v) => v,
            Err(e) => {
                stats
                    .errors
                    .push(RowError::new(r.line, "kelurahan_code", e.reason));
                continue;
            }
        };
        let mut rts = Vec::new();
        let mut bad = false;
        for part in csv
            .get(r, "rts")
            .split([';', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let found = match part.split_once('/') {
                Some((rw, rt)) => index.rw(village, rw).and_then(|w| index.rt(w, village, rt)),
                None => Err(crate::place::PlaceError {
                    part: PlacePart::Rt,
                    reason: format!("'{part}' must be RW/RT, e.g. 005/001"),
                }),
            };
            match found {
                Ok(a) => rts.push(a.id),
                Err(e) => {
                    stats.errors.push(RowError::new(r.line, "rts", e.reason));
                    bad = true;
                }
            }
        }
        if bad {
            continue;
        }
        if existing
            .iter()
            .any(|p| p.village == village.id && p.name.trim().eq_ignore_ascii_case(name))
        {
            stats.unchanged += 1;
            continue;
        }
        let p = Posyandu {
            id: PosyanduId::new_random(),
            village: village.id,
            name: name.to_string(),
            rts,
        };
        match s.store.write(&ctx, |wtx| areas::insert_posyandu(wtx, &p)) {
            Ok(()) => stats.imported += 1,
            Err(e) => stats.errors.push(row_error(r.line, e, |f| {
                if f == "name" {
                    "name".into()
                } else if f == "village" {
                    "kelurahan_code".into()
                } else {
                    "rts".into()
                }
            })?),
        }
    }
    stats.finish("posyandu")
}

pub const USER_COLUMNS: &[Column] = &[
    col("username", true, &["user", "nama_pengguna"]),
    col("display_name", true, &["name", "nama"]),
    col("role", true, &["peran"]),
    col("areas", false, &["area", "wilayah"]),
];

pub fn import_users(s: &Session, user: UserId, file: &Path) -> CliResult {
    let csv = CsvFile::read(file, USER_COLUMNS)?;
    let mut stats = SetupStats::default();
    let index = s.store.read(AreaIndex::load)?;
    let ctx = s.write_ctx(user);
    for r in &csv.rows {
        let username = csv.get(r, "username");
        let role = match Role::parse("role", csv.get(r, "role")) {
            Ok(role) => role,
            Err(e) => {
                stats.errors.push(RowError::new(r.line, "role", e.reason));
                continue;
            }
        };
        let mut assigned = Vec::new();
        let mut bad = false;
        for part in csv
            .get(r, "areas")
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match index.by_path(part) {
                Ok(a) => assigned.push(a.id),
                Err(reason) => {
                    stats.errors.push(RowError::new(
                        r.line,
                        "areas",
                        format!("'{part}': {reason}"),
                    ));
                    bad = true;
                }
            }
        }
        if bad {
            continue;
        }
        if s.store
            .read(|c| users::find_by_username(c, username))?
            .is_some()
        {
            stats.unchanged += 1;
            continue;
        }
        let u = User {
            id: UserId::new_random(),
            username: username.to_string(),
            display_name: csv.get(r, "display_name").to_string(),
            role,
            areas: assigned,
            active: true,
        };
        match s.store.write(&ctx, |wtx| users::insert_user(wtx, &u)) {
            Ok(()) => stats.imported += 1,
            Err(e) => stats.errors.push(row_error(r.line, e, |f| {
                if f.starts_with("areas") {
                    "areas".into()
                } else {
                    f.to_string()
                }
            })?),
        }
    }
    stats.finish("users")
}
