//! Finds demo persons for the person and visit tests among the signed-in kader's households (the
//! demo data is generated, so the tests look people up by what they are rather than by id).
package id.posyandu.ilp.app

import id.posyandu.ilp.core.IlpCore
import id.posyandu.ilp.core.MemberCard

object PersonFixtures {
    private fun core(graph: AppGraph): IlpCore = graph.session.core.value ?: error("nobody is logged in")

    /** Every member of every household in the user's RTs. */
    fun members(graph: AppGraph): List<MemberCard> {
        val core = core(graph)
        val rts = core.areaTree().filter { it.level == "rt" && it.inScope }.map { it.id }
        return rts.flatMap { rt -> core.householdsInRt(rt) }
            .flatMap { h -> core.householdDetail(h.id).members }
    }

    /** A child of 6 months to 4 years with earlier weighings and a weighing due or overdue now. */
    fun weighedChild(graph: AppGraph): MemberCard {
        val core = core(graph)
        return members(graph).firstOrNull { m ->
            val age = m.ageDays ?: return@firstOrNull false
            m.sex != null && age in 180L..1460L && m.latest.weightKg != null && m.latest.lengthOrHeightCm != null &&
                m.pregnancy == null &&
                core.dueItems(m.personId, null).items.any { it.kind == "weighing" && it.status in setOf("due", "overdue") }
        } ?: error("no weighed child with a weighing due in the demo RTs")
    }

    /** A woman with an ongoing pregnancy. */
    fun pregnantWoman(graph: AppGraph): MemberCard =
        members(graph).firstOrNull { it.pregnancy != null && it.pregnancy?.outcome == null }
            ?: error("no ongoing pregnancy in the demo RTs")

    /** An adult of 30 to 70 who is not pregnant. */
    fun adult(graph: AppGraph): MemberCard =
        members(graph).firstOrNull { m ->
            val age = m.ageDays ?: return@firstOrNull false
            age in (30 * 365L)..(70 * 365L) && m.pregnancy == null
        } ?: error("no adult in the demo RTs")
}
