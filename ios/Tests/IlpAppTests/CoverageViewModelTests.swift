import IlpCore
import XCTest
@testable import IlpApp

/// Supervisor coverage: the kelurahan's table for this month, a number opening the persons missing it
/// (with their RT and kader), a month in the future named as the field, and no table once signed out.
@MainActor
final class CoverageViewModelTests: XCTestCase {
    func testTableAndDrilldown() async throws {
        let world = try World(households: 40)
        try world.signIn("supervisor")
        world.navigator.reset(.coverage(areaId: nil, month: nil))
        let model = try world.screen(CoverageViewModel.self)
        XCTAssertEqual(model.month, String(world.today.prefix(7)))
        XCTAssertEqual(model.table, .loading)
        await model.load()
        let areas = try XCTUnwrap(model.areas.value)
        XCTAssertEqual(areas.first?.level, "village", "the kelurahan first")
        XCTAssertTrue(areas.contains { $0.level == "rt" })
        let table = try XCTUnwrap(model.table.value, "\(model.table)")
        XCTAssertFalse(table.rows.isEmpty)

        let row = try XCTUnwrap(table.rows.first { $0.unit == "person" && !$0.missingIds.isEmpty })
        model.open(row, counted: false)
        XCTAssertEqual(world.route, .coverageDrilldown(areaId: model.areaId, posyanduId: nil, month: model.month,
                                                       indicatorCode: row.code, counted: false))
        let drill = try world.screen(CoverageDrilldownViewModel.self)
        XCTAssertEqual(drill.subjects, .loading)
        await drill.load()
        let subjects = try XCTUnwrap(drill.subjects.value, "\(drill.subjects)")
        XCTAssertEqual(subjects.map(\.id), row.missingIds)
        XCTAssertTrue(subjects.allSatisfy { $0.kind == "person" && $0.rtLabel != nil })
        XCTAssertEqual(drill.row?.code, row.code)
        drill.open(subjects[0])
        XCTAssertEqual(world.route, .person(personId: subjects[0].id))

        let rt = try XCTUnwrap(areas.first { $0.level == "rt" })
        await model.selectArea(rt.id)
        XCTAssertNotNil(model.table.value)
        XCTAssertNotEqual(model.table.value?.areaLabel, table.areaLabel)
    }

    /// Only a coverage is banded against the default targets: stunting and BGM are problems (lower is
    /// better, never "below target"), K6 is a coverage, S a plain count; the direction comes from the core.
    func testBandFollowsWhichWayIsBetter() async throws {
        let world = try World(households: 40)
        try world.signIn("supervisor")
        let model = try world.open(.coverage(areaId: nil, month: nil), as: CoverageViewModel.self)
        await model.load()
        let table = try XCTUnwrap(model.table.value, "\(model.table)")
        func row(_ code: String) throws -> CoverageRowDisplay {
            try XCTUnwrap(model.rows.first { $0.row.code == code }, "no \(code) row in \(table.rows.map(\.code))")
        }
        XCTAssertEqual(model.rows.count, table.rows.count)

        for code in ["stunting", "bgm"] {
            let problem = try row(code)
            XCTAssertEqual(problem.row.better, CoverageBand.lower, code)
            XCTAssertFalse(problem.band.isTargetBand, "\(code): \(problem.band)")
            XCTAssertEqual(problem.band.tone, .neutral, code)
            XCTAssertEqual(problem.band, problem.row.percent == nil ? .noDenominator : .lowerIsBetter, code)
            XCTAssertEqual(model.band(of: code), problem.band)
        }

        let k6 = try row("k6")
        XCTAssertEqual(k6.row.better, CoverageBand.higher)
        XCTAssertNotNil(k6.row.percent, "K6 has pregnant women to count in the demo world")
        XCTAssertTrue(k6.band.isTargetBand, "\(k6.band)")
        XCTAssertTrue([.onTarget, .nearTarget, .belowTarget].contains(k6.band))

        let s = try row("skdn_s")
        XCTAssertEqual(s.row.better, CoverageBand.neither)
        XCTAssertFalse(s.band.isTargetBand, "\(s.band)")
        XCTAssertEqual(s.band, s.row.percent == nil ? .noDenominator : .countOnly)

        // Whatever the numbers: the same percent is banded only for a coverage.
        func band(_ better: String, _ percent: Double?) -> CoverageBand {
            CoverageBand.of(CoverageRowView(code: "x", label: "x", period: "month", unit: "person", numerator: 0,
                                            denominator: 0, percent: percent, better: better,
                                            numeratorIds: [], missingIds: []))
        }
        XCTAssertEqual(band("higher", 80), .onTarget)
        XCTAssertEqual(band("higher", 79.9), .nearTarget)
        XCTAssertEqual(band("higher", 50), .nearTarget)
        XCTAssertEqual(band("higher", 49.9), .belowTarget)
        XCTAssertEqual(band("lower", 10), .lowerIsBetter)
        XCTAssertEqual(band("lower", 90), .lowerIsBetter, "a high stunting share is not 'on target'")
        XCTAssertEqual(band("neither", 100), .countOnly)
        XCTAssertEqual(band("higher", nil), .noDenominator)
        XCTAssertEqual(band("lower", nil), .noDenominator)
        XCTAssertEqual(CoverageBand.lowerIsBetter.catalogKey, "coverage.band.lower_is_better")
    }

    func testMonthStepsAndAFutureMonthIsNamed() async throws {
        let world = try World()
        try world.signIn("supervisor")
        let model = try world.open(.coverage(areaId: nil, month: nil), as: CoverageViewModel.self)
        await model.load()
        await model.nextMonth()
        XCTAssertInvalid(model.table.error, field: "month")
        await model.previousMonth()
        await model.previousMonth()
        XCTAssertNotNil(model.table.value, "last month has a table")
        XCTAssertEqual(CoverageViewModel.shift("2026-01", by: -1), "2025-12")
        XCTAssertEqual(CoverageViewModel.shift("2025-12", by: 1), "2026-01")
    }

    func testSignedOutIsNotAllowed() async throws {
        let world = try World()
        try world.signIn("supervisor")
        let model = try world.open(.coverage(areaId: nil, month: nil), as: CoverageViewModel.self)
        await world.graph.accounts.switchUser()
        await model.load()
        guard case .failed(.notAllowed) = model.areas else { return XCTFail("\(model.areas)") }
        guard case .failed(.notAllowed) = model.table else { return XCTFail("\(model.table)") }
    }
}
