import IlpApp
import IlpCore
import SwiftUI

struct HouseholdsPage: View {
    let model: HouseholdsViewModel

    var body: some View {
        List {
            if let rts = model.rts.value, rts.count > 1 {
                Picker("households.rt", selection: Binding(get: { model.rtId ?? "" },
                                                           set: { id in Task { await model.selectRt(id) } })) {
                    ForEach(rts) { Text(verbatim: $0.label).tag($0.id) }
                }
            }
            if let results = model.results {
                Section("households.search_results") {
                    LoadContent(load: results, retry: { model.onQuery(model.query) }) { found in
                        if found.isEmpty { Text("households.nothing_found") }
                        ForEach(found, id: \.personId) { hit in
                            Button { model.open(hit) } label: {
                                VStack(alignment: .leading) {
                                    Text(verbatim: hit.name ?? hit.description ?? "").font(.headline)
                                    Text(verbatim: [hit.ageLabel, hit.rtLabel, hit.address, hit.nikMasked]
                                        .compactMap { $0 }.joined(separator: " · "))
                                        .font(.caption).foregroundStyle(.secondary)
                                }
                            }
                        }
                    }
                }
            } else {
                Section(model.rt?.label ?? "") {
                    LoadContent(load: model.households, retry: model.load) { rows in
                        ForEach(rows, id: \.id) { row in
                            Button { model.open(row) } label: {
                                VStack(alignment: .leading) {
                                    Text(verbatim: row.headName ?? "—").font(.headline)
                                    if let address = row.address { Text(verbatim: address).font(.caption) }
                                    Text("households.row \(Int(row.memberCount)) \(row.jknLabel)")
                                        .font(.caption).foregroundStyle(.secondary)
                                }
                            }
                        }
                    }
                }
            }
        }
        .searchable(text: Binding(get: { model.query }, set: model.onQuery), prompt: Text("households.search_prompt"))
        .navigationTitle("households.title")
        .toolbar { Button("households.register", systemImage: "plus") { model.register() } }
        .task { await model.load() }
        .task { await model.observeChanges() }
    }
}

/// The household fields shared by the register and edit forms.
struct HouseholdFields: View {
    let draft: HouseholdDraft
    let jkn: [CodeLabel]
    let error: UiError?
    let set: (HouseholdDraft) -> Void

    var body: some View {
        FormField(label: "field.address", value: draft.address, set: { var d = draft; d.address = $0; set(d) },
                  error: error?.field == "address" ? error : nil)
        FormField(label: "field.kk_number", value: draft.kkNumber, set: { var d = draft; d.kkNumber = $0; set(d) },
                  keyboard: .numberPad, error: error?.field == "kk_number" ? error : nil)
        Picker("field.jkn", selection: Binding(get: { draft.jkn }, set: { var d = draft; d.jkn = $0; set(d) })) {
            ForEach(jkn, id: \.code) { Text(verbatim: $0.label).tag($0.code) }
        }
        Toggle("field.clean_water", isOn: Binding(get: { draft.cleanWater ?? false },
                                                  set: { var d = draft; d.cleanWater = $0; set(d) }))
        Toggle("field.healthy_latrine", isOn: Binding(get: { draft.healthyLatrine ?? false },
                                                      set: { var d = draft; d.healthyLatrine = $0; set(d) }))
        FormField(label: "field.notes", value: draft.notes, set: { var d = draft; d.notes = $0; set(d) })
    }
}

/// One member row of a form; its error shown when the core named this row.
struct MemberFields: View {
    let draft: MemberDraft
    let relations: [CodeLabel]
    let error: UiError?
    let set: (MemberDraft) -> Void

    var body: some View {
        FormField(label: "field.name", value: draft.name, set: { var d = draft; d.name = $0; set(d) })
        Picker("field.sex", selection: Binding(get: { draft.sex }, set: { var d = draft; d.sex = $0; set(d) })) {
            Text("sex.unknown").tag(SexCode?.none)
            Text("sex.female").tag(SexCode?.some(.female))
            Text("sex.male").tag(SexCode?.some(.male))
        }
        FormField(label: "field.birth_date", value: draft.birthDate, set: { var d = draft; d.birthDate = $0; set(d) })
        FormField(label: "field.age_years", value: draft.ageYears, set: { var d = draft; d.ageYears = $0; set(d) },
                  keyboard: .numberPad)
        FormField(label: "field.nik", value: draft.nik, set: { var d = draft; d.nik = $0; set(d) }, keyboard: .numberPad)
        FormField(label: "field.phone", value: draft.phone, set: { var d = draft; d.phone = $0; set(d) }, keyboard: .phonePad)
        Picker("field.relation", selection: Binding(get: { draft.relation }, set: { var d = draft; d.relation = $0; set(d) })) {
            Text("common.none").tag(String?.none)
            ForEach(relations, id: \.code) { Text(verbatim: $0.label).tag(String?.some($0.code)) }
        }
        if let error { ErrorText(error: error) }
    }
}

struct RegisterHouseholdPage: View {
    let model: RegisterHouseholdViewModel

    var body: some View {
        LoadContent(load: model.options, retry: model.load) { options in
            Form {
                if let household = model.household {
                    Section(model.rt?.label ?? "") {
                        HouseholdFields(draft: household, jkn: options.jkn,
                                        error: model.errorField?.member == nil ? model.error : nil, set: model.onHousehold)
                    }
                }
                ForEach(Array(model.members.enumerated()), id: \.element.key) { index, member in
                    Section {
                        MemberFields(draft: member, relations: options.relations,
                                     error: model.errorField?.member == index ? model.error : nil, set: model.onMember)
                        if model.members.count > 1 {
                            Button("register.remove_member", role: .destructive) { model.removeMemberRow(member.key) }
                        }
                    } header: {
                        Text("register.member \(Int(index + 1))")
                    }
                }
                Button("register.add_member", systemImage: "person.badge.plus") { model.addMemberRow() }
                if case .duplicateNik = model.error {
                    Button("register.open_existing") { model.openExisting() }
                }
                if let error = model.error, model.errorField == nil { ErrorText(error: error) }
                if let saved = model.saved {
                    Section("register.warnings") {
                        ForEach(saved.warnings, id: \.message) { Text(verbatim: $0.message) }
                        Button("register.open_saved") { model.openSaved() }
                    }
                } else {
                    Button("common.save") { Task { await model.save() } }.disabled(model.saving)
                }
            }
        }
        .navigationTitle("register.title")
        .task { await model.load() }
    }
}

struct EditHouseholdPage: View {
    let model: EditHouseholdViewModel

    var body: some View {
        LoadContent(load: model.jkn, retry: model.load) { jkn in
            Form {
                if let draft = model.draft {
                    HouseholdFields(draft: draft, jkn: jkn, error: model.error, set: model.onDraft)
                }
                if let error = model.error, error.field == nil || error.field == "jkn" { ErrorText(error: error) }
                Button("common.save") { Task { await model.save() } }.disabled(model.saving)
            }
        }
        .navigationTitle("edit_household.title")
        .task { await model.load() }
    }
}

struct HouseholdPage: View {
    let model: HouseholdViewModel

    var body: some View {
        LoadContent(load: model.view, retry: model.refresh) { view in
            List {
                Section {
                    Text(verbatim: view.detail.placeLabel).font(.headline)
                    if let address = view.detail.address { Text(verbatim: address) }
                    Text("household.jkn \(view.detail.jknLabel)")
                    Button("household.edit") { model.edit() }
                }
                Section("household.members") {
                    ForEach(view.detail.members, id: \.personId) { member in
                        MemberRow(member: member, openItems: view.openItems(of: member.personId),
                                  open: { model.openPerson(member.personId) }, visit: { model.visit(member.personId) })
                    }
                    if let adding = model.adding {
                        MemberFields(draft: adding, relations: model.relations, error: model.addError, set: model.onNewMember)
                        HStack {
                            Button("common.cancel") { model.cancelAddMember() }
                            Spacer()
                            Button("common.save") { Task { await model.saveMember() } }.disabled(model.addSaving)
                        }
                    } else {
                        Button("household.add_member", systemImage: "person.badge.plus") { Task { await model.startAddMember() } }
                    }
                }
                FamilyIndexSection(index: view.familyIndex)
            }
        }
        .navigationTitle("household.title")
        .task { await model.refresh() }
        .task { await model.observeChanges() }
    }
}

struct MemberRow: View {
    let member: MemberCard
    let openItems: [DueItemView]
    let open: () -> Void
    let visit: () -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Button(action: open) {
                Text(verbatim: [member.name ?? member.description ?? "—", member.ageLabel, member.relationLabel]
                    .compactMap { $0 }.joined(separator: " · ")).font(.headline)
            }
            if let weeks = member.pregnancy?.gestationalWeeks {
                Text("member.pregnant \(Int(weeks))").font(.caption).foregroundStyle(.pink)
            }
            ForEach(openItems, id: \.key) { item in
                Text(verbatim: "\(item.label) · \(item.statusLabel)").font(.caption)
                    .foregroundStyle(item.status == "overdue" ? Color.red : Color.primary)
            }
            Button("member.visit", systemImage: "stethoscope", action: visit).font(.caption)
        }
    }
}

struct FamilyIndexSection: View {
    let index: FamilyHealthIndex

    var body: some View {
        Section("household.iks") {
            if let score = index.score, let label = index.classLabel {
                Text(verbatim: String(format: "%.3f · %@", score, label)).font(.headline)
            } else {
                Text("household.iks_incomplete \(Int(index.notAskedYet))")
            }
            ForEach(index.indicators, id: \.code) { indicator in
                HStack {
                    Text(verbatim: "\(indicator.number). \(indicator.label)")
                    Spacer()
                    Text(verbatim: indicator.answerLabel).foregroundStyle(.secondary)
                }
                .font(.caption)
            }
        }
    }
}
