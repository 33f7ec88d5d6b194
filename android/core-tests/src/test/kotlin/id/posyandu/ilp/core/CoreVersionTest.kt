package id.posyandu.ilp.core

import kotlin.test.assertEquals
import org.junit.Test

/** The smallest round trip through the generated bindings and the real library. */
class CoreVersionTest {
    @Test
    fun coreVersionIsTheCargoVersion() {
        assertEquals(BindingTest.expectedCoreVersion(), coreVersion())
    }
}
