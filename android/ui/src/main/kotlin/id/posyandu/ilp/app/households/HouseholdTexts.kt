//! The words of the household screens (list, search, register, edit, household) in Bahasa
//! Indonesia and English, and English names for the core's JKN, relation and IKS answer codes
//! (the core labels them in Bahasa Indonesia only).
package id.posyandu.ilp.app.households

import id.posyandu.ilp.app.i18n.Language
import id.posyandu.ilp.core.CodeLabel

class HouseholdTexts private constructor(
    val language: Language,
    val rt: String,
    val pickRt: String,
    val searchLabel: String,
    val searchHint: String,
    val noResults: String,
    val noHouseholds: String,
    val members: (UInt) -> String,
    val noHead: String,
    val noAddress: String,
    val registerHere: (String) -> String,
    val registerButton: String,
    val foundBy: (String) -> String,
    val withoutHousehold: String,
    // Register / edit
    val householdSection: String,
    val address: String,
    val kkNumber: String,
    val jkn: String,
    val cleanWater: String,
    val healthyLatrine: String,
    val yes: String,
    val no: String,
    val notAsked: String,
    val notes: String,
    val membersSection: String,
    val member: (Int) -> String,
    val name: String,
    val nik: String,
    val sex: String,
    val male: String,
    val female: String,
    val birthDate: String,
    val ageYears: String,
    val relation: String,
    val mother: String,
    val motherNotHere: String,
    val choose: String,
    val phone: String,
    val addMemberRow: String,
    val removeMemberRow: (Int) -> String,
    val saving: String,
    val savedWithWarnings: String,
    val openHousehold: String,
    val checkMember: (Int) -> String,
    val seeExisting: String,
    // Household
    val edit: String,
    val addMember: String,
    val visit: String,
    val openProfile: (String) -> String,
    val age: String,
    val pregnant: (Long?) -> String,
    val edd: (String) -> String,
    val weight: (Double) -> String,
    val height: (Double, Boolean?) -> String,
    val muac: (Double) -> String,
    val bloodPressure: (UShort, UShort) -> String,
    val glucose: (Double) -> String,
    val dueNow: String,
    val nothingDue: String,
    val upcoming: String,
    val iksTitle: String,
    val iksScore: (String, String?) -> String,
    val iksIncomplete: (String?, UInt) -> String,
    val memberAdded: String,
) {
    /** The core's Indonesian label, or the English word for the code. */
    fun codeLabel(c: CodeLabel): String = label(c.code, c.label)

    fun label(code: String, indonesian: String): String =
        if (language == Language.Indonesian) indonesian else EN_CODES[code] ?: indonesian

    companion object {
        val id = HouseholdTexts(
            language = Language.Indonesian,
            rt = "RT",
            pickRt = "Pilih RT",
            searchLabel = "Cari nama, NIK, KK atau HP",
            searchHint = "Ejaan lama dan salah ketik tetap ditemukan (Soekarno = Sukarno)",
            noResults = "Tidak ada yang cocok di wilayah Anda",
            noHouseholds = "Belum ada rumah tangga di RT ini",
            members = { "$it anggota" },
            noHead = "Kepala keluarga belum dicatat",
            noAddress = "Tanpa alamat",
            registerHere = { "Daftarkan rumah tangga di $it" },
            registerButton = "+ Daftarkan rumah tangga",
            foundBy = {
                when (it) {
                    "nik" -> "cocok NIK"
                    "kk_number" -> "cocok No. KK"
                    "phone" -> "cocok No. HP"
                    else -> "cocok nama"
                }
            },
            withoutHousehold = "Tanpa rumah tangga",
            householdSection = "Rumah tangga",
            address = "Alamat",
            kkNumber = "Nomor KK (boleh kosong)",
            jkn = "Status JKN",
            cleanWater = "Air bersih",
            healthyLatrine = "Jamban sehat",
            yes = "Ya",
            no = "Tidak",
            notAsked = "Belum ditanya",
            notes = "Catatan",
            membersSection = "Anggota",
            member = { "Anggota ${it + 1}" },
            name = "Nama",
            nik = "NIK (boleh kosong)",
            sex = "Jenis kelamin",
            male = "Laki-laki",
            female = "Perempuan",
            birthDate = "Tanggal lahir (HH-BB-TTTT)",
            ageYears = "atau umur (tahun)",
            relation = "Hubungan dalam keluarga",
            mother = "Ibunya",
            motherNotHere = "Bukan anggota rumah ini",
            choose = "Pilih…",
            phone = "Nomor HP (boleh kosong)",
            addMemberRow = "+ Tambah anggota",
            removeMemberRow = { "Hapus anggota ${it + 1}" },
            saving = "Menyimpan…",
            savedWithWarnings = "Tersimpan. Mohon periksa NIK berikut:",
            openHousehold = "Buka rumah tangga",
            checkMember = { "Periksa anggota ${it + 1}" },
            seeExisting = "Lihat orang dengan NIK ini",
            edit = "Ubah",
            addMember = "Tambah anggota",
            visit = "Kunjungan",
            openProfile = { "Buka profil $it" },
            age = "Umur",
            pregnant = { w -> if (w != null) "Hamil $w minggu" else "Hamil" },
            edd = { "HPL $it" },
            weight = { "BB ${fmt(it)} kg" },
            height = { cm, lying -> (if (lying == true) "PB " else "TB ") + fmt(cm) + " cm" },
            muac = { "LiLA ${fmt(it)} cm" },
            bloodPressure = { s, d -> "TD $s/$d" },
            glucose = { "GD ${fmt(it)} mg/dL" },
            dueNow = "Perlu dilayani",
            nothingDue = "Tidak ada yang jatuh tempo",
            upcoming = "Berikutnya",
            iksTitle = "Indeks Keluarga Sehat (IKS)",
            iksScore = { score, label -> "IKS $score" + (label?.let { " · $it" } ?: "") },
            iksIncomplete = { partial, n ->
                "$n indikator belum ditanyakan" + (partial?.let { " · sementara $it" } ?: "")
            },
            memberAdded = "Anggota ditambahkan",
        )
        val en = HouseholdTexts(
            language = Language.English,
            rt = "RT",
            pickRt = "Choose RT",
            searchLabel = "Search name, NIK, KK or phone",
            searchHint = "Old spellings and typos are found too (Soekarno = Sukarno)",
            noResults = "Nothing matches in your area",
            noHouseholds = "No households in this RT yet",
            members = { "$it members" },
            noHead = "Head of household not recorded",
            noAddress = "No address",
            registerHere = { "Register a household in $it" },
            registerButton = "+ Register a household",
            foundBy = {
                when (it) {
                    "nik" -> "NIK match"
                    "kk_number" -> "KK match"
                    "phone" -> "phone match"
                    else -> "name match"
                }
            },
            withoutHousehold = "No household",
            householdSection = "Household",
            address = "Address",
            kkNumber = "Family card number (optional)",
            jkn = "JKN status",
            cleanWater = "Clean water",
            healthyLatrine = "Healthy latrine",
            yes = "Yes",
            no = "No",
            notAsked = "Not asked",
            notes = "Notes",
            membersSection = "Members",
            member = { "Member ${it + 1}" },
            name = "Name",
            nik = "NIK (optional)",
            sex = "Sex",
            male = "Male",
            female = "Female",
            birthDate = "Birth date (DD-MM-YYYY)",
            ageYears = "or age (years)",
            relation = "Relation in the family",
            mother = "Mother",
            motherNotHere = "Not in this household",
            choose = "Choose…",
            phone = "Phone number (optional)",
            addMemberRow = "+ Add member",
            removeMemberRow = { "Remove member ${it + 1}" },
            saving = "Saving…",
            savedWithWarnings = "Saved. Please check these NIKs:",
            openHousehold = "Open household",
            checkMember = { "Check member ${it + 1}" },
            seeExisting = "See the person with this NIK",
            edit = "Edit",
            addMember = "Add member",
            visit = "Visit",
            openProfile = { "Open profile of $it" },
            age = "Age",
            pregnant = { w -> if (w != null) "Pregnant, $w weeks" else "Pregnant" },
            edd = { "Due $it" },
            weight = { "W ${fmt(it)} kg" },
            height = { cm, lying -> (if (lying == true) "L " else "H ") + fmt(cm) + " cm" },
            muac = { "MUAC ${fmt(it)} cm" },
            bloodPressure = { s, d -> "BP $s/$d" },
            glucose = { "BG ${fmt(it)} mg/dL" },
            dueNow = "Needs service",
            nothingDue = "Nothing due",
            upcoming = "Next",
            iksTitle = "Family health index (IKS)",
            iksScore = { score, label -> "IKS $score" + (label?.let { " · $it" } ?: "") },
            iksIncomplete = { partial, n ->
                "$n indicators not asked yet" + (partial?.let { " · so far $it" } ?: "")
            },
            memberAdded = "Member added",
        )

        fun of(language: Language) = language.pick(id, en)

        /** One decimal, as the KMS writes it. */
        fun fmt(v: Double): String = String.format(java.util.Locale.ROOT, "%.1f", v)

        private val EN_CODES = mapOf(
            // JKN
            "unknown" to "Not asked yet",
            "not_enrolled" to "No JKN",
            "pbi" to "JKN PBI (subsidised)",
            "non_pbi" to "JKN non-PBI",
            "partial" to "Some members have JKN",
            // Relations
            "head" to "Head of household",
            "spouse" to "Wife/husband",
            "child" to "Child",
            "child_in_law" to "Child-in-law",
            "grandchild" to "Grandchild",
            "parent" to "Parent",
            "parent_in_law" to "Parent-in-law",
            "other_family" to "Other family",
            "helper" to "Domestic helper",
            "other" to "Other",
            "non_family" to "Other",
            // IKS answers and classes
            "yes" to "Yes",
            "no" to "No",
            "not_applicable" to "Not applicable",
            "not_asked_yet" to "Not asked yet",
            "healthy" to "Healthy family",
            "pre_healthy" to "Pre-healthy family",
            "unhealthy" to "Unhealthy family",
        )
    }
}
