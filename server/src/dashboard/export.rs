//! Exports for the Dinkes spreadsheets: every table as XLSX (rust_xlsxwriter) and CSV, each headed
//! by the area, the month (where the table is of one month) and the generation time. One [`Sheet`]
//! is built from the same figures the page shows and written in either format; this module builds
//! the coverage table's and a drill-down list's sheets, the other pages build theirs with
//! [`heading`] and [`Cell`], and [`links`] puts the two download links on a page.

use super::drill::SubjectLine;
use super::figures::{Figures, month_text, percent};
use super::i18n::{self, Lang};
use super::targets::{Band, Targets};
use ilp_rules::coverage::{Indicator, Period, Unit};
use rust_xlsxwriter::{Format, Workbook};

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Num(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Cell::Empty, Cell::Num)
    }
}
impl From<u32> for Cell {
    fn from(v: u32) -> Self {
        Cell::Num(f64::from(v))
    }
}

/// A table with a heading block of (label, value) lines.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub heading: Vec<(String, String)>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The generation time, local (WITA), to the second.
pub fn generated_text(now_ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(now_ms.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(ilp_model::timestamp::wita());
    t.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second] WITA"
    ))
    .unwrap_or_default()
}

fn period_text(lang: Lang, p: Period) -> &'static str {
    lang.t(match p {
        Period::Month => i18n::PERIOD_MONTH,
        Period::YearToDate => i18n::PERIOD_YTD,
        Period::AsOf => i18n::PERIOD_AS_OF,
    })
}

/// The heading block every export starts with: the area, the month (for a table of one month)
/// and the generation time, in that order, so a spreadsheet says what it holds.
pub fn heading(lang: Lang, area: &str, month: Option<&str>, now_ms: i64) -> Vec<(String, String)> {
    let mut out = vec![(lang.t(i18n::AREA).into(), area.into())];
    if let Some(m) = month {
        out.push((lang.t(i18n::MONTH).into(), m.into()));
    }
    out.push((lang.t(i18n::GENERATED).into(), generated_text(now_ms)));
    out
}

/// The coverage table with its targets, bands and the twelve months of the trend.
pub fn coverage_sheet(lang: Lang, f: &Figures, targets: &Targets, now_ms: i64) -> Sheet {
    let mut head = heading(lang, &f.choice.label, Some(&month_text(f.month)), now_ms);
    head.push((lang.t(i18n::AS_OF).into(), f.table.as_of.to_string()));
    let mut columns: Vec<String> = vec![
        "code".into(),
        lang.t(i18n::INDICATOR).into(),
        "period".into(),
        "unit".into(),
        lang.t(i18n::NUMERATOR).into(),
        lang.t(i18n::DENOMINATOR).into(),
        "%".into(),
        lang.t(i18n::TARGET).into(),
        "band".into(),
        "better".into(),
    ];
    columns.extend(
        f.trend_months
            .iter()
            .map(|m| format!("% {}", month_text(*m))),
    );
    let rows = f
        .table
        .rows
        .iter()
        .map(|r| {
            let pct = percent(r.numerator, r.denominator);
            let target = targets.of(r.indicator);
            let mut cells: Vec<Cell> = vec![
                r.code.into(),
                lang.indicator(r.indicator).into(),
                period_text(lang, r.period).into(),
                match r.unit {
                    Unit::Person => "person",
                    Unit::Household => "household",
                }
                .into(),
                r.numerator.into(),
                r.denominator.into(),
                pct.into(),
                target.into(),
                Band::of(pct, target).code().into(),
                r.indicator.better().code().into(),
            ];
            cells.extend(
                f.trend_of(r.indicator)
                    .iter()
                    .map(|(n, d)| Cell::from(percent(*n, *d))),
            );
            cells
        })
        .collect();
    Sheet {
        name: lang.t(i18n::COVERAGE).into(),
        heading: head,
        columns,
        rows,
    }
}

/// A drill-down list.
pub fn list_sheet(
    lang: Lang,
    f: &Figures,
    indicator: Indicator,
    side: super::drill::Side,
    lines: &[SubjectLine],
    now_ms: i64,
) -> Sheet {
    let mut head = heading(lang, &f.choice.label, Some(&month_text(f.month)), now_ms);
    head.push((
        lang.t(i18n::INDICATOR).into(),
        lang.indicator(indicator).into(),
    ));
    head.push((
        lang.t(i18n::SIDE).into(),
        lang.t(match side {
            super::drill::Side::Missing => i18n::LIST_MISSING,
            super::drill::Side::Counted => i18n::LIST_COUNTED,
        })
        .into(),
    ));
    let columns = vec![
        "id".into(),
        "kind".into(),
        lang.t(i18n::NAME).into(),
        lang.t(i18n::AGE).into(),
        lang.t(i18n::SEX).into(),
        lang.t(i18n::ADDRESS).into(),
        lang.t(i18n::RT).into(),
        lang.t(i18n::KADER).into(),
        lang.t(i18n::ALSO_MISSING).into(),
    ];
    let rows = lines
        .iter()
        .map(|l| {
            let opt = |s: &Option<String>| s.clone().map_or(Cell::Empty, Cell::Text);
            vec![
                l.id.clone().into(),
                l.kind.into(),
                l.name.clone().into(),
                opt(&l.age),
                l.sex.map_or(Cell::Empty, Cell::from),
                opt(&l.address),
                opt(&l.rt_label),
                opt(&l.kader),
                l.also_missing
                    .iter()
                    .map(|i| i.code())
                    .collect::<Vec<_>>()
                    .join(" ")
                    .into(),
            ]
        })
        .collect();
    Sheet {
        name: indicator.code().into(),
        heading: head,
        columns,
        rows,
    }
}

/// The page's two download links, `{path}.xlsx?{query}` and `{path}.csv?{query}` (`query`
/// already escaped for an attribute), with ids `{id}-xlsx` and `{id}-csv`.
pub fn links(lang: Lang, path: &str, query: &str, id: &str) -> String {
    let q = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!(
        r#"<div class="actions"><a id="{id}-xlsx" data-testid="export-xlsx" href="{path}.xlsx{q}">{}</a><a id="{id}-csv" data-testid="export-csv" href="{path}.csv{q}">{}</a></div>"#,
        lang.t(i18n::EXPORT_XLSX),
        lang.t(i18n::EXPORT_CSV),
    )
}

/// A CSV field: quoted when needed; a leading `=`, `+`, `-` or `@` of text is prefixed with `'`
/// so a spreadsheet never runs a name as a formula.
fn csv_field(out: &mut String, text: &str) {
    let guarded;
    let text = if text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err() {
        guarded = format!("'{text}");
        guarded.as_str()
    } else {
        text
    };
    if text.contains([',', '"', '\n', '\r', ';']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

fn csv_line(out: &mut String, cells: impl IntoIterator<Item = String>) {
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, &c);
    }
    out.push_str("\r\n");
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Num(n) if n.fract() == 0.0 => format!("{n:.0}"),
        Cell::Num(n) => format!("{n}"),
        Cell::Empty => String::new(),
    }
}

/// CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheets read the names right): the
/// heading lines, an empty line, the column names, the rows.
pub fn to_csv(sheet: &Sheet) -> String {
    let mut out = String::from("\u{feff}");
    for (k, v) in &sheet.heading {
        csv_line(&mut out, [k.clone(), v.clone()]);
    }
    out.push_str("\r\n");
    csv_line(&mut out, sheet.columns.iter().cloned());
    for r in &sheet.rows {
        csv_line(&mut out, r.iter().map(cell_text));
    }
    out
}

/// XLSX: one worksheet with the heading block, then the table with a bold header row.
pub fn to_xlsx(sheet: &Sheet) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    // Sheet names: at most 31 characters, none of []:*?/\.
    let name: String = sheet
        .name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    ws.set_name(if name.is_empty() { "Sheet1" } else { &name })?;
    let bold = Format::new().set_bold();
    let mut r: u32 = 0;
    for (k, v) in &sheet.heading {
        ws.write_string_with_format(r, 0, k, &bold)?;
        ws.write_string(r, 1, v)?;
        r += 1;
    }
    r += 1;
    for (c, name) in sheet.columns.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, name, &bold)?;
    }
    for row in &sheet.rows {
        r += 1;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(s) => {
                    ws.write_string(r, c as u16, s)?;
                }
                Cell::Num(n) => {
                    ws.write_number(r, c as u16, *n)?;
                }
                Cell::Empty => {}
            }
        }
    }
    ws.set_column_width(1, 48)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_guards_formulas() {
        let sheet = Sheet {
            name: "x".into(),
            heading: vec![("Wilayah".into(), "RT 001, Oesapa".into())],
            columns: vec!["a".into(), "b".into()],
            rows: vec![vec![Cell::from("=HYPERLINK(1)"), Cell::Num(12.5)]],
        };
        let csv = to_csv(&sheet);
        assert!(csv.contains("Wilayah,\"RT 001, Oesapa\"\r\n"));
        assert!(csv.contains("'=HYPERLINK(1),12.5\r\n"));
    }
}
