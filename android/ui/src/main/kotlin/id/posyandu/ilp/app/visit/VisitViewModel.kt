//! The visit form's state: the core's plan for the person (life stages, fields, questions, visit
//! kind), the typed fields, the core's live assessment of the numbers (debounced, off the main
//! thread), danger signs with their referral and pick-up call, and the save. Every clinical
//! judgement (stage, z-scores, KMS, KEK, blood pressure, plausibility) comes from the core; this
//! class only collects and forwards input.
package id.posyandu.ilp.app.visit

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.PersonProfile
import id.posyandu.ilp.app.data.PersonRepository
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.data.VisitCodes
import id.posyandu.ilp.app.data.VisitRepository
import id.posyandu.ilp.app.nav.Navigator
import id.posyandu.ilp.core.ConditionForm
import id.posyandu.ilp.core.DueItemView
import id.posyandu.ilp.core.HealthStatusForm
import id.posyandu.ilp.core.ImmunizationForm
import id.posyandu.ilp.core.MeasurementAssessment
import id.posyandu.ilp.core.MeasurementForm
import id.posyandu.ilp.core.ReferralForm
import id.posyandu.ilp.core.ServiceForm
import id.posyandu.ilp.core.VisitForm
import id.posyandu.ilp.core.VisitKindForm
import id.posyandu.ilp.core.VisitPlanView
import kotlinx.coroutines.FlowPreview
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.collectLatest
import kotlinx.coroutines.flow.debounce
import kotlinx.coroutines.flow.distinctUntilChanged
import kotlinx.coroutines.launch

/** What the user typed, as typed (numbers stay text until sent, so "9," can be typed). */
data class VisitFields(
    val weight: String = "",
    val length: String = "",
    /** true lying (PB), false standing (TB), null: the core decides by age. */
    val lying: Boolean? = null,
    val muac: String = "",
    val head: String = "",
    val systolic: String = "",
    val diastolic: String = "",
    val glucose: String = "",
    /** fasting, random or two_hours_after_meal. */
    val glucoseTiming: String? = null,
    /** Antigen code → dose given in this visit. */
    val immunizations: Map<String, Int> = emptyMap(),
    val services: Set<String> = emptySet(),
    /** Iron tablets handed out (pregnancy). */
    val ironTablets: String = "",
    val dangerSigns: Set<String> = emptySet(),
    val referral: Boolean = false,
    val referralTo: String = "",
    val referralReason: String = "",
    val emergency: Boolean = false,
    /** When the pick-up (ambulance, village transport) was called; null: not called. */
    val pickupCalledAtMs: Long? = null,
    val pickupService: String = "",
    val smokes: Boolean? = null,
    val knownHypertension: Boolean? = null,
    val knownDiabetes: Boolean? = null,
    val familyPlanning: Boolean? = null,
    val exclusiveBreastfeeding: Boolean? = null,
    val note: String = "",
)

data class VisitState(
    val personId: String,
    val posyanduId: String?,
    val person: Load<PersonProfile> = Load.Loading,
    /** The core's plan: stages, fields and questions to show, the kind to start with. */
    val plan: VisitPlanView? = null,
    val codes: VisitCodes? = null,
    /** Posyandu, home visit, ANC contact n, KF n or KN n: starts as the plan suggests. */
    val kind: VisitKindForm = VisitKindForm.HomeVisit,
    val fields: VisitFields = VisitFields(),
    /** The core's reading of the numbers typed so far; null before any number. */
    val preview: MeasurementAssessment? = null,
    /** The numbers typed are refused (impossible value, not a number): the field to mark. */
    val previewError: UiError? = null,
    /** The save was refused or failed. */
    val error: UiError? = null,
    val saving: Boolean = false,
    val saved: Boolean = false,
    val utcOffsetMinutes: Int = 480,
) {
    /** The error to show under `field` ("measurement.weight_kg", "referral.to"). */
    fun errorFor(field: String): UiError.Invalid? =
        listOfNotNull(error, previewError).filterIsInstance<UiError.Invalid>().firstOrNull { it.field == field }

    /** A measurement the plan asks for: weight, length_or_height, head_circumference, muac, blood_pressure, glucose. */
    fun asks(field: String): Boolean = plan?.fields?.contains(field) == true

    /** A question the plan asks: smoking, known_conditions, family_planning, exclusive_breastfeeding. */
    fun asksQuestion(question: String): Boolean = plan?.questions?.contains(question) == true

    /** A child's form: length lying or standing, head circumference. */
    val child: Boolean get() = plan?.stages.orEmpty().any { it == "newborn" || it == "under_five" }

    /** Immunizations open today (the core keys them "imm:<antigen>:<dose>"), offered first. */
    val dueImmunizations: List<DueItemView>
        get() = plan?.openItems.orEmpty().filter { it.kind == "immunization" }
}

@OptIn(FlowPreview::class)
class VisitViewModel(
    private val visits: VisitRepository,
    private val persons: PersonRepository,
    private val navigator: Navigator,
    personId: String,
    posyanduId: String? = null,
    /** Stamps the pick-up call (tests pass a fixed clock). */
    private val clockMs: () -> Long = System::currentTimeMillis,
    utcOffsetMinutes: Int = 480,
) : ViewModel() {
    private val mutable = MutableStateFlow(VisitState(personId, posyanduId, utcOffsetMinutes = utcOffsetMinutes))
    val state: StateFlow<VisitState> = mutable.asStateFlow()

    /** The measurement to preview, or null when nothing numeric is typed. */
    private val typed = MutableStateFlow<MeasurementForm?>(null)

    init {
        load()
        viewModelScope.launch {
            typed.debounce(300).distinctUntilChanged().collectLatest { form ->
                if (form == null) {
                    update { it.copy(preview = null) }
                    return@collectLatest
                }
                try {
                    val a = visits.assess(mutable.value.personId, form)
                    update { it.copy(preview = a, previewError = null) }
                } catch (e: kotlinx.coroutines.CancellationException) {
                    throw e
                } catch (e: Exception) {
                    update { it.copy(preview = null, previewError = UiError.from(e)) }
                }
            }
        }
    }

    fun load() {
        val id = mutable.value.personId
        update { it.copy(person = Load.Loading) }
        viewModelScope.launch {
            try {
                val profile = persons.profile(id)
                val plan = visits.plan(id, atPosyandu = mutable.value.posyanduId != null)
                val codes = visits.codes()
                update {
                    it.copy(
                        person = Load.Ready(profile),
                        plan = plan,
                        codes = codes,
                        kind = plan.suggestedKind,
                        fields = it.fields.copy(lying = it.fields.lying ?: plan.measureLying),
                    )
                }
            } catch (e: kotlinx.coroutines.CancellationException) {
                throw e
            } catch (e: Exception) {
                update { it.copy(person = Load.Failed(UiError.from(e))) }
            }
        }
    }

    /** The ANC contact, KF or KN number (or another kind) the user picks instead of the plan's. */
    fun selectKind(kind: VisitKindForm) {
        update { it.copy(kind = kind, error = if (it.error is UiError.Invalid) null else it.error) }
    }

    /** Any change to the fields; measurement changes refresh the preview. */
    fun edit(change: (VisitFields) -> VisitFields) {
        val before = mutable.value.fields
        val after = change(before)
        update { it.copy(fields = after, error = if (it.error is UiError.Invalid) null else it.error) }
        if (measurementOf(after) != measurementOf(before) || after.lying != before.lying) requestPreview(after)
    }

    private fun requestPreview(f: VisitFields) {
        val parsed = parseMeasurement(f)
        when (parsed) {
            is Parsed.Bad -> {
                typed.value = null
                update { it.copy(preview = null, previewError = UiError.Invalid(parsed.field, parsed.reason)) }
            }
            is Parsed.Ok -> {
                if (parsed.form == null) update { it.copy(previewError = null) }
                typed.value = parsed.form
            }
        }
    }

    fun toggleDangerSign(code: String) = edit { f ->
        val signs = if (code in f.dangerSigns) f.dangerSigns - code else f.dangerSigns + code
        // A danger sign opens the referral section; removing the last one leaves the user's choice.
        f.copy(dangerSigns = signs, referral = f.referral || signs.isNotEmpty())
    }

    fun toggleImmunization(antigen: String, dose: Int) = edit { f ->
        f.copy(immunizations = if (f.immunizations[antigen] == dose) f.immunizations - antigen else f.immunizations + (antigen to dose))
    }

    fun toggleService(code: String) = edit { f ->
        f.copy(services = if (code in f.services) f.services - code else f.services + code)
    }

    /** "Panggil ambulans/jemputan": an emergency referral whose pick-up call is stamped now. */
    fun callPickup() = edit { f ->
        f.copy(referral = true, emergency = true, pickupCalledAtMs = clockMs())
    }

    fun save() {
        val s = mutable.value
        if (s.saving || s.person !is Load.Ready) return
        val form = when (val built = buildForm(s)) {
            is Built.Bad -> {
                update { it.copy(error = UiError.Invalid(built.field, built.reason)) }
                return
            }
            is Built.Ok -> built.form
        }
        update { it.copy(saving = true, error = null) }
        viewModelScope.launch {
            try {
                visits.record(form)
                update { it.copy(saving = false, saved = true) }
                navigator.pop()
            } catch (e: kotlinx.coroutines.CancellationException) {
                throw e
            } catch (e: Exception) {
                update { it.copy(saving = false, error = UiError.from(e)) }
            }
        }
    }

    /** The form Save would send now, or null while a typed number cannot be read. */
    fun pendingForm(): VisitForm? {
        val s = mutable.value
        if (s.person !is Load.Ready) return null
        return (buildForm(s) as? Built.Ok)?.form
    }

    private sealed interface Built {
        data class Ok(val form: VisitForm) : Built
        data class Bad(val field: String, val reason: String) : Built
    }

    private fun buildForm(s: VisitState): Built {
        val f = s.fields
        val measurement = when (val m = parseMeasurement(f)) {
            is Parsed.Bad -> return Built.Bad(m.field, m.reason)
            is Parsed.Ok -> m.form
        }
        val pregnancyId = if (s.kind is VisitKindForm.Anc) s.plan?.pregnancyId else null
        val services = f.services.map { code ->
            val quantity = if (code == "iron_tablets" && f.ironTablets.isNotBlank()) {
                f.ironTablets.trim().toUIntOrNull() ?: return Built.Bad("services.iron_tablets", notANumber)
            } else {
                null
            }
            ServiceForm(code, quantity)
        }.sortedBy { it.kind }
        val referral = if (f.referral) {
            ReferralForm(
                to = f.referralTo.trim(),
                emergency = f.emergency,
                reason = f.referralReason.trim().ifEmpty { null },
                pickupCalled = f.pickupCalledAtMs != null,
                pickupCalledAtMs = f.pickupCalledAtMs,
                pickupService = f.pickupService.trim().ifEmpty { null },
            )
        } else {
            null
        }
        val conditions = buildList {
            if (f.knownHypertension == true) add(ConditionForm("hypertension", null, null, false))
            if (f.knownDiabetes == true) add(ConditionForm("diabetes", null, null, false))
        }
        val answered = conditions.isNotEmpty() || f.smokes != null || f.familyPlanning != null || f.exclusiveBreastfeeding != null
        val health = if (answered) HealthStatusForm(conditions, f.smokes, f.familyPlanning, f.exclusiveBreastfeeding) else null
        return Built.Ok(
            VisitForm(
                personId = s.personId,
                occurredAtMs = null,
                kind = s.kind,
                posyanduId = s.posyanduId,
                place = null,
                pregnancyId = pregnancyId,
                measurement = measurement,
                immunizations = f.immunizations.entries.sortedBy { it.key }
                    .map { (antigen, dose) -> ImmunizationForm(antigen, dose.toUByte(), null, null, false) },
                services = services,
                dangerSigns = f.dangerSigns.sorted(),
                dangerNote = null,
                referral = referral,
                note = f.note.trim().ifEmpty { null },
                healthStatus = health,
            ),
        )
    }

    private inline fun update(change: (VisitState) -> VisitState) {
        mutable.value = change(mutable.value)
    }

    companion object {
        private const val notANumber = "is not a number"
    }
}

internal sealed interface Parsed {
    data class Ok(val form: MeasurementForm?) : Parsed
    data class Bad(val field: String, val reason: String) : Parsed
}

private fun measurementOf(f: VisitFields) =
    listOf(f.weight, f.length, f.muac, f.head, f.systolic, f.diastolic, f.glucose, f.glucoseTiming)

/** The typed numbers as the core's MeasurementForm (decimal comma accepted); null when none. */
internal fun parseMeasurement(f: VisitFields): Parsed {
    fun dec(field: String, s: String): Result<Double?> {
        val t = s.trim().replace(',', '.')
        if (t.isEmpty()) return Result.success(null)
        return t.toDoubleOrNull()?.let { Result.success(it) } ?: Result.failure(IllegalArgumentException(field))
    }
    fun int(field: String, s: String): Result<UShort?> {
        val t = s.trim()
        if (t.isEmpty()) return Result.success(null)
        return t.toUShortOrNull()?.let { Result.success(it) } ?: Result.failure(IllegalArgumentException(field))
    }
    val weight = dec("measurement.weight_kg", f.weight)
    val length = dec("measurement.length_or_height_cm", f.length)
    val muac = dec("measurement.muac_cm", f.muac)
    val head = dec("measurement.head_circumference_cm", f.head)
    val sys = int("measurement.systolic_mmhg", f.systolic)
    val dia = int("measurement.diastolic_mmhg", f.diastolic)
    val glucose = dec("measurement.blood_glucose_mg_dl", f.glucose)
    listOf(weight, length, muac, head, sys, dia, glucose).firstOrNull { it.isFailure }?.let {
        return Parsed.Bad(it.exceptionOrNull()!!.message!!, "is not a number")
    }
    val form = MeasurementForm(
        weightKg = weight.getOrNull(),
        lengthOrHeightCm = length.getOrNull(),
        measuredLying = if (length.getOrNull() != null) f.lying else null,
        headCircumferenceCm = head.getOrNull(),
        muacCm = muac.getOrNull(),
        systolicMmhg = sys.getOrNull(),
        diastolicMmhg = dia.getOrNull(),
        bloodGlucoseMgDl = glucose.getOrNull(),
        glucoseTiming = if (glucose.getOrNull() != null) f.glucoseTiming else null,
    )
    val empty = form.weightKg == null && form.lengthOrHeightCm == null && form.headCircumferenceCm == null &&
        form.muacCm == null && form.systolicMmhg == null && form.diastolicMmhg == null && form.bloodGlucoseMgDl == null
    return Parsed.Ok(if (empty) null else form)
}
