// The Posyandu day (langkah 1-3): who is expected, the weighing queue of those who arrived (pendaftaran),
// walk-ins found by search, each weighing recorded as a Posyandu visit, and the end of the session, when
// everyone expected who did not come becomes a home visit at once.
import IlpCore
import Observation

@MainActor
@Observable
public final class PosyanduSessionViewModel: ScreenModel {
    public private(set) var posyandus: Load<[PosyanduView]> = .loading
    public private(set) var posyanduId: String?
    public let date: String
    public private(set) var session: Load<PosyanduSessionView> = .loading
    /// Persons registered at the table and waiting to be weighed, in order of arrival.
    public private(set) var queue: [QueuedPerson] = []
    public private(set) var walkInQuery = ""
    public private(set) var walkInResults: Load<[SearchResult]>?
    public private(set) var ending = false
    public private(set) var error: UiError?
    @ObservationIgnored public private(set) var searchTask: Task<Void, Never>?

    @ObservationIgnored private let repository: PosyanduRepository
    @ObservationIgnored private let households: HouseholdRepository
    @ObservationIgnored private let navigator: Navigator

    public struct QueuedPerson: Equatable, Sendable, Identifiable {
        public let personId: String
        public let name: String
        public let ageLabel: String
        /// Not on the expected list: came without being due.
        public let walkIn: Bool
        public var id: String { personId }
    }

    public init(repository: PosyanduRepository, households: HouseholdRepository, navigator: Navigator,
                posyanduId: String?, date: String) {
        self.repository = repository
        self.households = households
        self.navigator = navigator
        self.posyanduId = posyanduId
        self.date = date
    }

    public func load() async {
        posyandus = .loading
        do {
            let list = try await repository.posyandus()
            posyandus = .ready(list)
            if posyanduId == nil { posyanduId = list.first?.id }
        } catch {
            posyandus = .failed(UiError.from(error))
            session = .failed(UiError.from(error))
            return
        }
        await refresh()
    }

    public func select(_ id: String) async {
        posyanduId = id
        queue = []
        await refresh()
    }

    public func refresh() async {
        guard let posyanduId else {
            session = .failed(.notFound(what: "posyandu", id: ""))
            return
        }
        session = .loading
        session = await loadResult { try await repository.sessionDay(posyanduId, date: date) }
        if let s = session.value {
            // Weighed: out of the queue.
            let done = Set(s.attendees.filter(\.attended).map(\.personId))
            queue.removeAll { done.contains($0.personId) }
        }
    }

    /// A visit saved elsewhere (the weighing) shows as attended on coming back.
    public func observeChanges() async {
        for await _ in households.changed.changes() { await refresh() }
    }

    /// Langkah 1: an expected person is at the registration table.
    public func arrived(_ attendee: ExpectedAttendee) {
        guard !attendee.attended, !queue.contains(where: { $0.personId == attendee.personId }) else { return }
        queue.append(QueuedPerson(personId: attendee.personId, name: attendee.name, ageLabel: attendee.ageLabel, walkIn: false))
    }

    public func onWalkInQuery(_ q: String) {
        walkInQuery = q
        searchTask?.cancel()
        if q.trimmed.count < HouseholdsViewModel.minQuery {
            walkInResults = nil
            return
        }
        walkInResults = .loading
        searchTask = Task { [weak self] in
            try? await Task.sleep(for: HouseholdsViewModel.typingPause)
            guard !Task.isCancelled, let self else { return }
            let found = await loadResult { try await self.repository.search(q.trimmed) }
            if self.walkInQuery == q && !Task.isCancelled { self.walkInResults = found }
        }
    }

    /// Someone not on the expected list came anyway: into the queue.
    public func addWalkIn(_ found: SearchResult) {
        let expected = session.value?.attendees.contains { $0.personId == found.personId } ?? false
        if !queue.contains(where: { $0.personId == found.personId }) {
            queue.append(QueuedPerson(personId: found.personId, name: found.name ?? found.description ?? "",
                                      ageLabel: found.ageLabel ?? "", walkIn: !expected))
        }
        walkInQuery = ""
        walkInResults = nil
    }

    /// Langkah 2-3: weigh and record, as a visit at this Posyandu.
    public func weigh(_ personId: String) {
        navigator.push(.visit(personId: personId, posyanduId: posyanduId))
    }

    /// Ends the session now: the absentees go on the worklist as home visits.
    public func endSession() async {
        guard let posyanduId, !ending else { return }
        ending = true
        error = nil
        do {
            session = .ready(try await repository.end(posyanduId, date: date))
        } catch {
            self.error = UiError.from(error)
        }
        ending = false
    }

    public func close() { searchTask?.cancel() }
}
