// The app's entry: builds the object graph once, shows the navigator's stack, and ties the scene's phases
// to the database lifecycle (closed in the background, reopened on return) and to background sync.
import IlpApp
import SwiftUI

@main
struct IlpFieldApp: App {
    @Environment(\.scenePhase) private var scenePhase
    @State private var graph: AppGraph

    init() {
        let support = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        let platform = Platform(
            accountsDir: support.appendingPathComponent("accounts", isDirectory: true),
            keys: KeychainDatabaseKeys(),
            serverUrl: { ServerSettings.url },
            deviceName: UIDevice.current.name)
        // Without its private directory the app cannot keep any record: stopping here is the honest outcome.
        let graph = try! AppGraph(platform: platform)
        _graph = State(initialValue: graph)
        BackgroundSync.register(lifecycle: graph.lifecycle)
    }

    var body: some Scene {
        WindowGroup {
            RootView(graph: graph)
        }
        .onChange(of: scenePhase) { _, phase in
            switch phase {
            case .background:
                BackgroundSync.schedule()
                Task { await graph.lifecycle.didEnterBackground() }
            case .active:
                Task { await graph.lifecycle.willEnterForeground() }
            default:
                break
            }
        }
    }
}

/// The sync server's address: from the app's settings (Settings.bundle / MDM key), else the Info.plist
/// default the build sets.
enum ServerSettings {
    static var url: String {
        UserDefaults.standard.string(forKey: "server_url")
            ?? Bundle.main.object(forInfoDictionaryKey: "IlpServerURL") as? String
            ?? "https://ilp.example.invalid"
    }
}
