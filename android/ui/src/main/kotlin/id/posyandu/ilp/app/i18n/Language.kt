//! The app's two languages: Bahasa Indonesia first, English second. Each screen keeps its own
//! texts next to it (`XxxTexts` with an Indonesian and an English instance); the language is
//! chosen once (phone setting or the user's choice) and read from composition.
package id.posyandu.ilp.app.i18n

import androidx.compose.runtime.staticCompositionLocalOf

enum class Language(val code: String) {
    Indonesian("id"),
    English("en");

    /** The Indonesian text or the English one. */
    fun <T> pick(id: T, en: T): T = if (this == Indonesian) id else en

    companion object {
        /** Indonesian unless the phone asks for English. */
        fun fromTag(tag: String?): Language =
            if (tag != null && tag.lowercase().startsWith("en")) English else Indonesian
    }
}

val LocalLanguage = staticCompositionLocalOf { Language.Indonesian }

/** Texts every screen uses. */
class CommonTexts private constructor(
    val back: String,
    val retry: String,
    val save: String,
    val cancel: String,
    val loading: String,
    val offline: String,
    val notAllowed: String,
    val notFound: String,
    val storageError: String,
    val fieldError: (field: String, reason: String) -> String,
    val today: String,
    val households: String,
    val posyandu: String,
    val sync: String,
    val coverage: String,
    val switchUser: String,
    val empty: String,
) {
    companion object {
        val id = CommonTexts(
            back = "Kembali",
            retry = "Coba lagi",
            save = "Simpan",
            cancel = "Batal",
            loading = "Memuat…",
            offline = "Tidak ada sambungan internet. Data tetap tersimpan di HP dan dikirim saat sinkron berikutnya.",
            notAllowed = "Tidak diizinkan",
            notFound = "Tidak ditemukan",
            storageError = "Penyimpanan di HP bermasalah",
            fieldError = { field, reason -> "$field: $reason" },
            today = "Hari ini",
            households = "Rumah tangga",
            posyandu = "Posyandu",
            sync = "Sinkron",
            coverage = "Cakupan",
            switchUser = "Ganti pengguna",
            empty = "Belum ada data",
        )
        val en = CommonTexts(
            back = "Back",
            retry = "Try again",
            save = "Save",
            cancel = "Cancel",
            loading = "Loading…",
            offline = "No internet connection. The data stays on the phone and goes with the next sync.",
            notAllowed = "Not allowed",
            notFound = "Not found",
            storageError = "The phone's storage has a problem",
            fieldError = { field, reason -> "$field: $reason" },
            today = "Today",
            households = "Households",
            posyandu = "Posyandu",
            sync = "Sync",
            coverage = "Coverage",
            switchUser = "Switch user",
            empty = "No data yet",
        )

        fun of(language: Language) = language.pick(id, en)
    }
}
