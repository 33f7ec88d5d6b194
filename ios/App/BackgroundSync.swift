// Background sync with BGAppRefreshTask: iOS wakes the app now and then (when the phone has signal and
// charge); the lifecycle opens the database for one sync and closes it again. The identifier is listed
// under BGTaskSchedulerPermittedIdentifiers in Info.plist.
import BackgroundTasks
import IlpApp

enum BackgroundSync {
    static let identifier = "id.posyandu.ilp.sync"
    private static let logger = Logger(subsystem: "id.posyandu.ilp", category: "background-sync")

    /// Must run before the app finishes launching. The handler runs on the main queue, where the lifecycle
    /// lives.
    @MainActor
    static func register(lifecycle: AppLifecycle) {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: .main) { task in
            MainActor.assumeIsolated { run(task, lifecycle: lifecycle) }
        }
    }

    @MainActor
    private static func run(_ task: BGTask, lifecycle: AppLifecycle) {
        // The next wake-up is asked for first, so a sync killed by the system still has a successor.
        schedule()
        let work = Task { @MainActor in
            let ok = await lifecycle.backgroundSync()
            logger.info("background sync finished: \(ok, privacy: .public)")
            task.setTaskCompleted(success: ok)
        }
        task.expirationHandler = {
            work.cancel()
            Task { @MainActor in await lifecycle.cancelBackgroundSync() }
        }
    }

    /// Asks for a wake-up in about an hour (iOS decides when).
    static func schedule() {
        let request = BGAppRefreshTaskRequest(identifier: identifier)
        request.earliestBeginDate = Date(timeIntervalSinceNow: 60 * 60)
        do {
            try BGTaskScheduler.shared.submit(request)
        } catch {
            logger.error("background sync not scheduled: \(String(describing: error), privacy: .public)")
        }
    }
}
