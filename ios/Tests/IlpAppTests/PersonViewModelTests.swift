import IlpCore
import XCTest
@testable import IlpApp

/// The person screen: a child's profile with the growth chart (WHO curves -3..+3 SD and the child's
/// points), immunization card and history; a woman's pregnancy opened from HPHT (a bad date named).
@MainActor
final class PersonViewModelTests: XCTestCase {
    func testAChildsProfileGrowthChartAndImmunizationCard() async throws {
        let world = try World()
        try world.signIn("kader")
        let family = try await world.registerFamily(babyAgeDays: 200)
        let baby = family.memberIds[1]
        _ = try await world.graph.visits.record(VisitForm(
            personId: baby, occurredAtMs: nil, kind: .homeVisit, posyanduId: nil, place: nil, pregnancyId: nil,
            measurement: MeasurementForm(weightKg: 7.3, lengthOrHeightCm: 66.5, measuredLying: true, headCircumferenceCm: 43,
                                         muacCm: nil, systolicMmhg: nil, diastolicMmhg: nil, bloodGlucoseMgDl: nil,
                                         glucoseTiming: nil),
            immunizations: [], services: [], dangerSigns: [], dangerNote: nil, referral: nil, note: nil, healthStatus: nil))

        let model = try world.open(.person(personId: baby), as: PersonViewModel.self)
        XCTAssertEqual(model.view, .loading)
        await model.refresh()
        let view = try XCTUnwrap(model.view.value, "\(model.view)")
        XCTAssertEqual(view.subject.name, "Kristo Taneo")
        XCTAssertEqual(view.subject.householdId, family.householdId)
        XCTAssertEqual(view.card?.latest.weightKg, 7.3)
        XCTAssertEqual(view.growthIndicators, ["wfa", "lhfa", "wflh", "hcfa"])
        XCTAssertTrue(view.immunizations.contains { $0.key.hasPrefix("imm:dpt_hb_hib") }, "\(view.immunizations.map(\.key))")
        XCTAssertFalse(view.history.isEmpty)

        XCTAssertEqual(model.chartIndicator, "wfa")
        let chart = try XCTUnwrap(model.chart?.value, "\(String(describing: model.chart))")
        XCTAssertEqual(chart.points.count, 1)
        XCTAssertEqual(chart.points.first?.value, 7.3)
        XCTAssertFalse(chart.curves.isEmpty)
        XCTAssertTrue(chart.curves.allSatisfy { $0.sd.count == 7 }, "-3..+3 SD")
        await model.selectChart("hcfa")
        XCTAssertEqual(model.chart?.value?.indicator, "hcfa")
        XCTAssertEqual(model.chart?.value?.points.first?.value, 43)

        model.visit()
        XCTAssertEqual(world.route, .visit(personId: baby, posyanduId: nil))
    }

    func testAPregnancyFromHpht() async throws {
        let world = try World()
        try world.signIn("kader")
        let family = try await world.registerFamily()
        let mother = family.memberIds[0]
        let model = try world.open(.person(personId: mother), as: PersonViewModel.self)
        await model.refresh()
        XCTAssertEqual(model.view.value?.growthIndicators, [], "no growth chart for an adult")
        XCTAssertNil(model.chart)
        XCTAssertNil(model.view.value?.card?.pregnancy)

        model.onHpht("kemarin")
        await model.registerPregnancy()
        XCTAssertInvalid(model.pregnancyError, field: "hpht")

        let tenWeeksAgo = PhoneDate.day(ms: Int64(Date().timeIntervalSince1970 * 1000) - 70 * 86_400_000, offsetMinutes: 480)
        model.onHpht(tenWeeksAgo)
        await model.registerPregnancy()
        XCTAssertNil(model.pregnancyError)
        let pregnancy = try XCTUnwrap(model.view.value?.card?.pregnancy)
        XCTAssertEqual(pregnancy.hpht, tenWeeksAgo)
        XCTAssertEqual(pregnancy.gestationalWeeks, 10)
        XCTAssertTrue(model.view.value?.maternalContacts.contains { $0.kind == "anc" } ?? false)
    }
}
