package id.posyandu.ilp.app

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.junit4.createComposeRule
import androidx.compose.ui.test.onLast
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import id.posyandu.ilp.app.nav.Route
import org.junit.Assert.assertEquals
import org.junit.Rule
import org.junit.Test

/** The sync screen in a phone-sized window: after a sync, while retrying, refused changes, offline. */
@OptIn(ExperimentalTestApi::class)
class SyncUiTest {
    @get:Rule
    val rule = createComposeRule()

    private fun shows(text: String, timeoutMs: Long = 60_000) =
        rule.waitUntil(timeoutMs) { rule.onAllNodes(hasText(text, substring = true)).fetchSemanticsNodes().isNotEmpty() }

    @Test
    fun aSyncBringsTheAreaAndSaysWhatItDid() {
        val graph = SyncFixtures.loggedInOnline()
        rule.setContent(PhoneFrame(graph))
        shows("Sinkronkan sekarang")
        rule.onNodeWithText("Sinkronkan sekarang").performClick()
        shows("Sinkron selesai")
        Screenshots.save(rule, "50-sync")
        assertEquals(Route.Sync, graph.navigator.current.route)
    }

    @Test
    fun withoutServerItRetriesThenSaysOffline() {
        SyncFixtures.TcpProxy(TestApp.server).use { proxy ->
            val graph = SyncFixtures.loggedInOnline(serverUrl = proxy.url)
            SyncFixtures.syncQuietly(graph)
            SyncFixtures.recordVisit(graph)
            proxy.unplug()
            rule.setContent(PhoneFrame(graph))
            shows("Sinkronkan sekarang")
            rule.onNodeWithText("Sinkronkan sekarang").performClick()
            shows("Mencoba lagi")
            Screenshots.save(rule, "51-sync-progress")
            shows("Data tetap tersimpan di HP", 150_000)
            Screenshots.save(rule, "53-sync-offline")
        }
    }

    @Test
    fun refusedChangesAreListedWithTheReason() {
        SyncFixtures.RefusedVisit().use { scene ->
            rule.setContent(PhoneFrame(scene.kader))
            shows("Sinkronkan sekarang")
            rule.onNodeWithText("Sinkronkan sekarang").performClick()
            shows("Ditolak server")
            rule.onAllNodes(hasText("Di luar wilayah Anda")).onLast().performScrollTo()
            Screenshots.save(rule, "52-sync-refused")
        }
    }
}
