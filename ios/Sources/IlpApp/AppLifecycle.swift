// iOS kills a suspended app that holds SQLite file locks, so the database closes when the scene goes to the
// background and reopens on return; a background refresh (BGAppRefreshTask) opens it only for the length of
// one sync. The SwiftUI app calls these from scenePhase and the task handler; the tests call them directly.
import IlpCore


public enum LifecycleLog {
    // No health data is ever logged: only what happened to the database, never what is in it.
    static let logger = Logger(subsystem: "id.posyandu.ilp", category: "lifecycle")
}

@MainActor
public final class AppLifecycle {
    private let session: CoreSession
    private let sync: SyncRepository
    public private(set) var inBackground = false

    public init(session: CoreSession, sync: SyncRepository) {
        self.session = session
        self.sync = sync
    }

    /// The scene went to the background: a running sync is cancelled between commits, the database closes.
    public func didEnterBackground() async {
        inBackground = true
        do {
            if try await session.closeDatabase() { LifecycleLog.logger.info("database closed for background") }
        } catch {
            LifecycleLog.logger.error("closing the database failed: \(UiError.from(error).code, privacy: .public)")
        }
    }

    /// The scene is active again: reopen before any screen reads.
    public func willEnterForeground() async {
        inBackground = false
        do {
            if try await session.reopenDatabase() { LifecycleLog.logger.info("database reopened") }
        } catch {
            LifecycleLog.logger.error("reopening the database failed: \(UiError.from(error).code, privacy: .public)")
        }
    }

    /// One background sync (BGAppRefreshTask): opens the database if the app sleeps, syncs, and closes it
    /// again unless the user came back meanwhile. True when the sync completed.
    public func backgroundSync() async -> Bool {
        guard session.isSignedIn else { return false }
        let reopened = (try? await session.reopenDatabase()) ?? false
        var ok = false
        do {
            _ = try await sync.syncNow(listener: SilentListener())
            ok = true
        } catch {
            LifecycleLog.logger.info("background sync ended: \(UiError.from(error).code, privacy: .public)")
        }
        if reopened && inBackground { _ = try? await session.closeDatabase() }
        return ok
    }

    /// The system ends the background time: stop the sync between two commits.
    public func cancelBackgroundSync() async {
        await sync.cancel()
    }
}

/// A background sync has nobody to show progress to.
final class SilentListener: SyncListener, @unchecked Sendable {
    func onProgress(progress: SyncProgressView) {}
}
