// The Posyandu day: the Posyandu serving the user's RTs, who is expected on a day and who came, and
// ending the session (the absentees become home visits at once).
import IlpCore

public final class PosyanduRepository: Sendable {
    private let session: CoreSession

    public init(session: CoreSession) { self.session = session }

    public func posyandus() async throws -> [PosyanduView] {
        try await session.call { try $0.posyanduList() }
    }

    public func sessionDay(_ posyanduId: String, date: String) async throws -> PosyanduSessionView {
        try await session.call { try $0.posyanduSession(posyanduId: posyanduId, date: date) }
    }

    /// Everyone expected who did not come becomes a home visit now; returns the session as it reads after.
    public func end(_ posyanduId: String, date: String) async throws -> PosyanduSessionView {
        try await session.call { try $0.endPosyanduSession(posyanduId: posyanduId, date: date) }
    }

    /// Persons by name, NIK or phone, for a walk-in not on the expected list.
    public func search(_ query: String) async throws -> [SearchResult] {
        try await session.call { try $0.search(query: query, limit: 20) }
    }
}
