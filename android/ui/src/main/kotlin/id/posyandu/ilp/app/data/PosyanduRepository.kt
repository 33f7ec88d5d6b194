//! The Posyandu day, read from and written to the core: the user's Posyandu, a session's expected
//! list, the weighing queue's measurement preview and Posyandu visit, walk-in search, and the end
//! of the session (absentees become home visits).
package id.posyandu.ilp.app.data

import id.posyandu.ilp.app.posyandu.Days
import id.posyandu.ilp.core.MeasurementAssessment
import id.posyandu.ilp.core.MeasurementForm
import id.posyandu.ilp.core.PosyanduSessionView
import id.posyandu.ilp.core.PosyanduView
import id.posyandu.ilp.core.SearchResult
import id.posyandu.ilp.core.VisitForm
import id.posyandu.ilp.core.VisitKindForm
import id.posyandu.ilp.core.VisitResult

class PosyanduRepository(
    private val session: CoreSession,
    /** The phone's today (YYYY-MM-DD). */
    val today: () -> String,
    /** The phone's UTC offset in minutes (WITA 480). */
    private val utcOffsetMinutes: () -> Int,
) {
    /** The Posyandu serving the user's RTs. */
    suspend fun posyanduList(): List<PosyanduView> = session.call { it.posyanduList() }

    suspend fun session(posyanduId: String, date: String): PosyanduSessionView =
        session.call { it.posyanduSession(posyanduId, date) }

    /** What the numbers being typed say (z-scores, KMS, alerts); refuses impossible values. */
    suspend fun assess(personId: String, date: String, measurement: MeasurementForm): MeasurementAssessment =
        session.call { it.assessMeasurement(personId, date, measurement) }

    /**
     * A weighing at the Posyandu, saved as a Posyandu visit. A session of another day (copied
     * from the paper register afterwards) is dated that morning so it counts for that session.
     */
    suspend fun recordWeighing(
        posyanduId: String,
        personId: String,
        date: String,
        measurement: MeasurementForm,
    ): VisitResult {
        val at = if (date == today()) null else Days.localTimeMs(date, 9, utcOffsetMinutes())
        val form = VisitForm(
            personId = personId,
            occurredAtMs = at,
            kind = VisitKindForm.Posyandu,
            posyanduId = posyanduId,
            place = null,
            pregnancyId = null,
            measurement = measurement,
            immunizations = emptyList(),
            services = emptyList(),
            dangerSigns = emptyList(),
            dangerNote = null,
            referral = null,
            note = null,
        )
        return session.call { it.recordVisit(form) }
    }

    /** Someone not on the expected list (spelling-tolerant, by name, NIK, KK or phone). */
    suspend fun search(query: String, limit: UInt = 20u): List<SearchResult> =
        session.call { it.search(query, limit) }

    /** Closes the session: everyone expected who did not come becomes a home visit at once. */
    suspend fun endSession(posyanduId: String, date: String): PosyanduSessionView =
        session.call { it.endPosyanduSession(posyanduId, date) }
}
