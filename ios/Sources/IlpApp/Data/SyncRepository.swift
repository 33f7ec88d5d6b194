// Sync through the core: the status screen's data (pending, refused, last success), a sync with a
// listener hearing its progress from the core's threads, and cancel.
import IlpCore

public final class SyncRepository: Sendable {
    private let session: CoreSession

    public init(session: CoreSession) { self.session = session }

    public func status() async throws -> SyncStatusView {
        try await session.call { try $0.syncStatus() }
    }

    /// Pushes what waits and pulls the area's changes; `listener` hears the current state first.
    public func syncNow(listener: SyncListener) async throws -> SyncSummary {
        try await session.callAsync { try await $0.syncNow(listener: listener) }
    }

    /// Stops a running sync between two commits (what was committed stays).
    public func cancel() async {
        _ = try? await session.call { $0.cancelSync() }
    }
}
