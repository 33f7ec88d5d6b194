//! Every place in the app, with what it needs to open. A route is plain data, so the back stack
//! survives as a list and tests can assert where a tap led.
package id.posyandu.ilp.app.nav

sealed interface Route {
    /** The top-level tabs get no back arrow. */
    val isTab: Boolean get() = false

    /** First screen: accounts on the phone, online or PIN login. */
    data object Login : Route

    /** Asked once after the first online login: the PIN for offline logins. */
    data object SetPin : Route

    /** Today's worklist grouped by RT. */
    data object Today : Route { override val isTab get() = true }

    /** Households of an RT (the user's first RT when null) and spelling-tolerant search. */
    data class Households(val rtId: String? = null) : Route { override val isTab get() = rtId == null }

    /** Register a household with its members, in an RT. */
    data class RegisterHousehold(val rtId: String?) : Route

    /** Edit a household's address, JKN and GPS. */
    data class EditHousehold(val householdId: String) : Route

    /** Members with their due items, family health index, JKN. */
    data class Household(val householdId: String) : Route

    /** Profile, growth chart, immunization card, pregnancy, history. */
    data class Person(val personId: String) : Route

    /** A visit for one person; the form follows the person's life stage. */
    data class Visit(
        val personId: String,
        /** Recorded at a Posyandu session (its id) rather than at home. */
        val posyanduId: String? = null,
    ) : Route

    /** The Posyandu day: expected list, weighing queue, walk-ins, end of session. */
    data class PosyanduSession(val posyanduId: String? = null, val date: String? = null) : Route {
        override val isTab get() = posyanduId == null && date == null
    }

    /** Sync status, pending and refused items, sync now. */
    data object Sync : Route { override val isTab get() = true }

    /** Supervisor: coverage by RT/RW for a month. */
    data class Coverage(val areaId: String? = null, val month: String? = null) : Route {
        override val isTab get() = areaId == null && month == null
    }

    /** The persons or households behind one coverage number. */
    data class CoverageDrilldown(
        val areaId: String,
        val month: String,
        val indicatorCode: String,
        /** true: those counted; false: those missing it (the ones to follow up). */
        val counted: Boolean,
    ) : Route
}
