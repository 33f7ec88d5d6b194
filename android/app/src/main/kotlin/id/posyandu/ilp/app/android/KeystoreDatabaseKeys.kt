//! Each user's SQLCipher key on this phone: 32 random bytes made once, kept only wrapped
//! (AES-256-GCM) by a key that lives in the Android Keystore and never leaves it. The wrapped key
//! and its IV sit in the app's private no-backup directory, written atomically. No user
//! authentication is bound to the Keystore key: a sync runs with the screen locked, and who may
//! open a user's records is decided by the core (PIN offline, password online), not by the key.
package id.posyandu.ilp.app.android

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import id.posyandu.ilp.app.data.AccountDirectory
import id.posyandu.ilp.app.data.DatabaseKeys
import java.io.ByteArrayOutputStream
import java.io.DataInputStream
import java.io.DataOutputStream
import java.io.File
import java.io.IOException
import java.security.KeyStore
import java.security.SecureRandom
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

class KeystoreDatabaseKeys(
    /** Where the wrapped keys go (the app's private no-backup directory). */
    private val dir: File,
) : DatabaseKeys {
    init {
        dir.mkdirs()
    }

    @Synchronized
    override fun keyFor(username: String): ByteArray {
        val file = File(dir, AccountDirectory.safeName(username) + ".key")
        if (file.isFile) return unwrap(file.readBytes())
        // First use for this user on this phone: a fresh key, stored wrapped before it is used,
        // so a database is never created with a key that could be lost.
        val key = ByteArray(KEY_BYTES).also(SecureRandom()::nextBytes)
        writeAtomically(file, wrap(key))
        return key
    }

    private fun wrappingKey(): SecretKey {
        val store = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }
        (store.getKey(ALIAS, null) as? SecretKey)?.let { return it }
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE)
        generator.init(
            KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                // The background sync runs with the screen locked.
                .setUserAuthenticationRequired(false)
                .build(),
        )
        return generator.generateKey()
    }

    /** Format: version (1), IV length, IV, GCM ciphertext with its tag. */
    private fun wrap(key: ByteArray): ByteArray {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        // The Keystore picks the IV (randomized encryption is enforced for its keys).
        cipher.init(Cipher.ENCRYPT_MODE, wrappingKey())
        val sealed = cipher.doFinal(key)
        val iv = cipher.iv
        val out = ByteArrayOutputStream()
        DataOutputStream(out).use { d ->
            d.writeByte(FORMAT_VERSION)
            d.writeByte(iv.size)
            d.write(iv)
            d.write(sealed)
        }
        return out.toByteArray()
    }

    private fun unwrap(stored: ByteArray): ByteArray {
        val input = DataInputStream(stored.inputStream())
        val version = input.readUnsignedByte()
        if (version != FORMAT_VERSION) throw IOException("unknown wrapped key format $version")
        val iv = ByteArray(input.readUnsignedByte()).also(input::readFully)
        val sealed = input.readBytes()
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, wrappingKey(), GCMParameterSpec(TAG_BITS, iv))
        // A lost Keystore key (its entry wiped) fails here, loudly: a new key silently replacing
        // it would make the user's database unreadable without saying why.
        return cipher.doFinal(sealed)
    }

    private fun writeAtomically(target: File, bytes: ByteArray) {
        val tmp = File(target.parentFile, target.name + ".tmp")
        tmp.outputStream().use { out ->
            out.write(bytes)
            out.fd.sync()
        }
        if (!tmp.renameTo(target)) {
            tmp.delete()
            throw IOException("could not save the wrapped key")
        }
    }

    private companion object {
        const val ANDROID_KEYSTORE = "AndroidKeyStore"
        const val ALIAS = "ilp-database-keys"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val TAG_BITS = 128
        const val KEY_BYTES = 32
        const val FORMAT_VERSION = 1
    }
}
