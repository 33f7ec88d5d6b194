// What the household forms hold while the user types: plain strings, turned into the core's forms only
// on save. Checking them is the core's job; a field error it returns is mapped back to the field (or the
// member row) that caused it.
import Foundation
import IlpCore

public struct HouseholdDraft: Equatable, Sendable {
    public var rtId: String
    public var address = ""
    public var kkNumber = ""
    /// A code of `jknCodes()`.
    public var jkn = "unknown"
    public var cleanWater: Bool?
    public var healthyLatrine: Bool?
    public var notes = ""
    // The GPS point is not edited on these screens; it is carried so that an edit keeps it.
    public var latitude: Double?
    public var longitude: Double?

    public init(rtId: String) { self.rtId = rtId }

    public init(_ h: HouseholdScreen) {
        rtId = h.rtId
        address = h.address ?? ""
        kkNumber = h.kkNumber ?? ""
        jkn = h.jkn
        cleanWater = h.cleanWater
        healthyLatrine = h.healthyLatrine
        notes = h.notes ?? ""
        latitude = h.latitude
        longitude = h.longitude
    }

    public func toForm() -> HouseholdForm {
        HouseholdForm(rtId: rtId, kkNumber: kkNumber.trimmed.nilIfEmpty, address: address.trimmed.nilIfEmpty,
                      latitude: latitude, longitude: longitude, jkn: jkn, cleanWater: cleanWater,
                      healthyLatrine: healthyLatrine, notes: notes.trimmed.nilIfEmpty)
    }
}

public struct MemberDraft: Equatable, Sendable, Identifiable {
    /// Stable across edits and removals, so rows keep their state in a list.
    public let key: Int
    public var name = ""
    public var nik = ""
    public var sex: SexCode?
    /// As typed: DD-MM-YYYY (how kaders write dates) or YYYY-MM-DD.
    public var birthDate = ""
    /// When the birth date is unknown: age in years, the core estimates the date.
    public var ageYears = ""
    /// A code of `relationCodes()`.
    public var relation: String?
    public var phone = ""
    /// The mother is another row of the same registration (its index), e.g. a baby with its mother.
    public var motherIndex: Int?

    public var id: Int { key }

    public init(key: Int, relation: String? = nil) {
        self.key = key
        self.relation = relation
    }

    public func toForm() -> PersonForm {
        PersonForm(name: name.trimmed.nilIfEmpty, sex: sex, birthDate: MemberDraft.isoDate(birthDate),
                   birthDateEstimated: false, ageYears: UInt32(ageYears.trimmed), ageMonths: nil,
                   nik: nik.filter { !$0.isWhitespace }.nilIfEmpty, phone: phone.trimmed.nilIfEmpty,
                   relation: relation, motherMemberIndex: motherIndex.map { UInt32($0) }, motherId: nil,
                   description: nil)
    }

    /// Day-first dates become YYYY-MM-DD; anything else goes to the core as typed, which refuses it
    /// naming the field.
    public static func isoDate(_ typed: String) -> String? {
        let t = typed.trimmed
        if t.isEmpty { return nil }
        let parts = t.split(whereSeparator: { "-/.".contains($0) }).map(String.init)
        guard parts.count == 3, parts[2].count == 4, parts[0].count <= 2, parts[1].count <= 2,
              parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) else { return t }
        func pad(_ s: String) -> String { s.count == 1 ? "0" + s : s }
        return "\(parts[2])-\(pad(parts[1]))-\(pad(parts[0]))"
    }
}

/// Where the core's field error points: a member row's field, or a household field.
public struct FieldRef: Equatable, Sendable {
    public let member: Int?
    public let field: String
}

public func fieldOf(_ error: UiError?) -> FieldRef? {
    guard let field = error?.field else { return nil }
    // "members[2].birth_date"
    if field.hasPrefix("members["), let close = field.firstIndex(of: "]"),
       let index = Int(field[field.index(field.startIndex, offsetBy: 8)..<close]) {
        let rest = field[field.index(after: close)...]
        return FieldRef(member: index, field: rest.hasPrefix(".") ? String(rest.dropFirst()) : String(rest))
    }
    return FieldRef(member: nil, field: field)
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
