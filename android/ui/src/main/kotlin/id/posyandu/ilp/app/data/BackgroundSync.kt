//! The platform's periodic sync while the phone is online (WorkManager on Android). The ui module
//! only says when it is wanted; how and when it runs is the platform's business.
package id.posyandu.ilp.app.data

interface BackgroundSync {
    /** Syncs about every hour whenever the phone is online, from now on. Calling it again is harmless. */
    fun schedule()

    /** No more background syncs (after logout there is nobody to sync for). */
    fun cancel()
}
