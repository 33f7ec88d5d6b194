package id.posyandu.ilp.app

import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.today.TodayViewModel
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

/** Today's worklist: loading then the RT groups of the kader's area; a tap opens the household. */
class TodayViewModelTest {
    @Test
    fun worklistLoadsGroupedByRt() {
        val graph = TestApp.signedIn()
        val vm = graph.screen<TodayViewModel>()
        val s = vm.state.await { it.worklist !is Load.Loading }
        val list = (s.worklist as Load.Ready).value
        assertTrue("the demo RT has work today", list.itemCount > 0u)
        assertTrue(list.groups.isNotEmpty())
        assertEquals("kader.rw001.a", s.user?.username)
        val counted = list.groups.sumOf { g -> g.stops.sumOf { it.entries.size } }
        assertEquals(list.itemCount.toInt(), counted)
    }

    @Test
    fun tappingAStopOpensItsHousehold() {
        val graph = TestApp.signedIn()
        val vm = graph.screen<TodayViewModel>()
        val list = (vm.state.await { it.worklist is Load.Ready }.worklist as Load.Ready).value
        val stop = list.groups.flatMap { it.stops }.first { it.householdId != null }
        vm.open(stop)
        assertEquals(Route.Household(stop.householdId!!), graph.navigator.current.route)
    }

    @Test
    fun aClosedDatabaseIsAnErrorWithRetry() {
        val graph = TestApp.signedIn()
        val vm = graph.screen<TodayViewModel>()
        vm.state.await { it.worklist is Load.Ready }
        graph.session.core.value!!.closeDatabase()
        vm.refresh()
        val failed = vm.state.await { it.worklist is Load.Failed }
        assertTrue(failed.worklist is Load.Failed)
        graph.session.core.value!!.reopenDatabase()
        vm.refresh()
        vm.state.await { it.worklist is Load.Ready }
    }
}
