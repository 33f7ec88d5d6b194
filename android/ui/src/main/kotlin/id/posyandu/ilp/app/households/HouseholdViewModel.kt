//! One household: its members with their latest measurements, pregnancy and due items, the family
//! health index and JKN status, all decided by the core; from here a member's profile, a visit,
//! the edit form, and adding a member (a newborn, someone moving in) without leaving the screen.
package id.posyandu.ilp.app.households

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import id.posyandu.ilp.app.data.HouseholdRepository
import id.posyandu.ilp.app.data.HouseholdView
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.nav.Navigator
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.core.CodeLabel
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.drop
import kotlinx.coroutines.flow.filter
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

data class HouseholdState(
    val view: Load<HouseholdView> = Load.Loading,
    /** The new member's row while "Tambah anggota" is open. */
    val adding: MemberDraft? = null,
    val relations: List<CodeLabel> = emptyList(),
    val addSaving: Boolean = false,
    val addError: UiError? = null,
) {
    val addErrorField: FieldRef? get() = fieldOf(addError)
}

class HouseholdViewModel(
    private val repository: HouseholdRepository,
    private val navigator: Navigator,
    private val householdId: String,
    /** The day due items are computed for (YYYY-MM-DD); the phone's today when null. */
    private val date: String? = null,
    /** Goes up when a visit is saved anywhere: a member's due items may have changed. */
    private val visitsSaved: StateFlow<Long>? = null,
) : ViewModel() {
    private val mutable = MutableStateFlow(HouseholdState())
    val state: StateFlow<HouseholdState> = mutable.asStateFlow()

    init {
        refresh()
        // Coming back from the edit form shows what was saved.
        viewModelScope.launch { repository.changed.filter { it == householdId }.collect { reload() } }
        // Back from a visit recorded from this screen, the member's items show it.
        visitsSaved?.let { saved -> viewModelScope.launch { saved.drop(1).collect { reload() } } }
    }

    fun refresh() {
        mutable.update { it.copy(view = Load.Loading) }
        reload()
    }

    /** Reloads without blanking the screen first. */
    private fun reload() {
        viewModelScope.launch {
            val loaded = try {
                Load.Ready(repository.view(householdId, date))
            } catch (e: Exception) {
                Load.Failed(UiError.from(e))
            }
            mutable.update { it.copy(view = loaded) }
        }
    }

    fun openPerson(personId: String) = navigator.push(Route.Person(personId))

    fun visit(personId: String) = navigator.push(Route.Visit(personId))

    fun edit() = navigator.push(Route.EditHousehold(householdId))

    fun startAddMember() {
        mutable.update { it.copy(adding = MemberDraft(0), addError = null) }
        if (mutable.value.relations.isEmpty()) {
            viewModelScope.launch {
                val relations = runCatching { repository.relationCodes() }.getOrDefault(emptyList())
                mutable.update { it.copy(relations = relations) }
            }
        }
    }

    fun onNewMember(draft: MemberDraft) = mutable.update { it.copy(adding = draft, addError = null) }

    fun cancelAddMember() = mutable.update { it.copy(adding = null, addError = null) }

    fun saveMember() {
        val s = mutable.value
        val draft = s.adding ?: return
        if (s.addSaving) return
        mutable.update { it.copy(addSaving = true, addError = null) }
        viewModelScope.launch {
            try {
                repository.addMember(householdId, draft.toForm())
                // The list reloads through `changed`.
                mutable.update { it.copy(addSaving = false, adding = null) }
            } catch (e: Exception) {
                mutable.update { it.copy(addSaving = false, addError = UiError.from(e)) }
            }
        }
    }
}
