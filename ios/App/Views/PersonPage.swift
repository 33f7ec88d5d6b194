import Charts
import IlpApp
import IlpCore
import SwiftUI

struct PersonPage: View {
    let model: PersonViewModel

    var body: some View {
        LoadContent(load: model.view, retry: model.refresh) { view in
            List {
                Section {
                    Text(verbatim: view.subject.name).font(.title2)
                    Text(verbatim: [view.subject.ageLabel, view.subject.rtLabel, view.subject.address]
                        .compactMap { $0 }.joined(separator: " · ")).foregroundStyle(.secondary)
                    if let nik = view.card?.nikMasked { Text("person.nik \(nik)") }
                    if view.subject.householdId != nil { Button("person.open_household") { model.openHousehold() } }
                    Button("person.visit", systemImage: "stethoscope") { model.visit() }.buttonStyle(.borderedProminent)
                }
                if !view.growthIndicators.isEmpty {
                    Section("person.growth") {
                        Picker("person.indicator", selection: Binding(get: { model.chartIndicator ?? "" },
                                                                      set: { i in Task { await model.selectChart(i) } })) {
                            ForEach(view.growthIndicators, id: \.self) { Text(LocalizedStringKey("indicator." + $0)).tag($0) }
                        }
                        .pickerStyle(.segmented)
                        if let chart = model.chart {
                            LoadContent(load: chart, retry: model.refresh) { GrowthChartView(chart: $0) }
                                .frame(height: 280)
                        }
                    }
                }
                if !view.immunizations.isEmpty {
                    Section("person.immunizations") {
                        ForEach(view.immunizations, id: \.key) { DueItemRow(item: $0) }
                    }
                }
                Section("person.pregnancy") {
                    if let pregnancy = view.card?.pregnancy {
                        if let weeks = pregnancy.gestationalWeeks { Text("member.pregnant \(Int(weeks))") }
                        if let edd = pregnancy.edd { Text("person.edd \(edd)") }
                        ForEach(view.maternalContacts, id: \.key) { DueItemRow(item: $0) }
                    } else if view.card?.sex == .female {
                        FormField(label: "person.hpht", value: model.hpht, set: model.onHpht, error: model.pregnancyError)
                        Button("person.register_pregnancy") { Task { await model.registerPregnancy() } }
                            .disabled(model.pregnancySaving)
                    }
                }
                Section("person.history") {
                    ForEach(view.history, id: \.eventId) { entry in
                        VStack(alignment: .leading) {
                            Text(verbatim: entry.summary)
                            Text(Date(ms: entry.occurredAtMs), style: .date).font(.caption).foregroundStyle(.secondary)
                        }
                    }
                }
            }
        }
        .navigationTitle("person.title")
        .task { await model.refresh() }
    }
}

struct DueItemRow: View {
    let item: DueItemView

    var body: some View {
        HStack {
            Text(verbatim: item.label)
            Spacer()
            Text(verbatim: item.doneOn ?? item.statusLabel)
                .foregroundStyle(item.status == "overdue" ? Color.red : Color.secondary)
        }
        .font(.subheadline)
    }
}

/// The WHO reference lines from -3 to +3 SD and the child's measurements, as the core computed them.
struct GrowthChartView: View {
    let chart: GrowthChart
    private static let sdNames = ["-3", "-2", "-1", "0", "+1", "+2", "+3"]
    private static let sdColors: [Color] = [.black, .red, .orange, .green, .orange, .red, .black]

    var body: some View {
        Chart {
            ForEach(0..<7, id: \.self) { sd in
                ForEach(chart.curves, id: \.x) { point in
                    LineMark(x: .value("x", point.x), y: .value("value", point.sd[sd]))
                        .foregroundStyle(by: .value("SD", Self.sdNames[sd]))
                        .lineStyle(StrokeStyle(lineWidth: sd == 3 ? 2 : 1))
                }
            }
            ForEach(chart.points, id: \.date) { point in
                PointMark(x: .value("x", point.x), y: .value("value", point.value))
                    .foregroundStyle(point.flagged ? Color.purple : Color.blue)
                    .annotation(position: .top) {
                        if let code = point.kmsCode { Text(verbatim: code).font(.caption2) }
                    }
            }
        }
        .chartForegroundStyleScale(domain: Self.sdNames, range: Self.sdColors)
        .chartXAxisLabel { chart.xUnit == "cm" ? Text("chart.cm") : Text("chart.days") }
        .accessibilityLabel(Text(verbatim: chart.label))
    }
}
