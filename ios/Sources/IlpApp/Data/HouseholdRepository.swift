// Households through the core: the RTs a user may open, an RT's households, spelling-tolerant search,
// registering and editing a household, adding a member, and the household screen's data (members, each
// member's due items, the family health index) read in one trip off the main actor.
import IlpCore

/// An RT the user may open, labelled as the kader says it ("RT 002 / RW 001").
public struct RtChoice: Equatable, Hashable, Sendable, Identifiable {
    public let id: String
    public let label: String

    public init(id: String, label: String) {
        self.id = id
        self.label = label
    }
}

/// Everything the household screen shows.
public struct HouseholdView: Equatable, Sendable {
    public let detail: HouseholdScreen
    public let familyIndex: FamilyHealthIndex
    /// Each member's schedule, by person id.
    public let schedules: [String: PersonSchedule]

    /// What a member row lists: the items due or overdue now, as the core ordered them.
    public func openItems(of personId: String) -> [DueItemView] {
        (schedules[personId]?.items ?? []).filter { $0.status == "due" || $0.status == "overdue" }
    }
}

public final class HouseholdRepository: Sendable {
    private let session: CoreSession
    /// Ids of households written through this repository.
    public let changed = ChangeFeed()

    public init(session: CoreSession) { self.session = session }

    /// The RTs inside the user's area (a kader's own RTs; every RT of the kelurahan for a bidan or
    /// supervisor), in RW then RT order, with the user's own assignments first.
    public func rts() async throws -> [RtChoice] {
        try await session.call { core in
            let assigned = Set(core.currentUser().areaIds)
            let nodes = try core.areaTree()
            return rtChoices(nodes, assigned: assigned)
        }
    }

    public func householdsInRt(_ rtId: String) async throws -> [HouseholdRow] {
        try await session.call { try $0.householdsInRt(rtId: rtId) }
    }

    /// Persons by name (old spellings and small typos tolerated), NIK, KK or phone.
    public func search(_ query: String, limit: UInt32 = 30) async throws -> [SearchResult] {
        try await session.call { try $0.search(query: query, limit: limit) }
    }

    public func jknCodes() async throws -> [CodeLabel] {
        try await session.run { CoreCodes.jkn() }
    }

    public func relationCodes() async throws -> [CodeLabel] {
        try await session.run { CoreCodes.relations() }
    }

    /// One transaction: the household and every member, or nothing (a field error names `members[i].x`).
    public func register(_ household: HouseholdForm, members: [PersonForm]) async throws -> RegistrationResult {
        let result = try await session.call { try $0.registerHousehold(household: household, members: members) }
        changed.emit(result.householdId)
        return result
    }

    public func edit(_ householdId: String, form: HouseholdForm) async throws {
        try await session.call { try $0.editHousehold(householdId: householdId, form: form) }
        changed.emit(householdId)
    }

    /// Adds a newborn or someone moving in; returns the new person's id.
    public func addMember(_ householdId: String, member: PersonForm) async throws -> String {
        let id = try await session.call { try $0.addMember(householdId: householdId, member: member) }
        changed.emit(householdId)
        return id
    }

    public func detail(_ householdId: String) async throws -> HouseholdScreen {
        try await session.call { try $0.householdDetail(householdId: householdId) }
    }

    /// The household screen's data; `date` (YYYY-MM-DD) fixes the due items' day, today when nil.
    public func view(_ householdId: String, date: String? = nil) async throws -> HouseholdView {
        try await session.call { core in
            let detail = try core.householdDetail(householdId: householdId)
            let index = try core.familyHealthIndex(householdId: householdId)
            var schedules: [String: PersonSchedule] = [:]
            for m in detail.members {
                schedules[m.personId] = try core.dueItems(personId: m.personId, date: date)
            }
            return HouseholdView(detail: detail, familyIndex: index, schedules: schedules)
        }
    }
}

/// RTs in scope, the user's own first, then by RW code and RT code; labelled "RT 002 / RW 001".
func rtChoices(_ nodes: [AreaNode], assigned: Set<String>) -> [RtChoice] {
    let byId = Dictionary(nodes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    func parentCode(_ n: AreaNode) -> String { n.parentId.flatMap { byId[$0]?.code } ?? "" }
    return nodes.filter { $0.level == "rt" && $0.inScope }
        .sorted { a, b in
            let ka = (assigned.contains(a.id) ? 0 : 1, parentCode(a), a.code)
            let kb = (assigned.contains(b.id) ? 0 : 1, parentCode(b), b.code)
            return ka < kb
        }
        .map { rt in
            if let rw = rt.parentId.flatMap({ byId[$0] }), rw.level == "rw" {
                return RtChoice(id: rt.id, label: "\(rt.name) / \(rw.name)")
            }
            return RtChoice(id: rt.id, label: rt.name)
        }
}
