// A visit for one person. The form follows the person's life stage (which measurements, services and
// danger signs it asks); while the numbers are typed the core previews what they mean (z-score category,
// KMS N/T, KEK, blood pressure) exactly as it will judge them on saving; a danger sign opens the
// referral, and the emergency pick-up call is recorded with its time.
import Foundation
import IlpCore
import Observation

/// Which part of life the form is for; decides the fields shown, never a clinical judgement.
public enum LifeStage: String, Sendable {
    /// 0-28 days: KN visits.
    case newborn
    /// Under five: weighing, length, head, LiLA from 6 months, immunization, vitamin A.
    case underFive
    /// 5-18 years: weight, height, LiLA (adolescent girls), school doses.
    case schoolAge
    /// An ongoing pregnancy: ANC, weight, LiLA, blood pressure, iron tablets.
    case pregnant
    /// Up to 42 days after giving birth: KF visits, blood pressure.
    case postpartum
    /// 19-59 years: weight, height, blood pressure, glucose.
    case adult
    /// 60 and over: as adults.
    case elderly
    /// Age unknown (an unidentified person): every field.
    case unknown

    public static func of(card: MemberCard?, today: Date = Date()) -> LifeStage {
        if let pregnancy = card?.pregnancy {
            if pregnancy.outcome == nil { return .pregnant }
            if let at = pregnancy.outcomeAtMs, today.timeIntervalSince1970 * 1000 - Double(at) <= 42 * 86_400_000 {
                return .postpartum
            }
        }
        guard let days = card?.ageDays else { return .unknown }
        if days <= 28 { return .newborn }
        if days < 1826 { return .underFive }
        if days < 19 * 365 { return .schoolAge }
        if days < 60 * 365 { return .adult }
        return .elderly
    }

    public var fields: Set<MeasureField> {
        switch self {
        case .newborn: return [.weight, .length, .head]
        case .underFive: return [.weight, .length, .head, .muac]
        case .schoolAge: return [.weight, .length, .muac]
        case .pregnant: return [.weight, .muac, .bloodPressure]
        case .postpartum: return [.weight, .bloodPressure]
        case .adult, .elderly: return [.weight, .length, .bloodPressure, .glucose]
        case .unknown: return Set(MeasureField.allCases)
        }
    }

    /// The visit kind the form starts with.
    public func defaultKind(atPosyandu: Bool) -> VisitKindForm {
        if atPosyandu { return .posyandu }
        switch self {
        case .pregnant: return .anc(contact: nil, byDoctor: false)
        case .postpartum: return .kf(number: 1)
        case .newborn: return .kn(number: 1)
        default: return .homeVisit
        }
    }
}

public enum MeasureField: String, CaseIterable, Sendable {
    case weight, length, head, muac, bloodPressure, glucose
}

/// The numbers as typed (comma or point as the decimal mark).
public struct MeasurementDraft: Equatable, Sendable {
    public var weightKg = ""
    public var lengthCm = ""
    /// nil: by age (lying under two years).
    public var measuredLying: Bool?
    public var headCm = ""
    public var muacCm = ""
    public var systolic = ""
    public var diastolic = ""
    public var glucose = ""
    /// fasting, random or two_hours_after_meal.
    public var glucoseTiming: String?

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
    public private(set) var stage: LifeStage = .unknown
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

    public var fields: Set<MeasureField> { stage.fields }
    public var errorField: String? { error?.field }

    /// The preview or the danger signs say this person should be referred.
    public var referralSuggested: Bool {
        !dangerSigns.isEmpty || assessment?.value?.kms?.refer == true || !(assessment?.value?.alerts.isEmpty ?? true)
    }

    public func load() async {
        context = .loading
        do {
            let c = try await repository.context(personId)
            stage = LifeStage.of(card: c.card, today: Date(timeIntervalSince1970: Double(clockMs()) / 1000))
            kind = stage.defaultKind(atPosyandu: posyanduId != nil)
            context = .ready(c)
        } catch {
            context = .failed(UiError.from(error))
        }
    }

    public func onKind(_ k: VisitKindForm) { kind = k }
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
            pregnancyId: assessment?.value?.pregnancyId ?? context.value?.card?.pregnancy.flatMap { $0.outcome == nil ? $0.id : nil },
            measurement: try measurement.toForm(), immunizations: doses,
            services: services.sorted().map { ServiceForm(kind: $0, quantity: nil) },
            dangerSigns: dangerSigns.sorted(), dangerNote: dangerNote.trimmed.nilIfEmpty,
            referral: referral.map {
                ReferralForm(to: $0.to.trimmed, emergency: $0.emergency, reason: $0.reason.trimmed.nilIfEmpty,
                             pickupCalled: $0.pickupCalled, pickupCalledAtMs: $0.pickupCalledAtMs,
                             pickupService: $0.pickupService.trimmed.nilIfEmpty)
            },
            note: note.trimmed.nilIfEmpty, healthStatus: nil)
    }

    public func close() { previewTask?.cancel() }
}
