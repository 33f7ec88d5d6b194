//! Today's worklist and a person's due items, read from the core.
package id.posyandu.ilp.app.data

import id.posyandu.ilp.core.PersonSchedule
import id.posyandu.ilp.core.UserInfo
import id.posyandu.ilp.core.WorklistView

class WorklistRepository(private val session: CoreSession) {
    suspend fun currentUser(): UserInfo = session.call { it.currentUser() }

    /** The worklist of `date` (YYYY-MM-DD; today on the phone when null). */
    suspend fun worklist(date: String? = null): WorklistView = session.call { it.worklist(date) }

    suspend fun dueItems(personId: String, date: String? = null): PersonSchedule =
        session.call { it.dueItems(personId, date) }
}
