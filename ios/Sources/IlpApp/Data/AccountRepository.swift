// Logging in and out on a shared phone: the first login of a user is online (it creates the user's own
// encrypted database), later ones are offline with the PIN set after it; switching user closes one
// database and opens another; logging out keeps every unsynced record.
import Foundation
import IlpCore

public final class AccountRepository: Sendable {
    private let session: CoreSession
    private let accounts: AccountDirectory
    private let keys: DatabaseKeys
    private let serverUrl: @Sendable () -> String
    private let utcOffsetMinutes: @Sendable () -> Int32
    private let clockMs: @Sendable () -> Int64
    private let deviceName: String?

    public init(session: CoreSession, accounts: AccountDirectory, keys: DatabaseKeys,
                serverUrl: @escaping @Sendable () -> String,
                utcOffsetMinutes: @escaping @Sendable () -> Int32,
                clockMs: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
                deviceName: String? = nil) {
        self.session = session
        self.accounts = accounts
        self.keys = keys
        self.serverUrl = serverUrl
        self.utcOffsetMinutes = utcOffsetMinutes
        self.clockMs = clockMs
        self.deviceName = deviceName
    }

    /// Users with a database on this phone, the most recent first.
    public func list() async throws -> [Account] {
        try await session.run { [accounts] in accounts.list() }
    }

    private func config(_ username: String) throws -> OpenConfig {
        OpenConfig(dbPath: accounts.databaseFor(username).path, key: try keys.key(for: username),
                   deviceId: try accounts.deviceId(), username: username, utcOffsetMinutes: utcOffsetMinutes())
    }

    /// First login of a user on this phone (or after logout): needs the server.
    @discardableResult
    public func loginOnline(username: String, password: String) async throws -> UserInfo {
        let name = username.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { throw UiError.invalid(field: "username", reason: "must not be empty") }
        if password.isEmpty { throw UiError.invalid(field: "password", reason: "must not be empty") }
        let config = try await session.run { try self.config(name) }
        let core = try await loginOnlineCore(config: config, serverUrl: serverUrl(), secret: password, deviceName: deviceName)
        return try await session.run { try self.signedIn(core) }
    }

    /// A later login without network: the PIN set after the first online login.
    @discardableResult
    public func loginOffline(username: String, pin: String) async throws -> UserInfo {
        if pin.trimmingCharacters(in: .whitespaces).isEmpty { throw UiError.invalid(field: "pin", reason: "must not be empty") }
        return try await session.run {
            guard self.accounts.find(username) != nil else { throw UiError.notFound(what: "account", id: username) }
            let core = try IlpCore.open(config: try self.config(username))
            do {
                try core.verifyOfflinePin(pin: pin)
            } catch {
                try? core.closeDatabase()
                throw error
            }
            return try self.signedIn(core)
        }
    }

    private func signedIn(_ core: IlpCore) throws -> UserInfo {
        let user = core.currentUser()
        try accounts.remember(Account(username: user.username, displayName: user.displayName, role: user.role,
                                      dbFile: accounts.databaseFor(user.username).lastPathComponent, lastUsedMs: clockMs()))
        session.signIn(core, user: user)
        // The spelling-tolerant search index is built here, off the main actor, once per opening.
        try core.prepareSearch()
        return user
    }

    /// Whether the signed-in user has a PIN for offline logins yet.
    public func hasOfflinePin() async throws -> Bool {
        try await session.call { try $0.syncStatus().hasOfflinePin }
    }

    public func setOfflinePin(_ pin: String) async throws {
        try await session.call { try $0.setOfflinePin(pin: pin) }
    }

    /// Back to the login screen; the database closes, nothing is removed.
    public func switchUser() async {
        _ = try? await session.run { [session] in session.signOut() }
    }

    /// Ends the session (the server revokes the token when reachable); unsynced records stay.
    public func logout() async throws {
        defer { session.signOut() }
        try await session.callAsync { try await $0.logout() }
    }
}

// The generated free function shares its name with the repository's method.
private func loginOnlineCore(config: OpenConfig, serverUrl: String, secret: String, deviceName: String?) async throws -> IlpCore {
    try await loginOnline(config: config, serverUrl: serverUrl, secret: secret, deviceName: deviceName)
}
