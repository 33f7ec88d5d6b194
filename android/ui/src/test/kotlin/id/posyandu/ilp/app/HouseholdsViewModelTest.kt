//! The household screens' view models against the real core on the demo kelurahan: an RT's
//! households, spelling-tolerant search, registering (saved, field error on a member row, NIK
//! warning, NIK already used), the household screen, editing, adding a member, area limits.
package id.posyandu.ilp.app

import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.households.EditHouseholdViewModel
import id.posyandu.ilp.app.households.FieldRef
import id.posyandu.ilp.app.households.HouseholdViewModel
import id.posyandu.ilp.app.households.HouseholdsViewModel
import id.posyandu.ilp.app.households.MemberDraft
import id.posyandu.ilp.app.households.RegisterHouseholdViewModel
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.today.TodayViewModel
import id.posyandu.ilp.core.SexCode
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

class HouseholdsViewModelTest {
    private fun households(graph: AppGraph, route: Route.Households = Route.Households()): HouseholdsViewModel {
        graph.navigator.reset(route)
        return graph.screen()
    }

    private fun ready(vm: HouseholdsViewModel) =
        (vm.state.await { it.households !is Load.Loading }.households as Load.Ready).value

    @Test
    fun theKadersRtHouseholdsLoad() {
        val graph = TestApp.signedIn()
        val vm = households(graph)
        val rows = ready(vm)
        val s = vm.state.value
        val rts = (s.rts as Load.Ready).value
        assertTrue("a kader has her RTs", rts.isNotEmpty())
        assertTrue("every RT of hers is in RW 001: $rts", rts.all { it.label.contains("RW 001") })
        assertEquals("the first RT opens", rts.first().id, s.rtId)
        assertTrue("the demo RT has households", rows.isNotEmpty())
        assertTrue(rows.all { it.memberCount > 0u && it.jknLabel.isNotEmpty() })

        // Another of her RTs shows its own households.
        if (rts.size > 1) {
            vm.selectRt(rts[1].id)
            val other = (vm.state.await { it.rtId == rts[1].id && it.households is Load.Ready }.households as Load.Ready).value
            assertTrue(other.map { it.id }.intersect(rows.map { it.id }.toSet()).isEmpty())
        }
        vm.open(rows.first())
        assertEquals(Route.Household(rows.first().id), graph.navigator.current.route)
    }

    @Test
    fun aBidanPicksAnyRtOfTheKelurahan() {
        val kader = runBlocking { TestApp.signedIn(households = MANY).households.rts() }
        val graph = TestApp.signedIn("bidan.oesapa.1", MANY)
        val vm = households(graph)
        ready(vm)
        val rts = (vm.state.value.rts as Load.Ready).value
        assertTrue("the bidan sees more RTs (${rts.size}) than a kader (${kader.size})", rts.size > kader.size)
        val elsewhere = rts.first { rt -> kader.none { it.id == rt.id } }
        vm.selectRt(elsewhere.id)
        val rows = (vm.state.await { it.rtId == elsewhere.id && it.households is Load.Ready }.households as Load.Ready).value
        assertTrue(rows.isNotEmpty())
    }

    @Test
    fun searchFindsAnOldSpellingOrATypo() {
        val graph = TestApp.signedIn()
        val vm = households(graph)
        val rows = ready(vm)
        val row = rows.firstOrNull { h -> h.headName?.let { it.contains("oe", true) || it.contains('u') } == true }
            ?: rows.first { it.headName != null }
        val name = row.headName!!
        val typed = respell(name)
        assertNotEquals(name, typed)

        vm.onQuery("a")
        assertNull("one letter does not search", vm.state.value.results)
        vm.onQuery(typed)
        val found = (vm.state.await { it.query == typed && it.results is Load.Ready }.results as Load.Ready).value
        val hit = found.firstOrNull { it.name == name && it.householdId == row.id }
        assertTrue("'$typed' finds '$name' in ${found.map { it.name }}", hit != null)
        vm.open(hit!!)
        assertEquals(Route.Household(row.id), graph.navigator.current.route)
    }

    @Test
    fun registerSavesAndOpensTheHousehold() {
        val graph = TestApp.signedIn()
        val list = households(graph)
        ready(list)
        val rtId = list.state.value.rtId!!
        list.register()
        assertEquals(Route.RegisterHousehold(rtId), graph.navigator.current.route)
        val vm = graph.screen<RegisterHouseholdViewModel>()
        assertTrue("the form loads first", vm.state.value.options is Load.Loading || vm.state.value.options is Load.Ready)
        val form = vm.state.await { it.options is Load.Ready && it.household != null }
        assertEquals(rtId, form.rt?.id)
        assertTrue((form.options as Load.Ready).value.jkn.any { it.code == "pbi" })

        vm.onHousehold(form.household!!.copy(address = "Jl. Timor Raya 21", jkn = "pbi", cleanWater = true))
        vm.onMember(vm.state.value.members[0].copy(name = "Maria Ndolu", sex = SexCode.FEMALE, birthDate = "12-03-1991"))
        vm.addMemberRow()
        val child = vm.state.value.members[1]
        vm.onMember(child.copy(name = "Yosef Ndolu", sex = SexCode.MALE, birthDate = TestApp.today().let { daysAgo(it, 200) }, relation = "child", motherKey = vm.state.value.members[0].key))
        vm.save()
        assertTrue("saving shows at once", vm.state.value.saving || graph.navigator.current.route is Route.Household)

        val route = graph.navigator.stack.await { it.last().route is Route.Household }.last().route as Route.Household
        assertEquals(vm.state.value.saved?.householdId, route.householdId)
        assertEquals("the form is replaced, the list stays under it", 2, graph.navigator.stack.value.size)
        val household = graph.screen<HouseholdViewModel>()
        val view = (household.state.await { it.view !is Load.Loading }.view as Load.Ready).value
        assertEquals("Jl. Timor Raya 21", view.detail.address)
        assertEquals("pbi", view.detail.jkn)
        assertEquals(setOf("Maria Ndolu", "Yosef Ndolu"), view.detail.members.mapNotNull { it.name }.toSet())
        val baby = view.detail.members.first { it.name == "Yosef Ndolu" }
        val mother = view.detail.members.first { it.name == "Maria Ndolu" }
        assertEquals("the child's mother is the member picked in the form", mother.personId, baby.motherId)
        assertTrue("a 200-day-old has immunizations on his schedule", view.schedules.getValue(baby.personId).items.any { it.kind == "immunization" })

        // Back on the list, the new household is there.
        graph.navigator.pop()
        list.state.await { s -> (s.households as? Load.Ready)?.value?.any { it.id == route.householdId } == true }
    }

    @Test
    fun aFieldErrorNamesTheMemberRow() {
        val graph = TestApp.signedIn()
        graph.navigator.reset(Route.RegisterHousehold(null))
        val vm = graph.screen<RegisterHouseholdViewModel>()
        val form = vm.state.await { it.household != null }
        assertTrue("null RT: the kader's first RT", form.rt != null)
        vm.onHousehold(form.household!!.copy(address = "Jl. Salah NIK 1"))
        vm.onMember(vm.state.value.members[0].copy(name = "Agustina Bana", sex = SexCode.FEMALE, birthDate = "1985-07-01"))
        vm.addMemberRow()
        vm.onMember(vm.state.value.members[1].copy(name = "Petrus Bana", sex = SexCode.MALE, nik = "537101010180000", relation = "spouse"))
        vm.save()
        val s = vm.state.await { !it.saving && it.error != null }
        val e = s.error as UiError.Invalid
        assertEquals("members[1].nik", e.field)
        assertEquals(FieldRef(1, "nik"), s.errorField)
        assertTrue(graph.navigator.current.route is Route.RegisterHousehold)

        // Removing the row clears the error (its index would point elsewhere) and saving succeeds.
        vm.removeMemberRow(vm.state.value.members[1].key)
        assertNull(vm.state.value.error)
        vm.save()
        graph.navigator.stack.await { it.last().route is Route.Household }
    }

    @Test
    fun nikWarningsShowAfterSavingAndADuplicateNikIsRefused() {
        val graph = TestApp.signedIn()
        graph.navigator.reset(Route.Households())
        graph.navigator.push(Route.RegisterHousehold(null))
        val vm = graph.screen<RegisterHouseholdViewModel>()
        val form = vm.state.await { it.household != null }
        // A man's NIK (day of birth under 40) for a woman: saved, with a warning to check.
        val nik = "5371011203910007"
        vm.onHousehold(form.household!!.copy(address = "Jl. Cek NIK 3"))
        vm.onMember(vm.state.value.members[0].copy(name = "Yuliana Manafe", sex = SexCode.FEMALE, birthDate = "12-03-1991", nik = nik))
        vm.save()
        val saved = vm.state.await { it.saved != null }
        assertTrue("warnings: ${saved.saved!!.warnings}", saved.saved!!.warnings.isNotEmpty())
        assertEquals(0u, saved.saved!!.warnings[0].memberIndex)
        assertTrue("the form stays until the warning is read", graph.navigator.current.route is Route.RegisterHousehold)
        vm.openSaved()
        assertEquals(Route.Household(saved.saved!!.householdId), graph.navigator.current.route)

        graph.navigator.push(Route.RegisterHousehold(null))
        val again = graph.screen<RegisterHouseholdViewModel>()
        val form2 = again.state.await { it.household != null }
        again.onHousehold(form2.household!!.copy(address = "Jl. Cek NIK 4"))
        again.onMember(again.state.value.members[0].copy(name = "Yuliana M.", sex = SexCode.FEMALE, nik = nik))
        again.save()
        val dup = again.state.await { it.error != null }.error
        assertTrue("the same NIK again: $dup", dup is UiError.DuplicateNik)
        again.openExisting()
        assertEquals(Route.Person(saved.saved!!.memberIds[0]), graph.navigator.current.route)
    }

    @Test
    fun theHouseholdScreenShowsMembersDueItemsAndTheFamilyIndex() {
        val graph = TestApp.signedIn()
        val today = graph.screen<TodayViewModel>()
        val list = (today.state.await { it.worklist is Load.Ready }.worklist as Load.Ready).value
        val stop = list.groups.flatMap { it.stops }.first { it.householdId != null }
        today.open(stop)
        val vm = graph.screen<HouseholdViewModel>()
        assertTrue(vm.state.value.view is Load.Loading || vm.state.value.view is Load.Ready)
        val view = (vm.state.await { it.view !is Load.Loading }.view as Load.Ready).value
        assertEquals(stop.householdId, view.detail.id)
        assertTrue(view.detail.members.isNotEmpty())
        assertEquals(view.detail.members.map { it.personId }.toSet(), view.schedules.keys)
        val open = view.schedules.values.flatMap { it.items }.filter { it.status == "due" || it.status == "overdue" }
        assertTrue("the worklist's items are open on the household screen", stop.entries.all { e -> open.any { it.key == e.item.key } })
        assertEquals(12, view.familyIndex.indicators.size)
        assertTrue(view.detail.jknLabel.isNotEmpty())

        val member = view.detail.members.first().personId
        vm.visit(member)
        assertEquals(Route.Visit(member), graph.navigator.current.route)
        graph.navigator.pop()
        vm.openPerson(member)
        assertEquals(Route.Person(member), graph.navigator.current.route)
    }

    @Test
    fun aVisitSavedElsewhereShowsOnTheHouseholdWhenBack() {
        val graph = TestApp.signedIn()
        val today = graph.screen<TodayViewModel>()
        val list = (today.state.await { it.worklist is Load.Ready }.worklist as Load.Ready).value
        today.open(list.groups.flatMap { it.stops }.first { it.householdId != null })
        val vm = graph.screen<HouseholdViewModel>()
        val view = (vm.state.await { it.view is Load.Ready }.view as Load.Ready).value
        val adult = view.detail.members.first { (it.ageDays ?: 0) > 20 * 365 }
        // What the visit form sends for an adult's weighing, through the same repository.
        runBlocking {
            graph.visits.record(
                id.posyandu.ilp.core.VisitForm(
                    adult.personId, null, id.posyandu.ilp.core.VisitKindForm.HomeVisit, null, null, null,
                    id.posyandu.ilp.core.MeasurementForm(61.3, null, null, null, null, null, null, null, null),
                    emptyList(), emptyList(), emptyList(), null, null, null, null,
                ),
            )
        }
        val reloaded = vm.state.await { s ->
            (s.view as? Load.Ready)?.value?.detail?.members?.first { it.personId == adult.personId }?.latest?.weightKg == 61.3
        }
        assertTrue(reloaded.view is Load.Ready)
    }

    @Test
    fun editChangesAddressAndJknAndTheHouseholdShowsIt() {
        val graph = TestApp.signedIn()
        val list = households(graph)
        val row = ready(list).first()
        list.open(row)
        val household = graph.screen<HouseholdViewModel>()
        household.state.await { it.view is Load.Ready }
        household.edit()
        val vm = graph.screen<EditHouseholdViewModel>()
        val form = vm.state.await { it.household != null }
        assertEquals(row.address ?: "", form.household!!.address)
        val jkn = if (form.household!!.jkn == "not_enrolled") "non_pbi" else "not_enrolled"
        vm.onHousehold(form.household!!.copy(address = "Jl. Baru 7", jkn = jkn, healthyLatrine = false))
        vm.save()
        graph.navigator.stack.await { it.last().route == Route.Household(row.id) }
        val view = household.state.await { (it.view as? Load.Ready)?.value?.detail?.address == "Jl. Baru 7" }.view as Load.Ready
        assertEquals(jkn, view.value.detail.jkn)
        assertEquals(false, view.value.detail.healthyLatrine)
    }

    @Test
    fun addingAMemberInPlaceAndItsFieldError() {
        val graph = TestApp.signedIn()
        val list = households(graph)
        val row = ready(list).first()
        list.open(row)
        val vm = graph.screen<HouseholdViewModel>()
        val before = (vm.state.await { it.view is Load.Ready }.view as Load.Ready).value.detail.members.size
        vm.startAddMember()
        vm.onNewMember(MemberDraft(0, name = "Bayi Baru", sex = SexCode.FEMALE, birthDate = "31-02-2024", relation = "child"))
        vm.saveMember()
        val failed = vm.state.await { it.addError != null }
        assertEquals("birth_date", (failed.addError as UiError.Invalid).field)
        assertEquals(FieldRef(null, "birth_date"), failed.addErrorField)
        assertTrue(failed.relations.any { it.code == "child" })

        vm.onNewMember(failed.adding!!.copy(birthDate = daysAgo(TestApp.today(), 10)))
        vm.saveMember()
        val s = vm.state.await { it.adding == null && (it.view as? Load.Ready)?.value?.detail?.members?.size == before + 1 }
        assertNull(s.addError)
    }

    @Test
    fun aKaderCannotOpenAHouseholdOutsideHerRts() {
        // The demo is the same for every user (same seed and day), so the ids match.
        val bidan = TestApp.signedIn("bidan.oesapa.1", MANY)
        val kaderGraph = TestApp.signedIn(households = MANY)
        val kaderRts = runBlocking { kaderGraph.households.rts() }.map { it.id }.toSet()
        val foreignRt = runBlocking { bidan.households.rts() }.first { it.id !in kaderRts }
        val foreign = runBlocking { bidan.households.householdsInRt(foreignRt.id) }.first()

        kaderGraph.navigator.push(Route.Household(foreign.id))
        val vm = kaderGraph.screen<HouseholdViewModel>()
        val s = vm.state.await { it.view !is Load.Loading }
        assertTrue("outside her area: ${s.view}", (s.view as Load.Failed).error is UiError.NotAllowed)

        val list = households(kaderGraph, Route.Households(foreignRt.id))
        val l = list.state.await { it.households !is Load.Loading }
        assertTrue((l.households as Load.Failed).error is UiError.NotAllowed)
    }

    @Test
    fun aClosedDatabaseIsAnErrorWithRetry() {
        val graph = TestApp.signedIn()
        val vm = households(graph)
        ready(vm)
        graph.session.core.value!!.closeDatabase()
        vm.selectRt(vm.state.value.rtId!!)
        val failed = vm.state.await { it.households is Load.Failed }
        assertFalse((failed.households as Load.Failed).error is UiError.NotAllowed)
        graph.session.core.value!!.reopenDatabase()
        vm.retry()
        ready(vm)
    }

    companion object {
        /** Enough households for two RWs or more (the default demo fills one RT; an RW has 4 to 7 RTs of about 58). */
        const val MANY = 520u

        /** An old spelling ("oe" for "u" and back), or a swapped pair of letters. */
        fun respell(name: String): String = when {
            name.contains("oe") -> name.replaceFirst("oe", "u")
            name.contains('u') -> name.replaceFirst("u", "oe")
            else -> {
                val i = name.indexOfFirst { it.isLetter() } + 1
                name.substring(0, i) + name[i + 1] + name[i] + name.substring(i + 2)
            }
        }

        fun daysAgo(today: String, days: Long): String = java.time.LocalDate.parse(today).minusDays(days).toString()
    }
}
