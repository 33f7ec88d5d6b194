//! The postpartum and newborn visit forms (KF and KN): a mother who delivered ten days ago and her
//! baby, registered through the core; each form opens on the kind the core's plan suggests, and a
//! KN visit saved through the UI marks that KN item done.
package id.posyandu.ilp.app

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.junit4.createComposeRule
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.visit.VisitViewModel
import id.posyandu.ilp.core.HouseholdForm
import id.posyandu.ilp.core.PersonForm
import id.posyandu.ilp.core.SexCode
import id.posyandu.ilp.core.VisitKindForm
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import java.time.LocalDate

@OptIn(ExperimentalTestApi::class)
class PostnatalVisitUiTest {
    @get:Rule
    val rule = createComposeRule()

    private data class Family(val mother: String, val baby: String)

    /** A mother who delivered 10 days ago and her newborn, in the kader's first RT. */
    private fun family(graph: AppGraph): Family {
        val core = graph.session.core.value!!
        val rt = core.areaTree().first { it.level == "rt" && it.inScope }.id
        val today = LocalDate.parse(TestApp.today())
        fun member(name: String, sex: SexCode, born: LocalDate, relation: String, mother: UInt? = null) = PersonForm(
            name = name, sex = sex, birthDate = born.toString(), birthDateEstimated = false, ageYears = null,
            ageMonths = null, nik = null, phone = null, relation = relation, motherMemberIndex = mother,
            motherId = null, description = null,
        )
        val reg = core.registerHousehold(
            HouseholdForm(
                rtId = rt, kkNumber = null, address = "Jl. Suratim No. 4", latitude = null, longitude = null,
                jkn = "pbi", cleanWater = true, healthyLatrine = true, notes = null,
            ),
            listOf(
                member("Yuliana Bana", SexCode.FEMALE, today.minusYears(26), "head"),
                member("Bayi Bana", SexCode.MALE, today.minusDays(10), "child", mother = 0u),
            ),
        )
        val pregnancy = core.registerPregnancy(reg.memberIds[0], today.minusDays(290).toString(), null)
        core.recordPregnancyOutcome(
            pregnancy, "live_birth", System.currentTimeMillis() - 10L * 86_400_000, "Puskesmas Oesapa", "health_facility",
        )
        return Family(reg.memberIds[0], reg.memberIds[1])
    }

    private fun openVisit(graph: AppGraph, personId: String): VisitViewModel {
        rule.runOnIdle { graph.navigator.push(Route.Visit(personId)) }
        rule.waitUntil(30_000) {
            val s = (graph.navigator.current.viewModel as? VisitViewModel)?.state?.value
            s != null && s.person is Load.Ready && s.codes != null && s.plan != null
        }
        rule.waitUntil(30_000) { rule.onAllNodes(hasText("Simpan")).fetchSemanticsNodes().isNotEmpty() }
        return graph.navigator.current.viewModel as VisitViewModel
    }

    @Test
    fun postpartumAndNewbornFormsFollowTheCoresPlan() {
        val graph = TestApp.signedIn()
        val family = family(graph)
        rule.setContent(PhoneFrame(graph))

        val mother = openVisit(graph, family.mother)
        val m = mother.state.value
        assertEquals("postpartum", m.plan!!.lifeStage)
        assertTrue("a KF visit: ${m.kind}", m.kind is VisitKindForm.Kf)
        assertTrue(m.asks("blood_pressure"))
        assertTrue(m.asksQuestion("exclusive_breastfeeding"))
        Screenshots.save(rule, "26b-visit-postpartum-kf")
        rule.runOnIdle { graph.navigator.pop() }

        val baby = openVisit(graph, family.baby)
        val b = baby.state.value
        assertEquals(listOf("newborn", "under_five"), b.plan!!.stages)
        val kn = b.kind as VisitKindForm.Kn
        assertTrue(b.child && b.asks("head_circumference") && !b.asks("muac"))
        rule.onNodeWithContentDescription("Berat badan").performScrollTo().performTextInput("3,4")
        rule.onNodeWithContentDescription("Panjang/tinggi badan").performScrollTo().performTextInput("50,5")
        rule.waitUntil(30_000) { baby.state.value.preview?.zScores?.isNotEmpty() == true }
        Screenshots.save(rule, "26a-visit-newborn-kn")
        rule.onNodeWithText("Simpan").performScrollTo().performClick()
        rule.waitUntil(60_000) { baby.state.value.let { it.saved || it.error != null } }
        assertEquals(null, baby.state.value.error)

        val items = graph.session.core.value!!.dueItems(family.baby, null).items
        val done = items.first { it.kind == "kn" && it.key == "kn:${kn.number}" }
        assertEquals("KN${kn.number} is done today", "done", done.status)
    }
}
