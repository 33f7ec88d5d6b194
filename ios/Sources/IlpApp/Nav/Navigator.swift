// The back stack. Each entry owns its screen's view model, made when the entry is pushed and closed when
// it is popped, so a screen's pending work stops when it is left.
import Observation

/// A view model with work to stop when its screen leaves the stack (a debounced search, a preview).
@MainActor
public protocol ScreenModel: AnyObject {
    func close()
}

public struct NavEntry: Identifiable, Hashable {
    public let id: Int
    public let route: Route
    public let viewModel: AnyObject?

    public static func == (a: NavEntry, b: NavEntry) -> Bool { a.id == b.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

@MainActor
@Observable
public final class Navigator {
    public private(set) var stack: [NavEntry] = []
    @ObservationIgnored var viewModelFor: (Route) -> AnyObject? = { _ in nil }
    @ObservationIgnored private var nextId = 0

    public init() {}

    public var current: NavEntry? { stack.last }

    /// The entries above the root, as NavigationStack's path: setting it (the back swipe) pops.
    public var path: [NavEntry] {
        get { Array(stack.dropFirst()) }
        set {
            let keep = newValue.count + 1
            while stack.count > keep { _ = pop() }
        }
    }

    /// Opens `route` on top of the current screen.
    public func push(_ route: Route) {
        stack.append(entry(route))
    }

    /// Back: false when already at the root.
    @discardableResult
    public func pop() -> Bool {
        guard stack.count > 1 else { return false }
        let gone = stack.removeLast()
        (gone.viewModel as? ScreenModel)?.close()
        return true
    }

    /// Starts afresh at `route` (a tab, or the login screen after logout).
    public func reset(_ route: Route) {
        let gone = stack
        stack = [entry(route)]
        gone.forEach { ($0.viewModel as? ScreenModel)?.close() }
    }

    /// Replaces the current screen (after saving a form, show what was saved).
    public func replace(_ route: Route) {
        if let gone = stack.popLast() { (gone.viewModel as? ScreenModel)?.close() }
        stack.append(entry(route))
    }

    private func entry(_ route: Route) -> NavEntry {
        nextId += 1
        return NavEntry(id: nextId, route: route, viewModel: viewModelFor(route))
    }
}
