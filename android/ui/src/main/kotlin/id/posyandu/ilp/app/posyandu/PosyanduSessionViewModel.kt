//! One Posyandu session: who is expected and who came, the weighing queue (tap a person, type the
//! weight and length, save as a Posyandu visit, the next person opens), walk-ins found by search,
//! and "Tutup Posyandu", after which the absentees are home visits on Today's worklist.
//! Everything clinical (who is expected, the z-scores and KMS, plausibility) comes from the core.
package id.posyandu.ilp.app.posyandu

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.PosyanduRepository
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.nav.Navigator
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.core.ExpectedAttendee
import id.posyandu.ilp.core.MeasurementAssessment
import id.posyandu.ilp.core.MeasurementForm
import id.posyandu.ilp.core.PosyanduSessionView
import id.posyandu.ilp.core.SearchResult
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch

/** The inline row of the weighing queue, for one person. */
data class WeighingDraft(
    val personId: String,
    val name: String,
    val ageLabel: String,
    val weight: String = "",
    val length: String = "",
    /** The core's reading of the numbers typed so far (null until there are numbers). */
    val assessment: MeasurementAssessment? = null,
    /** A number refused (the field is named) or a save that failed. */
    val error: UiError? = null,
    val saving: Boolean = false,
)

/** The last weighing saved, shown above the queue with what the core made of it. */
data class SavedWeighing(
    val personId: String,
    val name: String,
    val weightKg: Double?,
    val lengthCm: Double?,
    val assessment: MeasurementAssessment?,
)

/** Someone not on the expected list who came anyway. */
data class WalkIn(
    val personId: String,
    val name: String,
    val ageLabel: String?,
    val rtLabel: String?,
    val weighed: Boolean = false,
)

data class PosyanduSessionState(
    val posyanduId: String,
    val date: String,
    val today: String,
    val posyanduName: String? = null,
    val session: Load<PosyanduSessionView> = Load.Loading,
    val draft: WeighingDraft? = null,
    val lastSaved: SavedWeighing? = null,
    val walkInOpen: Boolean = false,
    val walkInQuery: String = "",
    /** null until something is typed. */
    val walkInResults: Load<List<SearchResult>>? = null,
    val walkIns: List<WalkIn> = emptyList(),
    /** "Tutup Posyandu" was tapped once: the screen asks to confirm. */
    val confirmingEnd: Boolean = false,
    val ending: Boolean = false,
    /** Ending the session failed. */
    val endError: UiError? = null,
) {
    val view: PosyanduSessionView? get() = (session as? Load.Ready)?.value

    /** The session can be closed: loaded, not closed yet, and its day has come. */
    val canEnd: Boolean get() = view?.ended == false && date <= today

    /** Expected persons who did not come and are home visits now. */
    val homeVisits: List<ExpectedAttendee> get() = view?.attendees?.filter { it.homeVisit }.orEmpty()

    /** Walk-ins the session does not list (those of the Posyandu's RTs join it once weighed). */
    val extraWalkIns: List<WalkIn>
        get() = walkIns.filter { w -> view?.attendees?.none { it.personId == w.personId } ?: true }
}

class PosyanduSessionViewModel(
    private val repository: PosyanduRepository,
    private val navigator: Navigator,
    posyanduId: String,
    date: String?,
) : ViewModel() {
    private val mutable = MutableStateFlow(
        PosyanduSessionState(posyanduId, date ?: repository.today(), repository.today()),
    )
    val state: StateFlow<PosyanduSessionState> = mutable.asStateFlow()

    private var previewJob: Job? = null
    private var searchJob: Job? = null

    init {
        refresh()
    }

    fun refresh() = refresh(keepList = false)

    private fun refresh(keepList: Boolean) {
        val s = mutable.value
        if (!keepList || s.session !is Load.Ready) mutable.value = s.copy(session = Load.Loading)
        viewModelScope.launch {
            try {
                val name = mutable.value.posyanduName
                    ?: repository.posyanduList().firstOrNull { it.id == s.posyanduId }?.name
                val view = repository.session(s.posyanduId, s.date)
                mutable.value = mutable.value.copy(posyanduName = name, session = Load.Ready(view))
            } catch (e: Exception) {
                mutable.value = mutable.value.copy(session = Load.Failed(UiError.from(e)))
            }
        }
    }

    /** Opens the inline weighing row for an expected person (closes it when tapped again). */
    fun select(attendee: ExpectedAttendee) {
        if (mutable.value.draft?.personId == attendee.personId) {
            mutable.value = mutable.value.copy(draft = null)
            return
        }
        open(attendee.personId, attendee.name, attendee.ageLabel)
    }

    fun closeDraft() {
        previewJob?.cancel()
        mutable.value = mutable.value.copy(draft = null)
    }

    private fun open(personId: String, name: String, ageLabel: String) {
        previewJob?.cancel()
        mutable.value = mutable.value.copy(draft = WeighingDraft(personId, name, ageLabel))
    }

    fun onWeight(text: String) = edit { it.copy(weight = text) }

    fun onLength(text: String) = edit { it.copy(length = text) }

    private fun edit(change: (WeighingDraft) -> WeighingDraft) {
        val draft = mutable.value.draft ?: return
        val next = change(draft).copy(error = null)
        mutable.value = mutable.value.copy(draft = next)
        preview(next)
    }

    /** The core's reading of the numbers once typing pauses; refusals name their field. */
    private fun preview(draft: WeighingDraft) {
        previewJob?.cancel()
        val form = try {
            measurement(draft) ?: run {
                mutable.value = mutable.value.copy(draft = draft.copy(assessment = null))
                return
            }
        } catch (e: NumberText) {
            mutable.value = mutable.value.copy(draft = draft.copy(assessment = null, error = e.error))
            return
        }
        val date = mutable.value.date
        previewJob = viewModelScope.launch {
            delay(PREVIEW_DELAY_MS)
            val outcome = try {
                Result.success(repository.assess(draft.personId, date, form))
            } catch (e: Exception) {
                Result.failure(e)
            }
            val now = mutable.value.draft ?: return@launch
            if (now.personId != draft.personId || now.weight != draft.weight || now.length != draft.length) return@launch
            mutable.value = mutable.value.copy(
                draft = now.copy(
                    assessment = outcome.getOrNull(),
                    error = outcome.exceptionOrNull()?.let { UiError.from(it) },
                ),
            )
        }
    }

    /** Saves the open row as a Posyandu visit and opens the next person still to come. */
    fun saveWeighing() {
        val s = mutable.value
        val draft = s.draft ?: return
        if (draft.saving) return
        val form = try {
            measurement(draft) ?: throw NumberText(UiError.Invalid(WEIGHT_FIELD, EMPTY_REASON))
        } catch (e: NumberText) {
            mutable.value = s.copy(draft = draft.copy(error = e.error))
            return
        }
        previewJob?.cancel()
        mutable.value = s.copy(draft = draft.copy(saving = true, error = null))
        viewModelScope.launch {
            try {
                // The preview refuses exactly what the visit would refuse, and its KMS code
                // compares with the earlier weighings, not with this one once saved.
                val assessment = repository.assess(draft.personId, s.date, form)
                repository.recordWeighing(s.posyanduId, draft.personId, s.date, form)
                val view = repository.session(s.posyanduId, s.date)
                val now = mutable.value
                val next = nextInQueue(view, draft.personId)
                mutable.value = now.copy(
                    session = Load.Ready(view),
                    lastSaved = SavedWeighing(draft.personId, draft.name, form.weightKg, form.lengthOrHeightCm, assessment),
                    draft = next?.let { WeighingDraft(it.personId, it.name, it.ageLabel) },
                    walkIns = now.walkIns.map { if (it.personId == draft.personId) it.copy(weighed = true) else it },
                )
            } catch (e: Exception) {
                val now = mutable.value
                if (now.draft?.personId == draft.personId) {
                    mutable.value = now.copy(draft = now.draft.copy(saving = false, error = UiError.from(e)))
                }
            }
        }
    }

    /** The next expected person who has not come, after `personId` in list order, wrapping. */
    private fun nextInQueue(view: PosyanduSessionView, personId: String): ExpectedAttendee? {
        val list = view.attendees
        val at = list.indexOfFirst { it.personId == personId }
        val ordered = if (at < 0) list else list.drop(at + 1) + list.take(at)
        return ordered.firstOrNull { !it.attended && it.personId != personId }
    }

    /** "Lengkap": the whole visit form for this person, recorded at this Posyandu. */
    fun openFullVisit(personId: String) {
        navigator.push(Route.Visit(personId, mutable.value.posyanduId))
        val visit = navigator.stack.value.last()
        viewModelScope.launch {
            // Once the form is left (saved or not), what it recorded shows in the list. Waiting
            // for that entry to go, rather than watching the stack change, cannot miss a quick
            // back: the stack before and after compare equal.
            navigator.stack.first { visit !in it }
            refresh(keepList = true)
        }
    }

    fun showWalkIn(show: Boolean) {
        mutable.value = mutable.value.copy(walkInOpen = show)
    }

    fun onWalkInQuery(query: String) {
        mutable.value = mutable.value.copy(walkInQuery = query)
        searchJob?.cancel()
        if (query.isBlank()) {
            mutable.value = mutable.value.copy(walkInResults = null)
            return
        }
        searchJob = viewModelScope.launch {
            delay(SEARCH_DELAY_MS)
            mutable.value = mutable.value.copy(walkInResults = Load.Loading)
            val results = try {
                Load.Ready(repository.search(query.trim()))
            } catch (e: Exception) {
                Load.Failed(UiError.from(e))
            }
            if (mutable.value.walkInQuery == query) mutable.value = mutable.value.copy(walkInResults = results)
        }
    }

    /** A search hit came to the Posyandu: into the queue, with the weighing row open for them. */
    fun addWalkIn(hit: SearchResult) {
        val s = mutable.value
        val name = hit.name ?: hit.description ?: "-"
        val expected = s.view?.attendees?.firstOrNull { it.personId == hit.personId }
        val walkIns = if (expected != null || s.walkIns.any { it.personId == hit.personId }) {
            s.walkIns
        } else {
            s.walkIns + WalkIn(hit.personId, name, hit.ageLabel, hit.rtLabel)
        }
        mutable.value = s.copy(walkIns = walkIns, walkInOpen = false, walkInQuery = "", walkInResults = null)
        open(hit.personId, expected?.name ?: name, expected?.ageLabel ?: hit.ageLabel.orEmpty())
    }

    fun selectWalkIn(walkIn: WalkIn) {
        if (mutable.value.draft?.personId == walkIn.personId) closeDraft()
        else open(walkIn.personId, walkIn.name, walkIn.ageLabel.orEmpty())
    }

    fun askToEnd(ask: Boolean) {
        mutable.value = mutable.value.copy(confirmingEnd = ask, endError = null)
    }

    /** "Tutup Posyandu": the core turns everyone expected who did not come into a home visit. */
    fun endSession() {
        val s = mutable.value
        if (s.ending) return
        previewJob?.cancel()
        mutable.value = s.copy(ending = true, endError = null, draft = null)
        viewModelScope.launch {
            mutable.value = try {
                val view = repository.endSession(s.posyanduId, s.date)
                mutable.value.copy(session = Load.Ready(view), ending = false, confirmingEnd = false)
            } catch (e: Exception) {
                mutable.value.copy(ending = false, endError = UiError.from(e))
            }
        }
    }

    /** After the session: the worklist, where the absentees now are. */
    fun openToday() {
        navigator.reset(Route.Today)
    }

    private class NumberText(val error: UiError) : Exception()

    /** The typed numbers as a measurement form; null when nothing is typed. */
    private fun measurement(draft: WeighingDraft): MeasurementForm? {
        val weight = number(draft.weight, WEIGHT_FIELD)
        val length = number(draft.length, LENGTH_FIELD)
        if (weight == null && length == null) return null
        return MeasurementForm(
            weightKg = weight,
            lengthOrHeightCm = length,
            measuredLying = null,
            headCircumferenceCm = null,
            muacCm = null,
            systolicMmhg = null,
            diastolicMmhg = null,
            bloodGlucoseMgDl = null,
            glucoseTiming = null,
        )
    }

    /** Kaders type "8,2" as often as "8.2". Whether the number is plausible is the core's call. */
    private fun number(text: String, field: String): Double? {
        val t = text.trim().replace(',', '.')
        if (t.isEmpty()) return null
        return t.toDoubleOrNull()?.takeIf { it.isFinite() } ?: throw NumberText(UiError.Invalid(field, NOT_A_NUMBER))
    }

    companion object {
        const val WEIGHT_FIELD = "measurement.weight_kg"
        const val LENGTH_FIELD = "measurement.length_or_height_cm"
        /** Reasons the app (not the core) gives; the screen words them per language. */
        const val NOT_A_NUMBER = "not_a_number"
        const val EMPTY_REASON = "weight_or_length_needed"
        private const val PREVIEW_DELAY_MS = 300L
        private const val SEARCH_DELAY_MS = 250L
    }
}
