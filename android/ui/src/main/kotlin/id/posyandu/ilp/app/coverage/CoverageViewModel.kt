//! Coverage for supervisors and bidan: choose an area (kelurahan, RW, RT) or a Posyandu and a
//! month (this month by default, earlier ones by stepping back), read the core's coverage table,
//! and open the persons behind a number. The numbers and who counts are the core's.
package id.posyandu.ilp.app.coverage

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import id.posyandu.ilp.app.data.CoverageRepository
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.nav.Navigator
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.posyandu.Days
import id.posyandu.ilp.core.AreaNode
import id.posyandu.ilp.core.CoverageRowView
import id.posyandu.ilp.core.CoverageView
import id.posyandu.ilp.core.PosyanduView
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch

/** One entry of the area picker. */
data class AreaChoice(
    val id: String,
    /** "Kelurahan Oesapa", "RW 001", "RT 002", or the Posyandu's name. */
    val label: String,
    /** village, rw, rt (the core's level codes) or posyandu. */
    val level: String,
    /** Indentation under its parent in the picker. */
    val depth: Int,
)

data class CoverageState(
    /** Where the picker's choices stand (the areas and Posyandu of the user). */
    val choices: Load<List<AreaChoice>> = Load.Loading,
    /** The area or Posyandu shown; null until the user's areas are known. */
    val selected: AreaChoice? = null,
    /** YYYY-MM. */
    val month: String,
    /** This month: the latest one the picker steps to. */
    val currentMonth: String,
    val pickingArea: Boolean = false,
    val coverage: Load<CoverageView> = Load.Loading,
) {
    val canGoForward: Boolean get() = month < currentMonth
}

class CoverageViewModel(
    private val repository: CoverageRepository,
    private val navigator: Navigator,
    areaId: String? = null,
    month: String? = null,
) : ViewModel() {
    private val currentMonth = Days.monthOf(repository.today())
    private val mutable = MutableStateFlow(CoverageState(month = month ?: currentMonth, currentMonth = currentMonth))
    val state: StateFlow<CoverageState> = mutable.asStateFlow()
    private val requestedArea = areaId
    private var loadJob: Job? = null

    init {
        start()
    }

    /** Loads the picker's choices, settles on the area, then the table. */
    private fun start() {
        mutable.value = mutable.value.copy(choices = Load.Loading, coverage = Load.Loading)
        viewModelScope.launch {
            try {
                val user = repository.currentUser()
                val (tree, posyandu) = repository.choices()
                val choices = choicesOf(tree, posyandu)
                val wanted = requestedArea ?: user.areaIds.firstOrNull() ?: choices.firstOrNull()?.id
                // An area out of the user's reach still gets asked for: the core says why not.
                val selected = choices.firstOrNull { it.id == wanted }
                    ?: wanted?.let { id -> outside(id, tree) }
                mutable.value = mutable.value.copy(choices = Load.Ready(choices), selected = selected)
                if (selected == null) {
                    mutable.value = mutable.value.copy(coverage = Load.Failed(UiError.Invalid("area_id", "no area assigned")))
                } else {
                    load()
                }
            } catch (e: Exception) {
                val error = UiError.from(e)
                mutable.value = mutable.value.copy(choices = Load.Failed(error), coverage = Load.Failed(error))
            }
        }
    }

    fun refresh() {
        if (mutable.value.choices !is Load.Ready) start() else load()
    }

    private fun load() {
        val s = mutable.value
        val area = s.selected ?: return
        loadJob?.cancel()
        mutable.value = s.copy(coverage = Load.Loading)
        loadJob = viewModelScope.launch {
            val result = try {
                Load.Ready(repository.coverage(area.id, s.month))
            } catch (e: Exception) {
                Load.Failed(UiError.from(e))
            }
            val now = mutable.value
            if (now.selected == area && now.month == s.month) mutable.value = now.copy(coverage = result)
        }
    }

    fun showAreaPicker(show: Boolean) {
        mutable.value = mutable.value.copy(pickingArea = show)
    }

    fun pickArea(choice: AreaChoice) {
        mutable.value = mutable.value.copy(selected = choice, pickingArea = false)
        load()
    }

    fun previousMonth() = pickMonth(Days.plusMonths(mutable.value.month, -1))

    fun nextMonth() {
        if (mutable.value.canGoForward) pickMonth(Days.plusMonths(mutable.value.month, 1))
    }

    fun pickMonth(month: String) {
        mutable.value = mutable.value.copy(month = month)
        load()
    }

    /** A number tapped: `counted` lists who is in the numerator, otherwise who is missing. */
    fun openNumber(row: CoverageRowView, counted: Boolean) {
        val s = mutable.value
        val area = s.selected ?: return
        val month = (s.coverage as? Load.Ready)?.value?.month ?: s.month
        navigator.push(Route.CoverageDrilldown(area.id, month, row.code, counted))
    }

    companion object {
        /**
         * The picker's entries: the areas in the user's scope from the kelurahan down (parents
         * before children), then the Posyandu.
         */
        fun choicesOf(tree: List<AreaNode>, posyandu: List<PosyanduView>): List<AreaChoice> {
            val children = tree.groupBy { it.parentId }
            val ids = tree.map { it.id }.toSet()
            val out = mutableListOf<AreaChoice>()
            fun walk(node: AreaNode, depth: Int) {
                val shown = node.inScope && node.level in LEVELS
                if (shown) out += AreaChoice(node.id, label(node), node.level, depth)
                children[node.id].orEmpty().sortedBy { it.code }.forEach { walk(it, if (shown) depth + 1 else depth) }
            }
            tree.filter { it.parentId == null || it.parentId !in ids }.sortedBy { it.code }.forEach { walk(it, 0) }
            posyandu.sortedBy { it.name }.forEach { out += AreaChoice(it.id, it.name, "posyandu", 0) }
            return out
        }

        private val LEVELS = setOf("village", "rw", "rt")

        /** "Kelurahan/Desa Oesapa", "RW 001": the level's name unless the area's name has it. */
        private fun label(node: AreaNode): String {
            val level = node.levelLabel.substringBefore('/')
            return if (node.name.startsWith(level, ignoreCase = true)) node.name else "$level ${node.name}"
        }

        private fun outside(id: String, tree: List<AreaNode>): AreaChoice? =
            tree.firstOrNull { it.id == id }?.let { AreaChoice(it.id, label(it), it.level, 0) }
                ?: AreaChoice(id, id, "area", 0)
    }
}
