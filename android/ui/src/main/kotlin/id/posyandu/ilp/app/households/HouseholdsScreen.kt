//! The households tab's screen: RT picker (when the user has several RTs), search box, the RT's
//! households or the search results, and the button to register a household in the shown RT.
package id.posyandu.ilp.app.households

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Card
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.role
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import id.posyandu.ilp.app.common.Badge
import id.posyandu.ilp.app.common.BigButton
import id.posyandu.ilp.app.common.ErrorView
import id.posyandu.ilp.app.common.LabeledField
import id.posyandu.ilp.app.common.LoadingView
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.RtChoice
import id.posyandu.ilp.app.i18n.LocalLanguage
import id.posyandu.ilp.app.theme.IlpColors
import id.posyandu.ilp.app.theme.TouchTarget
import id.posyandu.ilp.core.HouseholdRow
import id.posyandu.ilp.core.SearchResult
import id.posyandu.ilp.core.SexCode

@Composable
fun HouseholdsScreen(
    state: HouseholdsState,
    onSelectRt: (String) -> Unit,
    onQuery: (String) -> Unit,
    onOpenHousehold: (HouseholdRow) -> Unit,
    onOpenResult: (SearchResult) -> Unit,
    onRegister: () -> Unit,
    onRetry: () -> Unit,
) {
    val t = HouseholdTexts.of(LocalLanguage.current)
    when (val rts = state.rts) {
        Load.Loading -> LoadingView()
        is Load.Failed -> Column(Modifier.padding(16.dp)) { ErrorView(rts.error, onRetry = onRetry) }
        is Load.Ready -> Column(Modifier.fillMaxSize()) {
            Column(Modifier.padding(start = 12.dp, end = 12.dp, top = 8.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                if (rts.value.size > 1) {
                    RtPicker(state.rt, rts.value, t, onSelectRt)
                } else {
                    state.rt?.let { Text(it.label, style = MaterialTheme.typography.titleMedium, color = MaterialTheme.colorScheme.primary) }
                }
                LabeledField(t.searchLabel, state.query, onQuery, Modifier.testTag("search"))
            }
            Box(Modifier.weight(1f)) {
                val results = state.results
                if (results != null) SearchResults(results, t, onOpenResult, onRetry)
                else HouseholdList(state.households, t, onOpenHousehold, onRetry)
            }
            state.rt?.let { rt ->
                BigButton(
                    t.registerButton, onRegister,
                    Modifier.padding(12.dp).testTag("register").semantics { contentDescription = t.registerHere(rt.label) },
                )
            }
        }
    }
}

@Composable
private fun RtPicker(current: RtChoice?, rts: List<RtChoice>, t: HouseholdTexts, onSelect: (String) -> Unit) {
    var open by remember { mutableStateOf(false) }
    Box {
        OutlinedButton(
            { open = true },
            Modifier.fillMaxWidth().heightIn(min = TouchTarget).testTag("rt-picker")
                .semantics { contentDescription = t.pickRt + ": " + (current?.label ?: "") },
        ) {
            Text(current?.label ?: t.pickRt, Modifier.weight(1f), style = MaterialTheme.typography.titleMedium)
            Text("▾")
        }
        DropdownMenu(open, { open = false }) {
            rts.forEach { rt ->
                DropdownMenuItem(
                    text = { Text(rt.label, style = MaterialTheme.typography.bodyLarge) },
                    onClick = {
                        open = false
                        onSelect(rt.id)
                    },
                    modifier = Modifier.heightIn(min = TouchTarget),
                )
            }
        }
    }
}

@Composable
private fun HouseholdList(
    households: Load<List<HouseholdRow>>,
    t: HouseholdTexts,
    onOpen: (HouseholdRow) -> Unit,
    onRetry: () -> Unit,
) {
    when (households) {
        Load.Loading -> LoadingView()
        is Load.Failed -> Column(Modifier.padding(12.dp)) { ErrorView(households.error, onRetry = onRetry) }
        is Load.Ready -> LazyColumn(
            Modifier.fillMaxSize().testTag("households"),
            contentPadding = PaddingValues(12.dp),
            verticalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            if (households.value.isEmpty()) item { Text(t.noHouseholds, color = IlpColors.muted) }
            items(households.value, key = { it.id }) { h -> HouseholdCard(h, t) { onOpen(h) } }
        }
    }
}

@Composable
private fun HouseholdCard(h: HouseholdRow, t: HouseholdTexts, onClick: () -> Unit) {
    val title = h.headName ?: t.noHead
    val jkn = t.label(h.jkn, h.jknLabel)
    Card(
        Modifier.fillMaxWidth().heightIn(min = TouchTarget)
            .semantics(mergeDescendants = true) {
                role = Role.Button
                contentDescription = "$title, ${h.address ?: t.noAddress}, ${t.members(h.memberCount)}, $jkn"
            }
            .clickable(onClick = onClick),
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(title, style = MaterialTheme.typography.titleMedium)
            Text(h.address ?: t.noAddress, color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalAlignment = Alignment.CenterVertically) {
                Text(t.members(h.memberCount), style = MaterialTheme.typography.bodyMedium)
                JknBadge(h.jkn, jkn)
            }
        }
    }
}

/** JKN status in colour: without JKN (or unknown) is what a kader follows up. */
@Composable
fun JknBadge(code: String, label: String) {
    val (fg, bg) = when (code) {
        "pbi", "non_pbi" -> IlpColors.good to IlpColors.goodContainer
        "not_enrolled" -> IlpColors.urgent to IlpColors.urgentContainer
        else -> IlpColors.warning to IlpColors.warningContainer
    }
    Badge(label, fg, bg)
}

@Composable
private fun SearchResults(
    results: Load<List<SearchResult>>,
    t: HouseholdTexts,
    onOpen: (SearchResult) -> Unit,
    onRetry: () -> Unit,
) {
    when (results) {
        Load.Loading -> Box(Modifier.fillMaxWidth().padding(24.dp), contentAlignment = Alignment.TopCenter) {
            CircularProgressIndicator()
        }
        is Load.Failed -> Column(Modifier.padding(12.dp)) { ErrorView(results.error, onRetry = onRetry) }
        is Load.Ready -> LazyColumn(
            Modifier.fillMaxSize().testTag("results"),
            contentPadding = PaddingValues(12.dp),
            verticalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            item { Text(t.searchHint, color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium) }
            if (results.value.isEmpty()) item { Text(t.noResults, style = MaterialTheme.typography.titleMedium) }
            items(results.value, key = { it.personId }) { r -> ResultCard(r, t) { onOpen(r) } }
        }
    }
}

@Composable
private fun ResultCard(r: SearchResult, t: HouseholdTexts, onClick: () -> Unit) {
    val title = r.name ?: r.description ?: "?"
    val sex = when (r.sex) {
        SexCode.FEMALE -> t.female
        SexCode.MALE -> t.male
        null -> null
    }
    val line = listOfNotNull(sex, r.ageLabel, r.nikMasked?.let { "NIK $it" }).joinToString(" · ")
    val place = listOfNotNull(r.rtLabel, r.address).joinToString(" · ").ifEmpty {
        if (r.householdId == null) t.withoutHousehold else t.noAddress
    }
    Card(
        Modifier.fillMaxWidth().heightIn(min = TouchTarget)
            .semantics(mergeDescendants = true) {
                role = Role.Button
                contentDescription = "$title, $line, $place"
            }
            .clickable(onClick = onClick),
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(title, Modifier.weight(1f), style = MaterialTheme.typography.titleMedium)
                Badge(t.foundBy(r.matchedBy), IlpColors.muted, MaterialTheme.colorScheme.surfaceVariant)
            }
            if (line.isNotEmpty()) Text(line, style = MaterialTheme.typography.bodyMedium)
            Text(place, color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium)
        }
    }
}
