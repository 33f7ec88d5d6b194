//! The users who have logged in on this phone (a shared phone holds one database per user) and
//! the phone's device id. Kept in the app's private directory, written atomically: a crash while
//! saving leaves the previous list, never half of one.
package id.posyandu.ilp.app.data

import java.io.File
import java.util.UUID

/** A user with a database on this phone. */
data class Account(
    val username: String,
    val displayName: String,
    /** kader, bidan, supervisor or admin. */
    val role: String,
    /** File name of the user's database inside the accounts directory. */
    val dbFile: String,
    val lastUsedMs: Long,
)

class AccountDirectory(
    val dir: File,
    private val newId: () -> String = { UUID.randomUUID().toString() },
) {
    private val listFile = File(dir, "accounts.tsv")
    private val deviceFile = File(dir, "device-id")

    init {
        dir.mkdirs()
    }

    /** The phone's id, made once and kept (the server registers devices per user with it). */
    @Synchronized
    fun deviceId(): String {
        if (deviceFile.isFile) deviceFile.readText().trim().takeIf { it.isNotEmpty() }?.let { return it }
        val id = newId()
        writeAtomically(deviceFile, id)
        return id
    }

    /** Accounts, the most recently used first. */
    @Synchronized
    fun list(): List<Account> {
        if (!listFile.isFile) return emptyList()
        return listFile.readLines().mapNotNull { line ->
            val f = line.split('\t')
            if (f.size < 5) return@mapNotNull null
            Account(f[0], f[1], f[2], f[3], f[4].toLongOrNull() ?: 0)
        }.sortedByDescending { it.lastUsedMs }
    }

    fun find(username: String): Account? = list().firstOrNull { it.username == username }

    /** The database file of `username`: the one remembered, or where a new one goes. */
    fun databaseFor(username: String): File =
        File(dir, find(username)?.dbFile ?: ("user-" + safeName(username) + ".db"))

    @Synchronized
    fun remember(account: Account) {
        val rest = list().filter { it.username != account.username }
        val lines = (listOf(account) + rest).joinToString("\n") { a ->
            listOf(a.username, clean(a.displayName), a.role, a.dbFile, a.lastUsedMs.toString()).joinToString("\t")
        }
        writeAtomically(listFile, lines + "\n")
    }

    private fun clean(s: String) = s.replace('\t', ' ').replace('\n', ' ')

    private fun writeAtomically(target: File, text: String) {
        val tmp = File(target.parentFile, target.name + ".tmp")
        tmp.outputStream().use { out ->
            out.write(text.toByteArray(Charsets.UTF_8))
            out.fd.sync()
        }
        if (!tmp.renameTo(target)) {
            target.delete()
            check(tmp.renameTo(target)) { "could not save ${target.name}" }
        }
    }

    companion object {
        /** Usernames are letters, digits, dots, dashes and underscores; anything else is hex-escaped. */
        fun safeName(username: String): String = buildString {
            for (c in username) {
                if (c.isLetterOrDigit() && c.code < 128 || c == '.' || c == '-' || c == '_') append(c)
                else append('%').append(c.code.toString(16))
            }
        }
    }
}
