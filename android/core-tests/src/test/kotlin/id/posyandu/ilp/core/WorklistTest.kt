package id.posyandu.ilp.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Before
import org.junit.Test
import java.io.File

/**
 * The schedule screens through the generated Kotlin bindings: the kader's worklist, a child's
 * due items before and after a dose, the growth chart, and the coverage table of her RT.
 */
class WorklistTest {
    private val deviceId = "6f0c1f7e-8d3a-4b6e-9a51-2f3c4d5e6f70"
    private val key = ByteArray(32) { 7 }
    private val day = "2026-11-20"
    private lateinit var dbPath: String
    private lateinit var kader: String

    @Before
    fun createDemo() {
        dbPath = File(BindingTest.tempDir("ilp-kotlin-worklist"), "demo.db").path
        val demo = createDemoDatabase(dbPath, key, deviceId, 80u, 11uL, day)
        kader = demo.usernames.first { it.startsWith("kader.") }
    }

    private fun open() = IlpCore.open(OpenConfig(dbPath, key, deviceId, kader, 480))

    @Test
    fun worklistDueItemsGrowthChartAndCoverage() {
        val core = open()
        core.prepareSearch()
        val list = core.worklist(day)
        assertTrue(list.itemCount > 0u)
        val keys = list.groups.flatMap { g -> g.stops.flatMap { s -> s.entries.map { it.item.personId to it.item.key } } }
        assertEquals("each item once", keys.size, keys.toSet().size)

        val rt = core.areaTree().first { it.level == "rt" && it.inScope }.id
        val reg = core.registerHousehold(
            HouseholdForm(rt, null, "Jl. Kejora No. 5", -10.142, 123.633, "pbi", true, true, null),
            listOf(PersonForm("Yakobus Lay", SexCode.MALE, "2026-08-01", false, null, null, null, null, "head", null, null, null)),
        )
        val baby = reg.memberIds[0]
        val bcg = core.dueItems(baby, day).items.first { it.key == "imm:bcg:1" }
        assertEquals("overdue", bcg.status)
        core.recordVisit(
            VisitForm(
                baby, null, VisitKindForm.Posyandu, null, null, null,
                MeasurementForm(6.1, 60.5, true, null, null, null, null, null, null),
                listOf(ImmunizationForm("bcg", 1u, day, null, false)),
                emptyList(), emptyList(), null, null, null,
            ),
        )
        assertEquals("done", core.dueItems(baby, day).items.first { it.key == "imm:bcg:1" }.status)

        val chart = core.growthChart(baby, "wfa")
        assertEquals(1, chart.points.size)
        assertEquals(7, chart.curves.first().sd.size)
        assertEquals("B", chart.points[0].kmsCode)
        try {
            core.growthChart(baby, "iq")
            fail("unknown indicator accepted")
        } catch (e: IlpException.Validation) {
            assertEquals("indicator", e.field)
        }

        val iks = core.familyHealthIndex(reg.householdId)
        assertEquals((1..12).toList(), iks.indicators.map { it.number.toInt() })
        assertTrue(iks.indicators.all { it.answer in setOf("yes", "no", "not_applicable", "not_asked_yet") })

        val posyandu = core.posyanduList().first()
        val session = core.posyanduSession(posyandu.id, day)
        assertEquals(session.expected.toInt(), session.attendees.size)
        assertTrue(session.attended <= session.expected)

        val coverage = core.coverage(rt, null, "2026-11")
        val s = coverage.rows.first { it.code == "skdn_s" }
        assertTrue(s.denominator > 0u)
        coverage.rows.forEach { assertTrue(it.numerator <= it.denominator) }
        assertFalse(coverage.ruleTables.isEmpty())
    }
}
