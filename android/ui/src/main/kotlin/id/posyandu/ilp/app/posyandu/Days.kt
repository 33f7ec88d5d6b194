//! Calendar arithmetic the Posyandu and coverage screens need for their pickers (today, the day
//! before, a month's neighbours, a date picker's millis), on ISO strings. Plain integer maths
//! rather than java.time, which Android only has from API 26 (minSdk is 24, no desugaring).
package id.posyandu.ilp.app.posyandu

import id.posyandu.ilp.app.i18n.Language
import java.util.Locale

object Days {
    private const val DAY_MS = 86_400_000L

    /** The local date (YYYY-MM-DD) at `epochMs` for a phone `offsetMinutes` ahead of UTC. */
    fun today(epochMs: Long, offsetMinutes: Int): String =
        fromEpochDay(Math.floorDiv(epochMs + offsetMinutes * 60_000L, DAY_MS))

    /** A date picker's selection (midnight UTC of the day) as YYYY-MM-DD. */
    fun fromUtcMillis(ms: Long): String = fromEpochDay(Math.floorDiv(ms, DAY_MS))

    /** Midnight UTC of `date`, as a date picker wants it. */
    fun toUtcMillis(date: String): Long = toEpochDay(date) * DAY_MS

    /** `hour`:00 local time on `date`, in epoch millis, for a phone `offsetMinutes` ahead of UTC. */
    fun localTimeMs(date: String, hour: Int, offsetMinutes: Int): Long =
        toEpochDay(date) * DAY_MS + hour * 3_600_000L - offsetMinutes * 60_000L

    fun plusDays(date: String, days: Int): String = fromEpochDay(toEpochDay(date) + days)

    /** YYYY-MM of a date or month string. */
    fun monthOf(date: String): String = date.take(7)

    /** The month `n` months after `month` (YYYY-MM); negative goes back. */
    fun plusMonths(month: String, n: Int): String {
        val (y, m) = parseMonth(month)
        val index = y * 12 + (m - 1) + n
        return String.format(Locale.ROOT, "%04d-%02d", Math.floorDiv(index, 12), Math.floorMod(index, 12) + 1)
    }

    /** "Mei 2026" / "May 2026"; the text itself when it is not a month. */
    fun monthLabel(month: String, language: Language): String {
        val (y, m) = runCatching { parseMonth(month) }.getOrNull() ?: return month
        if (m !in 1..12) return month
        return language.pick(MONTHS_ID, MONTHS_EN)[m - 1] + " " + y
    }

    /** "Sabtu, 21 Nov 2026" / "Saturday, 21 Nov 2026". */
    fun dayLabel(date: String, language: Language): String {
        val day = runCatching { toEpochDay(date) }.getOrNull() ?: return date
        val (y, m, d) = civil(day)
        // 1970-01-01 was a Thursday.
        val weekday = language.pick(WEEKDAYS_ID, WEEKDAYS_EN)[Math.floorMod(day + 3, 7L).toInt()]
        return "$weekday, $d ${language.pick(MONTHS_ID, MONTHS_EN)[m - 1].take(3)} $y"
    }

    private val MONTHS_ID = listOf(
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    )
    private val MONTHS_EN = listOf(
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    )
    private val WEEKDAYS_ID = listOf("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
    private val WEEKDAYS_EN = listOf("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

    private fun parseMonth(month: String): Pair<Int, Int> {
        val parts = month.trim().split('-')
        require(parts.size >= 2) { "not a month: $month" }
        return parts[0].toInt() to parts[1].toInt()
    }

    // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
    private fun toEpochDay(date: String): Long {
        val parts = date.trim().split('-')
        require(parts.size == 3) { "not a date: $date" }
        var y = parts[0].toLong()
        val m = parts[1].toLong()
        val d = parts[2].toLong()
        if (m <= 2) y -= 1
        val era = Math.floorDiv(y, 400L)
        val yoe = y - era * 400
        val mp = (m + 9) % 12
        val doy = (153 * mp + 2) / 5 + d - 1
        val doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private fun civil(epochDay: Long): Triple<Long, Int, Int> {
        val z = epochDay + 719_468
        val era = Math.floorDiv(z, 146_097L)
        val doe = z - era * 146_097
        val yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        val doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        val mp = (5 * doy + 2) / 153
        val d = (doy - (153 * mp + 2) / 5 + 1).toInt()
        val m = (if (mp < 10) mp + 3 else mp - 9).toInt()
        val y = yoe + era * 400 + if (m <= 2) 1 else 0
        return Triple(y, m, d)
    }

    private fun fromEpochDay(epochDay: Long): String {
        val (y, m, d) = civil(epochDay)
        // Locale.ROOT: a phone set to Arabic or Persian would otherwise write other digits.
        return String.format(Locale.ROOT, "%04d-%02d-%02d", y, m, d)
    }
}
