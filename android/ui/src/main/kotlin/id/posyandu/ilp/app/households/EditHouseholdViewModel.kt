//! Editing a household's address, KK number, JKN status, water and latrine: the form starts from
//! what the core holds, the whole form is saved (the core checks it), and back to the household.
package id.posyandu.ilp.app.households

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import id.posyandu.ilp.app.data.HouseholdRepository
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.nav.Navigator
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

data class EditHouseholdState(
    val options: Load<FormOptions> = Load.Loading,
    /** "RT 003 / RW 001, Oesapa". */
    val placeLabel: String = "",
    val household: HouseholdDraft? = null,
    val saving: Boolean = false,
    val error: UiError? = null,
    val saved: Boolean = false,
) {
    val errorField: FieldRef? get() = fieldOf(error)
}

class EditHouseholdViewModel(
    private val repository: HouseholdRepository,
    private val navigator: Navigator,
    private val householdId: String,
) : ViewModel() {
    private val mutable = MutableStateFlow(EditHouseholdState())
    val state: StateFlow<EditHouseholdState> = mutable.asStateFlow()

    init {
        load()
    }

    fun load() {
        mutable.update { it.copy(options = Load.Loading) }
        viewModelScope.launch {
            try {
                val detail = repository.detail(householdId)
                val options = FormOptions(repository.jknCodes(), repository.relationCodes())
                mutable.update {
                    it.copy(options = Load.Ready(options), placeLabel = detail.placeLabel, household = HouseholdDraft.of(detail))
                }
            } catch (e: Exception) {
                mutable.update { it.copy(options = Load.Failed(UiError.from(e))) }
            }
        }
    }

    fun onHousehold(draft: HouseholdDraft) = mutable.update { it.copy(household = draft, error = null) }

    fun save() {
        val s = mutable.value
        val draft = s.household ?: return
        if (s.saving) return
        mutable.update { it.copy(saving = true, error = null) }
        viewModelScope.launch {
            try {
                repository.edit(householdId, draft.toForm())
                mutable.update { it.copy(saving = false, saved = true) }
                navigator.pop()
            } catch (e: Exception) {
                mutable.update { it.copy(saving = false, error = UiError.from(e)) }
            }
        }
    }
}
