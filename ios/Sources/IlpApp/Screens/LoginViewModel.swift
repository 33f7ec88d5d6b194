// The login screen's state: which users this phone knows, online login (first time, needs the server),
// offline login with the PIN, and the PIN asked once after the first online login.
import IlpCore
import Observation

@MainActor
@Observable
public final class LoginViewModel {
    public private(set) var loadingAccounts = true
    /// Users with a database on this phone, most recent first.
    public private(set) var accounts: [Account] = []
    /// The account picked for a PIN login; nil: the online login form.
    public private(set) var pinFor: Account?
    public private(set) var username = ""
    public private(set) var password = ""
    public private(set) var pin = ""
    public private(set) var busy = false
    public private(set) var error: UiError?

    @ObservationIgnored private let repository: AccountRepository
    @ObservationIgnored private let navigator: Navigator

    public init(repository: AccountRepository, navigator: Navigator) {
        self.repository = repository
        self.navigator = navigator
    }

    public func load() async {
        let list = (try? await repository.list()) ?? []
        accounts = list
        // A phone with users opens on the most recent one's PIN login.
        if pinFor == nil { pinFor = list.first }
        loadingAccounts = false
    }

    public func pickAccount(_ account: Account) {
        pinFor = account
        pin = ""
        error = nil
    }

    /// Another user (or the first one) logs in online.
    public func useOnlineLogin() {
        pinFor = nil
        password = ""
        error = nil
    }

    public func onUsername(_ v: String) { username = v; error = nil }
    public func onPassword(_ v: String) { password = v; error = nil }
    public func onPin(_ v: String) { pin = String(v.filter(\.isNumber).prefix(12)); error = nil }

    public func loginOnline() async {
        guard !busy else { return }
        busy = true
        error = nil
        do {
            try await repository.loginOnline(username: username, password: password)
            password = ""
            busy = false
            navigator.reset(try await repository.hasOfflinePin() ? .today : .setPin)
        } catch {
            busy = false
            self.error = UiError.from(error)
        }
    }

    public func loginWithPin() async {
        guard let account = pinFor, !busy else { return }
        busy = true
        error = nil
        do {
            try await repository.loginOffline(username: account.username, pin: pin)
            pin = ""
            busy = false
            navigator.reset(.today)
        } catch {
            busy = false
            pin = ""
            self.error = UiError.from(error)
        }
    }
}

@MainActor
@Observable
public final class SetPinViewModel {
    public private(set) var pin = ""
    public private(set) var repeatPin = ""
    public private(set) var busy = false
    public private(set) var error: UiError?

    @ObservationIgnored private let repository: AccountRepository
    @ObservationIgnored private let navigator: Navigator

    public init(repository: AccountRepository, navigator: Navigator) {
        self.repository = repository
        self.navigator = navigator
    }

    public func onPin(_ v: String) { pin = String(v.filter(\.isNumber).prefix(12)); error = nil }
    public func onRepeat(_ v: String) { repeatPin = String(v.filter(\.isNumber).prefix(12)); error = nil }

    public func save() async {
        guard !busy else { return }
        if pin != repeatPin {
            error = .invalid(field: "pin", reason: "the two PINs differ")
            return
        }
        busy = true
        error = nil
        do {
            try await repository.setOfflinePin(pin)
            busy = false
            navigator.reset(.today)
        } catch {
            busy = false
            self.error = UiError.from(error)
        }
    }
}
