//! Sync with the server: the status for the sync screen, one sync at a time for the whole app
//! (the screen's button and the background worker share it), its progress as a StateFlow, cancel,
//! and logout. The core's listener is called on a Rust thread; it only updates a StateFlow.
package id.posyandu.ilp.app.data

import id.posyandu.ilp.core.SyncListener
import id.posyandu.ilp.core.SyncPhase
import id.posyandu.ilp.core.SyncProgressView
import id.posyandu.ilp.core.SyncStatusView
import id.posyandu.ilp.core.SyncSummary
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

/** What one sync run has reported so far. */
data class SyncRun(
    /** Every phase heard in this run, in order; the core reports the current state first. */
    val phases: List<SyncPhase> = emptyList(),
    /** The last report: counts, pending, refused total, the error text of a failed try. */
    val latest: SyncProgressView? = null,
    val finished: Boolean = false,
)

class SyncRepository(
    private val session: CoreSession,
    private val accounts: AccountRepository,
    /** Null where nothing schedules background syncs (the desktop tests). */
    private val background: BackgroundSync? = null,
) {
    // Syncs run here, not in a screen's scope: leaving the sync screen must not abort a sync.
    private val scope = CoroutineScope(SupervisorJob() + session.io)
    private val run = MutableStateFlow<SyncRun?>(null)
    private var current: Deferred<SyncSummary>? = null

    /** The running or last sync of this process; null before the first. */
    val progress: StateFlow<SyncRun?> = run.asStateFlow()

    suspend fun status(): SyncStatusView = session.call { it.syncStatus() }

    /**
     * Starts a sync, or joins the one already running (two syncs of one store at once would
     * only wait on each other's server round trips). Await the result; it throws the core's
     * IlpException (Network when offline, Auth when the login is gone, Conflict when cancelled).
     */
    @Synchronized
    fun syncNow(): Deferred<SyncSummary> {
        current?.takeIf { it.isActive }?.let { return it }
        run.value = SyncRun()
        val listener = object : SyncListener {
            override fun onProgress(progress: SyncProgressView) {
                run.update { r -> (r ?: SyncRun()).let { it.copy(phases = it.phases + progress.phase, latest = progress) } }
            }
        }
        val job = scope.async {
            try {
                session.callSuspending { it.syncNow(listener) }
            } finally {
                run.update { it?.copy(finished = true) }
            }
        }
        current = job
        return job
    }

    /** Stops the running sync between two commits; what was committed stays. */
    suspend fun cancel() {
        if (current?.isActive == true) session.call { it.cancelSync() }
    }

    /** Closes the database for an online login again (the login expired or was revoked). */
    suspend fun closeForLogin() = accounts.switchUser()

    /** Logs out (the server revokes the token when reachable); unsynced records stay on the phone. */
    suspend fun logout() {
        current?.takeIf { it.isActive }?.let { job ->
            cancel()
            runCatching { job.await() }
        }
        background?.cancel()
        accounts.logout()
        run.value = null
    }
}
