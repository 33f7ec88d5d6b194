import IlpApp
import IlpCore
import SwiftUI

struct VisitPage: View {
    let model: VisitViewModel

    var body: some View {
        LoadContent(load: model.context, retry: model.load) { context in
            Form {
                Section {
                    Text(verbatim: [context.subject.name, context.subject.ageLabel].compactMap { $0 }.joined(separator: " · "))
                        .font(.headline)
                    ForEach(model.stages, id: \.code) { stage in
                        StageText(stage: stage).foregroundStyle(.secondary)
                    }
                }
                VisitKindSection(model: model)
                MeasurementSection(model: model)
                QuestionSection(model: model)
                if !context.openItems.isEmpty {
                    Section("visit.due_now") {
                        ForEach(context.dueDoses, id: \.key) { item in
                            Toggle(item.label, isOn: Binding(get: { model.immunizations.contains(item.key) },
                                                             set: { _ in model.toggleImmunization(item.key) }))
                        }
                        ForEach(context.otherOpenItems, id: \.key) { item in
                            LabeledContent(item.label, value: item.statusLabel)
                        }
                    }
                }
                Section("visit.services") {
                    ForEach(context.services, id: \.code) { service in
                        Toggle(service.label, isOn: Binding(get: { model.services.contains(service.code) },
                                                            set: { _ in model.toggleService(service.code) }))
                    }
                }
                Section("visit.danger_signs") {
                    ForEach(context.dangerSigns, id: \.code) { sign in
                        Toggle(sign.label, isOn: Binding(get: { model.dangerSigns.contains(sign.code) },
                                                         set: { _ in model.toggleDangerSign(sign.code) }))
                    }
                }
                ReferralSection(model: model)
                Section {
                    FormField(label: "visit.note", value: model.note, set: model.onNote)
                    if let error = model.error { ErrorText(error: error) }
                    Button("common.save") { Task { await model.save() } }
                        .buttonStyle(.borderedProminent)
                        .disabled(model.saving)
                }
            }
        }
        .navigationTitle("visit.title")
        .task { await model.load() }
    }
}

/// A life stage: the catalog's words for a code the app knows, else the core's Bahasa label.
struct StageText: View {
    let stage: StageName

    var body: some View {
        if let key = stage.catalogKey { Text(LocalizedStringKey(key)) } else { Text(verbatim: stage.label) }
    }
}

/// The visit kind the core suggested, and the ANC contact / KF / KN number the user may change.
struct VisitKindSection: View {
    let model: VisitViewModel

    var body: some View {
        Section("visit.kind") {
            Text(LocalizedStringKey("visit.kind." + model.kindCode))
            if !model.numberChoices.isEmpty {
                Picker("visit.kind_number", selection: Binding(get: { model.kindNumber }, set: { if let n = $0 { model.onKindNumber(n) } })) {
                    ForEach(model.numberChoices, id: \.number) { choice in
                        Text(verbatim: choice.label ?? "\(choice.number)").tag(Optional(choice.number))
                    }
                }
            }
        }
    }
}

/// Yes / no / not answered.
struct YesNoPicker: View {
    let label: LocalizedStringKey
    let value: Bool?
    let set: (Bool?) -> Void

    var body: some View {
        Picker(label, selection: Binding(get: { value }, set: set)) {
            Text("common.not_answered").tag(Bool?.none)
            Text("common.yes").tag(Bool?.some(true))
            Text("common.no").tag(Bool?.some(false))
        }
    }
}

/// The plan's questions; the answers go to the person's health status.
struct QuestionSection: View {
    let model: VisitViewModel

    private func answer(_ label: LocalizedStringKey, _ path: WritableKeyPath<HealthAnswers, Bool?>) -> some View {
        YesNoPicker(label: label, value: model.answers[keyPath: path],
                    set: { var a = model.answers; a[keyPath: path] = $0; model.onAnswers(a) })
    }

    var body: some View {
        if !model.questions.isEmpty {
            Section("visit.questions") {
                if model.questions.contains(.smoking) { answer("question.smoking", \.smokes) }
                if model.questions.contains(.knownConditions) {
                    answer("question.hypertension", \.hypertension)
                    if model.answers.hypertension == true { answer("question.on_treatment", \.hypertensionTreated) }
                    answer("question.diabetes", \.diabetes)
                    if model.answers.diabetes == true { answer("question.on_treatment", \.diabetesTreated) }
                }
                if model.questions.contains(.familyPlanning) { answer("question.family_planning", \.familyPlanning) }
                if model.questions.contains(.exclusiveBreastfeeding) {
                    answer("question.exclusive_breastfeeding", \.exclusiveBreastfeeding)
                }
            }
        }
    }
}

struct MeasurementSection: View {
    let model: VisitViewModel

    private func field(_ label: LocalizedStringKey, _ path: WritableKeyPath<MeasurementDraft, String>, _ core: String) -> some View {
        FormField(label: label, value: model.measurement[keyPath: path],
                  set: { var m = model.measurement; m[keyPath: path] = $0; model.onMeasurement(m) },
                  keyboard: .decimalPad,
                  error: model.error?.field == "measurement." + core ? model.error : nil)
    }

    var body: some View {
        Section("visit.measurements") {
            if model.fields.contains(.weight) { field("field.weight_kg", \.weightKg, "weight_kg") }
            if model.fields.contains(.length) {
                field("field.length_or_height_cm", \.lengthCm, "length_or_height_cm")
                Toggle("field.measured_lying", isOn: Binding(get: { model.measurement.measuredLying ?? false },
                                                             set: { var m = model.measurement; m.measuredLying = $0; model.onMeasurement(m) }))
            }
            if model.fields.contains(.head) { field("field.head_circumference_cm", \.headCm, "head_circumference_cm") }
            if model.fields.contains(.muac) { field("field.muac_cm", \.muacCm, "muac_cm") }
            if model.fields.contains(.bloodPressure) {
                field("field.systolic_mmhg", \.systolic, "systolic_mmhg")
                field("field.diastolic_mmhg", \.diastolic, "diastolic_mmhg")
            }
            if model.fields.contains(.glucose) {
                field("field.blood_glucose_mg_dl", \.glucose, "blood_glucose_mg_dl")
                Picker("field.glucose_timing", selection: Binding(get: { model.measurement.glucoseTiming },
                                                                  set: { var m = model.measurement; m.glucoseTiming = $0; model.onMeasurement(m) })) {
                    Text("common.none").tag(String?.none)
                    ForEach(MeasurementDraft.glucoseTimings, id: \.self) { code in
                        Text(LocalizedStringKey("glucose_timing." + code)).tag(Optional(code))
                    }
                }
            }
            if let assessment = model.assessment {
                LoadContent(load: assessment, retry: model.preview) { AssessmentView(assessment: $0) }
            }
        }
    }
}

/// The preview under the numbers: categories and KMS code as the core judged them, alerts in red.
struct AssessmentView: View {
    let assessment: MeasurementAssessment

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            if assessment.growthNeedsSexAndBirth { Text("visit.needs_sex_birth").foregroundStyle(.orange) }
            ForEach(assessment.zScores, id: \.indicator) { z in
                Text(verbatim: "\(z.label): \(String(format: "%.2f", z.z)) SD · \(z.categoryLabel ?? "—")")
                    .foregroundStyle(z.flagged ? Color.purple : Color.primary)
            }
            if let kms = assessment.kms {
                Text(verbatim: "KMS \(kms.code) · \(kms.label)").bold()
            }
            if let bp = assessment.bloodPressure { Text(verbatim: bp.label) }
            if let glucose = assessment.glucose { Text(verbatim: glucose.label) }
            ForEach(assessment.alerts, id: \.self) { Text(verbatim: $0).foregroundStyle(.red).bold() }
        }
        .font(.subheadline)
    }
}

struct ReferralSection: View {
    let model: VisitViewModel

    var body: some View {
        Section("visit.referral") {
            if let referral = model.referral {
                FormField(label: "visit.referral_to", value: referral.to,
                          set: { var r = referral; r.to = $0; model.onReferral(r) },
                          error: model.error?.field?.hasPrefix("referral") == true ? model.error : nil)
                Toggle("visit.emergency", isOn: Binding(get: { referral.emergency },
                                                        set: { var r = referral; r.emergency = $0; model.onReferral(r) }))
                FormField(label: "visit.referral_reason", value: referral.reason,
                          set: { var r = referral; r.reason = $0; model.onReferral(r) })
                if let at = referral.pickupCalledAtMs {
                    Text("visit.pickup_called \(referral.pickupService)") + Text(Date(ms: at), style: .time)
                } else {
                    Button("visit.call_pickup", systemImage: "phone.arrow.up.right") {
                        model.recordPickupCall(service: String(localized: "visit.pickup_service_default"))
                    }
                    .tint(.red)
                }
                Button("visit.no_referral", role: .destructive) { model.cancelReferral() }
            } else {
                if model.referralSuggested { Text("visit.referral_suggested").foregroundStyle(.red) }
                Button("visit.start_referral") { model.startReferral() }
            }
        }
    }
}
