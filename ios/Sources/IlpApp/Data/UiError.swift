// What went wrong, as a screen shows it: the core's one flat error (IlpError) turned into the few cases
// the screens treat differently (a field to mark, offline, not allowed, ...). The same cases as the
// Android app's UiError, so both apps react alike; the words live in the app's String Catalog.
import Foundation
import IlpCore

public enum UiError: Error, Equatable, Sendable {
    /// A field the user typed is wrong: the form marks `field` and shows `reason`.
    case invalid(field: String, reason: String)
    /// The NIK already belongs to someone else in the area.
    case duplicateNik(existingPersonId: String)
    /// No connection to the server: nothing is lost, the next sync carries it.
    case offline(reason: String)
    /// Wrong password or PIN, expired session, or outside the user's area.
    case notAllowed(reason: String)
    case notFound(what: String, id: String)
    /// The database key was refused (a different phone's file, or a damaged Keychain item).
    case keyRejected
    /// Another change got there first (or a sync was cancelled); reload and try again.
    case conflict(reason: String)
    /// The phone's storage failed (full disk, damaged file, database closed in the background).
    case storage(reason: String)
    /// The app is older than the database it found.
    case newerSchema(found: Int64, supported: Int64)
    /// Anything else (a bug): kept with its message so it can be reported.
    case unexpected(String)

    public static func from(_ error: Error) -> UiError {
        if let ui = error as? UiError { return ui }
        guard let core = error as? IlpError else { return .unexpected(String(describing: error)) }
        switch core {
        case let .Validation(field, reason): return .invalid(field: field, reason: reason)
        case let .DuplicateNik(existing): return .duplicateNik(existingPersonId: existing)
        case let .Network(reason): return .offline(reason: reason)
        case let .Auth(reason): return .notAllowed(reason: reason)
        case let .NotFound(what, id): return .notFound(what: what, id: id)
        case .KeyRejected: return .keyRejected
        case let .Conflict(reason): return .conflict(reason: reason)
        case let .Storage(reason): return .storage(reason: reason)
        case let .NewerSchema(found, supported): return .newerSchema(found: found, supported: supported)
        }
    }

    /// The String Catalog key of the error's headline ("error.offline").
    public var code: String {
        switch self {
        case .invalid: return "error.invalid"
        case .duplicateNik: return "error.duplicate_nik"
        case .offline: return "error.offline"
        case .notAllowed: return "error.not_allowed"
        case .notFound: return "error.not_found"
        case .keyRejected: return "error.key_rejected"
        case .conflict: return "error.conflict"
        case .storage: return "error.storage"
        case .newerSchema: return "error.newer_schema"
        case .unexpected: return "error.unexpected"
        }
    }

    /// The form field the error is about, as the core names it ("members[1].nik"), if any.
    public var field: String? {
        if case let .invalid(field, _) = self { return field }
        return nil
    }

    /// The core's reason (English, no health data), shown under the headline.
    public var detail: String? {
        switch self {
        case let .invalid(_, reason), let .offline(reason), let .notAllowed(reason), let .conflict(reason),
             let .storage(reason):
            return reason
        case let .notFound(what, _): return what
        case let .unexpected(message): return message
        case .duplicateNik, .keyRejected, .newerSchema: return nil
        }
    }

    /// The catalog key of a field's label: the core names fields as in its forms
    /// ("measurement.weight_kg", "members[0].birth_date"); users read "Berat badan".
    public static func fieldKey(_ field: String) -> String {
        var last = field.split(separator: ".").last.map(String.init) ?? field
        if let bracket = last.firstIndex(of: "[") { last = String(last[..<bracket]) }
        return "field." + last
    }
}

/// A screen's data as it loads.
public enum Load<Value> {
    case loading
    case ready(Value)
    case failed(UiError)

    public var value: Value? {
        if case let .ready(v) = self { return v }
        return nil
    }

    public var error: UiError? {
        if case let .failed(e) = self { return e }
        return nil
    }

    public var isLoading: Bool {
        if case .loading = self { return true }
        return false
    }

    public func map<T>(_ transform: (Value) -> T) -> Load<T> {
        switch self {
        case .loading: return .loading
        case let .ready(v): return .ready(transform(v))
        case let .failed(e): return .failed(e)
        }
    }
}

extension Load: Equatable where Value: Equatable {}
extension Load: Sendable where Value: Sendable {}

/// Runs `work` and turns its outcome into a Load.
@MainActor
func loadResult<T>(_ work: @MainActor () async throws -> T) async -> Load<T> {
    do {
        return .ready(try await work())
    } catch {
        return .failed(UiError.from(error))
    }
}
