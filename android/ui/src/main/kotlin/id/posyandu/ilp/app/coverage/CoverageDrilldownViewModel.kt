//! The persons or households behind one coverage number (those counted, or those missing it and
//! to follow up), with name, age, address, RT and kader; a tap opens the person or household.
package id.posyandu.ilp.app.coverage

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import id.posyandu.ilp.app.data.CoverageRepository
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.nav.Navigator
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.core.CoverageRowView
import id.posyandu.ilp.core.SubjectRow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch

data class CoverageDrilldownState(
    val route: Route.CoverageDrilldown,
    val areaLabel: String? = null,
    /** The indicator's row as the coverage table has it now. */
    val row: CoverageRowView? = null,
    val subjects: Load<List<SubjectRow>> = Load.Loading,
)

class CoverageDrilldownViewModel(
    private val repository: CoverageRepository,
    private val navigator: Navigator,
    route: Route.CoverageDrilldown,
) : ViewModel() {
    private val mutable = MutableStateFlow(CoverageDrilldownState(route))
    val state: StateFlow<CoverageDrilldownState> = mutable.asStateFlow()

    init {
        refresh()
    }

    fun refresh() {
        val r = mutable.value.route
        mutable.value = mutable.value.copy(subjects = Load.Loading)
        viewModelScope.launch {
            mutable.value = try {
                // The table is read again rather than passed along: ids lists can be long, and
                // the numbers may have moved since (a sync, a visit).
                val table = repository.coverage(r.areaId, r.month)
                val row = table.rows.firstOrNull { it.code == r.indicatorCode }
                    ?: throw id.posyandu.ilp.core.IlpException.NotFound("indicator", r.indicatorCode)
                val ids = if (r.counted) row.numeratorIds else row.missingIds
                mutable.value.copy(
                    areaLabel = table.areaLabel,
                    row = row,
                    subjects = Load.Ready(repository.describe(ids)),
                )
            } catch (e: Exception) {
                mutable.value.copy(subjects = Load.Failed(UiError.from(e)))
            }
        }
    }

    fun open(subject: SubjectRow) {
        navigator.push(
            if (subject.kind == "household") Route.Household(subject.id) else Route.Person(subject.id),
        )
    }
}
