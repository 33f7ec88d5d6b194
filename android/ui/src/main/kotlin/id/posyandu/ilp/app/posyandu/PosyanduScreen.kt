//! The Posyandu screens: choosing the Posyandu and day, and the session itself (counts, the
//! expected list with the inline weighing row, walk-ins, the end of the session and its summary).
package id.posyandu.ilp.app.posyandu

import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.lazy.rememberLazyListState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.text.KeyboardActions
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.DatePicker
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.rememberDatePickerState
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.focus.FocusRequester
import androidx.compose.ui.focus.focusRequester
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.role
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import id.posyandu.ilp.app.common.Badge
import id.posyandu.ilp.app.common.BigButton
import id.posyandu.ilp.app.common.ErrorView
import id.posyandu.ilp.app.common.LabeledField
import id.posyandu.ilp.app.common.LoadingView
import id.posyandu.ilp.app.common.SectionTitle
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.i18n.Language
import id.posyandu.ilp.app.i18n.LocalLanguage
import id.posyandu.ilp.app.theme.IlpColors
import id.posyandu.ilp.app.theme.TouchTarget
import id.posyandu.ilp.core.ExpectedAttendee
import id.posyandu.ilp.core.MeasurementAssessment
import id.posyandu.ilp.core.PosyanduSessionView
import id.posyandu.ilp.core.PosyanduView
import id.posyandu.ilp.core.SearchResult

class PosyanduTexts private constructor(
    val choose: String,
    val chooseHint: String,
    val noPosyandu: String,
    val rtCount: (Int) -> String,
    val dayOf: String,
    val todayMark: String,
    val previousDay: String,
    val nextDay: String,
    val pickDate: String,
    val useDate: String,
    val backToToday: String,
    val expected: String,
    val attended: String,
    val homeVisits: String,
    val expectedList: (Int) -> String,
    val nobodyExpected: String,
    val attendedMark: String,
    val weighHint: String,
    val homeVisitMark: String,
    val weight: String,
    val length: String,
    val lengthDescription: String,
    val weighing: (String) -> String,
    val save: String,
    val saving: String,
    val full: String,
    val close: String,
    val saved: (String) -> String,
    val walkInButton: String,
    val walkInSearch: String,
    val walkInHint: String,
    val noMatch: String,
    val walkIns: String,
    val weighed: String,
    val endSession: String,
    val endConfirm: (Int) -> String,
    val endYes: String,
    val ending: String,
    val endedTitle: String,
    val endedSummary: (Int) -> String,
    val nobodyAbsent: String,
    val dayOverTitle: String,
    val openToday: String,
    val notANumber: String,
    val weightOrLength: String,
    val growthNeedsSexAndBirth: String,
    val flagged: String,
    val kmsGain: (Int, Int) -> String,
) {
    companion object {
        val id = PosyanduTexts(
            choose = "Pilih Posyandu",
            chooseHint = "Posyandu yang melayani RT Anda",
            noPosyandu = "Belum ada Posyandu untuk wilayah Anda. Sinkronkan dulu untuk mengambil data wilayah.",
            rtCount = { "Melayani $it RT" },
            dayOf = "Tanggal Posyandu",
            todayMark = "hari ini",
            previousDay = "Hari sebelumnya",
            nextDay = "Hari berikutnya",
            pickDate = "Pilih tanggal",
            useDate = "Pakai tanggal ini",
            backToToday = "Kembali ke hari ini",
            expected = "Diharapkan",
            attended = "Hadir",
            homeVisits = "Kunjungan rumah",
            expectedList = { "Daftar sasaran ($it)" },
            nobodyExpected = "Tidak ada sasaran untuk hari ini.",
            attendedMark = "✓ Hadir",
            weighHint = "Timbang ›",
            homeVisitMark = "Kunjungan rumah",
            weight = "Berat (kg)",
            length = "PB/TB (cm)",
            lengthDescription = "Panjang atau tinggi badan (cm)",
            weighing = { "Menimbang: $it" },
            save = "Simpan",
            saving = "Menyimpan…",
            full = "Lengkap",
            close = "Tutup",
            saved = { "Tersimpan: $it" },
            walkInButton = "+ Datang tanpa jadwal",
            walkInSearch = "Cari nama, NIK, KK atau HP",
            walkInHint = "Ketik nama orang yang datang tetapi tidak ada di daftar.",
            noMatch = "Tidak ada yang cocok",
            walkIns = "Datang tanpa jadwal",
            weighed = "✓ Ditimbang",
            endSession = "Tutup Posyandu",
            endConfirm = { "Tutup Posyandu sekarang? $it orang yang belum hadir menjadi kunjungan rumah." },
            endYes = "Ya, tutup",
            ending = "Menutup…",
            endedTitle = "Posyandu sudah ditutup",
            endedSummary = { "$it orang tidak datang dan menjadi kunjungan rumah:" },
            nobodyAbsent = "Semua sasaran hadir. Tidak ada kunjungan rumah.",
            dayOverTitle = "Hari Posyandu sudah lewat",
            openToday = "Lihat daftar Hari ini",
            notANumber = "bukan angka",
            weightOrLength = "isi berat atau panjang badan",
            growthNeedsSexAndBirth = "Lengkapi jenis kelamin dan tanggal lahir untuk melihat status gizi",
            flagged = "periksa ulang pengukuran",
            kmsGain = { g, kbm -> "${if (g >= 0) "+" else ""}$g g (KBM $kbm g)" },
        )
        val en = PosyanduTexts(
            choose = "Choose a Posyandu",
            chooseHint = "Posyandu serving your RTs",
            noPosyandu = "No Posyandu for your area yet. Sync first to fetch the area's data.",
            rtCount = { "Serves $it RT(s)" },
            dayOf = "Posyandu date",
            todayMark = "today",
            previousDay = "Previous day",
            nextDay = "Next day",
            pickDate = "Pick a date",
            useDate = "Use this date",
            backToToday = "Back to today",
            expected = "Expected",
            attended = "Came",
            homeVisits = "Home visits",
            expectedList = { "Expected list ($it)" },
            nobodyExpected = "Nobody is expected on this day.",
            attendedMark = "✓ Came",
            weighHint = "Weigh ›",
            homeVisitMark = "Home visit",
            weight = "Weight (kg)",
            length = "Length (cm)",
            lengthDescription = "Length or height (cm)",
            weighing = { "Weighing: $it" },
            save = "Save",
            saving = "Saving…",
            full = "Full visit",
            close = "Close",
            saved = { "Saved: $it" },
            walkInButton = "+ Walk-in",
            walkInSearch = "Search name, NIK, KK or phone",
            walkInHint = "Type the name of someone who came but is not on the list.",
            noMatch = "No match",
            walkIns = "Walk-ins",
            weighed = "✓ Weighed",
            endSession = "Close the Posyandu",
            endConfirm = { "Close the Posyandu now? $it people who did not come become home visits." },
            endYes = "Yes, close",
            ending = "Closing…",
            endedTitle = "The Posyandu is closed",
            endedSummary = { "$it people did not come and are now home visits:" },
            nobodyAbsent = "Everyone expected came. No home visits.",
            dayOverTitle = "The Posyandu day is over",
            openToday = "Open today's worklist",
            notANumber = "not a number",
            weightOrLength = "enter a weight or a length",
            growthNeedsSexAndBirth = "Complete sex and birth date to see the nutritional status",
            flagged = "measure again",
            kmsGain = { g, kbm -> "${if (g >= 0) "+" else ""}$g g (KBM $kbm g)" },
        )

        fun of(language: Language) = language.pick(id, en)
    }
}

/** An error's text; the reasons the app itself gives (a number that is not one) are worded here. */
private fun errorText(error: UiError, language: Language, t: PosyanduTexts): String = when {
    error is UiError.Invalid && error.reason == PosyanduSessionViewModel.NOT_A_NUMBER ->
        UiError.fieldLabel(error.field, language) + ": " + t.notANumber
    error is UiError.Invalid && error.reason == PosyanduSessionViewModel.EMPTY_REASON ->
        UiError.fieldLabel(error.field, language) + ": " + t.weightOrLength
    else -> error.message(language)
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun PosyanduPickScreen(
    state: PosyanduPickState,
    onOpen: (PosyanduView) -> Unit,
    onPreviousDay: () -> Unit,
    onNextDay: () -> Unit,
    onShowDatePicker: (Boolean) -> Unit,
    onPickDate: (String) -> Unit,
    onToday: () -> Unit,
    onRetry: () -> Unit,
) {
    val language = LocalLanguage.current
    val t = PosyanduTexts.of(language)
    LazyColumn(
        Modifier.fillMaxSize(),
        contentPadding = PaddingValues(12.dp),
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        item(key = "date") {
            Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
                Text(t.dayOf, color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium)
                Row(verticalAlignment = Alignment.CenterVertically) {
                    DayStep("‹", t.previousDay, onPreviousDay)
                    Text(
                        Days.dayLabel(state.date, language) + if (state.date == state.today) " (${t.todayMark})" else "",
                        Modifier.weight(1f),
                        style = MaterialTheme.typography.titleMedium,
                    )
                    DayStep("›", t.nextDay, onNextDay)
                }
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    OutlinedButton({ onShowDatePicker(!state.pickingDate) }, Modifier.heightIn(min = TouchTarget)) {
                        Text(t.pickDate)
                    }
                    if (state.date != state.today) {
                        TextButton(onToday, Modifier.heightIn(min = TouchTarget)) { Text(t.backToToday) }
                    }
                }
            }
        }
        if (state.pickingDate) {
            item(key = "picker") {
                val picker = rememberDatePickerState(initialSelectedDateMillis = Days.toUtcMillis(state.date))
                Card(colors = CardDefaults.cardColors(containerColor = Color(0xFFF3F6F6))) {
                    DatePicker(picker, showModeToggle = false, title = null, headline = null)
                    Row(Modifier.padding(8.dp), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        Button(
                            { picker.selectedDateMillis?.let { onPickDate(Days.fromUtcMillis(it)) } },
                            Modifier.heightIn(min = TouchTarget),
                        ) { Text(t.useDate) }
                        TextButton({ onShowDatePicker(false) }, Modifier.heightIn(min = TouchTarget)) {
                            Text(id.posyandu.ilp.app.i18n.CommonTexts.of(language).cancel)
                        }
                    }
                }
            }
        }
        item(key = "title") { SectionTitle(t.choose, Modifier.semantics { heading() }) }
        when (val list = state.posyandu) {
            Load.Loading -> item(key = "loading") { LoadingView(Modifier.heightIn(min = 120.dp)) }
            is Load.Failed -> item(key = "error") { ErrorView(list.error, onRetry = onRetry) }
            is Load.Ready -> {
                if (list.value.isEmpty()) item(key = "empty") { Text(t.noPosyandu, color = IlpColors.muted) }
                items(list.value, key = { it.id }) { p ->
                    Card(
                        Modifier.fillMaxWidth().heightIn(min = TouchTarget)
                            .semantics(mergeDescendants = true) { role = Role.Button }
                            .clickable { onOpen(p) },
                    ) {
                        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
                            Text(p.name, style = MaterialTheme.typography.titleMedium)
                            Text(t.rtCount(p.rtIds.size), color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium)
                        }
                    }
                }
            }
        }
    }
}

@Composable
private fun DayStep(symbol: String, description: String, onClick: () -> Unit) {
    TextButton(onClick, Modifier.heightIn(min = TouchTarget).semantics { contentDescription = description }) {
        Text(symbol, style = MaterialTheme.typography.headlineSmall)
    }
}

/** Callbacks of the session screen. */
class PosyanduSessionActions(
    val onSelect: (ExpectedAttendee) -> Unit,
    val onWeight: (String) -> Unit,
    val onLength: (String) -> Unit,
    val onSave: () -> Unit,
    val onFull: (String) -> Unit,
    val onCloseDraft: () -> Unit,
    val onShowWalkIn: (Boolean) -> Unit,
    val onWalkInQuery: (String) -> Unit,
    val onAddWalkIn: (SearchResult) -> Unit,
    val onSelectWalkIn: (WalkIn) -> Unit,
    val onAskToEnd: (Boolean) -> Unit,
    val onEnd: () -> Unit,
    val onOpenToday: () -> Unit,
    val onRetry: () -> Unit,
)

/** A list row of the session screen: a key and what it shows. */
private class ListRow(val key: String, val content: @Composable () -> Unit)

@Composable
fun PosyanduSessionScreen(state: PosyanduSessionState, a: PosyanduSessionActions) {
    val language = LocalLanguage.current
    val t = PosyanduTexts.of(language)
    val view = when (val s = state.session) {
        Load.Loading -> return LoadingView()
        is Load.Failed -> return Column(Modifier.padding(16.dp)) { ErrorView(s.error, onRetry = a.onRetry) }
        is Load.Ready -> s.value
    }
    val draft = state.draft
    val rows = buildList {
        add(ListRow("header") { Header(state, view, language, t) })
        if (view.ended || (state.date < state.today && view.homeVisits > 0u)) {
            add(ListRow("summary") { EndSummary(state, view, t, a.onOpenToday) })
        }
        state.lastSaved?.let { saved -> add(ListRow("saved") { SavedCard(saved, language, t) }) }
        if (!view.ended) {
            add(ListRow("walkin") { WalkInPanel(state, t, a) })
            if (state.walkInOpen) {
                when (val r = state.walkInResults) {
                    null -> {}
                    Load.Loading -> add(ListRow("hits-loading") { LoadingView(Modifier.heightIn(min = 64.dp)) })
                    is Load.Failed -> add(ListRow("hits-error") { ErrorView(r.error) })
                    is Load.Ready -> {
                        if (r.value.isEmpty()) add(ListRow("hits-none") { Text(t.noMatch, color = IlpColors.muted) })
                        r.value.forEach { hit -> add(ListRow("hit-" + hit.personId) { HitRow(hit) { a.onAddWalkIn(hit) } }) }
                    }
                }
            }
        }
        val extra = state.extraWalkIns
        if (extra.isNotEmpty()) {
            add(ListRow("walkins-title") { SectionTitle(t.walkIns, Modifier.semantics { heading() }) })
            extra.forEach { w ->
                add(ListRow("w-" + w.personId) { WalkInRow(w, t, draft?.personId == w.personId) { a.onSelectWalkIn(w) } })
                if (draft?.personId == w.personId) add(ListRow("draft") { WeighingRow(draft, language, t, a) })
            }
        }
        add(ListRow("expected-title") { SectionTitle(t.expectedList(view.attendees.size), Modifier.semantics { heading() }) })
        if (view.attendees.isEmpty()) add(ListRow("nobody") { Text(t.nobodyExpected, color = IlpColors.muted) })
        view.attendees.forEach { p ->
            val open = draft?.personId == p.personId
            add(ListRow("a-" + p.personId) { AttendeeRow(p, t, open, enabled = !view.ended && !p.attended) { a.onSelect(p) } })
            if (open) add(ListRow("draft") { WeighingRow(draft!!, language, t, a) })
        }
    }
    val listState = rememberLazyListState()
    val draftIndex = rows.indexOfFirst { it.key == "draft" }
    LaunchedEffect(draft?.personId) {
        // The next person's row comes into view so its weight field can take the focus.
        if (draftIndex >= 0) listState.animateScrollToItem(maxOf(0, draftIndex - 1))
    }
    Column(Modifier.fillMaxSize()) {
        LazyColumn(
            Modifier.weight(1f).fillMaxWidth(),
            state = listState,
            contentPadding = PaddingValues(12.dp),
            verticalArrangement = Arrangement.spacedBy(6.dp),
        ) {
            items(rows, key = { it.key }) { it.content() }
        }
        if (state.canEnd) EndBar(state, view, language, t, a)
    }
}

@Composable
private fun Header(state: PosyanduSessionState, view: PosyanduSessionView, language: Language, t: PosyanduTexts) {
    Column(verticalArrangement = Arrangement.spacedBy(6.dp)) {
        Text(state.posyanduName ?: "Posyandu", style = MaterialTheme.typography.titleLarge)
        Text(
            Days.dayLabel(view.date, language) + if (view.date == state.today) " (${t.todayMark})" else "",
            color = IlpColors.muted,
        )
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Count(t.expected, view.expected.toInt(), MaterialTheme.colorScheme.primary, Color(0xFFE2F1F2), Modifier.weight(1f))
            Count(t.attended, view.attended.toInt(), IlpColors.good, IlpColors.goodContainer, Modifier.weight(1f))
            Count(t.homeVisits, view.homeVisits.toInt(), IlpColors.warning, IlpColors.warningContainer, Modifier.weight(1f))
        }
    }
}

@Composable
private fun Count(label: String, value: Int, color: Color, container: Color, modifier: Modifier) {
    Column(
        modifier.background(container, RoundedCornerShape(8.dp)).padding(horizontal = 8.dp, vertical = 6.dp)
            .semantics(mergeDescendants = true) { contentDescription = "$label: $value" },
    ) {
        Text(value.toString(), color = color, style = MaterialTheme.typography.headlineSmall)
        Text(label, color = color, style = MaterialTheme.typography.labelMedium, maxLines = 2)
    }
}

@Composable
private fun AttendeeRow(p: ExpectedAttendee, t: PosyanduTexts, open: Boolean, enabled: Boolean, onClick: () -> Unit) {
    val container = when {
        open -> Color(0xFFD7EEF0)
        p.attended -> IlpColors.goodContainer.copy(alpha = 0.5f)
        else -> Color(0xFFF6F7F8)
    }
    val status = when {
        p.attended -> t.attendedMark
        p.homeVisit -> t.homeVisitMark
        else -> t.weighHint
    }
    Card(
        Modifier.fillMaxWidth().heightIn(min = TouchTarget)
            .semantics(mergeDescendants = true) {
                if (enabled) role = Role.Button
                contentDescription = "${p.name}, ${p.ageLabel}, $status"
            }
            .then(if (enabled) Modifier.clickable(onClick = onClick) else Modifier),
        colors = CardDefaults.cardColors(containerColor = container),
    ) {
        Row(Modifier.padding(horizontal = 12.dp, vertical = 8.dp), verticalAlignment = Alignment.CenterVertically) {
            Column(Modifier.weight(1f)) {
                Text(
                    p.name + if (p.ageLabel.isNotEmpty()) " · ${p.ageLabel}" else "",
                    style = MaterialTheme.typography.titleMedium,
                )
                if (p.items.isNotEmpty()) {
                    Text(
                        p.items.joinToString(" · ") { it.label },
                        color = IlpColors.muted,
                        style = MaterialTheme.typography.bodyMedium,
                    )
                }
            }
            when {
                p.attended -> Badge(status, IlpColors.good, IlpColors.goodContainer)
                p.homeVisit -> Badge(status, IlpColors.warning, IlpColors.warningContainer)
                enabled -> Text(status, color = MaterialTheme.colorScheme.primary, style = MaterialTheme.typography.labelLarge)
            }
        }
    }
}

@Composable
private fun WeighingRow(d: WeighingDraft, language: Language, t: PosyanduTexts, a: PosyanduSessionActions) {
    val focus = remember { FocusRequester() }
    LaunchedEffect(d.personId) { runCatching { focus.requestFocus() } }
    val fieldError = (d.error as? UiError.Invalid)?.field?.substringAfterLast('.')
    Card(
        Modifier.fillMaxWidth(),
        colors = CardDefaults.cardColors(containerColor = Color(0xFFD7EEF0)),
    ) {
        Column(Modifier.padding(10.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(
                    t.weighing(d.name) + if (d.ageLabel.isNotEmpty()) " · ${d.ageLabel}" else "",
                    Modifier.weight(1f),
                    style = MaterialTheme.typography.labelLarge,
                    color = MaterialTheme.colorScheme.primary,
                )
                TextButton(a.onCloseDraft, Modifier.heightIn(min = 48.dp)) { Text(t.close + " ✕") }
            }
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                NumberField(t.weight, t.weight, d.weight, a.onWeight, fieldError == "weight_kg", Modifier.weight(1f).focusRequester(focus), ImeAction.Next, {})
                NumberField(t.length, t.lengthDescription, d.length, a.onLength, fieldError == "length_or_height_cm", Modifier.weight(1f), ImeAction.Done, a.onSave)
            }
            d.error?.let {
                Text(errorText(it, language, t), color = IlpColors.urgent, style = MaterialTheme.typography.bodyMedium)
            }
            d.assessment?.let { AssessmentLines(it, t) }
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalAlignment = Alignment.CenterVertically) {
                Button(
                    a.onSave,
                    Modifier.weight(1f).heightIn(min = TouchTarget).semantics { contentDescription = "${t.save} ${d.name}" },
                    enabled = !d.saving,
                ) { Text(if (d.saving) t.saving else t.save, style = MaterialTheme.typography.labelLarge) }
                OutlinedButton({ a.onFull(d.personId) }, Modifier.weight(1f).heightIn(min = TouchTarget)) { Text(t.full) }
            }
        }
    }
}

@Composable
private fun NumberField(
    label: String,
    description: String,
    value: String,
    onChange: (String) -> Unit,
    isError: Boolean,
    modifier: Modifier,
    ime: ImeAction,
    onIme: () -> Unit,
) {
    OutlinedTextField(
        value = value,
        onValueChange = onChange,
        modifier = modifier.semantics { contentDescription = description },
        label = { Text(label, maxLines = 1) },
        isError = isError,
        singleLine = true,
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Decimal, imeAction = ime),
        keyboardActions = KeyboardActions(onDone = { onIme() }),
        colors = androidx.compose.material3.OutlinedTextFieldDefaults.colors(
            focusedContainerColor = Color.White,
            unfocusedContainerColor = Color.White,
        ),
    )
}

/** What the core made of the numbers: KMS code, nutritional categories, alerts in red. */
@Composable
private fun AssessmentLines(m: MeasurementAssessment, t: PosyanduTexts) {
    Column(verticalArrangement = Arrangement.spacedBy(2.dp)) {
        m.kms?.let { k ->
            val good = k.code == "N"
            Row(horizontalArrangement = Arrangement.spacedBy(6.dp), verticalAlignment = Alignment.CenterVertically) {
                Badge(
                    "KMS ${k.code}",
                    if (good) IlpColors.good else IlpColors.warning,
                    if (good) IlpColors.goodContainer else IlpColors.warningContainer,
                )
                val gain = if (k.gainG != null && k.kbmG != null) " · " + t.kmsGain(k.gainG!!, k.kbmG!!.toInt()) else ""
                Text(k.label + gain, style = MaterialTheme.typography.bodyMedium)
            }
        }
        if (m.growthNeedsSexAndBirth) Text(t.growthNeedsSexAndBirth, color = IlpColors.warning, style = MaterialTheme.typography.bodyMedium)
        m.zScores.forEach { z ->
            val text = when {
                z.flagged -> t.flagged
                else -> z.categoryLabel ?: ("z " + decimal(Math.round(z.z * 10) / 10.0, LocalLanguage.current))
            }
            Text(
                "${shortIndicator(z.indicator)}: $text",
                color = if (z.flagged) IlpColors.warning else MaterialTheme.colorScheme.onSurface,
                style = MaterialTheme.typography.bodyMedium,
            )
        }
        m.alerts.forEach { Text(it, color = IlpColors.urgent, style = MaterialTheme.typography.bodyMedium, fontWeight = FontWeight.SemiBold) }
    }
}

/** The indicator abbreviations of the KMS and Buku KIA, the same in both languages. */
private fun shortIndicator(code: String) = when (code) {
    "wfa" -> "BB/U"
    "lhfa" -> "PB/U"
    "wflh" -> "BB/PB"
    "bmifa" -> "IMT/U"
    "hcfa" -> "LK/U"
    "acfa" -> "LiLA/U"
    else -> code
}

@Composable
private fun SavedCard(s: SavedWeighing, language: Language, t: PosyanduTexts) {
    val numbers = listOfNotNull(
        s.weightKg?.let { decimal(it, language) + " kg" },
        s.lengthCm?.let { decimal(it, language) + " cm" },
    ).joinToString(" · ")
    Card(Modifier.fillMaxWidth(), colors = CardDefaults.cardColors(containerColor = IlpColors.goodContainer)) {
        Column(Modifier.padding(10.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
            Text(t.saved(s.name), color = IlpColors.good, style = MaterialTheme.typography.titleMedium)
            if (numbers.isNotEmpty()) Text(numbers, style = MaterialTheme.typography.bodyLarge)
            s.assessment?.let { AssessmentLines(it, t) }
        }
    }
}

/** 8.2 as Indonesians write it, "8,2", and as English speakers do, "8.2". */
private fun decimal(x: Double, language: Language): String {
    val plain = if (x == Math.floor(x)) x.toLong().toString() else x.toString()
    return if (language == Language.Indonesian) plain.replace('.', ',') else plain
}

@Composable
private fun WalkInPanel(state: PosyanduSessionState, t: PosyanduTexts, a: PosyanduSessionActions) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        OutlinedButton({ a.onShowWalkIn(!state.walkInOpen) }, Modifier.fillMaxWidth().heightIn(min = TouchTarget)) {
            Text(t.walkInButton, style = MaterialTheme.typography.labelLarge)
        }
        if (state.walkInOpen) {
            LabeledField(t.walkInSearch, state.walkInQuery, a.onWalkInQuery)
            if (state.walkInQuery.isBlank()) Text(t.walkInHint, color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium)
        }
    }
}

@Composable
private fun HitRow(hit: SearchResult, onClick: () -> Unit) {
    val name = hit.name ?: hit.description ?: "-"
    val detail = listOfNotNull(hit.ageLabel, hit.rtLabel, hit.address).joinToString(" · ")
    Card(
        Modifier.fillMaxWidth().heightIn(min = TouchTarget)
            .semantics(mergeDescendants = true) { role = Role.Button; contentDescription = "$name, $detail" }
            .clickable(onClick = onClick),
    ) {
        Column(Modifier.padding(horizontal = 12.dp, vertical = 8.dp)) {
            Text(name, style = MaterialTheme.typography.titleMedium)
            if (detail.isNotEmpty()) Text(detail, color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium)
        }
    }
}

@Composable
private fun WalkInRow(w: WalkIn, t: PosyanduTexts, open: Boolean, onClick: () -> Unit) {
    Card(
        Modifier.fillMaxWidth().heightIn(min = TouchTarget)
            .semantics(mergeDescendants = true) { role = Role.Button }
            .clickable(enabled = !w.weighed, onClick = onClick),
        colors = CardDefaults.cardColors(containerColor = if (open) Color(0xFFD7EEF0) else Color(0xFFF6F7F8)),
    ) {
        Row(Modifier.padding(horizontal = 12.dp, vertical = 8.dp), verticalAlignment = Alignment.CenterVertically) {
            Column(Modifier.weight(1f)) {
                Text(w.name + (w.ageLabel?.let { " · $it" } ?: ""), style = MaterialTheme.typography.titleMedium)
                w.rtLabel?.let { Text(it, color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium) }
            }
            if (w.weighed) Badge(t.weighed, IlpColors.good, IlpColors.goodContainer)
            else Text(t.weighHint, color = MaterialTheme.colorScheme.primary, style = MaterialTheme.typography.labelLarge)
        }
    }
}

@Composable
private fun EndSummary(state: PosyanduSessionState, view: PosyanduSessionView, t: PosyanduTexts, onOpenToday: () -> Unit) {
    val absent = state.homeVisits
    Card(Modifier.fillMaxWidth(), colors = CardDefaults.cardColors(containerColor = IlpColors.warningContainer)) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(
                if (view.ended) t.endedTitle else t.dayOverTitle,
                Modifier.semantics { heading() },
                style = MaterialTheme.typography.titleMedium,
                color = IlpColors.warning,
            )
            if (absent.isEmpty()) {
                Text(t.nobodyAbsent, style = MaterialTheme.typography.bodyLarge)
            } else {
                Text(t.endedSummary(absent.size), style = MaterialTheme.typography.bodyLarge)
                absent.forEach { p ->
                    Text(
                        "• ${p.name}" + (if (p.ageLabel.isNotEmpty()) " (${p.ageLabel})" else "") +
                            (p.items.firstOrNull()?.let { " — ${it.label}" } ?: ""),
                        style = MaterialTheme.typography.bodyMedium,
                    )
                }
            }
            if (view.ended) BigButton(t.openToday, onOpenToday)
        }
    }
}

@Composable
private fun EndBar(state: PosyanduSessionState, view: PosyanduSessionView, language: Language, t: PosyanduTexts, a: PosyanduSessionActions) {
    Column(
        Modifier.fillMaxWidth().background(Color(0xFFF3F6F6)).padding(horizontal = 12.dp, vertical = 8.dp),
        verticalArrangement = Arrangement.spacedBy(6.dp),
    ) {
        HorizontalDivider()
        state.endError?.let { Text(it.message(language), color = IlpColors.urgent, style = MaterialTheme.typography.bodyMedium) }
        if (state.confirmingEnd) {
            Text(t.endConfirm(view.attendees.count { !it.attended }), style = MaterialTheme.typography.bodyLarge)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Button(a.onEnd, Modifier.weight(1f).heightIn(min = TouchTarget), enabled = !state.ending) {
                    Text(if (state.ending) t.ending else t.endYes, style = MaterialTheme.typography.labelLarge)
                }
                OutlinedButton({ a.onAskToEnd(false) }, Modifier.heightIn(min = TouchTarget)) {
                    Text(id.posyandu.ilp.app.i18n.CommonTexts.of(language).cancel)
                }
            }
        } else {
            BigButton(t.endSession, { a.onAskToEnd(true) })
        }
    }
}
