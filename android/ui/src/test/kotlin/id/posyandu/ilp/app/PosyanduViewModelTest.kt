package id.posyandu.ilp.app

import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.posyandu.Days
import id.posyandu.ilp.app.posyandu.PosyanduPickViewModel
import id.posyandu.ilp.app.posyandu.PosyanduSessionState
import id.posyandu.ilp.app.posyandu.PosyanduSessionViewModel
import id.posyandu.ilp.app.today.TodayViewModel
import id.posyandu.ilp.core.ExpectedAttendee
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Test
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneOffset

/** The Posyandu day on the demo kelurahan: pick, expected list, weighing queue, walk-ins, closing. */
class PosyanduViewModelTest {
    /** Logged in as the RW 001 kader, the Posyandu tab picked and its first Posyandu opened for today. */
    private fun openSession(): Pair<AppGraph, PosyanduSessionViewModel> {
        val graph = TestApp.signedIn()
        graph.navigator.reset(Route.PosyanduSession())
        val pick = graph.screen<PosyanduPickViewModel>()
        val list = (pick.state.await { it.posyandu !is Load.Loading }.posyandu as Load.Ready).value
        pick.open(list.first())
        val vm = graph.screen<PosyanduSessionViewModel>()
        vm.state.await { it.session !is Load.Loading }
        return graph to vm
    }

    private fun ready(vm: PosyanduSessionViewModel): PosyanduSessionState =
        vm.state.await { it.session is Load.Ready }

    /** A child on the list still to be weighed (8 kg is plausible at any age under five). */
    private fun childToWeigh(s: PosyanduSessionState): ExpectedAttendee =
        s.view!!.attendees.first { a -> !a.attended && a.items.any { it.kind == "weighing" } }

    @Test
    fun pickingThePosyanduOpensTodaysExpectedList() {
        val graph = TestApp.signedIn()
        graph.navigator.reset(Route.PosyanduSession())
        val pick = graph.screen<PosyanduPickViewModel>()
        val ps = pick.state.await { it.posyandu !is Load.Loading }
        val list = (ps.posyandu as Load.Ready).value
        assertTrue("the kader's RTs have a Posyandu", list.isNotEmpty())
        assertEquals("today by default", TestApp.today(), ps.date)

        pick.previousDay()
        assertEquals(LocalDate.parse(TestApp.today()).minusDays(1).toString(), pick.state.value.date)
        pick.backToToday()
        pick.open(list.first())
        assertEquals(Route.PosyanduSession(list.first().id, TestApp.today()), graph.navigator.current.route)

        val vm = graph.screen<PosyanduSessionViewModel>()
        assertEquals("loading first", Load.Loading, vm.state.value.session)
        val s = ready(vm)
        val view = s.view!!
        assertEquals(list.first().name, s.posyanduName)
        assertTrue("someone is expected today", view.expected > 0u)
        assertEquals(view.expected.toInt(), view.attendees.size)
        assertTrue(view.attendees.all { it.name.isNotBlank() })
        assertTrue("what is due is listed", view.attendees.filter { !it.attended }.all { it.items.isNotEmpty() })
        assertEquals(0u, view.homeVisits)
        assertTrue("today's session can be closed", s.canEnd)
    }

    @Test
    fun weighingAChildMarksThemAttendedAndOpensTheNext() {
        val (graph, vm) = openSession()
        val before = ready(vm)
        val child = childToWeigh(before)
        vm.select(child)
        assertEquals(child.personId, vm.state.value.draft?.personId)
        vm.onWeight("8,4")
        val previewed = vm.state.await { it.draft?.assessment != null }.draft!!.assessment!!
        assertEquals(child.personId, previewed.personId)
        assertTrue(
            "the core reads the weight: ${previewed.zScores} ${previewed.growthNeedsSexAndBirth}",
            previewed.zScores.isNotEmpty() || previewed.growthNeedsSexAndBirth,
        )
        vm.saveWeighing()

        val after = vm.state.await { it.lastSaved != null }
        val view = after.view!!
        assertEquals(before.view!!.attended + 1u, view.attended)
        assertTrue(view.attendees.first { it.personId == child.personId }.attended)
        assertEquals(8.4, after.lastSaved!!.weightKg!!, 1e-9)
        assertNotNull("the assessment of what was saved", after.lastSaved!!.assessment)
        val next = after.draft
        assertNotNull("the next child opens", next)
        assertNotEquals(child.personId, next!!.personId)
        assertFalse(view.attendees.first { it.personId == next.personId }.attended)
        assertEquals("", next.weight)

        val history = runBlocking { graph.session.call { it.personHistory(child.personId) } }
        assertTrue(
            "saved as a Posyandu visit with the weight: ${history.map { it.summary }}",
            history.any { it.summary == "Kunjungan Posyandu" } && history.any { "BB 8.4 kg" in it.summary || "BB 8,4 kg" in it.summary },
        )
    }

    @Test
    fun anImpossibleWeightNamesTheFieldAndTheChildStaysUnattended() {
        val (_, vm) = openSession()
        val before = ready(vm)
        val child = childToWeigh(before)
        vm.select(child)

        vm.onWeight("delapan")
        vm.saveWeighing()
        assertEquals(
            UiError.Invalid(PosyanduSessionViewModel.WEIGHT_FIELD, PosyanduSessionViewModel.NOT_A_NUMBER),
            vm.state.value.draft!!.error,
        )

        vm.onWeight("400")
        vm.saveWeighing()
        val refused = vm.state.await { it.draft?.error != null && it.draft?.saving == false }
        val error = refused.draft!!.error
        assertTrue("refused by the core: $error", error is UiError.Invalid)
        assertEquals("measurement.weight_kg", (error as UiError.Invalid).field)
        assertEquals(child.personId, refused.draft!!.personId)

        vm.refresh()
        val again = ready(vm).view!!
        assertFalse(again.attendees.first { it.personId == child.personId }.attended)
        assertEquals(before.view!!.attended, again.attended)
    }

    @Test
    fun aWalkInIsFoundBySearchAndWeighed() {
        val (graph, vm) = openSession()
        val s = ready(vm)
        val expected = s.view!!.attendees.map { it.personId }.toSet()
        val rt = runBlocking { graph.session.call { it.currentUser() } }.areaIds.first()
        // Someone of the kader's RT who is not on today's list: a household head with nothing due.
        val (name, personId) = runBlocking {
            graph.session.call { core ->
                core.householdsInRt(rt).asSequence()
                    .flatMap { core.householdDetail(it.id).members.asSequence() }
                    .first { it.personId !in expected && it.name != null }
                    .let { it.name!! to it.personId }
            }
        }
        vm.showWalkIn(true)
        vm.onWalkInQuery(name)
        val results = vm.state.await { it.walkInResults is Load.Ready }.walkInResults as Load.Ready
        val hit = results.value.firstOrNull { it.personId == personId }
        assertNotNull("search finds $name: ${results.value.map { it.name }}", hit)

        vm.addWalkIn(hit!!)
        val opened = vm.state.value
        assertEquals(personId, opened.draft?.personId)
        assertEquals(listOf(personId), opened.walkIns.map { it.personId })
        assertFalse(opened.walkInOpen)

        vm.onWeight("62")
        vm.saveWeighing()
        val after = vm.state.await { it.lastSaved?.personId == personId }
        assertTrue("marked weighed", after.walkIns.single().weighed)
        assertEquals(s.view!!.attended + 1u, after.view!!.attended)
    }

    @Test
    fun closingTheSessionMakesTheAbsenteesHomeVisitsOnTodaysWorklist() {
        val (graph, vm) = openSession()
        val before = ready(vm)
        val child = childToWeigh(before)
        vm.select(child)
        vm.onWeight("8")
        vm.saveWeighing()
        vm.state.await { it.lastSaved != null }

        vm.askToEnd(true)
        assertTrue(vm.state.value.confirmingEnd)
        vm.endSession()
        val ended = vm.state.await { it.view?.ended == true }
        val view = ended.view!!
        assertFalse("closed once", ended.canEnd)
        val absent = ended.homeVisits
        assertTrue("someone did not come", absent.isNotEmpty())
        assertEquals(view.expected - view.attended, view.homeVisits)
        assertTrue(absent.none { it.attended })
        assertFalse("the child who came is no home visit", absent.any { it.personId == child.personId })

        vm.openToday()
        val today = graph.screen<TodayViewModel>()
        val list = (today.state.await { it.worklist !is Load.Loading }.worklist as Load.Ready).value
        val missed = list.groups.flatMap { it.stops }.filter { it.missedPosyanduOn == TestApp.today() }
        val missedPersons = missed.flatMap { stop -> stop.entries.map { it.item.personId } }.toSet()
        assertTrue(
            "every absentee is on Today's worklist as 'did not come': " +
                "${absent.map { it.name }} vs ${missed.map { it.headName }}",
            absent.all { it.personId in missedPersons },
        )
    }

    @Test
    fun lengkapOpensTheFullVisitAndTheListCatchesUpOnReturn() {
        val (graph, vm) = openSession()
        val s = ready(vm)
        val child = childToWeigh(s)
        vm.select(child)
        vm.openFullVisit(child.personId)
        assertEquals(Route.Visit(child.personId, s.posyanduId), graph.navigator.current.route)

        // What the full form saves (a Posyandu visit at this Posyandu), then back.
        runBlocking {
            graph.posyandu.recordWeighing(
                s.posyanduId, child.personId, s.date,
                id.posyandu.ilp.core.MeasurementForm(8.0, null, null, null, null, null, null, null, null),
            )
        }
        graph.navigator.pop()
        val back = vm.state.await { st -> st.view?.attendees?.first { it.personId == child.personId }?.attended == true }
        assertEquals(s.view!!.attended + 1u, back.view!!.attended)
    }

    @Test
    fun aFutureSessionCannotBeClosedAndTheCoreNamesTheDate() {
        val graph = TestApp.signedIn()
        val posyandu = runBlocking { graph.posyandu.posyanduList() }.first()
        val tomorrow = LocalDate.parse(TestApp.today()).plusDays(1).toString()
        graph.navigator.push(Route.PosyanduSession(posyandu.id, tomorrow))
        val vm = graph.screen<PosyanduSessionViewModel>()
        val s = ready(vm)
        assertFalse("no Tutup Posyandu before the day", s.canEnd)
        vm.endSession()
        val e = vm.state.await { it.endError != null }.endError
        assertTrue("$e", e is UiError.Invalid && e.field == "date")
    }

    @Test
    fun aClosedDatabaseIsAnErrorWithRetry() {
        val (graph, vm) = openSession()
        graph.session.core.value!!.closeDatabase()
        vm.refresh()
        val failed = vm.state.await { it.session is Load.Failed }
        assertTrue(failed.session is Load.Failed)
        graph.session.core.value!!.reopenDatabase()
        vm.refresh()
        ready(vm)
    }

    @Test
    fun daysFollowTheCalendar() {
        assertEquals("2024-02-29", Days.plusDays("2024-03-01", -1))
        assertEquals("2025-01-01", Days.plusDays("2024-12-31", 1))
        assertEquals("2026-01", Days.plusMonths("2025-12", 1))
        assertEquals("2025-12", Days.plusMonths("2026-01", -1))
        assertEquals("2026-11-21", Days.fromUtcMillis(Days.toUtcMillis("2026-11-21")))
        val now = System.currentTimeMillis()
        assertEquals(
            Instant.ofEpochMilli(now).atOffset(ZoneOffset.ofHours(8)).toLocalDate().toString(),
            Days.today(now, 480),
        )
        // 09:00 WITA is 01:00 UTC the same day.
        assertEquals(
            Instant.parse("2026-11-21T01:00:00Z").toEpochMilli(),
            Days.localTimeMs("2026-11-21", 9, 480),
        )
        assertEquals("Sabtu, 21 Nov 2026", Days.dayLabel("2026-11-21", id.posyandu.ilp.app.i18n.Language.Indonesian))
    }
}
