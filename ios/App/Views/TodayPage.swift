import IlpApp
import IlpCore
import SwiftUI

struct TodayPage: View {
    let model: TodayViewModel

    var body: some View {
        LoadContent(load: model.worklist, retry: model.refresh) { list in
            List {
                Section {
                    Text("today.summary \(Int(list.itemCount)) \(Int(list.householdCount))")
                        .font(.subheadline)
                }
                ForEach(list.groups, id: \.rtLabel) { group in
                    Section(group.rtLabel) {
                        ForEach(Array(group.stops.enumerated()), id: \.offset) { _, stop in
                            Button { model.open(stop) } label: { StopRow(stop: stop) }
                        }
                    }
                }
            }
            .refreshable { await model.refresh() }
        }
        .navigationTitle("today.title")
        .toolbar {
            Menu {
                Button("today.switch_user") { Task { await model.switchUser() } }
                Button("today.logout", role: .destructive) { Task { await model.logout() } }
            } label: {
                Label(model.user?.displayName ?? "", systemImage: "person.crop.circle")
            }
        }
        .task { await model.refresh() }
    }
}

struct StopRow: View {
    let stop: WorklistStop

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(verbatim: stop.headName ?? stop.entries.first?.personName ?? "").font(.headline)
            if let address = stop.address { Text(verbatim: address).font(.caption).foregroundStyle(.secondary) }
            if let missed = stop.missedPosyanduOn {
                Text("today.missed_posyandu \(missed)").font(.caption).foregroundStyle(.orange)
            }
            ForEach(stop.entries, id: \.item.key) { entry in
                HStack {
                    Text(verbatim: "\(entry.personName) · \(entry.item.label)")
                    Spacer()
                    Text(verbatim: entry.priorityLabel)
                        .font(.caption)
                        .foregroundStyle(entry.priority.hasPrefix("overdue") || entry.priority == "follow_up" ? Color.red : Color.secondary)
                }
                .font(.subheadline)
            }
        }
    }
}
