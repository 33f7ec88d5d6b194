import IlpCore
import XCTest
@testable import IlpApp

/// The visit form: an under-five visit with the immediate preview (z-score categories, KMS code) and a due
/// dose, saved in one call; an impossible weight named as the core names it (preview and save); text that
/// is not a number; danger signs opening an emergency referral with the pick-up call recorded; the form of
/// a pregnant woman.
@MainActor
final class VisitViewModelTests: XCTestCase {
    func testAnUnderFiveVisitWithPreview() async throws {
        let world = try World()
        try world.signIn("kader")
        let family = try await world.registerFamily(babyAgeDays: 200)
        let baby = family.memberIds[1]
        let person = try world.open(.person(personId: baby), as: PersonViewModel.self)
        person.visit()
        let model = try world.screen(VisitViewModel.self)
        XCTAssertEqual(model.context, .loading)
        await model.load()
        let context = try XCTUnwrap(model.context.value, "\(model.context)")
        XCTAssertEqual(model.stage, .underFive)
        XCTAssertEqual(model.kind, .homeVisit)
        XCTAssertTrue(model.fields.contains(.head))
        XCTAssertFalse(model.fields.contains(.bloodPressure))
        XCTAssertTrue(context.dangerSigns.contains { $0.code == "convulsions" })
        XCTAssertNil(model.assessment, "nothing typed, nothing previewed")

        var m = MeasurementDraft()
        m.weightKg = "7,4"
        m.lengthCm = "66.5"
        model.onMeasurement(m)
        await model.previewTask?.value
        let preview = try XCTUnwrap(model.assessment?.value, "\(String(describing: model.assessment))")
        let wfa = try XCTUnwrap(preview.zScores.first { $0.indicator == "wfa" })
        XCTAssertNotNil(wfa.category)
        XCTAssertNotNil(wfa.categoryLabel)
        XCTAssertEqual(preview.kms?.code, "B", "the first weighing")
        let untouched = try await world.graph.persons.view(baby)
        XCTAssertTrue(untouched.history.isEmpty, "a preview writes nothing")

        let dose = try XCTUnwrap(context.dueDoses.first)
        model.toggleImmunization(dose.key)
        model.toggleService("vitamin_a_blue")
        await model.save()
        XCTAssertNil(model.error)
        let saved = try XCTUnwrap(model.saved)
        XCTAssertEqual(saved.personId, baby)
        XCTAssertEqual(world.route, .person(personId: baby), "back where the visit started")

        await person.refresh()
        let after = try XCTUnwrap(person.view.value)
        XCTAssertEqual(after.card?.latest.weightKg, 7.4)
        XCTAssertEqual(after.schedule.items.first { $0.key == dose.key }?.status, "done")
        XCTAssertEqual(person.chart?.value?.points.first?.kmsCode, "B")
    }

    func testAnImpossibleWeightIsNamedInThePreviewAndOnSave() async throws {
        let world = try World()
        try world.signIn("kader")
        let family = try await world.registerFamily(babyAgeDays: 200)
        let model = try world.open(.visit(personId: family.memberIds[1], posyanduId: nil), as: VisitViewModel.self)
        await model.load()
        var m = MeasurementDraft()
        m.weightKg = "55"
        model.onMeasurement(m)
        await model.previewTask?.value
        XCTAssertInvalid(model.assessment?.error, field: "measurement.weight_kg")
        await model.save()
        XCTAssertInvalid(model.error, field: "measurement.weight_kg")
        XCTAssertNil(model.saved)

        m.weightKg = "tujuh"
        model.onMeasurement(m)
        XCTAssertNil(model.error, "typing in the field clears its error")
        await model.previewTask?.value
        XCTAssertInvalid(model.assessment?.error, field: "measurement.weight_kg")
    }

    func testDangerSignsOpenAnEmergencyReferralWithThePickupCall() async throws {
        let world = try World(clock: 1_790_000_000_000)
        try world.signIn("kader")
        let family = try await world.registerFamily(babyAgeDays: 200)
        let baby = family.memberIds[1]
        let model = try world.open(.visit(personId: baby, posyanduId: nil), as: VisitViewModel.self)
        await model.load()
        XCTAssertNil(model.referral)
        model.toggleDangerSign("convulsions")
        XCTAssertTrue(model.referralSuggested)
        var referral = try XCTUnwrap(model.referral)
        XCTAssertTrue(referral.emergency)
        referral.to = "RSUD S.K. Lerik"
        model.onReferral(referral)
        model.recordPickupCall(service: "Brigade Kupang Sehat")
        let called = try XCTUnwrap(model.referral)
        XCTAssertTrue(called.pickupCalled)
        XCTAssertEqual(called.pickupCalledAtMs, 1_790_000_000_000)
        XCTAssertEqual(called.to, "RSUD S.K. Lerik")
        await model.save()
        XCTAssertNil(model.error)
        let history = try await world.graph.persons.view(baby).history
        XCTAssertTrue(history.contains { $0.summary.contains("Rujukan darurat ke RSUD S.K. Lerik") }, "\(history.map(\.summary))")
        XCTAssertTrue(history.contains { $0.summary.contains("convulsions") })
    }

    func testAPregnantWomansForm() async throws {
        let world = try World()
        try world.signIn("kader")
        let family = try await world.registerFamily()
        let mother = family.memberIds[0]
        let hpht = PhoneDate.day(ms: Int64(Date().timeIntervalSince1970 * 1000) - 140 * 86_400_000, offsetMinutes: 480)
        _ = try await world.graph.persons.registerPregnancy(mother, hpht: hpht, edd: nil)
        let model = try world.open(.visit(personId: mother, posyanduId: nil), as: VisitViewModel.self)
        await model.load()
        XCTAssertEqual(model.stage, .pregnant)
        XCTAssertEqual(model.kind, .anc(contact: nil, byDoctor: false))
        XCTAssertTrue(model.fields.contains(.bloodPressure))
        var m = MeasurementDraft()
        m.muacCm = "22,5"
        m.systolic = "150"
        m.diastolic = "100"
        model.onMeasurement(m)
        await model.previewTask?.value
        let preview = try XCTUnwrap(model.assessment?.value, "\(String(describing: model.assessment))")
        XCTAssertTrue(preview.pregnant)
        XCTAssertEqual(preview.kek, true, "LiLA under 23.5 cm")
        XCTAssertNotNil(preview.bloodPressure)
        XCTAssertFalse(preview.alerts.isEmpty)
        XCTAssertNotNil(model.referral, "the red alerts open a referral")
    }
}
