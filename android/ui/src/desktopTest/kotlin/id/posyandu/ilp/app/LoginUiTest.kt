package id.posyandu.ilp.app

import androidx.compose.foundation.layout.size
import androidx.compose.ui.Modifier
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.junit4.createComposeRule
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import androidx.compose.foundation.layout.Box
import androidx.compose.ui.unit.dp
import id.posyandu.ilp.app.nav.Route
import org.junit.Assert.assertEquals
import org.junit.Rule
import org.junit.Test

/** A phone-sized window (360 × 760 dp) showing the whole app. */
fun PhoneFrame(graph: AppGraph): @androidx.compose.runtime.Composable () -> Unit = {
    Box(Modifier.size(360.dp, 760.dp)) { IlpApp(graph) }
}

@OptIn(ExperimentalTestApi::class)
class LoginUiTest {
    @get:Rule
    val rule = createComposeRule()

    @Test
    fun pinLoginLeadsToTodaysWorklist() {
        val graph = TestApp.phoneWithDemoUser()
        rule.setContent(PhoneFrame(graph))
        rule.waitUntil(20_000) { rule.onAllNodes(hasText("Masuk dengan PIN")).fetchSemanticsNodes().isNotEmpty() }
        Screenshots.save(rule, "01-login-pin")
        rule.onNodeWithContentDescription("PIN").performTextInput(TestApp.PIN)
        rule.onNodeWithText("Masuk dengan PIN").performClick()
        rule.waitUntil(30_000) { graph.navigator.current.route == Route.Today }
        rule.waitUntil(30_000) { rule.onAllNodes(hasText("Selamat bertugas", substring = true)).fetchSemanticsNodes().isNotEmpty() }
        Screenshots.save(rule, "03-today")
        assertEquals(Route.Today, graph.navigator.current.route)
    }

    @Test
    fun onlineLoginFormAndPinSetup() {
        val graph = TestApp.graph(serverUrl = TestApp.server)
        rule.setContent(PhoneFrame(graph))
        rule.waitUntil(20_000) { rule.onAllNodes(hasText("Masuk online")).fetchSemanticsNodes().isNotEmpty() }
        Screenshots.save(rule, "00-login-online")
        rule.onNodeWithContentDescription("Nama pengguna").performTextInput("kader.rw001.a")
        rule.onNodeWithContentDescription("Kata sandi").performTextInput("kader.rw001.a-demo")
        rule.onNodeWithText("Masuk").performClick()
        rule.waitUntil(60_000) { graph.navigator.current.route == Route.SetPin }
        rule.waitForIdle()
        Screenshots.save(rule, "02-set-pin")
    }
}
