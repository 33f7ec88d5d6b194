import Foundation
import IlpCore
import XCTest

/// Sync through the generated Swift bindings against the demo server tests/bindings.sh starts
/// (ILP_TEST_SERVER): the online login creates the bidan's store, the async syncNow brings her
/// kelurahan with the listener hearing the current state first, a visit goes back, nothing stays
/// pending, the offline PIN works, logout keeps the records, and a wrong password is an auth error.
final class SyncTests: XCTestCase {
    let key = Data(repeating: 5, count: 32)

    /// Collects the phases a sync reports; called from the core's threads.
    final class Recorder: SyncListener, @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [SyncPhase] = []
        func onProgress(progress: SyncProgressView) {
            lock.lock(); defer { lock.unlock() }
            seen.append(progress.phase)
        }
        var phases: [SyncPhase] {
            lock.lock(); defer { lock.unlock() }
            return seen
        }
    }

    func server() throws -> String {
        try XCTUnwrap(ProcessInfo.processInfo.environment["ILP_TEST_SERVER"].flatMap { $0.isEmpty ? nil : $0 },
                      "ILP_TEST_SERVER is not set: tests/bindings.sh starts the demo server")
    }

    func config(_ username: String) throws -> OpenConfig {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ilp-swift-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return OpenConfig(dbPath: dir.appendingPathComponent("\(username).db").path, key: key,
                          deviceId: UUID().uuidString.lowercased(), username: username, utcOffsetMinutes: 480)
    }

    func testLoginSyncVisitAndSyncBack() async throws {
        let core = try await loginOnline(config: try config("bidan.oesapa.1"), serverUrl: try server(),
                                         secret: "bidan.oesapa.1-demo", deviceName: "iPhone Swift")
        let heard = Recorder()
        let first = try await core.syncNow(listener: heard)
        XCTAssertGreaterThan(first.pulled, 0, "the first sync brings the kelurahan")
        XCTAssertEqual(heard.phases.first, .idle, "current state first")
        XCTAssertEqual(heard.phases.last, .done)

        let list = try core.worklist(date: nil)
        XCTAssertGreaterThan(list.itemCount, 0)
        let person = try XCTUnwrap(list.groups.first?.stops.first?.entries.first?.item.personId)
        _ = try core.recordVisit(visit: VisitForm(
            personId: person, occurredAtMs: nil, kind: .homeVisit, posyanduId: nil, place: nil, pregnancyId: nil,
            measurement: nil, immunizations: [], services: [], dangerSigns: [], dangerNote: nil, referral: nil,
            note: "kunjungan dari Swift"))
        XCTAssertGreaterThan(try core.syncStatus().pending, 0)
        let back = try await core.syncNow(listener: Recorder())
        XCTAssertGreaterThan(back.pushed, 0, "the visit was pushed")
        let status = try core.syncStatus()
        XCTAssertEqual(status.pending, 0)
        XCTAssertTrue(status.canSync)
        XCTAssertTrue(status.refused.isEmpty)

        try core.setOfflinePin(pin: "246810")
        try core.verifyOfflinePin(pin: "246810")
        XCTAssertThrowsError(try core.verifyOfflinePin(pin: "135790")) { error in
            guard case IlpError.Auth = error else { return XCTFail("expected Auth, got \(error)") }
        }
        try await core.logout()
        XCTAssertFalse(try core.syncStatus().canSync, "logout keeps the records, not the login")
        XCTAssertGreaterThan(try core.worklist(date: nil).itemCount, 0)
    }

    func testAWrongPasswordIsAnAuthError() async throws {
        do {
            _ = try await loginOnline(config: try config("supervisor.oesapa"), serverUrl: try server(),
                                      secret: "salah", deviceName: nil)
            XCTFail("a wrong password is refused")
        } catch IlpError.Auth {
            // expected
        }
    }
}
