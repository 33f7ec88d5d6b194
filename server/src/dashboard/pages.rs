//! The dashboard's pages as HTML: login, the coverage table (area and month pickers, every
//! indicator with numerator, denominator, percentage, target band and a 12-month sparkline, the
//! targets form, export links) and the drill-down list. Stable ids and `data-testid` attributes
//! name what the browser tests read; numbers sit in their own cells without decoration.

use super::access::AreaChoice;
use super::drill::{Side, SubjectLine};
use super::figures::{Figures, month_text, percent};
use super::html::{Header, esc, page, url};
use super::i18n::{self, Lang};
use super::targets::{Band, Targets};
use ilp_rules::coverage::{Better, Indicator, Period};

pub fn login(lang: Lang, csrf: &str, error: Option<&str>, username: &str, query: &str) -> String {
    let error = error
        .map(|e| format!(r#"<p id="login-error" data-testid="login-error" class="error" role="alert">{}</p>"#, esc(e)))
        .unwrap_or_default();
    let body = format!(
        r#"<form id="login-form" class="login" method="post" action="/dashboard/login">
<h1>{title}</h1>
{error}
<input type="hidden" name="csrf" value="{csrf}">
<label for="username">{user_l}<input id="username" name="username" autocomplete="username" required value="{username}"></label>
<label for="password">{pass_l}<input id="password" name="password" type="password" autocomplete="current-password" required></label>
<button id="login-submit" type="submit">{login}</button>
</form>"#,
        title = lang.t(i18n::LOGIN),
        csrf = esc(csrf),
        user_l = lang.t(i18n::USERNAME),
        pass_l = lang.t(i18n::PASSWORD),
        username = esc(username),
        login = lang.t(i18n::LOGIN),
    );
    page(
        lang,
        lang.t(i18n::LOGIN),
        ("/dashboard/login", query),
        None,
        &body,
    )
}

fn level_name(lang: Lang, level: &str) -> &'static str {
    match (level, lang) {
        ("province", _) => "Provinsi",
        ("city", Lang::Id) => "Kota/Kabupaten",
        ("city", Lang::En) => "City/regency",
        ("district", Lang::Id) => "Kecamatan",
        ("district", Lang::En) => "Subdistrict",
        ("village", Lang::Id) => "Kelurahan/Desa",
        ("village", Lang::En) => "Village",
        ("rw", _) => "RW",
        ("rt", _) => "RT",
        _ => "Posyandu",
    }
}

/// The area and month pickers (a GET form: works without scripts).
pub(super) fn filter_form(
    lang: Lang,
    choices: &[AreaChoice],
    current: &AreaChoice,
    month: &str,
    max_month: &str,
    action: &str,
    extra: &str,
) -> String {
    let mut options = String::new();
    let mut group: Option<&str> = None;
    for c in choices {
        if group != Some(c.level) {
            if group.is_some() {
                options.push_str("</optgroup>");
            }
            options.push_str(&format!(
                r#"<optgroup label="{}">"#,
                level_name(lang, c.level)
            ));
            group = Some(c.level);
        }
        options.push_str(&format!(
            r#"<option value="{key}" data-level="{level}"{sel}>{label}</option>"#,
            key = esc(&c.key),
            level = c.level,
            sel = if c.key == current.key {
                " selected"
            } else {
                ""
            },
            label = esc(&c.label)
        ));
    }
    if group.is_some() {
        options.push_str("</optgroup>");
    }
    format!(
        r#"<form id="coverage-filter" class="filter" method="get" action="{action}">
{extra}<label for="area-picker">{area_l}<select id="area-picker" name="area">{options}</select></label>
<label for="month-picker">{month_l}<input id="month-picker" name="month" type="month" value="{month}" max="{max_month}" pattern="[0-9]{{4}}-[0-9]{{2}}"></label>
<button id="show" type="submit">{show}</button>
</form>"#,
        area_l = lang.t(i18n::AREA),
        month_l = lang.t(i18n::MONTH),
        show = lang.t(i18n::SHOW),
    )
}

/// An inline SVG line of the twelve percentages (gaps where there is no denominator), with the
/// values in its title and in `data-trend` for the tests.
pub fn sparkline(values: &[Option<f64>], months: &[String]) -> String {
    let (w, h, pad) = (96.0, 22.0, 2.0);
    let step = if values.len() > 1 {
        (w - 2.0 * pad) / (values.len() - 1) as f64
    } else {
        0.0
    };
    let y = |v: f64| pad + (h - 2.0 * pad) * (1.0 - v.clamp(0.0, 100.0) / 100.0);
    let mut path = String::new();
    let mut pen_up = true;
    let mut dots = String::new();
    for (i, v) in values.iter().enumerate() {
        let x = pad + step * i as f64;
        match v {
            Some(v) => {
                path.push_str(&format!(
                    "{}{x:.1},{:.1} ",
                    if pen_up { "M" } else { "L" },
                    y(*v)
                ));
                pen_up = false;
                if i + 1 == values.len() {
                    dots.push_str(&format!(r#"<circle cx="{x:.1}" cy="{:.1}" r="2"/>"#, y(*v)));
                }
            }
            None => pen_up = true,
        }
    }
    let text = |v: &Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
    let title: Vec<String> = values
        .iter()
        .zip(months)
        .map(|(v, m)| format!("{m}: {}", text(v)))
        .collect();
    let data: Vec<String> = values.iter().map(text).collect();
    format!(
        r##"<svg class="spark" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" data-testid="trend" data-trend="{data}"><title>{title}</title><line x1="0" y1="{h}" x2="{w}" y2="{h}" stroke="#ccd" stroke-width="1"/><path d="{path}" fill="none" stroke="#0b5e55" stroke-width="1.5"/><g fill="#0b5e55">{dots}</g></svg>"##,
        data = data.join(","),
        title = esc(&title.join("; ")),
        path = path.trim_end(),
    )
}

fn drill_href(code: &str, area: &str, month: &str, side: Side) -> String {
    format!(
        "/dashboard/coverage/{code}?area={}&amp;month={}&amp;side={}",
        url(area),
        url(month),
        side.code()
    )
}

pub struct CoverageArgs<'a> {
    pub lang: Lang,
    pub header: &'a Header<'a>,
    pub choices: &'a [AreaChoice],
    pub figures: &'a Figures,
    pub targets: &'a Targets,
    pub query: &'a str,
    pub notice: Option<&'a str>,
    pub max_month: String,
}

pub fn coverage(a: CoverageArgs<'_>) -> String {
    let (lang, f) = (a.lang, a.figures);
    let month = month_text(f.month);
    let area = &f.choice.key;
    let months: Vec<String> = f.trend_months.iter().map(|m| month_text(*m)).collect();
    let mut rows = String::new();
    for r in &f.table.rows {
        let pct = percent(r.numerator, r.denominator);
        let target = a.targets.of(r.indicator);
        let band = Band::of(pct, target);
        let missing = r.denominator - r.numerator;
        let target_cell = match (r.indicator.better(), target) {
            (Better::Higher, Some(t)) => format!(
                r#"<input name="target.{code}" id="target-{code}" data-testid="target-input" type="number" min="0" max="100" step="0.1" value="{t}" aria-label="{label}">"#,
                code = r.code,
                label = lang.t(i18n::TARGET),
            ),
            (Better::Lower, _) => format!(
                r#"<span class="muted">{}</span>"#,
                lang.t(i18n::NO_TARGET_LOWER)
            ),
            _ => format!(
                r#"<span class="muted">{}</span>"#,
                lang.t(i18n::NO_TARGET_COUNT)
            ),
        };
        let band_text = match band {
            Band::Met => lang.t(i18n::BAND_MET),
            Band::Near => lang.t(i18n::BAND_NEAR),
            Band::Below => lang.t(i18n::BAND_BELOW),
            Band::None => "",
        };
        let trend: Vec<Option<f64>> = f
            .trend_of(r.indicator)
            .iter()
            .map(|(n, d)| percent(*n, *d))
            .collect();
        let period = lang.t(match r.period {
            Period::Month => i18n::PERIOD_MONTH,
            Period::YearToDate => i18n::PERIOD_YTD,
            Period::AsOf => i18n::PERIOD_AS_OF,
        });
        rows.push_str(&format!(
            r#"<tr id="row-{code}" data-testid="coverage-row" data-indicator="{code}" data-better="{better}" data-band="{band}" data-period="{period_code}">
<td class="label">{label}<br><span class="muted">{period}</span></td>
<td class="num" data-label="{num_l}" data-testid="numerator"><a id="num-{code}" href="{counted}">{num}</a></td>
<td class="num" data-label="{den_l}" data-testid="denominator">{den}</td>
<td class="num opt" data-testid="missing"><a id="missing-{code}" href="{missing_href}">{missing}</a></td>
<td class="num pct" data-label="%" data-testid="percent">{pct}<br><span class="band" data-testid="band">{band_text}</span></td>
<td class="target" data-label="{tgt_l}" data-testid="target">{target_cell}</td>
<td class="opt">{spark}</td>
</tr>
"#,
            code = r.code,
            better = r.indicator.better().code(),
            band = band.code(),
            period_code = match r.period { Period::Month => "month", Period::YearToDate => "year_to_date", Period::AsOf => "as_of" },
            label = esc(lang.indicator(r.indicator)),
            counted = drill_href(r.code, area, &month, Side::Counted),
            num = r.numerator,
            den = r.denominator,
            missing_href = drill_href(r.code, area, &month, Side::Missing),
            pct = pct.map_or("-".to_string(), |p| format!("{p:.1}")),
            spark = sparkline(&trend, &months),
            num_l = lang.t(i18n::NUMERATOR),
            den_l = lang.t(i18n::DENOMINATOR),
            tgt_l = lang.t(i18n::TARGET),
        ));
    }
    let notice = a
        .notice
        .map(|n| {
            format!(
                r#"<p id="notice" data-testid="notice" class="notice" role="status">{}</p>"#,
                esc(n)
            )
        })
        .unwrap_or_default();
    let export = |ext: &str| {
        format!(
            "/dashboard/export/coverage.{ext}?area={}&amp;month={}",
            url(area),
            url(&month)
        )
    };
    let body = format!(
        r#"{filter}
<h1 id="coverage-title" data-testid="coverage-title" data-area="{area_attr}" data-month="{month}">{cov} · {area_label} · {month}</h1>
<p id="as-of" class="muted">{as_of_l}: <span data-testid="as-of">{as_of}</span></p>
{notice}
<div class="actions"><a id="export-xlsx" data-testid="export-xlsx" href="{xlsx}">{xlsx_l}</a><a id="export-csv" data-testid="export-csv" href="{csv}">{csv_l}</a></div>
<form id="targets-form" method="post" action="/dashboard/targets">
<input type="hidden" name="csrf" value="{csrf}">
<input type="hidden" name="area" value="{area_attr}">
<input type="hidden" name="month" value="{month}">
<div class="table-wrap">
<table id="coverage-table" data-testid="coverage-table">
<thead><tr><th>{ind_l}</th><th>{num_l}</th><th>{den_l}</th><th class="opt">{mis_l}</th><th>%</th><th>{tgt_l}</th><th class="opt">{trend_l} ({first} – {month})</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
</div>
<p><button id="save-targets" type="submit">{save}</button></p>
</form>"#,
        filter = filter_form(
            lang,
            a.choices,
            &f.choice,
            &month,
            &a.max_month,
            "/dashboard/coverage",
            ""
        ),
        area_attr = esc(area),
        cov = lang.t(i18n::COVERAGE),
        area_label = esc(&f.choice.label),
        as_of_l = lang.t(i18n::AS_OF),
        as_of = f.table.as_of,
        xlsx = export("xlsx"),
        xlsx_l = lang.t(i18n::EXPORT_XLSX),
        csv = export("csv"),
        csv_l = lang.t(i18n::EXPORT_CSV),
        csrf = esc(a.header.csrf),
        ind_l = lang.t(i18n::INDICATOR),
        num_l = lang.t(i18n::NUMERATOR),
        den_l = lang.t(i18n::DENOMINATOR),
        mis_l = lang.t(i18n::MISSING),
        tgt_l = lang.t(i18n::TARGET),
        trend_l = lang.t(i18n::TREND),
        first = months.first().cloned().unwrap_or_default(),
        save = lang.t(i18n::SAVE_TARGETS),
    );
    page(
        lang,
        lang.t(i18n::COVERAGE),
        ("/dashboard/coverage", a.query),
        Some(a.header),
        &body,
    )
}

pub struct DrillArgs<'a> {
    pub lang: Lang,
    pub header: &'a Header<'a>,
    pub choices: &'a [AreaChoice],
    pub figures: &'a Figures,
    pub indicator: Indicator,
    pub side: Side,
    pub lines: &'a [SubjectLine],
    pub path: &'a str,
    pub query: &'a str,
    pub max_month: String,
}

pub fn drill(a: DrillArgs<'_>) -> String {
    let (lang, f) = (a.lang, a.figures);
    let month = month_text(f.month);
    let area = &f.choice.key;
    let code = a.indicator.code();
    let row = f.table.row(a.indicator);
    let unit = match row.unit {
        ilp_rules::coverage::Unit::Person => lang.t(i18n::PERSONS),
        ilp_rules::coverage::Unit::Household => lang.t(i18n::HOUSEHOLDS),
    };
    let side_link = |s: Side, label: &str| {
        if s == a.side {
            format!(
                r#"<strong id="side-{c}" aria-current="true">{label}</strong>"#,
                c = s.code()
            )
        } else {
            format!(
                r#"<a id="side-{c}" href="{h}">{label}</a>"#,
                c = s.code(),
                h = drill_href(code, area, &month, s)
            )
        }
    };
    let mut rows = String::new();
    for l in a.lines {
        let also: Vec<String> = l
            .also_missing
            .iter()
            .map(|i| {
                format!(
                    r#"<span data-code="{}">{}</span>"#,
                    i.code(),
                    esc(lang.indicator(*i))
                )
            })
            .collect();
        let opt = |s: &Option<String>| s.as_deref().map(esc).unwrap_or_else(|| "-".into());
        rows.push_str(&format!(
            r#"<tr data-testid="subject-row" data-id="{id}" data-kind="{kind}">
<td data-testid="subject-name">{name}</td><td data-testid="subject-age">{age}</td><td class="opt">{sex}</td><td class="opt" data-testid="subject-address">{addr}</td><td data-testid="subject-rt">{rt}</td><td data-testid="subject-kader">{kader}</td><td class="opt" data-testid="subject-also-missing">{also}</td>
</tr>
"#,
            id = esc(&l.id),
            kind = l.kind,
            name = esc(&l.name),
            age = opt(&l.age),
            sex = l.sex.unwrap_or("-"),
            addr = opt(&l.address),
            rt = opt(&l.rt_label),
            kader = opt(&l.kader),
            also = also.join("; "),
        ));
    }
    if a.lines.is_empty() {
        rows = format!(
            r#"<tr id="no-subjects"><td colspan="7">{}</td></tr>"#,
            lang.t(i18n::NOTHING)
        );
    }
    let export = |ext: &str| {
        format!(
            "/dashboard/export/list.{ext}?indicator={code}&amp;side={}&amp;area={}&amp;month={}",
            a.side.code(),
            url(area),
            url(&month)
        )
    };
    let extra = format!(
        r#"<input type="hidden" name="side" value="{}">"#,
        a.side.code()
    );
    let body = format!(
        r#"{filter}
<p><a id="back-to-coverage" href="/dashboard/coverage?area={area_q}&amp;month={month}">← {back}</a></p>
<h1 id="drill-title" data-testid="drill-title" data-indicator="{code}" data-side="{side}" data-area="{area_attr}" data-month="{month}">{label}</h1>
<p class="muted">{area_label} · {month} · <span id="drill-count" data-testid="drill-count">{count}</span> {unit} · {num_l} {num} / {den_l} {den}</p>
<p id="side-switch">{side_l}: {missing} · {counted}</p>
<div class="actions"><a id="export-list-xlsx" data-testid="export-list-xlsx" href="{xlsx}">{xlsx_l}</a><a id="export-list-csv" data-testid="export-list-csv" href="{csv}">{csv_l}</a></div>
<div class="table-wrap">
<table id="subject-table" data-testid="subject-table">
<thead><tr><th>{name_l}</th><th>{age_l}</th><th class="opt">{sex_l}</th><th class="opt">{addr_l}</th><th>{rt_l}</th><th>{kader_l}</th><th class="opt">{also_l}</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
</div>"#,
        filter = filter_form(
            lang,
            a.choices,
            &f.choice,
            &month,
            &a.max_month,
            a.path,
            &extra
        ),
        area_q = url(area),
        back = lang.t(i18n::BACK),
        side = a.side.code(),
        area_attr = esc(area),
        label = esc(lang.indicator(a.indicator)),
        area_label = esc(&f.choice.label),
        count = a.lines.len(),
        num_l = lang.t(i18n::NUMERATOR),
        num = row.numerator,
        den_l = lang.t(i18n::DENOMINATOR),
        den = row.denominator,
        side_l = lang.t(i18n::SIDE),
        missing = side_link(Side::Missing, lang.t(i18n::LIST_MISSING)),
        counted = side_link(Side::Counted, lang.t(i18n::LIST_COUNTED)),
        xlsx = export("xlsx"),
        xlsx_l = lang.t(i18n::EXPORT_XLSX),
        csv = export("csv"),
        csv_l = lang.t(i18n::EXPORT_CSV),
        name_l = lang.t(i18n::NAME),
        age_l = lang.t(i18n::AGE),
        sex_l = lang.t(i18n::SEX),
        addr_l = lang.t(i18n::ADDRESS),
        rt_l = lang.t(i18n::RT),
        kader_l = lang.t(i18n::KADER),
        also_l = lang.t(i18n::ALSO_MISSING),
    );
    page(
        lang,
        lang.indicator(a.indicator),
        (a.path, a.query),
        Some(a.header),
        &body,
    )
}
