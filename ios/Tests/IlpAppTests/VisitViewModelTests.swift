import IlpCore
import XCTest
@testable import IlpApp

/// The visit form, laid out by the core's visit plan: an under-five visit with the immediate preview
/// (z-score categories, KMS code) and a due dose, saved in one call; a young baby measured lying without
/// LiLA, an older child standing; an impossible weight named as the core names it (preview and save); text
/// that is not a number; danger signs opening an emergency referral with the pick-up call recorded; a
/// pregnant woman's ANC visit with the core's contact number and pregnancy; an adult's blood pressure,
/// glucose with its timing and health questions recorded; a visit at a Posyandu.
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
        XCTAssertEqual(model.stageLabel, "Balita", "the core's label")
        XCTAssertEqual(model.stages.first?.catalogKey, "stage.under_five")
        XCTAssertEqual(model.kind, .homeVisit)
        XCTAssertEqual(model.kindCode, "home_visit")
        XCTAssertTrue(model.numberChoices.isEmpty, "a home visit has no number")
        XCTAssertEqual(model.fields, [.weight, .length, .head, .muac], "LiLA from 6 months")
        XCTAssertTrue(model.questions.isEmpty)
        XCTAssertEqual(model.measurement.measuredLying, true, "lying below two years, as the core says")
        XCTAssertEqual(model.openItems, context.openItems)
        XCTAssertFalse(model.openItems.isEmpty, "a 200-day-old with no doses has some due")
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
        let pregnancy = try await world.graph.persons.view(mother).card?.pregnancy
        XCTAssertEqual(model.stage, .pregnant)
        XCTAssertEqual(model.stageLabel, "Ibu hamil")
        XCTAssertEqual(model.stages.map(\.code), ["pregnant", "adult"], "a pregnant woman of 31 is an adult too")
        XCTAssertEqual(model.kindCode, "anc")
        guard case let .anc(contact?, _) = model.kind else {
            return XCTFail("an ANC visit with the core's next contact, got \(model.kind)")
        }
        XCTAssertEqual(model.kindNumber, contact)
        XCTAssertEqual(model.pregnancyId, pregnancy?.id)
        XCTAssertNotNil(model.pregnancyId)
        XCTAssertTrue(model.fields.isSuperset(of: [.weight, .muac, .bloodPressure]))
        XCTAssertFalse(model.fields.contains(.head))
        XCTAssertTrue(model.questions.contains(.familyPlanning), "a woman of 15-49")
        let choices = model.numberChoices.map(\.number)
        XCTAssertTrue(choices.contains(contact), "\(choices)")
        XCTAssertGreaterThan(choices.count, 1, "the later contacts of the schedule: \(choices)")
        // The user picks another contact, and back.
        let other = try XCTUnwrap(choices.first { $0 != contact })
        model.onKindNumber(other)
        XCTAssertEqual(model.kindNumber, other)
        model.onKindNumber(contact)
        XCTAssertEqual(model.kindNumber, contact)
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

        XCTAssertEqual(try model.form().pregnancyId, pregnancy?.id, "the ANC visit is filed under the pregnancy")
        model.cancelReferral()
        await model.save()
        XCTAssertNil(model.error)
        XCTAssertNotNil(model.saved)
        let after = try await world.graph.persons.view(mother)
        let pid = try XCTUnwrap(pregnancy?.id)
        let done = after.schedule.items.filter { $0.key.hasPrefix("anc:\(pid):\(contact)") }
        XCTAssertFalse(done.isEmpty, "\(after.schedule.items.map(\.key))")
        XCTAssertTrue(done.allSatisfy { $0.status == "done" }, "\(done.map { ($0.key, $0.status) })")
        let reloaded = try world.open(.visit(personId: mother, posyanduId: nil), as: VisitViewModel.self)
        await reloaded.load()
        guard case let .anc(next?, _) = reloaded.kind else { return XCTFail("\(reloaded.kind)") }
        XCTAssertGreaterThan(next, contact, "the core suggests the next contact")
    }

    func testTheCoreSaysLyingAndLilaByAge() async throws {
        let world = try World()
        try world.signIn("kader")
        let young = try await world.registerFamily(babyAgeDays: 100)
        let baby = try world.open(.visit(personId: young.memberIds[1], posyanduId: nil), as: VisitViewModel.self)
        await baby.load()
        XCTAssertEqual(baby.stage, .underFive)
        XCTAssertEqual(baby.fields, [.weight, .length, .head], "no LiLA before 6 months")
        XCTAssertEqual(baby.measurement.measuredLying, true)

        let older = try await world.registerFamily(babyAgeDays: 1000)
        let child = try world.open(.visit(personId: older.memberIds[1], posyanduId: nil), as: VisitViewModel.self)
        await child.load()
        XCTAssertEqual(child.stage, .underFive)
        XCTAssertTrue(child.fields.contains(.muac))
        XCTAssertEqual(child.measurement.measuredLying, false, "standing from two years")
        var m = child.measurement
        m.weightKg = "12,5"
        m.lengthCm = "90"
        child.onMeasurement(m)
        await child.previewTask?.value
        XCTAssertNotNil(child.assessment?.value, "\(String(describing: child.assessment))")
        await child.save()
        XCTAssertNil(child.error)
    }

    func testAnAdultsBloodPressureGlucoseAndHealthQuestions() async throws {
        let world = try World()
        try world.signIn("kader")
        let family = try await world.registerFamily()
        let adult = family.memberIds[0]
        let model = try world.open(.visit(personId: adult, posyanduId: nil), as: VisitViewModel.self)
        await model.load()
        XCTAssertNotNil(model.context.value, "\(model.context)")
        XCTAssertEqual(model.stage, .adult)
        XCTAssertEqual(model.stageLabel, "Usia dewasa")
        XCTAssertEqual(model.kind, .homeVisit)
        XCTAssertEqual(model.fields, [.weight, .length, .bloodPressure, .glucose])
        XCTAssertEqual(model.questions, [.smoking, .knownConditions, .familyPlanning])
        XCTAssertEqual(model.measurement.measuredLying, false)
        XCTAssertNil(model.pregnancyId)
        XCTAssertEqual(MeasurementDraft.glucoseTimings, ["fasting", "random", "two_hours_after_meal"])

        var m = model.measurement
        m.systolic = "135"
        m.diastolic = "85"
        m.glucose = "210"
        m.glucoseTiming = "random"
        model.onMeasurement(m)
        await model.previewTask?.value
        let preview = try XCTUnwrap(model.assessment?.value, "\(String(describing: model.assessment))")
        XCTAssertNotNil(preview.bloodPressure)
        XCTAssertNotNil(preview.glucose, "random glucose judged with its timing")

        var a = model.answers
        a.smokes = true
        a.hypertension = true
        a.hypertensionTreated = true
        a.diabetes = false
        a.exclusiveBreastfeeding = true // not asked: not sent
        model.onAnswers(a)
        let status = try XCTUnwrap(try model.form().healthStatus)
        XCTAssertEqual(status.smokes, true)
        XCTAssertNil(status.exclusiveBreastfeeding, "only what the plan asks")
        XCTAssertEqual(status.conditions.map(\.condition), ["hypertension"])
        XCTAssertEqual(try model.form().measurement?.glucoseTiming, "random")
        model.cancelReferral()
        await model.save()
        XCTAssertNil(model.error)
        XCTAssertNotNil(model.saved)

        let history = try await world.graph.persons.view(adult).history
        let recorded = try XCTUnwrap(history.first { $0.summary.hasPrefix("Status kesehatan") }, "\(history.map(\.summary))")
        XCTAssertTrue(recorded.summary.contains("hipertensi, berobat teratur"), recorded.summary)
        XCTAssertTrue(recorded.summary.contains("Merokok: ya"), recorded.summary)
        XCTAssertFalse(recorded.summary.contains("ASI"), recorded.summary)
        XCTAssertEqual(recorded.visitId, model.saved?.visitId, "part of the visit")
    }

    func testNothingAnsweredSendsNoHealthStatus() async {
        var a = HealthAnswers()
        XCTAssertNil(a.toForm(asking: Set(HealthQuestion.allCases)))
        a.diabetes = true
        a.diabetesTreated = false
        XCTAssertNil(a.toForm(asking: [.smoking]), "conditions not asked")
        let form = a.toForm(asking: [.knownConditions])
        XCTAssertEqual(form?.conditions, [ConditionForm(condition: "diabetes", onTreatment: false, neglected: nil, resolved: false)])
        XCTAssertEqual(StageName(code: "pregnant", label: "Ibu hamil").catalogKey, "stage.pregnant")
        XCTAssertNil(StageName(code: "a_new_stage", label: "Baru").catalogKey, "shown with the core's label")
    }

    func testAtAPosyanduTheVisitIsAPosyanduVisit() async throws {
        let world = try World()
        try world.signIn("kader")
        let family = try await world.registerFamily(babyAgeDays: 200)
        let baby = family.memberIds[1]
        let home = try world.open(.visit(personId: baby, posyanduId: nil), as: VisitViewModel.self)
        await home.load()
        let posyandu = try XCTUnwrap(home.context.value?.posyandus.first, "\(home.context)")
        world.navigator.pop()

        let model = try world.open(.visit(personId: baby, posyanduId: posyandu.id), as: VisitViewModel.self)
        await model.load()
        XCTAssertEqual(model.kind, .posyandu, "the core's suggestion at a session")
        XCTAssertEqual(model.kindCode, "posyandu")
        XCTAssertTrue(model.numberChoices.isEmpty)
        XCTAssertEqual(model.stage, .underFive)
        XCTAssertTrue(model.fields.contains(.weight))
        var m = model.measurement
        m.weightKg = "7,6"
        model.onMeasurement(m)
        await model.save()
        XCTAssertNil(model.error)
        XCTAssertEqual(try model.form().posyanduId, posyandu.id)
    }
}
