//! The households tab: the RTs the user may open (one for most kaders, every RT of the kelurahan
//! for a bidan), the households of the chosen RT, and the spelling-tolerant search over the user's
//! whole area. A tap opens a household; the register button opens the form for the shown RT.
package id.posyandu.ilp.app.households

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import id.posyandu.ilp.app.data.HouseholdRepository
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.RtChoice
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.nav.Navigator
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.core.HouseholdRow
import id.posyandu.ilp.core.SearchResult
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

data class HouseholdsState(
    val rts: Load<List<RtChoice>> = Load.Loading,
    /** The RT shown; null until the RTs are known. */
    val rtId: String? = null,
    val households: Load<List<HouseholdRow>> = Load.Loading,
    val query: String = "",
    /** Null while the search box is (nearly) empty: the RT's list shows instead. */
    val results: Load<List<SearchResult>>? = null,
) {
    val rt: RtChoice? get() = (rts as? Load.Ready)?.value?.firstOrNull { it.id == rtId }
}

class HouseholdsViewModel(
    private val repository: HouseholdRepository,
    private val navigator: Navigator,
    /** The RT to open; the user's first RT when null. */
    private val startRt: String? = null,
) : ViewModel() {
    private val mutable = MutableStateFlow(HouseholdsState())
    val state: StateFlow<HouseholdsState> = mutable.asStateFlow()
    private var searchJob: Job? = null
    private var listJob: Job? = null

    init {
        load()
        // A household registered from here shows in the list on coming back.
        viewModelScope.launch { repository.changed.collect { mutable.value.rtId?.let(::loadRt) } }
    }

    fun load() {
        mutable.update { it.copy(rts = Load.Loading) }
        viewModelScope.launch {
            try {
                val rts = repository.rts()
                val rt = rts.firstOrNull { it.id == startRt }?.id ?: startRt ?: rts.firstOrNull()?.id
                mutable.update { it.copy(rts = Load.Ready(rts), rtId = rt) }
                if (rt != null) loadRt(rt) else mutable.update { it.copy(households = Load.Ready(emptyList())) }
            } catch (e: Exception) {
                mutable.update { it.copy(rts = Load.Failed(UiError.from(e)), households = Load.Failed(UiError.from(e))) }
            }
        }
    }

    fun selectRt(rtId: String) {
        mutable.update { it.copy(rtId = rtId) }
        loadRt(rtId)
    }

    private fun loadRt(rtId: String) {
        listJob?.cancel()
        mutable.update { it.copy(households = Load.Loading) }
        listJob = viewModelScope.launch {
            val loaded = try {
                Load.Ready(repository.householdsInRt(rtId))
            } catch (e: Exception) {
                Load.Failed(UiError.from(e))
            }
            mutable.update { if (it.rtId == rtId) it.copy(households = loaded) else it }
        }
    }

    fun retry() {
        val rt = mutable.value.rtId
        if (rt == null || mutable.value.rts is Load.Failed) load() else loadRt(rt)
        if (mutable.value.results is Load.Failed) onQuery(mutable.value.query)
    }

    /** Searches as the user types, once they pause, so each key press does not start a search. */
    fun onQuery(query: String) {
        mutable.update { it.copy(query = query) }
        searchJob?.cancel()
        if (query.trim().length < MIN_QUERY) {
            mutable.update { it.copy(results = null) }
            return
        }
        mutable.update { it.copy(results = Load.Loading) }
        searchJob = viewModelScope.launch {
            delay(TYPING_PAUSE_MS)
            val found = try {
                Load.Ready(repository.search(query.trim(), SEARCH_LIMIT))
            } catch (e: Exception) {
                Load.Failed(UiError.from(e))
            }
            mutable.update { if (it.query == query) it.copy(results = found) else it }
        }
    }

    fun open(row: HouseholdRow) = navigator.push(Route.Household(row.id))

    /** A person found: their household, or their profile when they have none. */
    fun open(result: SearchResult) {
        val household = result.householdId
        navigator.push(if (household != null) Route.Household(household) else Route.Person(result.personId))
    }

    fun register() = navigator.push(Route.RegisterHousehold(mutable.value.rtId))

    companion object {
        const val MIN_QUERY = 2
        const val TYPING_PAUSE_MS = 250L
        const val SEARCH_LIMIT = 30
    }
}
