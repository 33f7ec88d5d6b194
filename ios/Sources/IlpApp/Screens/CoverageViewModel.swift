// Supervisor coverage: an area (kelurahan, RW or RT) or a Posyandu, a month, and the indicators with
// numerator, denominator and percent as the core counts them; a number opens the persons or households
// behind it (those counted, or those missing it: whom to follow up) with their RT and kader.
import IlpCore
import Observation

/// How a coverage row is shown: only a coverage (the core says `better` "higher") is put in a band against
/// the app's default targets; a problem's share (stunting, BGM, 2T, households without JKN: "lower") is
/// never "below target", and a plain count (S, "neither") has no target at all.
public enum CoverageBand: String, CaseIterable, Sendable {
    case onTarget = "on_target"
    case nearTarget = "near_target"
    case belowTarget = "below_target"
    /// A problem's share: lower is better, no target colour.
    case lowerIsBetter = "lower_is_better"
    /// A plain count: no target.
    case countOnly = "count_only"
    /// Nobody eligible yet (no percent).
    case noDenominator = "no_denominator"

    /// The app's default targets (not a programme's official ones; the screen says so): a coverage at or
    /// above `onTargetPercent` is on target, at or above `nearTargetPercent` near it, else below.
    public static let onTargetPercent = 80.0
    public static let nearTargetPercent = 50.0

    /// The core's direction codes.
    public static let higher = "higher", lower = "lower", neither = "neither"

    public static func of(_ row: CoverageRowView) -> CoverageBand {
        guard let percent = row.percent else { return .noDenominator }
        switch row.better {
        case higher:
            if percent >= onTargetPercent { return .onTarget }
            if percent >= nearTargetPercent { return .nearTarget }
            return .belowTarget
        case lower: return .lowerIsBetter
        default: return .countOnly
        }
    }

    /// Whether the row is coloured against a target (only a coverage is).
    public var isTargetBand: Bool { tone != .neutral }

    /// The colour family: good/warning/urgent for the target bands, neutral for everything else.
    public var tone: CoverageTone {
        switch self {
        case .onTarget: .good
        case .nearTarget: .warning
        case .belowTarget: .urgent
        case .lowerIsBetter, .countOnly, .noDenominator: .neutral
        }
    }

    /// Localizable.xcstrings key of the band's words.
    public var catalogKey: String { "coverage.band." + rawValue }
}

public enum CoverageTone: Sendable {
    case good, warning, urgent, neutral
}

/// One row as the screen shows it: the core's row, its band and the bar's filled fraction (0...1).
public struct CoverageRowDisplay: Sendable {
    public let row: CoverageRowView
    public let band: CoverageBand
    /// nil when there is no percent (nothing to fill).
    public let barFraction: Double?
    public let percentText: String

    public init(_ row: CoverageRowView) {
        self.row = row
        band = CoverageBand.of(row)
        barFraction = row.percent.map { min(max($0 / 100, 0), 1) }
        percentText = row.percent.map { String(format: "%.1f%%", $0) } ?? "—"
    }
}

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

    /// The table's rows with their bands (empty until the table is loaded).
    public var rows: [CoverageRowDisplay] { table.value?.rows.map(CoverageRowDisplay.init) ?? [] }

    /// The band of the row with this indicator code, nil when the table has no such row.
    public func band(of code: String) -> CoverageBand? {
        table.value?.rows.first { $0.code == code }.map(CoverageBand.of)
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
