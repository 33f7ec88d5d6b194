//! The login screen's state: which users this phone knows, online login (first time, needs the
//! server), offline login with the PIN, and the PIN asked once after the first online login.
package id.posyandu.ilp.app.login

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import id.posyandu.ilp.app.data.Account
import id.posyandu.ilp.app.data.AccountRepository
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.nav.Navigator
import id.posyandu.ilp.app.nav.Route
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

data class LoginState(
    val loadingAccounts: Boolean = true,
    /** Users with a database on this phone, most recent first. */
    val accounts: List<Account> = emptyList(),
    /** The account picked for a PIN login; null: the online login form. */
    val pinFor: Account? = null,
    val username: String = "",
    val password: String = "",
    val pin: String = "",
    val busy: Boolean = false,
    val error: UiError? = null,
)

class LoginViewModel(
    private val repository: AccountRepository,
    private val navigator: Navigator,
) : ViewModel() {
    private val mutable = MutableStateFlow(LoginState())
    val state: StateFlow<LoginState> = mutable.asStateFlow()

    init {
        viewModelScope.launch {
            val accounts = runCatching { repository.accounts() }.getOrDefault(emptyList())
            // A phone with users opens on the most recent one's PIN login.
            mutable.update { it.copy(loadingAccounts = false, accounts = accounts, pinFor = accounts.firstOrNull()) }
        }
    }

    fun pickAccount(account: Account) = mutable.update { it.copy(pinFor = account, pin = "", error = null) }

    /** Another user (or the first one) logs in online. */
    fun useOnlineLogin() = mutable.update { it.copy(pinFor = null, password = "", error = null) }

    fun onUsername(v: String) = mutable.update { it.copy(username = v, error = null) }
    fun onPassword(v: String) = mutable.update { it.copy(password = v, error = null) }
    fun onPin(v: String) = mutable.update { it.copy(pin = v.filter(Char::isDigit).take(12), error = null) }

    fun loginOnline() {
        val s = mutable.value
        if (s.busy) return
        mutable.update { it.copy(busy = true, error = null) }
        viewModelScope.launch {
            try {
                repository.loginOnline(s.username, s.password)
                mutable.update { it.copy(busy = false, password = "") }
                navigator.reset(if (repository.hasOfflinePin()) Route.Today else Route.SetPin)
            } catch (e: Exception) {
                mutable.update { it.copy(busy = false, error = UiError.from(e)) }
            }
        }
    }

    fun loginWithPin() {
        val s = mutable.value
        val account = s.pinFor ?: return
        if (s.busy) return
        mutable.update { it.copy(busy = true, error = null) }
        viewModelScope.launch {
            try {
                repository.loginOffline(account.username, s.pin)
                mutable.update { it.copy(busy = false, pin = "") }
                navigator.reset(Route.Today)
            } catch (e: Exception) {
                mutable.update { it.copy(busy = false, pin = "", error = UiError.from(e)) }
            }
        }
    }
}

data class SetPinState(
    val pin: String = "",
    val repeat: String = "",
    val busy: Boolean = false,
    val error: UiError? = null,
)

class SetPinViewModel(
    private val repository: AccountRepository,
    private val navigator: Navigator,
) : ViewModel() {
    private val mutable = MutableStateFlow(SetPinState())
    val state: StateFlow<SetPinState> = mutable.asStateFlow()

    fun onPin(v: String) = mutable.update { it.copy(pin = v.filter(Char::isDigit).take(12), error = null) }
    fun onRepeat(v: String) = mutable.update { it.copy(repeat = v.filter(Char::isDigit).take(12), error = null) }

    fun save() {
        val s = mutable.value
        if (s.pin != s.repeat) {
            mutable.update { it.copy(error = UiError.Invalid("pin", "the two PINs differ / kedua PIN berbeda")) }
            return
        }
        mutable.update { it.copy(busy = true, error = null) }
        viewModelScope.launch {
            try {
                repository.setOfflinePin(s.pin)
                mutable.update { it.copy(busy = false) }
                navigator.reset(Route.Today)
            } catch (e: Exception) {
                mutable.update { it.copy(busy = false, error = UiError.from(e)) }
            }
        }
    }
}
