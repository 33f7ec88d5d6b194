// Today's worklist and a person's due items, read from the core.
import IlpCore

public final class WorklistRepository: Sendable {
    private let session: CoreSession

    public init(session: CoreSession) { self.session = session }

    public func currentUser() async throws -> UserInfo {
        try await session.call { $0.currentUser() }
    }

    /// The worklist of `date` (YYYY-MM-DD; today on the phone when nil).
    public func worklist(date: String? = nil) async throws -> WorklistView {
        try await session.call { try $0.worklist(date: date) }
    }

    public func dueItems(personId: String, date: String? = nil) async throws -> PersonSchedule {
        try await session.call { try $0.dueItems(personId: personId, date: date) }
    }
}
