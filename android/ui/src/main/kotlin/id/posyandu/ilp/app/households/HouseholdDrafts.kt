//! What the household forms hold while the user types: plain strings, turned into the core's forms
//! only on save. Checking them is the core's job; a field error it returns is mapped back to the
//! field (or the member row) that caused it.
package id.posyandu.ilp.app.households

import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.core.HouseholdForm
import id.posyandu.ilp.core.HouseholdScreen
import id.posyandu.ilp.core.PersonForm
import id.posyandu.ilp.core.SexCode

data class HouseholdDraft(
    val rtId: String,
    val address: String = "",
    val kkNumber: String = "",
    /** A code of `jknCodes()`. */
    val jkn: String = "unknown",
    val cleanWater: Boolean? = null,
    val healthyLatrine: Boolean? = null,
    val notes: String = "",
    // The GPS point is not edited on these screens; it is carried so an edit keeps it.
    val latitude: Double? = null,
    val longitude: Double? = null,
) {
    fun toForm() = HouseholdForm(
        rtId, kkNumber.trim().ifEmpty { null }, address.trim().ifEmpty { null }, latitude, longitude, jkn,
        cleanWater, healthyLatrine, notes.trim().ifEmpty { null },
    )

    companion object {
        fun of(h: HouseholdScreen) = HouseholdDraft(
            h.rtId, h.address ?: "", h.kkNumber ?: "", h.jkn, h.cleanWater, h.healthyLatrine, h.notes ?: "",
            h.latitude, h.longitude,
        )
    }
}

data class MemberDraft(
    /** Stable across edits and removals, so rows keep their state in a list. */
    val key: Int,
    val name: String = "",
    val nik: String = "",
    val sex: SexCode? = null,
    /** As typed: HH-BB-TTTT (how kaders write dates) or TTTT-BB-HH. */
    val birthDate: String = "",
    /** When the birth date is unknown: age in years, the core estimates the date. */
    val ageYears: String = "",
    /** A code of `relationCodes()`. */
    val relation: String? = null,
    val phone: String = "",
    /** The mother among the rows of the same registration (her row's key). */
    val motherKey: Int? = null,
    /** The mother among the household's registered members (adding a member). */
    val motherId: String? = null,
) {
    /** The core's form; `rows` is the whole registration, so the mother's row becomes her index. */
    fun toForm(rows: List<MemberDraft> = emptyList()) = PersonForm(
        name = name.trim().ifEmpty { null },
        sex = sex,
        birthDate = isoDate(birthDate),
        birthDateEstimated = false,
        ageYears = ageYears.trim().toUIntOrNull(),
        ageMonths = null,
        nik = nik.filterNot(Char::isWhitespace).ifEmpty { null },
        phone = phone.trim().ifEmpty { null },
        relation = relation,
        motherMemberIndex = motherKey?.let { k -> rows.indexOfFirst { it.key == k }.takeIf { it >= 0 }?.toUInt() },
        motherId = motherId,
        description = null,
    )

    companion object {
        private val dayFirst = Regex("""^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$""")

        /**
         * Day-first dates become YYYY-MM-DD; anything else goes to the core as typed, which
         * refuses it naming the field.
         */
        fun isoDate(typed: String): String? {
            if (typed.isBlank()) return null
            val m = dayFirst.matchEntire(typed) ?: return typed.trim()
            val (d, mo, y) = m.destructured
            return "$y-${mo.padStart(2, '0')}-${d.padStart(2, '0')}"
        }
    }
}

/** Where the core's field error points: a member row's field, or a household field. */
data class FieldRef(val member: Int?, val field: String)

private val memberField = Regex("""^members\[(\d+)]\.(.+)$""")

fun fieldOf(error: UiError?): FieldRef? {
    if (error !is UiError.Invalid) return null
    val m = memberField.matchEntire(error.field) ?: return FieldRef(null, error.field)
    return FieldRef(m.groupValues[1].toInt(), m.groupValues[2])
}
