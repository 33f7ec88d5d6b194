package id.posyandu.ilp.app

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasScrollAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.junit4.createComposeRule
import androidx.compose.ui.test.onFirst
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollToNode
import id.posyandu.ilp.app.coverage.CoverageDrilldownViewModel
import id.posyandu.ilp.app.coverage.CoverageViewModel
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.posyandu.Days
import org.junit.Assert.assertEquals
import org.junit.Rule
import org.junit.Test

/** The supervisor's coverage tab, a drill-down to who is missing, and a refused month. */
@OptIn(ExperimentalTestApi::class)
class CoverageUiTest {
    @get:Rule
    val rule = createComposeRule()

    private fun waitForText(text: String, substring: Boolean = false, timeoutMs: Long = 30_000) {
        rule.waitUntil(timeoutMs) { rule.onAllNodes(hasText(text, substring = substring)).fetchSemanticsNodes().isNotEmpty() }
    }

    @Test
    fun coverageOfTheKelurahanAndWhoIsMissing() {
        val graph = TestApp.signedIn("supervisor.oesapa")
        rule.setContent(PhoneFrame(graph))
        waitForText("Selamat bertugas", substring = true)

        rule.onNode(hasText("Cakupan") and hasClickAction()).performClick()
        rule.waitUntil(10_000) { graph.navigator.current.viewModel is CoverageViewModel }
        val vm = graph.screen<CoverageViewModel>()
        val view = (vm.state.await { it.coverage is Load.Ready }.coverage as Load.Ready).value
        waitForText(view.rows.first().label)
        Screenshots.save(rule, "40-coverage")

        // Rows before the first with someone missing show "0 belum": the first match is this row.
        val row = view.rows.first { it.missingIds.isNotEmpty() }
        rule.onNode(hasScrollAction()).performScrollToNode(hasText("${row.missingIds.size} belum ›"))
        rule.onAllNodesWithText("${row.missingIds.size} belum ›").onFirst().performClick()
        rule.waitUntil(10_000) { graph.navigator.current.viewModel is CoverageDrilldownViewModel }
        assertEquals(
            Route.CoverageDrilldown(vm.state.value.selected!!.id, view.month, row.code, false),
            graph.navigator.current.route,
        )
        val dd = graph.screen<CoverageDrilldownViewModel>()
        val subjects = (dd.state.await { it.subjects is Load.Ready }.subjects as Load.Ready).value
        waitForText(subjects.first().name, substring = true)
        Screenshots.save(rule, "41-coverage-drilldown")

        val next = Days.plusMonths(TestApp.today().take(7), 1)
        rule.runOnIdle { graph.navigator.push(Route.Coverage(null, next)) }
        waitForText("Bulan:", substring = true)
        Screenshots.save(rule, "42-coverage-error")
    }
}
