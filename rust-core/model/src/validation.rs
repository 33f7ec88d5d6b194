//! Field-level validation shared by every write path (FFI, CLI import): each failure names the
//! field and gives a reason a data officer can act on, without echoing health data.

use serde::{Deserialize, Serialize};

/// A refused input: which field, and why (English; the apps translate by field and reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ValidationError {
    pub field: String,
    pub reason: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The same error with the field nested under a prefix, e.g. `members[2].nik`.
    pub fn within(self, prefix: &str) -> Self {
        Self {
            field: format!("{prefix}.{}", self.field),
            reason: self.reason,
        }
    }
}

/// A month as `YYYY-MM` (a full `YYYY-MM-DD` date is read as its month), years 2000-2100: its
/// first day.
pub fn month_start(field: &str, raw: &str) -> Result<time::Date, ValidationError> {
    let bad = || ValidationError::new(field, "must be a month as YYYY-MM, e.g. 2026-11");
    let (y, rest) = raw.trim().split_once('-').ok_or_else(bad)?;
    let m = rest.split('-').next().unwrap_or(rest);
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u8 = m.parse().map_err(|_| bad())?;
    let month = time::Month::try_from(month).map_err(|_| bad())?;
    if !(2000..=2100).contains(&year) {
        return Err(bad());
    }
    time::Date::from_calendar_date(year, month, 1).map_err(|_| bad())
}

/// Length limits, in characters. Generous for real Indonesian names and addresses, tight enough
/// that a pasted document cannot bloat a cheap phone's database.
pub mod limits {
    pub const NAME: usize = 100;
    pub const ADDRESS: usize = 200;
    pub const NOTES: usize = 1000;
    pub const PLACE: usize = 120;
    pub const USERNAME: usize = 64;
    pub const CODE: usize = 32;
}

/// Trims `value` and checks its length; an empty string becomes `None`.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, ValidationError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    check_len(field, v, max_chars)?;
    if v.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ValidationError::new(field, "contains control characters"));
    }
    Ok(Some(v.to_string()))
}

/// Like [`optional_text`] but the field must be present.
pub fn required_text(
    field: &str,
    value: &str,
    max_chars: usize,
) -> Result<String, ValidationError> {
    optional_text(field, Some(value), max_chars)?
        .ok_or_else(|| ValidationError::new(field, "is required"))
}

fn check_len(field: &str, v: &str, max_chars: usize) -> Result<(), ValidationError> {
    let n = v.chars().count();
    if n > max_chars {
        return Err(ValidationError::new(
            field,
            format!("is too long ({n} characters, at most {max_chars})"),
        ));
    }
    Ok(())
}

/// An Indonesian phone number, normalised to `+62…`. Accepts `08…`, `62…`, `+62…`, with spaces,
/// dots or dashes; mobile and landline numbers have 8 to 13 digits after the country code.
pub fn phone_number(field: &str, value: Option<&str>) -> Result<Option<String>, ValidationError> {
    let Some(raw) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let mut digits = String::new();
    for (i, c) in raw.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => {}
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => {
                return Err(ValidationError::new(
                    field,
                    "may hold only digits, spaces, dashes and a leading +",
                ));
            }
        }
    }
    let national = if let Some(rest) = digits.strip_prefix("62") {
        rest.to_string()
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest.to_string()
    } else {
        return Err(ValidationError::new(field, "must start with 0, 62 or +62"));
    };
    if !(8..=13).contains(&national.len()) || national.starts_with('0') {
        return Err(ValidationError::new(
            field,
            "must have 9 to 14 digits counting the leading 0",
        ));
    }
    Ok(Some(format!("+62{national}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_normalise_to_plus_62() {
        for raw in ["0812-3456-7890", "+62 812 3456 7890", "6281234567890"] {
            assert_eq!(
                phone_number("phone", Some(raw)).unwrap().as_deref(),
                Some("+6281234567890")
            );
        }
        assert_eq!(phone_number("phone", Some("  ")).unwrap(), None);
    }

    #[test]
    fn bad_phone_numbers_name_the_field() {
        for raw in ["12345", "0812abc", "08", "+1 555 0100 200"] {
            let e = phone_number("members[0].phone", Some(raw)).unwrap_err();
            assert_eq!(e.field, "members[0].phone");
        }
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(
            optional_text("notes", Some("  ok "), 10)
                .unwrap()
                .as_deref(),
            Some("ok")
        );
        assert_eq!(optional_text("notes", Some("   "), 10).unwrap(), None);
        let e = optional_text("notes", Some(&"x".repeat(11)), 10).unwrap_err();
        assert!(e.reason.contains("too long"));
        assert!(required_text("name", " ", 10).is_err());
        assert!(optional_text("name", Some("a\u{0}b"), 10).is_err());
    }
}
