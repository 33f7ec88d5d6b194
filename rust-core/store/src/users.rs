//! Users and their area assignments, and the scope each role implies: the RT a user may see.

use crate::areas;
use crate::error::{Result, StoreError};
use crate::write::{Fields, WriteTx};
use ilp_model::validation::{limits, required_text};
use ilp_model::{AreaId, AreaLevel, Role, User, UserId, ValidationError};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

fn validate_username(raw: &str) -> Result<String> {
    let u = required_text("username", raw, limits::USERNAME)?.to_ascii_lowercase();
    if !u
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(ValidationError::new(
            "username",
            "may hold only letters, digits, '.', '_' and '-'",
        )
        .into());
    }
    Ok(u)
}

/// Validates and inserts a user with their area assignments.
pub fn insert_user(wtx: &mut WriteTx<'_>, user: &User) -> Result<()> {
    let username = validate_username(&user.username)?;
    let display = required_text("display_name", &user.display_name, limits::NAME)?;
    if find_by_username(wtx.conn(), &username)?.is_some() {
        return Err(ValidationError::new("username", "is already taken").into());
    }
    for (i, a) in user.areas.iter().enumerate() {
        let area = areas::get_area(wtx.conn(), *a).map_err(|_| {
            StoreError::Validation(ValidationError::new(
                format!("areas[{i}]"),
                "is not a known area",
            ))
        })?;
        let fits = match user.role {
            Role::Kader => matches!(area.level, AreaLevel::Rt | AreaLevel::Rw),
            Role::Bidan | Role::Supervisor => area.level <= AreaLevel::Village,
            Role::Admin => true,
        };
        if !fits {
            return Err(ValidationError::new(
                format!("areas[{i}]"),
                format!(
                    "a {} cannot be assigned a {}",
                    user.role.code(),
                    area.level.code()
                ),
            )
            .into());
        }
    }
    let mut fields = Fields::new();
    fields.insert("username".into(), json!(username));
    fields.insert("display_name".into(), json!(display));
    fields.insert("role".into(), json!(user.role.code()));
    fields.insert("active".into(), json!(user.active));
    fields.insert(
        "areas".into(),
        json!(user.areas.iter().map(|a| a.to_string()).collect::<Vec<_>>()),
    );
    let (hlc, clocks) = wtx.record_change("user", &user.id.to_string(), fields, None)?;
    wtx.conn().execute(
        "INSERT INTO app_user (id, username, display_name, role, active, hlc, hlc_fields) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![user.id.to_string(), username, display, user.role.code(), user.active, hlc.to_string(), clocks],
    )?;
    let mut stmt = wtx
        .conn()
        .prepare_cached("INSERT OR IGNORE INTO user_area (user_id, area_id) VALUES (?1, ?2)")?;
    for a in &user.areas {
        stmt.execute(params![user.id.to_string(), a.to_string()])?;
    }
    Ok(())
}

fn user_from_row(conn: &Connection, r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let id: String = r.get(0)?;
    let role: String = r.get(3)?;
    let mut stmt =
        conn.prepare_cached("SELECT area_id FROM user_area WHERE user_id = ?1 ORDER BY area_id")?;
    let areas = stmt
        .query_map([&id], |r| r.get::<_, String>(0))?
        .map(|a| {
            a.and_then(|s| {
                s.parse::<AreaId>()
                    .map_err(|_| rusqlite::Error::InvalidQuery)
            })
        })
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(User {
        id: id.parse().map_err(|_| rusqlite::Error::InvalidQuery)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        role: Role::parse("role", &role).map_err(|_| rusqlite::Error::InvalidQuery)?,
        areas,
        active: r.get(4)?,
    })
}

pub fn find_by_username(conn: &Connection, username: &str) -> Result<Option<User>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, username, display_name, role, active FROM app_user WHERE username = ?1",
        )?
        .query_row([username.trim().to_ascii_lowercase()], |r| {
            user_from_row(conn, r)
        })
        .optional()?)
}

pub fn get_user(conn: &Connection, id: UserId) -> Result<User> {
    conn.prepare_cached(
        "SELECT id, username, display_name, role, active FROM app_user WHERE id = ?1",
    )?
    .query_row([id.to_string()], |r| user_from_row(conn, r))
    .optional()?
    .ok_or_else(|| StoreError::not_found("user", id))
}

pub fn list_users(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt = conn.prepare(
        "SELECT id, username, display_name, role, active FROM app_user ORDER BY role, username",
    )?;
    let rows = stmt.query_map([], |r| user_from_row(conn, r))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The RT a user may see and change: those at or below their assigned areas; an admin with no
/// assignment sees every RT.
pub fn scope_rts(conn: &Connection, user: &User) -> Result<Vec<AreaId>> {
    if user.role == Role::Admin && user.areas.is_empty() {
        let all: Vec<AreaId> = areas::area_tree(conn)?
            .into_iter()
            .filter(|a| a.level == AreaLevel::Rt)
            .map(|a| a.id)
            .collect();
        return Ok(all);
    }
    areas::rts_under(conn, &user.areas)
}

/// The display names of the active kaders whose assignment covers each RT (an RT, or its RW),
/// sorted; RTs no kader covers are absent. Empty when the store knows no users.
pub fn kaders_by_rt(conn: &Connection) -> Result<std::collections::HashMap<AreaId, Vec<String>>> {
    let mut out: std::collections::HashMap<AreaId, Vec<String>> = Default::default();
    for u in list_users(conn)? {
        if u.role != Role::Kader || !u.active || u.areas.is_empty() {
            continue;
        }
        for rt in areas::rts_under(conn, &u.areas)? {
            out.entry(rt).or_default().push(u.display_name.clone());
        }
    }
    for names in out.values_mut() {
        names.sort();
        names.dedup();
    }
    Ok(out)
}
