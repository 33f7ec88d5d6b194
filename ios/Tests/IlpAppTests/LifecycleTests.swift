import IlpCore
import XCTest
@testable import IlpApp

/// The database closes when the app goes to the background and reopens on return; a background refresh
/// opens it only for one sync; switching between users keeps each user's own database.
@MainActor
final class LifecycleTests: XCTestCase {
    func testBackgroundClosesTheDatabaseAndForegroundReopensIt() async throws {
        let world = try World()
        try world.signIn("kader")
        let lifecycle = world.graph.lifecycle
        XCTAssertTrue(world.graph.session.isDatabaseOpen)

        await lifecycle.didEnterBackground()
        XCTAssertTrue(lifecycle.inBackground)
        XCTAssertFalse(world.graph.session.isDatabaseOpen)
        XCTAssertTrue(world.graph.session.isSignedIn, "the user stays signed in")
        do {
            _ = try await world.graph.worklist.worklist()
            XCTFail("a closed database is not read")
        } catch {
            guard case .storage = UiError.from(error) else { return XCTFail("\(error)") }
        }

        await lifecycle.willEnterForeground()
        XCTAssertFalse(lifecycle.inBackground)
        XCTAssertTrue(world.graph.session.isDatabaseOpen)
        let today = TodayViewModel(repository: world.graph.worklist, accounts: world.graph.accounts, navigator: world.navigator)
        await today.refresh()
        XCTAssertNotNil(today.worklist.value, "\(today.worklist)")

        // Twice in a row changes nothing.
        await lifecycle.willEnterForeground()
        XCTAssertTrue(world.graph.session.isDatabaseOpen)
    }

    func testBackgroundSyncOpensTheDatabaseOnlyForTheSync() async throws {
        let world = try World(server: try testServer())
        try await world.graph.accounts.loginOnline(username: "kader.rw001.a", password: "kader.rw001.a-demo")
        await world.graph.lifecycle.didEnterBackground()
        XCTAssertFalse(world.graph.session.isDatabaseOpen)

        let synced = await world.graph.lifecycle.backgroundSync()
        XCTAssertTrue(synced)
        XCTAssertFalse(world.graph.session.isDatabaseOpen, "closed again while the app sleeps")

        await world.graph.lifecycle.willEnterForeground()
        let status = try await world.graph.sync.status()
        XCTAssertNotNil(status.lastSuccessMs)
        XCTAssertEqual(status.pending, 0)
    }

    func testBackgroundSyncWithoutAnOnlineLoginReportsFailureAndStaysClosed() async throws {
        let world = try World()
        try world.signIn("kader")
        await world.graph.lifecycle.didEnterBackground()
        let synced = await world.graph.lifecycle.backgroundSync()
        XCTAssertFalse(synced)
        XCTAssertFalse(world.graph.session.isDatabaseOpen)
        let nobody = try World()
        let none = await nobody.graph.lifecycle.backgroundSync()
        XCTAssertFalse(none, "nobody signed in: nothing to sync")
    }
}

/// The accounts of a shared phone: one device id for the phone, one database file per user, the most
/// recent user first, names that cannot leave the directory.
final class AccountDirectoryTests: XCTestCase {
    func testDeviceIdAccountsAndFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ilp-accounts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try AccountDirectory(dir: dir)
        let id = try first.deviceId()
        XCTAssertNotNil(UUID(uuidString: id))
        XCTAssertEqual(try AccountDirectory(dir: dir).deviceId(), id, "made once and kept")

        XCTAssertEqual(first.databaseFor("kader.rw001.a").lastPathComponent, "user-kader.rw001.a.db")
        XCTAssertEqual(AccountDirectory.safeName("../x y"), "..%2fx%20y")
        try first.remember(Account(username: "kader.rw001.a", displayName: "Ina\tBana", role: "kader",
                                   dbFile: "user-kader.rw001.a.db", lastUsedMs: 10))
        try first.remember(Account(username: "bidan.oesapa.1", displayName: "Bidan Maria", role: "bidan",
                                   dbFile: "user-bidan.oesapa.1.db", lastUsedMs: 20))
        let again = try AccountDirectory(dir: dir)
        XCTAssertEqual(again.list().map(\.username), ["bidan.oesapa.1", "kader.rw001.a"])
        XCTAssertEqual(again.find("kader.rw001.a")?.displayName, "Ina Bana")
        try again.remember(Account(username: "kader.rw001.a", displayName: "Ina Bana", role: "kader",
                                   dbFile: "user-kader.rw001.a.db", lastUsedMs: 30))
        XCTAssertEqual(again.list().map(\.username), ["kader.rw001.a", "bidan.oesapa.1"])
        XCTAssertEqual(again.list().count, 2)
    }

    func testFieldErrorsPointAtTheirRow() {
        XCTAssertEqual(fieldOf(.invalid(field: "members[2].birth_date", reason: "x")), FieldRef(member: 2, field: "birth_date"))
        XCTAssertEqual(fieldOf(.invalid(field: "address", reason: "x")), FieldRef(member: nil, field: "address"))
        XCTAssertNil(fieldOf(.offline(reason: "x")))
        XCTAssertEqual(UiError.fieldKey("measurement.weight_kg"), "field.weight_kg")
        XCTAssertEqual(UiError.fieldKey("members[0].nik"), "field.nik")
        XCTAssertEqual(MemberDraft.isoDate("3-7-2024"), "2024-07-03")
        XCTAssertEqual(MemberDraft.isoDate("2024-07-03"), "2024-07-03")
        XCTAssertEqual(MemberDraft.isoDate("kemarin"), "kemarin")
        XCTAssertNil(MemberDraft.isoDate(" "))
    }
}
