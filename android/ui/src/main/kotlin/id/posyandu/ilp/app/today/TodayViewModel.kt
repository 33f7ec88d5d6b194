//! Today's worklist: every due or overdue item of the user's RTs, grouped by RT, most urgent
//! first (the core decides the order); a tap opens the household.
package id.posyandu.ilp.app.today

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.data.WorklistRepository
import id.posyandu.ilp.app.nav.Navigator
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.core.UserInfo
import id.posyandu.ilp.core.WorklistStop
import id.posyandu.ilp.core.WorklistView
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch

data class TodayState(
    val user: UserInfo? = null,
    val worklist: Load<WorklistView> = Load.Loading,
)

class TodayViewModel(
    private val repository: WorklistRepository,
    private val navigator: Navigator,
    /** The day to show (YYYY-MM-DD); the phone's today when null. */
    private val date: String? = null,
) : ViewModel() {
    private val mutable = MutableStateFlow(TodayState())
    val state: StateFlow<TodayState> = mutable.asStateFlow()

    init {
        refresh()
    }

    fun refresh() {
        mutable.value = mutable.value.copy(worklist = Load.Loading)
        viewModelScope.launch {
            mutable.value = try {
                TodayState(repository.currentUser(), Load.Ready(repository.worklist(date)))
            } catch (e: Exception) {
                mutable.value.copy(worklist = Load.Failed(UiError.from(e)))
            }
        }
    }

    /** One tap: the household, or the person when they have none (an emergency registration). */
    fun open(stop: WorklistStop) {
        val household = stop.householdId
        if (household != null) {
            navigator.push(Route.Household(household))
        } else {
            stop.entries.firstOrNull()?.let { navigator.push(Route.Person(it.item.personId)) }
        }
    }
}
