import IlpCore
import XCTest
@testable import IlpApp

/// The Posyandu day: the expected list, an arrival joining the weighing queue, the weighing recorded as a
/// Posyandu visit (the person then counts as attended and leaves the queue), a walk-in found by search,
/// and ending the session, after which the absentees are home visits on the worklist; ending a session
/// in the future is refused naming the date.
@MainActor
final class PosyanduSessionViewModelTests: XCTestCase {
    func testExpectedQueueWeighingWalkInAndEndOfSession() async throws {
        let world = try World(households: 60)
        try world.signIn("kader")
        world.navigator.reset(.posyanduSession(posyanduId: nil, date: nil))
        let model = try world.screen(PosyanduSessionViewModel.self)
        XCTAssertEqual(model.date, world.today)
        XCTAssertEqual(model.session, .loading)
        await model.load()
        XCTAssertFalse(try XCTUnwrap(model.posyandus.value).isEmpty)
        let session = try XCTUnwrap(model.session.value, "\(model.session)")
        XCTAssertFalse(session.ended)
        XCTAssertGreaterThan(session.expected, 1, "\(session)")
        let listening = Task { await model.observeChanges() }
        defer { listening.cancel() }

        // Langkah 1: registration; langkah 2-3: weighing and recording.
        let first = try XCTUnwrap(session.attendees.first { !$0.attended && $0.items.contains { $0.kind == "weighing" } })
        let lastWeight = try await world.graph.persons.view(first.personId).card?.latest.weightKg
        model.arrived(first)
        model.arrived(first)
        XCTAssertEqual(model.queue.map(\.personId), [first.personId], "once in the queue")
        model.weigh(first.personId)
        XCTAssertEqual(world.route, .visit(personId: first.personId, posyanduId: model.posyanduId))
        let visit = try world.screen(VisitViewModel.self)
        await visit.load()
        XCTAssertEqual(visit.kind, .posyandu)
        var m = MeasurementDraft()
        m.weightKg = String(format: "%.1f", (lastWeight ?? 9.0) + 0.2)
        visit.onMeasurement(m)
        await visit.save()
        XCTAssertNil(visit.error)
        XCTAssertEqual(world.route, .posyanduSession(posyanduId: nil, date: nil))
        for _ in 0..<100 where !model.queue.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertEqual(model.queue, [], "weighed: out of the queue")
        let afterWeighing = try XCTUnwrap(model.session.value)
        XCTAssertEqual(afterWeighing.attended, session.attended + 1)
        XCTAssertTrue(afterWeighing.attendees.first { $0.personId == first.personId }?.attended ?? false)

        // A walk-in: someone not on the expected list, found by name.
        let family = try await world.registerFamily(babyAgeDays: 900)
        await model.refresh()
        let expected = Set(try XCTUnwrap(model.session.value).attendees.map(\.personId))
        model.onWalkInQuery("Taneo")
        await model.searchTask?.value
        let results = try XCTUnwrap(model.walkInResults?.value)
        XCTAssertTrue(results.contains { $0.personId == family.memberIds[0] })
        let walkIn = try XCTUnwrap(results.first { !expected.contains($0.personId) }, "someone of the family is not expected")
        model.addWalkIn(walkIn)
        XCTAssertEqual(model.queue.last?.personId, walkIn.personId)
        XCTAssertEqual(model.queue.last?.walkIn, true)
        XCTAssertNil(model.walkInResults)

        await model.endSession()
        XCTAssertNil(model.error)
        let ended = try XCTUnwrap(model.session.value)
        XCTAssertTrue(ended.ended)
        XCTAssertEqual(ended.homeVisits, ended.expected - ended.attended)
        XCTAssertGreaterThan(ended.homeVisits, 0)

        let worklist = try await world.graph.worklist.worklist(date: nil)
        let missed = worklist.groups.flatMap(\.stops).filter { $0.missedPosyanduOn == world.today }
        XCTAssertFalse(missed.isEmpty, "the absentees are home visits today")
    }

    func testEndingASessionInTheFutureIsRefused() async throws {
        let world = try World()
        try world.signIn("kader")
        let tomorrow = PhoneDate.day(ms: Int64(Date().timeIntervalSince1970 * 1000) + 86_400_000, offsetMinutes: 480)
        let model = try world.open(.posyanduSession(posyanduId: nil, date: tomorrow), as: PosyanduSessionViewModel.self)
        await model.load()
        XCTAssertNotNil(model.session.value)
        await model.endSession()
        XCTAssertInvalid(model.error, field: "date")
        XCTAssertEqual(model.session.value?.ended, false)
    }
}
