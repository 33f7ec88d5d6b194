//! Logging in and out on a shared phone: the first login of a user is online (it creates the
//! user's own encrypted database), later ones are offline with the PIN set after it; switching
//! user closes one database and opens another; logging out keeps every unsynced record.
package id.posyandu.ilp.app.data

import id.posyandu.ilp.core.IlpCore
import id.posyandu.ilp.core.IlpException
import id.posyandu.ilp.core.OpenConfig
import id.posyandu.ilp.core.UserInfo
import id.posyandu.ilp.core.loginOnline
import kotlinx.coroutines.withContext

class AccountRepository(
    private val session: CoreSession,
    private val accounts: AccountDirectory,
    private val keys: DatabaseKeys,
    /** The sync server's address (from the app's settings). */
    private val serverUrl: () -> String,
    /** The phone's UTC offset in minutes now (WITA 480): it decides "today". */
    private val utcOffsetMinutes: () -> Int,
    private val clockMs: () -> Long = System::currentTimeMillis,
    private val deviceName: String? = null,
) {
    /** Users with a database on this phone, the most recent first. */
    suspend fun accounts(): List<Account> = withContext(session.io) { accounts.list() }

    private fun config(username: String) = OpenConfig(
        accounts.databaseFor(username).path,
        keys.keyFor(username),
        accounts.deviceId(),
        username,
        utcOffsetMinutes(),
    )

    /** First login of a user on this phone (or after logout): needs the server. */
    suspend fun loginOnline(username: String, password: String): UserInfo {
        val name = username.trim()
        if (name.isEmpty()) throw IlpException.Validation("username", "must not be empty")
        if (password.isEmpty()) throw IlpException.Validation("password", "must not be empty")
        return withContext(session.io) {
            val core = loginOnline(config(name), serverUrl(), password, deviceName)
            signedIn(core)
        }
    }

    /** A later login without network: the PIN set after the first online login. */
    suspend fun loginOffline(username: String, pin: String): UserInfo = withContext(session.io) {
        if (pin.isBlank()) throw IlpException.Validation("pin", "must not be empty")
        accounts.find(username) ?: throw IlpException.NotFound("account", username)
        val core = IlpCore.open(config(username))
        try {
            core.verifyOfflinePin(pin)
        } catch (e: Throwable) {
            core.close()
            throw e
        }
        signedIn(core)
    }

    private fun signedIn(core: IlpCore): UserInfo {
        val user = core.currentUser()
        accounts.remember(
            Account(user.username, user.displayName, user.role, accounts.databaseFor(user.username).name, clockMs()),
        )
        session.signIn(core, user)
        // The spelling-tolerant search index is built here, off the main thread, once per opening.
        core.prepareSearch()
        return user
    }

    /** Whether the signed-in user has a PIN for offline logins yet. */
    suspend fun hasOfflinePin(): Boolean = session.call { it.syncStatus().hasOfflinePin }

    suspend fun setOfflinePin(pin: String) = session.call { it.setOfflinePin(pin) }

    /** Back to the login screen; the database closes, nothing is removed. */
    suspend fun switchUser() = withContext(session.io) { session.signOut() }

    /** Ends the session (the server revokes the token when reachable); unsynced records stay. */
    suspend fun logout() {
        try {
            session.callSuspending { it.logout() }
        } finally {
            withContext(session.io) { session.signOut() }
        }
    }
}
