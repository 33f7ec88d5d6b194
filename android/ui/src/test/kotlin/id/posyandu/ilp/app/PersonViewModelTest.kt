//! The person screen's view model: profile, growth chart, immunization card, pregnancy and history
//! of demo persons; the indicator picker; a load failure with retry; reload after a saved visit.
package id.posyandu.ilp.app

import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.person.PersonState
import id.posyandu.ilp.app.person.PersonTab
import id.posyandu.ilp.app.person.PersonViewModel
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Test

class PersonViewModelTest {
    private fun loaded(s: PersonState) =
        s.profile !is Load.Loading && s.schedule !is Load.Loading && s.history !is Load.Loading && s.chart !is Load.Loading

    private fun open(graph: AppGraph, personId: String): PersonViewModel {
        graph.navigator.push(Route.Person(personId))
        return graph.screen()
    }

    @Test
    fun childLoadsProfileChartCardAndHistory() {
        val graph = TestApp.signedIn()
        val child = PersonFixtures.weighedChild(graph)
        val vm = open(graph, child.personId)
        val s = vm.state.await { loaded(it) }
        val profile = (s.profile as Load.Ready).value
        assertEquals(child.name, profile.subject.name)
        assertEquals(child.personId, profile.card?.personId)
        assertEquals(child.ageLabel, profile.subject.ageLabel)
        assertNotNull("a household member has a place", profile.placeLabel)
        assertNotNull("JKN comes from the household", profile.jknLabel)
        assertTrue("chart: ${s.chart}", s.chart is Load.Ready)
        assertTrue("immunization card: ${s.schedule}", s.immunizations.isNotEmpty())
        assertTrue(s.immunizations.all { it.kind == "immunization" || it.kind == "bias" })
        assertTrue("a child has had immunizations", s.immunizations.any { it.status == "done" && it.doneOn != null })
        assertTrue("history", (s.history as Load.Ready).value.isNotEmpty())
        assertEquals(listOf(PersonTab.Profile, PersonTab.Growth, PersonTab.Immunization, PersonTab.History), s.tabs)
        assertNotEquals("AWT-EventQueue-0", graph.session.lastCallThread)
    }

    @Test
    fun growthChartHasSevenCurvesAndTheChildsWeighings() {
        val graph = TestApp.signedIn()
        val child = PersonFixtures.weighedChild(graph)
        val vm = open(graph, child.personId)
        val s = vm.state.await { loaded(it) }
        val chart = (s.chart as Load.Ready).value
        assertEquals("wfa", chart.indicator)
        assertTrue(chart.curves.size > 10)
        assertTrue("−3..+3 SD: 7 lines", chart.curves.all { it.sd.size == 7 })
        assertTrue("lines in order", chart.curves.all { c -> c.sd.zipWithNext().all { (a, b) -> a < b } })
        // Every weighing in the history is a point, with the latest weight last.
        val weighings = (s.history as Load.Ready).value.count { it.kind == "measurement" && it.summary.contains("BB ") }
        assertEquals(weighings, chart.points.size)
        assertEquals(child.latest.weightKg!!, chart.points.last().value, 1e-9)
        assertTrue("KMS codes on weight-for-age", chart.points.drop(1).any { it.kmsCode != null })

        vm.selectIndicator("lhfa")
        val lhfa = vm.state.await { it.indicator == "lhfa" && it.chart is Load.Ready }
        val lengths = (lhfa.chart as Load.Ready).value
        assertEquals("lhfa", lengths.indicator)
        assertEquals(child.latest.lengthOrHeightCm!!, lengths.points.last().value, 1e-9)
    }

    @Test
    fun pregnantWomanShowsAncProgressAndNoGrowthChart() {
        val graph = TestApp.signedIn()
        val woman = PersonFixtures.pregnantWoman(graph)
        val vm = open(graph, woman.personId)
        val s = vm.state.await { loaded(it) }
        assertEquals(null, s.chart)
        assertTrue(PersonTab.Pregnancy in s.tabs)
        assertFalse(PersonTab.Growth in s.tabs)
        val anc = s.ancItems
        assertTrue("ANC contacts of the pregnancy: ${(s.schedule as Load.Ready).value.items.map { it.key }}", anc.isNotEmpty())
        assertTrue(anc.all { it.key.startsWith("anc:" + woman.pregnancy!!.id) })
        vm.selectTab(PersonTab.Pregnancy)
        assertEquals(PersonTab.Pregnancy, vm.state.value.tab)
    }

    @Test
    fun aClosedDatabaseIsAnErrorWithRetry() {
        val graph = TestApp.signedIn()
        val child = PersonFixtures.weighedChild(graph)
        graph.session.core.value!!.closeDatabase()
        val vm = open(graph, child.personId)
        val failed = vm.state.await { it.profile is Load.Failed }
        assertTrue(failed.profile is Load.Failed)
        graph.session.core.value!!.reopenDatabase()
        vm.refresh()
        vm.state.await { it.profile is Load.Ready && loaded(it) }
    }

    @Test
    fun recordVisitOpensTheVisitForm() {
        val graph = TestApp.signedIn()
        val child = PersonFixtures.weighedChild(graph)
        val vm = open(graph, child.personId)
        vm.state.await { loaded(it) }
        vm.recordVisit()
        assertEquals(Route.Visit(child.personId), graph.navigator.current.route)
    }

    @Test
    fun historyShowsEachVisitWithItsParts() {
        val graph = TestApp.signedIn()
        val child = PersonFixtures.weighedChild(graph)
        val history = graph.session.core.value!!.personHistory(child.personId)
        val groups = id.posyandu.ilp.app.person.visitsOf(history)
        assertEquals("nothing lost", history, groups.flatten())
        assertTrue("one visit per group", groups.all { g -> g.count { it.kind == "visit" } <= 1 })
        assertEquals(history.count { it.kind == "visit" }, groups.count { g -> g.any { it.kind == "visit" } })
        assertTrue("parts of a visit belong to it", groups.all { g ->
            val visit = g.firstOrNull { it.kind == "visit" } ?: return@all true
            g.all { it === visit || it.visitId == visit.eventId }
        })
        assertTrue("a weighing sits with its visit", groups.any { g -> g.any { it.kind == "visit" } && g.any { it.kind == "measurement" } })
    }

    private fun assertNotEquals(unexpected: Any?, actual: Any?) = org.junit.Assert.assertNotEquals(unexpected, actual)
}
