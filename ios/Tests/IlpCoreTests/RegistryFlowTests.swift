import Foundation
import IlpCore
import XCTest

/// The same kader flow as the Kotlin tests, through the generated Swift bindings against the real
/// library: register a household, find it by old spelling, record a visit, read it back, and get a
/// bad weight refused as a typed error naming the field.
final class RegistryFlowTests: XCTestCase {
    let deviceId = "6f0c1f7e-8d3a-4b6e-9a51-2f3c4d5e6f70"
    let key = Data(repeating: 7, count: 32)
    var dbPath = ""
    var kader = ""

    override func setUpWithError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ilp-swift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        dbPath = dir.appendingPathComponent("demo.db").path
        let demo = try createDemoDatabase(dbPath: dbPath, key: key, deviceId: deviceId, households: 80, seed: 7, today: "2026-11-20")
        XCTAssertEqual(demo.households, 80)
        kader = try XCTUnwrap(demo.usernames.first { $0.hasPrefix("kader.") })
    }

    func open(_ username: String? = nil) throws -> IlpCore {
        try IlpCore.open(config: OpenConfig(dbPath: dbPath, key: key, deviceId: deviceId, username: username ?? kader, utcOffsetMinutes: 480))
    }

    func person(_ name: String, _ sex: SexCode, _ birth: String, _ relation: String, mother: UInt32? = nil) -> PersonForm {
        PersonForm(name: name, sex: sex, birthDate: birth, birthDateEstimated: false, ageYears: nil, ageMonths: nil,
                   nik: nil, phone: nil, relation: relation, motherMemberIndex: mother, motherId: nil, description: nil)
    }

    func household(_ rt: String) -> HouseholdForm {
        HouseholdForm(rtId: rt, kkNumber: nil, address: "Jl. Kejora No. 3", latitude: -10.141, longitude: 123.632,
                      jkn: "pbi", cleanWater: true, healthyLatrine: true, notes: nil)
    }

    func weighing(_ personId: String, _ kg: Double) -> VisitForm {
        VisitForm(personId: personId, occurredAtMs: nil, kind: .posyandu, posyanduId: nil, place: nil, pregnancyId: nil,
                  measurement: MeasurementForm(weightKg: kg, lengthOrHeightCm: 66.0, measuredLying: nil, headCircumferenceCm: nil,
                                               muacCm: nil, systolicMmhg: nil, diastolicMmhg: nil, bloodGlucoseMgDl: nil, glucoseTiming: nil),
                  immunizations: [ImmunizationForm(antigen: "mr", dose: 1, givenOn: nil, batch: "MR-2611", fromHistory: false)],
                  services: [ServiceForm(kind: "vitamin_a_blue", quantity: 1)],
                  dangerSigns: [], dangerNote: nil, referral: nil, note: nil)
    }

    func myRt(_ core: IlpCore) throws -> String {
        try XCTUnwrap(try core.areaTree().first { $0.level == "rt" && $0.inScope }).id
    }

    func testRegisterSearchVisitAndReadBack() throws {
        let core = try open()
        let rt = try myRt(core)
        let before = try core.householdsInRt(rtId: rt).count
        let reg = try core.registerHousehold(household: household(rt), members: [
            person("Maria Goreti Bana", .female, "1994-04-02", "head"),
            person("Tjahjo Bana", .male, "2026-02-10", "child", mother: 0),
        ])
        XCTAssertEqual(reg.memberIds.count, 2)
        XCTAssertEqual(try core.householdsInRt(rtId: rt).count, before + 1)

        let hits = try core.search(query: "cahyo bana", limit: 10)
        XCTAssertEqual(hits.first?.personId, reg.memberIds[1])

        let visit = try core.recordVisit(visit: weighing(reg.memberIds[1], 7.4))
        XCTAssertEqual(visit.eventIds.count, 3)

        let screen = try core.householdDetail(householdId: reg.householdId)
        let baby = try XCTUnwrap(screen.members.first { $0.personId == reg.memberIds[1] })
        XCTAssertEqual(baby.latest.weightKg, 7.4)
        XCTAssertEqual(baby.latest.measuredLying, true)
        XCTAssertTrue(try core.personHistory(personId: reg.memberIds[1]).contains { $0.summary.contains("MR") })

        // The app's background cycle: close, then reopen on return.
        try core.closeDatabase()
        try core.reopenDatabase()
        XCTAssertFalse(try core.areaTree().isEmpty)
    }

    func testImplausibleWeightIsATypedValidationError() throws {
        let core = try open()
        let reg = try core.registerHousehold(household: household(try myRt(core)), members: [
            person("Fransiskus Ndun", .male, "2026-01-05", "head"),
        ])
        XCTAssertThrowsError(try core.recordVisit(visit: weighing(reg.memberIds[0], 55.0))) { error in
            guard case let IlpError.Validation(field, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "measurement.weight_kg")
        }
        XCTAssertTrue(try core.personHistory(personId: reg.memberIds[0]).isEmpty)
    }

    func testWrongKeyAndUnknownUserAreRefused() throws {
        XCTAssertThrowsError(try IlpCore.open(config: OpenConfig(dbPath: dbPath, key: Data(repeating: 8, count: 32),
                                                                 deviceId: deviceId, username: kader, utcOffsetMinutes: 480))) { error in
            guard case IlpError.KeyRejected = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try open("nobody")) { error in
            guard case IlpError.Auth = error else { return XCTFail("\(error)") }
        }
    }
}
