//! What went wrong, as a screen shows it: the core's one flat error (IlpException) turned into a
//! few cases the screens treat differently (a field to mark, offline, not allowed, ...).
package id.posyandu.ilp.app.data

import id.posyandu.ilp.app.i18n.Language
import id.posyandu.ilp.core.IlpException

sealed interface UiError {
    /** A field the user typed is wrong: the form marks `field` and shows `reason`. */
    data class Invalid(val field: String, val reason: String) : UiError

    /** The NIK already belongs to someone else in the area. */
    data class DuplicateNik(val existingPersonId: String) : UiError

    /** No connection to the server: nothing is lost, the next sync carries it. */
    data class Offline(val reason: String) : UiError

    /** Wrong password or PIN, expired session, or outside the user's area. */
    data class NotAllowed(val reason: String) : UiError

    data class NotFound(val what: String, val id: String) : UiError

    /** The database key was refused (a different phone's file, or a damaged key store). */
    data object KeyRejected : UiError

    /** Another change got there first; reload and try again. */
    data class Conflict(val reason: String) : UiError

    /** The phone's storage failed (full disk, damaged file). */
    data class Storage(val reason: String) : UiError

    /** The app is newer or older than the database it found. */
    data class NewerSchema(val found: Long, val supported: Long) : UiError

    /** Anything else (a bug): shown with its message so it can be reported. */
    data class Unexpected(val message: String) : UiError

    /** The text for the user. */
    fun message(language: Language): String = when (this) {
        is Invalid -> "${fieldLabel(field, language)}: $reason"
        is DuplicateNik -> language.pick(
            "NIK ini sudah dipakai orang lain di wilayah ini",
            "This NIK already belongs to another person in the area",
        )
        is Offline -> language.pick(
            "Tidak ada sambungan ke server. Data tetap tersimpan di HP.",
            "No connection to the server. The data stays on the phone.",
        )
        is NotAllowed -> language.pick("Tidak diizinkan: $reason", "Not allowed: $reason")
        is NotFound -> language.pick("Tidak ditemukan: $what", "Not found: $what")
        KeyRejected -> language.pick(
            "Kunci basis data ditolak. Hubungi admin Puskesmas.",
            "The database key was refused. Contact the Puskesmas admin.",
        )
        is Conflict -> language.pick("Bentrok: $reason", "Conflict: $reason")
        is Storage -> language.pick("Penyimpanan HP bermasalah: $reason", "Phone storage problem: $reason")
        is NewerSchema -> language.pick(
            "Perbarui aplikasi: data ini dibuat versi yang lebih baru",
            "Update the app: this data was made by a newer version",
        )
        is Unexpected -> language.pick("Kesalahan: $message", "Error: $message")
    }

    companion object {
        fun from(t: Throwable): UiError = when (t) {
            is IlpException.Validation -> Invalid(t.field, t.reason)
            is IlpException.DuplicateNik -> DuplicateNik(t.existingPersonId)
            is IlpException.Network -> Offline(t.reason)
            is IlpException.Auth -> NotAllowed(t.reason)
            is IlpException.NotFound -> NotFound(t.what, t.id)
            is IlpException.KeyRejected -> KeyRejected
            is IlpException.Conflict -> Conflict(t.reason)
            is IlpException.Storage -> Storage(t.reason)
            is IlpException.NewerSchema -> NewerSchema(t.found, t.supported)
            else -> Unexpected(t.message ?: t.javaClass.simpleName)
        }

        /** The core names fields as in its forms ("measurement.weight_kg"); users read labels. */
        fun fieldLabel(field: String, language: Language): String {
            val last = field.substringAfterLast('.').substringBefore('[')
            return FIELD_LABELS[last]?.let { language.pick(it.first, it.second) } ?: field
        }

        private val FIELD_LABELS = mapOf(
            "weight_kg" to ("Berat badan" to "Weight"),
            "length_or_height_cm" to ("Panjang/tinggi badan" to "Length/height"),
            "muac_cm" to ("LiLA" to "MUAC"),
            "head_circumference_cm" to ("Lingkar kepala" to "Head circumference"),
            "systolic_mmhg" to ("Tekanan darah sistolik" to "Systolic pressure"),
            "diastolic_mmhg" to ("Tekanan darah diastolik" to "Diastolic pressure"),
            "blood_glucose_mg_dl" to ("Gula darah" to "Blood glucose"),
            "name" to ("Nama" to "Name"),
            "nik" to ("NIK" to "NIK"),
            "kk_number" to ("Nomor KK" to "Family card number"),
            "birth_date" to ("Tanggal lahir" to "Birth date"),
            "sex" to ("Jenis kelamin" to "Sex"),
            "phone" to ("Nomor HP" to "Phone number"),
            "address" to ("Alamat" to "Address"),
            "rt_id" to ("RT" to "RT"),
            "pin" to ("PIN" to "PIN"),
            "username" to ("Nama pengguna" to "Username"),
            "password" to ("Kata sandi" to "Password"),
            "date" to ("Tanggal" to "Date"),
            "month" to ("Bulan" to "Month"),
        )
    }
}

/** A screen's data as it loads. */
sealed interface Load<out T> {
    data object Loading : Load<Nothing>
    data class Ready<T>(val value: T) : Load<T>
    data class Failed(val error: UiError) : Load<Nothing>
}
