//! Recording a visit: the form's plan for the person (life stage, fields, questions, visit kind),
//! the pick lists the form offers (from the core, never hard-coded), the
//! measurement preview while typing (writes nothing), and the save, which tells the person
//! screens to reload.
package id.posyandu.ilp.app.data

import id.posyandu.ilp.core.CodeLabel
import id.posyandu.ilp.core.MeasurementAssessment
import id.posyandu.ilp.core.MeasurementForm
import id.posyandu.ilp.core.VisitForm
import id.posyandu.ilp.core.VisitPlanView
import id.posyandu.ilp.core.VisitResult
import id.posyandu.ilp.core.antigenCodes
import id.posyandu.ilp.core.dangerSignCodes
import id.posyandu.ilp.core.serviceCodes
import kotlinx.coroutines.withContext

/** The core's pick lists for the visit form. */
data class VisitCodes(
    val antigens: List<CodeLabel>,
    val services: List<CodeLabel>,
    val dangerSigns: List<CodeLabel>,
)

class VisitRepository(private val session: CoreSession, private val persons: PersonRepository) {
    suspend fun codes(): VisitCodes = withContext(session.io) {
        VisitCodes(antigenCodes(), serviceCodes(), dangerSignCodes())
    }

    /** The form of `personId` today: life stages, what to measure and ask, the visit kind to start with. */
    suspend fun plan(personId: String, atPosyandu: Boolean): VisitPlanView =
        session.call { it.visitPlan(personId, atPosyandu) }

    /** The preview under the numbers being typed; `measuredOn` null is today. */
    suspend fun assess(personId: String, measurement: MeasurementForm, measuredOn: String? = null): MeasurementAssessment =
        session.call { it.assessMeasurement(personId, measuredOn, measurement) }

    /** Saves the whole visit in one transaction; open person screens reload afterwards. */
    suspend fun record(visit: VisitForm): VisitResult {
        val result = session.call { it.recordVisit(visit) }
        persons.changed()
        return result
    }
}
