//! Today's worklist screen: RT sections, one card per household with who needs what.
package id.posyandu.ilp.app.today

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.role
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import id.posyandu.ilp.app.common.Badge
import id.posyandu.ilp.app.common.CodeTexts
import id.posyandu.ilp.app.common.ErrorView
import id.posyandu.ilp.app.common.LoadingView
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.i18n.Language
import id.posyandu.ilp.app.i18n.LocalLanguage
import id.posyandu.ilp.app.theme.IlpColors
import id.posyandu.ilp.app.theme.TouchTarget
import id.posyandu.ilp.core.WorklistStop

class TodayTexts private constructor(
    val summary: (items: UInt, households: UInt, date: String) -> String,
    val nothingToday: String,
    val nothingHint: String,
    val missedPosyandu: (String) -> String,
    val noAddress: String,
    val greeting: (String) -> String,
) {
    companion object {
        val id = TodayTexts(
            summary = { i, h, d -> "$i kegiatan di $h rumah · $d" },
            nothingToday = "Tidak ada kunjungan hari ini",
            nothingHint = "Jika ini login pertama, sinkronkan dulu untuk mengambil data wilayah.",
            missedPosyandu = { "Tidak datang ke Posyandu $it" },
            noAddress = "Tanpa alamat",
            greeting = { "Selamat bertugas, $it" },
        )
        val en = TodayTexts(
            summary = { i, h, d -> "$i tasks in $h households · $d" },
            nothingToday = "No visits today",
            nothingHint = "On a first login, sync first to fetch the area's data.",
            missedPosyandu = { "Did not come to the Posyandu on $it" },
            noAddress = "No address",
            greeting = { "Good work, $it" },
        )

        fun of(language: Language) = language.pick(id, en)
    }
}

@Composable
fun TodayScreen(state: TodayState, onOpen: (WorklistStop) -> Unit, onRetry: () -> Unit) {
    val language = LocalLanguage.current
    val t = TodayTexts.of(language)
    when (val w = state.worklist) {
        Load.Loading -> LoadingView()
        is Load.Failed -> Column(Modifier.padding(16.dp)) { ErrorView(w.error, onRetry = onRetry) }
        is Load.Ready -> {
            val list = w.value
            LazyColumn(
                Modifier.fillMaxSize(),
                contentPadding = androidx.compose.foundation.layout.PaddingValues(12.dp),
                verticalArrangement = Arrangement.spacedBy(8.dp),
            ) {
                item {
                    Column {
                        state.user?.let { Text(t.greeting(it.displayName), style = MaterialTheme.typography.titleLarge) }
                        Text(t.summary(list.itemCount, list.householdCount, list.date), color = IlpColors.muted)
                    }
                }
                if (list.groups.isEmpty()) {
                    item {
                        Column(Modifier.padding(vertical = 24.dp)) {
                            Text(t.nothingToday, style = MaterialTheme.typography.titleMedium)
                            Text(t.nothingHint, color = IlpColors.muted)
                        }
                    }
                }
                list.groups.forEach { group ->
                    item(key = "rt-" + (group.rtId ?: "none")) {
                        Row(
                            Modifier.fillMaxWidth().padding(top = 12.dp).semantics { heading() },
                            verticalAlignment = Alignment.CenterVertically,
                            horizontalArrangement = Arrangement.spacedBy(8.dp),
                        ) {
                            Text(
                                group.rtLabel,
                                Modifier.weight(1f),
                                style = MaterialTheme.typography.titleMedium,
                                color = MaterialTheme.colorScheme.primary,
                            )
                            val (fg, bg) = CodeTexts.colors(group.priority)
                            Badge(CodeTexts.priorityShort(group.priority, language), fg, bg)
                        }
                    }
                    items(group.stops, key = { s -> s.householdId ?: ("p-" + s.entries.firstOrNull()?.item?.personId) }) { stop ->
                        StopCard(stop, language, t) { onOpen(stop) }
                    }
                }
            }
        }
    }
}

@Composable
private fun StopCard(stop: WorklistStop, language: Language, t: TodayTexts, onClick: () -> Unit) {
    val title = stop.headName ?: stop.entries.firstOrNull()?.personName ?: ""
    Card(
        Modifier.fillMaxWidth().heightIn(min = TouchTarget)
            .semantics(mergeDescendants = true) {
                role = Role.Button
                contentDescription = "$title, ${stop.address ?: t.noAddress}, " +
                    CodeTexts.priority(stop.priority, language)
            }
            .clickable(onClick = onClick),
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(title, style = MaterialTheme.typography.titleMedium)
            val (fg, bg) = CodeTexts.colors(stop.priority)
            Badge(CodeTexts.priority(stop.priority, language), fg, bg)
            Text(stop.address ?: t.noAddress, color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium)
            stop.missedPosyanduOn?.let { Text(t.missedPosyandu(it), color = IlpColors.warning) }
            stop.entries.forEach { e ->
                Text(
                    "• ${e.personName}${if (e.ageLabel.isNotEmpty()) " (${e.ageLabel})" else ""} — ${e.item.label}" +
                        " · ${CodeTexts.status(e.item.status, language)}",
                    style = MaterialTheme.typography.bodyLarge,
                )
            }
        }
    }
}
