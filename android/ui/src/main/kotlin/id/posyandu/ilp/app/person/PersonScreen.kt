//! The person screen: who they are (age, masked NIK, JKN), then tabs for the growth chart, the
//! immunization card, the pregnancy with its ANC contacts, and the history; "Catat kunjungan"
//! opens the visit form. A pure function of PersonState.
package id.posyandu.ilp.app.person

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.ExperimentalFoundationApi
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.LazyListScope
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Card
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.ScrollableTabRow
import androidx.compose.material3.Tab
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.key
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import id.posyandu.ilp.app.common.Badge
import id.posyandu.ilp.app.common.BigButton
import id.posyandu.ilp.app.common.CodeTexts
import id.posyandu.ilp.app.common.ErrorView
import id.posyandu.ilp.app.common.InfoRow
import id.posyandu.ilp.app.common.LoadingView
import id.posyandu.ilp.app.common.SectionTitle
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.PersonProfile
import id.posyandu.ilp.app.i18n.Language
import id.posyandu.ilp.app.i18n.LocalLanguage
import id.posyandu.ilp.app.theme.IlpColors
import id.posyandu.ilp.app.theme.TouchTarget
import id.posyandu.ilp.core.DueItemView
import id.posyandu.ilp.core.GrowthChart
import id.posyandu.ilp.core.HistoryEntry
import id.posyandu.ilp.core.SexCode

class PersonTexts private constructor(
    val recordVisit: String,
    val tab: (PersonTab) -> String,
    val age: String,
    val sex: String,
    val male: String,
    val female: String,
    val birthDate: String,
    val estimated: String,
    val nik: String,
    val noNik: String,
    val jkn: String,
    val address: String,
    val place: String,
    val relation: String,
    val phone: String,
    val kader: String,
    val latest: String,
    val weight: String,
    val length: String,
    val height: String,
    val muac: String,
    val head: String,
    val bloodPressure: String,
    val glucose: String,
    val noHousehold: String,
    val indicator: (String) -> String,
    val axisMonths: String,
    val axisCm: String,
    val median: String,
    val child: String,
    val noPoints: String,
    val chartDescription: (label: String, points: Int, last: Double?, category: String?) -> String,
    val measurements: String,
    val dueOn: (String) -> String,
    val doneOn: (String) -> String,
    val noImmunizations: String,
    val hpht: String,
    val edd: String,
    val gestationAge: String,
    val gestation: (Long) -> String,
    val outcome: String,
    val ancProgress: (done: Int, total: Int) -> String,
    val ancContacts: String,
    val noHistory: String,
) {
    companion object {
        val id = PersonTexts(
            recordVisit = "Catat kunjungan",
            tab = {
                when (it) {
                    PersonTab.Profile -> "Profil"
                    PersonTab.Growth -> "Pertumbuhan"
                    PersonTab.Immunization -> "Imunisasi"
                    PersonTab.Pregnancy -> "Kehamilan"
                    PersonTab.History -> "Riwayat"
                }
            },
            age = "Umur",
            sex = "Jenis kelamin",
            male = "Laki-laki",
            female = "Perempuan",
            birthDate = "Tanggal lahir",
            estimated = "perkiraan",
            nik = "NIK",
            noNik = "Belum ada NIK",
            jkn = "JKN",
            address = "Alamat",
            place = "Wilayah",
            relation = "Hubungan",
            phone = "Nomor HP",
            kader = "Kader",
            latest = "Pengukuran terakhir",
            weight = "Berat badan",
            length = "Panjang badan",
            height = "Tinggi badan",
            muac = "LiLA",
            head = "Lingkar kepala",
            bloodPressure = "Tekanan darah",
            glucose = "Gula darah",
            noHousehold = "Tidak terdaftar di rumah tangga",
            indicator = {
                when (it) {
                    "wfa" -> "BB/U"
                    "lhfa" -> "PB/U · TB/U"
                    "wflh" -> "BB/PB · BB/TB"
                    "hcfa" -> "LK/U"
                    "acfa" -> "LiLA/U"
                    "bmifa" -> "IMT/U"
                    else -> it
                }
            },
            axisMonths = "Umur (bulan)",
            axisCm = "Panjang/tinggi (cm)",
            median = "Median",
            child = "Anak",
            noPoints = "Belum ada pengukuran untuk grafik ini",
            chartDescription = { label, n, last, category ->
                "Grafik $label: garis acuan −3 sampai +3 SD, $n titik pengukuran" +
                    (last?.let { ", terakhir ${num(it)}" } ?: "") + (category?.let { ", $it" } ?: "")
            },
            measurements = "Pengukuran",
            dueOn = { "Jadwal $it" },
            doneOn = { "Diberikan $it" },
            noImmunizations = "Tidak ada jadwal imunisasi",
            hpht = "HPHT",
            edd = "Taksiran persalinan (HPL)",
            gestationAge = "Usia kehamilan",
            gestation = { "$it minggu" },
            outcome = "Hasil persalinan",
            ancProgress = { d, t -> "ANC: $d dari $t kontak sudah" },
            ancContacts = "Kontak ANC",
            noHistory = "Belum ada riwayat",
        )
        val en = PersonTexts(
            recordVisit = "Record visit",
            tab = {
                when (it) {
                    PersonTab.Profile -> "Profile"
                    PersonTab.Growth -> "Growth"
                    PersonTab.Immunization -> "Immunization"
                    PersonTab.Pregnancy -> "Pregnancy"
                    PersonTab.History -> "History"
                }
            },
            age = "Age",
            sex = "Sex",
            male = "Male",
            female = "Female",
            birthDate = "Birth date",
            estimated = "estimated",
            nik = "NIK",
            noNik = "No NIK yet",
            jkn = "JKN",
            address = "Address",
            place = "Area",
            relation = "Relation",
            phone = "Phone",
            kader = "Kader",
            latest = "Latest measurements",
            weight = "Weight",
            length = "Length",
            height = "Height",
            muac = "MUAC",
            head = "Head circumference",
            bloodPressure = "Blood pressure",
            glucose = "Blood glucose",
            noHousehold = "Not registered in a household",
            indicator = {
                when (it) {
                    "wfa" -> "W/A"
                    "lhfa" -> "L/A · H/A"
                    "wflh" -> "W/L · W/H"
                    "hcfa" -> "HC/A"
                    "acfa" -> "MUAC/A"
                    "bmifa" -> "BMI/A"
                    else -> it
                }
            },
            axisMonths = "Age (months)",
            axisCm = "Length/height (cm)",
            median = "Median",
            child = "Child",
            noPoints = "No measurements for this chart yet",
            chartDescription = { label, n, last, category ->
                "Chart $label: reference lines −3 to +3 SD, $n measurements" +
                    (last?.let { ", latest ${num(it)}" } ?: "") + (category?.let { ", $it" } ?: "")
            },
            measurements = "Measurements",
            dueOn = { "Due $it" },
            doneOn = { "Given $it" },
            noImmunizations = "No immunization schedule",
            hpht = "Last menstrual period",
            edd = "Expected delivery",
            gestationAge = "Gestational age",
            gestation = { "$it weeks" },
            outcome = "Outcome",
            ancProgress = { d, t -> "ANC: $d of $t contacts done" },
            ancContacts = "ANC contacts",
            noHistory = "No history yet",
        )

        fun of(language: Language) = language.pick(id, en)
    }
}

/** Decimal comma, one decimal, as the Buku KIA writes numbers. */
internal fun num(v: Double): String = "%.1f".format(v).replace('.', ',')

@OptIn(ExperimentalFoundationApi::class)
@Composable
fun PersonScreen(
    state: PersonState,
    onTab: (PersonTab) -> Unit,
    onIndicator: (String) -> Unit,
    onRecordVisit: () -> Unit,
    onRetry: () -> Unit,
) {
    val language = LocalLanguage.current
    val t = PersonTexts.of(language)
    when (val p = state.profile) {
        Load.Loading -> LoadingView()
        is Load.Failed -> Column(Modifier.padding(16.dp)) { ErrorView(p.error, onRetry = onRetry) }
        is Load.Ready -> {
            val profile = p.value
            val tabs = state.tabs
            // One list: the header scrolls away, the tabs stay on top, so the chart gets the screen.
            LazyColumn(
                Modifier.fillMaxSize(),
                contentPadding = PaddingValues(bottom = 12.dp),
                verticalArrangement = Arrangement.spacedBy(8.dp),
            ) {
                item(key = "header") { Header(profile, t, language, onRecordVisit) }
                stickyHeader(key = "tabs") {
                    // Keyed by the tab list: the row's remembered tab positions must not outlive a change of tabs.
                    key(tabs) {
                        ScrollableTabRow(selectedTabIndex = tabs.indexOf(state.tab).coerceAtLeast(0), edgePadding = 8.dp) {
                            tabs.forEach { tab ->
                                Tab(
                                    selected = tab == state.tab,
                                    onClick = { onTab(tab) },
                                    modifier = Modifier.heightIn(min = TouchTarget),
                                    text = { Text(t.tab(tab), style = MaterialTheme.typography.labelLarge) },
                                )
                            }
                        }
                    }
                }
                when (state.tab) {
                    PersonTab.Profile -> profileTab(profile, t, language)
                    PersonTab.Growth -> growthTab(state, t, language, onIndicator, onRetry)
                    PersonTab.Immunization -> immunizationTab(state, t, language, onRetry)
                    PersonTab.Pregnancy -> pregnancyTab(state, profile, t, language, onRetry)
                    PersonTab.History -> historyTab(state, t, language, onRetry)
                }
            }
        }
    }
}

@Composable
private fun Header(profile: PersonProfile, t: PersonTexts, language: Language, onRecordVisit: () -> Unit) {
    val s = profile.subject
    Column(Modifier.fillMaxWidth().padding(12.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        Text(s.name, Modifier.semantics { heading() }, style = MaterialTheme.typography.titleLarge)
        val sex = when (s.sex) {
            SexCode.MALE -> t.male
            SexCode.FEMALE -> t.female
            null -> null
        }
        Text(
            listOfNotNull(s.ageLabel, sex, profile.placeLabel).joinToString(" · "),
            color = IlpColors.muted,
            style = MaterialTheme.typography.bodyMedium,
        )
        BigButton(t.recordVisit, onRecordVisit)
    }
}

private fun LazyListScope.profileTab(profile: PersonProfile, t: PersonTexts, language: Language) {
    val card = profile.card
    val s = profile.subject
    pad {
        Card(Modifier.fillMaxWidth()) {
            Column(Modifier.padding(12.dp)) {
                s.ageLabel?.let { InfoRow(t.age, it) }
                card?.birthDate?.let {
                    InfoRow(t.birthDate, Dates.day(it, language) + if (card.birthDateEstimated) " (${t.estimated})" else "")
                }
                InfoRow(t.nik, card?.nikMasked ?: t.noNik)
                profile.jknLabel?.let { InfoRow(t.jkn, it) }
                card?.relationLabel?.let { InfoRow(t.relation, it) }
                card?.phone?.let { InfoRow(t.phone, it) }
                InfoRow(t.place, profile.placeLabel ?: t.noHousehold)
                s.address?.let { InfoRow(t.address, it) }
                s.kader?.let { InfoRow(t.kader, it) }
            }
        }
    }
    val latest = card?.latest ?: return
    val rows = buildList {
        latest.weightKg?.let { add(t.weight to "${num(it)} kg") }
        latest.lengthOrHeightCm?.let { add((if (latest.measuredLying == true) t.length else t.height) to "${num(it)} cm") }
        latest.headCircumferenceCm?.let { add(t.head to "${num(it)} cm") }
        latest.muacCm?.let { add(t.muac to "${num(it)} cm") }
        if (latest.systolicMmhg != null && latest.diastolicMmhg != null) {
            add(t.bloodPressure to "${latest.systolicMmhg}/${latest.diastolicMmhg} mmHg")
        }
        latest.bloodGlucoseMgDl?.let { add(t.glucose to "${it.toInt()} mg/dL") }
    }
    if (rows.isNotEmpty()) {
        pad { SectionTitle(t.latest) }
        pad {
            Card(Modifier.fillMaxWidth()) {
                Column(Modifier.padding(12.dp)) { rows.forEach { (k, v) -> InfoRow(k, v) } }
            }
        }
    }
}

private fun LazyListScope.growthTab(
    state: PersonState,
    t: PersonTexts,
    language: Language,
    onIndicator: (String) -> Unit,
    onRetry: () -> Unit,
) {
    item(key = "indicators") {
        Row(Modifier.horizontalScroll(rememberScrollState()).padding(horizontal = 12.dp), horizontalArrangement = Arrangement.spacedBy(6.dp)) {
            GROWTH_INDICATORS.forEach { code ->
                FilterChip(
                    selected = code == state.indicator,
                    onClick = { onIndicator(code) },
                    label = { Text(t.indicator(code)) },
                    modifier = Modifier.heightIn(min = 48.dp),
                )
            }
        }
    }
    when (val c = state.chart) {
        null, Load.Loading -> pad { LoadingView(Modifier.heightIn(min = 200.dp)) }
        is Load.Failed -> pad { ErrorView(c.error, onRetry = onRetry) }
        is Load.Ready -> chartItems(c.value, t, language)
    }
}

private fun LazyListScope.chartItems(chart: GrowthChart, t: PersonTexts, language: Language) {
    pad { Text(chart.label, style = MaterialTheme.typography.titleMedium) }
    pad { GrowthChartCanvas(chart, t) }
    if (chart.points.isEmpty()) {
        pad { Text(t.noPoints, color = IlpColors.muted) }
        return
    }
    pad { SectionTitle(t.measurements) }
    padItems(chart.points.reversed()) { p ->
        val unit = when (chart.indicator) {
            "wfa", "wflh" -> "kg"
            "bmifa" -> "kg/m²"
            else -> "cm"
        }
        Column(Modifier.fillMaxWidth().padding(vertical = 4.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(Dates.day(p.date, language), Modifier.weight(1f), style = MaterialTheme.typography.bodyLarge)
                Text("${num(p.value)} $unit", style = MaterialTheme.typography.bodyLarge)
                p.kmsCode?.let { code ->
                    val (fg, bg) = kmsColors(code)
                    Badge(code, fg, bg, Modifier.semantics { contentDescription = "KMS $code" })
                }
            }
            val z = p.z?.let { "z ${"%.2f".format(it).replace('.', ',')}" }
            val line = listOfNotNull(z, p.categoryLabel).joinToString(" · ")
            if (line.isNotEmpty()) Text(line, color = categoryColor(p.category, p.flagged), style = MaterialTheme.typography.bodyMedium)
            p.referralReasons.forEach { Text(it, color = IlpColors.urgent, style = MaterialTheme.typography.bodyMedium) }
            HorizontalDivider()
        }
    }
}

/** N green, T red, O/B neutral: the colours of the KMS. */
fun kmsColors(code: String) = when (code) {
    "N" -> IlpColors.good to IlpColors.goodContainer
    "T" -> IlpColors.urgent to IlpColors.urgentContainer
    else -> IlpColors.muted to androidx.compose.ui.graphics.Color(0xFFEDEFF0)
}

/** A category the core named: normal ones in green, everything else as a warning or urgent. */
fun categoryColor(code: String?, flagged: Boolean) = when {
    flagged -> IlpColors.urgent
    code == null -> IlpColors.muted
    code == "normal" || code.startsWith("normal") -> IlpColors.good
    code.startsWith("severe") -> IlpColors.urgent
    else -> IlpColors.warning
}

private fun LazyListScope.dueRow(item: DueItemView, t: PersonTexts, language: Language) {
    pad(item.key) {
        val (fg, bg) = CodeTexts.colors(item.status)
        val status = if (language == Language.Indonesian) item.statusLabel else CodeTexts.status(item.status, language)
        val whenText = if (item.status == "done") t.doneOn(Dates.day(item.doneOn, language)) else t.dueOn(Dates.day(item.due, language))
        Row(
            Modifier.fillMaxWidth().heightIn(min = TouchTarget).padding(vertical = 4.dp)
                .semantics(mergeDescendants = true) { contentDescription = "${item.label}, $status, $whenText" },
            verticalAlignment = Alignment.CenterVertically,
            horizontalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            Column(Modifier.weight(1f)) {
                Text(item.label, style = MaterialTheme.typography.bodyLarge)
                Text(whenText, color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium)
            }
            Badge(status, fg, bg)
        }
    }
}

private fun LazyListScope.immunizationTab(state: PersonState, t: PersonTexts, language: Language, onRetry: () -> Unit) {
    when (val s = state.schedule) {
        Load.Loading -> pad { LoadingView(Modifier.heightIn(min = 200.dp)) }
        is Load.Failed -> pad { ErrorView(s.error, onRetry = onRetry) }
        is Load.Ready -> {
            val list = state.immunizations
            if (list.isEmpty()) pad { Text(t.noImmunizations, color = IlpColors.muted) }
            list.forEach { dueRow(it, t, language) }
        }
    }
}

private fun LazyListScope.pregnancyTab(
    state: PersonState,
    profile: PersonProfile,
    t: PersonTexts,
    language: Language,
    onRetry: () -> Unit,
) {
    val pregnancy = profile.card?.pregnancy ?: return
    pad {
        Card(Modifier.fillMaxWidth()) {
            Column(Modifier.padding(12.dp)) {
                pregnancy.hpht?.let { InfoRow(t.hpht, Dates.day(it, language)) }
                pregnancy.edd?.let { InfoRow(t.edd, Dates.day(it, language)) }
                pregnancy.gestationalWeeks?.let { InfoRow(t.gestationAge, t.gestation(it)) }
                pregnancy.outcome?.let { InfoRow(t.outcome, it) }
            }
        }
    }
    when (val s = state.schedule) {
        Load.Loading -> pad { LoadingView(Modifier.heightIn(min = 200.dp)) }
        is Load.Failed -> pad { ErrorView(s.error, onRetry = onRetry) }
        is Load.Ready -> {
            val anc = state.ancItems
            if (anc.isNotEmpty()) {
                val done = anc.count { it.status == "done" }
                pad {
                    Column(verticalArrangement = Arrangement.spacedBy(6.dp)) {
                        SectionTitle(t.ancContacts)
                        Text(t.ancProgress(done, anc.size), style = MaterialTheme.typography.bodyLarge)
                        LinearProgressIndicator(
                            progress = { done.toFloat() / anc.size },
                            modifier = Modifier.fillMaxWidth().heightIn(min = 8.dp),
                            color = IlpColors.good,
                        )
                    }
                }
                anc.forEach { dueRow(it, t, language) }
            }
        }
    }
}

private fun LazyListScope.historyTab(state: PersonState, t: PersonTexts, language: Language, onRetry: () -> Unit) {
    when (val h = state.history) {
        Load.Loading -> pad { LoadingView(Modifier.heightIn(min = 200.dp)) }
        is Load.Failed -> pad { ErrorView(h.error, onRetry = onRetry) }
        is Load.Ready -> {
            if (h.value.isEmpty()) pad { Text(t.noHistory, color = IlpColors.muted) }
            // One card per visit: its parts (measurement, immunizations, referral, ...) under one date.
            padItems(visitsOf(h.value), key = { it.first().eventId }) { parts ->
                val visit = parts.firstOrNull { it.kind == "visit" }
                Column(
                    Modifier.fillMaxWidth().padding(vertical = 4.dp).semantics(mergeDescendants = true) {},
                    verticalArrangement = Arrangement.spacedBy(2.dp),
                ) {
                    Text(
                        Dates.dateTime(parts.first().occurredAtMs, state.utcOffsetMinutes, language) +
                            (visit?.let { " · " + it.summary } ?: ""),
                        color = IlpColors.muted,
                        style = MaterialTheme.typography.labelMedium,
                    )
                    parts.filter { it !== visit }.forEach { e -> Text(e.summary, style = MaterialTheme.typography.bodyLarge) }
                    HorizontalDivider()
                }
            }
        }
    }
}

/**
 * Consecutive entries of the same visit together, newest visit first (the core's order). A part
 * names its visit in `visitId`; the visit entry itself is that id.
 */
internal fun visitsOf(entries: List<HistoryEntry>): List<List<HistoryEntry>> {
    fun visitOf(e: HistoryEntry) = e.visitId ?: e.eventId
    val out = mutableListOf<MutableList<HistoryEntry>>()
    for (e in entries) {
        val last = out.lastOrNull()
        if (last != null && visitOf(last.first()) == visitOf(e)) last += e else out += mutableListOf(e)
    }
    return out
}

/** A list item with the screen's side margins (the tab row and chip row run edge to edge). */
private fun LazyListScope.pad(key: Any? = null, content: @Composable () -> Unit) =
    item(key) { Box(Modifier.fillMaxWidth().padding(horizontal = 12.dp)) { content() } }

private fun <T> LazyListScope.padItems(list: List<T>, key: ((T) -> Any)? = null, content: @Composable (T) -> Unit) =
    items(list, key) { Box(Modifier.fillMaxWidth().padding(horizontal = 12.dp)) { content(it) } }
