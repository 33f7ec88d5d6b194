import IlpCore
import XCTest
@testable import IlpApp

/// The sync screen against the demo server: a sync with its progress and summary, nothing left pending or
/// refused; not allowed without an online login; offline when the server stops answering (the core
/// retries, the user cancels).
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
