// The sync screen: what waits to be sent, what the server refused (with its reason), when the last sync
// succeeded, and a sync now with its progress as the core reports it from its own threads.
import Foundation
import IlpCore
import Observation

@MainActor
@Observable
public final class SyncViewModel {
    public private(set) var status: Load<SyncStatusView> = .loading
    /// The running (or last) sync's progress; nil before the first sync on this screen.
    public private(set) var progress: SyncProgressView?
    public private(set) var running = false
    public private(set) var summary: SyncSummary?
    public private(set) var error: UiError?

    @ObservationIgnored private let repository: SyncRepository
    @ObservationIgnored private var applied = 0

    public init(repository: SyncRepository) {
        self.repository = repository
    }

    /// The server cannot be reached: the core is waiting to retry, or gave up on the network.
    public var offline: Bool {
        if case .offline? = error { return true }
        if case .retrying? = progress?.phase, running { return true }
        return false
    }

    /// Changes the server refused (ids, code and reason; never health data).
    public var refused: [RefusedChange] { status.value?.refused ?? [] }

    public func refresh() async {
        status = await loadResult { try await repository.status() }
    }

    public func syncNow() async {
        guard !running else { return }
        running = true
        error = nil
        summary = nil
        let relay = ProgressRelay(self)
        do {
            summary = try await repository.syncNow(listener: relay)
        } catch {
            self.error = UiError.from(error)
        }
        running = false
        await refresh()
    }

    public func cancel() async {
        await repository.cancel()
    }

    /// Progress arrives from the core's threads in order; hops to the main actor may not, so a stale one
    /// is dropped by its sequence number.
    fileprivate func apply(_ p: SyncProgressView, seq: Int) {
        guard seq > applied else { return }
        applied = seq
        progress = p
    }
}

/// The listener the core calls from its threads.
private final class ProgressRelay: SyncListener, @unchecked Sendable {
    private weak var model: SyncViewModel?
    private let lock = NSLock()
    private var seq = 0

    @MainActor init(_ model: SyncViewModel) { self.model = model }

    func onProgress(progress: SyncProgressView) {
        lock.lock()
        seq += 1
        let n = seq
        lock.unlock()
        Task { @MainActor [weak self] in self?.model?.apply(progress, seq: n) }
    }
}
