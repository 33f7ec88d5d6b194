//! One person as the person screen and the visit form read them: profile (the household's member
//! card), growth chart, due items, history; and a signal that a visit was saved so open screens
//! reload.
package id.posyandu.ilp.app.data

import id.posyandu.ilp.core.GrowthChart
import id.posyandu.ilp.core.HistoryEntry
import id.posyandu.ilp.core.MemberCard
import id.posyandu.ilp.core.PersonSchedule
import id.posyandu.ilp.core.SubjectRow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow

/** Who the person is and where they live. */
data class PersonProfile(
    /** Name, age, sex, household, RT and kader, for anyone (also a person with no household). */
    val subject: SubjectRow,
    /** The household's card of the person (NIK masked, latest measurements, pregnancy); null
     * for a person registered without a household. */
    val card: MemberCard?,
    /** "RT 003 / RW 001, Oesapa". */
    val placeLabel: String?,
    /** The household's JKN status in Bahasa ("PBI"), null without a household. */
    val jknLabel: String?,
    val jkn: String?,
)

class PersonRepository(private val session: CoreSession) {
    private val changes = MutableStateFlow(0L)

    /** Goes up each time something about a person is saved; screens showing people reload on it. */
    val revision: StateFlow<Long> = changes.asStateFlow()

    internal fun changed() {
        changes.value = changes.value + 1
    }

    /**
     * The core has no "person detail" call: the person's row names their household, whose
     * detail carries the member card (two calls in one trip to the I/O thread).
     */
    suspend fun profile(personId: String): PersonProfile = session.call { core ->
        val subject = core.describeSubjects(listOf(personId)).first()
        val household = subject.householdId?.let { core.householdDetail(it) }
        PersonProfile(
            subject = subject,
            card = household?.members?.firstOrNull { it.personId == personId },
            placeLabel = household?.placeLabel ?: subject.rtLabel,
            jknLabel = household?.jknLabel,
            jkn = household?.jkn,
        )
    }

    /** The life stages the core sees for the person today (newborn, under_five, school_age, ...). */
    suspend fun lifeStages(personId: String): List<String> =
        session.call { it.visitPlan(personId, false).stages }

    /** `indicator`: wfa, lhfa, wflh, bmifa, hcfa or acfa. */
    suspend fun growthChart(personId: String, indicator: String): GrowthChart =
        session.call { it.growthChart(personId, indicator) }

    suspend fun schedule(personId: String, date: String? = null): PersonSchedule =
        session.call { it.dueItems(personId, date) }

    /** Newest first. */
    suspend fun history(personId: String): List<HistoryEntry> = session.call { it.personHistory(personId) }
}
