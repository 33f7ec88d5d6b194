// The households tab: the RTs the user may open (one for most kaders, every RT of the kelurahan for a
// bidan), the households of the chosen RT, and the spelling-tolerant search over the user's whole area.
// A tap opens a household; the register button opens the form for the shown RT.
import IlpCore
import Observation

@MainActor
@Observable
public final class HouseholdsViewModel: ScreenModel {
    public private(set) var rts: Load<[RtChoice]> = .loading
    /// The RT shown; nil until the RTs are known.
    public private(set) var rtId: String?
    public private(set) var households: Load<[HouseholdRow]> = .loading
    public private(set) var query = ""
    /// Nil while the search box is (nearly) empty: the RT's list shows instead.
    public private(set) var results: Load<[SearchResult]>?
    /// The search waiting for the user to pause typing (tests await it).
    @ObservationIgnored public private(set) var searchTask: Task<Void, Never>?

    @ObservationIgnored private let repository: HouseholdRepository
    @ObservationIgnored private let navigator: Navigator
    @ObservationIgnored private let startRt: String?

    public static let minQuery = 2
    public static let typingPause: Duration = .milliseconds(250)

    public init(repository: HouseholdRepository, navigator: Navigator, startRt: String? = nil) {
        self.repository = repository
        self.navigator = navigator
        self.startRt = startRt
    }

    public var rt: RtChoice? { rts.value?.first { $0.id == rtId } }

    public func load() async {
        rts = .loading
        do {
            let list = try await repository.rts()
            let chosen = list.first { $0.id == startRt }?.id ?? startRt ?? list.first?.id
            rts = .ready(list)
            rtId = chosen
            if let chosen { await loadRt(chosen) } else { households = .ready([]) }
        } catch {
            rts = .failed(UiError.from(error))
            households = .failed(UiError.from(error))
        }
    }

    /// A household registered or edited elsewhere shows in the list on coming back.
    public func observeChanges() async {
        for await _ in repository.changed.changes() {
            if let rtId { await loadRt(rtId) }
        }
    }

    public func selectRt(_ id: String) async {
        rtId = id
        await loadRt(id)
    }

    private func loadRt(_ id: String) async {
        households = .loading
        let loaded = await loadResult { try await repository.householdsInRt(id) }
        if rtId == id { households = loaded }
    }

    /// Searches as the user types, once they pause, so each key press does not start a search.
    public func onQuery(_ q: String) {
        query = q
        searchTask?.cancel()
        if q.trimmed.count < Self.minQuery {
            results = nil
            return
        }
        results = .loading
        searchTask = Task { [weak self] in
            try? await Task.sleep(for: Self.typingPause)
            guard !Task.isCancelled, let self else { return }
            let found = await loadResult { try await self.repository.search(q.trimmed, limit: 30) }
            if self.query == q && !Task.isCancelled { self.results = found }
        }
    }

    public func open(_ row: HouseholdRow) { navigator.push(.household(householdId: row.id)) }

    /// A person found: their household, or their profile when they have none.
    public func open(_ result: SearchResult) {
        if let household = result.householdId {
            navigator.push(.household(householdId: household))
        } else {
            navigator.push(.person(personId: result.personId))
        }
    }

    public func register() { navigator.push(.registerHousehold(rtId: rtId)) }

    public func close() { searchTask?.cancel() }
}
