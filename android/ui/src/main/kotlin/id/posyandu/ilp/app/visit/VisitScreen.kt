//! The visit form: fields by life stage, the core's reading of the numbers under them in colour
//! (z-score categories, KMS N/T with 2T and BGM, KEK, blood pressure), immunizations and services
//! from the core's pick lists, danger signs leading to a referral with the pick-up call, and Save.
//! A pure function of VisitState.
package id.posyandu.ilp.app.visit

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.Card
import androidx.compose.material3.Checkbox
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.role
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.stateDescription
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.compose.foundation.selection.toggleable
import id.posyandu.ilp.app.common.Badge
import id.posyandu.ilp.app.common.BigButton
import id.posyandu.ilp.app.common.ErrorView
import id.posyandu.ilp.app.common.LabeledField
import id.posyandu.ilp.app.common.LoadingView
import id.posyandu.ilp.app.common.SectionTitle
import id.posyandu.ilp.app.data.Load
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.i18n.CommonTexts
import id.posyandu.ilp.app.i18n.Language
import id.posyandu.ilp.app.i18n.LocalLanguage
import id.posyandu.ilp.app.person.Dates
import id.posyandu.ilp.app.person.PersonTexts
import id.posyandu.ilp.app.person.categoryColor
import id.posyandu.ilp.app.person.kmsColors
import id.posyandu.ilp.app.theme.IlpColors
import id.posyandu.ilp.app.theme.TouchTarget
import id.posyandu.ilp.core.MeasurementAssessment
import id.posyandu.ilp.core.VisitKindForm

class VisitTexts private constructor(
    val form: String,
    /** English names of the core's stage codes (Indonesian comes from the core). */
    val stage: ((String) -> String)?,
    val measurements: String,
    val weight: String,
    val lengthHeight: String,
    val height: String,
    val lying: String,
    val standing: String,
    val byAge: String,
    val head: String,
    val muac: String,
    val systolic: String,
    val diastolic: String,
    val glucose: String,
    val timing: (String) -> String,
    val ancContact: String,
    val byDoctor: String,
    val kfNumber: String,
    val knNumber: String,
    val ironTablets: String,
    val screening: String,
    val familyPlanning: String,
    val breastfeeding: String,
    val smokes: String,
    val knownHypertension: String,
    val knownDiabetes: String,
    val yes: String,
    val no: String,
    val preview: String,
    val previewWaiting: String,
    val needsSexAndBirth: String,
    val measureAgain: String,
    val kms: String,
    val gain: (Int, UInt?) -> String,
    val kek: String,
    val noKek: String,
    val bloodPressure: String,
    val glucoseResult: String,
    val immunizations: String,
    val dueNow: String,
    val otherAntigens: String,
    val dose: (Int) -> String,
    val services: String,
    val dangerSigns: String,
    val referral: String,
    val referTo: String,
    val referReason: String,
    val emergency: String,
    val pickupService: String,
    val callPickup: String,
    val pickupCalled: (String) -> String,
    val note: String,
    val saving: String,
    val tablets: String,
) {
    companion object {
        val id = VisitTexts(
            form = "Tahap hidup",
            stage = null,
            measurements = "Pengukuran",
            weight = "Berat badan",
            lengthHeight = "Panjang/tinggi badan",
            height = "Tinggi badan",
            lying = "Berbaring (PB)",
            standing = "Berdiri (TB)",
            byAge = "Cara ukur: pilih berbaring atau berdiri (kosong = menurut umur)",
            head = "Lingkar kepala",
            muac = "LiLA",
            systolic = "Sistolik",
            diastolic = "Diastolik",
            glucose = "Gula darah",
            timing = {
                when (it) {
                    "fasting" -> "Puasa"
                    "random" -> "Sewaktu"
                    "two_hours_after_meal" -> "2 jam setelah makan"
                    else -> it
                }
            },
            ancContact = "Kontak ANC ke-",
            byDoctor = "Oleh dokter",
            kfNumber = "Kunjungan nifas (KF) ke-",
            knNumber = "Kunjungan neonatal (KN) ke-",
            ironTablets = "Jumlah tablet tambah darah",
            screening = "Pertanyaan skrining",
            familyPlanning = "Memakai KB?",
            breastfeeding = "ASI eksklusif?",
            smokes = "Merokok?",
            knownHypertension = "Pernah didiagnosis hipertensi?",
            knownDiabetes = "Pernah didiagnosis diabetes?",
            yes = "Ya",
            no = "Tidak",
            preview = "Hasil pengukuran",
            previewWaiting = "Menghitung…",
            needsSexAndBirth = "Lengkapi jenis kelamin dan tanggal lahir untuk menilai pertumbuhan",
            measureAgain = "di luar batas wajar: ukur ulang",
            kms = "KMS",
            gain = { g, kbm -> "naik $g g" + (kbm?.let { " (KBM $it g)" } ?: "") },
            kek = "KEK (LiLA < 23,5 cm)",
            noKek = "Tidak KEK",
            bloodPressure = "Tekanan darah",
            glucoseResult = "Gula darah",
            immunizations = "Imunisasi diberikan",
            dueNow = "Jatuh tempo sekarang",
            otherAntigens = "Antigen lain",
            dose = { "Dosis $it" },
            services = "Layanan diberikan",
            dangerSigns = "Tanda bahaya",
            referral = "Rujukan",
            referTo = "Dirujuk ke",
            referReason = "Alasan rujukan",
            emergency = "Darurat",
            pickupService = "Layanan jemputan (mis. ambulans desa, PSC 119)",
            callPickup = "Panggil ambulans/jemputan",
            pickupCalled = { "Jemputan dipanggil pukul $it" },
            note = "Catatan",
            saving = "Menyimpan…",
            tablets = "tablet",
        )
        val en = VisitTexts(
            form = "Life stage",
            stage = {
                when (it) {
                    "pregnant" -> "Pregnancy"
                    "postpartum" -> "Postpartum"
                    "newborn" -> "Newborn"
                    "under_five" -> "Under five"
                    "school_age" -> "School age & adolescent"
                    "adult" -> "Adult"
                    "elderly" -> "Elderly"
                    else -> "Age unknown"
                }
            },
            measurements = "Measurements",
            weight = "Weight",
            lengthHeight = "Length/height",
            height = "Height",
            lying = "Lying (length)",
            standing = "Standing (height)",
            byAge = "How measured: lying or standing (empty = by age)",
            head = "Head circumference",
            muac = "MUAC",
            systolic = "Systolic",
            diastolic = "Diastolic",
            glucose = "Blood glucose",
            timing = {
                when (it) {
                    "fasting" -> "Fasting"
                    "random" -> "Random"
                    "two_hours_after_meal" -> "2 h after meal"
                    else -> it
                }
            },
            ancContact = "ANC contact no.",
            byDoctor = "By a doctor",
            kfNumber = "Postpartum visit (KF) no.",
            knNumber = "Newborn visit (KN) no.",
            ironTablets = "Iron tablets given",
            screening = "Screening questions",
            familyPlanning = "Using family planning?",
            breastfeeding = "Exclusive breastfeeding?",
            smokes = "Smokes?",
            knownHypertension = "Ever diagnosed with hypertension?",
            knownDiabetes = "Ever diagnosed with diabetes?",
            yes = "Yes",
            no = "No",
            preview = "Measurement result",
            previewWaiting = "Calculating…",
            needsSexAndBirth = "Complete sex and birth date to assess growth",
            measureAgain = "outside the plausible range: measure again",
            kms = "KMS",
            gain = { g, kbm -> "gained $g g" + (kbm?.let { " (minimum $it g)" } ?: "") },
            kek = "KEK (MUAC < 23.5 cm)",
            noKek = "No KEK",
            bloodPressure = "Blood pressure",
            glucoseResult = "Blood glucose",
            immunizations = "Immunizations given",
            dueNow = "Due now",
            otherAntigens = "Other antigens",
            dose = { "Dose $it" },
            services = "Services given",
            dangerSigns = "Danger signs",
            referral = "Referral",
            referTo = "Referred to",
            referReason = "Reason",
            emergency = "Emergency",
            pickupService = "Pick-up service (e.g. village ambulance, PSC 119)",
            callPickup = "Call ambulance/pick-up",
            pickupCalled = { "Pick-up called at $it" },
            note = "Note",
            saving = "Saving…",
            tablets = "tablets",
        )

        fun of(language: Language) = language.pick(id, en)
    }
}

/** Callbacks of the visit form. */
class VisitActions(
    val onKind: (VisitKindForm) -> Unit,
    val onEdit: ((VisitFields) -> VisitFields) -> Unit,
    val onDangerSign: (String) -> Unit,
    val onImmunization: (antigen: String, dose: Int) -> Unit,
    val onService: (String) -> Unit,
    val onCallPickup: () -> Unit,
    val onSave: () -> Unit,
    val onRetry: () -> Unit,
)

@OptIn(ExperimentalLayoutApi::class)
@Composable
fun VisitScreen(state: VisitState, actions: VisitActions) {
    val language = LocalLanguage.current
    val t = VisitTexts.of(language)
    val common = CommonTexts.of(language)
    val profile = when (val p = state.person) {
        Load.Loading -> return LoadingView()
        is Load.Failed -> return Column(Modifier.padding(16.dp)) { ErrorView(p.error, onRetry = actions.onRetry) }
        is Load.Ready -> p.value
    }
    val f = state.fields
    val edit = actions.onEdit
    fun err(field: String) = state.errorFor(field)?.let { it.message(language) }
    Column(
        Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(12.dp),
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        Text(profile.subject.name, style = MaterialTheme.typography.titleLarge)
        Text(
            listOfNotNull(profile.subject.ageLabel, profile.placeLabel).joinToString(" · "),
            color = IlpColors.muted,
        )
        state.plan?.let { plan ->
            val names = t.stage?.takeIf { language != Language.Indonesian }?.let { plan.stages.map(it) } ?: plan.stageLabels
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                Text(t.form, style = MaterialTheme.typography.labelLarge)
                names.forEach { Badge(it, IlpColors.primary, MaterialTheme.colorScheme.primaryContainer) }
            }
        }

        when (val k = state.kind) {
            is VisitKindForm.Kn -> NumberChips(t.knNumber, 1..3, k.number.toInt(), err("kind")) { n ->
                if (n != null) actions.onKind(VisitKindForm.Kn(n.toUByte()))
            }
            is VisitKindForm.Kf -> NumberChips(t.kfNumber, 1..4, k.number.toInt(), err("kind")) { n ->
                if (n != null) actions.onKind(VisitKindForm.Kf(n.toUByte()))
            }
            is VisitKindForm.Anc -> {
                NumberChips(t.ancContact, 1..6, k.contact?.toInt(), err("kind")) { n ->
                    actions.onKind(k.copy(contact = n?.toUByte()))
                }
                CheckRow(t.byDoctor, k.byDoctor) { v -> actions.onKind(k.copy(byDoctor = v)) }
            }
            else -> {}
        }

        SectionTitle(t.measurements)
        val child = state.child
        if (state.asks("weight")) {
            NumberField(t.weight, f.weight, "kg", err("measurement.weight_kg")) { v -> edit { it.copy(weight = v) } }
        }
        if (state.asks("length_or_height")) {
            NumberField(if (child) t.lengthHeight else t.height, f.length, "cm", err("measurement.length_or_height_cm")) { v ->
                edit { it.copy(length = v) }
            }
            if (child) {
                FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                    Chip(t.lying, f.lying == true) { edit { it.copy(lying = true) } }
                    Chip(t.standing, f.lying == false) { edit { it.copy(lying = false) } }
                }
            }
        }
        if (state.asks("head_circumference")) {
            NumberField(t.head, f.head, "cm", err("measurement.head_circumference_cm")) { v -> edit { it.copy(head = v) } }
        }
        if (state.asks("muac")) {
            NumberField(t.muac, f.muac, "cm", err("measurement.muac_cm")) { v -> edit { it.copy(muac = v) } }
        }
        if (state.asks("blood_pressure")) {
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                NumberField(t.systolic, f.systolic, "mmHg", err("measurement.systolic_mmhg"), Modifier.weight(1f), integer = true) { v ->
                    edit { it.copy(systolic = v) }
                }
                NumberField(t.diastolic, f.diastolic, "mmHg", err("measurement.diastolic_mmhg"), Modifier.weight(1f), integer = true) { v ->
                    edit { it.copy(diastolic = v) }
                }
            }
        }
        if (state.asks("glucose")) {
            NumberField(t.glucose, f.glucose, "mg/dL", err("measurement.blood_glucose_mg_dl")) { v -> edit { it.copy(glucose = v) } }
            FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                listOf("fasting", "random", "two_hours_after_meal").forEach { code ->
                    Chip(t.timing(code), f.glucoseTiming == code) {
                        edit { it.copy(glucoseTiming = if (it.glucoseTiming == code) null else code) }
                    }
                }
            }
        }

        state.preview?.let { Preview(it, t) }
        val previewProblem = state.previewError
        if (previewProblem != null && previewProblem !is UiError.Invalid) ErrorView(previewProblem)

        if (state.plan?.questions.orEmpty().isNotEmpty()) {
            SectionTitle(t.screening)
            if (state.asksQuestion("smoking")) YesNo(t.smokes, f.smokes, t) { v -> edit { it.copy(smokes = v) } }
            if (state.asksQuestion("known_conditions")) {
                YesNo(t.knownHypertension, f.knownHypertension, t) { v -> edit { it.copy(knownHypertension = v) } }
                YesNo(t.knownDiabetes, f.knownDiabetes, t) { v -> edit { it.copy(knownDiabetes = v) } }
            }
            if (state.asksQuestion("family_planning")) {
                YesNo(t.familyPlanning, f.familyPlanning, t) { v -> edit { it.copy(familyPlanning = v) } }
            }
            if (state.asksQuestion("exclusive_breastfeeding")) {
                YesNo(t.breastfeeding, f.exclusiveBreastfeeding, t) { v -> edit { it.copy(exclusiveBreastfeeding = v) } }
            }
        }

        val codes = state.codes
        if (codes != null) {
            SectionTitle(t.immunizations)
            val due = state.dueImmunizations
            val dueAntigens = mutableSetOf<String>()
            if (due.isNotEmpty()) Text(t.dueNow, style = MaterialTheme.typography.labelLarge)
            due.forEach { item ->
                val parts = item.key.split(':')
                val antigen = parts.getOrNull(1) ?: return@forEach
                val dose = parts.getOrNull(2)?.toIntOrNull() ?: return@forEach
                dueAntigens += antigen
                CheckRow("${item.label} · ${item.statusLabel}", f.immunizations[antigen] == dose) {
                    actions.onImmunization(antigen, dose)
                }
            }
            Text(t.otherAntigens, style = MaterialTheme.typography.labelLarge)
            FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                codes.antigens.filter { it.code !in dueAntigens }.forEach { a ->
                    val dose = f.immunizations[a.code]
                    Chip(if (dose != null) "${a.label} · ${t.dose(dose)}" else a.label, dose != null) {
                        actions.onImmunization(a.code, dose ?: 1)
                    }
                }
            }
            f.immunizations.filterKeys { it !in dueAntigens }.forEach { (antigen, dose) ->
                val label = codes.antigens.firstOrNull { it.code == antigen }?.label ?: antigen
                NumberChips("$label — ${t.dose(dose)}", 1..5, dose, null) { n ->
                    edit { it.copy(immunizations = it.immunizations + (antigen to (n ?: 1))) }
                }
            }
        }

        if (codes != null) {
            SectionTitle(t.services)
            codes.services.forEach { s ->
                CheckRow(s.label, s.code in f.services) { actions.onService(s.code) }
                if (s.code == "iron_tablets" && s.code in f.services) {
                    NumberField(t.ironTablets, f.ironTablets, t.tablets, err("services.iron_tablets"), integer = true) { v ->
                        edit { it.copy(ironTablets = v) }
                    }
                }
            }

            SectionTitle(t.dangerSigns)
            FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                codes.dangerSigns.forEach { d ->
                    Chip(d.label, d.code in f.dangerSigns, danger = true) { actions.onDangerSign(d.code) }
                }
            }
        }

        CheckRow(t.referral, f.referral) { v -> edit { it.copy(referral = v) } }
        if (f.referral) {
            Column(
                Modifier.fillMaxWidth().background(IlpColors.urgentContainer.copy(alpha = 0.35f), RoundedCornerShape(8.dp)).padding(8.dp),
                verticalArrangement = Arrangement.spacedBy(6.dp),
            ) {
                LabeledField(t.referTo, f.referralTo, { v -> edit { it.copy(referralTo = v) } }, error = err("referral.to"))
                LabeledField(t.referReason, f.referralReason, { v -> edit { it.copy(referralReason = v) } }, error = err("referral.reason"))
                CheckRow(t.emergency, f.emergency) { v ->
                    edit { it.copy(emergency = v, pickupCalledAtMs = if (v) it.pickupCalledAtMs else null) }
                }
                if (f.emergency) {
                    LabeledField(t.pickupService, f.pickupService, { v -> edit { it.copy(pickupService = v) } }, error = err("referral.pickup_service"))
                    val called = f.pickupCalledAtMs
                    if (called == null) {
                        Button(
                            actions.onCallPickup,
                            Modifier.fillMaxWidth().heightIn(min = TouchTarget),
                            colors = ButtonDefaults.buttonColors(containerColor = IlpColors.urgent, contentColor = Color.White),
                        ) { Text(t.callPickup, style = MaterialTheme.typography.labelLarge) }
                    } else {
                        Badge(t.pickupCalled(Dates.time(called, state.utcOffsetMinutes)), IlpColors.urgent, IlpColors.urgentContainer)
                    }
                    err("referral.pickup_called")?.let { Text(it, color = IlpColors.urgent) }
                }
            }
        }

        LabeledField(t.note, f.note, { v -> edit { it.copy(note = v) } }, singleLine = false, error = err("note"))

        state.error?.let { e ->
            // Field errors are also shown under their field; this line names the field for sure.
            ErrorView(e, Modifier.semantics { liveRegion = LiveRegionMode.Polite })
        }
        BigButton(if (state.saving) t.saving else common.save, actions.onSave, enabled = !state.saving)
    }
}

@Composable
private fun Preview(a: MeasurementAssessment, t: VisitTexts) {
    val labels = PersonTexts.of(LocalLanguage.current).indicator
    fun short(code: String) = labels(code).substringBefore(" ·")
    Card(
        Modifier.fillMaxWidth().semantics {
            liveRegion = LiveRegionMode.Polite
            contentDescription = t.preview
        },
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(t.preview + (a.ageLabel?.let { " · $it" } ?: ""), style = MaterialTheme.typography.titleMedium)
            if (a.growthNeedsSexAndBirth) Text(t.needsSexAndBirth, color = IlpColors.warning)
            a.zScores.forEach { z ->
                val zText = "z " + "%.2f".format(z.z).replace('.', ',').replace('-', '−')
                val category = if (z.flagged) t.measureAgain else z.categoryLabel ?: "—"
                Row(
                    Modifier.fillMaxWidth().semantics(mergeDescendants = true) { contentDescription = "${z.label}: $zText, $category" },
                    horizontalArrangement = Arrangement.spacedBy(8.dp),
                ) {
                    Text(short(z.indicator), Modifier.weight(0.22f), style = MaterialTheme.typography.labelLarge)
                    Text(
                        "$zText · $category",
                        Modifier.weight(0.78f),
                        color = categoryColor(z.category, z.flagged),
                        style = MaterialTheme.typography.bodyLarge,
                    )
                }
            }
            a.kms?.let { k ->
                Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                    Text(t.kms, style = MaterialTheme.typography.bodyLarge)
                    val (fg, bg) = kmsColors(k.code)
                    Badge(k.code, fg, bg, Modifier.semantics { contentDescription = "KMS ${k.code}" })
                    Text(k.label, style = MaterialTheme.typography.bodyLarge)
                    if (k.twoT) Badge("2T", IlpColors.urgent, IlpColors.urgentContainer)
                    if (k.bgm) Badge("BGM", IlpColors.urgent, IlpColors.urgentContainer)
                }
                k.gainG?.let { g -> Text(t.gain(g, k.kbmG), color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium) }
            }
            a.kek?.let { kek ->
                if (kek) Badge(t.kek, IlpColors.urgent, IlpColors.urgentContainer) else Badge(t.noKek, IlpColors.good, IlpColors.goodContainer)
            }
            a.bloodPressure?.let { bp ->
                val (fg, bg) = levelColors(bp.code)
                Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                    Text(t.bloodPressure, style = MaterialTheme.typography.bodyLarge)
                    Badge(bp.label, fg, bg)
                }
            }
            a.glucose?.let { g ->
                val (fg, bg) = levelColors(g.code)
                Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                    Text(t.glucoseResult, style = MaterialTheme.typography.bodyLarge)
                    Badge(g.label, fg, bg)
                }
            }
            a.alerts.forEach { line ->
                Text(
                    line,
                    Modifier.fillMaxWidth().background(IlpColors.urgentContainer, RoundedCornerShape(6.dp)).padding(8.dp),
                    color = IlpColors.urgent,
                    style = MaterialTheme.typography.bodyLarge,
                )
            }
        }
    }
}

/** normal green, hypertension/diabetes/low red, the levels between amber. */
private fun levelColors(code: String) = when (code) {
    "normal" -> IlpColors.good to IlpColors.goodContainer
    "hypertension", "diabetes", "low" -> IlpColors.urgent to IlpColors.urgentContainer
    else -> IlpColors.warning to IlpColors.warningContainer
}

@Composable
private fun Chip(text: String, selected: Boolean, danger: Boolean = false, onClick: () -> Unit) {
    FilterChip(
        selected = selected,
        onClick = onClick,
        label = { Text(text, style = MaterialTheme.typography.bodyMedium) },
        modifier = Modifier.heightIn(min = 48.dp),
        colors = if (danger) {
            androidx.compose.material3.FilterChipDefaults.filterChipColors(
                selectedContainerColor = IlpColors.urgentContainer,
                selectedLabelColor = IlpColors.urgent,
            )
        } else {
            androidx.compose.material3.FilterChipDefaults.filterChipColors()
        },
    )
}

@Composable
private fun CheckRow(text: String, checked: Boolean, onChange: (Boolean) -> Unit) {
    Row(
        Modifier.fillMaxWidth().heightIn(min = TouchTarget)
            .toggleable(value = checked, role = Role.Checkbox, onValueChange = onChange),
        verticalAlignment = Alignment.CenterVertically,
        horizontalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        Checkbox(checked, onCheckedChange = null)
        Text(text, style = MaterialTheme.typography.bodyLarge)
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun YesNo(question: String, value: Boolean?, t: VisitTexts, onChange: (Boolean?) -> Unit) {
    Column {
        Text(question, style = MaterialTheme.typography.bodyLarge)
        FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
            Chip(t.yes, value == true) { onChange(if (value == true) null else true) }
            Chip(t.no, value == false) { onChange(if (value == false) null else false) }
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun NumberChips(label: String, range: IntRange, value: Int?, error: String?, onChange: (Int?) -> Unit) {
    Column(Modifier.semantics { stateDescription = value?.toString() ?: "" }) {
        Text(label, style = MaterialTheme.typography.labelLarge)
        FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
            range.forEach { n -> Chip(n.toString(), value == n) { onChange(if (value == n) null else n) } }
        }
        error?.let { Text(it, color = IlpColors.urgent) }
    }
}

@Composable
private fun NumberField(
    label: String,
    value: String,
    unit: String,
    error: String?,
    modifier: Modifier = Modifier,
    integer: Boolean = false,
    onChange: (String) -> Unit,
) {
    LabeledField(
        label, value, onChange, modifier,
        error = error,
        keyboard = if (integer) KeyboardType.Number else KeyboardType.Decimal,
        suffix = unit,
    )
}
