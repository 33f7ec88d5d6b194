//! The sync screen's state: the phone's sync status (server, last success, pending, refused
//! changes), "Sinkronkan sekarang" with live progress and cancel, the result of the sync, the
//! errors a user can act on (offline, login gone), and logout.
package id.posyandu.ilp.app.sync

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.SyncRepository
import id.posyandu.ilp.app.data.SyncRun
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.nav.Navigator
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.core.SyncStatusView
import id.posyandu.ilp.core.SyncSummary
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

data class SyncState(
    val status: Load<SyncStatusView> = Load.Loading,
    /** The running or last sync of the app (this screen's or the background one). */
    val run: SyncRun? = null,
    /** What the last sync started or joined here did. */
    val result: SyncSummary? = null,
    /** Why the last sync failed; Offline and NotAllowed (login gone) get their own advice. */
    val error: UiError? = null,
    /** The user stopped the last sync. */
    val cancelled: Boolean = false,
    /** Asked "really log out?". */
    val confirmLogout: Boolean = false,
    val loggingOut: Boolean = false,
    /** A sync started here whose outcome has not arrived yet. */
    val waiting: Boolean = false,
) {
    val syncing: Boolean get() = waiting || (run != null && !run.finished)

    /** The login is gone (logged out, expired or revoked): only an online login brings sync back. */
    val needsOnlineLogin: Boolean
        get() = error is UiError.NotAllowed || (status as? Load.Ready)?.value?.canSync == false
}

class SyncViewModel(
    private val repository: SyncRepository,
    private val navigator: Navigator,
) : ViewModel() {
    private val mutable = MutableStateFlow(SyncState())
    val state: StateFlow<SyncState> = mutable.asStateFlow()
    private var cancelRequested = false

    init {
        viewModelScope.launch {
            repository.progress.collect { r ->
                mutable.update { it.copy(run = r) }
                // A background sync that ends while the screen is open changes the status too.
                if (r?.finished == true) loadStatus()
            }
        }
        refresh()
    }

    fun refresh() {
        if (mutable.value.status !is Load.Ready) mutable.update { it.copy(status = Load.Loading) }
        viewModelScope.launch { loadStatus() }
    }

    private suspend fun loadStatus() {
        val next = try {
            Load.Ready(repository.status())
        } catch (e: CancellationException) {
            throw e
        } catch (e: Exception) {
            Load.Failed(UiError.from(e))
        }
        mutable.update { it.copy(status = next) }
    }

    fun syncNow() {
        if (mutable.value.syncing) return
        cancelRequested = false
        mutable.update { it.copy(error = null, result = null, cancelled = false, confirmLogout = false, waiting = true) }
        val job = repository.syncNow()
        viewModelScope.launch {
            try {
                val summary = job.await()
                mutable.update { it.copy(result = summary, waiting = false) }
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                mutable.update {
                    if (cancelRequested) it.copy(cancelled = true, waiting = false)
                    else it.copy(error = UiError.from(e), waiting = false)
                }
            }
            loadStatus()
        }
    }

    fun cancel() {
        if (!mutable.value.syncing) return
        cancelRequested = true
        viewModelScope.launch { runCatching { repository.cancel() } }
    }

    fun askLogout() = mutable.update { it.copy(confirmLogout = true) }

    fun keepLoggedIn() = mutable.update { it.copy(confirmLogout = false) }

    /** Logs out and goes to the login screen; the unsynced records stay in the user's database. */
    fun logout() {
        if (mutable.value.loggingOut) return
        mutable.update { it.copy(loggingOut = true) }
        viewModelScope.launch {
            try {
                repository.logout()
                navigator.reset(Route.Login)
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                mutable.update { it.copy(loggingOut = false, confirmLogout = false, error = UiError.from(e)) }
            }
        }
    }

    /** The login is gone: back to the login screen for an online login (the records stay). */
    fun loginAgain() {
        viewModelScope.launch {
            runCatching { repository.closeForLogin() }
            navigator.reset(Route.Login)
        }
    }
}
