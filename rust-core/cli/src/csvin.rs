//! Reading the CSV files data officers bring: comma or semicolon separated (Excel in an Indonesian
//! locale writes `;`), UTF-8 with or without a BOM (Windows-1252 text is read as Latin-1), columns
//! found by header name in any order, every row with its line number as a spreadsheet shows it.

use crate::app::{CliError, CliResult};
use std::collections::HashMap;
use std::path::Path;

/// One data row: its line number in the file (the header is line 1) and its cells.
#[derive(Clone, Debug)]
pub struct Row {
    pub line: u64,
    cells: Vec<String>,
}

/// A parsed file: the column positions by canonical name, and the rows.
pub struct CsvFile {
    columns: HashMap<&'static str, usize>,
    pub rows: Vec<Row>,
}

/// A column the layout knows: its canonical name, whether it must be present, and other header
/// spellings accepted for it.
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    pub aliases: &'static [&'static str],
}

fn normalize_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace([' ', '-', '.'], "_")
}

fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        // Excel's "CSV (Comma delimited)" on Windows writes Windows-1252; as Latin-1 the letters
        // of Indonesian names come through.
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

impl CsvFile {
    /// Reads `path` against the layout `columns`. A missing required column is fatal; an unknown
    /// column is reported once and ignored.
    pub fn read(path: &Path, columns: &[Column]) -> CliResult<Self> {
        let data = std::fs::read(path)
            .map_err(|e| CliError::fatal(format!("cannot read {}: {e}", path.display())))?;
        let first_line = data.split(|&b| b == b'\n').next().unwrap_or(&[]);
        let delimiter = if !first_line.contains(&b',') && first_line.contains(&b';') {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(data.as_slice());
        let headers = reader
            .byte_headers()
            .map_err(|e| CliError::fatal(format!("{}: {e}", path.display())))?
            .clone();
        let mut found: HashMap<&'static str, usize> = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            let h = normalize_header(&decode(h));
            if h.is_empty() {
                continue;
            }
            match columns
                .iter()
                .find(|c| c.name == h || c.aliases.contains(&h.as_str()))
            {
                Some(c) => {
                    if found.insert(c.name, i).is_some() {
                        return Err(CliError::fatal(format!(
                            "{}: column {} appears twice in the header",
                            path.display(),
                            c.name
                        )));
                    }
                }
                None => eprintln!(
                    "warning: {}: column '{h}' is not part of this layout and is ignored",
                    path.display()
                ),
            }
        }
        let missing: Vec<&str> = columns
            .iter()
            .filter(|c| c.required && !found.contains_key(c.name))
            .map(|c| c.name)
            .collect();
        if !missing.is_empty() {
            return Err(CliError::fatal(format!(
                "{}: the header line lacks the column(s) {}; expected {}",
                path.display(),
                missing.join(", "),
                columns.iter().map(|c| c.name).collect::<Vec<_>>().join(",")
            )));
        }
        let mut rows = Vec::new();
        for rec in reader.byte_records() {
            let rec = rec.map_err(|e| CliError::fatal(format!("{}: {e}", path.display())))?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            let cells: Vec<String> = rec.iter().map(decode).collect();
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            rows.push(Row { line, cells });
        }
        Ok(Self {
            columns: found,
            rows,
        })
    }

    /// The trimmed cell of `column` in `row`; empty when the column or cell is absent.
    pub fn get<'a>(&self, row: &'a Row, column: &str) -> &'a str {
        self.columns
            .get(column)
            .and_then(|&i| row.cells.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

/// Convenience for layouts.
pub const fn col(name: &'static str, required: bool, aliases: &'static [&'static str]) -> Column {
    Column {
        name,
        required,
        aliases,
    }
}

/// A refused cell: `row N, column X: reason`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub column: String,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "row {}, column {}: {}",
            self.line, self.column, self.reason
        )
    }
}

impl RowError {
    pub fn new(line: u64, column: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            line,
            column: column.into(),
            reason: reason.into(),
        }
    }
}
