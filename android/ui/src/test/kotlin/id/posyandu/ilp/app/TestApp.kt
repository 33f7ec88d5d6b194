//! Test fixtures: an app graph over a fresh directory, with a demo database of Kelurahan Oesapa
//! made by the real core and remembered as a user's account, and helpers to wait for a state.
package id.posyandu.ilp.app

import id.posyandu.ilp.app.data.Account
import id.posyandu.ilp.app.data.AccountDirectory
import id.posyandu.ilp.app.data.DatabaseKeys
import id.posyandu.ilp.core.IlpCore
import id.posyandu.ilp.core.OpenConfig
import id.posyandu.ilp.core.createDemoDatabase
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.test.setMain
import kotlinx.coroutines.withTimeout
import java.io.File
import java.nio.file.Files
import java.time.LocalDate
import java.time.ZoneOffset
import java.util.UUID
import java.util.concurrent.Executors
import kotlin.coroutines.EmptyCoroutineContext

object TestApp {
    init {
        // Under Gradle (`:ui:testDebugUnitTest`) Dispatchers.Main is Android's, whose looper is a
        // stub on the host JVM: the view models then get a main thread of their own. On the
        // desktop (tests/android.sh) Swing provides Dispatchers.Main and this does nothing.
        val hasMain = runCatching { Dispatchers.Main.isDispatchNeeded(EmptyCoroutineContext) }.isSuccess
        if (!hasMain) {
            val main = Executors.newSingleThreadExecutor { r -> Thread(r, "test-main").apply { isDaemon = true } }
            Dispatchers.setMain(main.asCoroutineDispatcher())
        }
    }

    /** Kelurahan Oesapa is in Kota Kupang: WITA. */
    const val OFFSET_MINUTES = 480
    const val PIN = "246810"
    val keys = DatabaseKeys { username -> ByteArray(32) { (it + username.length).toByte() } }

    /** The demo server tests/android.sh starts (tests that need one). */
    val server: String
        get() = System.getenv("ILP_TEST_SERVER")?.takeIf { it.isNotEmpty() }
            ?: error("ILP_TEST_SERVER is not set: tests/android.sh starts the demo server")

    fun today(): String = LocalDate.now(ZoneOffset.ofTotalSeconds(OFFSET_MINUTES * 60)).toString()

    fun tempDir(prefix: String = "ilp-android"): File =
        Files.createTempDirectory(prefix).toFile().also { it.deleteOnExit() }

    fun graph(dir: File = tempDir(), serverUrl: String = "http://127.0.0.1:9", fixedToday: String? = null) = AppGraph(
        Platform(
            accountsDir = dir,
            keys = keys,
            serverUrl = { serverUrl },
            utcOffsetMinutes = { OFFSET_MINUTES },
            deviceName = "JVM test",
            fixedToday = fixedToday,
        ),
    )

    /**
     * A phone where `username` logged in before: a demo database (made by the core for today)
     * remembered as their account, with the offline PIN [PIN] set. The login screen shows them.
     */
    fun phoneWithDemoUser(
        username: String = "kader.rw001.a",
        households: UInt = 60u,
        dir: File = tempDir(),
    ): AppGraph {
        // The phone's directory is ready before the app starts, as after an earlier run.
        val directory = AccountDirectory(dir)
        val db = File(dir, "demo-$username.db")
        val device = directory.deviceId()
        createDemoDatabase(db.path, keys.keyFor(username), device, households, 7uL, today())
        IlpCore.open(OpenConfig(db.path, keys.keyFor(username), device, username, OFFSET_MINUTES)).use { core ->
            core.setOfflinePin(PIN)
            val user = core.currentUser()
            directory.remember(Account(user.username, user.displayName, user.role, db.name, System.currentTimeMillis()))
        }
        return graph(dir)
    }

    /** [phoneWithDemoUser], logged in with the PIN, on the Today screen. */
    fun signedIn(username: String = "kader.rw001.a", households: UInt = 60u): AppGraph {
        val graph = phoneWithDemoUser(username, households)
        runBlocking { graph.accounts.loginOffline(username, PIN) }
        graph.navigator.reset(id.posyandu.ilp.app.nav.Route.Today)
        return graph
    }
}

/** Waits (up to 60 s) for a state that satisfies `predicate` and returns it. */
fun <T> StateFlow<T>.await(timeoutMs: Long = 60_000, predicate: (T) -> Boolean): T = runBlocking {
    try {
        withTimeout(timeoutMs) { first(predicate) }
    } catch (e: kotlinx.coroutines.TimeoutCancellationException) {
        throw AssertionError("state never matched; last: $value", e)
    }
}

/** The view model of the current screen, as `T`. */
inline fun <reified T> AppGraph.screen(): T {
    val vm = navigator.current.viewModel
    return vm as? T ?: throw AssertionError("expected ${T::class.simpleName} on top, found ${navigator.current.route}")
}
