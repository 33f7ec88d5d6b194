//! Coverage for supervisors and bidan: the areas and Posyandu to choose from, an area's coverage
//! table for a month, and the persons or households behind one of its numbers.
package id.posyandu.ilp.app.data

import id.posyandu.ilp.core.AreaNode
import id.posyandu.ilp.core.CoverageView
import id.posyandu.ilp.core.PosyanduView
import id.posyandu.ilp.core.SubjectRow
import id.posyandu.ilp.core.UserInfo

class CoverageRepository(
    private val session: CoreSession,
    /** The phone's today (YYYY-MM-DD). */
    val today: () -> String,
) {
    suspend fun currentUser(): UserInfo = session.call { it.currentUser() }

    /** Areas down to the user's RTs, and the Posyandu serving them: what the area picker lists. */
    suspend fun choices(): Pair<List<AreaNode>, List<PosyanduView>> =
        session.call { it.areaTree() to it.posyanduList() }

    /**
     * The table for `month` (YYYY-MM) of `id`, an area (RT, RW, kelurahan) or a Posyandu: routes
     * carry one id, and Posyandu ids never collide with area ids (both are UUIDs).
     */
    suspend fun coverage(id: String, month: String): CoverageView = session.call { core ->
        val posyandu = core.posyanduList().any { it.id == id }
        if (posyandu) core.coverage(null, id, month) else core.coverage(id, null, month)
    }

    /** Names, ages, addresses and kader of the ids behind a coverage number, in their order. */
    suspend fun describe(ids: List<String>): List<SubjectRow> =
        if (ids.isEmpty()) emptyList() else session.call { it.describeSubjects(ids) }
}
