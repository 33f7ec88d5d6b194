// Supervisor coverage: an area (kelurahan, RW or RT) or a Posyandu, a month, and the indicators with
// numerator, denominator and percent as the core counts them; a number opens the persons or households
// behind it (those counted, or those missing it: whom to follow up) with their RT and kader.
import IlpCore
import Observation

@MainActor
@Observable
public final class CoverageViewModel {
    public private(set) var areas: Load<[AreaChoice]> = .loading
    public private(set) var posyandus: [PosyanduView] = []
    /// The area shown, or nil when a Posyandu is.
    public private(set) var areaId: String?
    public private(set) var posyanduId: String?
    public private(set) var month: String
    public private(set) var table: Load<CoverageView> = .loading

    @ObservationIgnored private let repository: CoverageRepository
    @ObservationIgnored private let navigator: Navigator

    public init(repository: CoverageRepository, navigator: Navigator, areaId: String?, month: String) {
        self.repository = repository
        self.navigator = navigator
        self.areaId = areaId
        self.month = month
    }

    public func load() async {
        areas = .loading
        do {
            let list = try await repository.areas()
            posyandus = (try? await repository.posyandus()) ?? []
            areas = .ready(list)
            if areaId == nil && posyanduId == nil { areaId = list.first?.id }
        } catch {
            areas = .failed(UiError.from(error))
            table = .failed(UiError.from(error))
            return
        }
        await refresh()
    }

    public func refresh() async {
        table = .loading
        let (a, p, m) = (areaId, posyanduId, month)
        table = await loadResult { try await repository.coverage(areaId: a, posyanduId: p, month: m) }
    }

    public func selectArea(_ id: String) async {
        areaId = id
        posyanduId = nil
        await refresh()
    }

    public func selectPosyandu(_ id: String) async {
        posyanduId = id
        areaId = nil
        await refresh()
    }

    /// YYYY-MM; a month in the future is refused by the core, naming `month`.
    public func selectMonth(_ m: String) async {
        month = m
        await refresh()
    }

    public func previousMonth() async { await selectMonth(Self.shift(month, by: -1)) }
    public func nextMonth() async { await selectMonth(Self.shift(month, by: 1)) }

    /// "2026-01" shifted by -1 is "2025-12".
    static func shift(_ month: String, by delta: Int) -> String {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return month }
        let index = parts[0] * 12 + (parts[1] - 1) + delta
        return String(format: "%04d-%02d", index / 12, index % 12 + 1)
    }

    /// The persons behind a number: `counted` true for the numerator, false for those missing it.
    public func open(_ row: CoverageRowView, counted: Bool) {
        navigator.push(.coverageDrilldown(areaId: areaId, posyanduId: posyanduId, month: month,
                                          indicatorCode: row.code, counted: counted))
    }
}

@MainActor
@Observable
public final class CoverageDrilldownViewModel {
    /// The indicator's row (label and numbers for the title).
    public private(set) var row: CoverageRowView?
    public private(set) var subjects: Load<[SubjectRow]> = .loading
    public let counted: Bool

    @ObservationIgnored private let repository: CoverageRepository
    @ObservationIgnored private let navigator: Navigator
    @ObservationIgnored private let areaId: String?
    @ObservationIgnored private let posyanduId: String?
    @ObservationIgnored private let month: String
    @ObservationIgnored private let indicatorCode: String

    public init(repository: CoverageRepository, navigator: Navigator, areaId: String?, posyanduId: String?, month: String,
                indicatorCode: String, counted: Bool) {
        self.repository = repository
        self.navigator = navigator
        self.areaId = areaId
        self.posyanduId = posyanduId
        self.month = month
        self.indicatorCode = indicatorCode
        self.counted = counted
    }

    public func load() async {
        subjects = .loading
        do {
            let table = try await repository.coverage(areaId: areaId, posyanduId: posyanduId, month: month)
            guard let found = table.rows.first(where: { $0.code == indicatorCode }) else {
                throw UiError.notFound(what: "indicator", id: indicatorCode)
            }
            row = found
            subjects = .ready(try await repository.describe(counted ? found.numeratorIds : found.missingIds))
        } catch {
            subjects = .failed(UiError.from(error))
        }
    }

    /// A person opens their profile; a household (or a person's household when they have none) its screen.
    public func open(_ subject: SubjectRow) {
        if subject.kind == "person" {
            navigator.push(.person(personId: subject.id))
        } else {
            navigator.push(.household(householdId: subject.id))
        }
    }
}
