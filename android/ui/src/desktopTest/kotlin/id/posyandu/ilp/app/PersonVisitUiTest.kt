//! The person screen and the visit form through the UI: recording an under-five visit end to end
//! (person → Catat kunjungan → weight and length → category and N/T appear → save → back on the
//! person with the new history line), and screenshots 20–29 of every state worth reviewing.
package id.posyandu.ilp.app

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsNodeInteraction
import androidx.compose.ui.test.hasContentDescription
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.junit4.createComposeRule
import androidx.compose.ui.test.onFirst
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.person.PersonViewModel
import id.posyandu.ilp.app.visit.VisitViewModel
import id.posyandu.ilp.core.MemberCard
import org.junit.Assert.assertEquals
import org.junit.Rule
import org.junit.Test

@OptIn(ExperimentalTestApi::class)
class PersonVisitUiTest {
    @get:Rule
    val rule = createComposeRule()

    private fun waitForText(text: String, substring: Boolean = false, timeoutMs: Long = 30_000) =
        rule.waitUntil(timeoutMs) { rule.onAllNodes(hasText(text, substring = substring)).fetchSemanticsNodes().isNotEmpty() }

    private fun waitForDescription(text: String, substring: Boolean = false, timeoutMs: Long = 30_000) = rule.waitUntil(timeoutMs) {
        rule.onAllNodes(hasContentDescription(text, substring = substring)).fetchSemanticsNodes().isNotEmpty()
    }

    private fun field(label: String): SemanticsNodeInteraction = rule.onNodeWithContentDescription(label).performScrollTo()

    /** Opens the person screen and waits until everything on it has loaded. */
    private fun openPerson(graph: AppGraph, person: MemberCard) {
        rule.runOnIdle { graph.navigator.push(Route.Person(person.personId)) }
        rule.waitUntil(30_000) {
            val s = (graph.navigator.current.viewModel as? PersonViewModel)?.state?.value
            s != null && s.history is Load.Ready && s.schedule is Load.Ready && s.chart !is Load.Loading
        }
        waitForText("Catat kunjungan")
    }

    private fun openVisit(graph: AppGraph) {
        rule.onNodeWithText("Catat kunjungan").performClick()
        rule.waitUntil(30_000) {
            val s = (graph.navigator.current.viewModel as? VisitViewModel)?.state?.value
            s != null && s.person is Load.Ready && s.codes != null
        }
        waitForText("Simpan")
    }

    private fun number(v: Double) = "%.1f".format(v).replace('.', ',')

    @Test
    fun recordAnUnderFiveVisitEndToEnd() {
        val graph = TestApp.signedIn()
        val child = PersonFixtures.weighedChild(graph)
        rule.setContent(PhoneFrame(graph))
        openPerson(graph, child)
        waitForText(child.name!!)
        Screenshots.save(rule, "20-person")

        rule.onNodeWithText("Pertumbuhan").performClick()
        waitForDescription("Grafik", substring = true)
        rule.onNodeWithContentDescription("Grafik", substring = true).performScrollTo()
        Screenshots.save(rule, "21-growth-chart")

        rule.onNodeWithText("Imunisasi").performClick()
        waitForText("Sudah")
        Screenshots.save(rule, "22-immunization-card")

        rule.onNodeWithText("Riwayat").performClick()
        waitForText("BB ", substring = true)
        Screenshots.save(rule, "24-history")

        openVisit(graph)
        val weight = number(child.latest.weightKg!! + 0.3)
        field("Berat badan").performTextInput(weight)
        field("Panjang/tinggi badan").performTextInput(number(child.latest.lengthOrHeightCm!! + 1.0))
        // The core's reading appears while typing: a KMS code and the z-score categories.
        rule.waitUntil(30_000) {
            listOf("N", "T", "O", "B").any { code ->
                rule.onAllNodes(hasContentDescription("KMS $code")).fetchSemanticsNodes().isNotEmpty()
            }
        }
        waitForDescription("Berat badan menurut umur", substring = true)
        // Weight and length together: length-for-age and weight-for-length too.
        waitForDescription("menurut panjang", substring = true)
        val preview = (graph.navigator.current.viewModel as VisitViewModel).state.value.preview!!
        rule.onAllNodes(hasText(preview.zScores.first { it.indicator == "wfa" }.categoryLabel!!, substring = true))
            .onFirst().assertExists()
        rule.onNodeWithContentDescription("Hasil pengukuran").performScrollTo()
        Screenshots.save(rule, "25-visit-under-five")

        rule.onNodeWithText("Simpan").performScrollTo().performClick()
        rule.waitUntil(30_000) { graph.navigator.current.route == Route.Person(child.personId) }
        // Back on the person, on the history tab, with the new line on top.
        waitForText("BB $weight kg", substring = true)
        rule.onAllNodes(hasText("BB $weight kg", substring = true)).onFirst().performScrollTo()
        assertEquals(Route.Person(child.personId), graph.navigator.current.route)
    }

    @Test
    fun pregnancyTabAndForm() {
        val graph = TestApp.signedIn()
        val woman = PersonFixtures.pregnantWoman(graph)
        rule.setContent(PhoneFrame(graph))
        openPerson(graph, woman)
        rule.onNodeWithText("Kehamilan").performClick()
        waitForText("Kontak ANC")
        Screenshots.save(rule, "23-pregnancy")

        openVisit(graph)
        field("LiLA").performTextInput("22,0")
        field("Sistolik").performTextInput("120")
        field("Diastolik").performTextInput("80")
        waitForText("KEK (LiLA < 23,5 cm)")
        rule.onNodeWithContentDescription("Hasil pengukuran").performScrollTo()
        Screenshots.save(rule, "26-visit-pregnancy")
    }

    @Test
    fun adultFormWithHypertension() {
        val graph = TestApp.signedIn()
        val adult = PersonFixtures.adult(graph)
        rule.setContent(PhoneFrame(graph))
        openPerson(graph, adult)
        openVisit(graph)
        field("Sistolik").performTextInput("170")
        field("Diastolik").performTextInput("100")
        field("Gula darah").performTextInput("210")
        rule.waitUntil(30_000) {
            (graph.navigator.current.viewModel as VisitViewModel).state.value.preview?.bloodPressure?.code == "hypertension"
        }
        waitForDescription("Hasil pengukuran")
        rule.onNodeWithContentDescription("Hasil pengukuran").performScrollTo()
        Screenshots.save(rule, "27-visit-adult")
    }

    @Test
    fun dangerSignLeadsToReferralAndPickUp() {
        val graph = TestApp.signedIn()
        val child = PersonFixtures.weighedChild(graph)
        rule.setContent(PhoneFrame(graph))
        openPerson(graph, child)
        openVisit(graph)
        val sign = (graph.navigator.current.viewModel as VisitViewModel).state.value.codes!!.dangerSigns.first().label
        rule.onNodeWithText(sign).performScrollTo().performClick()
        field("Dirujuk ke").performTextInput("Puskesmas Oesapa")
        field("Alasan rujukan").performTextInput(sign)
        rule.onNodeWithText("Darurat").performScrollTo().performClick()
        field("Layanan jemputan (mis. ambulans desa, PSC 119)").performTextInput("Ambulans desa")
        rule.onNodeWithText("Panggil ambulans/jemputan").performScrollTo().performClick()
        waitForText("Jemputan dipanggil pukul", substring = true)
        rule.onNodeWithText("Jemputan dipanggil pukul", substring = true).performScrollTo()
        Screenshots.save(rule, "28-visit-danger-referral")

        rule.onNodeWithText("Simpan").performScrollTo().performClick()
        rule.waitUntil(30_000) { graph.navigator.current.route == Route.Person(child.personId) }
    }

    @Test
    fun impossibleWeightIsMarked() {
        val graph = TestApp.signedIn()
        val child = PersonFixtures.weighedChild(graph)
        rule.setContent(PhoneFrame(graph))
        openPerson(graph, child)
        openVisit(graph)
        field("Berat badan").performTextInput("250")
        rule.onNodeWithText("Simpan").performScrollTo().performClick()
        rule.waitUntil(30_000) {
            (graph.navigator.current.viewModel as VisitViewModel).state.value.error != null
        }
        field("Berat badan")
        waitForText("Berat badan:", substring = true)
        Screenshots.save(rule, "29-visit-error")
        assertEquals(Route.Visit(child.personId), graph.navigator.current.route)
    }
}
