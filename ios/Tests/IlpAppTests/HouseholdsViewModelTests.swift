import IlpCore
import XCTest
@testable import IlpApp

/// The households tab and the registration flow: the kader's RTs and their households, the debounced
/// search, registering a household whose member error is put on its row, a NIK warning held for reading,
/// the new household appearing in the list, and editing it.
@MainActor
final class HouseholdsViewModelTests: XCTestCase {
    func testRtListAndSearch() async throws {
        let world = try World()
        try world.signIn("kader")
        let model = try world.open(.households(rtId: nil), as: HouseholdsViewModel.self)
        XCTAssertEqual(model.rts, .loading)
        XCTAssertEqual(model.households, .loading)
        await model.load()
        let rts = try XCTUnwrap(model.rts.value)
        XCTAssertFalse(rts.isEmpty)
        XCTAssertEqual(model.rtId, rts.first?.id)
        XCTAssertTrue(model.rt?.label.hasPrefix("RT") ?? false, "\(String(describing: model.rt))")
        let rows = try XCTUnwrap(model.households.value)
        XCTAssertFalse(rows.isEmpty)

        model.onQuery("a")
        XCTAssertNil(model.results, "one letter does not search")
        let head = try XCTUnwrap(rows.compactMap(\.headName).first)
        model.onQuery(head)
        XCTAssertEqual(model.results, .loading)
        await model.searchTask?.value
        let found = try XCTUnwrap(model.results?.value)
        XCTAssertTrue(found.contains { $0.name == head }, "\(found.map(\.name))")

        model.open(rows[0])
        XCTAssertEqual(world.route, .household(householdId: rows[0].id))
    }

    func testRegisterAHouseholdFlow() async throws {
        let world = try World()
        try world.signIn("kader")
        let list = try world.open(.households(rtId: nil), as: HouseholdsViewModel.self)
        await list.load()
        let before = try XCTUnwrap(list.households.value).count
        let listening = Task { await list.observeChanges() }
        defer { listening.cancel() }

        list.register()
        let form = try world.screen(RegisterHouseholdViewModel.self)
        XCTAssertEqual(form.options, .loading)
        await form.load()
        let options = try XCTUnwrap(form.options.value)
        XCTAssertTrue(options.jkn.contains { $0.code == "pbi" })
        XCTAssertTrue(options.relations.contains { $0.code == "head" })
        XCTAssertEqual(form.rt?.id, list.rtId)

        var household = try XCTUnwrap(form.household)
        household.address = "Jl. Adisucipto 7"
        household.jkn = "non_pbi"
        household.cleanWater = true
        form.onHousehold(household)
        var head = form.members[0]
        head.name = "Agustinus Bria"
        head.sex = .male
        head.birthDate = "12-05-1988"
        form.onMember(head)
        form.addMemberRow()
        var child = form.members[1]
        child.name = "Maria Bria"
        child.sex = .female
        child.birthDate = "31-02-2022"
        child.relation = "child"
        form.onMember(child)

        await form.save()
        XCTAssertEqual(form.errorField, FieldRef(member: 1, field: "birth_date"), "\(String(describing: form.error))")
        XCTAssertNil(form.saved)

        child.birthDate = "28-02-2022"
        form.onMember(child)
        XCTAssertNil(form.error, "typing clears the error")
        await form.save()
        XCTAssertNil(form.error)
        let saved = try XCTUnwrap(form.saved)
        XCTAssertEqual(saved.memberIds.count, 2)
        XCTAssertEqual(world.route, .household(householdId: saved.householdId), "the form is replaced by the household")

        // The list below heard the registration.
        for _ in 0..<100 where list.households.value?.count != before + 1 { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertEqual(list.households.value?.count, before + 1)

        let screen = try world.screen(HouseholdViewModel.self)
        await screen.refresh()
        let view = try XCTUnwrap(screen.view.value)
        XCTAssertEqual(view.detail.address, "Jl. Adisucipto 7")
        XCTAssertEqual(view.detail.members.map(\.name), ["Agustinus Bria", "Maria Bria"])
    }

    func testANikWarningIsHeldUntilRead() async throws {
        let world = try World()
        try world.signIn("kader")
        let form = try world.open(.registerHousehold(rtId: nil), as: RegisterHouseholdViewModel.self)
        await form.load()
        var head = form.members[0]
        head.name = "Yohana Lake"
        head.sex = .male // the NIK says a woman (day + 40)
        head.birthDate = "1990-07-12"
        head.nik = "5371035207900007"
        form.onMember(head)
        await form.save()
        let saved = try XCTUnwrap(form.saved, "\(String(describing: form.error))")
        XCTAssertFalse(saved.warnings.isEmpty)
        XCTAssertEqual(world.route, .registerHousehold(rtId: nil), "the warning is read first")
        form.openSaved()
        XCTAssertEqual(world.route, .household(householdId: saved.householdId))
    }

    func testEditAHousehold() async throws {
        let world = try World()
        try world.signIn("kader")
        let family = try await world.registerFamily()
        let household = try world.open(.household(householdId: family.householdId), as: HouseholdViewModel.self)
        await household.refresh()
        let listening = Task { await household.observeChanges() }
        defer { listening.cancel() }
        household.edit()
        let edit = try world.screen(EditHouseholdViewModel.self)
        await edit.load()
        var draft = try XCTUnwrap(edit.draft)
        XCTAssertEqual(draft.address, "Jl. Timor Raya 12")
        draft.jkn = "bukan-kode"
        edit.onDraft(draft)
        await edit.save()
        XCTAssertInvalid(edit.error, field: "jkn")
        draft.jkn = "not_enrolled"
        draft.address = "Jl. Timor Raya 14"
        edit.onDraft(draft)
        await edit.save()
        XCTAssertNil(edit.error)
        XCTAssertEqual(world.route, .household(householdId: family.householdId))
        for _ in 0..<100 where household.view.value?.detail.address != "Jl. Timor Raya 14" {
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTAssertEqual(household.view.value?.detail.jkn, "not_enrolled")
    }
}
