import IlpCore
import XCTest
@testable import IlpApp

/// The sync screen against the demo server: a sync with its progress and summary, nothing left pending;
/// a visit the server refuses listed with its code; not allowed without an online login; offline when the
/// server stops answering (the core retries, the user cancels).
@MainActor
final class SyncViewModelTests: XCTestCase {
    func testSyncNowWithProgress() async throws {
        let world = try World(server: try testServer())
        try await world.graph.accounts.loginOnline(username: "kader.rw001.a", password: "kader.rw001.a-demo")
        world.navigator.reset(.sync)
        let model = try world.screen(SyncViewModel.self)
        XCTAssertEqual(model.status, .loading)
        await model.refresh()
        XCTAssertEqual(model.status.value?.canSync, true)
        XCTAssertNil(model.status.value?.lastSuccessMs)

        await model.syncNow()
        XCTAssertNil(model.error)
        XCTAssertFalse(model.running)
        XCTAssertGreaterThan(try XCTUnwrap(model.summary).pulled, 0)
        for _ in 0..<100 where model.progress?.phase != .done { try await Task.sleep(for: .milliseconds(10)) }
        XCTAssertEqual(model.progress?.phase, .done)
        let status = try XCTUnwrap(model.status.value)
        XCTAssertEqual(status.pending, 0)
        XCTAssertNotNil(status.lastSuccessMs)
        XCTAssertEqual(model.refused, [])
    }

    /// A refusal as it happens in the field: the admin moves kader.rw001.b to another kelurahan while she
    /// is out; her phone still holds her old RT and takes the visit she records there; the server, which
    /// now scopes her elsewhere, refuses it (out_of_scope) and the sync screen lists it with its code.
    /// (The test server's kelurahan has one RT, so moving a household to another RT is not possible.)
    func testARefusedVisitIsListedWithItsCode() async throws {
        let server = try testServer()
        let kader = try World(server: server)
        try await kader.graph.accounts.loginOnline(username: "kader.rw001.b", password: "kader.rw001.b-demo")
        let model = SyncViewModel(repository: kader.graph.sync)
        await model.syncNow()
        XCTAssertNil(model.error)
        let user = try XCTUnwrap(kader.graph.session.currentUser)
        let kaderTree = try await kader.graph.session.call { try $0.areaTree() }
        let oesapa = try XCTUnwrap(kaderTree.first { $0.level == "village" }).id

        let adminPhone = try World(server: server)
        try await adminPhone.graph.accounts.loginOnline(username: "admin", password: "admin-demo")
        _ = try await adminPhone.graph.sync.syncNow(listener: SilentListener())
        let everywhere = try await adminPhone.graph.session.call { try $0.areaTree() }
        let elsewhere = try XCTUnwrap(everywhere.first { $0.level == "village" && $0.id != oesapa }, "a second kelurahan").id
        await adminPhone.graph.accounts.switchUser()

        let admin = AdminClient(server: server)
        try await admin.login()
        try await admin.assign(userId: user.id, areas: [elsewhere])
        var failure: Error?
        do {
            let list = try await kader.graph.worklist.worklist()
            let person = try XCTUnwrap(list.groups.first?.stops.first?.entries.first?.item.personId)
            _ = try await kader.graph.visits.record(VisitForm(
                personId: person, occurredAtMs: nil, kind: .homeVisit, posyanduId: nil, place: nil, pregnancyId: nil,
                measurement: nil, immunizations: [], services: [], dangerSigns: [], dangerNote: nil, referral: nil,
                note: "kunjungan rumah (uji sinkron)", healthStatus: nil))
            await model.refresh()
            XCTAssertEqual(model.refused, [])
            await model.syncNow()
            XCTAssertNil(model.error, "a refusal does not fail the sync")
            XCTAssertGreaterThan(try XCTUnwrap(model.summary).refused, 0)
            XCTAssertTrue(model.refused.contains { $0.code == "out_of_scope" && $0.entity == "event" }, "\(model.refused)")
            XCTAssertEqual(model.status.value?.pending, 0, "refused is not pending")
        } catch {
            failure = error
        }
        // Her area back, so later tests find the demo as it was.
        try await admin.assign(userId: user.id, areas: user.areaIds)
        if let failure { throw failure }
    }

    func testWithoutAnOnlineLoginSyncIsNotAllowed() async throws {
        let world = try World()
        try world.signIn("kader")
        let model = SyncViewModel(repository: world.graph.sync)
        await model.refresh()
        XCTAssertEqual(model.status.value?.canSync, false)
        await model.syncNow()
        guard case .notAllowed? = model.error else { return XCTFail("\(String(describing: model.error))") }
        XCTAssertFalse(model.running)
    }

    func testOfflineWhileTheServerIsUnreachable() async throws {
        let upstream = try XCTUnwrap(URLComponents(string: try testServer())?.port)
        let plug = try Forwarder(upstreamPort: UInt16(upstream))
        let world = try World(server: plug.url)
        try await world.graph.accounts.loginOnline(username: "kader.rw001.a", password: "kader.rw001.a-demo")
        plug.stop()

        let model = SyncViewModel(repository: world.graph.sync)
        let running = Task { await model.syncNow() }
        for _ in 0..<500 where !model.offline { try await Task.sleep(for: .milliseconds(10)) }
        XCTAssertTrue(model.offline, "\(String(describing: model.progress))")
        XCTAssertTrue(model.running)
        guard case .retrying? = model.progress?.phase else { return XCTFail("\(String(describing: model.progress))") }
        await model.cancel()
        await running.value
        XCTAssertFalse(model.running)
        XCTAssertNotNil(model.error)
        XCTAssertNil(model.summary)
        XCTAssertEqual(model.status.value?.lastSuccessMs, nil)
    }
}
