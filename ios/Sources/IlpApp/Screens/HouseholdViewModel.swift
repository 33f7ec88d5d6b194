// One household: its members with their latest measurements, pregnancy and due items, the family health
// index and JKN status, all decided by the core; from here a member's profile, a visit, the edit form, and
// adding a member (a newborn, someone moving in) without leaving the screen.
import IlpCore
import Observation

@MainActor
@Observable
public final class HouseholdViewModel {
    public private(set) var view: Load<HouseholdView> = .loading
    /// The new member's row while "Tambah anggota" is open.
    public private(set) var adding: MemberDraft?
    public private(set) var relations: [CodeLabel] = []
    public private(set) var addSaving = false
    public private(set) var addError: UiError?

    @ObservationIgnored private let repository: HouseholdRepository
    @ObservationIgnored private let navigator: Navigator
    @ObservationIgnored private let householdId: String
    @ObservationIgnored private let date: String?

    public init(repository: HouseholdRepository, navigator: Navigator, householdId: String, date: String? = nil) {
        self.repository = repository
        self.navigator = navigator
        self.householdId = householdId
        self.date = date
    }

    public var addErrorField: FieldRef? { fieldOf(addError) }

    public func refresh() async {
        view = .loading
        await reload()
    }

    /// Reloads without blanking the screen first.
    private func reload() async {
        view = await loadResult { try await repository.view(householdId, date: date) }
    }

    /// Coming back from the edit form or a visit shows what was saved.
    public func observeChanges() async {
        for await id in repository.changed.changes() where id == householdId {
            await reload()
        }
    }

    public func openPerson(_ personId: String) { navigator.push(.person(personId: personId)) }
    public func visit(_ personId: String) { navigator.push(.visit(personId: personId, posyanduId: nil)) }
    public func edit() { navigator.push(.editHousehold(householdId: householdId)) }

    public func startAddMember() async {
        adding = MemberDraft(key: 0)
        addError = nil
        if relations.isEmpty { relations = (try? await repository.relationCodes()) ?? [] }
    }

    public func onNewMember(_ draft: MemberDraft) {
        adding = draft
        addError = nil
    }

    public func cancelAddMember() {
        adding = nil
        addError = nil
    }

    public func saveMember() async {
        guard let draft = adding, !addSaving else { return }
        addSaving = true
        addError = nil
        do {
            _ = try await repository.addMember(householdId, member: draft.toForm())
            addSaving = false
            adding = nil
            await reload()
        } catch {
            addSaving = false
            addError = UiError.from(error)
        }
    }
}
