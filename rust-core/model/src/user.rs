//! Users of the app and their area assignments. A kader works in the RT assigned, a bidan in her
//! kelurahan, a supervisor over the kelurahan supervised.

use crate::ids::{AreaId, UserId};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Kader,
    Bidan,
    Supervisor,
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Kader => "kader",
            Role::Bidan => "bidan",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, crate::ValidationError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "kader" => Ok(Role::Kader),
            "bidan" | "midwife" => Ok(Role::Bidan),
            "supervisor" => Ok(Role::Supervisor),
            "admin" => Ok(Role::Admin),
            _ => Err(crate::ValidationError::new(
                field,
                "must be kader, bidan, supervisor or admin",
            )),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Areas assigned: RT for a kader, kelurahan for a bidan or supervisor, any for an admin.
    pub areas: Vec<AreaId>,
    pub active: bool,
}
