//! The back stack. Each entry owns its screen's view model (in a ViewModelStore), created when the
//! entry is pushed and cleared when it is popped, so a screen's work stops when it is left.
package id.posyandu.ilp.app.nav

import androidx.lifecycle.ViewModel
import androidx.lifecycle.ViewModelStore
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow

class Navigator(
    private val viewModelFor: (Route) -> ViewModel?,
    start: Route? = null,
) {
    class Entry internal constructor(val route: Route, val viewModel: ViewModel?) {
        internal val store = ViewModelStore().also { s -> viewModel?.let { s.put("screen", it) } }
    }

    private val entries = MutableStateFlow(listOfNotNull(start?.let { Entry(it, viewModelFor(it)) }))
    val stack: StateFlow<List<Entry>> = entries.asStateFlow()

    val current: Entry get() = entries.value.last()

    /** Opens `route` on top of the current screen. */
    fun push(route: Route) {
        entries.value = entries.value + Entry(route, viewModelFor(route))
    }

    /** Back: false when already at the root (the activity then closes). */
    fun pop(): Boolean {
        val now = entries.value
        if (now.size <= 1) return false
        now.last().store.clear()
        entries.value = now.dropLast(1)
        return true
    }

    /** Starts afresh at `route` (a tab, or the login screen after logout). */
    fun reset(route: Route) {
        entries.value.forEach { it.store.clear() }
        entries.value = listOf(Entry(route, viewModelFor(route)))
    }

    /** Replaces the current screen (after saving a form, show what was saved). */
    fun replace(route: Route) {
        val now = entries.value
        now.last().store.clear()
        entries.value = now.dropLast(1) + Entry(route, viewModelFor(route))
    }
}
