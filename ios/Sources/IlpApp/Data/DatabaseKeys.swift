// Where each user's database key comes from. On iOS the key is made once per user on the phone and kept
// in the Keychain (App/KeychainDatabaseKeys.swift); tests pass fixed keys.
import Foundation

/// The raw 32-byte SQLCipher key of a user's database on this phone, made on first use.
public protocol DatabaseKeys: Sendable {
    func key(for username: String) throws -> Data
}
