//! The Posyandu tab before a session is open: the user's Posyandu and the day (today unless the
//! kader picks another, e.g. to copy last week's paper register); a tap opens that session.
package id.posyandu.ilp.app.posyandu

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.PosyanduRepository
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.nav.Navigator
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.core.PosyanduView
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch

data class PosyanduPickState(
    val today: String,
    /** The day whose session opens (YYYY-MM-DD). */
    val date: String,
    val posyandu: Load<List<PosyanduView>> = Load.Loading,
    /** The date picker is showing. */
    val pickingDate: Boolean = false,
)

class PosyanduPickViewModel(
    private val repository: PosyanduRepository,
    private val navigator: Navigator,
    date: String? = null,
) : ViewModel() {
    private val today = repository.today()
    private val mutable = MutableStateFlow(PosyanduPickState(today, date ?: today))
    val state: StateFlow<PosyanduPickState> = mutable.asStateFlow()

    init {
        refresh()
    }

    fun refresh() {
        mutable.value = mutable.value.copy(posyandu = Load.Loading)
        viewModelScope.launch {
            val loaded = try {
                Load.Ready(repository.posyanduList())
            } catch (e: Exception) {
                Load.Failed(UiError.from(e))
            }
            mutable.value = mutable.value.copy(posyandu = loaded)
        }
    }

    fun showDatePicker(show: Boolean) {
        mutable.value = mutable.value.copy(pickingDate = show)
    }

    fun pickDate(date: String) {
        mutable.value = mutable.value.copy(date = date, pickingDate = false)
    }

    fun previousDay() = pickDate(Days.plusDays(mutable.value.date, -1))

    fun nextDay() = pickDate(Days.plusDays(mutable.value.date, 1))

    fun backToToday() = pickDate(today)

    fun open(posyandu: PosyanduView) {
        navigator.push(Route.PosyanduSession(posyandu.id, mutable.value.date))
    }
}
