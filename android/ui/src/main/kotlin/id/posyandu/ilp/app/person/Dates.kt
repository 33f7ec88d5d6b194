//! Dates as the person and visit screens print them ("22 Nov 2026", "22 Nov 2026 09:15"), without
//! java.time (absent below Android 8, and the app starts at Android 7).
package id.posyandu.ilp.app.person

import id.posyandu.ilp.app.i18n.Language

object Dates {
    private val monthsId = listOf("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
    private val monthsEn = listOf("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

    /** "2026-11-22" → "22 Nov 2026"; anything else is returned as given. */
    fun day(iso: String?, language: Language): String {
        if (iso == null) return ""
        val parts = iso.split('-')
        if (parts.size != 3) return iso
        val (y, m, d) = parts.map { it.toIntOrNull() ?: return iso }
        if (m !in 1..12) return iso
        return "$d ${language.pick(monthsId, monthsEn)[m - 1]} $y"
    }

    /** The local date of an instant, "YYYY-MM-DD". */
    fun isoDay(ms: Long, utcOffsetMinutes: Int): String {
        val local = ms + utcOffsetMinutes * 60_000L
        val (y, m, d) = civil(Math.floorDiv(local, 86_400_000L))
        return "%04d-%02d-%02d".format(y, m, d)
    }

    /** "22 Nov 2026 09:15" in the phone's offset. */
    fun dateTime(ms: Long, utcOffsetMinutes: Int, language: Language): String =
        day(isoDay(ms, utcOffsetMinutes), language) + " " + time(ms, utcOffsetMinutes)

    /** "09:15" in the phone's offset. */
    fun time(ms: Long, utcOffsetMinutes: Int): String {
        val local = ms + utcOffsetMinutes * 60_000L
        val minutes = Math.floorMod(local, 86_400_000L) / 60_000L
        return "%02d:%02d".format(minutes / 60, minutes % 60)
    }

    /** Days since 1970-01-01 to (year, month, day): H. Hinnant's civil_from_days. */
    private fun civil(days: Long): Triple<Int, Int, Int> {
        val z = days + 719_468
        val era = Math.floorDiv(z, 146_097L)
        val doe = z - era * 146_097
        val yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        val doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        val mp = (5 * doy + 2) / 153
        val d = (doy - (153 * mp + 2) / 5 + 1).toInt()
        val m = (if (mp < 10) mp + 3 else mp - 9).toInt()
        val y = (yoe + era * 400 + if (m <= 2) 1 else 0).toInt()
        return Triple(y, m, d)
    }
}
