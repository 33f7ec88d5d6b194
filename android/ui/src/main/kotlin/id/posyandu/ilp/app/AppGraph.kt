//! The app's object graph, made once per process: the core session, the repositories (the only
//! code calling the core), the language, the back stack, and which view model each screen gets.
//! Android builds it in IlpApplication; the desktop tests build it over a temporary directory.
package id.posyandu.ilp.app

import androidx.lifecycle.ViewModel
import id.posyandu.ilp.app.data.AccountDirectory
import id.posyandu.ilp.app.data.AccountRepository
import id.posyandu.ilp.app.data.CoreSession
import id.posyandu.ilp.app.data.DatabaseKeys
import id.posyandu.ilp.app.data.WorklistRepository
import id.posyandu.ilp.app.i18n.Language
import id.posyandu.ilp.app.login.LoginViewModel
import id.posyandu.ilp.app.login.SetPinViewModel
import id.posyandu.ilp.app.nav.Navigator
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.today.TodayViewModel
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import java.io.File

/** What the platform provides: where files go, the keys, the server, the clock. */
class Platform(
    /** The app's private directory for the users' databases. */
    val accountsDir: File,
    val keys: DatabaseKeys,
    val serverUrl: () -> String,
    /** The phone's UTC offset now, in minutes (WITA 480). */
    val utcOffsetMinutes: () -> Int,
    val io: CoroutineDispatcher = Dispatchers.IO,
    val clockMs: () -> Long = System::currentTimeMillis,
    /** Shown to the server's admin in the device list ("Samsung A03"). */
    val deviceName: String? = null,
    /** The day the worklist shows (YYYY-MM-DD); the phone's today when null (tests fix it). */
    val fixedToday: String? = null,
    /** Periodic sync while online (WorkManager on Android); null: nothing schedules it here. */
    val backgroundSync: id.posyandu.ilp.app.data.BackgroundSync? = null,
)

class AppGraph(val platform: Platform, language: Language = Language.Indonesian) {
    val session = CoreSession(platform.io)
    val accountDirectory = AccountDirectory(platform.accountsDir)
    val accounts = AccountRepository(
        session, accountDirectory, platform.keys, platform.serverUrl, platform.utcOffsetMinutes,
        platform.clockMs, platform.deviceName,
    )
    val worklist = WorklistRepository(session)
    val persons = id.posyandu.ilp.app.data.PersonRepository(session)
    val visits = id.posyandu.ilp.app.data.VisitRepository(session, persons)
    val households = id.posyandu.ilp.app.data.HouseholdRepository(session)
    val sync = id.posyandu.ilp.app.data.SyncRepository(session, accounts, platform.backgroundSync)

    private fun today(): String = platform.fixedToday
        ?: id.posyandu.ilp.app.posyandu.Days.today(platform.clockMs(), platform.utcOffsetMinutes())
    val posyandu = id.posyandu.ilp.app.data.PosyanduRepository(session, ::today, platform.utcOffsetMinutes)
    val coverage = id.posyandu.ilp.app.data.CoverageRepository(session, ::today)

    val language = MutableStateFlow(language)
    val navigator = Navigator(::viewModelFor)

    init {
        navigator.reset(Route.Login)
    }

    fun toggleLanguage() {
        language.value = if (language.value == Language.Indonesian) Language.English else Language.Indonesian
    }

    // Exhaustive on purpose: a new route does not compile until it has its view model.
    private fun viewModelFor(route: Route): ViewModel = when (route) {
        Route.Login -> LoginViewModel(accounts, navigator)
        Route.SetPin -> SetPinViewModel(accounts, navigator)
        Route.Today -> TodayViewModel(worklist, navigator, platform.fixedToday)
        is Route.Households -> id.posyandu.ilp.app.households.HouseholdsViewModel(households, navigator, route.rtId)
        is Route.RegisterHousehold -> id.posyandu.ilp.app.households.RegisterHouseholdViewModel(households, navigator, route.rtId)
        is Route.EditHousehold -> id.posyandu.ilp.app.households.EditHouseholdViewModel(households, navigator, route.householdId)
        is Route.Household ->
            id.posyandu.ilp.app.households.HouseholdViewModel(
                households, navigator, route.householdId, platform.fixedToday, persons.revision,
            )
        Route.Sync -> id.posyandu.ilp.app.sync.SyncViewModel(sync, navigator)
        is Route.Person -> id.posyandu.ilp.app.person.PersonViewModel(
            persons, navigator, route.personId, platform.utcOffsetMinutes(), platform.fixedToday,
        )
        is Route.Visit -> id.posyandu.ilp.app.visit.VisitViewModel(
            visits, persons, navigator, route.personId, route.posyanduId, platform.clockMs, platform.utcOffsetMinutes(),
        )
        is Route.PosyanduSession -> route.posyanduId
            ?.let { id.posyandu.ilp.app.posyandu.PosyanduSessionViewModel(posyandu, navigator, it, route.date) }
            ?: id.posyandu.ilp.app.posyandu.PosyanduPickViewModel(posyandu, navigator, route.date)
        is Route.Coverage -> id.posyandu.ilp.app.coverage.CoverageViewModel(coverage, navigator, route.areaId, route.month)
        is Route.CoverageDrilldown -> id.posyandu.ilp.app.coverage.CoverageDrilldownViewModel(coverage, navigator, route)
    }
}
