package id.posyandu.ilp.app

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasScrollAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.junit4.createComposeRule
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.performTextInput
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.posyandu.PosyanduPickViewModel
import id.posyandu.ilp.app.posyandu.PosyanduSessionViewModel
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test

/** The Posyandu day through the screens: open the session, weigh a child, a walk-in, close it. */
@OptIn(ExperimentalTestApi::class)
class PosyanduUiTest {
    @get:Rule
    val rule = createComposeRule()

    private fun waitForText(text: String, substring: Boolean = false, timeoutMs: Long = 30_000) {
        rule.waitUntil(timeoutMs) { rule.onAllNodes(hasText(text, substring = substring)).fetchSemanticsNodes().isNotEmpty() }
    }

    /** Brings a row of the (lazy) session list into view. */
    private fun scrollTo(text: String, substring: Boolean = false) {
        rule.onNode(hasScrollAction()).performScrollToNode(hasText(text, substring = substring))
    }

    @Test
    fun closingAPosyanduSessionThroughTheScreens() {
        val graph = TestApp.signedIn()
        rule.setContent(PhoneFrame(graph))
        waitForText("Selamat bertugas", substring = true)

        rule.onNode(hasText("Posyandu") and hasClickAction()).performClick()
        rule.waitUntil(10_000) { graph.navigator.current.viewModel is PosyanduPickViewModel }
        val pick = graph.screen<PosyanduPickViewModel>()
        val posyandu = (pick.state.await { it.posyandu is Load.Ready }.posyandu as Load.Ready).value.first()
        waitForText(posyandu.name)
        Screenshots.save(rule, "30-posyandu-pick")

        rule.onNodeWithText(posyandu.name).performClick()
        rule.waitUntil(10_000) { graph.navigator.current.viewModel is PosyanduSessionViewModel }
        assertEquals(Route.PosyanduSession(posyandu.id, TestApp.today()), graph.navigator.current.route)
        val vm = graph.screen<PosyanduSessionViewModel>()
        val view = vm.state.await { it.session is Load.Ready }.view!!
        waitForText("Daftar sasaran", substring = true)
        Screenshots.save(rule, "31-posyandu-session")

        val child = view.attendees.first { a -> !a.attended && a.items.any { it.kind == "weighing" } }
        scrollTo(child.name, substring = true)
        rule.onNode(hasText(child.name, substring = true) and hasClickAction()).performClick()
        rule.onNodeWithContentDescription("Berat (kg)").performTextInput("8,4")
        rule.waitUntil(20_000) { vm.state.value.draft?.assessment != null }
        Screenshots.save(rule, "32-weighing-queue")
        rule.onNodeWithContentDescription("Simpan ${child.name}").performClick()
        rule.waitUntil(20_000) { vm.state.value.lastSaved?.personId == child.personId }
        assertEquals(view.attended + 1u, vm.state.value.view!!.attended)

        // A walk-in: someone of the RT not on today's list, found by name.
        val expected = view.attendees.map { it.personId }.toSet()
        val walkIn = runBlocking {
            graph.session.call { core ->
                core.householdsInRt(core.currentUser().areaIds.first()).asSequence()
                    .flatMap { core.householdDetail(it.id).members.asSequence() }
                    .first { it.personId !in expected && it.name != null }.name!!
            }
        }
        scrollTo("+ Datang tanpa jadwal")
        rule.onNodeWithText("+ Datang tanpa jadwal").performClick()
        rule.onNodeWithContentDescription("Cari nama, NIK, KK atau HP").performTextInput(walkIn)
        rule.waitUntil(20_000) { (vm.state.value.walkInResults as? Load.Ready)?.value?.isNotEmpty() == true }
        waitForText(walkIn)
        Screenshots.save(rule, "33-walk-in")

        rule.onNodeWithText("Tutup Posyandu").performClick()
        rule.onNodeWithText("Ya, tutup").performClick()
        rule.waitUntil(20_000) { vm.state.value.view?.ended == true }
        scrollTo("Posyandu sudah ditutup")
        waitForText("Posyandu sudah ditutup")
        val absent = vm.state.value.homeVisits
        assertTrue(absent.isNotEmpty())
        waitForText("${absent.size} orang tidak datang dan menjadi kunjungan rumah:")
        Screenshots.save(rule, "34-session-ended")

        scrollTo("Lihat daftar Hari ini")
        rule.onNodeWithText("Lihat daftar Hari ini").performClick()
        rule.waitUntil(10_000) { graph.navigator.current.route == Route.Today }
        rule.waitUntil(30_000) { rule.onAllNodes(hasScrollAction()).fetchSemanticsNodes().isNotEmpty() }
        scrollTo("Tidak datang ke Posyandu ${TestApp.today()}", substring = true)
        waitForText("Tidak datang ke Posyandu ${TestApp.today()}", substring = true)
    }
}
