// The app's object graph, made once per process: the core session, the repositories (the only code calling
// the core), the navigator and which view model each screen gets, and the lifecycle that closes the
// database in the background. The iOS app builds it in IlpFieldApp; the tests build it over a temporary
// directory.
import Foundation
import IlpCore

/// What the platform provides: where files go, the keys, the server, the clock.
public struct Platform: Sendable {
    /// The app's private directory for the users' databases.
    public var accountsDir: URL
    public var keys: DatabaseKeys
    public var serverUrl: @Sendable () -> String
    /// The phone's UTC offset now, in minutes (WITA 480).
    public var utcOffsetMinutes: @Sendable () -> Int32
    public var clockMs: @Sendable () -> Int64
    /// Shown to the server's admin in the device list ("iPhone SE").
    public var deviceName: String?
    /// The day the screens show (YYYY-MM-DD); the phone's today when nil (tests fix it).
    public var fixedToday: String?

    public init(accountsDir: URL, keys: DatabaseKeys, serverUrl: @escaping @Sendable () -> String,
                utcOffsetMinutes: @escaping @Sendable () -> Int32 = { Int32(TimeZone.current.secondsFromGMT() / 60) },
                clockMs: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
                deviceName: String? = nil, fixedToday: String? = nil) {
        self.accountsDir = accountsDir
        self.keys = keys
        self.serverUrl = serverUrl
        self.utcOffsetMinutes = utcOffsetMinutes
        self.clockMs = clockMs
        self.deviceName = deviceName
        self.fixedToday = fixedToday
    }

    /// Today on the phone (YYYY-MM-DD), in its own time zone as the core counts it.
    public func today() -> String {
        if let fixedToday { return fixedToday }
        return PhoneDate.day(ms: clockMs(), offsetMinutes: utcOffsetMinutes())
    }

    /// This month (YYYY-MM).
    public func month() -> String { String(today().prefix(7)) }
}

enum PhoneDate {
    static func day(ms: Int64, offsetMinutes: Int32) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: Int(offsetMinutes) * 60) ?? .gmt
        let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(ms) / 1000))
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}

@MainActor
public final class AppGraph {
    public let platform: Platform
    public let session = CoreSession()
    public let accountDirectory: AccountDirectory
    public let accounts: AccountRepository
    public let worklist: WorklistRepository
    public let households: HouseholdRepository
    public let persons: PersonRepository
    public let visits: VisitRepository
    public let posyandu: PosyanduRepository
    public let sync: SyncRepository
    public let coverage: CoverageRepository
    public let navigator = Navigator()
    public let lifecycle: AppLifecycle

    public init(platform: Platform) throws {
        self.platform = platform
        accountDirectory = try AccountDirectory(dir: platform.accountsDir)
        accounts = AccountRepository(session: session, accounts: accountDirectory, keys: platform.keys,
                                     serverUrl: platform.serverUrl, utcOffsetMinutes: platform.utcOffsetMinutes,
                                     clockMs: platform.clockMs, deviceName: platform.deviceName)
        worklist = WorklistRepository(session: session)
        households = HouseholdRepository(session: session)
        persons = PersonRepository(session: session, households: households)
        visits = VisitRepository(session: session, households: households)
        posyandu = PosyanduRepository(session: session)
        sync = SyncRepository(session: session)
        coverage = CoverageRepository(session: session)
        lifecycle = AppLifecycle(session: session, sync: sync)
        navigator.viewModelFor = { [unowned self] route in self.viewModel(for: route) }
        navigator.reset(.login)
    }

    /// The screen's view model; nil for a route that needs none.
    public func viewModel(for route: Route) -> AnyObject? {
        let today = platform.fixedToday
        switch route {
        case .login: return LoginViewModel(repository: accounts, navigator: navigator)
        case .setPin: return SetPinViewModel(repository: accounts, navigator: navigator)
        case .today: return TodayViewModel(repository: worklist, accounts: accounts, navigator: navigator, date: today)
        case let .households(rtId): return HouseholdsViewModel(repository: households, navigator: navigator, startRt: rtId)
        case let .registerHousehold(rtId):
            return RegisterHouseholdViewModel(repository: households, navigator: navigator, rtId: rtId)
        case let .editHousehold(id): return EditHouseholdViewModel(repository: households, navigator: navigator, householdId: id)
        case let .household(id): return HouseholdViewModel(repository: households, navigator: navigator, householdId: id, date: today)
        case let .person(id): return PersonViewModel(repository: persons, navigator: navigator, personId: id, date: today)
        case let .visit(id, posyanduId):
            return VisitViewModel(repository: visits, navigator: navigator, personId: id, posyanduId: posyanduId,
                                  clockMs: platform.clockMs)
        case let .posyanduSession(posyanduId, date):
            return PosyanduSessionViewModel(repository: posyandu, households: households, navigator: navigator,
                                            posyanduId: posyanduId, date: date ?? platform.today())
        case .sync: return SyncViewModel(repository: sync)
        case let .coverage(areaId, month):
            return CoverageViewModel(repository: coverage, navigator: navigator, areaId: areaId, month: month ?? platform.month())
        case let .coverageDrilldown(areaId, posyanduId, month, code, counted):
            return CoverageDrilldownViewModel(repository: coverage, navigator: navigator, areaId: areaId, posyanduId: posyanduId,
                                              month: month, indicatorCode: code, counted: counted)
        }
    }

    /// The tabs a role sees: coverage is the supervisor's (and the bidan's) view of her area.
    public static func tabs(role: String) -> [Route] {
        var tabs: [Route] = [.today, .households(rtId: nil), .posyanduSession(posyanduId: nil, date: nil)]
        if role == "supervisor" || role == "bidan" || role == "admin" { tabs.append(.coverage(areaId: nil, month: nil)) }
        tabs.append(.sync)
        return tabs
    }
}
