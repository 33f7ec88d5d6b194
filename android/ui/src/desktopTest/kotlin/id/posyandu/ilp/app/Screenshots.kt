//! Writes a PNG of what a Compose test shows, under $ILP_BUILD_DIR/android-screenshots (the
//! directory tests/android.sh passes as -Dilp.screenshots), for review.
package id.posyandu.ilp.app

import androidx.compose.ui.graphics.toAwtImage
import androidx.compose.ui.test.captureToImage
import androidx.compose.ui.test.junit4.ComposeContentTestRule
import androidx.compose.ui.test.onRoot
import java.io.File
import javax.imageio.ImageIO

object Screenshots {
    val dir: File = File(System.getProperty("ilp.screenshots") ?: "build/android-screenshots").also { it.mkdirs() }

    /** Saves the whole window as `<name>.png` and returns the file. */
    fun save(rule: ComposeContentTestRule, name: String): File {
        rule.waitForIdle()
        val image = rule.onRoot().captureToImage().toAwtImage()
        val file = File(dir, "$name.png")
        check(ImageIO.write(image, "png", file)) { "no PNG writer" }
        return file
    }
}
