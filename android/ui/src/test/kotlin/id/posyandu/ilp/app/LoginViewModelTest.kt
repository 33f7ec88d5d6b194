package id.posyandu.ilp.app

import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.login.LoginViewModel
import id.posyandu.ilp.app.login.SetPinViewModel
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.app.today.TodayViewModel
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** Login: first online, then offline with a PIN; a shared phone's users; each error state. */
class LoginViewModelTest {
    @Test
    fun aNewPhoneShowsTheOnlineForm() {
        val graph = TestApp.graph()
        val vm = graph.screen<LoginViewModel>()
        val s = vm.state.await { !it.loadingAccounts }
        assertTrue(s.accounts.isEmpty())
        assertNull("no account: the online form", s.pinFor)
    }

    @Test
    fun offlineLoginWithPinOpensToday() {
        val graph = TestApp.phoneWithDemoUser()
        val vm = graph.screen<LoginViewModel>()
        val s = vm.state.await { !it.loadingAccounts }
        assertEquals("kader.rw001.a", s.pinFor?.username)
        vm.onPin("000000")
        vm.loginWithPin()
        val wrong = vm.state.await { it.error != null }
        assertTrue("a wrong PIN is refused: ${wrong.error}", wrong.error is UiError.NotAllowed)
        assertEquals(Route.Login, graph.navigator.current.route)

        vm.onPin(TestApp.PIN)
        vm.loginWithPin()
        graph.navigator.stack.await { it.last().route == Route.Today }
        assertEquals("kader.rw001.a", graph.session.user.value?.username)
        assertNotEquals("core calls run off the main thread", "AWT-EventQueue-0", graph.session.lastCallThread)
        assertTrue(graph.navigator.current.viewModel is TodayViewModel)
    }

    @Test
    fun sharedPhoneListsEveryUserAndSwitches() {
        val dir = TestApp.tempDir()
        TestApp.phoneWithDemoUser("kader.rw001.a", dir = dir)
        val graph = TestApp.phoneWithDemoUser("bidan.oesapa.1", dir = dir)
        val vm = graph.screen<LoginViewModel>()
        val s = vm.state.await { !it.loadingAccounts }
        assertEquals(setOf("kader.rw001.a", "bidan.oesapa.1"), s.accounts.map { it.username }.toSet())
        vm.pickAccount(s.accounts.first { it.username == "kader.rw001.a" })
        vm.onPin(TestApp.PIN)
        vm.loginWithPin()
        graph.navigator.stack.await { it.last().route == Route.Today }
        assertEquals("kader", graph.session.user.value?.role)

        kotlinx.coroutines.runBlocking { graph.accounts.switchUser() }
        graph.navigator.reset(Route.Login)
        val again = graph.screen<LoginViewModel>()
        val s2 = again.state.await { !it.loadingAccounts }
        assertEquals("the last user comes first", "kader.rw001.a", s2.accounts.first().username)
        again.pickAccount(s2.accounts.first { it.username == "bidan.oesapa.1" })
        again.onPin(TestApp.PIN)
        again.loginWithPin()
        graph.navigator.stack.await { it.last().route == Route.Today }
        assertEquals("bidan", graph.session.user.value?.role)
    }

    @Test
    fun onlineLoginWithoutServerIsOffline() {
        val graph = TestApp.graph(serverUrl = "http://127.0.0.1:9")
        val vm = graph.screen<LoginViewModel>()
        vm.state.await { !it.loadingAccounts }
        vm.onUsername("kader.rw001.a")
        vm.onPassword("kader.rw001.a-demo")
        vm.loginOnline()
        val s = vm.state.await { it.error != null }
        assertTrue("unreachable server: ${s.error}", s.error is UiError.Offline)
    }

    @Test
    fun emptyUsernameNamesTheField() {
        val graph = TestApp.graph()
        val vm = graph.screen<LoginViewModel>()
        vm.state.await { !it.loadingAccounts }
        vm.onPassword("x")
        vm.loginOnline()
        val e = vm.state.await { it.error != null }.error
        assertEquals(UiError.Invalid("username", "must not be empty"), e)
    }

    @Test
    fun onlineLoginThenPinThenToday() {
        val graph = TestApp.graph(serverUrl = TestApp.server)
        val vm = graph.screen<LoginViewModel>()
        vm.state.await { !it.loadingAccounts }
        vm.onUsername("kader.rw001.a")
        vm.onPassword("wrong-password")
        vm.loginOnline()
        val refused = vm.state.await { it.error != null }
        assertTrue("wrong password: ${refused.error}", refused.error is UiError.NotAllowed)

        vm.onPassword("kader.rw001.a-demo")
        vm.loginOnline()
        graph.navigator.stack.await { it.last().route == Route.SetPin }
        val pin = graph.screen<SetPinViewModel>()
        pin.onPin("2468")
        pin.onRepeat("1357")
        pin.save()
        assertTrue(pin.state.await { it.error != null }.error is UiError.Invalid)
        pin.onRepeat("2468")
        pin.save()
        graph.navigator.stack.await { it.last().route == Route.Today }
        assertEquals(listOf("kader.rw001.a"), graph.accountDirectory.list().map { it.username })
    }
}
