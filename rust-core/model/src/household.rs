//! Households: one Kartu Keluarga (or one dwelling without a KK) in an RT, with what the family
//! health index asks of the home itself (JKN, clean water, latrine).

use crate::ids::{AreaId, HouseholdId};
use crate::nik::KkNumber;
use crate::validation::ValidationError;
use serde::{Deserialize, Serialize};

code_enum!(
    /// JKN (BPJS Kesehatan) membership of the household.
    JknStatus {
        /// Not asked yet.
        Unknown = "unknown",
        /// No member is in JKN.
        NotEnrolled = "not_enrolled",
        /// Penerima Bantuan Iuran: premiums paid by the state or the region.
        Pbi = "pbi",
        /// Paid by the member or employer.
        NonPbi = "non_pbi",
        /// Some members are covered, some not.
        Partial = "partial",
    }
);

impl JknStatus {
    pub fn label_id(&self) -> &str {
        match self {
            JknStatus::Unknown => "Belum ditanyakan",
            JknStatus::NotEnrolled => "Tidak punya JKN",
            JknStatus::Pbi => "JKN PBI",
            JknStatus::NonPbi => "JKN Non-PBI",
            JknStatus::Partial => "Sebagian anggota ber-JKN",
            JknStatus::Other(_) => "Lainnya",
        }
    }
}

/// A GPS fix in WGS84 degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    /// Refuses points outside Indonesia's bounding box (6°N–11°S, 95°E–141°E): almost always a
    /// swapped or mistyped coordinate.
    pub fn new(field: &str, lat: f64, lon: f64) -> Result<Self, ValidationError> {
        if !lat.is_finite() || !lon.is_finite() {
            return Err(ValidationError::new(field, "is not a number"));
        }
        if !(-11.5..=6.5).contains(&lat) || !(94.5..=141.5).contains(&lon) {
            return Err(ValidationError::new(
                field,
                "is outside Indonesia (check latitude/longitude order)",
            ));
        }
        Ok(Self { lat, lon })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Household {
    pub id: HouseholdId,
    pub rt: AreaId,
    pub kk_number: Option<KkNumber>,
    pub address: Option<String>,
    pub gps: Option<GeoPoint>,
    pub jkn: JknStatus,
    /// Access to clean water (IKS indicator 11); `None` until asked.
    pub clean_water: Option<bool>,
    /// Access to and use of a healthy latrine (IKS indicator 12).
    pub healthy_latrine: Option<bool>,
    pub notes: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kupang_is_inside_and_swapped_coordinates_are_not() {
        assert!(GeoPoint::new("gps", -10.17, 123.6).is_ok());
        assert!(GeoPoint::new("gps", 123.6, -10.17).is_err());
    }

    #[test]
    fn unknown_jkn_codes_survive() {
        let s: JknStatus = serde_json::from_str("\"pbi_daerah_2027\"").unwrap();
        assert_eq!(s, JknStatus::Other("pbi_daerah_2027".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"pbi_daerah_2027\"");
        assert!(JknStatus::parse_known("jkn", "PBI").is_ok());
        assert!(JknStatus::parse_known("jkn", "maybe").is_err());
    }
}
