//! Registering a household with its members in one call: the form's state, member rows added and
//! removed, the core's verdict (a field error put on the member row it names, a NIK already in
//! the area, NIK warnings to read after saving), and the household screen once saved.
package id.posyandu.ilp.app.households

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import id.posyandu.ilp.app.data.HouseholdRepository
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.RtChoice
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.nav.Navigator
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.core.CodeLabel
import id.posyandu.ilp.core.RegistrationResult
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** The choices the forms offer, from the core. */
data class FormOptions(val jkn: List<CodeLabel>, val relations: List<CodeLabel>)

data class RegisterHouseholdState(
    val options: Load<FormOptions> = Load.Loading,
    /** The RT the household goes in (label for the title). */
    val rt: RtChoice? = null,
    val household: HouseholdDraft? = null,
    val members: List<MemberDraft> = listOf(MemberDraft(0, relation = "head")),
    val saving: Boolean = false,
    val error: UiError? = null,
    /** Set once saved; the form stays only while NIK warnings wait to be read. */
    val saved: RegistrationResult? = null,
) {
    val errorField: FieldRef? get() = fieldOf(error)
}

class RegisterHouseholdViewModel(
    private val repository: HouseholdRepository,
    private val navigator: Navigator,
    /** The RT to register in; the user's first RT when null. */
    private val rtId: String?,
) : ViewModel() {
    private val mutable = MutableStateFlow(RegisterHouseholdState())
    val state: StateFlow<RegisterHouseholdState> = mutable.asStateFlow()
    private var nextKey = 1

    init {
        load()
    }

    fun load() {
        mutable.update { it.copy(options = Load.Loading) }
        viewModelScope.launch {
            try {
                val options = FormOptions(repository.jknCodes(), repository.relationCodes())
                val rts = repository.rts()
                val rt = rts.firstOrNull { it.id == rtId } ?: rtId?.let { RtChoice(it, it) } ?: rts.firstOrNull()
                mutable.update {
                    it.copy(
                        options = Load.Ready(options),
                        rt = rt,
                        household = it.household ?: rt?.let { r -> HouseholdDraft(r.id) },
                    )
                }
            } catch (e: Exception) {
                mutable.update { it.copy(options = Load.Failed(UiError.from(e))) }
            }
        }
    }

    fun onHousehold(draft: HouseholdDraft) = mutable.update { it.copy(household = draft, error = null) }

    fun onMember(draft: MemberDraft) = mutable.update { s ->
        s.copy(members = s.members.map { if (it.key == draft.key) draft else it }, error = null)
    }

    fun addMemberRow() = mutable.update { it.copy(members = it.members + MemberDraft(nextKey++), error = null) }

    fun removeMemberRow(key: Int) = mutable.update { s ->
        // Indexes shift, so an error naming members[i] would point at the wrong row.
        s.copy(
            members = s.members.filterNot { it.key == key }.map { if (it.motherKey == key) it.copy(motherKey = null) else it },
            error = null,
        )
    }

    fun save() {
        val s = mutable.value
        val household = s.household ?: return
        if (s.saving || s.saved != null) return
        mutable.update { it.copy(saving = true, error = null) }
        viewModelScope.launch {
            try {
                val result = repository.register(household.toForm(), s.members.map { it.toForm(s.members) })
                mutable.update { it.copy(saving = false, saved = result) }
                if (result.warnings.isEmpty()) navigator.replace(Route.Household(result.householdId))
            } catch (e: Exception) {
                mutable.update { it.copy(saving = false, error = UiError.from(e)) }
            }
        }
    }

    /** After reading the NIK warnings: on to the saved household. */
    fun openSaved() {
        val saved = mutable.value.saved ?: return
        navigator.replace(Route.Household(saved.householdId))
    }

    /** The person who already holds the NIK typed. */
    fun openExisting() {
        val e = mutable.value.error as? UiError.DuplicateNik ?: return
        navigator.push(Route.Person(e.existingPersonId))
    }
}
