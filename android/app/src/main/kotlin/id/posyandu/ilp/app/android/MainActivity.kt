//! The one activity: shows the ui module's IlpApp over the process's graph; back pops the app's
//! own stack and closes the activity at its root.
package id.posyandu.ilp.app.android

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.OnBackPressedCallback
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import id.posyandu.ilp.app.IlpApp
import id.posyandu.ilp.app.i18n.Language

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val graph = (application as IlpApplication).graph
        if (savedInstanceState == null) {
            // A fresh start follows the phone's language; a rotation keeps the user's choice.
            graph.language.value = Language.fromTag(resources.configuration.locales[0].toLanguageTag())
        }
        enableEdgeToEdge()
        onBackPressedDispatcher.addCallback(
            this,
            object : OnBackPressedCallback(true) {
                override fun handleOnBackPressed() {
                    if (!graph.navigator.pop()) finish()
                }
            },
        )
        setContent { IlpApp(graph) }
    }
}
