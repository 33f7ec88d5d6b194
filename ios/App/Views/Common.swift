// Small pieces every screen uses: a Load shown as spinner / content / error, the error text from the
// String Catalog, and a field's error under it. No logic: what to show is the view model's.
import IlpApp
import SwiftUI

struct LoadContent<Value, Content: View>: View {
    let load: Load<Value>
    let retry: @MainActor () async -> Void
    @ViewBuilder let content: (Value) -> Content

    var body: some View {
        switch load {
        case .loading:
            ProgressView("common.loading")
                .frame(maxWidth: .infinity, maxHeight: .infinity)
        case let .ready(value):
            content(value)
        case let .failed(error):
            VStack(spacing: 12) {
                ErrorText(error: error)
                Button("common.retry") { Task { await retry() } }
                    .buttonStyle(.borderedProminent)
            }
            .padding()
            .frame(maxWidth: .infinity, maxHeight: .infinity)
        }
    }
}

/// The error's headline (catalog key per case) and, for a field error, the field's label.
struct ErrorText: View {
    let error: UiError

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            if let field = error.field {
                Text(LocalizedStringKey(UiError.fieldKey(field))).bold() + Text(": ") + Text(LocalizedStringKey(error.code))
            } else {
                Text(LocalizedStringKey(error.code)).bold()
            }
            if let detail = error.detail {
                Text(verbatim: detail).font(.footnote).foregroundStyle(.secondary)
            }
        }
        .foregroundStyle(.red)
        .accessibilityElement(children: .combine)
    }
}

/// A text field bound to a view model's value through its setter.
struct FormField: View {
    let label: LocalizedStringKey
    let value: String
    let set: (String) -> Void
    var keyboard: UIKeyboardType = .default
    var error: UiError?

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            TextField(label, text: Binding(get: { value }, set: set))
                .keyboardType(keyboard)
            if let error { ErrorText(error: error) }
        }
    }
}

/// The screen a navigation entry shows, with its view model.
struct ScreenView: View {
    let entry: NavEntry
    let graph: AppGraph

    var body: some View {
        switch entry.route {
        case .login: LoginPage(model: entry.viewModel as! LoginViewModel)
        case .setPin: SetPinPage(model: entry.viewModel as! SetPinViewModel)
        case .today: TodayPage(model: entry.viewModel as! TodayViewModel)
        case .households: HouseholdsPage(model: entry.viewModel as! HouseholdsViewModel)
        case .registerHousehold: RegisterHouseholdPage(model: entry.viewModel as! RegisterHouseholdViewModel)
        case .editHousehold: EditHouseholdPage(model: entry.viewModel as! EditHouseholdViewModel)
        case .household: HouseholdPage(model: entry.viewModel as! HouseholdViewModel)
        case .person: PersonPage(model: entry.viewModel as! PersonViewModel)
        case .visit: VisitPage(model: entry.viewModel as! VisitViewModel)
        case .posyanduSession: PosyanduSessionPage(model: entry.viewModel as! PosyanduSessionViewModel)
        case .sync: SyncPage(model: entry.viewModel as! SyncViewModel)
        case .coverage: CoveragePage(model: entry.viewModel as! CoverageViewModel)
        case .coverageDrilldown: CoverageDrilldownPage(model: entry.viewModel as! CoverageDrilldownViewModel)
        }
    }
}

/// The navigator's stack as a NavigationStack; the tabs of the signed-in user's role at the root.
struct RootView: View {
    let graph: AppGraph

    var body: some View {
        @Bindable var navigator = graph.navigator
        NavigationStack(path: $navigator.path) {
            if let root = navigator.stack.first {
                ScreenView(entry: root, graph: graph)
                    .toolbar {
                        if root.route.isTab, let role = graph.session.currentUser?.role {
                            ToolbarItemGroup(placement: .bottomBar) {
                                ForEach(AppGraph.tabs(role: role), id: \.self) { tab in
                                    Button { navigator.reset(tab) } label: { TabLabel(route: tab) }
                                }
                            }
                        }
                    }
                    .navigationDestination(for: NavEntry.self) { entry in
                        ScreenView(entry: entry, graph: graph)
                    }
            }
        }
    }
}

struct TabLabel: View {
    let route: Route

    var body: some View {
        switch route {
        case .today: Label("tab.today", systemImage: "checklist")
        case .households: Label("tab.households", systemImage: "house")
        case .posyanduSession: Label("tab.posyandu", systemImage: "scalemass")
        case .coverage: Label("tab.coverage", systemImage: "chart.bar")
        default: Label("tab.sync", systemImage: "arrow.triangle.2.circlepath")
        }
    }
}

extension Date {
    init(ms: Int64) { self.init(timeIntervalSince1970: Double(ms) / 1000) }
}
