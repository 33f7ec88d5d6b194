package id.posyandu.ilp.app

import id.posyandu.ilp.app.coverage.CoverageDrilldownViewModel
import id.posyandu.ilp.app.coverage.CoverageViewModel
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.posyandu.Days
import id.posyandu.ilp.core.CoverageView
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test

/** Coverage for the supervisor of Oesapa: the table, area and month choice, refusals, drill-down. */
class CoverageViewModelTest {
    private fun table(vm: CoverageViewModel): CoverageView =
        (vm.state.await { it.coverage !is Load.Loading }.coverage as? Load.Ready)?.value
            ?: throw AssertionError("coverage failed: ${vm.state.value.coverage}")

    @Test
    fun theSupervisorSeesTheKelurahanThisMonthWithPercents() {
        val graph = TestApp.signedIn("supervisor.oesapa")
        graph.navigator.reset(Route.Coverage())
        val vm = graph.screen<CoverageViewModel>()
        val view = table(vm)
        val s = vm.state.value
        assertEquals(TestApp.today().take(7), view.month)
        assertFalse("no month after this one", s.canGoForward)
        assertEquals("the supervisor's kelurahan", "village", s.selected?.level)
        assertTrue(view.rows.isNotEmpty())
        assertTrue("some indicator has people to count", view.rows.any { it.percent != null })
        view.rows.filter { it.denominator > 0u }.forEach { r ->
            assertEquals(r.code, r.numerator.toDouble() * 100 / r.denominator.toDouble(), r.percent!!, 0.051)
            assertEquals(r.code, (r.denominator - r.numerator).toInt(), r.missingIds.size)
        }
        assertTrue(view.rows.all { it.period in setOf("month", "year_to_date", "as_of") })
        // The core says which way is better: the screen colours coverage, not problems.
        val better = view.rows.associate { it.code to it.better }
        assertEquals("lower", better["stunting"])
        assertEquals("lower", better["bgm"])
        assertEquals("higher", better["k6"])
        assertEquals("neither", better["skdn_s"])

        val choices = (s.choices as Load.Ready).value
        assertEquals(setOf("village", "rw", "rt", "posyandu"), choices.map { it.level }.toSet())
        assertEquals("the kelurahan comes first", "village", choices.first().level)

        val rt = choices.first { it.level == "rt" }
        vm.pickArea(rt)
        val rtView = vm.state.await { it.coverage is Load.Ready && it.selected == rt }.coverage as Load.Ready
        assertTrue(rtView.value.areaLabel, rtView.value.areaLabel.startsWith("RT"))

        val posyandu = choices.first { it.level == "posyandu" }
        vm.pickArea(posyandu)
        val pView = vm.state.await { it.coverage is Load.Ready && it.selected == posyandu }.coverage as Load.Ready
        assertEquals(posyandu.label, pView.value.areaLabel)

        vm.previousMonth()
        val previous = Days.plusMonths(TestApp.today().take(7), -1)
        val back = vm.state.await { it.coverage is Load.Ready && it.month == previous }
        assertEquals(previous, (back.coverage as Load.Ready).value.month)
        assertTrue(back.canGoForward)
    }

    @Test
    fun aKaderAskingBeyondHerRtsIsNotAllowed() {
        // 500 households make several RWs (60 fit in one RT: the kader's RW would be all of it).
        val graph = TestApp.signedIn("kader.rw001.a", households = 500u)
        val (tree, _) = runBlocking { graph.coverage.choices() }
        val kelurahan = tree.first { it.level == "village" }
        assertFalse(kelurahan.inScope)
        graph.navigator.push(Route.Coverage(kelurahan.id, null))
        val vm = graph.screen<CoverageViewModel>()
        val s = vm.state.await { it.coverage !is Load.Loading }
        assertTrue("${s.coverage}", (s.coverage as? Load.Failed)?.error is UiError.NotAllowed)

        // Her own RT is hers to see.
        val own = runBlocking { graph.session.call { it.currentUser() } }.areaIds.first()
        graph.navigator.push(Route.Coverage(own, null))
        table(graph.screen())
    }

    @Test
    fun aFutureMonthIsAValidationErrorNamingTheMonth() {
        val graph = TestApp.signedIn("supervisor.oesapa")
        val next = Days.plusMonths(TestApp.today().take(7), 1)
        graph.navigator.push(Route.Coverage(null, next))
        val vm = graph.screen<CoverageViewModel>()
        val s = vm.state.await { it.coverage !is Load.Loading }
        val e = (s.coverage as? Load.Failed)?.error
        assertTrue("$e", e is UiError.Invalid && e.field == "month")
    }

    @Test
    fun theDrillDownListsWhoIsMissingByName() {
        val graph = TestApp.signedIn("supervisor.oesapa")
        graph.navigator.reset(Route.Coverage())
        val vm = graph.screen<CoverageViewModel>()
        val view = table(vm)
        val row = view.rows.first { it.unit == "person" && it.missingIds.isNotEmpty() }
        vm.openNumber(row, counted = false)
        val area = vm.state.value.selected!!.id
        assertEquals(Route.CoverageDrilldown(area, view.month, row.code, false), graph.navigator.current.route)

        val dd = graph.screen<CoverageDrilldownViewModel>()
        val s = dd.state.await { it.subjects !is Load.Loading }
        val subjects = (s.subjects as? Load.Ready)?.value ?: throw AssertionError("${s.subjects}")
        assertEquals(row.missingIds, subjects.map { it.id })
        assertTrue(subjects.all { it.kind == "person" && it.name.isNotBlank() && it.name != "(tanpa nama)" })
        assertTrue("RT named", subjects.all { it.rtLabel != null })
        assertEquals(row.label, s.row?.label)

        dd.open(subjects.first())
        assertEquals(Route.Person(subjects.first().id), graph.navigator.current.route)
    }

    @Test
    fun theCountedSideOfAHouseholdIndicatorOpensHouseholds() {
        val graph = TestApp.signedIn("supervisor.oesapa")
        graph.navigator.reset(Route.Coverage())
        val vm = graph.screen<CoverageViewModel>()
        val row = table(vm).rows.first { it.unit == "household" && it.numeratorIds.isNotEmpty() }
        vm.openNumber(row, counted = true)
        val dd = graph.screen<CoverageDrilldownViewModel>()
        val subjects = (dd.state.await { it.subjects !is Load.Loading }.subjects as Load.Ready).value
        assertEquals(row.numeratorIds, subjects.map { it.id })
        assertTrue(subjects.all { it.kind == "household" })
        dd.open(subjects.first())
        assertEquals(Route.Household(subjects.first().id), graph.navigator.current.route)
    }
}
