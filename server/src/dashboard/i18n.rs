//! The dashboard's words in Bahasa Indonesia (the default) and English, chosen by `?lang=` or the
//! `ilp_lang` cookie. Indicator labels in Bahasa come from the coverage rules themselves
//! (`Indicator::label_id`); their English forms live here, keyed by the rules' indicator code.

use ilp_rules::coverage::Indicator;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Id,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// One phrase: `(bahasa, english)`.
    pub fn t(self, pair: (&'static str, &'static str)) -> &'static str {
        match self {
            Lang::Id => pair.0,
            Lang::En => pair.1,
        }
    }

    pub fn indicator(self, i: Indicator) -> &'static str {
        match self {
            Lang::Id => i.label_id(),
            Lang::En => indicator_en(i),
        }
    }
}

pub const TITLE: (&str, &str) = (
    "Dasbor Supervisor Posyandu ILP",
    "Posyandu ILP supervisor dashboard",
);
pub const LOGIN: (&str, &str) = ("Masuk", "Log in");
pub const LOGOUT: (&str, &str) = ("Keluar", "Log out");
pub const USERNAME: (&str, &str) = ("Nama pengguna", "Username");
pub const PASSWORD: (&str, &str) = ("Kata sandi", "Password");
pub const BAD_LOGIN: (&str, &str) = (
    "Nama pengguna atau kata sandi salah.",
    "Wrong username or password.",
);
pub const COVERAGE: (&str, &str) = ("Cakupan", "Coverage");
pub const AREA: (&str, &str) = ("Wilayah", "Area");
pub const MONTH: (&str, &str) = ("Bulan", "Month");
pub const SHOW: (&str, &str) = ("Tampilkan", "Show");
pub const AS_OF: (&str, &str) = ("Dihitung sampai", "Counted up to");
pub const INDICATOR: (&str, &str) = ("Indikator", "Indicator");
pub const NUMERATOR: (&str, &str) = ("Pembilang", "Numerator");
pub const DENOMINATOR: (&str, &str) = ("Penyebut", "Denominator");
pub const MISSING: (&str, &str) = ("Belum", "Missing");
pub const PERCENT: (&str, &str) = ("%", "%");
pub const TARGET: (&str, &str) = ("Target %", "Target %");
pub const TREND: (&str, &str) = ("Tren 12 bulan", "12-month trend");
pub const SAVE_TARGETS: (&str, &str) = ("Simpan target", "Save targets");
pub const TARGETS_SAVED: (&str, &str) = ("Target disimpan.", "Targets saved.");
pub const NO_TARGET_LOWER: (&str, &str) = ("lebih rendah lebih baik", "lower is better");
pub const NO_TARGET_COUNT: (&str, &str) = ("jumlah", "count");
pub const EXPORT_XLSX: (&str, &str) = ("Unduh XLSX", "Download XLSX");
pub const EXPORT_CSV: (&str, &str) = ("Unduh CSV", "Download CSV");
pub const PERIOD_MONTH: (&str, &str) = ("bulan ini", "this month");
pub const PERIOD_YTD: (&str, &str) = ("kumulatif sejak Januari", "cumulative from January");
pub const PERIOD_AS_OF: (&str, &str) = ("keadaan saat ini", "current state");
pub const BAND_MET: (&str, &str) = ("mencapai target", "target met");
pub const BAND_NEAR: (&str, &str) = ("mendekati target", "close to target");
pub const BAND_BELOW: (&str, &str) = ("di bawah target", "below target");
pub const FORBIDDEN_TITLE: (&str, &str) = ("Akses ditolak", "Access refused");
pub const FORBIDDEN_AREA: (&str, &str) = (
    "Wilayah ini di luar wilayah tugas Anda. Pilih wilayah lain dari daftar.",
    "This area is outside your assigned area. Choose another area from the list.",
);
pub const FORBIDDEN_CSRF: (&str, &str) = (
    "Formulir ini kedaluwarsa atau tidak berasal dari dasbor ini (token CSRF tidak cocok). Muat ulang halaman lalu coba lagi.",
    "This form expired or did not come from this dashboard (CSRF token mismatch). Reload the page and try again.",
);
pub const ERROR_TITLE: (&str, &str) = ("Permintaan tidak valid", "Invalid request");
pub const NOT_FOUND: (&str, &str) = ("Halaman tidak ditemukan.", "Page not found.");
pub const NO_AREA: (&str, &str) = (
    "Akun ini belum ditugaskan ke wilayah mana pun.",
    "This account has no area assigned.",
);
pub const BACK: (&str, &str) = ("Kembali ke cakupan", "Back to coverage");
pub const COUNTED: (&str, &str) = ("Terhitung", "Counted");
pub const NAME: (&str, &str) = ("Nama", "Name");
pub const AGE: (&str, &str) = ("Umur", "Age");
pub const SEX: (&str, &str) = ("JK", "Sex");
pub const ADDRESS: (&str, &str) = ("Alamat", "Address");
pub const RT: (&str, &str) = ("RT/RW", "RT/RW");
pub const KADER: (&str, &str) = ("Kader", "Kader");
pub const ALSO_MISSING: (&str, &str) = ("Juga belum", "Also missing");
pub const NOTHING: (&str, &str) = ("Tidak ada.", "None.");
pub const PERSONS: (&str, &str) = ("orang", "persons");
pub const HOUSEHOLDS: (&str, &str) = ("keluarga", "households");
pub const LIST_MISSING: (&str, &str) = (
    "Dalam penyebut tetapi belum terhitung: yang perlu ditindaklanjuti",
    "In the denominator but not counted: who to follow up",
);
pub const LIST_COUNTED: (&str, &str) = ("Terhitung dalam pembilang", "Counted in the numerator");
pub const GENERATED: (&str, &str) = ("Dibuat", "Generated");
pub const SIDE: (&str, &str) = ("Daftar", "List");
pub const SIGNED_IN_AS: (&str, &str) = ("Masuk sebagai", "Signed in as");

fn indicator_en(i: Indicator) -> &'static str {
    use Indicator::*;
    match i {
        SkdnS => "S: registered under-fives",
        SkdnK => "K: under-fives with a KMS/Buku KIA (K/S)",
        SkdnD => "D: under-fives weighed this month (D/S)",
        SkdnN => "N: under-fives gaining weight (N/S)",
        SkdnNPerD => "N/D: gained weight, of those weighed two months running",
        SkdnO => "O: weighed this month, not last month",
        SkdnB => "B: weighed for the first time",
        Bgm => "BGM: weight below the red line",
        TwoT => "2T: no weight gain twice in a row",
        Idl => "Infants with complete basic immunization (IDL)",
        K1Access => "K1 access: pregnant women's first visit",
        K1Pure => "K1 pure: first visit in trimester 1",
        K4 => "K4: at least 4 ANC visits (1-1-2)",
        K6 => "K6: at least 6 ANC visits (1-2-3, 2 with a doctor)",
        Kf1 => "KF1: first postpartum visit",
        KfComplete => "KF complete: postpartum visits KF1-KF4",
        Kn1 => "KN1: first neonatal visit",
        KnComplete => "KN complete: neonatal visits KN1-KN3",
        Stunting => "Stunted under-fives, of those measured",
        Wasting => "Wasted under-fives, of those measured",
        Underweight => "Underweight under-fives, of those weighed",
        PtmScreening => "Productive-age adults screened for NCDs",
        ElderlyScreening => "Elderly given a health screening",
        IksComplete => "Families with a complete IKS record",
        IksHealthy => "Healthy families (IKS > 0.800)",
        IksPreHealthy => "Pre-healthy families (IKS 0.500-0.800)",
        IksUnhealthy => "Unhealthy families (IKS < 0.500)",
        HouseholdsWithoutJkn => "Families not (fully) covered by JKN",
        MbgPregnant => "Pregnant women given MBG",
        MbgBreastfeeding => "Breastfeeding mothers given MBG",
        MbgUnderFive => "Under-fives given MBG",
    }
}
