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
