import IlpCore
import XCTest
@testable import IlpApp

/// The household screen: members with due items and the family health index, adding a member (an error
/// named on the field, then saved), and an unknown household.
@MainActor
final class HouseholdViewModelTests: XCTestCase {
    func testMembersDueItemsFamilyIndexAndAddingAMember() async throws {
        let world = try World()
        try world.signIn("kader")
        let family = try await world.registerFamily()
        let model = try world.open(.household(householdId: family.householdId), as: HouseholdViewModel.self)
        XCTAssertEqual(model.view, .loading)
        await model.refresh()
        let view = try XCTUnwrap(model.view.value, "\(model.view)")
        XCTAssertEqual(view.detail.members.count, 2)
        XCTAssertEqual(view.familyIndex.indicators.count, 12)
        XCTAssertEqual(Set(view.schedules.keys), Set(family.memberIds))
        let baby = try XCTUnwrap(view.schedules[family.memberIds[1]])
        XCTAssertTrue(baby.items.contains { $0.kind == "immunization" }, "a baby's doses are scheduled")
        XCTAssertFalse(view.openItems(of: family.memberIds[1]).isEmpty, "a 200-day-old with no doses has some overdue")
        XCTAssertTrue(view.openItems(of: family.memberIds[1]).allSatisfy { $0.status == "due" || $0.status == "overdue" })

        await model.startAddMember()
        XCTAssertFalse(model.relations.isEmpty)
        var newborn = try XCTUnwrap(model.adding)
        newborn.name = "Bayi Taneo"
        newborn.sex = .female
        newborn.birthDate = "2099-01-01"
        model.onNewMember(newborn)
        await model.saveMember()
        XCTAssertEqual(model.addErrorField?.field, "birth_date", "\(String(describing: model.addError))")
        newborn.birthDate = world.today
        newborn.relation = "child"
        model.onNewMember(newborn)
        await model.saveMember()
        XCTAssertNil(model.addError)
        XCTAssertNil(model.adding)
        XCTAssertEqual(model.view.value?.detail.members.count, 3)

        model.openPerson(family.memberIds[1])
        XCTAssertEqual(world.route, .person(personId: family.memberIds[1]))
    }

    func testAnUnknownHouseholdIsNotFound() async throws {
        let world = try World()
        try world.signIn("kader")
        let model = try world.open(.household(householdId: "00000000-0000-4000-8000-000000000000"), as: HouseholdViewModel.self)
        await model.refresh()
        guard case .failed(.notFound) = model.view else { return XCTFail("\(model.view)") }
    }
}
