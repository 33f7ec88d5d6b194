//! Words for the core's codes (priorities, due-item statuses, roles) in both languages. The core
//! gives Indonesian labels; English screens use these.
package id.posyandu.ilp.app.common

import androidx.compose.ui.graphics.Color
import id.posyandu.ilp.app.i18n.Language
import id.posyandu.ilp.app.theme.IlpColors

object CodeTexts {
    fun priority(code: String, language: Language): String = when (code) {
        "follow_up" -> language.pick("Tindak lanjut tanda bahaya/rujukan", "Danger-sign/referral follow-up")
        "overdue_high_risk" -> language.pick("Terlambat, risiko tinggi", "Overdue, high risk")
        "overdue" -> language.pick("Terlambat", "Overdue")
        "due_today" -> language.pick("Jatuh tempo hari ini", "Due today")
        "due_this_week" -> language.pick("Minggu ini", "This week")
        "due_later" -> language.pick("Nanti", "Later")
        else -> code
    }

    /** A short form for badges. */
    fun priorityShort(code: String, language: Language): String = when (code) {
        "follow_up" -> language.pick("Tindak lanjut", "Follow-up")
        "overdue_high_risk" -> language.pick("Risiko tinggi", "High risk")
        else -> priority(code, language)
    }

    fun status(code: String, language: Language): String = when (code) {
        "upcoming" -> language.pick("Akan datang", "Upcoming")
        "due" -> language.pick("Jatuh tempo", "Due")
        "overdue" -> language.pick("Terlambat", "Overdue")
        "done" -> language.pick("Sudah", "Done")
        "missed" -> language.pick("Terlewat", "Missed")
        "not_allowed" -> language.pick("Tidak boleh diberikan lagi", "No longer allowed")
        else -> code
    }

    /** Text colour and container colour for a priority or status code. */
    fun colors(code: String): Pair<Color, Color> = when (code) {
        "follow_up", "overdue_high_risk", "overdue", "missed" -> IlpColors.urgent to IlpColors.urgentContainer
        "due_today", "due", "due_this_week" -> IlpColors.warning to IlpColors.warningContainer
        "done" -> IlpColors.good to IlpColors.goodContainer
        else -> IlpColors.muted to Color(0xFFEDEFF0)
    }
}
