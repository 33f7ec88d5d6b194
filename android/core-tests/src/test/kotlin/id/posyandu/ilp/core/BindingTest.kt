package id.posyandu.ilp.core

import java.io.File
import java.nio.file.Files

/** Helpers shared by the binding tests. Run them with tests/kotlin.sh (which sets the properties used here). */
object BindingTest {
    /** The ilp-ffi crate version, written by tests/lib/build-core.sh. */
    fun expectedCoreVersion(): String =
        System.getProperty("ilp.core.version") ?: error("run through tests/kotlin.sh: -Dilp.core.version is not set")

    /** A fresh empty directory (e.g. for a database), removed when the JVM exits. */
    fun tempDir(prefix: String = "ilp-test"): File =
        Files.createTempDirectory(prefix).toFile().also { dir ->
            Runtime.getRuntime().addShutdownHook(Thread { dir.deleteRecursively() })
        }
}
