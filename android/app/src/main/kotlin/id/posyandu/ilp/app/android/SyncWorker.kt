//! The background sync WorkManager runs about hourly while the phone is online. It opens nothing:
//! with a user signed in in this process it syncs through the same repository as the sync screen
//! (joining a sync already running), otherwise it has nothing to do.
package id.posyandu.ilp.app.android

import android.content.Context
import androidx.work.CoroutineWorker
import androidx.work.WorkerParameters
import id.posyandu.ilp.core.IlpException

class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val graph = (applicationContext as IlpApplication).graph
        if (graph.session.user.value == null) return Result.success()
        return try {
            graph.sync.syncNow().await()
            Result.success()
        } catch (e: IlpException.Network) {
            // The core already retried with backoff; WorkManager tries again later with its own.
            Result.retry()
        } catch (e: IlpException) {
            // The login is gone, or the user cancelled: the sync screen shows the kept error.
            Result.success()
        }
    }
}
