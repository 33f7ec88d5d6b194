package id.posyandu.ilp.app

import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.sync.SyncState
import id.posyandu.ilp.app.sync.SyncViewModel
import id.posyandu.ilp.core.SyncPhase
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * The sync screen against the demo server: the first sync brings the area with its phases in
 * order, a visit goes up, no server means Offline with nothing lost (and cancel while it
 * retries), a change the server refuses is listed with code and reason, logout keeps unsynced
 * records and a later sync asks for an online login.
 */
class SyncViewModelTest {
    private fun SyncViewModel.status() = (state.value.status as Load.Ready).value

    private fun SyncViewModel.syncAndWait(timeoutMs: Long = 120_000): SyncState {
        syncNow()
        return state.await(timeoutMs) { !it.syncing && (it.result != null || it.error != null || it.cancelled) }
    }

    @Test
    fun firstSyncBringsTheAreaThenAVisitGoesUp() {
        val graph = SyncFixtures.loggedInOnline()
        val vm = graph.screen<SyncViewModel>()
        assertTrue("the status loads off the main thread", vm.state.value.status is Load.Loading)
        val before = vm.state.await { it.status is Load.Ready }
        val status = (before.status as Load.Ready).value
        assertEquals(TestApp.server, status.serverUrl)
        assertTrue(status.canSync)
        assertNull("never synced", status.lastSuccessMs)
        assertFalse(before.needsOnlineLogin)

        val done = vm.syncAndWait()
        assertNull("no error: ${done.error}", done.error)
        val phases = done.run!!.phases
        assertEquals("the current state comes first", SyncPhase.Idle, phases.first())
        assertEquals(SyncPhase.Done, phases.last())
        val pushing = phases.indexOf(SyncPhase.Pushing)
        val snapshot = phases.indexOf(SyncPhase.Snapshot)
        assertTrue("push, then the first sync's snapshot: $phases", pushing in 1 until snapshot)
        assertTrue("the area came", done.result!!.pulled > 0uL)
        val after = vm.state.await { s -> (s.status as? Load.Ready)?.value?.lastSuccessMs != null }
        assertEquals(0L, (after.status as Load.Ready).value.pending)

        SyncFixtures.recordVisit(graph)
        vm.refresh()
        val recorded = vm.state.await { s -> ((s.status as? Load.Ready)?.value?.pending ?: 0L) > 0L }
        val visitChanges = (recorded.status as Load.Ready).value.pending

        val again = vm.syncAndWait()
        assertEquals("the visit's changes went up", visitChanges.toULong(), again.result!!.pushed)
        assertEquals(0uL, again.result!!.refused)
        assertTrue(again.run!!.phases.contains(SyncPhase.Pulling))
        assertFalse("a later sync has no snapshot", again.run!!.phases.contains(SyncPhase.Snapshot))
        vm.state.await { s -> (s.status as? Load.Ready)?.value?.pending == 0L }
        assertTrue(vm.status().refused.isEmpty())
    }

    @Test
    fun noServerIsOfflineAndThePendingVisitStays() {
        SyncFixtures.TcpProxy(TestApp.server).use { proxy ->
            val graph = SyncFixtures.loggedInOnline(serverUrl = proxy.url)
            SyncFixtures.syncQuietly(graph)
            SyncFixtures.recordVisit(graph)
            val vm = graph.screen<SyncViewModel>()
            vm.refresh()
            val recorded = vm.state.await { s -> ((s.status as? Load.Ready)?.value?.pending ?: 0L) > 0L }
            val visitChanges = (recorded.status as Load.Ready).value.pending
            proxy.unplug()

            vm.syncNow()
            val retrying = vm.state.await { s -> s.run?.phases?.any { it is SyncPhase.Retrying } == true }
            assertTrue("still syncing while it retries", retrying.syncing)
            assertEquals(visitChanges, retrying.run!!.latest!!.pending)
            // The core gives up after its last try (backoff of 2 s doubling, six tries).
            val failed = vm.state.await(150_000) { !it.syncing && it.error != null }
            assertTrue("no server: ${failed.error}", failed.error is UiError.Offline)
            assertFalse("offline is not a login problem", failed.needsOnlineLogin)
            assertEquals(SyncPhase.Failed, failed.run!!.phases.last())
            val status = vm.state.await { s -> (s.status as? Load.Ready)?.value?.lastError != null }
            assertEquals("the visit waits for the next sync", visitChanges, (status.status as Load.Ready).value.pending)
        }
    }

    @Test
    fun cancelWhileRetryingStopsTheSyncAndKeepsTheVisit() {
        SyncFixtures.TcpProxy(TestApp.server).use { proxy ->
            val graph = SyncFixtures.loggedInOnline(serverUrl = proxy.url)
            SyncFixtures.syncQuietly(graph)
            SyncFixtures.recordVisit(graph)
            proxy.unplug()
            val vm = graph.screen<SyncViewModel>()
            vm.syncNow()
            vm.state.await { s -> s.run?.phases?.any { it is SyncPhase.Retrying } == true }
            vm.cancel()
            val stopped = vm.state.await(30_000) { !it.syncing && (it.cancelled || it.error != null) }
            assertTrue("cancelled, not an error: $stopped", stopped.cancelled)
            assertNull(stopped.error)
            vm.state.await { s -> ((s.status as? Load.Ready)?.value?.pending ?: 0L) > 0L }
        }
    }

    /** The refusal path is [SyncFixtures.RefusedVisit]: the admin moved the kader elsewhere. */
    @Test
    fun aRefusedVisitIsListedWithCodeAndReason() = SyncFixtures.RefusedVisit().use { scene ->
        val vm = scene.kader.screen<SyncViewModel>()
        vm.refresh()
        val pending = vm.state.await { s -> ((s.status as? Load.Ready)?.value?.pending ?: 0L) > 0L }
        val visitChanges = (pending.status as Load.Ready).value.pending
        val done = vm.syncAndWait()
        assertNull("a refusal is not a failed sync: ${done.error}", done.error)
        assertEquals("every change of the visit is refused", visitChanges.toULong(), done.result!!.refused)
        val s = vm.state.await { s -> (s.status as? Load.Ready)?.value?.refused?.isNotEmpty() == true }
        val status = (s.status as Load.Ready).value
        assertEquals(visitChanges.toInt(), status.refused.size)
        for (refused in status.refused) {
            assertEquals("out_of_scope", refused.code)
            assertTrue(refused.reason, refused.reason.contains("outside your areas"))
        }
        assertTrue(status.refused.any { it.entity == "event" })
        assertEquals("refused is not pending", 0L, status.pending)
    }

    @Test
    fun logoutKeepsThePendingVisitAndSyncThenAsksForAnOnlineLogin() {
        val background = SyncFixtures.RecordingBackgroundSync()
        val graph = SyncFixtures.loggedInOnline(background = background)
        runBlocking { graph.accounts.setOfflinePin(TestApp.PIN) }
        SyncFixtures.syncQuietly(graph)
        SyncFixtures.recordVisit(graph)
        val vm = graph.screen<SyncViewModel>()
        vm.refresh()
        val recorded = vm.state.await { s -> ((s.status as? Load.Ready)?.value?.pending ?: 0L) > 0L }
        val visitChanges = (recorded.status as Load.Ready).value.pending

        vm.askLogout()
        assertTrue(vm.state.value.confirmLogout)
        vm.logout()
        graph.navigator.stack.await { it.last().route == Route.Login }
        assertNull("the database is closed", graph.session.user.value)
        assertEquals("no background sync without a user", listOf("cancel"), background.calls)
        assertEquals("the account stays on the phone", listOf("kader.rw001.a"), graph.accountDirectory.list().map { it.username })

        // The PIN still opens the records offline; the sync screen then asks for an online login.
        runBlocking { graph.accounts.loginOffline("kader.rw001.a", TestApp.PIN) }
        graph.navigator.reset(Route.Sync)
        val again = graph.screen<SyncViewModel>()
        val s = again.state.await { it.status is Load.Ready }
        assertEquals("the visit is still waiting", visitChanges, (s.status as Load.Ready).value.pending)
        assertFalse((s.status as Load.Ready).value.canSync)
        assertTrue(s.needsOnlineLogin)
        val refused = again.syncAndWait()
        assertTrue("sync without a login: ${refused.error}", refused.error is UiError.NotAllowed)

        again.loginAgain()
        graph.navigator.stack.await { it.last().route == Route.Login }
        assertNull(graph.session.user.value)
    }

    @Test
    fun aStatusThatCannotBeReadIsAnErrorWithRetry() {
        val graph = TestApp.signedIn()
        graph.navigator.reset(Route.Sync)
        val vm = graph.screen<SyncViewModel>()
        vm.state.await { it.status is Load.Ready }
        graph.session.core.value!!.closeDatabase()
        graph.navigator.reset(Route.Sync)
        val broken = graph.screen<SyncViewModel>()
        val failed = broken.state.await { it.status is Load.Failed }
        assertNotNull((failed.status as Load.Failed).error)
        graph.session.core.value!!.reopenDatabase()
        broken.refresh()
        broken.state.await { it.status is Load.Ready }
    }
}
