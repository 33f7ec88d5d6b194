// Today's worklist: every due or overdue item of the user's RTs, grouped by RT, most urgent first (the core
// decides the order); a tap opens the household. Also where the user switches user or logs out.
import IlpCore
import Observation

@MainActor
@Observable
public final class TodayViewModel {
    public private(set) var user: UserInfo?
    public private(set) var worklist: Load<WorklistView> = .loading

    @ObservationIgnored private let repository: WorklistRepository
    @ObservationIgnored private let accounts: AccountRepository
    @ObservationIgnored private let navigator: Navigator
    @ObservationIgnored private let date: String?

    public init(repository: WorklistRepository, accounts: AccountRepository, navigator: Navigator, date: String? = nil) {
        self.repository = repository
        self.accounts = accounts
        self.navigator = navigator
        self.date = date
    }

    public func refresh() async {
        worklist = .loading
        do {
            user = try await repository.currentUser()
            worklist = .ready(try await repository.worklist(date: date))
        } catch {
            worklist = .failed(UiError.from(error))
        }
    }

    /// One tap: the household, or the person when they have none (an emergency registration).
    public func open(_ stop: WorklistStop) {
        if let household = stop.householdId {
            navigator.push(.household(householdId: household))
        } else if let person = stop.entries.first?.item.personId {
            navigator.push(.person(personId: person))
        }
    }

    /// Hands the shared phone to the next user; this user's database closes, nothing is removed.
    public func switchUser() async {
        await accounts.switchUser()
        navigator.reset(.login)
    }

    /// Logs out (the server revokes the token when reachable); unsynced records stay on the phone.
    public func logout() async {
        try? await accounts.logout()
        navigator.reset(.login)
    }
}
