//! Households through the core: the RTs a user may open, an RT's households, spelling-tolerant
//! search, registering and editing a household, adding a member, and the household screen's data
//! (members, each member's due items, the family health index) read in one trip to the I/O thread.
package id.posyandu.ilp.app.data

import id.posyandu.ilp.core.AreaNode
import id.posyandu.ilp.core.CodeLabel
import id.posyandu.ilp.core.FamilyHealthIndex
import id.posyandu.ilp.core.HouseholdForm
import id.posyandu.ilp.core.HouseholdRow
import id.posyandu.ilp.core.HouseholdScreen
import id.posyandu.ilp.core.PersonForm
import id.posyandu.ilp.core.PersonSchedule
import id.posyandu.ilp.core.RegistrationResult
import id.posyandu.ilp.core.SearchResult
import id.posyandu.ilp.core.UserInfo
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.asSharedFlow
import kotlinx.coroutines.withContext
import id.posyandu.ilp.core.jknCodes as coreJknCodes
import id.posyandu.ilp.core.relationCodes as coreRelationCodes

/** An RT the user may open, labelled as the kader says it ("RT 002 / RW 001"). */
data class RtChoice(val id: String, val label: String)

/** Everything the household screen shows. */
data class HouseholdView(
    val detail: HouseholdScreen,
    val familyIndex: FamilyHealthIndex,
    /** Each member's schedule, by person id. */
    val schedules: Map<String, PersonSchedule>,
)

class HouseholdRepository(private val session: CoreSession) {
    private val changes = MutableSharedFlow<String>(extraBufferCapacity = 16)

    /**
     * Ids of households written through this repository. Screens further down the back stack
     * listen so they show the edit when the user comes back to them.
     */
    val changed: SharedFlow<String> = changes.asSharedFlow()

    suspend fun currentUser(): UserInfo = session.call { it.currentUser() }

    /**
     * The RTs inside the user's area (a kader's own RTs; every RT of the kelurahan for a bidan or
     * supervisor), in RW then RT order, with the user's own assignments first.
     */
    suspend fun rts(): List<RtChoice> = session.call { core ->
        val assigned = core.currentUser().areaIds.toSet()
        val nodes = core.areaTree()
        val byId = nodes.associateBy { it.id }
        nodes.filter { it.level == "rt" && it.inScope }
            .sortedWith(compareBy({ it.id !in assigned }, { byId[it.parentId]?.code ?: "" }, { it.code }))
            .map { RtChoice(it.id, rtLabel(it, byId)) }
    }

    private fun rtLabel(rt: AreaNode, byId: Map<String, AreaNode>): String {
        val rw = byId[rt.parentId]?.takeIf { it.level == "rw" } ?: return rt.name
        return "${rt.name} / ${rw.name}"
    }

    suspend fun householdsInRt(rtId: String): List<HouseholdRow> = session.call { it.householdsInRt(rtId) }

    /** Persons by name (old spellings and small typos tolerated), NIK, KK or phone. */
    suspend fun search(query: String, limit: Int = 30): List<SearchResult> =
        session.call { it.search(query, limit.toUInt()) }

    suspend fun jknCodes(): List<CodeLabel> = withContext(session.io) { coreJknCodes() }

    suspend fun relationCodes(): List<CodeLabel> = withContext(session.io) { coreRelationCodes() }

    /** One transaction: the household and every member, or nothing (a field error names `members[i].x`). */
    suspend fun register(household: HouseholdForm, members: List<PersonForm>): RegistrationResult =
        session.call { it.registerHousehold(household, members) }.also { changes.tryEmit(it.householdId) }

    suspend fun edit(householdId: String, form: HouseholdForm) {
        session.call { it.editHousehold(householdId, form) }
        changes.tryEmit(householdId)
    }

    /** Adds a newborn or someone moving in; returns the new person's id. */
    suspend fun addMember(householdId: String, member: PersonForm): String =
        session.call { it.addMember(householdId, member) }.also { changes.tryEmit(householdId) }

    suspend fun detail(householdId: String): HouseholdScreen = session.call { it.householdDetail(householdId) }

    /** The household screen's data; `date` (YYYY-MM-DD) fixes the due items' day, today when null. */
    suspend fun view(householdId: String, date: String? = null): HouseholdView = session.call { core ->
        val detail = core.householdDetail(householdId)
        val index = core.familyHealthIndex(householdId)
        val schedules = detail.members.associate { m -> m.personId to core.dueItems(m.personId, date) }
        HouseholdView(detail, index, schedules)
    }
}
