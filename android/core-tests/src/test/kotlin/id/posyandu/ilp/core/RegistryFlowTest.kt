package id.posyandu.ilp.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Before
import org.junit.Test
import java.io.File

/**
 * The kader's flow through the generated Kotlin bindings against the real library: register a
 * household, find it by a name typed in old spelling, record a visit, read it back, and get a bad
 * weight refused as a typed exception naming the field.
 */
class RegistryFlowTest {
    private val deviceId = "6f0c1f7e-8d3a-4b6e-9a51-2f3c4d5e6f70"
    private val key = ByteArray(32) { 7 }
    private lateinit var dbPath: String
    private lateinit var kader: String

    @Before
    fun createDemo() {
        dbPath = File(BindingTest.tempDir("ilp-kotlin"), "demo.db").path
        val demo = createDemoDatabase(dbPath, key, deviceId, 80u, 7uL, "2026-11-20")
        assertEquals(80uL, demo.households)
        kader = demo.usernames.first { it.startsWith("kader.") }
    }

    private fun open(username: String = kader) =
        IlpCore.open(OpenConfig(dbPath, key, deviceId, username, 480))

    private fun person(name: String, sex: SexCode, birth: String, relation: String, mother: UInt? = null) =
        PersonForm(name, sex, birth, false, null, null, null, null, relation, mother, null, null)

    private fun household(rtId: String) =
        HouseholdForm(rtId, null, "Jl. Kejora No. 3", -10.141, 123.632, "pbi", true, true, null)

    private fun weighing(personId: String, weightKg: Double) = VisitForm(
        personId, null, VisitKindForm.Posyandu, null, null, null,
        MeasurementForm(weightKg, 66.0, null, null, null, null, null, null, null),
        listOf(ImmunizationForm("mr", 1u, null, "MR-2611", false)),
        listOf(ServiceForm("vitamin_a_blue", 1u)),
        emptyList(), null, null, null,
    )

    private fun myRt(core: IlpCore): String =
        core.areaTree().first { it.level == "rt" && it.inScope }.id

    @Test
    fun registerSearchVisitAndReadBack() {
        val core = open()
        val rt = myRt(core)
        val before = core.householdsInRt(rt).size
        val reg = core.registerHousehold(
            household(rt),
            listOf(
                person("Maria Goreti Bana", SexCode.FEMALE, "1994-04-02", "head"),
                person("Tjahjo Bana", SexCode.MALE, "2026-02-10", "child", mother = 0u),
            ),
        )
        assertEquals(2, reg.memberIds.size)
        assertEquals(before + 1, core.householdsInRt(rt).size)

        val hits = core.search("cahyo bana", 10u)
        assertEquals(reg.memberIds[1], hits.first().personId)

        val visit = core.recordVisit(weighing(reg.memberIds[1], 7.4))
        assertEquals(3, visit.eventIds.size)

        val screen = core.householdDetail(reg.householdId)
        val baby = screen.members.first { it.personId == reg.memberIds[1] }
        assertEquals(7.4, baby.latest.weightKg!!, 0.0001)
        assertEquals(true, baby.latest.measuredLying)
        assertTrue(screen.placeLabel.startsWith("RT "))
        assertTrue(core.personHistory(reg.memberIds[1]).any { it.summary.contains("MR") })
        assertTrue(core.outboxStatus().pending > 0)
        core.closeDatabase()
        core.reopenDatabase()
        assertTrue(core.areaTree().isNotEmpty())
    }

    @Test
    fun implausibleWeightIsATypedValidationError() {
        val core = open()
        val reg = core.registerHousehold(
            household(myRt(core)),
            listOf(person("Fransiskus Ndun", SexCode.MALE, "2026-01-05", "head")),
        )
        try {
            core.recordVisit(weighing(reg.memberIds[0], 55.0))
            fail("a 55 kg ten-month-old must be refused")
        } catch (e: IlpException.Validation) {
            assertEquals("measurement.weight_kg", e.field)
        }
        assertTrue(core.personHistory(reg.memberIds[0]).isEmpty())
    }

    @Test
    fun wrongKeyAndUnknownUserAreRefused() {
        try {
            IlpCore.open(OpenConfig(dbPath, ByteArray(32) { 8 }, deviceId, kader, 480))
            fail("wrong key opened the database")
        } catch (e: IlpException.KeyRejected) {
        }
        try {
            open("nobody")
            fail("unknown user opened the database")
        } catch (e: IlpException.Auth) {
        }
    }
}
