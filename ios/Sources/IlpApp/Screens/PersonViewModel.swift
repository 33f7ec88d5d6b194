// One person: profile, growth chart (the child's points against the WHO curves), immunization card,
// pregnancy with its ANC contacts, and history; from here a visit, or opening a pregnancy from HPHT.
import IlpCore
import Observation

@MainActor
@Observable
public final class PersonViewModel {
    public private(set) var view: Load<PersonView> = .loading
    /// The growth chart shown (wfa, lhfa, ...); nil for a person without one.
    public private(set) var chartIndicator: String?
    public private(set) var chart: Load<GrowthChart>?
    /// HPHT typed to open a pregnancy (DD-MM-YYYY or YYYY-MM-DD).
    public private(set) var hpht = ""
    public private(set) var pregnancySaving = false
    public private(set) var pregnancyError: UiError?

    @ObservationIgnored private let repository: PersonRepository
    @ObservationIgnored private let navigator: Navigator
    @ObservationIgnored private let personId: String
    @ObservationIgnored private let date: String?

    public init(repository: PersonRepository, navigator: Navigator, personId: String, date: String? = nil) {
        self.repository = repository
        self.navigator = navigator
        self.personId = personId
        self.date = date
    }

    public func refresh() async {
        view = .loading
        view = await loadResult { try await repository.view(personId, date: date) }
        let indicators = view.value?.growthIndicators ?? []
        if let first = indicators.first {
            await selectChart(indicators.contains(chartIndicator ?? "") ? chartIndicator! : first)
        } else {
            chartIndicator = nil
            chart = nil
        }
    }

    public func selectChart(_ indicator: String) async {
        chartIndicator = indicator
        chart = .loading
        let loaded = await loadResult { try await repository.growthChart(personId, indicator: indicator) }
        if chartIndicator == indicator { chart = loaded }
    }

    public func visit() { navigator.push(.visit(personId: personId, posyanduId: nil)) }

    public func openHousehold() {
        guard let household = view.value?.subject.householdId else { return }
        navigator.push(.household(householdId: household))
    }

    public func onHpht(_ v: String) {
        hpht = v
        pregnancyError = nil
    }

    /// Opens a pregnancy from the HPHT typed; the core derives the due date and the ANC schedule.
    public func registerPregnancy() async {
        guard !pregnancySaving else { return }
        pregnancySaving = true
        pregnancyError = nil
        do {
            _ = try await repository.registerPregnancy(personId, hpht: MemberDraft.isoDate(hpht), edd: nil)
            pregnancySaving = false
            hpht = ""
            await refresh()
        } catch {
            pregnancySaving = false
            pregnancyError = UiError.from(error)
        }
    }
}
