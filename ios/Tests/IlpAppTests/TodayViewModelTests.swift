import IlpCore
import XCTest
@testable import IlpApp

/// The worklist screen: loading first, the kader's items grouped by RT, a tap opens the household, and a
/// failure when nobody is signed in; switching user returns to the login with the database closed.
@MainActor
final class TodayViewModelTests: XCTestCase {
    func testLoadsTheWorklistOffTheMainThreadAndOpensAHousehold() async throws {
        let world = try World()
        let user = try world.signIn("kader")
        world.navigator.reset(.today)
        let model = try world.screen(TodayViewModel.self)
        XCTAssertEqual(model.worklist, .loading)
        await model.refresh()
        let list = try XCTUnwrap(model.worklist.value, "\(model.worklist)")
        XCTAssertEqual(model.user?.username, user.username)
        XCTAssertGreaterThan(list.itemCount, 0)
        XCTAssertEqual(list.date, world.today)
        XCTAssertFalse(world.graph.session.lastCallWasOnMainThread, "core calls run off the main thread")

        let stop = try XCTUnwrap(list.groups.flatMap(\.stops).first { $0.householdId != nil })
        model.open(stop)
        XCTAssertEqual(world.route, .household(householdId: stop.householdId!))
    }

    func testNobodySignedInFailsAsNotAllowed() async throws {
        let world = try World()
        let model = TodayViewModel(repository: world.graph.worklist, accounts: world.graph.accounts, navigator: world.navigator)
        await model.refresh()
        guard case .failed(.notAllowed) = model.worklist else { return XCTFail("\(model.worklist)") }
    }

    func testSwitchUserClosesTheDatabaseAndShowsTheLogin() async throws {
        let world = try World()
        try world.signIn("kader")
        world.navigator.reset(.today)
        let model = try world.screen(TodayViewModel.self)
        await model.switchUser()
        XCTAssertEqual(world.route, .login)
        XCTAssertFalse(world.graph.session.isSignedIn)
    }
}
