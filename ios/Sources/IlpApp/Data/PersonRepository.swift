// One person: who they are (name, age, household, RT), their latest measurements and pregnancy, their
// schedule (which holds the immunization card and the ANC/KF/KN contacts), their history, and the growth
// chart per indicator. The core has no single "person screen" call yet, so the parts are read together in
// one trip off the main actor.
import IlpCore

public struct PersonView: Equatable, Sendable {
    /// Name, age, sex, household, address and RT (also for a person registered without a household).
    public let subject: SubjectRow
    /// The household screen's card of the person: birth date, latest measurements, pregnancy. Nil for a
    /// person with no household.
    public let card: MemberCard?
    public let schedule: PersonSchedule
    /// Newest first, corrections applied.
    public let history: [HistoryEntry]

    /// The immunization card: routine and school doses with their status.
    public var immunizations: [DueItemView] {
        schedule.items.filter { $0.kind == "immunization" || $0.kind == "bias" }
    }

    /// Pregnancy, postpartum and newborn contacts (K1-K6, KF1-4, KN1-3).
    public var maternalContacts: [DueItemView] {
        schedule.items.filter { ["anc", "kf", "kn"].contains($0.kind) }
    }

    /// The growth charts that apply: under-fives get weight, length, weight-for-length and head; older
    /// children to 19 years BMI and height (the WHO 2007 reference). None without sex and birth date.
    public var growthIndicators: [String] {
        guard let card, card.sex != nil, card.birthDate != nil, let days = card.ageDays, days >= 0 else { return [] }
        if days <= 1856 { return ["wfa", "lhfa", "wflh", "hcfa"] }
        if days < 19 * 365 { return ["bmifa", "lhfa"] }
        return []
    }
}

public final class PersonRepository: Sendable {
    private let session: CoreSession
    private let households: HouseholdRepository

    public init(session: CoreSession, households: HouseholdRepository) {
        self.session = session
        self.households = households
    }

    public func view(_ personId: String, date: String? = nil) async throws -> PersonView {
        try await session.call { core in
            let (subject, card) = try personParts(core, personId)
            let schedule = try core.dueItems(personId: personId, date: date)
            let history = try core.personHistory(personId: personId)
            return PersonView(subject: subject, card: card, schedule: schedule, history: history)
        }
    }

    /// wfa, lhfa, wflh, bmifa, hcfa or acfa: the child's points and the WHO -3..+3 SD curves.
    public func growthChart(_ personId: String, indicator: String) async throws -> GrowthChart {
        try await session.call { try $0.growthChart(personId: personId, indicator: indicator) }
    }

    /// Opens a pregnancy from HPHT (YYYY-MM-DD); returns its id.
    public func registerPregnancy(_ personId: String, hpht: String?, edd: String?) async throws -> String {
        let id = try await session.call { try $0.registerPregnancy(personId: personId, hpht: hpht, edd: edd) }
        if let household = try? await session.call({ try personParts($0, personId).0.householdId }) {
            households.changed.emit(household)
        }
        return id
    }
}

/// The person as a list row describes them, and their household card when they have a household.
func personParts(_ core: IlpCore, _ personId: String) throws -> (SubjectRow, MemberCard?) {
    guard let subject = try core.describeSubjects(ids: [personId]).first, subject.kind == "person" else {
        throw UiError.notFound(what: "person", id: personId)
    }
    let card = try subject.householdId.flatMap { household in
        try core.householdDetail(householdId: household).members.first { $0.personId == subject.id }
    }
    return (subject, card)
}
