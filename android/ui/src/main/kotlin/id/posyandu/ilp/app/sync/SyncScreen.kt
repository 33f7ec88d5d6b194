//! The sync screen: what waits to be sent, when the last sync worked, "Sinkronkan sekarang" with
//! its progress and a cancel button, the changes the server refused with the reason, the advice
//! when offline or when the login is gone, and logout.
package id.posyandu.ilp.app.sync

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import id.posyandu.ilp.app.common.Badge
import id.posyandu.ilp.app.common.BigButton
import id.posyandu.ilp.app.common.ErrorView
import id.posyandu.ilp.app.common.InfoRow
import id.posyandu.ilp.app.common.LoadingView
import id.posyandu.ilp.app.common.SectionTitle
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.SyncRun
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.i18n.Language
import id.posyandu.ilp.app.i18n.LocalLanguage
import id.posyandu.ilp.app.theme.IlpColors
import id.posyandu.ilp.app.theme.TouchTarget
import id.posyandu.ilp.core.RefusedChange
import id.posyandu.ilp.core.SyncPhase
import id.posyandu.ilp.core.SyncStatusView
import id.posyandu.ilp.core.SyncSummary
import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.util.Locale

class SyncTexts private constructor(
    val server: String,
    val noServer: String,
    val lastSuccess: String,
    val never: String,
    val pendingLine: (Long) -> String,
    val offlinePin: String,
    val pinSet: String,
    val pinMissing: String,
    val lastError: String,
    val syncNow: String,
    val cancel: String,
    val phase: (SyncPhase, SyncRun) -> String,
    val steps: String,
    val done: (SyncSummary) -> String,
    val cancelled: String,
    val loginGone: String,
    val loginAgain: String,
    val refusedTitle: (Int) -> String,
    val refusedHint: String,
    val entity: (String) -> String,
    val refusalCode: (String) -> String,
    val logout: String,
    val logoutWarning: (Long) -> String,
    val logoutConfirm: String,
    val keepLoggedIn: String,
    val locale: Locale,
    val timePattern: String,
) {
    companion object {
        private fun size(bytes: ULong): String = when {
            bytes >= 1_048_576uL -> String.format(Locale.ROOT, "%.1f MB", bytes.toDouble() / 1_048_576)
            bytes >= 1024uL -> "${bytes / 1024uL} KB"
            else -> "$bytes B"
        }

        private fun seconds(ms: ULong) = ((ms + 999uL) / 1000uL).toString()

        val id = SyncTexts(
            server = "Server",
            noServer = "Belum ada (masuk online dulu)",
            lastSuccess = "Terakhir berhasil",
            never = "Belum pernah",
            pendingLine = { n -> if (n == 0L) "✓ Semua data sudah terkirim" else "$n data belum terkirim" },
            offlinePin = "PIN tanpa internet",
            pinSet = "Sudah dibuat",
            pinMissing = "Belum dibuat",
            lastError = "Sinkron terakhir gagal",
            syncNow = "Sinkronkan sekarang",
            cancel = "Batalkan sinkron",
            phase = { p, r ->
                val l = r.latest
                when (p) {
                    SyncPhase.Idle -> "Menyiapkan…"
                    SyncPhase.Pushing -> "Mengirim data… (${l?.pushed ?: 0u} terkirim)"
                    SyncPhase.Snapshot -> "Mengambil data wilayah… (${l?.pulled ?: 0u} diterima)"
                    SyncPhase.Pulling -> "Mengambil perubahan… (${l?.pulled ?: 0u} diterima)"
                    is SyncPhase.Retrying ->
                        "Server belum bisa dihubungi. Mencoba lagi (ke-${p.attempt + 1u}) dalam ${seconds(p.delayMs)} detik…"
                    SyncPhase.Done -> "Selesai"
                    SyncPhase.Failed -> "Gagal"
                }
            },
            steps = "Langkah",
            done = { s ->
                "Sinkron selesai: ${s.pushed} terkirim, ${s.refused} ditolak, ${s.pulled} diterima " +
                    "(${size(s.bytesSent + s.bytesReceived)})"
            },
            cancelled = "Sinkron dibatalkan. Yang sudah terkirim atau diterima tetap tersimpan.",
            loginGone = "Login online Anda sudah berakhir. Masuk online lagi untuk sinkron. " +
                "Data di HP tetap aman dan dikirim sesudah login.",
            loginAgain = "Masuk online lagi",
            refusedTitle = { n -> "Ditolak server ($n)" },
            refusedHint = "Data ini tidak masuk ke server. Tunjukkan layar ini ke bidan atau admin Puskesmas.",
            entity = { e ->
                when (e) {
                    "household" -> "Rumah tangga"
                    "person" -> "Orang"
                    "event" -> "Kunjungan/catatan"
                    "pregnancy" -> "Kehamilan"
                    else -> e
                }
            },
            refusalCode = { c ->
                when (c) {
                    "out_of_scope" -> "Di luar wilayah Anda"
                    "clock_ahead" -> "Jam HP terlalu maju"
                    "clock_behind" -> "Tanggal HP salah"
                    "unknown_parent" -> "Induk data tidak dikenal server"
                    "forbidden_entity" -> "Hanya admin"
                    "invalid" -> "Data tidak sah"
                    else -> c
                }
            },
            logout = "Keluar (logout)",
            logoutWarning = { n ->
                "Sesudah keluar, login berikutnya perlu internet." +
                    if (n > 0) " $n data yang belum terkirim tetap tersimpan di HP dan dikirim sesudah login." else ""
            },
            logoutConfirm = "Ya, keluar",
            keepLoggedIn = "Tidak jadi",
            locale = Locale.forLanguageTag("id"),
            timePattern = "d MMM yyyy, HH.mm",
        )
        val en = SyncTexts(
            server = "Server",
            noServer = "None yet (log in online first)",
            lastSuccess = "Last success",
            never = "Never",
            pendingLine = { n -> if (n == 0L) "✓ Everything is sent" else "$n records not sent yet" },
            offlinePin = "Offline PIN",
            pinSet = "Set",
            pinMissing = "Not set",
            lastError = "The last sync failed",
            syncNow = "Sync now",
            cancel = "Cancel sync",
            phase = { p, r ->
                val l = r.latest
                when (p) {
                    SyncPhase.Idle -> "Getting ready…"
                    SyncPhase.Pushing -> "Sending… (${l?.pushed ?: 0u} sent)"
                    SyncPhase.Snapshot -> "Fetching the area's data… (${l?.pulled ?: 0u} received)"
                    SyncPhase.Pulling -> "Fetching changes… (${l?.pulled ?: 0u} received)"
                    is SyncPhase.Retrying ->
                        "Cannot reach the server. Trying again (try ${p.attempt + 1u}) in ${seconds(p.delayMs)} s…"
                    SyncPhase.Done -> "Done"
                    SyncPhase.Failed -> "Failed"
                }
            },
            steps = "Steps",
            done = { s ->
                "Sync done: ${s.pushed} sent, ${s.refused} refused, ${s.pulled} received " +
                    "(${size(s.bytesSent + s.bytesReceived)})"
            },
            cancelled = "Sync cancelled. What was already sent or received is kept.",
            loginGone = "Your online login has ended. Log in online again to sync. " +
                "The data on the phone is safe and goes after the login.",
            loginAgain = "Log in online again",
            refusedTitle = { n -> "Refused by the server ($n)" },
            refusedHint = "These did not reach the server. Show this screen to the midwife or the Puskesmas admin.",
            entity = { e ->
                when (e) {
                    "household" -> "Household"
                    "person" -> "Person"
                    "event" -> "Visit/record"
                    "pregnancy" -> "Pregnancy"
                    else -> e
                }
            },
            refusalCode = { c ->
                when (c) {
                    "out_of_scope" -> "Outside your area"
                    "clock_ahead" -> "Phone clock ahead"
                    "clock_behind" -> "Phone date wrong"
                    "unknown_parent" -> "Parent record unknown to the server"
                    "forbidden_entity" -> "Admins only"
                    "invalid" -> "Invalid data"
                    else -> c
                }
            },
            logout = "Log out",
            logoutWarning = { n ->
                "After logging out, the next login needs the internet." +
                    if (n > 0) " The $n records not sent yet stay on the phone and go after the login." else ""
            },
            logoutConfirm = "Yes, log out",
            keepLoggedIn = "Stay logged in",
            locale = Locale.ENGLISH,
            timePattern = "d MMM yyyy, HH:mm",
        )

        fun of(language: Language) = language.pick(id, en)
    }

    fun time(ms: Long): String =
        DateTimeFormatter.ofPattern(timePattern, locale).format(Instant.ofEpochMilli(ms).atZone(ZoneId.systemDefault()))
}

@Composable
fun SyncScreen(
    state: SyncState,
    onSyncNow: () -> Unit,
    onCancel: () -> Unit,
    onRetry: () -> Unit,
    onLoginAgain: () -> Unit,
    onAskLogout: () -> Unit,
    onKeepLoggedIn: () -> Unit,
    onLogout: () -> Unit,
) {
    val language = LocalLanguage.current
    val t = SyncTexts.of(language)
    val status = when (val s = state.status) {
        Load.Loading -> {
            LoadingView()
            return
        }
        is Load.Failed -> {
            Column(Modifier.padding(16.dp)) { ErrorView(s.error, onRetry = onRetry) }
            return
        }
        is Load.Ready -> s.value
    }
    Column(
        Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
        verticalArrangement = Arrangement.spacedBy(10.dp),
    ) {
        StatusCard(status, state, t)

        if (state.needsOnlineLogin) {
            Notice(t.loginGone, IlpColors.urgent, IlpColors.urgentContainer)
            BigButton(t.loginAgain, onLoginAgain)
        } else {
            state.error?.let { ErrorView(it) }
        }

        if (state.syncing) {
            Progress(state.run ?: SyncRun(), t)
            OutlinedButton(onCancel, Modifier.fillMaxWidth().heightIn(min = TouchTarget)) { Text(t.cancel) }
        } else {
            state.result?.let { Notice(t.done(it), IlpColors.good, IlpColors.goodContainer) }
            if (state.cancelled) Notice(t.cancelled, IlpColors.warning, IlpColors.warningContainer)
            if (!state.needsOnlineLogin) BigButton(t.syncNow, onSyncNow, enabled = !state.loggingOut)
        }

        if (status.refused.isNotEmpty()) {
            SectionTitle(t.refusedTitle(status.refused.size), Modifier.semantics { heading() })
            Text(t.refusedHint, style = MaterialTheme.typography.bodyMedium, color = IlpColors.muted)
            status.refused.forEach { RefusedCard(it, t) }
        }

        SectionTitle(t.logout, Modifier.semantics { heading() })
        if (state.confirmLogout) {
            Notice(t.logoutWarning(status.pending), IlpColors.warning, IlpColors.warningContainer)
            BigButton(t.logoutConfirm, onLogout, enabled = !state.loggingOut && !state.syncing)
            OutlinedButton(onKeepLoggedIn, Modifier.fillMaxWidth().heightIn(min = TouchTarget)) { Text(t.keepLoggedIn) }
        } else {
            OutlinedButton(
                onAskLogout,
                Modifier.fillMaxWidth().heightIn(min = TouchTarget),
                enabled = !state.syncing && !state.loggingOut,
            ) { Text(t.logout) }
        }
        if (state.loggingOut) LoadingView(Modifier.heightIn(max = 80.dp))
    }
}

@Composable
private fun StatusCard(status: SyncStatusView, state: SyncState, t: SyncTexts) {
    // While a sync runs its reports are newer than the status read before it.
    val live = state.run?.latest?.takeIf { state.syncing }
    val pending = live?.pending ?: status.pending
    val lastSuccess = live?.lastSuccessMs ?: status.lastSuccessMs
    Card(
        Modifier.fillMaxWidth(),
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.surfaceVariant),
    ) {
        Column(Modifier.padding(14.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(
                t.pendingLine(pending),
                style = MaterialTheme.typography.titleMedium,
                color = if (pending == 0L) IlpColors.good else IlpColors.warning,
            )
            InfoRow(t.lastSuccess, lastSuccess?.let(t::time) ?: t.never)
            InfoRow(t.server, status.serverUrl ?: t.noServer)
            InfoRow(t.offlinePin, if (status.hasOfflinePin) t.pinSet else t.pinMissing)
            // The kept error explains a failed background sync; a sync run here shows its own.
            if (state.error == null && !state.syncing && state.result == null) {
                status.lastError?.let {
                    Text(t.lastError, style = MaterialTheme.typography.bodyLarge, color = IlpColors.warning)
                    // The core's own words, for whoever helps the user (no health data in them).
                    Text(it, style = MaterialTheme.typography.bodyMedium, color = IlpColors.muted)
                }
            }
        }
    }
}

@Composable
private fun Progress(run: SyncRun, t: SyncTexts) {
    val phase = run.phases.lastOrNull() ?: SyncPhase.Idle
    val text = t.phase(phase, run)
    Column(
        Modifier.fillMaxWidth()
            .background(MaterialTheme.colorScheme.primaryContainer, RoundedCornerShape(8.dp))
            .padding(14.dp)
            .semantics(mergeDescendants = true) {
                liveRegion = LiveRegionMode.Polite
                contentDescription = text
            },
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        Text(text, style = MaterialTheme.typography.titleMedium, color = MaterialTheme.colorScheme.onPrimaryContainer)
        LinearProgressIndicator(Modifier.fillMaxWidth())
    }
}

@Composable
private fun RefusedCard(r: RefusedChange, t: SyncTexts) {
    val label = t.entity(r.entity)
    // Ids are time-ordered: their first characters are alike, their last ones tell them apart.
    val shortId = "ID …" + r.entityId.takeLast(8)
    Card(
        Modifier.fillMaxWidth().semantics(mergeDescendants = true) {
            contentDescription = "$label $shortId, ${t.refusalCode(r.code)}, ${r.reason}"
        },
        colors = CardDefaults.cardColors(containerColor = IlpColors.urgentContainer),
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(label, style = MaterialTheme.typography.titleMedium, color = MaterialTheme.colorScheme.onSurface)
            Badge(t.refusalCode(r.code), IlpColors.onPrimary, IlpColors.urgent)
            Text(r.reason, style = MaterialTheme.typography.bodyLarge, color = MaterialTheme.colorScheme.onSurface)
            Text("$shortId · ${t.time(r.createdAtMs)}", style = MaterialTheme.typography.bodyMedium, color = IlpColors.muted)
        }
    }
}

@Composable
private fun Notice(text: String, color: androidx.compose.ui.graphics.Color, container: androidx.compose.ui.graphics.Color) {
    Text(
        text,
        Modifier.fillMaxWidth().background(container, RoundedCornerShape(8.dp)).padding(14.dp)
            .semantics { liveRegion = LiveRegionMode.Polite },
        color = color,
        style = MaterialTheme.typography.bodyLarge,
    )
}

