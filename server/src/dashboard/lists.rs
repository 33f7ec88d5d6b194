//! "Daftar tindakan": the lists supervisors act on, for an area and month, each with its count, its
//! first rows and a link to the whole list and its exports. Most are one side of a coverage row
//! (the same figures and the same drill-down code as the coverage page, so each count equals the
//! number the coverage table shows); three are not coverage rows and are read from the replica
//! store with the store's own code: pregnant women behind on ANC and immunizations overdue, both
//! as of today from the due items ([`super::overdue`]), and the month's emergency referrals with
//! their pick-ups (`referrals::referrals_in_rts`).

use super::area_page;
use super::drill::{self, Side, SubjectLine};
use super::export::{self, Cell, Sheet};
use super::figures::{self, month_text};
use super::html::{esc, page, url};
use super::i18n::{self, Lang};
use super::overdue::{self, AS_OF_NOTE, AS_OF_TODAY, AncBehind, OverdueDose};
use super::{Ctx, Dash, Fail, Format, Params, Shared, blocking, context, fail_page, file};
use axum::extract::{Extension, Query, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use ilp_rules::coverage::Indicator;
use ilp_store::subjects::{self, SubjectKind};
use std::collections::HashMap;
use std::sync::Arc;
use time::Date;

pub const LISTS: (&str, &str) = ("Daftar tindakan", "Action lists");
/// How many rows each list shows on the page; the rest are behind its link and export.
pub const FIRST_ROWS: usize = 5;

const SHOW_ALL: (&str, &str) = ("Lihat semua", "Show all");
const WHAT: (&str, &str) = ("Yang perlu dilakukan", "What is missing");
const DOSE: (&str, &str) = ("Dosis", "Dose");
const DUE: (&str, &str) = ("Jatuh tempo", "Due");
const WHEN: (&str, &str) = ("Waktu", "When");
const REFERRED_TO: (&str, &str) = ("Dirujuk ke", "Referred to");
const REASON: (&str, &str) = ("Alasan", "Reason");
const PICKUP: (&str, &str) = ("Penjemputan", "Pick-up");
const PICKUP_AT: (&str, &str) = ("Dipanggil pukul", "Called at");
const PICKUP_SERVICE: (&str, &str) = ("Layanan", "Service");
const YES: (&str, &str) = ("dipanggil", "called");
const NO: (&str, &str) = ("tidak dipanggil", "not called");
const AS_OF: (&str, &str) = ("Keadaan per", "As of");
const ANC_CONTACTS: (&str, &str) = ("Kontak ANC terlambat", "ANC contacts overdue");
const OVERDUE_SINCE: (&str, &str) = ("Terlambat sejak", "Overdue since");
const IN_MONTH: (&str, &str) = ("dalam bulan ini", "in this month");

/// One list that is a side of a coverage row.
struct CoverageList {
    key: &'static str,
    indicator: Indicator,
    side: Side,
    title: (&'static str, &'static str),
    what: (&'static str, &'static str),
}

const COVERAGE_LISTS: [CoverageList; 8] = [
    CoverageList {
        key: "not_weighed",
        indicator: Indicator::SkdnD,
        side: Side::Missing,
        title: (
            "Balita belum ditimbang bulan ini",
            "Children not weighed this month",
        ),
        what: ("timbang bulan ini", "weigh this month"),
    },
    CoverageList {
        key: "two_t",
        indicator: Indicator::TwoT,
        side: Side::Counted,
        title: (
            "Balita 2T (tidak naik 2 kali)",
            "2T children (no gain twice)",
        ),
        what: (
            "2T: rujuk/konseling gizi",
            "2T: refer, nutrition counselling",
        ),
    },
    CoverageList {
        key: "bgm",
        indicator: Indicator::Bgm,
        side: Side::Counted,
        title: ("Balita BGM", "BGM children"),
        what: ("BGM: rujuk ke Puskesmas", "BGM: refer to the Puskesmas"),
    },
    CoverageList {
        key: "stunted",
        indicator: Indicator::Stunting,
        side: Side::Counted,
        title: ("Balita stunting", "Stunted children"),
        what: ("stunting: tindak lanjut", "stunted: follow up"),
    },
    CoverageList {
        key: "wasted",
        indicator: Indicator::Wasting,
        side: Side::Counted,
        title: ("Balita wasting (gizi kurang/buruk)", "Wasted children"),
        what: ("wasting: tindak lanjut", "wasted: follow up"),
    },
    CoverageList {
        key: "no_kn1",
        indicator: Indicator::Kn1,
        side: Side::Missing,
        title: ("Bayi baru lahir belum KN1", "Newborns without KN1"),
        what: ("kunjungan neonatal KN1", "neonatal visit KN1"),
    },
    CoverageList {
        key: "no_kf1",
        indicator: Indicator::Kf1,
        side: Side::Missing,
        title: ("Ibu nifas belum KF1", "Mothers without KF1"),
        what: ("kunjungan nifas KF1", "postpartum visit KF1"),
    },
    CoverageList {
        key: "no_jkn",
        indicator: Indicator::HouseholdsWithoutJkn,
        side: Side::Counted,
        title: ("Keluarga tanpa JKN", "Households without JKN"),
        what: ("daftarkan ke JKN", "enrol in JKN"),
    },
];

/// The lists that are not coverage rows.
pub const ANC_BEHIND: &str = "anc_behind";
pub const OVERDUE_IMMUNIZATIONS: &str = "overdue_immunizations";
pub const EMERGENCY_REFERRALS: &str = "emergency_referrals";

/// A person of a list with where they live.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonLine {
    pub id: String,
    pub name: String,
    pub age: Option<String>,
    pub rt_label: Option<String>,
    pub kader: Option<String>,
}

/// An emergency referral of the month.
#[derive(Clone, Debug, PartialEq)]
pub struct EmergencyReferral {
    pub person: PersonLine,
    pub event_id: String,
    pub occurred_ms: i64,
    pub to: String,
    pub reason: Option<String>,
    pub pickup_called: bool,
    pub pickup_called_ms: Option<i64>,
    pub pickup_service: Option<String>,
}

/// Persons by id, those in the user's scope only (merges followed by `describe`).
pub(super) fn persons(
    ctx: &Ctx,
    ids: &[uuid::Uuid],
) -> std::result::Result<HashMap<uuid::Uuid, PersonLine>, Fail> {
    let found = ctx.store.read(|c| subjects::describe(c, ids))?;
    let mut out = HashMap::new();
    for (id, s) in ids.iter().zip(found) {
        let Some(s) = s else { continue };
        if !super::access::rt_allowed(&ctx.principal, s.rt()) {
            continue;
        }
        let SubjectKind::Person(p) = &s.kind else {
            continue;
        };
        out.insert(
            *id,
            PersonLine {
                id: id.to_string(),
                name: p
                    .name
                    .clone()
                    .or_else(|| p.description.clone())
                    .unwrap_or_else(|| "(tanpa nama)".into()),
                age: p.birth.map(|b| drill::age_label(&b, ctx.today)),
                rt_label: s.place.as_ref().map(|p| p.label()),
                kader: (!s.kaders.is_empty()).then(|| s.kaders.join(", ")),
            },
        );
    }
    Ok(out)
}

/// Local midnight of a day, in milliseconds.
fn midnight_ms(d: Date, offset: time::UtcOffset) -> i64 {
    d.midnight().assume_offset(offset).unix_timestamp() * 1000
}

fn next_month(m: Date) -> Date {
    let (y, mo) = match m.month() {
        time::Month::December => (m.year() + 1, time::Month::January),
        other => (m.year(), other.next()),
    };
    Date::from_calendar_date(y, mo, 1).expect("day 1 exists")
}

/// The month's emergency referrals of the area's persons, oldest first.
pub(super) fn emergency_referrals(ctx: &Ctx) -> std::result::Result<Vec<EmergencyReferral>, Fail> {
    let offset = ctx.store.utc_offset();
    let (from, to) = (
        midnight_ms(ctx.month, offset),
        midnight_ms(next_month(ctx.month), offset),
    );
    let found = ctx
        .store
        .read(|c| ilp_store::referrals::referrals_in_rts(c, &ctx.choice.rts, from, to, true))?;
    let ids: Vec<uuid::Uuid> = found.iter().map(|r| r.event.person.0).collect();
    let who = persons(ctx, &ids)?;
    Ok(found
        .into_iter()
        .filter_map(|r| {
            Some(EmergencyReferral {
                person: who.get(&r.event.person.0)?.clone(),
                event_id: r.event.id.to_string(),
                occurred_ms: r.event.occurred_at.millis(),
                to: r.referral.to,
                reason: r.referral.reason,
                pickup_called: r.referral.pickup_called,
                pickup_called_ms: r.referral.pickup_called_at.map(|t| t.millis()),
                pickup_service: r.referral.pickup_service,
            })
        })
        .collect())
}

fn local_time(ms: i64) -> String {
    export::generated_text(ms)
        .trim_end_matches(" WITA")
        .get(..16)
        .unwrap_or_default()
        .to_string()
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map(esc).unwrap_or_else(|| "-".into())
}

fn person_cells(p: &PersonLine) -> String {
    format!(
        r#"<td data-testid="list-name">{}</td><td data-testid="list-age">{}</td><td data-testid="list-rt">{}</td><td data-testid="list-kader">{}</td>"#,
        esc(&p.name),
        opt(&p.age),
        opt(&p.rt_label),
        opt(&p.kader),
    )
}

#[allow(clippy::too_many_arguments)]
fn section(
    lang: Lang,
    key: &str,
    attrs: &str,
    title: &str,
    note: &str,
    count: usize,
    head: &[&str],
    rows: &str,
    links: &str,
) -> String {
    let head: String = head
        .iter()
        .map(|h| format!("<th>{}</th>", esc(h)))
        .collect();
    let rows = if count == 0 {
        format!(
            r#"<tr class="none"><td colspan="{}">{}</td></tr>"#,
            head.matches("<th>").count(),
            lang.t(i18n::NOTHING)
        )
    } else {
        rows.to_string()
    };
    format!(
        r#"<section id="list-{key}" class="action-list" data-testid="action-list" data-list="{key}"{attrs}>
<h2>{title} · <span data-testid="list-count">{count}</span></h2>
<p class="muted">{note}</p>
<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>
{rows}</tbody></table></div>
<div class="actions">{links}</div>
</section>
"#,
        title = esc(title),
        note = esc(note),
    )
}

fn render(lang: Lang, ctx: &Ctx, g: &Gathered, query: &str) -> String {
    let (f, coverage, overdue, referrals) = (&g.figures, &g.coverage, &g.overdue, &g.referrals);
    let month = month_text(ctx.month);
    let area = &ctx.choice.key;
    let q = format!("area={}&amp;month={}", url(area), url(&month));
    let cols = [
        lang.t(i18n::NAME),
        lang.t(i18n::AGE),
        lang.t(i18n::RT),
        lang.t(i18n::KADER),
    ];
    let mut body = String::new();
    body.push_str(&super::pages::filter_form(
        lang,
        &ctx.choices,
        &ctx.choice,
        &month,
        &month_text(ctx.today),
        "/dashboard/lists",
        "",
    ));
    body.push_str(&format!(
        r#"
<h1 id="lists-title" data-testid="lists-title" data-area="{area_attr}" data-month="{month}">{title} · {label} · {month}</h1>
<nav id="lists-index" class="actions">{index}</nav>
"#,
        area_attr = esc(area),
        title = lang.t(LISTS),
        label = esc(&ctx.choice.label),
        index = COVERAGE_LISTS
            .iter()
            .map(|c| (c.key, lang.t(c.title)))
            .chain([
                (ANC_BEHIND, lang.t(ANC_TITLE)),
                (OVERDUE_IMMUNIZATIONS, lang.t(OVERDUE_TITLE)),
                (EMERGENCY_REFERRALS, lang.t(REFERRAL_TITLE)),
            ])
            .map(|(k, t)| format!(r##"<a href="#list-{k}">{}</a>"##, esc(t)))
            .collect::<String>(),
    ));
    for (c, lines) in coverage {
        let code = c.indicator.code();
        let row = f.table.row(c.indicator);
        let mut head: Vec<&str> = cols.to_vec();
        head.push(lang.t(WHAT));
        let rows: String = lines
            .iter()
            .take(FIRST_ROWS)
            .map(|l| {
                let mut what = vec![lang.t(c.what).to_string()];
                what.extend(l.also_missing.iter().map(|i| lang.indicator(*i).to_string()));
                let p = PersonLine {
                    id: l.id.clone(),
                    name: l.name.clone(),
                    age: l.age.clone(),
                    rt_label: l.rt_label.clone(),
                    kader: l.kader.clone(),
                };
                format!(
                    r#"<tr data-testid="list-row" data-id="{}">{}<td data-testid="list-what">{}</td></tr>
"#,
                    esc(&l.id),
                    person_cells(&p),
                    esc(&what.join("; "))
                )
            })
            .collect();
        let side_text = match c.side {
            Side::Missing => lang.t(i18n::LIST_MISSING),
            Side::Counted => lang.t(i18n::LIST_COUNTED),
        };
        let note = format!(
            "{}: {} ({} {} / {} {}) · {}",
            lang.t(i18n::INDICATOR),
            lang.indicator(c.indicator),
            lang.t(i18n::NUMERATOR),
            row.numerator,
            lang.t(i18n::DENOMINATOR),
            row.denominator,
            side_text
        );
        let side = c.side.code();
        let links = format!(
            r#"<a id="full-{key}" data-testid="list-full" href="/dashboard/coverage/{code}?{q}&amp;side={side}">{all} ({n})</a><a id="xlsx-{key}" href="/dashboard/export/list.xlsx?indicator={code}&amp;side={side}&amp;{q}">{xlsx}</a><a id="csv-{key}" href="/dashboard/export/list.csv?indicator={code}&amp;side={side}&amp;{q}">{csv}</a>"#,
            key = c.key,
            all = lang.t(SHOW_ALL),
            n = lines.len(),
            xlsx = lang.t(i18n::EXPORT_XLSX),
            csv = lang.t(i18n::EXPORT_CSV),
        );
        body.push_str(&section(
            lang,
            c.key,
            &format!(r#" data-indicator="{code}" data-side="{side}""#),
            lang.t(c.title),
            &note,
            lines.len(),
            &head,
            &rows,
            &links,
        ));
    }
    let export_links = |list: &str| {
        format!(
            r#"<a id="xlsx-{list}" data-testid="list-export-xlsx" href="/dashboard/export/actions.xlsx?list={list}&amp;{q}">{}</a><a id="csv-{list}" data-testid="list-export-csv" href="/dashboard/export/actions.csv?list={list}&amp;{q}">{}</a>"#,
            lang.t(i18n::EXPORT_XLSX),
            lang.t(i18n::EXPORT_CSV)
        )
    };
    // The due-item lists describe today whatever the month: their titles say so, with the date.
    let today = ctx.today.to_string();
    let as_of_title = |t: (&'static str, &'static str)| {
        format!("{} {} ({today})", lang.t(t), lang.t(AS_OF_TODAY))
    };
    let as_of_attr = format!(r#" data-as-of="{today}""#);
    // Pregnant women behind on ANC, from the due items: the contacts overdue and since when.
    let anc_row = |a: &AncBehind| {
        format!(
            r#"<tr data-testid="list-row" data-id="{}">{}<td data-testid="list-what">{}</td><td data-testid="list-due">{}</td></tr>
"#,
            esc(&a.person.id),
            person_cells(&a.person),
            esc(&a.contacts_text(lang)),
            a.since()
        )
    };
    let mut head: Vec<&str> = cols.to_vec();
    head.extend([lang.t(ANC_CONTACTS), lang.t(OVERDUE_SINCE)]);
    body.push_str(&section(
        lang,
        ANC_BEHIND,
        &as_of_attr,
        &as_of_title(ANC_TITLE),
        lang.t(AS_OF_NOTE),
        g.anc.len(),
        &head,
        &g.anc
            .iter()
            .take(FIRST_ROWS)
            .map(anc_row)
            .collect::<String>(),
        &export_links(ANC_BEHIND),
    ));
    // Overdue immunizations: the first FIRST_ROWS rows, the rest in the export (no drill-down
    // of its own).
    let overdue_row = |d: &OverdueDose| {
        format!(
            r#"<tr data-testid="list-row" data-id="{}">{}<td data-testid="list-what">{}</td><td data-testid="list-due">{}</td></tr>
"#,
            esc(&d.person.id),
            person_cells(&d.person),
            esc(&d.dose),
            d.due
        )
    };
    let mut head: Vec<&str> = cols.to_vec();
    head.extend([lang.t(DOSE), lang.t(DUE)]);
    body.push_str(&section(
        lang,
        OVERDUE_IMMUNIZATIONS,
        &as_of_attr,
        &as_of_title(OVERDUE_TITLE),
        lang.t(AS_OF_NOTE),
        overdue.len(),
        &head,
        &overdue
            .iter()
            .take(FIRST_ROWS)
            .map(overdue_row)
            .collect::<String>(),
        &export_links(OVERDUE_IMMUNIZATIONS),
    ));
    let referral_row = |r: &EmergencyReferral| {
        format!(
            r#"<tr data-testid="list-row" data-id="{id}" data-pickup="{pickup}">{cells}<td data-testid="list-when">{when}</td><td>{to}</td><td class="opt">{reason}</td><td data-testid="list-pickup">{called}{at}</td></tr>
"#,
            id = esc(&r.person.id),
            pickup = r.pickup_called,
            cells = person_cells(&r.person),
            when = local_time(r.occurred_ms),
            to = esc(&r.to),
            reason = opt(&r.reason),
            called = lang.t(if r.pickup_called { YES } else { NO }),
            at = r
                .pickup_called_ms
                .map(|ms| format!(
                    " {} · {}",
                    local_time(ms),
                    r.pickup_service.as_deref().map(esc).unwrap_or_default()
                ))
                .unwrap_or_default(),
        )
    };
    let mut head: Vec<&str> = cols.to_vec();
    head.extend([
        lang.t(WHEN),
        lang.t(REFERRED_TO),
        lang.t(REASON),
        lang.t(PICKUP),
    ]);
    body.push_str(&section(
        lang,
        EMERGENCY_REFERRALS,
        "",
        lang.t(REFERRAL_TITLE),
        lang.t(IN_MONTH),
        referrals.len(),
        &head,
        &referrals
            .iter()
            .take(FIRST_ROWS)
            .map(referral_row)
            .collect::<String>(),
        &export_links(EMERGENCY_REFERRALS),
    ));
    page(
        lang,
        lang.t(LISTS),
        ("/dashboard/lists", query),
        Some(&ctx.header()),
        &body,
    )
}

const OVERDUE_TITLE: (&str, &str) = ("Imunisasi terlambat", "Overdue immunizations");
const ANC_TITLE: (&str, &str) = (
    "Ibu hamil tertinggal ANC (kontak terlambat)",
    "Pregnant women behind on ANC (contacts overdue)",
);
const REFERRAL_TITLE: (&str, &str) = (
    "Rujukan gawat darurat dan penjemputan",
    "Emergency referrals and pick-ups",
);

/// Everything the page shows.
struct Gathered {
    figures: figures::Figures,
    coverage: Vec<(&'static CoverageList, Vec<SubjectLine>)>,
    anc: Vec<AncBehind>,
    overdue: Vec<OverdueDose>,
    referrals: Vec<EmergencyReferral>,
}

fn gather(ctx: &Ctx, lang: Lang) -> std::result::Result<Gathered, Fail> {
    let f = figures::compute(&ctx.store, &ctx.choice, ctx.month, ctx.today)?;
    let mut coverage = Vec::new();
    for c in &COVERAGE_LISTS {
        let lines = drill::list(
            &ctx.store,
            &ctx.principal,
            &f.table,
            c.indicator,
            c.side,
            ctx.today,
        )?;
        coverage.push((c, lines));
    }
    Ok(Gathered {
        figures: f,
        coverage,
        anc: overdue::anc_behind(ctx, lang)?,
        overdue: overdue::immunizations(ctx, lang)?,
        referrals: emergency_referrals(ctx)?,
    })
}

pub async fn lists_page(
    State(s): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(params): Params,
    RawQuery(raw): RawQuery,
) -> Response {
    area_page(s, d, headers, params, raw, |ctx, req| {
        let g = gather(ctx, req.lang)?;
        Ok(render(req.lang, ctx, &g, &req.query))
    })
    .await
}

fn person_columns(lang: Lang) -> Vec<String> {
    vec![
        "id".into(),
        lang.t(i18n::NAME).into(),
        lang.t(i18n::AGE).into(),
        lang.t(i18n::RT).into(),
        lang.t(i18n::KADER).into(),
    ]
}

fn person_row(p: &PersonLine) -> Vec<Cell> {
    let o = |s: &Option<String>| s.clone().map_or(Cell::Empty, Cell::Text);
    vec![
        p.id.clone().into(),
        p.name.clone().into(),
        o(&p.age),
        o(&p.rt_label),
        o(&p.kader),
    ]
}

/// A list's heading: the export's own (area, month when the list is of the chosen month, and
/// generation time), then, for a list as of today, that date in place of the month, then the
/// list's title and its note.
fn heading(
    lang: Lang,
    ctx: &Ctx,
    of_month: bool,
    title: &str,
    note: &str,
) -> Vec<(String, String)> {
    let month = month_text(ctx.month);
    let mut out = export::heading(
        lang,
        &ctx.choice.label,
        of_month.then_some(month.as_str()),
        ctx.now_ms,
    );
    if !of_month {
        out.insert(
            1,
            (
                lang.t(AS_OF).into(),
                format!("{} ({})", ctx.today, lang.t(AS_OF_TODAY)),
            ),
        );
    }
    out.push((lang.t(LISTS).into(), title.into()));
    out.push((String::new(), note.into()));
    out
}

/// The sheet and file name of one of the lists that are not coverage rows: the month's lists are
/// named by the month, the lists as of today by today's date.
fn sheet(ctx: &Ctx, lang: Lang, list: &str) -> std::result::Result<(Sheet, String), Fail> {
    let per_today = |stem: &str| format!("{stem}-per-{}", ctx.today);
    match list {
        ANC_BEHIND => {
            let mut columns = person_columns(lang);
            columns.extend([lang.t(ANC_CONTACTS).into(), lang.t(OVERDUE_SINCE).into()]);
            let rows = overdue::anc_behind(ctx, lang)?
                .iter()
                .map(|a| {
                    let mut r = person_row(&a.person);
                    r.extend([a.contacts_text(lang).into(), a.since().to_string().into()]);
                    r
                })
                .collect();
            Ok((
                Sheet {
                    name: "ANC".into(),
                    heading: heading(lang, ctx, false, lang.t(ANC_TITLE), lang.t(AS_OF_NOTE)),
                    columns,
                    rows,
                },
                per_today("anc-terlambat"),
            ))
        }
        OVERDUE_IMMUNIZATIONS => {
            let mut columns = person_columns(lang);
            columns.extend([lang.t(DOSE).into(), lang.t(DUE).into()]);
            let rows = overdue::immunizations(ctx, lang)?
                .iter()
                .map(|d| {
                    let mut r = person_row(&d.person);
                    r.extend([d.dose.clone().into(), d.due.to_string().into()]);
                    r
                })
                .collect();
            Ok((
                Sheet {
                    name: lang.t(OVERDUE_TITLE).into(),
                    heading: heading(lang, ctx, false, lang.t(OVERDUE_TITLE), lang.t(AS_OF_NOTE)),
                    columns,
                    rows,
                },
                per_today("imunisasi-terlambat"),
            ))
        }
        EMERGENCY_REFERRALS => {
            let mut columns = person_columns(lang);
            columns.extend([
                lang.t(WHEN).into(),
                lang.t(REFERRED_TO).into(),
                lang.t(REASON).into(),
                lang.t(PICKUP).into(),
                lang.t(PICKUP_AT).into(),
                lang.t(PICKUP_SERVICE).into(),
            ]);
            let rows = emergency_referrals(ctx)?
                .iter()
                .map(|e| {
                    let mut r = person_row(&e.person);
                    r.extend([
                        local_time(e.occurred_ms).into(),
                        e.to.clone().into(),
                        e.reason.clone().map_or(Cell::Empty, Cell::Text),
                        lang.t(if e.pickup_called { YES } else { NO }).into(),
                        e.pickup_called_ms
                            .map_or(Cell::Empty, |ms| Cell::Text(local_time(ms))),
                        e.pickup_service.clone().map_or(Cell::Empty, Cell::Text),
                    ]);
                    r
                })
                .collect();
            Ok((
                Sheet {
                    name: lang.t(REFERRAL_TITLE).into(),
                    heading: heading(lang, ctx, true, lang.t(REFERRAL_TITLE), lang.t(IN_MONTH)),
                    columns,
                    rows,
                },
                format!("rujukan-darurat-{}", month_text(ctx.month)),
            ))
        }
        _ => Err(Fail::NotFound),
    }
}

async fn export_actions(
    st: Arc<crate::http::AppState>,
    d: Arc<super::Dashboard>,
    headers: HeaderMap,
    params: HashMap<String, String>,
    format: Format,
) -> Response {
    let lang = super::session::lang(&headers, params.get("lang").map(String::as_str));
    blocking(move || {
        let ctx = match context(&st, &d, &headers, &params) {
            Ok(c) => c,
            Err(e) => return fail_page(lang, e.0, e.1),
        };
        let list = params.get("list").cloned().unwrap_or_default();
        let run = || -> std::result::Result<Response, Fail> {
            let (sheet, stem) = sheet(&ctx, lang, &list)?;
            file(format, &stem, &sheet)
        };
        run().unwrap_or_else(|f| fail_page(lang, f, Some(ctx.session.clone())))
    })
    .await
}

pub async fn export_actions_csv(
    State(s): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(p): Params,
) -> Response {
    export_actions(s, d, headers, p, Format::Csv).await
}

pub async fn export_actions_xlsx(
    State(s): Shared,
    Extension(d): Dash,
    headers: HeaderMap,
    Query(p): Params,
) -> Response {
    export_actions(s, d, headers, p, Format::Xlsx).await
}
