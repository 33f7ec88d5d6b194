//! The one door to the core: holds the signed-in user's IlpCore and runs every call on the I/O
//! dispatcher, never on the main thread. Repositories call the core only through `call`.
package id.posyandu.ilp.app.data

import id.posyandu.ilp.core.IlpCore
import id.posyandu.ilp.core.UserInfo
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.withContext

class CoreSession(
    /** Where core calls run (Dispatchers.IO in the app; tests may pass their own). */
    val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val current = MutableStateFlow<IlpCore?>(null)
    private val currentUser = MutableStateFlow<UserInfo?>(null)

    /** Who is logged in (null on the login screen); read without a core call. */
    val user: StateFlow<UserInfo?> = currentUser.asStateFlow()

    /** The signed-in user's core, or null on the login screen. */
    val core: StateFlow<IlpCore?> = current.asStateFlow()

    /** Names of the threads core calls ran on (the tests check none is the main thread). */
    @Volatile
    var lastCallThread: String = ""
        private set

    /** Runs `block` with the signed-in core on the I/O dispatcher. */
    suspend fun <T> call(block: (IlpCore) -> T): T = withContext(io) {
        lastCallThread = Thread.currentThread().name
        val core = current.value ?: throw IllegalStateException("nobody is logged in")
        block(core)
    }

    /** Same, for the core's suspending calls (sync, logout). */
    suspend fun <T> callSuspending(block: suspend (IlpCore) -> T): T = withContext(io) {
        lastCallThread = Thread.currentThread().name
        val core = current.value ?: throw IllegalStateException("nobody is logged in")
        block(core)
    }

    internal fun signIn(core: IlpCore, user: UserInfo) {
        current.value?.let { if (it !== core) it.close() }
        current.value = core
        currentUser.value = user
    }

    internal fun signOut() {
        currentUser.value = null
        current.value?.close()
        current.value = null
    }
}
