// Every place in the app, with what it needs to open: the same routes as the Android app. A route is
// plain data, so tests can assert where a tap led.
public enum Route: Hashable, Sendable {
    /// First screen: accounts on the phone, online or PIN login.
    case login
    /// Asked once after the first online login: the PIN for offline logins.
    case setPin
    /// Today's worklist grouped by RT.
    case today
    /// Households of an RT (the user's first RT when nil) and spelling-tolerant search.
    case households(rtId: String?)
    /// Register a household with its members, in an RT.
    case registerHousehold(rtId: String?)
    /// Edit a household's address, KK, JKN, water and latrine.
    case editHousehold(householdId: String)
    /// Members with their due items, family health index, JKN.
    case household(householdId: String)
    /// Profile, growth chart, immunization card, pregnancy, history.
    case person(personId: String)
    /// A visit for one person; the form follows the core's visit plan (life stage, fields, questions).
    case visit(personId: String, posyanduId: String?)
    /// The Posyandu day: expected list, weighing queue, walk-ins, end of session.
    case posyanduSession(posyanduId: String?, date: String?)
    /// Sync status, pending and refused items, sync now.
    case sync
    /// Supervisor: coverage by RT/RW for a month.
    case coverage(areaId: String?, month: String?)
    /// The persons or households behind one coverage number (counted, or missing it).
    case coverageDrilldown(areaId: String?, posyanduId: String?, month: String, indicatorCode: String, counted: Bool)

    /// The top-level tabs get no back arrow.
    public var isTab: Bool {
        switch self {
        case .today, .sync: return true
        case let .households(rtId): return rtId == nil
        case let .posyanduSession(p, d): return p == nil && d == nil
        case let .coverage(a, m): return a == nil && m == nil
        default: return false
        }
    }
}
