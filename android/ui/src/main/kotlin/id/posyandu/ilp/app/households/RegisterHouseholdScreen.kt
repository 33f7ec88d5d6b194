//! The register and edit forms: household fields, member rows (register only), the core's error
//! on top and on the field it names, and the save button fixed under the scrolling form.
package id.posyandu.ilp.app.households

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
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import id.posyandu.ilp.app.common.BigButton
import id.posyandu.ilp.app.common.ErrorView
import id.posyandu.ilp.app.common.LoadingView
import id.posyandu.ilp.app.common.SectionTitle
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.i18n.CommonTexts
import id.posyandu.ilp.app.i18n.Language
import id.posyandu.ilp.app.i18n.LocalLanguage
import id.posyandu.ilp.app.theme.IlpColors
import id.posyandu.ilp.app.theme.TouchTarget
import id.posyandu.ilp.core.NikWarningView
import id.posyandu.ilp.core.SexCode

@Composable
fun RegisterHouseholdScreen(
    state: RegisterHouseholdState,
    onHousehold: (HouseholdDraft) -> Unit,
    onMember: (MemberDraft) -> Unit,
    onAddRow: () -> Unit,
    onRemoveRow: (Int) -> Unit,
    onSave: () -> Unit,
    onOpenSaved: () -> Unit,
    onOpenExisting: () -> Unit,
    onRetry: () -> Unit,
) {
    val language = LocalLanguage.current
    val t = HouseholdTexts.of(language)
    val c = CommonTexts.of(language)
    val options = state.options
    val household = state.household
    when {
        options is Load.Failed -> Column(Modifier.padding(16.dp)) { ErrorView(options.error, onRetry = onRetry) }
        options !is Load.Ready || household == null -> LoadingView()
        state.saved != null && state.saved.warnings.isNotEmpty() ->
            SavedWithWarnings(state.saved.warnings, t, onOpenSaved)
        else -> Column(Modifier.fillMaxSize()) {
            Column(
                Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(12.dp),
                verticalArrangement = Arrangement.spacedBy(8.dp),
            ) {
                state.rt?.let { Text(it.label, style = MaterialTheme.typography.titleLarge) }
                FormError(state.error, language, t, onOpenExisting)
                SectionTitle(t.householdSection)
                val reason = (state.error as? UiError.Invalid)?.reason
                HouseholdFields(household, options.value.jkn, t, state.errorField, reason, onHousehold)
                SectionTitle(t.membersSection)
                state.members.forEachIndexed { i, m ->
                    MemberFields(
                        i, m, options.value.relations, t, state.errorField, reason, onMember,
                        onRemove = if (state.members.size > 1) ({ onRemoveRow(m.key) }) else null,
                        mothers = state.members.filter { it.key != m.key && it.name.isNotBlank() && it.sex != SexCode.MALE }
                            .map { it.key.toString() to it.name.trim() },
                        motherRef = m.motherKey?.toString(),
                        onMother = { ref -> onMember(m.copy(motherKey = ref?.toIntOrNull())) },
                    )
                }
                OutlinedButton(onAddRow, Modifier.fillMaxWidth().heightIn(min = TouchTarget).testTag("add-member-row")) {
                    Text(t.addMemberRow, style = MaterialTheme.typography.labelLarge)
                }
            }
            HorizontalDivider()
            BigButton(
                if (state.saving) t.saving else c.save, onSave,
                Modifier.padding(12.dp).testTag("save"), enabled = !state.saving,
            )
        }
    }
}

/** The core's refusal in words, naming the member row when the error is in one. */
@Composable
fun FormError(error: UiError?, language: Language, t: HouseholdTexts, onOpenExisting: (() -> Unit)? = null) {
    if (error == null) return
    val where = fieldOf(error)?.member?.let { t.checkMember(it) + " · " } ?: ""
    val shown = if (error is UiError.Invalid && where.isNotEmpty()) {
        UiError.Invalid(error.field.substringAfter("]."), error.reason)
    } else {
        error
    }
    Column(Modifier.semantics { liveRegion = LiveRegionMode.Assertive }.testTag("form-error")) {
        if (where.isNotEmpty()) Text(where.removeSuffix(" · "), color = IlpColors.urgent, style = MaterialTheme.typography.titleMedium)
        ErrorView(shown)
        if (error is UiError.DuplicateNik && onOpenExisting != null) {
            OutlinedButton(onOpenExisting, Modifier.fillMaxWidth().heightIn(min = TouchTarget).padding(top = 4.dp)) {
                Text(t.seeExisting)
            }
        }
    }
}

@Composable
private fun SavedWithWarnings(warnings: List<NikWarningView>, t: HouseholdTexts, onOpen: () -> Unit) {
    Column(Modifier.fillMaxSize().padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Text(t.savedWithWarnings, style = MaterialTheme.typography.titleLarge, color = IlpColors.good)
        warnings.forEach { w ->
            Column(
                Modifier.fillMaxWidth().background(IlpColors.warningContainer, RoundedCornerShape(8.dp)).padding(12.dp),
            ) {
                Text(t.member(w.memberIndex.toInt()), style = MaterialTheme.typography.titleMedium, color = IlpColors.warning)
                Text(w.message, style = MaterialTheme.typography.bodyLarge)
            }
        }
        BigButton(t.openHousehold, onOpen, Modifier.testTag("open-saved"))
    }
}

@Composable
fun EditHouseholdScreen(
    state: EditHouseholdState,
    onHousehold: (HouseholdDraft) -> Unit,
    onSave: () -> Unit,
    onRetry: () -> Unit,
) {
    val language = LocalLanguage.current
    val t = HouseholdTexts.of(language)
    val c = CommonTexts.of(language)
    val options = state.options
    val household = state.household
    when {
        options is Load.Failed -> Column(Modifier.padding(16.dp)) { ErrorView(options.error, onRetry = onRetry) }
        options !is Load.Ready || household == null -> LoadingView()
        else -> Column(Modifier.fillMaxSize()) {
            Column(
                Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(12.dp),
                verticalArrangement = Arrangement.spacedBy(8.dp),
            ) {
                Text(state.placeLabel, style = MaterialTheme.typography.titleLarge)
                FormError(state.error, language, t)
                HouseholdFields(household, options.value.jkn, t, state.errorField, (state.error as? UiError.Invalid)?.reason, onHousehold)
            }
            HorizontalDivider()
            BigButton(
                if (state.saving) t.saving else c.save, onSave,
                Modifier.padding(12.dp).testTag("save"), enabled = !state.saving,
            )
        }
    }
}
