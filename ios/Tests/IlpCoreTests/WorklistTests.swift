import Foundation
import IlpCore
import XCTest

/// The schedule screens through the generated Swift bindings: the kader's worklist, a child's due
/// items before and after a dose, the growth chart, and the coverage table of her RT.
final class WorklistTests: XCTestCase {
    let deviceId = "6f0c1f7e-8d3a-4b6e-9a51-2f3c4d5e6f70"
    let key = Data(repeating: 7, count: 32)
    let day = "2026-11-20"
    var dbPath = ""
    var kader = ""

    override func setUpWithError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ilp-swift-worklist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        dbPath = dir.appendingPathComponent("demo.db").path
        let demo = try createDemoDatabase(dbPath: dbPath, key: key, deviceId: deviceId, households: 80, seed: 11, today: day)
        kader = try XCTUnwrap(demo.usernames.first { $0.hasPrefix("kader.") })
    }

    func testWorklistDueItemsGrowthChartAndCoverage() throws {
        let core = try IlpCore.open(config: OpenConfig(dbPath: dbPath, key: key, deviceId: deviceId, username: kader, utcOffsetMinutes: 480))
        try core.prepareSearch()
        let list = try core.worklist(date: day)
        XCTAssertGreaterThan(list.itemCount, 0)
        let keys = list.groups.flatMap { g in g.stops.flatMap { s in s.entries.map { "\($0.item.personId)|\($0.item.key)" } } }
        XCTAssertEqual(keys.count, Set(keys).count, "each item once")

        let rt = try XCTUnwrap(try core.areaTree().first { $0.level == "rt" && $0.inScope }).id
        let reg = try core.registerHousehold(
            household: HouseholdForm(rtId: rt, kkNumber: nil, address: "Jl. Kejora No. 5", latitude: -10.142, longitude: 123.633,
                                     jkn: "pbi", cleanWater: true, healthyLatrine: true, notes: nil),
            members: [PersonForm(name: "Yakobus Lay", sex: .male, birthDate: "2026-08-01", birthDateEstimated: false, ageYears: nil,
                                 ageMonths: nil, nik: nil, phone: nil, relation: "head", motherMemberIndex: nil, motherId: nil,
                                 description: nil)])
        let baby = reg.memberIds[0]
        XCTAssertEqual(try core.dueItems(personId: baby, date: day).items.first { $0.key == "imm:bcg:1" }?.status, "overdue")
        _ = try core.recordVisit(visit: VisitForm(
            personId: baby, occurredAtMs: nil, kind: .posyandu, posyanduId: nil, place: nil, pregnancyId: nil,
            measurement: MeasurementForm(weightKg: 6.1, lengthOrHeightCm: 60.5, measuredLying: true, headCircumferenceCm: nil,
                                         muacCm: nil, systolicMmhg: nil, diastolicMmhg: nil, bloodGlucoseMgDl: nil, glucoseTiming: nil),
            immunizations: [ImmunizationForm(antigen: "bcg", dose: 1, givenOn: day, batch: nil, fromHistory: false)],
            services: [], dangerSigns: [], dangerNote: nil, referral: nil, note: nil))
        XCTAssertEqual(try core.dueItems(personId: baby, date: day).items.first { $0.key == "imm:bcg:1" }?.status, "done")

        let chart = try core.growthChart(personId: baby, indicator: "wfa")
        XCTAssertEqual(chart.points.count, 1)
        XCTAssertEqual(chart.curves.first?.sd.count, 7)
        XCTAssertEqual(chart.points.first?.kmsCode, "B")
        XCTAssertThrowsError(try core.growthChart(personId: baby, indicator: "iq")) { error in
            guard case let IlpError.Validation(field, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "indicator")
        }

        let iks = try core.familyHealthIndex(householdId: reg.householdId)
        XCTAssertEqual(iks.indicators.map { Int($0.number) }, Array(1...12))

        let coverage = try core.coverage(areaId: rt, posyanduId: nil, month: "2026-11")
        XCTAssertGreaterThan(try XCTUnwrap(coverage.rows.first { $0.code == "skdn_s" }).denominator, 0)
        for row in coverage.rows { XCTAssertLessThanOrEqual(row.numerator, row.denominator) }
    }
}
