//! The person screen's state: profile, growth chart of the chosen indicator, due items (the
//! immunization card and ANC progress read them), history; reloaded whenever a visit is saved.
package id.posyandu.ilp.app.person

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.PersonProfile
import id.posyandu.ilp.app.data.PersonRepository
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.nav.Navigator
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.core.DueItemView
import id.posyandu.ilp.core.GrowthChart
import id.posyandu.ilp.core.HistoryEntry
import id.posyandu.ilp.core.PersonSchedule
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.drop
import kotlinx.coroutines.launch

enum class PersonTab { Profile, Growth, Immunization, Pregnancy, History }

/** The growth indicators the core charts, in the order the picker shows them. */
val GROWTH_INDICATORS = listOf("wfa", "lhfa", "wflh", "hcfa", "acfa", "bmifa")

/** Kinds of due items the immunization card lists (routine and school immunization). */
private val IMMUNIZATION_KINDS = setOf("immunization", "bias")

/** The core's life stages a growth chart is drawn for (the WHO references cover them). */
private val CHARTED_STAGES = setOf("newborn", "under_five", "school_age")

data class PersonState(
    val personId: String,
    val profile: Load<PersonProfile> = Load.Loading,
    val schedule: Load<PersonSchedule> = Load.Loading,
    val history: Load<List<HistoryEntry>> = Load.Loading,
    val indicator: String = "wfa",
    /** Null while the person is no child the growth reference covers (no chart tab then). */
    val chart: Load<GrowthChart>? = null,
    val tab: PersonTab = PersonTab.Profile,
    /** The phone's UTC offset, to show history instants as local dates. */
    val utcOffsetMinutes: Int = 480,
) {
    val tabs: List<PersonTab>
        get() = buildList {
            add(PersonTab.Profile)
            if (chart != null) add(PersonTab.Growth)
            if (immunizations.isNotEmpty()) add(PersonTab.Immunization)
            if (pregnancyShown) add(PersonTab.Pregnancy)
            add(PersonTab.History)
        }

    val immunizations: List<DueItemView>
        get() = (schedule as? Load.Ready)?.value?.items.orEmpty().filter { it.kind in IMMUNIZATION_KINDS }

    private val card get() = (profile as? Load.Ready)?.value?.card

    val pregnancyShown: Boolean get() = card?.pregnancy != null

    /** The ANC contacts of the pregnancy on the card (the core keys them "anc:<pregnancy>:<n>"). */
    val ancItems: List<DueItemView>
        get() {
            val pregnancy = card?.pregnancy ?: return emptyList()
            return (schedule as? Load.Ready)?.value?.items.orEmpty()
                .filter { it.kind == "anc" && it.key.contains(pregnancy.id) }
        }
}

class PersonViewModel(
    private val repository: PersonRepository,
    private val navigator: Navigator,
    personId: String,
    utcOffsetMinutes: Int = 480,
    /** The day due items are computed for (tests fix it); the phone's today when null. */
    private val date: String? = null,
) : ViewModel() {
    private val mutable = MutableStateFlow(PersonState(personId, utcOffsetMinutes = utcOffsetMinutes))
    val state: StateFlow<PersonState> = mutable.asStateFlow()
    private var loading: Job? = null

    init {
        refresh()
        // A visit saved from this screen (or anywhere) changes the chart, card and history.
        // Reloaded in place: the old data stays on screen until the new arrives (no flicker of tabs).
        viewModelScope.launch { repository.revision.drop(1).collect { refresh(quietly = true) } }
    }

    fun refresh() = refresh(quietly = false)

    private fun refresh(quietly: Boolean) {
        val id = mutable.value.personId
        loading?.cancel()
        if (!quietly) {
            mutable.value = mutable.value.copy(
                profile = Load.Loading,
                schedule = Load.Loading,
                history = Load.Loading,
                chart = mutable.value.chart?.let { Load.Loading },
            )
        }
        loading = viewModelScope.launch {
            val profile = load { repository.profile(id) }
            mutable.value = mutable.value.copy(profile = profile)
            val card = (profile as? Load.Ready)?.value?.card
            val stages = if (card?.sex != null && card.birthDate != null) load { repository.lifeStages(id) } else null
            val charted = (stages as? Load.Ready)?.value.orEmpty().any { it in CHARTED_STAGES }
            val chart = if (charted) load { repository.growthChart(id, mutable.value.indicator) } else null
            mutable.value = mutable.value.copy(chart = chart)
            val schedule = load { repository.schedule(id, date) }
            mutable.value = mutable.value.copy(schedule = schedule)
            val history = load { repository.history(id) }
            mutable.value = mutable.value.copy(history = history)
            // A tab that no longer applies (the data changed) falls back to the profile.
            if (mutable.value.tab !in mutable.value.tabs) mutable.value = mutable.value.copy(tab = PersonTab.Profile)
        }
    }

    fun selectTab(tab: PersonTab) {
        mutable.value = mutable.value.copy(tab = tab)
    }

    fun selectIndicator(indicator: String) {
        if (mutable.value.chart == null || indicator == mutable.value.indicator) return
        val id = mutable.value.personId
        mutable.value = mutable.value.copy(indicator = indicator, chart = Load.Loading)
        viewModelScope.launch {
            val chart = load { repository.growthChart(id, indicator) }
            if (mutable.value.indicator == indicator) mutable.value = mutable.value.copy(chart = chart)
        }
    }

    /** "Catat kunjungan". */
    fun recordVisit() {
        navigator.push(Route.Visit(mutable.value.personId))
    }

    private suspend fun <T> load(block: suspend () -> T): Load<T> = try {
        Load.Ready(block())
    } catch (e: kotlinx.coroutines.CancellationException) {
        throw e
    } catch (e: Exception) {
        Load.Failed(UiError.from(e))
    }
}
