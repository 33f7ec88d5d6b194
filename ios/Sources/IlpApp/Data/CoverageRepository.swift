// Supervisor coverage: the areas and Posyandu the user may look at, an area's (or Posyandu's) coverage
// table for a month, and the persons or households behind one of its numbers.
import IlpCore

/// An area a coverage table can be asked for, with its level ("village", "rw", "rt").
public struct AreaChoice: Equatable, Hashable, Sendable, Identifiable {
    public let id: String
    public let level: String
    public let label: String
}

public final class CoverageRepository: Sendable {
    private let session: CoreSession

    public init(session: CoreSession) { self.session = session }

    /// The kelurahan, RWs and RTs inside the user's area: the kelurahan first, then by RW and RT.
    public func areas() async throws -> [AreaChoice] {
        try await session.call { core in
            let nodes = try core.areaTree()
            let byId = Dictionary(nodes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let rank = ["village": 0, "rw": 1, "rt": 2]
            func key(_ n: AreaNode) -> String {
                n.level == "rt" ? (n.parentId.flatMap { byId[$0]?.code } ?? "") + "/" + n.code : n.code + "/"
            }
            return nodes.filter { $0.inScope && rank[$0.level] != nil }
                .sorted { a, b in
                    let ra = a.level == "village" ? 0 : 1, rb = b.level == "village" ? 0 : 1
                    if ra != rb { return ra < rb }
                    if key(a) != key(b) { return key(a) < key(b) }
                    return rank[a.level]! < rank[b.level]!
                }
                .map { n in
                    let rw = n.level == "rt" ? n.parentId.flatMap { byId[$0] }.map { " / " + $0.name } ?? "" : ""
                    return AreaChoice(id: n.id, level: n.level, label: n.name + rw)
                }
        }
    }

    public func posyandus() async throws -> [PosyanduView] {
        try await session.call { try $0.posyanduList() }
    }

    /// The table of `areaId` or `posyanduId` (one of them) for `month` (YYYY-MM).
    public func coverage(areaId: String?, posyanduId: String?, month: String) async throws -> CoverageView {
        try await session.call { try $0.coverage(areaId: areaId, posyanduId: posyanduId, month: month) }
    }

    /// The list rows of a coverage number's persons or households, in the order given.
    public func describe(_ ids: [String]) async throws -> [SubjectRow] {
        try await session.call { try $0.describeSubjects(ids: ids) }
    }
}
