//! BackgroundSync on Android: one unique periodic WorkManager job (hourly, only when online,
//! exponential backoff after a failed try) running SyncWorker.
package id.posyandu.ilp.app.android

import android.content.Context
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.NetworkType
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import id.posyandu.ilp.app.data.BackgroundSync
import java.util.concurrent.TimeUnit

class WorkManagerBackgroundSync(context: Context) : BackgroundSync {
    private val work = WorkManager.getInstance(context.applicationContext)

    override fun schedule() {
        val request = PeriodicWorkRequestBuilder<SyncWorker>(1, TimeUnit.HOURS)
            .setConstraints(Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build())
            .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 10, TimeUnit.MINUTES)
            .build()
        // KEEP: scheduling again on every sign-in must not push the next run an hour away.
        work.enqueueUniquePeriodicWork(UNIQUE_NAME, ExistingPeriodicWorkPolicy.KEEP, request)
    }

    override fun cancel() {
        work.cancelUniqueWork(UNIQUE_NAME)
    }

    private companion object {
        const val UNIQUE_NAME = "ilp-background-sync"
    }
}
