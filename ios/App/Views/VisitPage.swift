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
                    Text(LocalizedStringKey("stage." + model.stage.rawValue)).foregroundStyle(.secondary)
                }
                MeasurementSection(model: model)
                if !context.dueDoses.isEmpty {
                    Section("visit.due_now") {
                        ForEach(context.dueDoses, id: \.key) { item in
                            Toggle(item.label, isOn: Binding(get: { model.immunizations.contains(item.key) },
                                                             set: { _ in model.toggleImmunization(item.key) }))
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
            if model.fields.contains(.length) { field("field.length_or_height_cm", \.lengthCm, "length_or_height_cm") }
            if model.fields.contains(.head) { field("field.head_circumference_cm", \.headCm, "head_circumference_cm") }
            if model.fields.contains(.muac) { field("field.muac_cm", \.muacCm, "muac_cm") }
            if model.fields.contains(.bloodPressure) {
                field("field.systolic_mmhg", \.systolic, "systolic_mmhg")
                field("field.diastolic_mmhg", \.diastolic, "diastolic_mmhg")
            }
            if model.fields.contains(.glucose) { field("field.blood_glucose_mg_dl", \.glucose, "blood_glucose_mg_dl") }
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
