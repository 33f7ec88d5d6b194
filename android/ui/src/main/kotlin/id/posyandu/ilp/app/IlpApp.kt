//! The root composable both the Android activity and the desktop tests show: top bar with back,
//! the current screen, and the tabs of the user's role. Screens get state and callbacks only.
package id.posyandu.ilp.app

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.material3.TopAppBarDefaults
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.text.style.TextOverflow
import id.posyandu.ilp.app.i18n.CommonTexts
import id.posyandu.ilp.app.i18n.Language
import id.posyandu.ilp.app.i18n.LocalLanguage
import id.posyandu.ilp.app.login.LoginScreen
import id.posyandu.ilp.app.login.LoginViewModel
import id.posyandu.ilp.app.login.SetPinScreen
import id.posyandu.ilp.app.login.SetPinViewModel
import id.posyandu.ilp.app.nav.Navigator
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.theme.IlpTheme
import id.posyandu.ilp.app.today.TodayScreen
import id.posyandu.ilp.app.today.TodayViewModel
import kotlinx.coroutines.launch

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun IlpApp(graph: AppGraph) {
    val language by graph.language.collectAsState()
    val stack by graph.navigator.stack.collectAsState()
    val user by graph.session.user.collectAsState()
    val entry = stack.lastOrNull() ?: return
    val t = CommonTexts.of(language)
    val scope = rememberCoroutineScope()
    CompositionLocalProvider(LocalLanguage provides language) {
        IlpTheme {
            val signedIn = user != null && entry.route != Route.Login && entry.route != Route.SetPin
            Scaffold(
                topBar = {
                    if (signedIn) {
                        TopAppBar(
                            title = { Text(titleOf(entry.route, language), maxLines = 1, overflow = TextOverflow.Ellipsis) },
                            navigationIcon = {
                                if (stack.size > 1) {
                                    TextButton(
                                        { graph.navigator.pop() },
                                        Modifier.semantics { contentDescription = t.back },
                                        colors = ButtonDefaults.textButtonColors(contentColor = MaterialTheme.colorScheme.onPrimary),
                                    ) {
                                        Text("‹", style = MaterialTheme.typography.headlineSmall)
                                    }
                                }
                            },
                            actions = {
                                // Only on a tab's first screen: deeper screens need the room for their title.
                                if (stack.size == 1) TextButton(
                                    {
                                        scope.launch {
                                            graph.accounts.switchUser()
                                            graph.navigator.reset(Route.Login)
                                        }
                                    },
                                    colors = ButtonDefaults.textButtonColors(contentColor = MaterialTheme.colorScheme.onPrimary),
                                ) { Text(t.switchUser) }
                            },
                            colors = TopAppBarDefaults.topAppBarColors(
                                containerColor = MaterialTheme.colorScheme.primary,
                                titleContentColor = MaterialTheme.colorScheme.onPrimary,
                                actionIconContentColor = MaterialTheme.colorScheme.onPrimary,
                                navigationIconContentColor = MaterialTheme.colorScheme.onPrimary,
                            ),
                        )
                    }
                },
                bottomBar = {
                    if (signedIn) Tabs(graph.navigator, entry.route, tabsFor(user?.role), language)
                },
            ) { padding ->
                Box(Modifier.padding(padding).fillMaxSize()) { Screen(graph, entry) }
            }
        }
    }
}

/** The tabs a role sees: supervisors (and bidan, who answer for a kelurahan) also get coverage. */
fun tabsFor(role: String?): List<Route> = buildList {
    add(Route.Today)
    add(Route.Households())
    add(Route.PosyanduSession())
    if (role == "supervisor" || role == "bidan" || role == "admin") add(Route.Coverage())
    add(Route.Sync)
}

@Composable
private fun Tabs(navigator: Navigator, current: Route, tabs: List<Route>, language: Language) {
    NavigationBar {
        tabs.forEach { tab ->
            val selected = current::class == tab::class
            NavigationBarItem(
                selected = selected,
                onClick = { if (!selected || navigator.stack.value.size > 1) navigator.reset(tab) },
                icon = {},
                label = {
                    Text(
                        titleOf(tab, language),
                        // Five tabs (a supervisor's) leave about 72 dp each: "Posyandu" must not break.
                        style = if (tabs.size > 4) MaterialTheme.typography.labelSmall else MaterialTheme.typography.labelMedium,
                        maxLines = 2,
                        textAlign = TextAlign.Center,
                    )
                },
            )
        }
    }
}

fun titleOf(route: Route, language: Language): String {
    val t = CommonTexts.of(language)
    return when (route) {
        Route.Login -> "Posyandu ILP"
        Route.SetPin -> "PIN"
        Route.Today -> t.today
        is Route.Households -> t.households
        is Route.RegisterHousehold -> language.pick("Daftar rumah tangga", "Register household")
        is Route.EditHousehold -> language.pick("Ubah rumah tangga", "Edit household")
        is Route.Household -> language.pick("Rumah tangga", "Household")
        is Route.Person -> language.pick("Profil", "Profile")
        is Route.Visit -> language.pick("Kunjungan", "Visit")
        is Route.PosyanduSession -> t.posyandu
        Route.Sync -> t.sync
        is Route.Coverage -> t.coverage
        is Route.CoverageDrilldown -> language.pick("Rincian cakupan", "Coverage details")
    }
}

@Composable
private fun Screen(graph: AppGraph, entry: Navigator.Entry) {
    when (val vm = entry.viewModel) {
        is LoginViewModel -> {
            val s by vm.state.collectAsState()
            LoginScreen(
                s, vm::pickAccount, vm::useOnlineLogin, vm::onUsername, vm::onPassword, vm::onPin,
                vm::loginOnline, vm::loginWithPin, graph::toggleLanguage,
            )
        }
        is SetPinViewModel -> {
            val s by vm.state.collectAsState()
            SetPinScreen(s, vm::onPin, vm::onRepeat, vm::save)
        }
        is TodayViewModel -> {
            val s by vm.state.collectAsState()
            TodayScreen(s, vm::open, vm::refresh)
        }
        is id.posyandu.ilp.app.households.HouseholdsViewModel -> {
            val s by vm.state.collectAsState()
            id.posyandu.ilp.app.households.HouseholdsScreen(s, vm::selectRt, vm::onQuery, vm::open, vm::open, vm::register, vm::retry)
        }
        is id.posyandu.ilp.app.households.RegisterHouseholdViewModel -> {
            val s by vm.state.collectAsState()
            id.posyandu.ilp.app.households.RegisterHouseholdScreen(
                s, vm::onHousehold, vm::onMember, vm::addMemberRow, vm::removeMemberRow, vm::save, vm::openSaved,
                vm::openExisting, vm::load,
            )
        }
        is id.posyandu.ilp.app.households.EditHouseholdViewModel -> {
            val s by vm.state.collectAsState()
            id.posyandu.ilp.app.households.EditHouseholdScreen(s, vm::onHousehold, vm::save, vm::load)
        }
        is id.posyandu.ilp.app.households.HouseholdViewModel -> {
            val s by vm.state.collectAsState()
            id.posyandu.ilp.app.households.HouseholdScreen(
                s, vm::openPerson, vm::visit, vm::edit, vm::startAddMember, vm::onNewMember, vm::cancelAddMember,
                vm::saveMember, vm::refresh,
            )
        }
        is id.posyandu.ilp.app.sync.SyncViewModel -> {
            val s by vm.state.collectAsState()
            id.posyandu.ilp.app.sync.SyncScreen(
                s, vm::syncNow, vm::cancel, vm::refresh, vm::loginAgain, vm::askLogout, vm::keepLoggedIn, vm::logout,
            )
        }
        is id.posyandu.ilp.app.person.PersonViewModel -> {
            val s by vm.state.collectAsState()
            id.posyandu.ilp.app.person.PersonScreen(s, vm::selectTab, vm::selectIndicator, vm::recordVisit, vm::refresh)
        }
        is id.posyandu.ilp.app.visit.VisitViewModel -> {
            val s by vm.state.collectAsState()
            id.posyandu.ilp.app.visit.VisitScreen(
                s,
                id.posyandu.ilp.app.visit.VisitActions(
                    vm::selectKind, vm::edit, vm::toggleDangerSign, vm::toggleImmunization, vm::toggleService,
                    vm::callPickup, vm::save, vm::load,
                ),
            )
        }
        is id.posyandu.ilp.app.posyandu.PosyanduPickViewModel -> {
            val s by vm.state.collectAsState()
            id.posyandu.ilp.app.posyandu.PosyanduPickScreen(
                s, vm::open, vm::previousDay, vm::nextDay, vm::showDatePicker, vm::pickDate, vm::backToToday, vm::refresh,
            )
        }
        is id.posyandu.ilp.app.posyandu.PosyanduSessionViewModel -> {
            val s by vm.state.collectAsState()
            id.posyandu.ilp.app.posyandu.PosyanduSessionScreen(
                s,
                id.posyandu.ilp.app.posyandu.PosyanduSessionActions(
                    vm::select, vm::onWeight, vm::onLength, vm::saveWeighing, vm::openFullVisit, vm::closeDraft,
                    vm::showWalkIn, vm::onWalkInQuery, vm::addWalkIn, vm::selectWalkIn, vm::askToEnd, vm::endSession,
                    vm::openToday, vm::refresh,
                ),
            )
        }
        is id.posyandu.ilp.app.coverage.CoverageViewModel -> {
            val s by vm.state.collectAsState()
            id.posyandu.ilp.app.coverage.CoverageScreen(
                s, vm::showAreaPicker, vm::pickArea, vm::previousMonth, vm::nextMonth, vm::openNumber, vm::refresh,
            )
        }
        is id.posyandu.ilp.app.coverage.CoverageDrilldownViewModel -> {
            val s by vm.state.collectAsState()
            id.posyandu.ilp.app.coverage.CoverageDrilldownScreen(s, vm::open, vm::refresh)
        }
        else -> error("no screen for ${entry.route}")
    }
}
