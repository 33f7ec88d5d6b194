//! Form pieces the register, edit and add-member screens share: the household's fields, one
//! member's row, choice chips and the relation picker. Each marks the field the core named in
//! its error and carries a test tag so the UI tests can type into a given member's row.
package id.posyandu.ilp.app.households

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.selectableGroup
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.error
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import id.posyandu.ilp.app.common.LabeledField
import id.posyandu.ilp.app.theme.IlpColors
import id.posyandu.ilp.app.theme.TouchTarget
import id.posyandu.ilp.core.CodeLabel
import id.posyandu.ilp.core.SexCode

/** The error text for `field` when the core's error names it. */
private fun FieldRef?.reasonFor(field: String, member: Int?, reason: String?): String? =
    if (this != null && this.member == member && this.field == field) reason else null

@Composable
fun HouseholdFields(
    draft: HouseholdDraft,
    jknOptions: List<CodeLabel>,
    t: HouseholdTexts,
    errorField: FieldRef?,
    errorReason: String?,
    onChange: (HouseholdDraft) -> Unit,
) {
    Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
        LabeledField(
            t.address, draft.address, { onChange(draft.copy(address = it)) },
            Modifier.testTag("household-address"),
            error = errorField.reasonFor("address", null, errorReason), singleLine = false,
        )
        LabeledField(
            t.kkNumber, draft.kkNumber, { v -> onChange(draft.copy(kkNumber = v.filter(Char::isDigit).take(20))) },
            Modifier.testTag("household-kk"),
            error = errorField.reasonFor("kk_number", null, errorReason), keyboard = KeyboardType.Number,
        )
        Text(t.jkn, style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(top = 8.dp))
        errorField.reasonFor("jkn", null, errorReason)?.let { Text(it, color = IlpColors.urgent) }
        Column(Modifier.selectableGroup()) {
            jknOptions.forEach { option ->
                val label = t.codeLabel(option)
                Row(
                    Modifier.fillMaxWidth().heightIn(min = TouchTarget)
                        .selectable(draft.jkn == option.code, role = Role.RadioButton) {
                            onChange(draft.copy(jkn = option.code))
                        }
                        .testTag("jkn-" + option.code),
                    verticalAlignment = Alignment.CenterVertically,
                ) {
                    RadioButton(selected = draft.jkn == option.code, onClick = null)
                    Text(label, Modifier.padding(start = 12.dp), style = MaterialTheme.typography.bodyLarge)
                }
            }
        }
        YesNoChoice(t.cleanWater, draft.cleanWater, t, "water") { onChange(draft.copy(cleanWater = it)) }
        YesNoChoice(t.healthyLatrine, draft.healthyLatrine, t, "latrine") { onChange(draft.copy(healthyLatrine = it)) }
        LabeledField(
            t.notes, draft.notes, { onChange(draft.copy(notes = it)) }, Modifier.testTag("household-notes"),
            error = errorField.reasonFor("notes", null, errorReason), singleLine = false,
        )
    }
}

/** Yes / no / not asked: the family health index counts an unasked answer apart from a "no". */
@Composable
private fun YesNoChoice(label: String, value: Boolean?, t: HouseholdTexts, tag: String, onChange: (Boolean?) -> Unit) {
    Column(Modifier.padding(top = 8.dp)) {
        Text(label, style = MaterialTheme.typography.titleMedium)
        Chips(listOf(true to t.yes, false to t.no, null to t.notAsked), value, tag, onChange)
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
fun <T> Chips(options: List<Pair<T, String>>, selected: T, tag: String, onSelect: (T) -> Unit) {
    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.selectableGroup()) {
        options.forEach { (value, text) ->
            FilterChip(
                selected = value == selected,
                onClick = { onSelect(value) },
                label = { Text(text, style = MaterialTheme.typography.bodyLarge) },
                // A tick as well as the colour: the selected chip must read in sunlight.
                leadingIcon = if (value == selected) ({ Text("✓", fontWeight = FontWeight.Bold) }) else null,
                modifier = Modifier.heightIn(min = TouchTarget).testTag("$tag-$value"),
            )
        }
    }
}

/**
 * One member's fields in a card. `index` is the member's place in the list the core receives
 * (its errors say `members[index].field`); `onRemove` is null when the row cannot be removed.
 */
@Composable
fun MemberFields(
    index: Int,
    draft: MemberDraft,
    relations: List<CodeLabel>,
    t: HouseholdTexts,
    errorField: FieldRef?,
    errorReason: String?,
    onChange: (MemberDraft) -> Unit,
    onRemove: (() -> Unit)?,
    /** The core names this row's fields with this member index (null: a single-person call). */
    errorIndex: Int? = index,
    /** Who can be picked as this member's mother: (reference, name). */
    mothers: List<Pair<String, String>> = emptyList(),
    motherRef: String? = null,
    onMother: (String?) -> Unit = {},
) {
    val flagged = errorField != null && errorField.member == errorIndex
    fun err(field: String) = errorField.reasonFor(field, errorIndex, errorReason)
    val tag = "member-$index"
    Card(
        Modifier.fillMaxWidth().testTag(tag),
        colors = CardDefaults.cardColors(
            containerColor = if (flagged) IlpColors.urgentContainer else MaterialTheme.colorScheme.surfaceVariant,
        ),
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(
                    t.member(index),
                    Modifier.weight(1f).semantics { heading() },
                    style = MaterialTheme.typography.titleMedium,
                    color = if (flagged) IlpColors.urgent else MaterialTheme.colorScheme.primary,
                )
                if (onRemove != null) {
                    TextButton(
                        onRemove,
                        Modifier.heightIn(min = TouchTarget).semantics { contentDescription = t.removeMemberRow(index) },
                    ) { Text("✕", color = IlpColors.urgent, style = MaterialTheme.typography.titleMedium) }
                }
            }
            LabeledField(t.name, draft.name, { onChange(draft.copy(name = it)) }, Modifier.testTag("$tag-name"), error = err("name"))
            LabeledField(
                t.nik, draft.nik, { v -> onChange(draft.copy(nik = v.filter(Char::isDigit).take(20))) },
                Modifier.testTag("$tag-nik"), error = err("nik"), keyboard = KeyboardType.Number,
            )
            Text(t.sex, style = MaterialTheme.typography.bodyLarge)
            err("sex")?.let { Text(it, color = IlpColors.urgent) }
            Chips(listOf(SexCode.FEMALE to t.female, SexCode.MALE to t.male), draft.sex, "$tag-sex") {
                onChange(draft.copy(sex = it))
            }
            LabeledField(
                t.birthDate, draft.birthDate, { onChange(draft.copy(birthDate = it.take(10))) },
                Modifier.testTag("$tag-birth"), error = err("birth_date"), keyboard = KeyboardType.Number,
            )
            LabeledField(
                t.ageYears, draft.ageYears, { v -> onChange(draft.copy(ageYears = v.filter(Char::isDigit).take(3))) },
                Modifier.testTag("$tag-age"), error = err("age_years") ?: err("age_months"), keyboard = KeyboardType.Number,
            )
            RelationPicker(draft.relation, relations, t, err("relation"), "$tag-relation") { onChange(draft.copy(relation = it)) }
            // A child's mother links the newborn and immunization schedules to her record.
            if (draft.relation in CHILD_RELATIONS && mothers.isNotEmpty()) {
                Text(t.mother, style = MaterialTheme.typography.bodyLarge)
                (err("mother_member_index") ?: err("mother_id"))?.let { Text(it, color = IlpColors.urgent) }
                Chips(mothers + (null to t.motherNotHere), motherRef, "$tag-mother", onMother)
            }
            LabeledField(
                t.phone, draft.phone, { v -> onChange(draft.copy(phone = v.filter { it.isDigit() || it == '+' }.take(16))) },
                Modifier.testTag("$tag-phone"), error = err("phone"), keyboard = KeyboardType.Phone,
            )
        }
    }
}

private val CHILD_RELATIONS = setOf("child", "grandchild")

@Composable
private fun RelationPicker(
    selected: String?,
    relations: List<CodeLabel>,
    t: HouseholdTexts,
    error: String?,
    tag: String,
    onSelect: (String) -> Unit,
) {
    var open by remember { mutableStateOf(false) }
    val current = relations.firstOrNull { it.code == selected }?.let(t::codeLabel) ?: t.choose
    Column {
        Text(t.relation, style = MaterialTheme.typography.bodyLarge)
        Box {
            OutlinedButton(
                { open = true },
                Modifier.fillMaxWidth().heightIn(min = TouchTarget).testTag(tag)
                    .semantics {
                        contentDescription = "${t.relation}: $current"
                        if (error != null) error(error)
                    },
            ) {
                Text(current, Modifier.weight(1f), style = MaterialTheme.typography.bodyLarge, color = Color.Unspecified)
                Text("▾")
            }
            DropdownMenu(open, { open = false }) {
                relations.forEach { r ->
                    DropdownMenuItem(
                        text = { Text(t.codeLabel(r), style = MaterialTheme.typography.bodyLarge) },
                        onClick = {
                            open = false
                            onSelect(r.code)
                        },
                        modifier = Modifier.heightIn(min = TouchTarget).testTag("$tag-${r.code}"),
                    )
                }
            }
        }
        error?.let { Text(it, color = IlpColors.urgent) }
    }
}
