//! The visit form's view model against the real core: the form follows the life stage, the live
//! preview (z-score categories, KMS code, KEK, hypertension), an impossible value named by field
//! with nothing saved, a valid save (history grows, the due weighing is done, back on the person),
//! and a danger sign with an emergency referral that records the pick-up call.
package id.posyandu.ilp.app

import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.person.PersonViewModel
import id.posyandu.ilp.core.VisitKindForm
import id.posyandu.ilp.app.visit.VisitState
import id.posyandu.ilp.app.visit.VisitViewModel
import id.posyandu.ilp.core.MemberCard
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

class VisitViewModelTest {
    private fun ready(s: VisitState) = s.person is Load.Ready && s.codes != null

    /** Opens the person, then the visit form from there (so a save pops back to the person). */
    private fun openVisit(graph: AppGraph, personId: String): Pair<PersonViewModel, VisitViewModel> {
        graph.navigator.push(Route.Person(personId))
        val person = graph.screen<PersonViewModel>()
        person.state.await { it.history is Load.Ready }
        person.recordVisit()
        val visit = graph.screen<VisitViewModel>()
        visit.state.await { ready(it) }
        return person to visit
    }

    private fun historySize(graph: AppGraph, personId: String) = graph.session.core.value!!.personHistory(personId).size

    /** A plausible next weighing: a little more than the last one. */
    private fun nextWeight(child: MemberCard) = "%.1f".format(child.latest.weightKg!! + 0.3).replace('.', ',')
    private fun nextLength(child: MemberCard) = "%.1f".format(child.latest.lengthOrHeightCm!! + 1.0).replace('.', ',')

    @Test
    fun childFormPreviewsCategoriesAndKms() {
        val graph = TestApp.signedIn()
        val child = PersonFixtures.weighedChild(graph)
        val (_, vm) = openVisit(graph, child.personId)
        val s0 = vm.state.value
        assertEquals("under_five", s0.plan!!.lifeStage)
        assertTrue("the plan asks a child's measurements: ${s0.plan!!.fields}", s0.asks("weight") && s0.asks("length_or_height") && s0.asks("head_circumference"))
        assertTrue(s0.child)
        assertEquals("lying or standing as the core says", s0.plan!!.measureLying, s0.fields.lying)
        assertNull("nothing typed, nothing previewed", s0.preview)
        assertTrue(s0.codes!!.antigens.isNotEmpty() && s0.codes!!.dangerSigns.isNotEmpty() && s0.codes!!.services.isNotEmpty())

        vm.edit { it.copy(weight = nextWeight(child), length = nextLength(child)) }
        val s = vm.state.await { it.preview != null }
        val p = s.preview!!
        assertEquals(child.personId, p.personId)
        val indicators = p.zScores.map { it.indicator }.toSet()
        assertTrue("weight and length give wfa, lhfa, wflh: $indicators", indicators.containsAll(listOf("wfa", "lhfa", "wflh")))
        assertTrue("each score has a category: ${p.zScores}", p.zScores.all { it.flagged || it.categoryLabel != null })
        val kms = assertNotNull(p.kms).let { p.kms!! }
        assertTrue("KMS code ${kms.code}", kms.code in setOf("N", "T", "O", "B"))
        assertNull(s.previewError)
        assertNotEquals("AWT-EventQueue-0", graph.session.lastCallThread)

        // Clearing the numbers clears the preview.
        vm.edit { it.copy(weight = "", length = "") }
        vm.state.await { it.preview == null }
    }

    @Test
    fun impossibleWeightIsNamedAndNothingIsSaved() {
        val graph = TestApp.signedIn()
        val child = PersonFixtures.weighedChild(graph)
        val before = historySize(graph, child.personId)
        val (_, vm) = openVisit(graph, child.personId)
        vm.edit { it.copy(weight = "250") }
        val previewed = vm.state.await { it.previewError != null }
        assertEquals("measurement.weight_kg", (previewed.previewError as UiError.Invalid).field)
        assertNotNull(previewed.errorFor("measurement.weight_kg"))

        vm.save()
        val refused = vm.state.await { it.error != null && !it.saving }
        val e = refused.error as UiError.Invalid
        assertEquals("measurement.weight_kg", e.field)
        assertTrue("the message names the field: ${e.message(id.posyandu.ilp.app.i18n.Language.Indonesian)}",
            e.message(id.posyandu.ilp.app.i18n.Language.Indonesian).startsWith("Berat badan"))
        assertEquals("still on the form", Route.Visit(child.personId), graph.navigator.current.route)
        assertEquals("nothing saved", before, historySize(graph, child.personId))

        // Not a number at all is caught before the core, on the same field.
        vm.edit { it.copy(weight = "9,x") }
        val local = vm.state.await { (it.previewError as? UiError.Invalid)?.field == "measurement.weight_kg" && it.preview == null }
        assertNotNull(local.errorFor("measurement.weight_kg"))
    }

    @Test
    fun savingAnUnderFiveVisitAddsHistoryAndDoesTheWeighing() {
        val graph = TestApp.signedIn()
        val child = PersonFixtures.weighedChild(graph)
        val core = graph.session.core.value!!
        val dueWeighing = core.dueItems(child.personId, null).items
            .first { it.kind == "weighing" && it.status in setOf("due", "overdue") }
        val before = historySize(graph, child.personId)
        val (person, vm) = openVisit(graph, child.personId)
        val shownBefore = (person.state.value.history as Load.Ready).value.size

        val weight = nextWeight(child)
        vm.edit { it.copy(weight = weight, length = nextLength(child)) }
        vm.state.await { it.preview != null }
        vm.save()
        graph.navigator.stack.await { it.last().route == Route.Person(child.personId) }
        assertTrue(vm.state.value.saved)

        assertTrue("history grew", historySize(graph, child.personId) > before)
        val after = core.dueItems(child.personId, null).items.first { it.key == dueWeighing.key }
        assertEquals("the due weighing is done", "done", after.status)
        // The person screen underneath reloaded by itself and shows the new line first.
        val reloaded = person.state.await { h -> (h.history as? Load.Ready)?.value?.size?.let { it > shownBefore } == true }
        val newest = (reloaded.history as Load.Ready).value
        assertTrue("new line: ${newest.take(3)}", newest.any { it.summary.contains("BB $weight kg") })
    }

    @Test
    fun dangerSignWithEmergencyReferralRecordsThePickUp() {
        val graph = TestApp.signedIn()
        val child = PersonFixtures.weighedChild(graph)
        val before = historySize(graph, child.personId)
        val calledAt = 1_790_000_000_000L
        graph.navigator.push(Route.Person(child.personId))
        // The visit form with a fixed clock: the pick-up is stamped with it.
        val vm = VisitViewModel(graph.visits, graph.persons, graph.navigator, child.personId, clockMs = { calledAt })
        vm.state.await { ready(it) }
        val sign = vm.state.value.codes!!.dangerSigns.first { it.code == "convulsions" }.code
        vm.toggleDangerSign(sign)
        assertTrue("a danger sign opens the referral", vm.state.value.fields.referral)

        // A referral needs a destination: the core names the field.
        vm.save()
        val missing = vm.state.await { it.error != null && !it.saving }
        assertEquals("referral.to", (missing.error as UiError.Invalid).field)
        assertEquals(before, historySize(graph, child.personId))

        vm.edit { it.copy(referralTo = "RSUD S.K. Lerik", referralReason = "Kejang", pickupService = "Ambulans desa") }
        vm.callPickup()
        val f = vm.state.value.fields
        assertTrue(f.emergency)
        assertEquals(calledAt, f.pickupCalledAtMs)
        val form = vm.pendingForm()!!
        val referral = form.referral!!
        assertTrue(referral.emergency && referral.pickupCalled)
        assertEquals(calledAt, referral.pickupCalledAtMs)
        assertEquals("Ambulans desa", referral.pickupService)
        assertEquals(listOf(sign), form.dangerSigns)

        vm.save()
        vm.state.await { it.saved }
        val history = graph.session.core.value!!.personHistory(child.personId)
        assertEquals(before + 3, history.size) // visit, danger signs, referral
        assertTrue(history.any { it.summary == "Rujukan darurat ke RSUD S.K. Lerik" })
        assertTrue(history.any { it.summary.startsWith("Tanda bahaya") && it.summary.contains(sign) })
    }

    @Test
    fun adultFormShowsTheHypertensionAlert() {
        val graph = TestApp.signedIn()
        val adult = PersonFixtures.adult(graph)
        val (_, vm) = openVisit(graph, adult.personId)
        val plan = vm.state.value.plan!!
        assertTrue(plan.lifeStage, plan.lifeStage == "adult" || plan.lifeStage == "elderly")
        assertTrue("blood pressure and glucose: ${plan.fields}", "blood_pressure" in plan.fields && "glucose" in plan.fields)
        assertFalse("no head circumference for an adult", "head_circumference" in plan.fields)
        assertTrue("screening questions: ${plan.questions}", "smoking" in plan.questions && "known_conditions" in plan.questions)
        vm.edit { it.copy(systolic = "170", diastolic = "100") }
        val s = vm.state.await { it.preview?.bloodPressure != null }
        assertEquals("hypertension", s.preview!!.bloodPressure!!.code)
        assertTrue("red alert: ${s.preview!!.alerts}", s.preview!!.alerts.any { it.contains("ipertensi") })
        assertTrue("no child growth for an adult", s.preview!!.zScores.isEmpty())

        // Screening answers travel as the health status.
        vm.edit { it.copy(smokes = true, knownHypertension = true) }
        val health = vm.pendingForm()!!.healthStatus!!
        assertEquals(true, health.smokes)
        assertEquals(listOf("hypertension"), health.conditions.map { it.condition })
        vm.save()
        vm.state.await { it.saved }
        val history = graph.session.core.value!!.personHistory(adult.personId)
        assertTrue(history.any { it.summary.startsWith("Status kesehatan") && it.summary.contains("hipertensi") })
        assertTrue(history.any { it.summary.contains("TD 170/100") })
    }

    @Test
    fun pregnancyFormTakesTheNextAncContactAndFlagsKek() {
        val graph = TestApp.signedIn()
        val woman = PersonFixtures.pregnantWoman(graph)
        val (_, vm) = openVisit(graph, woman.personId)
        val s0 = vm.state.value
        assertEquals("pregnant", s0.plan!!.lifeStage)
        val suggested = s0.plan!!.suggestedKind
        assertTrue("an ANC contact: $suggested", suggested is VisitKindForm.Anc)
        assertEquals("the form starts with the core's next contact", suggested, s0.kind)
        vm.edit { it.copy(muac = "22,0", systolic = "120", diastolic = "80") }
        val s = vm.state.await { it.preview?.kek != null }
        assertEquals(true, s.preview!!.kek)
        assertTrue(s.preview!!.pregnant)
        assertEquals(woman.pregnancy!!.id, vm.pendingForm()!!.pregnancyId)
        // The kader may record another contact than the suggested one: it is what is sent.
        val picked = VisitKindForm.Anc(((suggested as VisitKindForm.Anc).contact ?: 1u.toUByte()), false)
        vm.selectKind(picked)
        assertEquals(picked, vm.pendingForm()!!.kind)
        vm.save()
        vm.state.await { it.saved }
        assertFalse(graph.session.core.value!!.personHistory(woman.personId).isEmpty())
    }

    @Test
    fun aClosedDatabaseIsAnErrorWithRetry() {
        val graph = TestApp.signedIn()
        val adult = PersonFixtures.adult(graph)
        graph.session.core.value!!.closeDatabase()
        val vm = VisitViewModel(graph.visits, graph.persons, graph.navigator, adult.personId)
        val failed = vm.state.await { it.person is Load.Failed }
        assertTrue(failed.person is Load.Failed)
        graph.session.core.value!!.reopenDatabase()
        vm.load()
        vm.state.await { ready(it) }
    }

    private fun assertNotEquals(unexpected: Any?, actual: Any?) = org.junit.Assert.assertNotEquals(unexpected, actual)
}
