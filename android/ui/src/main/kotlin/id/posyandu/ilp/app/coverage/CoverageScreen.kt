//! The coverage screens: the area and month pickers over the indicator table (percent, a bar
//! coloured against the app's default targets, numbers that open who is behind them), and the
//! list of persons or households behind one number.
package id.posyandu.ilp.app.coverage

import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxHeight
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.role
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import id.posyandu.ilp.app.common.Badge
import id.posyandu.ilp.app.common.ErrorView
import id.posyandu.ilp.app.common.LoadingView
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.i18n.Language
import id.posyandu.ilp.app.i18n.LocalLanguage
import id.posyandu.ilp.app.posyandu.Days
import id.posyandu.ilp.app.theme.IlpColors
import id.posyandu.ilp.app.theme.TouchTarget
import id.posyandu.ilp.core.CoverageRowView
import id.posyandu.ilp.core.CoverageView
import id.posyandu.ilp.core.SubjectRow

class CoverageTexts private constructor(
    val area: String,
    val change: String,
    val month: String,
    val previousMonth: String,
    val nextMonth: String,
    val targets: String,
    val periodMonth: String,
    val periodYear: (String) -> String,
    val periodAsOf: (String) -> String,
    val counted: (Int) -> String,
    val missing: (Int) -> String,
    val ofTotal: (Int, Int) -> String,
    val noDenominator: String,
    val onTarget: String,
    val nearTarget: String,
    val belowTarget: String,
    val lowerIsBetter: String,
    val countOnly: String,
    val asOf: (String) -> String,
    val noRows: String,
    val posyandu: String,
    val countedTitle: String,
    val missingTitle: String,
    val nobody: String,
    val kader: (String) -> String,
    val noKader: String,
    val household: String,
) {
    companion object {
        val id = CoverageTexts(
            area = "Wilayah",
            change = "Ganti",
            month = "Bulan",
            previousMonth = "Bulan sebelumnya",
            nextMonth = "Bulan berikutnya",
            targets = "Cakupan diwarnai menurut target bawaan aplikasi: hijau ≥ 80%, kuning 50–79%, merah < 50%. Masalah (stunting, BGM, 2T, …) tidak diwarnai: makin rendah makin baik.",
            periodMonth = "Bulan ini",
            periodYear = { "Kumulatif sejak Januari $it" },
            periodAsOf = { "Keadaan per $it" },
            counted = { "$it tercatat ›" },
            missing = { "$it belum ›" },
            ofTotal = { n, d -> "$n dari $d" },
            noDenominator = "Belum ada sasaran",
            onTarget = "mencapai target",
            nearTarget = "mendekati target",
            belowTarget = "di bawah target",
            lowerIsBetter = "masalah: makin rendah makin baik",
            countOnly = "jumlah, tanpa target",
            asOf = { "Dihitung sampai $it" },
            noRows = "Belum ada data cakupan",
            posyandu = "Posyandu",
            countedTitle = "Yang tercatat",
            missingTitle = "Yang belum (perlu ditindaklanjuti)",
            nobody = "Tidak ada orang di sini",
            kader = { "Kader: $it" },
            noKader = "Kader belum diketahui",
            household = "Rumah tangga",
        )
        val en = CoverageTexts(
            area = "Area",
            change = "Change",
            month = "Month",
            previousMonth = "Previous month",
            nextMonth = "Next month",
            targets = "Coverage is coloured by the app's default targets: green ≥ 80%, amber 50–79%, red < 50%. Problems (stunting, BGM, 2T, …) are not: lower is better.",
            periodMonth = "This month",
            periodYear = { "Year to date since January $it" },
            periodAsOf = { "As of $it" },
            counted = { "$it counted ›" },
            missing = { "$it missing ›" },
            ofTotal = { n, d -> "$n of $d" },
            noDenominator = "Nobody eligible yet",
            onTarget = "on target",
            nearTarget = "near target",
            belowTarget = "below target",
            lowerIsBetter = "a problem: lower is better",
            countOnly = "a count, no target",
            asOf = { "Counted up to $it" },
            noRows = "No coverage data yet",
            posyandu = "Posyandu",
            countedTitle = "Counted",
            missingTitle = "Missing (to follow up)",
            nobody = "Nobody here",
            kader = { "Kader: $it" },
            noKader = "Kader not known",
            household = "Household",
        )

        fun of(language: Language) = language.pick(id, en)
    }
}

/** The app's default targets (not a programme's): green from 80%, amber from 50%, red below. */
private enum class Band(val fill: Color, val text: Color, val container: Color) {
    OnTarget(Color(0xFF2E7D32), IlpColors.good, IlpColors.goodContainer),
    Near(Color(0xFFE3A008), IlpColors.warning, IlpColors.warningContainer),
    Below(IlpColors.urgent, IlpColors.urgent, IlpColors.urgentContainer),
}

private fun bandOf(percent: Double): Band = when {
    percent >= 80.0 -> Band.OnTarget
    percent >= 50.0 -> Band.Near
    else -> Band.Below
}

private fun percentText(p: Double, language: Language): String {
    val s = if (p == Math.floor(p)) p.toLong().toString() else p.toString()
    return (if (language == Language.Indonesian) s.replace('.', ',') else s) + "%"
}

@Composable
fun CoverageScreen(
    state: CoverageState,
    onShowAreaPicker: (Boolean) -> Unit,
    onPickArea: (AreaChoice) -> Unit,
    onPreviousMonth: () -> Unit,
    onNextMonth: () -> Unit,
    onOpenNumber: (CoverageRowView, Boolean) -> Unit,
    onRetry: () -> Unit,
) {
    val language = LocalLanguage.current
    val t = CoverageTexts.of(language)
    LazyColumn(
        Modifier.fillMaxSize(),
        contentPadding = PaddingValues(12.dp),
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        item(key = "pickers") { Pickers(state, language, t, onShowAreaPicker, onPreviousMonth, onNextMonth) }
        val choices = (state.choices as? Load.Ready)?.value.orEmpty()
        if (state.pickingArea) {
            items(choices, key = { "choice-" + it.id }) { c ->
                val selected = c.id == state.selected?.id
                Text(
                    c.label,
                    Modifier.fillMaxWidth().heightIn(min = 48.dp)
                        .background(if (selected) Color(0xFFD7EEF0) else Color.Transparent, RoundedCornerShape(6.dp))
                        .semantics { role = Role.Button }
                        .clickable { onPickArea(c) }
                        .padding(start = (12 + 20 * c.depth).dp, top = 12.dp, bottom = 12.dp, end = 12.dp),
                    style = if (c.level == "rt") MaterialTheme.typography.bodyLarge else MaterialTheme.typography.titleMedium,
                    color = if (c.level == "posyandu") MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.onSurface,
                )
            }
        }
        when (val c = state.coverage) {
            Load.Loading -> item(key = "loading") { LoadingView(Modifier.heightIn(min = 160.dp)) }
            // A refused month or area is not fixed by asking again: the pickers above are the way out.
            is Load.Failed -> item(key = "error") {
                ErrorView(c.error, onRetry = onRetry.takeUnless { c.error is UiError.Invalid || c.error is UiError.NotAllowed })
            }
            is Load.Ready -> table(c.value, language, t, onOpenNumber)
        }
    }
}

@Composable
private fun Pickers(
    state: CoverageState,
    language: Language,
    t: CoverageTexts,
    onShowAreaPicker: (Boolean) -> Unit,
    onPreviousMonth: () -> Unit,
    onNextMonth: () -> Unit,
) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Row(verticalAlignment = Alignment.CenterVertically) {
            Column(Modifier.weight(1f)) {
                Text(if (state.selected?.level == "posyandu") t.posyandu else t.area, color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium)
                Text(
                    (state.coverage as? Load.Ready)?.value?.areaLabel ?: state.selected?.label ?: "…",
                    style = MaterialTheme.typography.titleLarge,
                )
            }
            OutlinedButton(
                { onShowAreaPicker(!state.pickingArea) },
                Modifier.heightIn(min = TouchTarget).semantics { contentDescription = "${t.change} ${t.area}" },
                enabled = state.choices is Load.Ready,
            ) { Text(t.change + if (state.pickingArea) " ▴" else " ▾") }
        }
        Row(verticalAlignment = Alignment.CenterVertically) {
            TextButton(onPreviousMonth, Modifier.heightIn(min = TouchTarget).semantics { contentDescription = t.previousMonth }) {
                Text("‹", style = MaterialTheme.typography.headlineSmall)
            }
            Text(
                Days.monthLabel(state.month, language),
                Modifier.weight(1f).semantics { contentDescription = "${t.month} ${Days.monthLabel(state.month, language)}" },
                style = MaterialTheme.typography.titleMedium,
                textAlign = TextAlign.Center,
            )
            TextButton(
                onNextMonth,
                Modifier.heightIn(min = TouchTarget).semantics { contentDescription = t.nextMonth },
                enabled = state.canGoForward,
            ) { Text("›", style = MaterialTheme.typography.headlineSmall) }
        }
        Text(t.targets, color = IlpColors.muted, style = MaterialTheme.typography.labelMedium)
    }
}

private fun androidx.compose.foundation.lazy.LazyListScope.table(
    view: CoverageView,
    language: Language,
    t: CoverageTexts,
    onOpenNumber: (CoverageRowView, Boolean) -> Unit,
) {
    item(key = "as-of") { Text(t.asOf(view.asOf), color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium) }
    if (view.rows.isEmpty()) item(key = "no-rows") { Text(t.noRows, color = IlpColors.muted) }
    items(view.rows, key = { "row-" + it.code }) { row -> RowCard(row, view, language, t, onOpenNumber) }
}

@Composable
private fun RowCard(
    row: CoverageRowView,
    view: CoverageView,
    language: Language,
    t: CoverageTexts,
    onOpenNumber: (CoverageRowView, Boolean) -> Unit,
) {
    val percent = row.percent
    // Only a coverage is coloured against the targets; the core says which rows are problems
    // (stunting, BGM: better lower) or plain counts.
    val band = percent?.takeIf { row.better == "higher" }?.let { bandOf(it) }
    val bandText = when {
        percent == null -> t.noDenominator
        band == Band.OnTarget -> t.onTarget
        band == Band.Near -> t.nearTarget
        band == Band.Below -> t.belowTarget
        row.better == "lower" -> t.lowerIsBetter
        else -> t.countOnly
    }
    val period = when (row.period) {
        "month" -> t.periodMonth
        "year_to_date" -> t.periodYear(view.month.take(4))
        else -> t.periodAsOf(view.asOf)
    }
    Card(Modifier.fillMaxWidth(), colors = CardDefaults.cardColors(containerColor = Color(0xFFF6F7F8))) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(row.label, Modifier.semantics { heading() }, style = MaterialTheme.typography.titleMedium)
            Badge(period, MaterialTheme.colorScheme.primary, Color(0xFFE2F1F2))
            Row(
                verticalAlignment = Alignment.CenterVertically,
                horizontalArrangement = Arrangement.spacedBy(10.dp),
                modifier = Modifier.semantics(mergeDescendants = true) {
                    contentDescription = "${row.label}: " +
                        (percent?.let { percentText(it, language) } ?: "-") + ", " +
                        t.ofTotal(row.numerator.toInt(), row.denominator.toInt()) + ", " + bandText
                },
            ) {
                Text(
                    percent?.let { percentText(it, language) } ?: "–",
                    Modifier.width(84.dp),
                    color = band?.text ?: IlpColors.muted,
                    style = MaterialTheme.typography.headlineSmall,
                )
                Column(Modifier.weight(1f), verticalArrangement = Arrangement.spacedBy(2.dp)) {
                    Box(Modifier.fillMaxWidth().height(14.dp).background(Color(0xFFDADFE1), RoundedCornerShape(7.dp))) {
                        if (percent != null) {
                            Box(
                                Modifier.fillMaxWidth((percent / 100.0).coerceIn(0.0, 1.0).toFloat()).fillMaxHeight()
                                    .background(band?.fill ?: IlpColors.muted, RoundedCornerShape(7.dp)),
                            )
                        }
                    }
                    Text(bandText, color = band?.text ?: IlpColors.muted, style = MaterialTheme.typography.labelMedium)
                }
            }
            Text(t.ofTotal(row.numerator.toInt(), row.denominator.toInt()), style = MaterialTheme.typography.bodyLarge)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                NumberButton(t.counted(row.numerator.toInt()), row.numerator > 0u, Modifier.weight(1f)) { onOpenNumber(row, true) }
                val missing = row.missingIds.size
                NumberButton(t.missing(missing), missing > 0, Modifier.weight(1f)) { onOpenNumber(row, false) }
            }
        }
    }
}

@Composable
private fun NumberButton(text: String, enabled: Boolean, modifier: Modifier, onClick: () -> Unit) {
    OutlinedButton(
        onClick,
        modifier.heightIn(min = TouchTarget),
        enabled = enabled,
        contentPadding = PaddingValues(horizontal = 8.dp, vertical = 8.dp),
    ) {
        Text(text, style = MaterialTheme.typography.labelLarge, textAlign = TextAlign.Center)
    }
}

@Composable
fun CoverageDrilldownScreen(state: CoverageDrilldownState, onOpen: (SubjectRow) -> Unit, onRetry: () -> Unit) {
    val language = LocalLanguage.current
    val t = CoverageTexts.of(language)
    LazyColumn(
        Modifier.fillMaxSize(),
        contentPadding = PaddingValues(12.dp),
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        item(key = "head") {
            Column(verticalArrangement = Arrangement.spacedBy(2.dp)) {
                Text(state.row?.label ?: state.route.indicatorCode, style = MaterialTheme.typography.titleLarge)
                Text(
                    listOfNotNull(state.areaLabel, Days.monthLabel(state.route.month, language)).joinToString(" · "),
                    color = IlpColors.muted,
                )
                val count = state.row?.let { if (state.route.counted) it.numeratorIds.size else it.missingIds.size }
                Text(
                    (if (state.route.counted) t.countedTitle else t.missingTitle) + (count?.let { " ($it)" } ?: ""),
                    Modifier.padding(top = 8.dp).semantics { heading() },
                    style = MaterialTheme.typography.titleMedium,
                    color = if (state.route.counted) IlpColors.good else IlpColors.urgent,
                )
            }
        }
        when (val s = state.subjects) {
            Load.Loading -> item(key = "loading") { LoadingView(Modifier.heightIn(min = 160.dp)) }
            is Load.Failed -> item(key = "error") { ErrorView(s.error, onRetry = onRetry) }
            is Load.Ready -> {
                if (s.value.isEmpty()) item(key = "nobody") { Text(t.nobody, color = IlpColors.muted) }
                items(s.value, key = { it.id }) { subject -> SubjectCard(subject, t) { onOpen(subject) } }
            }
        }
    }
}

@Composable
private fun SubjectCard(s: SubjectRow, t: CoverageTexts, onClick: () -> Unit) {
    val title = s.name + (s.ageLabel?.let { " · $it" } ?: "") + if (s.kind == "household") " (${t.household})" else ""
    Card(
        Modifier.fillMaxWidth().heightIn(min = TouchTarget)
            .semantics(mergeDescendants = true) { role = Role.Button; contentDescription = title + ", " + (s.rtLabel ?: "") }
            .clickable(onClick = onClick),
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
            Text(title, style = MaterialTheme.typography.titleMedium)
            listOfNotNull(s.address, s.rtLabel).joinToString(" · ").takeIf { it.isNotEmpty() }?.let {
                Text(it, color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium)
            }
            Text(s.kader?.let(t.kader) ?: t.noKader, style = MaterialTheme.typography.bodyMedium)
        }
    }
}
