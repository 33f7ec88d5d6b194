import IlpCore
import XCTest
@testable import IlpApp

/// Login on a shared phone against the demo server (ILP_TEST_SERVER): online first, the PIN asked once,
/// switching user, the PIN login offline; a wrong password or PIN is not allowed, an empty field is named,
/// an unreachable server is offline.
@MainActor
final class LoginViewModelTests: XCTestCase {
    func testAFreshPhoneOpensOnTheOnlineForm() async throws {
        let world = try World()
        let model = try world.screen(LoginViewModel.self)
        XCTAssertTrue(model.loadingAccounts)
        await model.load()
        XCTAssertFalse(model.loadingAccounts)
        XCTAssertEqual(model.accounts, [])
        XCTAssertNil(model.pinFor)
    }

    func testAnEmptyPasswordIsNamedAndNothingIsCalled() async throws {
        let world = try World()
        let model = try world.screen(LoginViewModel.self)
        model.onUsername("kader.rw001.a")
        await model.loginOnline()
        XCTAssertInvalid(model.error, field: "password")
        XCTAssertFalse(model.busy)
        XCTAssertEqual(world.route, .login)
    }

    func testAnUnreachableServerIsOffline() async throws {
        let world = try World(server: World.unreachable)
        let model = try world.screen(LoginViewModel.self)
        model.onUsername("kader.rw001.a")
        model.onPassword("kader.rw001.a-demo")
        await model.loginOnline()
        guard case .offline? = model.error else { return XCTFail("\(String(describing: model.error))") }
        XCTAssertEqual(world.route, .login)
        XCTAssertFalse(world.graph.session.isSignedIn)
    }

    func testAWrongPasswordIsNotAllowed() async throws {
        let world = try World(server: try testServer())
        let model = try world.screen(LoginViewModel.self)
        model.onUsername("supervisor.oesapa")
        model.onPassword("salah")
        await model.loginOnline()
        guard case .notAllowed? = model.error else { return XCTFail("\(String(describing: model.error))") }
    }

    func testOnlineLoginSetPinSwitchUserAndPinLogin() async throws {
        let world = try World(server: try testServer())
        let login = try world.screen(LoginViewModel.self)
        await login.load()
        login.onUsername(" bidan.oesapa.1 ")
        login.onPassword("bidan.oesapa.1-demo")
        await login.loginOnline()
        XCTAssertNil(login.error)
        XCTAssertEqual(world.route, .setPin, "the PIN is asked once after the first online login")
        XCTAssertEqual(world.graph.session.currentUser?.username, "bidan.oesapa.1")

        let setPin = try world.screen(SetPinViewModel.self)
        setPin.onPin("2468")
        setPin.onRepeat("2469")
        await setPin.save()
        XCTAssertInvalid(setPin.error, field: "pin")
        setPin.onRepeat("2468")
        await setPin.save()
        XCTAssertNil(setPin.error)
        XCTAssertEqual(world.route, .today)

        // The phone passes to the next user: the bidan's database closes and stays.
        let today = try world.screen(TodayViewModel.self)
        await today.switchUser()
        XCTAssertEqual(world.route, .login)
        XCTAssertFalse(world.graph.session.isSignedIn)

        let again = try world.screen(LoginViewModel.self)
        await again.load()
        XCTAssertEqual(again.accounts.map(\.username), ["bidan.oesapa.1"])
        XCTAssertEqual(again.accounts.first?.role, "bidan")
        XCTAssertEqual(again.pinFor?.username, "bidan.oesapa.1", "opens on the last user's PIN login")
        again.onPin("1111")
        await again.loginWithPin()
        guard case .notAllowed? = again.error else { return XCTFail("\(String(describing: again.error))") }
        XCTAssertEqual(again.pin, "", "a wrong PIN is cleared")
        again.onPin("24a68")
        XCTAssertEqual(again.pin, "2468", "only digits")
        await again.loginWithPin()
        XCTAssertNil(again.error)
        XCTAssertEqual(world.route, .today)
        XCTAssertEqual(world.graph.session.currentUser?.role, "bidan")
        XCTAssertFalse(world.graph.session.lastCallWasOnMainThread)
    }
}
