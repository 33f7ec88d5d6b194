// Each user's SQLCipher key: 32 random bytes made once on this phone with SecRandomCopyBytes and kept in
// the Keychain, readable after the first unlock (background sync runs while the phone is locked) and never
// leaving this device (not in backups, not in iCloud Keychain): a copied database file is useless elsewhere.
import Foundation
import IlpApp
import Security

struct KeychainDatabaseKeys: DatabaseKeys {
    enum KeyError: Error {
        case random(OSStatus)
        case keychain(OSStatus)
    }

    private static let service = "id.posyandu.ilp.database-key"

    func key(for username: String) throws -> Data {
        if let existing = try read(username) { return existing }
        var bytes = Data(count: 32)
        let status = bytes.withUnsafeMutableBytes { SecRandomCopyBytes(kSecRandomDefault, 32, $0.baseAddress!) }
        guard status == errSecSuccess else { throw KeyError.random(status) }
        let add: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: Self.service,
            kSecAttrAccount as String: username,
            kSecAttrAccessible as String: kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
            kSecValueData as String: bytes,
        ]
        let added = SecItemAdd(add as CFDictionary, nil)
        if added == errSecDuplicateItem, let raced = try read(username) { return raced }
        guard added == errSecSuccess else { throw KeyError.keychain(added) }
        return bytes
    }

    private func read(_ username: String) throws -> Data? {
        let query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: Self.service,
            kSecAttrAccount as String: username,
            kSecReturnData as String: true,
            kSecMatchLimit as String: kSecMatchLimitOne,
        ]
        var out: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &out)
        if status == errSecItemNotFound { return nil }
        guard status == errSecSuccess, let data = out as? Data, data.count == 32 else { throw KeyError.keychain(status) }
        return data
    }
}
