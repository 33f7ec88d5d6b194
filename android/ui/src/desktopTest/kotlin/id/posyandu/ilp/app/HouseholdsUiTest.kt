//! The household screens driven through the UI on the desktop JVM: the RT's list and a search by
//! another spelling, registering a household end to end (a field error on a member row first),
//! the household screen and its edit form; screenshots 10 to 15.
package id.posyandu.ilp.app

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.hasAnyAncestor
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.junit4.createComposeRule
import androidx.compose.ui.test.onFirst
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.performTextClearance
import androidx.compose.ui.test.performTextInput
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.households.HouseholdViewModel
import id.posyandu.ilp.app.households.HouseholdsViewModel
import id.posyandu.ilp.app.households.RegisterHouseholdViewModel
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.today.TodayViewModel
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test

@OptIn(ExperimentalTestApi::class)
class HouseholdsUiTest {
    @get:Rule
    val rule = createComposeRule()

    private fun waitFor(timeoutMs: Long = 30_000, what: () -> androidx.compose.ui.test.SemanticsMatcher) =
        rule.waitUntil(timeoutMs) { rule.onAllNodes(what()).fetchSemanticsNodes().isNotEmpty() }

    @Test
    fun theRtsHouseholdsAndASearchByAnotherSpelling() {
        val graph = TestApp.signedIn()
        graph.navigator.reset(Route.Households())
        rule.setContent(PhoneFrame(graph))
        waitFor { hasTestTag("households") }
        Screenshots.save(rule, "10-households")

        val vm = graph.screen<HouseholdsViewModel>()
        val rows = (vm.state.value.households as Load.Ready).value
        val row = rows.firstOrNull { h -> h.headName?.let { it.contains("oe") || it.contains('u') } == true }
            ?: rows.first { it.headName != null }
        val typed = respell(row.headName!!)
        rule.onNodeWithTag("search").performTextInput(typed)
        rule.waitUntil(30_000) { vm.state.value.results is Load.Ready }
        val inResults = hasText(row.headName!!) and hasAnyAncestor(hasTestTag("results"))
        waitFor { inResults }
        Screenshots.save(rule, "11-search")
        rule.onAllNodes(inResults).onFirst().performClick()
        rule.waitUntil(10_000) { graph.navigator.current.route == Route.Household(row.id) }
    }

    @Test
    fun registerAHouseholdThroughTheForm() {
        val graph = TestApp.signedIn()
        graph.navigator.reset(Route.Households())
        rule.setContent(PhoneFrame(graph))
        waitFor { hasTestTag("register") }
        rule.onNodeWithTag("register").performClick()
        waitFor { hasTestTag("household-address") }
        val form = graph.screen<RegisterHouseholdViewModel>()

        rule.onNodeWithTag("household-address").performTextInput("Jl. Adisucipto Gg. 3 No. 8")
        rule.onNodeWithTag("jkn-pbi").performScrollTo().performClick()
        rule.onNodeWithTag("member-0-name").performScrollTo().performTextInput("Maria Ndolu")
        rule.onNodeWithTag("member-0-sex-FEMALE").performScrollTo().performClick()
        rule.onNodeWithTag("member-0-birth").performScrollTo().performTextInput("12-03-1991")
        rule.onNodeWithTag("household-address").performScrollTo()
        Screenshots.save(rule, "12-register")

        rule.onNodeWithTag("add-member-row").performScrollTo().performClick()
        rule.onNodeWithTag("member-1-name").performScrollTo().performTextInput("Petrus Ndolu")
        rule.onNodeWithTag("member-1-sex-MALE").performScrollTo().performClick()
        rule.onNodeWithTag("member-1-relation").performScrollTo().performClick()
        waitFor { hasTestTag("member-1-relation-spouse") }
        rule.onNodeWithTag("member-1-relation-spouse").performClick()
        rule.onNodeWithTag("member-1-nik").performScrollTo().performTextInput("537101010180000")
        rule.onNodeWithTag("save").performClick()
        rule.waitUntil(30_000) { form.state.value.error != null }
        assertEquals("members[1].nik", (form.state.value.error as id.posyandu.ilp.app.data.UiError.Invalid).field)
        waitFor { hasTestTag("form-error") }
        rule.onNodeWithTag("member-1-nik").performScrollTo()
        Screenshots.save(rule, "13-register-error")

        rule.onNodeWithTag("member-1-nik").performTextClearance()
        rule.onNodeWithTag("save").performClick()
        rule.waitUntil(30_000) { graph.navigator.current.route is Route.Household }
        waitFor { hasText("Jl. Adisucipto Gg. 3 No. 8") }
        waitFor { hasText("Maria Ndolu") and hasAnyAncestor(hasTestTag("household")) }
        val household = graph.screen<HouseholdViewModel>()
        val members = (household.state.value.view as Load.Ready).value.detail.members
        assertEquals(setOf("Maria Ndolu", "Petrus Ndolu"), members.mapNotNull { it.name }.toSet())
    }

    @Test
    fun theHouseholdScreenAndItsEditForm() {
        val graph = TestApp.signedIn()
        val today = graph.screen<TodayViewModel>()
        val list = (today.state.await { it.worklist is Load.Ready }.worklist as Load.Ready).value
        // The household with the most to do makes the screenshot worth reviewing.
        val stop = list.groups.flatMap { it.stops }.filter { it.householdId != null }.maxBy { it.entries.size }
        graph.navigator.push(Route.Household(stop.householdId!!))
        rule.setContent(PhoneFrame(graph))
        val vm = graph.screen<HouseholdViewModel>()
        rule.waitUntil(30_000) { vm.state.value.view is Load.Ready }
        waitFor { hasTestTag("edit-household") }
        Screenshots.save(rule, "14-household")
        rule.onNodeWithTag("household").performScrollToNode(hasTestTag("iks"))
        waitFor { hasText("Indeks Keluarga Sehat (IKS)") }

        rule.onNodeWithTag("household").performScrollToNode(hasTestTag("edit-household"))
        rule.onNodeWithTag("edit-household").performClick()
        waitFor { hasTestTag("household-address") }
        Screenshots.save(rule, "15-edit-household")
        rule.onNodeWithTag("household-address").performTextClearance()
        rule.onNodeWithTag("household-address").performTextInput("Jl. Timor Raya Km 9")
        rule.onNodeWithTag("save").performClick()
        rule.waitUntil(30_000) { graph.navigator.current.route == Route.Household(stop.householdId!!) }
        waitFor { hasText("Jl. Timor Raya Km 9") }
        assertTrue(graph.navigator.current.viewModel === vm)
    }

    /** Another spelling of a name: "oe" for "u" and back, or two letters swapped. */
    private fun respell(name: String): String = when {
        name.contains("oe") -> name.replaceFirst("oe", "u")
        name.contains('u') -> name.replaceFirst("u", "oe")
        else -> {
            val i = name.indexOfFirst { it.isLetter() } + 1
            name.substring(0, i) + name[i + 1] + name[i] + name.substring(i + 2)
        }
    }
}
