// Ids of records written through a repository. Screens further down the navigation stack listen so that
// they show an edit when the user comes back to them (the Android app's SharedFlow `changed`).
import Foundation

public final class ChangeFeed: @unchecked Sendable {
    private let lock = NSLock()
    private var listeners: [UUID: AsyncStream<String>.Continuation] = [:]

    public init() {}

    /// A stream of changed ids from now on; it ends when the listening task is cancelled.
    public func changes() -> AsyncStream<String> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(16))
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        lock.lock()
        listeners[id] = continuation
        lock.unlock()
        return stream
    }

    func emit(_ id: String) {
        lock.lock()
        let all = Array(listeners.values)
        lock.unlock()
        for c in all { c.yield(id) }
    }

    private func remove(_ id: UUID) {
        lock.lock()
        listeners[id] = nil
        lock.unlock()
    }
}
