import Foundation
import IlpCore
import XCTest
@testable import IlpApp

/// Fixed keys per user, as the Keychain would give them (different users, different keys).
struct FixedKeys: DatabaseKeys {
    func key(for username: String) throws -> Data {
        Data(repeating: UInt8(truncatingIfNeeded: username.count * 7 + 3), count: 32)
    }
}

/// Today as the core counts it for a phone in WITA (UTC+8).
func witaToday() -> String {
    PhoneDate.day(ms: Int64(Date().timeIntervalSince1970 * 1000), offsetMinutes: 480)
}

func testServer() throws -> String {
    try XCTUnwrap(ProcessInfo.processInfo.environment["ILP_TEST_SERVER"].flatMap { $0.isEmpty ? nil : $0 },
                  "ILP_TEST_SERVER is not set: tests/swift.sh starts the demo server")
}

/// A phone: an app graph over a fresh directory, with a demo kelurahan database for each demo user it
/// signs in (as an earlier login would have left it), against `server`.
@MainActor
final class World {
    let dir: URL
    let graph: AppGraph
    let today = witaToday()
    private(set) var usernames: [String] = []
    let seed: UInt64
    let households: UInt32

    /// Nothing listens on port 9 (discard): a server that cannot be reached.
    static let unreachable = "http://127.0.0.1:9"

    init(server: String = World.unreachable, households: UInt32 = 30, seed: UInt64 = 5, clock: Int64? = nil) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ilp-app-\(UUID().uuidString)")
        self.seed = seed
        self.households = households
        graph = try AppGraph(platform: Platform(accountsDir: dir, keys: FixedKeys(), serverUrl: { server },
                                                utcOffsetMinutes: { 480 },
                                                clockMs: { clock ?? Int64(Date().timeIntervalSince1970 * 1000) },
                                                deviceName: "Swift test"))
    }

    var navigator: Navigator { graph.navigator }
    var route: Route? { graph.navigator.current?.route }

    /// Makes the user's database from the demo (unless there) and returns its usernames.
    @discardableResult
    func makeDemoDatabase(for username: String? = nil) throws -> [String] {
        let probe = username ?? "kader.rw001.a"
        let path = graph.accountDirectory.databaseFor(probe).path
        if !FileManager.default.fileExists(atPath: path) {
            let demo = try createDemoDatabase(dbPath: path, key: try FixedKeys().key(for: probe),
                                              deviceId: try graph.accountDirectory.deviceId(), households: households,
                                              seed: seed, today: today)
            usernames = demo.usernames
        }
        return usernames
    }

    func user(_ role: String) throws -> String {
        try XCTUnwrap(usernames.first { $0.hasPrefix(role + ".") }, "no \(role) in the demo")
    }

    /// Signs `role`'s first demo user in on their own demo database, as a PIN login would.
    @discardableResult
    func signIn(_ role: String = "kader") throws -> UserInfo {
        if usernames.isEmpty {
            // The demo's usernames, from a throwaway database.
            let scratch = dir.appendingPathComponent("scratch-\(UUID().uuidString).db").path
            usernames = try createDemoDatabase(dbPath: scratch, key: Data(repeating: 1, count: 32),
                                               deviceId: try graph.accountDirectory.deviceId(), households: 1,
                                               seed: seed, today: today).usernames
        }
        let name = try user(role)
        try makeDemoDatabase(for: name)
        let core = try IlpCore.open(config: OpenConfig(dbPath: graph.accountDirectory.databaseFor(name).path,
                                                       key: try FixedKeys().key(for: name),
                                                       deviceId: try graph.accountDirectory.deviceId(),
                                                       username: name, utcOffsetMinutes: 480))
        let info = core.currentUser()
        graph.session.signIn(core, user: info)
        return info
    }

    /// The view model of the current screen.
    func screen<T>(_ type: T.Type) throws -> T {
        try XCTUnwrap(graph.navigator.current?.viewModel as? T, "the screen is \(String(describing: route))")
    }

    /// Opens `route` and returns its view model.
    func open<T>(_ route: Route, as type: T.Type) throws -> T {
        graph.navigator.push(route)
        return try screen(type)
    }

    /// A new household in the user's first RT with a woman and her baby born `babyAgeDays` ago.
    func registerFamily(babyAgeDays: Int = 200) async throws -> RegistrationResult {
        let rts = try await graph.households.rts()
        let rt = try XCTUnwrap(rts.first).id
        let birth = PhoneDate.day(ms: Int64(Date().timeIntervalSince1970 * 1000) - Int64(babyAgeDays) * 86_400_000,
                                  offsetMinutes: 480)
        var mother = MemberDraft(key: 0, relation: "head")
        mother.name = "Yuliana Taneo"
        mother.sex = .female
        mother.birthDate = "1995-03-14"
        var baby = MemberDraft(key: 1, relation: "child")
        baby.name = "Kristo Taneo"
        baby.sex = .male
        baby.birthDate = birth
        baby.motherIndex = 0
        var household = HouseholdDraft(rtId: rt)
        household.address = "Jl. Timor Raya 12"
        household.jkn = "pbi"
        return try await graph.households.register(household.toForm(), members: [mother.toForm(), baby.toForm()])
    }

    deinit {
        try? FileManager.default.removeItem(at: dir)
    }
}

/// Asserts the error is a validation error on `field`.
func XCTAssertInvalid(_ error: UiError?, field: String, file: StaticString = #filePath, line: UInt = #line) {
    guard case let .invalid(f, _)? = error else {
        return XCTFail("expected a validation error on \(field), got \(String(describing: error))", file: file, line: line)
    }
    XCTAssertEqual(f, field, file: file, line: line)
}
