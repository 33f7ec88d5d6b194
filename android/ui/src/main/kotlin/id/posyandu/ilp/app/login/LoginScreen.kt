//! Login: the phone's users as large cards (tap, then the PIN), or the online form for a new user.
package id.posyandu.ilp.app.login

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.role
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import id.posyandu.ilp.app.common.BigButton
import id.posyandu.ilp.app.common.ErrorView
import id.posyandu.ilp.app.common.LabeledField
import id.posyandu.ilp.app.common.LoadingView
import id.posyandu.ilp.app.common.SectionTitle
import id.posyandu.ilp.app.data.Account
import id.posyandu.ilp.app.i18n.Language
import id.posyandu.ilp.app.i18n.LocalLanguage
import id.posyandu.ilp.app.theme.IlpColors
import id.posyandu.ilp.app.theme.TouchTarget

class LoginTexts private constructor(
    val title: String,
    val subtitle: String,
    val usersOnPhone: String,
    val pinFor: (String) -> String,
    val pin: String,
    val loginWithPin: String,
    val otherUser: String,
    val onlineTitle: String,
    val onlineHint: String,
    val username: String,
    val password: String,
    val loginOnline: String,
    val role: (String) -> String,
    val setPinTitle: String,
    val setPinHint: String,
    val repeatPin: String,
    val savePin: String,
    val language: String,
) {
    companion object {
        private fun roleId(r: String) = when (r) {
            "kader" -> "Kader"; "bidan" -> "Bidan"; "supervisor" -> "Supervisor Puskesmas"; "admin" -> "Admin"; else -> r
        }
        private fun roleEn(r: String) = when (r) {
            "kader" -> "Cadre (kader)"; "bidan" -> "Midwife (bidan)"; "supervisor" -> "Puskesmas supervisor"; "admin" -> "Admin"; else -> r
        }
        val id = LoginTexts(
            title = "Posyandu ILP",
            subtitle = "Integrasi Layanan Primer",
            usersOnPhone = "Pengguna di HP ini",
            pinFor = { "PIN untuk $it" },
            pin = "PIN",
            loginWithPin = "Masuk dengan PIN",
            otherUser = "Pengguna lain / masuk online",
            onlineTitle = "Masuk online",
            onlineHint = "Pertama kali di HP ini perlu internet. Sesudahnya bisa masuk tanpa internet dengan PIN.",
            username = "Nama pengguna",
            password = "Kata sandi",
            loginOnline = "Masuk",
            role = ::roleId,
            setPinTitle = "Buat PIN",
            setPinHint = "PIN (4–12 angka) dipakai untuk masuk tanpa internet di HP ini.",
            repeatPin = "Ulangi PIN",
            savePin = "Simpan PIN",
            language = "English",
        )
        val en = LoginTexts(
            title = "Posyandu ILP",
            subtitle = "Integrated primary care",
            usersOnPhone = "Users on this phone",
            pinFor = { "PIN for $it" },
            pin = "PIN",
            loginWithPin = "Log in with PIN",
            otherUser = "Another user / log in online",
            onlineTitle = "Log in online",
            onlineHint = "The first time on this phone needs the internet. Afterwards a PIN works offline.",
            username = "Username",
            password = "Password",
            loginOnline = "Log in",
            role = ::roleEn,
            setPinTitle = "Set a PIN",
            setPinHint = "The PIN (4–12 digits) logs you in without internet on this phone.",
            repeatPin = "Repeat the PIN",
            savePin = "Save PIN",
            language = "Bahasa Indonesia",
        )

        fun of(language: Language) = language.pick(id, en)
    }
}

@Composable
fun LoginScreen(
    state: LoginState,
    onPickAccount: (Account) -> Unit,
    onOnlineLogin: () -> Unit,
    onUsername: (String) -> Unit,
    onPassword: (String) -> Unit,
    onPin: (String) -> Unit,
    onSubmitOnline: () -> Unit,
    onSubmitPin: () -> Unit,
    onToggleLanguage: () -> Unit,
) {
    val t = LoginTexts.of(LocalLanguage.current)
    if (state.loadingAccounts) {
        LoadingView()
        return
    }
    Column(
        Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(20.dp),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        Row(Modifier.fillMaxWidth(), verticalAlignment = Alignment.CenterVertically) {
            Column(Modifier.weight(1f)) {
                Text(t.title, style = MaterialTheme.typography.headlineSmall, color = MaterialTheme.colorScheme.primary)
                Text(t.subtitle, style = MaterialTheme.typography.bodyMedium, color = IlpColors.muted)
            }
            TextButton(onToggleLanguage, Modifier.heightIn(min = TouchTarget)) { Text(t.language) }
        }
        if (state.accounts.isNotEmpty()) {
            SectionTitle(t.usersOnPhone)
            state.accounts.forEach { a ->
                val picked = state.pinFor?.username == a.username
                Card(
                    Modifier.fillMaxWidth().heightIn(min = TouchTarget)
                        .semantics { role = Role.Button; contentDescription = "${a.displayName}, ${t.role(a.role)}" }
                        .clickable { onPickAccount(a) },
                    colors = CardDefaults.cardColors(
                        containerColor = if (picked) MaterialTheme.colorScheme.primaryContainer
                        else MaterialTheme.colorScheme.surfaceVariant,
                    ),
                ) {
                    Column(Modifier.padding(14.dp)) {
                        Text(a.displayName, style = MaterialTheme.typography.titleMedium)
                        Text("${t.role(a.role)} · ${a.username}", style = MaterialTheme.typography.bodyMedium, color = IlpColors.muted)
                    }
                }
            }
        }
        val pinAccount = state.pinFor
        if (pinAccount != null) {
            SectionTitle(t.pinFor(pinAccount.displayName))
            LabeledField(t.pin, state.pin, onPin, keyboard = KeyboardType.NumberPassword, secret = true)
            state.error?.let { ErrorView(it) }
            BigButton(t.loginWithPin, onSubmitPin, enabled = !state.busy && state.pin.length >= 4)
            TextButton(onOnlineLogin, Modifier.fillMaxWidth().heightIn(min = TouchTarget)) { Text(t.otherUser) }
        } else {
            SectionTitle(t.onlineTitle)
            Text(t.onlineHint, style = MaterialTheme.typography.bodyMedium, color = IlpColors.muted)
            LabeledField(t.username, state.username, onUsername)
            LabeledField(t.password, state.password, onPassword, keyboard = KeyboardType.Password, secret = true)
            state.error?.let { ErrorView(it) }
            BigButton(t.loginOnline, onSubmitOnline, enabled = !state.busy)
        }
        if (state.busy) LoadingView(Modifier.heightIn(max = 80.dp))
    }
}

@Composable
fun SetPinScreen(state: SetPinState, onPin: (String) -> Unit, onRepeat: (String) -> Unit, onSave: () -> Unit) {
    val t = LoginTexts.of(LocalLanguage.current)
    Column(Modifier.fillMaxSize().padding(20.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Text(t.setPinTitle, style = MaterialTheme.typography.headlineSmall)
        Text(t.setPinHint, style = MaterialTheme.typography.bodyLarge)
        LabeledField(t.pin, state.pin, onPin, keyboard = KeyboardType.NumberPassword, secret = true)
        LabeledField(t.repeatPin, state.repeat, onRepeat, keyboard = KeyboardType.NumberPassword, secret = true)
        state.error?.let { ErrorView(it) }
        BigButton(t.savePin, onSave, enabled = !state.busy && state.pin.length >= 4)
    }
}
