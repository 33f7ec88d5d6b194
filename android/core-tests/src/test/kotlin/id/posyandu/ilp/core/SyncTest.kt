package id.posyandu.ilp.core

import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import java.io.File
import java.util.Collections
import java.util.UUID

/**
 * Sync through the generated Kotlin bindings against the demo server tests/bindings.sh starts
 * (ILP_TEST_SERVER): the online login creates the kader's store, the async sync_now brings her
 * area with the listener hearing the current state first, a visit goes back, the status shows
 * nothing pending, the offline PIN works, logout keeps the records, and a wrong password is an
 * auth error.
 */
class SyncTest {
    private val server: String = System.getenv("ILP_TEST_SERVER")
        ?: error("ILP_TEST_SERVER is not set: tests/bindings.sh starts the demo server")
    private val key = ByteArray(32) { 3 }

    private class Recorder : SyncListener {
        val phases: MutableList<SyncPhase> = Collections.synchronizedList(mutableListOf())
        override fun onProgress(progress: SyncProgressView) {
            phases.add(progress.phase)
        }
    }

    private fun config(username: String) = OpenConfig(
        File(BindingTest.tempDir("ilp-kotlin-sync"), "$username.db").path,
        key, UUID.randomUUID().toString(), username, 480,
    )

    @Test
    fun loginSyncVisitAndSyncBack() = runBlocking {
        val core = loginOnline(config("kader.rw001.a"), server, "kader.rw001.a-demo", "HP Kotlin")
        val heard = Recorder()
        val first = core.syncNow(heard)
        assertTrue("the first sync brings the area", first.pulled > 0uL)
        assertEquals("current state first", SyncPhase.Idle, heard.phases.first())
        assertEquals(SyncPhase.Done, heard.phases.last())

        val list = core.worklist(null)
        assertTrue(list.itemCount > 0u)
        val person = list.groups.first().stops.first().entries.first().item.personId
        core.recordVisit(
            VisitForm(
                person, null, VisitKindForm.HomeVisit, null, null, null, null,
                emptyList(), emptyList(), emptyList(), null, null, "kunjungan dari Kotlin",
            ),
        )
        assertTrue(core.syncStatus().pending > 0)
        val back = core.syncNow(Recorder())
        assertTrue("the visit was pushed", back.pushed > 0uL)
        val status = core.syncStatus()
        assertEquals(0L, status.pending)
        assertTrue(status.canSync)
        assertTrue(status.refused.isEmpty())

        core.setOfflinePin("246810")
        core.verifyOfflinePin("246810")
        try {
            core.verifyOfflinePin("135790")
            fail("a wrong PIN is refused")
        } catch (e: IlpException.Auth) {
            // expected
        }
        core.logout()
        assertEquals("logout keeps the records, not the login", false, core.syncStatus().canSync)
        assertTrue(core.worklist(null).itemCount > 0u)
    }

    @Test
    fun aWrongPasswordIsAnAuthError() = runBlocking {
        try {
            loginOnline(config("bidan.oesapa.1"), server, "salah", null)
            fail("a wrong password is refused")
        } catch (e: IlpException.Auth) {
            // expected
        }
    }
}
