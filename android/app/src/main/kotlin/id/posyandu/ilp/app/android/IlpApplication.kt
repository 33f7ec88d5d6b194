//! The process: builds the app's object graph once (accounts in the private files directory, the
//! Keystore-wrapped keys, the server from the build, WorkManager for background sync) and keeps
//! the background sync scheduled while someone is signed in.
package id.posyandu.ilp.app.android

import android.app.Application
import android.os.Build
import id.posyandu.ilp.BuildConfig
import id.posyandu.ilp.app.AppGraph
import id.posyandu.ilp.app.Platform
import id.posyandu.ilp.app.i18n.Language
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.launch
import java.io.File
import java.util.Locale
import java.util.TimeZone

class IlpApplication : Application() {
    lateinit var graph: AppGraph
        private set

    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Main.immediate)

    override fun onCreate() {
        super.onCreate()
        val background = WorkManagerBackgroundSync(this)
        graph = AppGraph(
            Platform(
                accountsDir = File(filesDir, "accounts"),
                keys = KeystoreDatabaseKeys(File(noBackupFilesDir, "keys")),
                serverUrl = { BuildConfig.SERVER_URL },
                // Read at each call: the phone may travel across WIB/WITA/WIT.
                utcOffsetMinutes = { TimeZone.getDefault().getOffset(System.currentTimeMillis()) / 60_000 },
                deviceName = listOf(Build.MANUFACTURER, Build.MODEL).joinToString(" ").trim(),
                backgroundSync = background,
            ),
            Language.fromTag(Locale.getDefault().toLanguageTag()),
        )
        // Someone signed in (online or with the PIN): their records then sync in the background.
        // Logout cancels it (SyncRepository.logout); switching user keeps it for the next one.
        scope.launch {
            graph.session.user.collect { user -> if (user != null) background.schedule() }
        }
    }
}
