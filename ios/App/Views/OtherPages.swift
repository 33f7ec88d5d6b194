import IlpApp
import IlpCore
import SwiftUI

struct PosyanduSessionPage: View {
    let model: PosyanduSessionViewModel

    var body: some View {
        List {
            if let posyandus = model.posyandus.value, posyandus.count > 1 {
                Picker("posyandu.choose", selection: Binding(get: { model.posyanduId ?? "" },
                                                             set: { id in Task { await model.select(id) } })) {
                    ForEach(posyandus, id: \.id) { Text(verbatim: $0.name).tag($0.id) }
                }
            }
            LoadContent(load: model.session, retry: model.load) { session in
                Section {
                    Text("posyandu.counts \(Int(session.expected)) \(Int(session.attended)) \(Int(session.homeVisits))")
                    if session.ended {
                        Text("posyandu.ended").foregroundStyle(.secondary)
                    } else {
                        Button("posyandu.end", role: .destructive) { Task { await model.endSession() } }
                            .disabled(model.ending)
                    }
                    if let error = model.error { ErrorText(error: error) }
                }
                Section("posyandu.queue") {
                    ForEach(model.queue) { person in
                        Button { model.weigh(person.personId) } label: {
                            HStack {
                                Text(verbatim: "\(person.name) · \(person.ageLabel)")
                                if person.walkIn { Text("posyandu.walk_in").font(.caption).foregroundStyle(.orange) }
                                Spacer()
                                Image(systemName: "scalemass")
                            }
                        }
                    }
                    TextField("posyandu.walk_in_search", text: Binding(get: { model.walkInQuery }, set: model.onWalkInQuery))
                    if let results = model.walkInResults {
                        LoadContent(load: results, retry: { model.onWalkInQuery(model.walkInQuery) }) { found in
                            ForEach(found, id: \.personId) { hit in
                                Button(hit.name ?? hit.description ?? "—") { model.addWalkIn(hit) }
                            }
                        }
                    }
                }
                Section("posyandu.expected") {
                    ForEach(session.attendees, id: \.personId) { attendee in
                        Button { model.arrived(attendee) } label: {
                            HStack {
                                Text(verbatim: "\(attendee.name) · \(attendee.ageLabel)")
                                Spacer()
                                if attendee.attended { Image(systemName: "checkmark.circle.fill").foregroundStyle(.green) }
                                if attendee.homeVisit { Text("posyandu.home_visit").font(.caption).foregroundStyle(.orange) }
                            }
                        }
                        .disabled(attendee.attended)
                    }
                }
            }
        }
        .navigationTitle(Text("posyandu.title \(model.date)"))
        .task { await model.load() }
        .task { await model.observeChanges() }
    }
}

struct SyncPage: View {
    let model: SyncViewModel

    var body: some View {
        List {
            LoadContent(load: model.status, retry: model.refresh) { status in
                Section {
                    Text("sync.pending \(Int(status.pending))")
                    if let last = status.lastSuccessMs {
                        Text("sync.last_success") + Text(Date(ms: last), style: .relative)
                    } else {
                        Text("sync.never")
                    }
                    if !status.canSync { Text("sync.login_first").foregroundStyle(.orange) }
                }
            }
            Section {
                if model.running {
                    if let p = model.progress {
                        Text("sync.progress \(Int(p.pushed)) \(Int(p.pulled))")
                    }
                    if model.offline { Text("sync.offline_retrying").foregroundStyle(.orange) }
                    Button("common.cancel") { Task { await model.cancel() } }
                } else {
                    Button("sync.now", systemImage: "arrow.triangle.2.circlepath") { Task { await model.syncNow() } }
                        .buttonStyle(.borderedProminent)
                }
                if let summary = model.summary {
                    Text("sync.done \(Int(summary.pushed)) \(Int(summary.pulled)) \(Int(summary.refused))")
                }
                if let error = model.error { ErrorText(error: error) }
            }
            if !model.refused.isEmpty {
                Section("sync.refused") {
                    ForEach(model.refused, id: \.seq) { item in
                        VStack(alignment: .leading) {
                            Text(verbatim: "\(item.entity) · \(item.code)").bold()
                            Text(verbatim: item.reason).font(.caption)
                        }
                    }
                }
            }
        }
        .navigationTitle("sync.title")
        .task { await model.refresh() }
    }
}

struct CoveragePage: View {
    let model: CoverageViewModel

    var body: some View {
        List {
            if let areas = model.areas.value {
                Picker("coverage.area", selection: Binding(get: { model.areaId ?? "" },
                                                           set: { id in Task { await model.selectArea(id) } })) {
                    ForEach(areas) { Text(verbatim: $0.label).tag($0.id) }
                }
            }
            if !model.posyandus.isEmpty {
                Picker("coverage.posyandu", selection: Binding(get: { model.posyanduId ?? "" },
                                                               set: { id in Task { await model.selectPosyandu(id) } })) {
                    Text("common.none").tag("")
                    ForEach(model.posyandus, id: \.id) { Text(verbatim: $0.name).tag($0.id) }
                }
            }
            HStack {
                Button("coverage.previous_month", systemImage: "chevron.left") { Task { await model.previousMonth() } }
                    .labelStyle(.iconOnly)
                Spacer()
                Text(verbatim: model.month).font(.headline)
                Spacer()
                Button("coverage.next_month", systemImage: "chevron.right") { Task { await model.nextMonth() } }
                    .labelStyle(.iconOnly)
            }
            .buttonStyle(.borderless)
            LoadContent(load: model.table, retry: model.refresh) { table in
                Section {
                    ForEach(model.rows, id: \.row.code) { display in
                        let row = display.row
                        VStack(alignment: .leading, spacing: 4) {
                            Text(verbatim: row.label).font(.subheadline)
                            HStack {
                                Button { model.open(row, counted: true) } label: {
                                    Text(verbatim: "\(row.numerator)/\(row.denominator)")
                                }
                                .buttonStyle(.bordered)
                                Text(verbatim: display.percentText).foregroundStyle(display.band.tone.color)
                                Spacer()
                                if !row.missingIds.isEmpty {
                                    Button { model.open(row, counted: false) } label: {
                                        Text("coverage.missing \(Int(row.missingIds.count))")
                                    }
                                    .buttonStyle(.bordered)
                                    .tint(.orange)
                                }
                            }
                            if let fraction = display.barFraction {
                                ProgressView(value: fraction).tint(display.band.tone.color)
                            }
                            Text(LocalizedStringKey(display.band.catalogKey))
                                .font(.caption)
                                .foregroundStyle(display.band.tone.color)
                        }
                    }
                } header: {
                    Text(verbatim: table.areaLabel)
                } footer: {
                    Text("coverage.targets \(Int(CoverageBand.onTargetPercent)) \(Int(CoverageBand.nearTargetPercent))")
                }
            }
        }
        .navigationTitle("coverage.title")
        .task { await model.load() }
    }
}

extension CoverageTone {
    /// Target bands in green/amber/red; problems, counts and empty rows neutral.
    var color: Color {
        switch self {
        case .good: .green
        case .warning: .orange
        case .urgent: .red
        case .neutral: .secondary
        }
    }
}

struct CoverageDrilldownPage: View {
    let model: CoverageDrilldownViewModel

    var body: some View {
        LoadContent(load: model.subjects, retry: model.load) { subjects in
            List(subjects, id: \.id) { subject in
                Button { model.open(subject) } label: {
                    VStack(alignment: .leading) {
                        Text(verbatim: [subject.name, subject.ageLabel].compactMap { $0 }.joined(separator: " · ")).font(.headline)
                        Text(verbatim: [subject.rtLabel, subject.address].compactMap { $0 }.joined(separator: " · ")).font(.caption)
                        if let kader = subject.kader { Text("coverage.kader \(kader)").font(.caption).foregroundStyle(.secondary) }
                    }
                }
            }
        }
        .navigationTitle(Text(verbatim: model.row?.label ?? ""))
        .task { await model.load() }
    }
}
