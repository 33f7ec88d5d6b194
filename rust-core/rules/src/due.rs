//! Due items: one thing a person should get (a dose, an ANC contact, a weighing, a screening, a
//! follow-up), with its window and its status on a date. Schedules produce them; the store keeps
//! them precomputed; the worklist and coverage read them.

use ilp_model::{Antigen, Condition, EventId, PersonId, PregnancyId};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use std::sync::{Mutex, OnceLock};
use time::Date;

/// Earliest, recommended and latest dates. `earliest <= due <= latest` always holds (constructors
/// enforce it); `latest == None` means open-ended (no date after which it is pointless).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Window {
    pub earliest: Date,
    pub due: Date,
    pub latest: Option<Date>,
}

impl Window {
    /// Clamps `due` into `[earliest, latest]` and `latest` to at least `earliest`, so a table with
    /// an odd row can never produce a window that runs backwards.
    pub fn new(earliest: Date, due: Date, latest: Option<Date>) -> Self {
        let latest = latest.map(|l| l.max(earliest));
        let mut due = due.max(earliest);
        if let Some(l) = latest {
            due = due.min(l);
        }
        Self {
            earliest,
            due,
            latest,
        }
    }

    pub fn contains(&self, d: Date) -> bool {
        d >= self.earliest && self.latest.is_none_or(|l| d <= l)
    }
}

/// Where an item stands on the evaluation date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DueStatus {
    /// Its window has not opened yet.
    Upcoming,
    /// Window open, due date not passed.
    Due,
    /// Due date passed, still within the window (or open-ended).
    Overdue,
    /// Given or done, on that date.
    Done { on: Date },
    /// The window closed without it being done.
    Missed,
    /// Must not be given at this age (a rotavirus dose after 7 months, BCG from 12 months).
    NotAllowed,
}

impl DueStatus {
    /// Due or overdue: what a worklist shows.
    pub fn is_open(&self) -> bool {
        matches!(self, DueStatus::Due | DueStatus::Overdue)
    }

    pub fn code(&self) -> &'static str {
        match self {
            DueStatus::Upcoming => "upcoming",
            DueStatus::Due => "due",
            DueStatus::Overdue => "overdue",
            DueStatus::Done { .. } => "done",
            DueStatus::Missed => "missed",
            DueStatus::NotAllowed => "not_allowed",
        }
    }
}

/// What is due.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DueKind {
    /// A routine immunization dose (national schedule).
    Immunization { antigen: Antigen, dose: u8 },
    /// A school (BIAS) dose, given in school grade `grade`.
    Bias {
        antigen: Antigen,
        dose: u8,
        grade: u8,
    },
    /// ANC contact `contact` (1..6) of a pregnancy; `by_doctor` for the doctor contacts.
    Anc {
        pregnancy: PregnancyId,
        contact: u8,
        by_doctor: bool,
    },
    /// Postpartum visit KF1..KF4.
    Kf { pregnancy: PregnancyId, number: u8 },
    /// Neonatal visit KN1..KN3.
    Kn { number: u8 },
    /// Monthly weighing of an under-five, for the month starting `month`.
    Weighing { month: Date },
    /// Vitamin A round (February or August, `round` is its first day).
    VitaminA { round: Date },
    /// Yearly PTM screening (15-59 years) for the year starting `year`.
    PtmScreening { year: Date },
    /// Yearly screening of an older person (60+) for the year starting `year`.
    ElderlyScreening { year: Date },
    /// Monthly follow-up of a known condition (hypertension, diabetes).
    ConditionFollowUp { condition: Condition, month: Date },
    /// A follow-up visit after a danger sign was recorded in `event`.
    DangerSignFollowUp { event: EventId },
    /// A follow-up visit after the referral in `event`.
    ReferralFollowUp { event: EventId },
}

impl DueKind {
    /// A stable text key, unique per person: the same item computed twice has the same key, so the
    /// store can replace a person's items and a worklist can hold each exactly once. The key holds
    /// the whole kind ([`DueKind::from_key`] reads it back), so the store keeps no other copy.
    pub fn key(&self) -> String {
        let mut key = String::new();
        self.write_key(&mut key).expect("writing to a String");
        key
    }

    /// Writes [`DueKind::key`] to `w`.
    pub fn write_key(&self, w: &mut impl std::fmt::Write) -> std::fmt::Result {
        match self {
            DueKind::Immunization { antigen, dose } => write!(w, "imm:{}:{dose}", antigen.code()),
            DueKind::Bias {
                antigen,
                dose,
                grade,
            } => write!(w, "bias:{}:{dose}:{grade}", antigen.code()),
            DueKind::Anc {
                pregnancy,
                contact,
                by_doctor,
            } => {
                if *by_doctor {
                    write!(w, "anc:{pregnancy}:{contact}:dokter")
                } else {
                    write!(w, "anc:{pregnancy}:{contact}")
                }
            }
            DueKind::Kf { pregnancy, number } => write!(w, "kf:{pregnancy}:{number}"),
            DueKind::Kn { number } => write!(w, "kn:{number}"),
            DueKind::Weighing { month } => write!(w, "weigh:{month}"),
            DueKind::VitaminA { round } => write!(w, "vita:{round}"),
            DueKind::PtmScreening { year } => write!(w, "ptm:{year}"),
            DueKind::ElderlyScreening { year } => write!(w, "lansia:{year}"),
            DueKind::ConditionFollowUp { condition, month } => {
                write!(w, "cond:{}:{month}", condition.code())
            }
            DueKind::DangerSignFollowUp { event } => write!(w, "danger:{event}"),
            DueKind::ReferralFollowUp { event } => write!(w, "referral:{event}"),
        }
    }

    /// Orders two kinds as their keys order ([`DueKind::key`]), without allocating for keys of
    /// ordinary length (a worklist breaks ties between a person's items with it).
    pub fn cmp_keys(&self, other: &DueKind) -> std::cmp::Ordering {
        let (mut a, mut b) = (KeyBuf::default(), KeyBuf::default());
        if self.write_key(&mut a).is_ok() && other.write_key(&mut b).is_ok() {
            a.as_bytes().cmp(b.as_bytes())
        } else {
            self.key().cmp(&other.key())
        }
    }

    /// Reads a key written by [`DueKind::key`]; `None` for anything else.
    pub fn from_key(key: &str) -> Option<DueKind> {
        let mut parts = key.split(':');
        let kind = parts.next()?;
        let mut next = || parts.next();
        // Keys are read for every worklist row: a plain YYYY-MM-DD reader, not a format parser.
        let date = |s: Option<&str>| -> Option<Date> {
            let b = s?.as_bytes();
            if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
                return None;
            }
            let num = |r: std::ops::Range<usize>| -> Option<i32> {
                b[r].iter().try_fold(0i32, |acc, c| {
                    c.is_ascii_digit().then(|| acc * 10 + i32::from(c - b'0'))
                })
            };
            let month = time::Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
            Date::from_calendar_date(num(0..4)?, month, u8::try_from(num(8..10)?).ok()?).ok()
        };
        let out = match kind {
            "imm" => DueKind::Immunization {
                antigen: Antigen::from_code(next()?),
                dose: next()?.parse().ok()?,
            },
            "bias" => DueKind::Bias {
                antigen: Antigen::from_code(next()?),
                dose: next()?.parse().ok()?,
                grade: next()?.parse().ok()?,
            },
            "anc" => DueKind::Anc {
                pregnancy: next()?.parse().ok()?,
                contact: next()?.parse().ok()?,
                by_doctor: match next() {
                    None => false,
                    Some("dokter") => true,
                    Some(_) => return None,
                },
            },
            "kf" => DueKind::Kf {
                pregnancy: next()?.parse().ok()?,
                number: next()?.parse().ok()?,
            },
            "kn" => DueKind::Kn {
                number: next()?.parse().ok()?,
            },
            "weigh" => DueKind::Weighing {
                month: date(next())?,
            },
            "vita" => DueKind::VitaminA {
                round: date(next())?,
            },
            "ptm" => DueKind::PtmScreening {
                year: date(next())?,
            },
            "lansia" => DueKind::ElderlyScreening {
                year: date(next())?,
            },
            "cond" => DueKind::ConditionFollowUp {
                condition: Condition::from_code(next()?),
                month: date(next())?,
            },
            "danger" => DueKind::DangerSignFollowUp {
                event: next()?.parse().ok()?,
            },
            "referral" => DueKind::ReferralFollowUp {
                event: next()?.parse().ok()?,
            },
            _ => return None,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(out)
    }

    /// What a kader reads, in Bahasa Indonesia ("Imunisasi DPT-HB-Hib 2", "ANC K3 (dokter)").
    pub fn label_id(&self) -> String {
        const BULAN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
        ];
        let month = |d: &Date| format!("{} {}", BULAN[u8::from(d.month()) as usize - 1], d.year());
        match self {
            DueKind::Immunization { antigen, dose } => {
                format!("Imunisasi {} {dose}", antigen_label(antigen))
            }
            DueKind::Bias {
                antigen,
                dose,
                grade,
            } => format!("BIAS {} {dose} (kelas {grade})", antigen_label(antigen)),
            DueKind::Anc {
                contact, by_doctor, ..
            } => {
                if *by_doctor {
                    format!("ANC K{contact} (dokter)")
                } else {
                    format!("ANC K{contact}")
                }
            }
            DueKind::Kf { number, .. } => format!("Kunjungan nifas KF{number}"),
            DueKind::Kn { number } => format!("Kunjungan neonatal KN{number}"),
            DueKind::Weighing { month: m } => format!("Penimbangan {}", month(m)),
            DueKind::VitaminA { round } => format!("Vitamin A {}", month(round)),
            DueKind::PtmScreening { year } => format!("Skrining PTM {}", year.year()),
            DueKind::ElderlyScreening { year } => format!("Skrining lansia {}", year.year()),
            DueKind::ConditionFollowUp {
                condition,
                month: m,
            } => {
                let name = match condition {
                    Condition::Hypertension => "hipertensi",
                    Condition::Diabetes => "diabetes",
                    Condition::Tuberculosis => "TB",
                    Condition::SevereMentalIllness => "ODGJ",
                    Condition::Other(c) => c.as_str(),
                };
                format!("Kontrol {name} {}", month(m))
            }
            DueKind::DangerSignFollowUp { .. } => "Tindak lanjut tanda bahaya".into(),
            DueKind::ReferralFollowUp { .. } => "Tindak lanjut rujukan".into(),
        }
    }

    /// A short code of the kind for lists and filters ("immunization", "anc", ...).
    pub fn code(&self) -> &'static str {
        match self {
            DueKind::Immunization { .. } => "immunization",
            DueKind::Bias { .. } => "bias",
            DueKind::Anc { .. } => "anc",
            DueKind::Kf { .. } => "kf",
            DueKind::Kn { .. } => "kn",
            DueKind::Weighing { .. } => "weighing",
            DueKind::VitaminA { .. } => "vitamin_a",
            DueKind::PtmScreening { .. } => "ptm_screening",
            DueKind::ElderlyScreening { .. } => "elderly_screening",
            DueKind::ConditionFollowUp { .. } => "condition_follow_up",
            DueKind::DangerSignFollowUp { .. } => "danger_sign_follow_up",
            DueKind::ReferralFollowUp { .. } => "referral_follow_up",
        }
    }

    /// A follow-up of a danger sign or referral: first on any worklist.
    pub fn is_follow_up(&self) -> bool {
        matches!(
            self,
            DueKind::DangerSignFollowUp { .. } | DueKind::ReferralFollowUp { .. }
        )
    }
}

/// Antigen names as the Buku KIA prints them.
pub fn antigen_label(a: &Antigen) -> &str {
    match a {
        Antigen::Hb0 => "HB0",
        Antigen::Bcg => "BCG",
        Antigen::Opv => "Polio tetes (OPV)",
        Antigen::DptHbHib => "DPT-HB-Hib",
        Antigen::Pcv => "PCV",
        Antigen::Rv => "Rotavirus",
        Antigen::Ipv => "Polio suntik (IPV)",
        Antigen::Mr => "MR",
        Antigen::Je => "JE",
        Antigen::Dt => "DT",
        Antigen::Td => "Td",
        Antigen::Hpv => "HPV",
        Antigen::Tt => "TT",
        Antigen::Other(c) => c.as_str(),
    }
}

/// A key written on the stack; writing fails when it does not fit (the caller then allocates).
struct KeyBuf {
    buf: [u8; 96],
    len: usize,
}

impl Default for KeyBuf {
    fn default() -> Self {
        Self {
            buf: [0; 96],
            len: 0,
        }
    }
}

impl KeyBuf {
    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl std::fmt::Write for KeyBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > self.buf.len() {
            return Err(std::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Which rule table (and version) produced an item, so a supervisor can tell which schedule a
/// number follows after a table changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TableRef {
    pub id: &'static str,
    pub version: u32,
}

impl TableRef {
    /// Table ids are a small set (the built-in ones and a district's own); interning keeps a
    /// `TableRef` a plain copyable value while configs and stored items are read at run time.
    pub fn intern_id(id: &str) -> &'static str {
        static IDS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
        let mut ids = IDS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(known) = ids.get(id) {
            return known;
        }
        let leaked: &'static str = Box::leak(id.to_string().into_boxed_str());
        ids.insert(leaked);
        leaked
    }

    /// Reads the `id@version` form [`fmt::Display`] writes (a missing version reads as 0).
    pub fn parse(text: &str) -> TableRef {
        let (id, version) = text.rsplit_once('@').unwrap_or((text, "0"));
        TableRef {
            id: Self::intern_id(id),
            version: version.parse().unwrap_or(0),
        }
    }
}

impl fmt::Display for TableRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.id, self.version)
    }
}

/// What an item not done becomes once its window has closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosesAs {
    /// Too late to matter (last month's weighing).
    Missed,
    /// Must not be given any more (rotavirus after 7 months, BCG from 12 months, HB0 from 1 month).
    NotAllowed,
}

/// One due item of one person. Its status is not stored but derived for a date
/// ([`DueItem::status`]), so items kept precomputed stay right as days pass.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct DueItem {
    pub person: PersonId,
    pub kind: DueKind,
    pub window: Window,
    /// Given or done on that date (by the event that did it).
    pub done_on: Option<Date>,
    pub closes_as: ClosesAs,
    /// The person is high-risk for this item (a pregnancy with danger signs, a child below the
    /// red line, a child with 2T): an overdue high-risk item outranks other overdue items.
    pub high_risk: bool,
    pub table: TableRef,
}

impl DueItem {
    /// Status on `today`.
    pub fn status(&self, today: Date) -> DueStatus {
        if let Some(on) = self.done_on {
            return DueStatus::Done { on };
        }
        match Self::open_status(&self.window, today) {
            DueStatus::Missed if self.closes_as == ClosesAs::NotAllowed => DueStatus::NotAllowed,
            s => s,
        }
    }

    /// Status of a not-yet-done item with `window` on `today`.
    pub fn open_status(window: &Window, today: Date) -> DueStatus {
        if today < window.earliest {
            DueStatus::Upcoming
        } else if window.latest.is_some_and(|l| today > l) {
            DueStatus::Missed
        } else if today <= window.due {
            DueStatus::Due
        } else {
            DueStatus::Overdue
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ilp_model::{EventId, PregnancyId};
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn status_follows_the_window() {
        let w = Window::new(
            date!(2026 - 01 - 10),
            date!(2026 - 01 - 20),
            Some(date!(2026 - 02 - 10)),
        );
        assert_eq!(
            DueItem::open_status(&w, date!(2026 - 01 - 09)),
            DueStatus::Upcoming
        );
        assert_eq!(
            DueItem::open_status(&w, date!(2026 - 01 - 20)),
            DueStatus::Due
        );
        assert_eq!(
            DueItem::open_status(&w, date!(2026 - 01 - 21)),
            DueStatus::Overdue
        );
        assert_eq!(
            DueItem::open_status(&w, date!(2026 - 02 - 11)),
            DueStatus::Missed
        );
    }

    #[test]
    fn every_kind_reads_back_from_its_key() {
        let d = date!(2026 - 08 - 01);
        let p = PregnancyId::from_random_bytes([4; 16]);
        let e = EventId::from_random_bytes([5; 16]);
        let kinds = [
            DueKind::Immunization {
                antigen: Antigen::DptHbHib,
                dose: 3,
            },
            DueKind::Immunization {
                antigen: Antigen::Other("dengue".into()),
                dose: 1,
            },
            DueKind::Bias {
                antigen: Antigen::Hpv,
                dose: 2,
                grade: 6,
            },
            DueKind::Anc {
                pregnancy: p,
                contact: 5,
                by_doctor: true,
            },
            DueKind::Anc {
                pregnancy: p,
                contact: 2,
                by_doctor: false,
            },
            DueKind::Kf {
                pregnancy: p,
                number: 4,
            },
            DueKind::Kn { number: 1 },
            DueKind::Weighing { month: d },
            DueKind::VitaminA { round: d },
            DueKind::PtmScreening { year: d },
            DueKind::ElderlyScreening { year: d },
            DueKind::ConditionFollowUp {
                condition: Condition::Hypertension,
                month: d,
            },
            DueKind::DangerSignFollowUp { event: e },
            DueKind::ReferralFollowUp { event: e },
        ];
        for k in &kinds {
            assert_eq!(DueKind::from_key(&k.key()), Some(k.clone()), "{}", k.key());
        }
        // Keys compare without allocating as their texts do, a key too long for the stack too.
        let long = DueKind::Immunization {
            antigen: Antigen::Other("x".repeat(120)),
            dose: 1,
        };
        for a in kinds.iter().chain([&long]) {
            for b in kinds.iter().chain([&long]) {
                assert_eq!(
                    a.cmp_keys(b),
                    a.key().cmp(&b.key()),
                    "{} {}",
                    a.key(),
                    b.key()
                );
            }
        }
        for bad in [
            "",
            "imm",
            "imm:mr",
            "imm:mr:x",
            "weigh:2026-13-01",
            "anc:x:1",
            "kn:1:2",
            "zzz:1",
        ] {
            assert_eq!(DueKind::from_key(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn windows_never_run_backwards(a in 0i64..3000, b in 0i64..3000, c in proptest::option::of(0i64..3000)) {
            let base = date!(2020 - 01 - 01);
            let d = |n: i64| base + time::Duration::days(n);
            let w = Window::new(d(a), d(b), c.map(d));
            prop_assert!(w.earliest <= w.due);
            if let Some(l) = w.latest {
                prop_assert!(w.due <= l);
            }
        }
    }
}
