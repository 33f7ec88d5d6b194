import IlpCore
import XCTest
@testable import IlpApp

/// The back stack: a view model per entry, made when pushed; popping closes it (its pending search stops),
/// the root cannot be popped, NavigationStack's path pops, reset starts afresh; each role's tabs.
@MainActor
final class NavigatorTests: XCTestCase {
    func testEntriesOwnTheirViewModelsAndPoppingStopsTheirWork() async throws {
        let world = try World()
        try world.signIn("kader")
        world.navigator.reset(.today)
        XCTAssertFalse(world.navigator.pop(), "the root stays")
        let households = try world.open(.households(rtId: nil), as: HouseholdsViewModel.self)
        await households.load()
        households.onQuery("Taneo")
        XCTAssertEqual(households.results, .loading)
        let pending = try XCTUnwrap(households.searchTask)
        XCTAssertTrue(world.navigator.pop())
        await pending.value
        XCTAssertTrue(pending.isCancelled)
        XCTAssertEqual(households.results, .loading, "a search of a closed screen never lands")
        XCTAssertEqual(world.route, .today)

        world.navigator.push(.sync)
        world.navigator.push(.coverage(areaId: nil, month: nil))
        XCTAssertEqual(world.navigator.path.count, 2)
        world.navigator.path = []
        XCTAssertEqual(world.navigator.stack.map(\.route), [.today], "the back swipe to the root")
        world.navigator.push(.sync)
        world.navigator.replace(.person(personId: "p"))
        XCTAssertEqual(world.navigator.stack.map(\.route), [.today, .person(personId: "p")])
        XCTAssertTrue(world.navigator.current?.viewModel is PersonViewModel)
        world.navigator.reset(.login)
        XCTAssertEqual(world.navigator.stack.count, 1)
        XCTAssertTrue(world.navigator.current?.viewModel is LoginViewModel)
    }

    func testTabsByRole() async {
        XCTAssertFalse(AppGraph.tabs(role: "kader").contains(.coverage(areaId: nil, month: nil)))
        XCTAssertTrue(AppGraph.tabs(role: "supervisor").contains(.coverage(areaId: nil, month: nil)))
        XCTAssertTrue(AppGraph.tabs(role: "kader").allSatisfy(\.isTab))
    }
}
