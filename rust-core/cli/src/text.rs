//! Parsing what data officers type or export (dates in three layouts, yes/no in two languages, JKN
//! and relation synonyms) and formatting what the CLI prints (masked NIK, ages, tables).

use ilp_model::{BirthDate, JknStatus, Relation};
use time::{Date, Month};

/// A date as `YYYY-MM-DD`, `DD-MM-YYYY` or `DD/MM/YYYY` (also `YYYY/MM/DD`, `DD.MM.YYYY`).
pub fn parse_date(raw: &str) -> Result<Date, String> {
    let s = raw.trim();
    let bad = || "must be a date like 2024-03-17, 17-03-2024 or 17/03/2024".to_string();
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
        return Err(bad());
    }
    let num = |p: &str| -> Result<i32, String> {
        if p.bytes().all(|b| b.is_ascii_digit()) && p.len() <= 4 {
            p.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let (y, m, d) = if parts[0].len() == 4 {
        (num(parts[0])?, num(parts[1])?, num(parts[2])?)
    } else if parts[2].len() == 4 {
        (num(parts[2])?, num(parts[1])?, num(parts[0])?)
    } else {
        return Err(bad());
    };
    let month = u8::try_from(m)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| format!("has no month {m}"))?;
    let day = u8::try_from(d).map_err(|_| bad())?;
    Date::from_calendar_date(y, month, day).map_err(|_| format!("{s} is not a calendar date"))
}

/// Yes/no in Indonesian or English; empty is "not asked".
pub fn parse_yes_no(raw: &str) -> Result<Option<bool>, String> {
    match raw.trim().to_lowercase().as_str() {
        "" | "-" => Ok(None),
        "ya" | "y" | "1" | "yes" | "true" | "ada" | "punya" => Ok(Some(true)),
        "tidak" | "tdk" | "t" | "n" | "0" | "no" | "false" | "tidak ada" | "belum" => {
            Ok(Some(false))
        }
        _ => Err("must be ya or tidak (y/n, 1/0), or empty when not asked".into()),
    }
}

/// JKN status by code or by the words Dinkes exports use.
pub fn parse_jkn(raw: &str) -> Result<JknStatus, String> {
    let norm: String = raw
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let norm = norm.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(match norm.as_str() {
        "" | "unknown" | "belum ditanyakan" | "tidak tahu" | "tidak diketahui" | "?" => {
            JknStatus::Unknown
        }
        "not enrolled" | "tidak ada" | "tidak punya" | "tidak" | "belum punya" | "belum ada"
        | "none" | "no" | "umum" => JknStatus::NotEnrolled,
        "pbi" | "pbi apbn" | "pbi apbd" | "pbi jk" | "kis" | "kis pbi" | "jamkesda" | "jkn pbi"
        | "bpjs pbi" => JknStatus::Pbi,
        "non pbi" | "nonpbi" | "mandiri" | "bpjs mandiri" | "jkn mandiri" | "jkn non pbi"
        | "bpjs non pbi" | "pbpu" | "ppu" | "bp" | "pekerja" | "askes" => JknStatus::NonPbi,
        "partial" | "sebagian" | "sebagian anggota" => JknStatus::Partial,
        _ => {
            return Err(
                "unknown JKN status; use unknown, not_enrolled, pbi, non_pbi or partial \
                 (or PBI, Mandiri, Tidak ada, Sebagian)"
                    .into(),
            );
        }
    })
}

/// Relation to the head of household, as on the KK or by code.
pub fn parse_relation(raw: &str) -> Result<Option<Relation>, String> {
    let norm = raw.trim().to_lowercase().replace(['_', '-'], " ");
    let norm = norm.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(Some(match norm.as_str() {
        "" => return Ok(None),
        "kepala keluarga" | "kepala" | "kk" | "head" => Relation::Head,
        "istri" | "isteri" | "suami" | "spouse" | "suami/istri" | "istri/suami" => Relation::Spouse,
        "anak" | "anak kandung" | "anak angkat" | "anak tiri" | "child" => Relation::Child,
        "menantu" | "child in law" => Relation::ChildInLaw,
        "cucu" | "grandchild" => Relation::Grandchild,
        "orang tua" | "orangtua" | "ayah" | "ibu" | "parent" => Relation::Parent,
        "mertua" | "parent in law" => Relation::ParentInLaw,
        "famili lain" | "keluarga lain" | "saudara" | "other family" => Relation::OtherFamily,
        "pembantu" | "helper" => Relation::Helper,
        "lainnya" | "lain lain" | "other" => Relation::NonFamily,
        _ => {
            return Err(
                "unknown relation; use kepala keluarga, istri, suami, anak, menantu, cucu, \
                 orang tua, mertua, famili lain, pembantu or lainnya"
                    .into(),
            );
        }
    }))
}

/// A decimal number; a decimal comma (`-10,15`) is accepted.
pub fn parse_decimal(raw: &str) -> Result<f64, String> {
    let s = raw.trim();
    let s = if s.contains('.') {
        s.to_string()
    } else {
        s.replace(',', ".")
    };
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| "must be a number".to_string())
}

/// `5371031207900003` → `5371********0003`: enough to tell two people apart on a screen, not
/// enough to reuse.
pub fn mask_nik(nik: &str) -> String {
    let chars: Vec<char> = nik.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

/// Age for a table: months under five years (`27 mo`), years above (`34 y`); `~` when estimated.
pub fn age_label(birth: Option<&BirthDate>, today: Date) -> String {
    let Some(b) = birth else {
        return "-".into();
    };
    let approx = if b.estimated { "~" } else { "" };
    let months = b.age_months(today);
    if months < 0 {
        return "-".into();
    }
    if months < 60 {
        if months == 0 {
            format!("{approx}{} d", b.age_days(today))
        } else {
            format!("{approx}{months} mo")
        }
    } else {
        format!("{approx}{} y", months / 12)
    }
}

/// A plain-text table with a header row and columns padded to their widest cell.
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Self {
        Self {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn render(&self) -> String {
        let n = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate().take(n) {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate().take(n) {
                if i + 1 == n {
                    s.push_str(c);
                } else {
                    s.push_str(c);
                    s.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
                }
            }
            s.trim_end().to_string()
        };
        let mut out = line(&self.headers);
        out.push('\n');
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&line(&rule));
        out.push('\n');
        for r in &self.rows {
            out.push_str(&line(r));
            out.push('\n');
        }
        out
    }
}

/// Thousands separators for summaries (`20,000`).
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_in_three_layouts() {
        assert_eq!(parse_date("2024-03-17").unwrap(), date!(2024 - 03 - 17));
        assert_eq!(parse_date("17-03-2024").unwrap(), date!(2024 - 03 - 17));
        assert_eq!(parse_date(" 17/03/2024 ").unwrap(), date!(2024 - 03 - 17));
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("17/13/2024").is_err());
        assert!(parse_date("17 Maret 2024").is_err());
        assert!(parse_date("24-03-17").is_err());
    }

    #[test]
    fn jkn_synonyms() {
        assert_eq!(parse_jkn("PBI").unwrap(), JknStatus::Pbi);
        assert_eq!(parse_jkn("Mandiri").unwrap(), JknStatus::NonPbi);
        assert_eq!(parse_jkn("Tidak ada").unwrap(), JknStatus::NotEnrolled);
        assert_eq!(parse_jkn("non_pbi").unwrap(), JknStatus::NonPbi);
        assert_eq!(parse_jkn("").unwrap(), JknStatus::Unknown);
        assert!(parse_jkn("emas").is_err());
    }

    #[test]
    fn yes_no_and_relations() {
        assert_eq!(parse_yes_no("Ya").unwrap(), Some(true));
        assert_eq!(parse_yes_no("0").unwrap(), Some(false));
        assert_eq!(parse_yes_no("").unwrap(), None);
        assert!(parse_yes_no("mungkin").is_err());
        assert_eq!(
            parse_relation("Kepala Keluarga").unwrap(),
            Some(Relation::Head)
        );
        assert_eq!(
            parse_relation("child_in_law").unwrap(),
            Some(Relation::ChildInLaw)
        );
        assert_eq!(parse_relation("").unwrap(), None);
        assert!(parse_relation("tetangga").is_err());
    }

    #[test]
    fn nik_is_masked() {
        assert_eq!(mask_nik("5371031207900003"), "5371********0003");
    }

    #[test]
    fn ages() {
        let today = date!(2026 - 11 - 22);
        let b = BirthDate::exact(date!(2024 - 08 - 01));
        assert_eq!(age_label(Some(&b), today), "27 mo");
        let adult = BirthDate {
            date: date!(1990 - 01 - 01),
            estimated: true,
        };
        assert_eq!(age_label(Some(&adult), today), "~36 y");
        assert_eq!(thousands(20000), "20,000");
        assert_eq!(thousands(999), "999");
    }
}
