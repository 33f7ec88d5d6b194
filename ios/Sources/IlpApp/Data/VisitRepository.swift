// A visit for one person: what the form needs to lay itself out (the core's visit plan: life stages,
// fields, questions, the visit kind to start with, the items due now; the person's schedule, the pick
// lists, the Posyandu), the measurement preview while typing, and recording the whole visit in one
// transaction.
import IlpCore

public struct VisitContext: Equatable, Sendable {
    public let subject: SubjectRow
    public let card: MemberCard?
    public let dangerSigns: [CodeLabel]
    public let services: [CodeLabel]
    public let antigens: [CodeLabel]
    public let posyandus: [PosyanduView]
    /// What the core says the form is today: stages, fields, questions, suggested kind, open items.
    public let plan: VisitPlanView
    /// The person's whole schedule (the ANC contacts, KF and KN visits the number picker offers).
    public let schedule: [DueItemView]

    /// Open items (due or overdue) the visit may close: doses to give, the ANC contact due.
    public var openItems: [DueItemView] { plan.openItems }
    /// The doses due now, which the form offers to tick ("imm:mr:1").
    public var dueDoses: [DueItemView] { openItems.filter { $0.key.hasPrefix("imm:") } }
    /// The other open items (ANC contact, weighing, screening): what this visit should cover.
    public var otherOpenItems: [DueItemView] { openItems.filter { !$0.key.hasPrefix("imm:") } }
}

public final class VisitRepository: Sendable {
    private let session: CoreSession
    private let households: HouseholdRepository

    public init(session: CoreSession, households: HouseholdRepository) {
        self.session = session
        self.households = households
    }

    /// The form of `personId` today; `atPosyandu`: the visit is made at a Posyandu session.
    public func context(_ personId: String, atPosyandu: Bool) async throws -> VisitContext {
        try await session.call { core in
            let (subject, card) = try personParts(core, personId)
            let plan = try core.visitPlan(personId: personId, atPosyandu: atPosyandu)
            let schedule = try core.dueItems(personId: personId, date: nil)
            return VisitContext(
                subject: subject, card: card, dangerSigns: CoreCodes.dangerSigns(), services: CoreCodes.services(),
                antigens: CoreCodes.antigens(), posyandus: try core.posyanduList(), plan: plan,
                schedule: schedule.items)
        }
    }

    /// Only the core's plan of the visit form (life stages, fields, questions, suggested kind).
    public func plan(_ personId: String, atPosyandu: Bool) async throws -> VisitPlanView {
        try await session.call { try $0.visitPlan(personId: personId, atPosyandu: atPosyandu) }
    }

    /// What the typed numbers say (z-score categories, N/T, KEK, blood pressure); writes nothing. An
    /// impossible value is refused as `record` would refuse it.
    public func assess(_ personId: String, measurement: MeasurementForm, on date: String? = nil) async throws -> MeasurementAssessment {
        try await session.call { try $0.assessMeasurement(personId: personId, measuredOn: date, measurement: measurement) }
    }

    public func record(_ visit: VisitForm) async throws -> VisitResult {
        let result = try await session.call { try $0.recordVisit(visit: visit) }
        if let household = try? await session.call({ try personParts($0, result.personId).0.householdId }) {
            households.changed.emit(household)
        }
        return result
    }
}
