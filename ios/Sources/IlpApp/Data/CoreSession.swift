// The one door to the core: holds the signed-in user's IlpCore and runs every call on its own queue,
// never on the main actor (a worklist read or a search index build would freeze the screen).
// Repositories call the core only through `call`.
import Dispatch
import Foundation
import IlpCore

public final class CoreSession: @unchecked Sendable {
    // Guards `core`, `user`, `closed` and `lastCallOnMain`; never held while the core works.
    private let lock = NSLock()
    private var core: IlpCore?
    private var user: UserInfo?
    private var closed = false
    private var lastCallOnMain = false
    /// Concurrent: the core is thread-safe and reads run side by side (WAL snapshots).
    private let queue = DispatchQueue(label: "id.posyandu.ilp.core", qos: .userInitiated, attributes: .concurrent)

    public init() {}

    /// Who is signed in (nil on the login screen); read without a core call.
    public var currentUser: UserInfo? { locked { user } }

    public var isSignedIn: Bool { locked { core != nil } }

    /// False while the app is in the background (the database is closed then).
    public var isDatabaseOpen: Bool { locked { core != nil && !closed } }

    /// Whether the last core call ran on the main thread (the tests check it never does).
    public var lastCallWasOnMainThread: Bool { locked { lastCallOnMain } }

    /// Runs `block` with the signed-in core off the main actor.
    public func call<T: Sendable>(_ block: @escaping @Sendable (IlpCore) throws -> T) async throws -> T {
        try await run { [self] in
            guard let core = locked({ self.core }) else { throw UiError.notAllowed(reason: "nobody is signed in") }
            return try block(core)
        }
    }

    /// Same for the core's async calls (sync, logout): they run on the core's own runtime.
    public func callAsync<T: Sendable>(_ block: @Sendable (IlpCore) async throws -> T) async throws -> T {
        guard let core = locked({ core }) else { throw UiError.notAllowed(reason: "nobody is signed in") }
        return try await block(core)
    }

    /// Runs work that needs no signed-in core (opening one, reading the account list) off the main actor.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [self] in
                let onMain = Thread.isMainThread
                locked { lastCallOnMain = onMain }
                continuation.resume(with: Result { try work() })
            }
        }
    }

    func signIn(_ newCore: IlpCore, user newUser: UserInfo) {
        let previous: IlpCore? = locked {
            let old = core
            core = newCore
            user = newUser
            closed = false
            return old
        }
        if let previous, previous !== newCore { try? previous.closeDatabase() }
    }

    func signOut() {
        let previous: IlpCore? = locked {
            let old = core
            core = nil
            user = nil
            closed = false
            return old
        }
        try? previous?.closeDatabase()
    }

    /// Closes the database, keeping the signed-in user (the app went to the background).
    /// Returns false when there was nothing open to close.
    func closeDatabase() async throws -> Bool {
        guard let core = locked({ closed ? nil : self.core }) else { return false }
        core.cancelSync()
        try await run { try core.closeDatabase() }
        locked { closed = true }
        return true
    }

    /// Reopens after `closeDatabase` (back in the foreground, or a background sync).
    func reopenDatabase() async throws -> Bool {
        guard let core = locked({ closed ? self.core : nil }) else { return false }
        try await run { try core.reopenDatabase() }
        locked { closed = false }
        return true
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
