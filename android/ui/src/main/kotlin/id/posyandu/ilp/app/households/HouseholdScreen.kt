//! The household screen: address, KK and JKN with the edit button, one card per member (age,
//! latest measurements, pregnancy, due items with the open ones highlighted, a visit button),
//! the family health index with its 12 indicators, and adding a member in place.
package id.posyandu.ilp.app.households

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
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.role
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import id.posyandu.ilp.app.common.Badge
import id.posyandu.ilp.app.common.BigButton
import id.posyandu.ilp.app.common.CodeTexts
import id.posyandu.ilp.app.common.ErrorView
import id.posyandu.ilp.app.common.InfoRow
import id.posyandu.ilp.app.common.LoadingView
import id.posyandu.ilp.app.common.SectionTitle
import id.posyandu.ilp.app.data.HouseholdView
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.i18n.CommonTexts
import id.posyandu.ilp.app.i18n.Language
import id.posyandu.ilp.app.i18n.LocalLanguage
import id.posyandu.ilp.app.theme.IlpColors
import id.posyandu.ilp.app.theme.TouchTarget
import id.posyandu.ilp.core.DueItemView
import id.posyandu.ilp.core.FamilyHealthIndex
import id.posyandu.ilp.core.MemberCard
import id.posyandu.ilp.core.PersonSchedule
import id.posyandu.ilp.core.SexCode

@Composable
fun HouseholdScreen(
    state: HouseholdState,
    onOpenPerson: (String) -> Unit,
    onVisit: (String) -> Unit,
    onEdit: () -> Unit,
    onStartAdd: () -> Unit,
    onNewMember: (MemberDraft) -> Unit,
    onCancelAdd: () -> Unit,
    onSaveMember: () -> Unit,
    onRetry: () -> Unit,
) {
    val language = LocalLanguage.current
    val t = HouseholdTexts.of(language)
    when (val v = state.view) {
        Load.Loading -> LoadingView()
        is Load.Failed -> Column(Modifier.padding(16.dp)) { ErrorView(v.error, onRetry = onRetry) }
        is Load.Ready -> LazyColumn(
            Modifier.fillMaxSize().testTag("household"),
            contentPadding = PaddingValues(12.dp),
            verticalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            item(key = "head") { Header(v.value, t, onEdit) }
            item(key = "members-title") { SectionTitle(t.membersSection + " (${v.value.detail.members.size})") }
            items(v.value.detail.members, key = { it.personId }) { m ->
                MemberCardView(m, v.value.schedules[m.personId], t, language, { onOpenPerson(m.personId) }, { onVisit(m.personId) })
            }
            item(key = "add") {
                val adding = state.adding
                if (adding == null) {
                    OutlinedButton(onStartAdd, Modifier.fillMaxWidth().heightIn(min = TouchTarget).testTag("add-member")) {
                        Text("+ " + t.addMember, style = MaterialTheme.typography.labelLarge)
                    }
                } else {
                    AddMember(state, adding, t, language, onNewMember, onCancelAdd, onSaveMember)
                }
            }
            item(key = "iks") { FamilyIndexCard(v.value.familyIndex, t) }
        }
    }
}

@Composable
private fun Header(v: HouseholdView, t: HouseholdTexts, onEdit: () -> Unit) {
    val h = v.detail
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Row(verticalAlignment = Alignment.CenterVertically) {
            Column(Modifier.weight(1f)) {
                Text(h.address ?: t.noAddress, style = MaterialTheme.typography.titleLarge, modifier = Modifier.semantics { heading() })
                Text(h.placeLabel, color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium)
            }
            OutlinedButton(
                onEdit,
                Modifier.heightIn(min = TouchTarget).testTag("edit-household")
                    .semantics { contentDescription = t.edit + " " + t.householdSection.lowercase() },
            ) { Text(t.edit, style = MaterialTheme.typography.labelLarge) }
        }
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalAlignment = Alignment.CenterVertically) {
            Text(t.jkn, style = MaterialTheme.typography.bodyMedium, color = IlpColors.muted)
            JknBadge(h.jkn, t.label(h.jkn, h.jknLabel))
        }
        IksSummary(v.familyIndex, t)
        h.kkNumber?.let { InfoRow("KK", it) }
        InfoRow(t.cleanWater, yesNo(h.cleanWater, t))
        InfoRow(t.healthyLatrine, yesNo(h.healthyLatrine, t))
        h.notes?.let { InfoRow(t.notes, it) }
    }
}

private fun yesNo(v: Boolean?, t: HouseholdTexts) = when (v) {
    true -> t.yes
    false -> t.no
    null -> t.notAsked
}

@Composable
private fun MemberCardView(
    m: MemberCard,
    schedule: PersonSchedule?,
    t: HouseholdTexts,
    language: Language,
    onOpen: () -> Unit,
    onVisit: () -> Unit,
) {
    val name = m.name ?: m.description ?: "?"
    val sex = when (m.sex) {
        SexCode.FEMALE -> t.female
        SexCode.MALE -> t.male
        null -> null
    }
    val relation = m.relation?.let { t.label(it, m.relationLabel ?: it) }
    val facts = listOfNotNull(relation, m.ageLabel, sex).joinToString(" · ")
    val open = schedule?.items.orEmpty().filter { it.status == "due" || it.status == "overdue" }
    val next = schedule?.items.orEmpty().filter { it.status == "upcoming" }.take(2)
    val urgent = open.any { it.status == "overdue" }
    Card(
        Modifier.fillMaxWidth().testTag("member-card-" + m.personId),
        colors = CardDefaults.cardColors(
            containerColor = if (open.isEmpty()) MaterialTheme.colorScheme.surfaceVariant else IlpColors.warningContainer.copy(alpha = 0.45f),
        ),
    ) {
        Column(
            Modifier.fillMaxWidth().heightIn(min = TouchTarget)
                .semantics(mergeDescendants = true) {
                    role = Role.Button
                    contentDescription = t.openProfile(name) + ", " + facts
                }
                .clickable(onClick = onOpen)
                .padding(12.dp),
            verticalArrangement = Arrangement.spacedBy(4.dp),
        ) {
            Text(name, style = MaterialTheme.typography.titleMedium)
            if (facts.isNotEmpty()) Text(facts, style = MaterialTheme.typography.bodyMedium)
            m.nikMasked?.let { Text("NIK $it", color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium) }
            measurementsLine(m, t)?.let { Text(it, style = MaterialTheme.typography.bodyLarge) }
            m.pregnancy?.takeIf { it.outcome == null }?.let { p ->
                Badge(
                    t.pregnant(p.gestationalWeeks) + (p.edd?.let { " · " + t.edd(it) } ?: ""),
                    MaterialTheme.colorScheme.primary, MaterialTheme.colorScheme.primaryContainer,
                )
            }
        }
        Column(Modifier.padding(start = 12.dp, end = 12.dp, bottom = 12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            HorizontalDivider()
            if (open.isEmpty()) {
                Text(t.nothingDue, color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium)
            } else {
                Text(t.dueNow, style = MaterialTheme.typography.labelLarge, color = if (urgent) IlpColors.urgent else IlpColors.warning)
                open.forEach { DueRow(it, language) }
            }
            if (next.isNotEmpty()) {
                Text(
                    t.upcoming + ": " + next.joinToString("; ") { "${it.label} (${it.due})" },
                    color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium,
                )
            }
            Button(
                onVisit,
                Modifier.fillMaxWidth().heightIn(min = TouchTarget).testTag("visit-" + m.personId)
                    .semantics { contentDescription = t.visit + " " + name },
            ) { Text(t.visit, style = MaterialTheme.typography.labelLarge) }
        }
    }
}

@Composable
private fun DueRow(item: DueItemView, language: Language) {
    val (fg, bg) = CodeTexts.colors(item.status)
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalAlignment = Alignment.CenterVertically) {
        Badge(CodeTexts.status(item.status, language), fg, bg)
        Text(item.label + (if (item.highRisk) " ⚠" else ""), Modifier.weight(1f), style = MaterialTheme.typography.bodyLarge)
    }
}

private fun measurementsLine(m: MemberCard, t: HouseholdTexts): String? {
    val l = m.latest
    val parts = listOfNotNull(
        l.weightKg?.let(t.weight),
        l.lengthOrHeightCm?.let { t.height(it, l.measuredLying) },
        l.muacCm?.let(t.muac),
        if (l.systolicMmhg != null && l.diastolicMmhg != null) t.bloodPressure(l.systolicMmhg!!, l.diastolicMmhg!!) else null,
        l.bloodGlucoseMgDl?.let(t.glucose),
    )
    return parts.takeIf { it.isNotEmpty() }?.joinToString(" · ")
}

/** The index and its class, or how many indicators still wait to be asked. */
@Composable
private fun IksSummary(iks: FamilyHealthIndex, t: HouseholdTexts) {
    val score = iks.score?.let { String.format(java.util.Locale.ROOT, "%.3f", it) }
    val (fg, bg) = when (iks.`class`) {
        "healthy" -> IlpColors.good to IlpColors.goodContainer
        "pre_healthy" -> IlpColors.warning to IlpColors.warningContainer
        "unhealthy" -> IlpColors.urgent to IlpColors.urgentContainer
        else -> IlpColors.muted to MaterialTheme.colorScheme.surfaceVariant
    }
    if (score != null) {
        Badge(t.iksScore(score, iks.`class`?.let { t.label(it, iks.classLabel ?: it) }), fg, bg)
    }
    if (iks.notAskedYet > 0u) {
        val partial = iks.answeredScore?.let { String.format(java.util.Locale.ROOT, "%.3f", it) }
        Text(t.iksIncomplete(partial, iks.notAskedYet), color = IlpColors.warning, style = MaterialTheme.typography.bodyMedium)
    }
}

@Composable
private fun FamilyIndexCard(iks: FamilyHealthIndex, t: HouseholdTexts) {
    Card(Modifier.fillMaxWidth().testTag("iks")) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(t.iksTitle, style = MaterialTheme.typography.titleMedium, color = MaterialTheme.colorScheme.primary, modifier = Modifier.semantics { heading() })
            IksSummary(iks, t)
            iks.indicators.sortedBy { it.number }.forEach { ind ->
                val (afg, abg) = when (ind.answer) {
                    "yes" -> IlpColors.good to IlpColors.goodContainer
                    "no" -> IlpColors.urgent to IlpColors.urgentContainer
                    "not_asked_yet" -> IlpColors.warning to IlpColors.warningContainer
                    else -> IlpColors.muted to MaterialTheme.colorScheme.surfaceVariant
                }
                Row(
                    Modifier.fillMaxWidth().semantics(mergeDescendants = true) {},
                    horizontalArrangement = Arrangement.spacedBy(8.dp),
                    verticalAlignment = Alignment.CenterVertically,
                ) {
                    Text("${ind.number}. ${ind.label}", Modifier.weight(1f), style = MaterialTheme.typography.bodyMedium)
                    Badge(t.label(ind.answer, ind.answerLabel), afg, abg)
                }
            }
        }
    }
}

@Composable
private fun AddMember(
    state: HouseholdState,
    draft: MemberDraft,
    t: HouseholdTexts,
    language: Language,
    onChange: (MemberDraft) -> Unit,
    onCancel: () -> Unit,
    onSave: () -> Unit,
) {
    val c = CommonTexts.of(language)
    val current = (state.view as? Load.Ready)?.value?.detail?.members.orEmpty()
    val members = current.size
    Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
        SectionTitle(t.addMember)
        FormError(state.addError, language, t)
        MemberFields(
            members, draft, state.relations, t, state.addErrorField, (state.addError as? id.posyandu.ilp.app.data.UiError.Invalid)?.reason,
            onChange, onRemove = null, errorIndex = null,
            mothers = current.filter { it.sex != SexCode.MALE && it.name != null }.map { it.personId to it.name!! },
            motherRef = draft.motherId,
            onMother = { onChange(draft.copy(motherId = it)) },
        )
        BigButton(if (state.addSaving) t.saving else c.save, onSave, Modifier.testTag("save-member"), enabled = !state.addSaving)
        OutlinedButton(onCancel, Modifier.fillMaxWidth().heightIn(min = TouchTarget)) { Text(c.cancel) }
    }
}
