// The users who have logged in on this phone (a shared phone holds one database per user) and the
// phone's device id. Kept in the app's private directory in the same format as the Android app, written
// atomically: a crash while saving leaves the previous list, never half of one.
import Foundation

/// A user with a database on this phone.
public struct Account: Equatable, Hashable, Sendable, Identifiable {
    public let username: String
    public let displayName: String
    /// kader, bidan, supervisor or admin.
    public let role: String
    /// File name of the user's database inside the accounts directory.
    public let dbFile: String
    public let lastUsedMs: Int64

    public var id: String { username }

    public init(username: String, displayName: String, role: String, dbFile: String, lastUsedMs: Int64) {
        self.username = username
        self.displayName = displayName
        self.role = role
        self.dbFile = dbFile
        self.lastUsedMs = lastUsedMs
    }
}

public final class AccountDirectory: @unchecked Sendable {
    public let dir: URL
    private let newId: @Sendable () -> String
    private let lock = NSLock()
    private var listFile: URL { dir.appendingPathComponent("accounts.tsv") }
    private var deviceFile: URL { dir.appendingPathComponent("device-id") }

    public init(dir: URL, newId: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }) throws {
        self.dir = dir
        self.newId = newId
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    /// The phone's id, made once and kept (the server registers devices per user with it).
    public func deviceId() throws -> String {
        try locked {
            if let text = try? String(contentsOf: deviceFile, encoding: .utf8) {
                let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !id.isEmpty { return id }
            }
            let id = newId()
            try writeAtomically(deviceFile, id)
            return id
        }
    }

    /// Accounts, the most recently used first.
    public func list() -> [Account] {
        locked { unlockedList() }
    }

    public func find(_ username: String) -> Account? {
        list().first { $0.username == username }
    }

    /// The database file of `username`: the one remembered, or where a new one goes.
    public func databaseFor(_ username: String) -> URL {
        dir.appendingPathComponent(find(username)?.dbFile ?? "user-\(Self.safeName(username)).db")
    }

    public func remember(_ account: Account) throws {
        try locked {
            let rest = unlockedList().filter { $0.username != account.username }
            let lines = ([account] + rest).map { a in
                [a.username, clean(a.displayName), a.role, a.dbFile, String(a.lastUsedMs)].joined(separator: "\t")
            }
            try writeAtomically(listFile, lines.joined(separator: "\n") + "\n")
        }
    }

    /// Usernames are letters, digits, dots, dashes and underscores; anything else is hex-escaped, so a
    /// name can never climb out of the directory.
    public static func safeName(_ username: String) -> String {
        var out = ""
        for scalar in username.unicodeScalars {
            let c = Character(scalar)
            if (scalar.isASCII && (c.isLetter || c.isNumber)) || c == "." || c == "-" || c == "_" {
                out.append(c)
            } else {
                out += "%" + String(scalar.value, radix: 16)
            }
        }
        return out
    }

    private func unlockedList() -> [Account] {
        guard let text = try? String(contentsOf: listFile, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 5 else { return nil }
            return Account(username: f[0], displayName: f[1], role: f[2], dbFile: f[3], lastUsedMs: Int64(f[4]) ?? 0)
        }.sorted { $0.lastUsedMs > $1.lastUsedMs }
    }

    private func clean(_ s: String) -> String {
        s.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    private func writeAtomically(_ target: URL, _ text: String) throws {
        // Data.write(.atomic) writes a temporary file and renames it over the target.
        try Data(text.utf8).write(to: target, options: .atomic)
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
