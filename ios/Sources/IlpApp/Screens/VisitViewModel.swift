// A visit for one person. The form follows the core's plan of the visit (`IlpCore.visitPlan`: the life
// stages, which measurements and questions it asks, lying or standing, the visit kind and contact number
// to start with, the items due now); the app decides none of it. While the numbers are typed the core
// previews what they mean (z-score category, KMS N/T, KEK, blood pressure) exactly as it will judge them
// on saving; a danger sign opens the referral, and the emergency pick-up call is recorded with its time.
import Foundation
import IlpCore
import Observation

/// The core's life-stage codes, typed. The core decides which stages apply (`IlpCore.visitPlan`); this
/// only names them. A code the app does not know makes the form ask everything.
public enum LifeStage: String, CaseIterable, Sendable {
    case pregnant, postpartum, newborn
    case underFive = "under_five"
    case schoolAge = "school_age"
    case adult, elderly
    /// Age unknown (an unidentified person).
    case unknown
}

/// The measurements a plan asks, by the core's codes.
public enum MeasureField: String, CaseIterable, Sendable {
    case weight
    case length = "length_or_height"
    case head = "head_circumference"
    case muac
    case bloodPressure = "blood_pressure"
    case glucose
}

/// The questions a plan asks, by the core's codes; the answers go to the person's health status.
public enum HealthQuestion: String, CaseIterable, Sendable {
    case smoking
    case knownConditions = "known_conditions"
    case familyPlanning = "family_planning"
    case exclusiveBreastfeeding = "exclusive_breastfeeding"
}

/// A stage of the plan as the screen names it: the catalog key when the app knows the code, else the
/// core's Bahasa label.
public struct StageName: Hashable, Sendable {
    public let code: String
    public let label: String
    /// "stage.under_five"; nil for a code the app does not know.
    public var catalogKey: String? { LifeStage(rawValue: code).map { "stage." + $0.rawValue } }
}

/// An ANC contact, KF or KN number the user may pick instead of the suggested one.
public struct VisitNumberChoice: Hashable, Sendable {
    public let number: UInt8
    /// The core's label of the scheduled contact ("ANC K3 (dokter)"), nil when not scheduled.
    public let label: String?
    public let byDoctor: Bool
}

/// The answers to the plan's questions; nil: not answered.
public struct HealthAnswers: Equatable, Sendable {
    public var smokes: Bool?
    /// Known hypertension, and whether it is treated regularly.
    public var hypertension: Bool?
    public var hypertensionTreated: Bool?
    public var diabetes: Bool?
    public var diabetesTreated: Bool?
    public var familyPlanning: Bool?
    public var exclusiveBreastfeeding: Bool?

    public init() {}

    /// The core's form of the answers to the questions asked, or nil when none was answered.
    public func toForm(asking questions: Set<HealthQuestion>) -> HealthStatusForm? {
        var conditions: [ConditionForm] = []
        if questions.contains(.knownConditions) {
            if hypertension == true {
                conditions.append(ConditionForm(condition: "hypertension", onTreatment: hypertensionTreated,
                                                neglected: nil, resolved: false))
            }
            if diabetes == true {
                conditions.append(ConditionForm(condition: "diabetes", onTreatment: diabetesTreated,
                                                neglected: nil, resolved: false))
            }
        }
        let form = HealthStatusForm(
            conditions: conditions,
            smokes: questions.contains(.smoking) ? smokes : nil,
            familyPlanning: questions.contains(.familyPlanning) ? familyPlanning : nil,
            exclusiveBreastfeeding: questions.contains(.exclusiveBreastfeeding) ? exclusiveBreastfeeding : nil)
        let empty = form.conditions.isEmpty && form.smokes == nil && form.familyPlanning == nil
            && form.exclusiveBreastfeeding == nil
        return empty ? nil : form
    }
}

/// The numbers as typed (comma or point as the decimal mark).
public struct MeasurementDraft: Equatable, Sendable {
    public var weightKg = ""
    public var lengthCm = ""
    /// Lying (panjang badan) or standing; starts as the core's plan says, nil when it says nothing.
    public var measuredLying: Bool?
    public var headCm = ""
    public var muacCm = ""
    public var systolic = ""
    public var diastolic = ""
    public var glucose = ""
    /// fasting, random or two_hours_after_meal.
    public var glucoseTiming: String?

    /// The core's glucose timing codes, in the order the picker shows them.
    public static let glucoseTimings = ["fasting", "random", "two_hours_after_meal"]

    public init() {}

    /// The core's form, or nil when nothing is typed. Text that is not a number is refused here, naming the
    /// field as the core names it; whether a number is plausible is the core's to say.
    public func toForm() throws -> MeasurementForm? {
        func number(_ s: String, _ field: String) throws -> Double? {
            let t = s.trimmed.replacingOccurrences(of: ",", with: ".")
            if t.isEmpty { return nil }
            guard let v = Double(t), v.isFinite else { throw UiError.invalid(field: "measurement." + field, reason: "is not a number") }
            return v
        }
        func pressure(_ s: String, _ field: String) throws -> UInt16? {
            let t = s.trimmed
            if t.isEmpty { return nil }
            guard let v = UInt16(t) else { throw UiError.invalid(field: "measurement." + field, reason: "is not a whole number") }
            return v
        }
        let form = MeasurementForm(
            weightKg: try number(weightKg, "weight_kg"), lengthOrHeightCm: try number(lengthCm, "length_or_height_cm"),
            measuredLying: measuredLying, headCircumferenceCm: try number(headCm, "head_circumference_cm"),
            muacCm: try number(muacCm, "muac_cm"), systolicMmhg: try pressure(systolic, "systolic_mmhg"),
            diastolicMmhg: try pressure(diastolic, "diastolic_mmhg"),
            bloodGlucoseMgDl: try number(glucose, "blood_glucose_mg_dl"), glucoseTiming: glucoseTiming)
        let nothingTyped = form.weightKg == nil && form.lengthOrHeightCm == nil && form.headCircumferenceCm == nil
            && form.muacCm == nil && form.systolicMmhg == nil && form.diastolicMmhg == nil && form.bloodGlucoseMgDl == nil
        return nothingTyped ? nil : form
    }
}

/// The referral part of the form.
public struct ReferralDraft: Equatable, Sendable {
    public var to = ""
    public var emergency = false
    public var reason = ""
    public var pickupCalled = false
    public var pickupCalledAtMs: Int64?
    public var pickupService = ""

    public init() {}
}

@MainActor
@Observable
public final class VisitViewModel: ScreenModel {
    public private(set) var context: Load<VisitContext> = .loading
    public private(set) var kind: VisitKindForm = .homeVisit
    public private(set) var posyanduId: String?
    public private(set) var measurement = MeasurementDraft()
    /// What the typed numbers say; nil while nothing is typed.
    public private(set) var assessment: Load<MeasurementAssessment>?
    public private(set) var dangerSigns: Set<String> = []
    public private(set) var dangerNote = ""
    /// Open while a danger sign is ticked or the preview says to refer.
    public private(set) var referral: ReferralDraft?
    /// Keys of the due doses given now ("imm:mr:1").
    public private(set) var immunizations: Set<String> = []
    public private(set) var services: Set<String> = []
    public private(set) var answers = HealthAnswers()
    public private(set) var note = ""
    public private(set) var saving = false
    public private(set) var error: UiError?
    public private(set) var saved: VisitResult?
    @ObservationIgnored public private(set) var previewTask: Task<Void, Never>?

    @ObservationIgnored private let repository: VisitRepository
    @ObservationIgnored private let navigator: Navigator
    @ObservationIgnored private let personId: String
    @ObservationIgnored private let clockMs: @Sendable () -> Int64

    public static let typingPause: Duration = .milliseconds(300)

    public init(repository: VisitRepository, navigator: Navigator, personId: String, posyanduId: String?,
                clockMs: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.repository = repository
        self.navigator = navigator
        self.personId = personId
        self.posyanduId = posyanduId
        self.clockMs = clockMs
    }

    /// The core's plan of this visit; nil while loading.
    public var plan: VisitPlanView? { context.value?.plan }
    /// The primary stage, typed; nil while loading or for a code the app does not know.
    public var stage: LifeStage? { plan.flatMap { LifeStage(rawValue: $0.lifeStage) } }
    public var stageCode: String? { plan?.lifeStage }
    /// The core's Bahasa label of the primary stage ("Balita").
    public var stageLabel: String? { plan?.lifeStageLabel }
    /// Every stage that applies, the primary first (a pregnant adolescent is both).
    public var stages: [StageName] {
        guard let plan else { return [] }
        return zip(plan.stages, plan.stageLabels).map { StageName(code: $0, label: $1) }
    }
    /// A plan whose stage the app does not know asks everything.
    private var asksEverything: Bool { plan.map { LifeStage(rawValue: $0.lifeStage) == nil } ?? false }
    /// The measurements to ask, as the core's plan says.
    public var fields: Set<MeasureField> {
        guard let plan else { return [] }
        if asksEverything { return Set(MeasureField.allCases) }
        return Set(plan.fields.compactMap(MeasureField.init(rawValue:)))
    }
    /// The questions to ask, as the core's plan says.
    public var questions: Set<HealthQuestion> {
        guard let plan else { return [] }
        if asksEverything { return Set(HealthQuestion.allCases) }
        return Set(plan.questions.compactMap(HealthQuestion.init(rawValue:)))
    }
    /// The ongoing pregnancy the visit is filed under (ANC).
    public var pregnancyId: String? { plan?.pregnancyId }
    /// Items due or overdue now: what to give or check in this visit.
    public var openItems: [DueItemView] { plan?.openItems ?? [] }
    /// posyandu, home_visit, anc, kf, kn or other: the catalog key "visit.kind.<code>".
    public var kindCode: String {
        switch kind {
        case .posyandu: return "posyandu"
        case .homeVisit: return "home_visit"
        case .anc: return "anc"
        case .kf: return "kf"
        case .kn: return "kn"
        case .other: return "other"
        }
    }
    /// The ANC contact, KF or KN number of the kind; nil for other kinds (or no ANC contact left).
    public var kindNumber: UInt8? {
        switch kind {
        case let .anc(contact, _): return contact
        case let .kf(number), let .kn(number): return number
        default: return nil
        }
    }
    /// The numbers the picker offers: the contacts of the person's schedule still open, and the current
    /// one; empty when the kind has no number.
    public var numberChoices: [VisitNumberChoice] {
        let schedule = context.value?.schedule ?? []
        // The number is the key's third part ("anc:<pregnancy>:3", "kf:<pregnancy>:2") or second ("kn:1").
        let scheduled: [(item: DueItemView, part: Int)]
        switch kind {
        case .anc:
            let prefix = "anc:" + (pregnancyId ?? "") + ":"
            scheduled = schedule.filter { $0.kind == "anc" && $0.key.hasPrefix(prefix) }.map { ($0, 2) }
        case .kf: scheduled = schedule.filter { $0.kind == "kf" }.map { ($0, 2) }
        case .kn: scheduled = schedule.filter { $0.kind == "kn" }.map { ($0, 1) }
        default: return []
        }
        var choices: [UInt8: VisitNumberChoice] = [:]
        for (item, part) in scheduled where ["upcoming", "due", "overdue"].contains(item.status) {
            let parts = item.key.split(separator: ":")
            guard parts.count > part, let n = UInt8(parts[part]) else { continue }
            choices[n] = VisitNumberChoice(number: n, label: item.label, byDoctor: parts.last == "dokter")
        }
        if let current = kindNumber, choices[current] == nil {
            var byDoctor = false
            if case let .anc(_, doctor) = kind { byDoctor = doctor }
            choices[current] = VisitNumberChoice(number: current, label: nil, byDoctor: byDoctor)
        }
        return choices.values.sorted { $0.number < $1.number }
    }
    public var errorField: String? { error?.field }

    /// The preview or the danger signs say this person should be referred.
    public var referralSuggested: Bool {
        !dangerSigns.isEmpty || assessment?.value?.kms?.refer == true || !(assessment?.value?.alerts.isEmpty ?? true)
    }

    public func load() async {
        context = .loading
        do {
            let c = try await repository.context(personId, atPosyandu: posyanduId != nil)
            kind = c.plan.suggestedKind
            measurement.measuredLying = c.plan.measureLying
            context = .ready(c)
        } catch {
            context = .failed(UiError.from(error))
        }
    }

    public func onKind(_ k: VisitKindForm) { kind = k }

    /// Another ANC contact, KF or KN number picked (an ANC contact by a doctor as the schedule says).
    public func onKindNumber(_ number: UInt8) {
        switch kind {
        case let .anc(_, doctor):
            let byDoctor = numberChoices.first { $0.number == number }?.byDoctor ?? doctor
            kind = .anc(contact: number, byDoctor: byDoctor)
        case .kf: kind = .kf(number: number)
        case .kn: kind = .kn(number: number)
        default: break
        }
    }

    /// An answer to one of the plan's questions.
    public func onAnswers(_ a: HealthAnswers) {
        answers = a
        if error?.field?.hasPrefix("health_status") == true { error = nil }
    }
    public func onPosyandu(_ id: String?) { posyanduId = id }

    /// A number typed: the preview follows once the user pauses.
    public func onMeasurement(_ draft: MeasurementDraft) {
        measurement = draft
        if error?.field?.hasPrefix("measurement.") == true { error = nil }
        previewTask?.cancel()
        previewTask = Task { [weak self] in
            try? await Task.sleep(for: Self.typingPause)
            guard !Task.isCancelled, let self else { return }
            await self.preview()
        }
    }

    /// Asks the core what the typed numbers say; an impossible value shows as the field's error.
    public func preview() async {
        let typed = measurement
        let form: MeasurementForm
        do {
            guard let f = try typed.toForm() else {
                assessment = nil
                return
            }
            form = f
        } catch {
            assessment = .failed(UiError.from(error))
            return
        }
        assessment = .loading
        let result = await loadResult { try await repository.assess(personId, measurement: form) }
        guard typed == measurement else { return }
        assessment = result
        if referral == nil, result.value?.kms?.refer == true || !(result.value?.alerts.isEmpty ?? true) {
            referral = ReferralDraft()
        }
    }

    public func toggleDangerSign(_ code: String) {
        if dangerSigns.contains(code) { dangerSigns.remove(code) } else { dangerSigns.insert(code) }
        // A danger sign is an emergency until the kader says otherwise.
        if !dangerSigns.isEmpty && referral == nil {
            var r = ReferralDraft()
            r.emergency = true
            referral = r
        }
    }

    public func onDangerNote(_ v: String) { dangerNote = v }
    public func toggleImmunization(_ key: String) {
        if immunizations.contains(key) { immunizations.remove(key) } else { immunizations.insert(key) }
    }
    public func toggleService(_ code: String) {
        if services.contains(code) { services.remove(code) } else { services.insert(code) }
    }
    public func onNote(_ v: String) { note = v }

    public func startReferral() { if referral == nil { referral = ReferralDraft() } }
    public func cancelReferral() { referral = nil }
    public func onReferral(_ r: ReferralDraft) {
        referral = r
        if error?.field?.hasPrefix("referral") == true { error = nil }
    }

    /// The emergency pick-up (e.g. Brigade Kupang Sehat) was phoned: recorded with the time of the call.
    public func recordPickupCall(service: String) {
        var r = referral ?? ReferralDraft()
        r.emergency = true
        r.pickupCalled = true
        r.pickupCalledAtMs = clockMs()
        r.pickupService = service
        referral = r
    }

    /// The whole visit in one transaction; back to where the visit was started from.
    public func save() async {
        guard !saving, saved == nil else { return }
        saving = true
        error = nil
        do {
            let result = try await repository.record(try form())
            saving = false
            saved = result
            navigator.pop()
        } catch {
            saving = false
            self.error = UiError.from(error)
        }
    }

    /// The core's form of what is on screen.
    public func form() throws -> VisitForm {
        let doses: [ImmunizationForm] = immunizations.sorted().compactMap { key in
            // "imm:<antigen>:<dose>"
            let parts = key.split(separator: ":")
            guard parts.count == 3, parts[0] == "imm", let dose = UInt8(parts[2]) else { return nil }
            return ImmunizationForm(antigen: String(parts[1]), dose: dose, givenOn: nil, batch: nil, fromHistory: false)
        }
        return VisitForm(
            personId: personId, occurredAtMs: nil, kind: kind, posyanduId: posyanduId, place: nil,
            pregnancyId: pregnancyId,
            measurement: try measurement.toForm(), immunizations: doses,
            services: services.sorted().map { ServiceForm(kind: $0, quantity: nil) },
            dangerSigns: dangerSigns.sorted(), dangerNote: dangerNote.trimmed.nilIfEmpty,
            referral: referral.map {
                ReferralForm(to: $0.to.trimmed, emergency: $0.emergency, reason: $0.reason.trimmed.nilIfEmpty,
                             pickupCalled: $0.pickupCalled, pickupCalledAtMs: $0.pickupCalledAtMs,
                             pickupService: $0.pickupService.trimmed.nilIfEmpty)
            },
            note: note.trimmed.nilIfEmpty, healthStatus: answers.toForm(asking: questions))
    }

    public func close() { previewTask?.cancel() }
}
