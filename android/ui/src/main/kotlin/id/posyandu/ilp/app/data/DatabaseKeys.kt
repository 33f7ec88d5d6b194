//! Where each user's database key comes from. On Android the key is made once on the phone and
//! wrapped by the Android Keystore (app module, `KeystoreDatabaseKeys`); tests pass fixed keys.
package id.posyandu.ilp.app.data

/** The raw 32-byte SQLCipher key of a user's database on this phone, made on first use. */
fun interface DatabaseKeys {
    fun keyFor(username: String): ByteArray
}
