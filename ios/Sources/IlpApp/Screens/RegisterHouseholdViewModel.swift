// Registering a household with its members in one call: the form's state, member rows added and removed,
// the core's verdict (a field error put on the member row it names, a NIK already in the area, NIK
// warnings to read after saving), and the household screen once saved.
import IlpCore
import Observation

/// The choices the forms offer, from the core.
public struct FormOptions: Equatable, Sendable {
    public let jkn: [CodeLabel]
    public let relations: [CodeLabel]
}

@MainActor
@Observable
public final class RegisterHouseholdViewModel {
    public private(set) var options: Load<FormOptions> = .loading
    /// The RT the household goes in (its label for the title).
    public private(set) var rt: RtChoice?
    public private(set) var household: HouseholdDraft?
    public private(set) var members: [MemberDraft] = [MemberDraft(key: 0, relation: "head")]
    public private(set) var saving = false
    public private(set) var error: UiError?
    /// Set once saved; the form stays only while NIK warnings wait to be read.
    public private(set) var saved: RegistrationResult?

    @ObservationIgnored private let repository: HouseholdRepository
    @ObservationIgnored private let navigator: Navigator
    @ObservationIgnored private let rtId: String?
    @ObservationIgnored private var nextKey = 1

    public init(repository: HouseholdRepository, navigator: Navigator, rtId: String?) {
        self.repository = repository
        self.navigator = navigator
        self.rtId = rtId
    }

    public var errorField: FieldRef? { fieldOf(error) }

    public func load() async {
        options = .loading
        do {
            let loaded = FormOptions(jkn: try await repository.jknCodes(), relations: try await repository.relationCodes())
            let list = try await repository.rts()
            let chosen = list.first { $0.id == rtId } ?? rtId.map { RtChoice(id: $0, label: $0) } ?? list.first
            options = .ready(loaded)
            rt = chosen
            if household == nil, let chosen { household = HouseholdDraft(rtId: chosen.id) }
        } catch {
            options = .failed(UiError.from(error))
        }
    }

    public func onHousehold(_ draft: HouseholdDraft) {
        household = draft
        error = nil
    }

    public func onMember(_ draft: MemberDraft) {
        members = members.map { $0.key == draft.key ? draft : $0 }
        error = nil
    }

    public func addMemberRow() {
        members.append(MemberDraft(key: nextKey))
        nextKey += 1
        error = nil
    }

    public func removeMemberRow(_ key: Int) {
        // Indexes shift, so an error naming members[i] would point at the wrong row.
        members.removeAll { $0.key == key }
        error = nil
    }

    public func save() async {
        guard let household, !saving, saved == nil else { return }
        saving = true
        error = nil
        do {
            let result = try await repository.register(household.toForm(), members: members.map { $0.toForm() })
            saving = false
            saved = result
            if result.warnings.isEmpty { navigator.replace(.household(householdId: result.householdId)) }
        } catch {
            saving = false
            self.error = UiError.from(error)
        }
    }

    /// After reading the NIK warnings: on to the saved household.
    public func openSaved() {
        guard let saved else { return }
        navigator.replace(.household(householdId: saved.householdId))
    }

    /// The person who already holds the NIK typed.
    public func openExisting() {
        guard case let .duplicateNik(existing) = error else { return }
        navigator.push(.person(personId: existing))
    }
}

/// Editing a household's address, KK, JKN, water and latrine; back to the household once saved.
@MainActor
@Observable
public final class EditHouseholdViewModel {
    public private(set) var jkn: Load<[CodeLabel]> = .loading
    public private(set) var draft: HouseholdDraft?
    public private(set) var saving = false
    public private(set) var error: UiError?

    @ObservationIgnored private let repository: HouseholdRepository
    @ObservationIgnored private let navigator: Navigator
    @ObservationIgnored private let householdId: String

    public init(repository: HouseholdRepository, navigator: Navigator, householdId: String) {
        self.repository = repository
        self.navigator = navigator
        self.householdId = householdId
    }

    public func load() async {
        jkn = .loading
        do {
            let detail = try await repository.detail(householdId)
            jkn = .ready(try await repository.jknCodes())
            if draft == nil { draft = HouseholdDraft(detail) }
        } catch {
            jkn = .failed(UiError.from(error))
        }
    }

    public func onDraft(_ d: HouseholdDraft) {
        draft = d
        error = nil
    }

    public func save() async {
        guard let draft, !saving else { return }
        saving = true
        error = nil
        do {
            try await repository.edit(householdId, form: draft.toForm())
            saving = false
            navigator.pop()
        } catch {
            saving = false
            self.error = UiError.from(error)
        }
    }
}
