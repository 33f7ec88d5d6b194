// Test runner for the Kotlin binding tests (tests/kotlin.sh): finds every compiled class with JUnit 4 @Test
// methods under the classes dir, runs them with JUnitCore, prints each failure, and ends with the line
// "kotlin: N passed, M failed" (", K skipped" when some were ignored). Exit code 1 on any failure or no test.
package id.posyandu.ilp.testrunner

import java.io.File
import java.lang.reflect.Modifier
import kotlin.system.exitProcess
import org.junit.Test
import org.junit.runner.Description
import org.junit.runner.JUnitCore
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener

private class Listener : RunListener() {
    var failed = 0
    var skipped = 0

    override fun testFailure(failure: Failure) {
        failed++
        System.out.println("FAIL ${failure.description.displayName}")
        // Keep the trace short: the message and the frames in our own code.
        System.out.println("  ${failure.exception}")
        failure.exception.stackTrace
            .filter { it.className.startsWith("id.posyandu.") && !it.className.startsWith("id.posyandu.ilp.testrunner.") }
            .take(8)
            .forEach { System.out.println("    at $it") }
        failure.exception.cause?.let { System.out.println("  caused by: $it") }
    }

    override fun testAssumptionFailure(failure: Failure) {
        skipped++
        System.out.println("SKIP ${failure.description.displayName}: ${failure.message}")
    }

    override fun testIgnored(description: Description) {
        skipped++
    }
}

/** args[0]: the classes dir; further args: only run classes whose name contains one of them. */
fun main(args: Array<String>) {
    val root = File(args[0])
    val filters = args.drop(1)
    val loader = Thread.currentThread().contextClassLoader
    val classes = root.walkTopDown()
        .filter { it.isFile && it.name.endsWith(".class") && '$' !in it.name }
        .map { it.relativeTo(root).path.removeSuffix(".class").replace(File.separatorChar, '.') }
        .filter { name -> !name.startsWith("id.posyandu.ilp.testrunner.") }
        .filter { name -> filters.isEmpty() || filters.any { name.contains(it) } }
        .sorted()
        .mapNotNull { name -> runCatching { Class.forName(name, false, loader) }.getOrNull() }
        .filter { c -> !Modifier.isAbstract(c.modifiers) && c.methods.any { it.isAnnotationPresent(Test::class.java) } }
        .toList()

    val listener = Listener()
    val core = JUnitCore()
    core.addListener(listener)
    val result = core.run(*classes.toTypedArray())
    val passed = result.runCount - listener.failed - result.assumptionFailureCount
    val skip = if (listener.skipped > 0) ", ${listener.skipped} skipped" else ""
    if (result.runCount == 0) System.out.println("no test found under $root")
    val suite = System.getProperty("ilp.suite", "kotlin")
    System.out.println("$suite: $passed passed, ${listener.failed} failed$skip")
    System.out.flush()
    exitProcess(if (listener.failed == 0 && result.runCount > 0) 0 else 1)
}
