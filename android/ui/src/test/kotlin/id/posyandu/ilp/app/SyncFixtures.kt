//! Fixtures for the sync tests (view model and Compose): users logged in online against the demo
//! server, a visit recorded through the core, a loopback proxy that can be "unplugged" to make the
//! server unreachable, and a change the server really refuses.
package id.posyandu.ilp.app

import id.posyandu.ilp.app.data.BackgroundSync
import id.posyandu.ilp.app.nav.Route
import id.posyandu.ilp.core.VisitForm
import id.posyandu.ilp.core.VisitKindForm
import kotlinx.coroutines.runBlocking
import java.io.File
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.util.Collections

object SyncFixtures {
    /** Records what the app asked of the platform's background sync. */
    class RecordingBackgroundSync : BackgroundSync {
        val calls: MutableList<String> = Collections.synchronizedList(mutableListOf())
        override fun schedule() {
            calls += "schedule"
        }
        override fun cancel() {
            calls += "cancel"
        }
    }

    /**
     * A phone on which `username` logged in online against `serverUrl` (not synced yet), on the
     * sync screen.
     */
    fun loggedInOnline(
        username: String = "kader.rw001.a",
        serverUrl: String = TestApp.server,
        background: BackgroundSync? = null,
        dir: File = TestApp.tempDir(),
    ): AppGraph {
        val graph = AppGraph(
            Platform(
                accountsDir = dir,
                keys = TestApp.keys,
                serverUrl = { serverUrl },
                utcOffsetMinutes = { TestApp.OFFSET_MINUTES },
                deviceName = "JVM sync test",
                backgroundSync = background,
            ),
        )
        runBlocking { graph.accounts.loginOnline(username, "$username-demo") }
        graph.navigator.reset(Route.Sync)
        return graph
    }

    /** Syncs through the repository (setting the scene, not what a test checks). */
    fun syncQuietly(graph: AppGraph) = runBlocking { graph.sync.syncNow().await() }

    /** A home visit with a note for the first person on today's worklist; returns the person. */
    fun recordVisit(graph: AppGraph, personId: String? = null): String = runBlocking {
        graph.session.call { core ->
            val person = personId ?: core.worklist(null).groups.first().stops.first().entries.first().item.personId
            core.recordVisit(
                VisitForm(
                    person, null, VisitKindForm.HomeVisit, null, null, null, null,
                    emptyList(), emptyList(), emptyList(), null, null, "kunjungan rumah (uji sinkron)",
                ),
            )
            person
        }
    }

    /**
     * A kader whose visit the server refuses, the way it happens in the field: the Dinas admin
     * moves kader.rw001.b to another kelurahan while she is out with her phone. Her phone still
     * holds her old RT and accepts the visit she records there; the server, which now scopes her
     * to the new kelurahan, refuses it (`out_of_scope`). The demo has no admin screen in the app,
     * so the admin's change goes to the server as any admin client sends it: a `user` upsert
     * through `/api/v1/push` with the admin's token. The demo server of tests/android.sh has a
     * single RT, so moving a household to another RT (the other real refusal) is not possible
     * there. [close] gives her back her area, so later tests find the demo as it was.
     */
    class RefusedVisit : AutoCloseable {
        val kader: AppGraph = loggedInOnline("kader.rw001.b")
        private val admin = AdminClient(TestApp.server)
        private val kaderId: String
        private val ownAreas: List<String>

        init {
            syncQuietly(kader)
            val user = kader.session.user.value!!
            kaderId = user.id
            ownAreas = user.areaIds
            val adminPhone = loggedInOnline("admin")
            syncQuietly(adminPhone)
            val oesapa = runBlocking {
                kader.session.call { core -> core.areaTree().first { it.level == "village" }.id }
            }
            val elsewhere = runBlocking {
                adminPhone.session.call { core ->
                    core.areaTree().firstOrNull { it.level == "village" && it.id != oesapa }?.id
                        ?: error("the demo has no second kelurahan: ${core.areaTree().map { it.level + ' ' + it.name }}")
                }
            }
            runBlocking { adminPhone.accounts.switchUser() }
            admin.assign(kaderId, listOf(elsewhere))
            recordVisit(kader)
        }

        override fun close() = admin.assign(kaderId, ownAreas)
    }

    /** Speaks the sync protocol as an admin tool does: login, then `user` upserts. */
    class AdminClient(private val server: String) {
        private val http = java.net.http.HttpClient.newHttpClient()
        private val device = java.util.UUID.randomUUID().toString()
        private var seq = 0L
        private val token: String

        init {
            val body = post(
                "/api/v1/login", null,
                """{"protocol":1,"username":"admin","secret":"admin-demo","device_id":"$device","device_name":"JVM admin"}""",
            )
            token = Regex("\"token\":\"([^\"]+)\"").find(body)?.groupValues?.get(1) ?: error("no token in the login answer")
        }

        /** Sets a user's areas (a reassignment); fails unless the server stored it. */
        @Synchronized
        fun assign(userId: String, areas: List<String>) {
            seq += 1
            val now = System.currentTimeMillis()
            val hlc = String.format(java.util.Locale.ROOT, "%018d.%010d.%s", now, 0, device)
            val list = areas.joinToString(",") { "\"$it\"" }
            val body = post(
                "/api/v1/push", token,
                """{"protocol":1,"device_id":"$device","device_time_ms":$now,"changes":[""" +
                    """{"seq":$seq,"entity":"user","entity_id":"$userId","op":"upsert","hlc":"$hlc",""" +
                    """"payload":{"fields":{"areas":[$list]}}}]}""",
            )
            check(body.contains("\"refused\":[]")) { "the server refused the reassignment: $body" }
        }

        private fun post(path: String, bearer: String?, json: String): String {
            val request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server + path))
                .header("Content-Type", "application/json")
                .apply { if (bearer != null) header("Authorization", "Bearer $bearer") }
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))
                .build()
            val response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString())
            check(response.statusCode() == 200) { "$path: HTTP ${response.statusCode()} ${response.body()}" }
            return response.body()
        }
    }

    /**
     * A TCP proxy on loopback to `target` (http://host:port). [unplug] closes it and every
     * connection through it: the phone then finds no server, as with no signal.
     */
    class TcpProxy(target: String) : AutoCloseable {
        private val host: String
        private val port: Int
        private val server = ServerSocket(0, 50, InetAddress.getLoopbackAddress())
        private val open = Collections.synchronizedList(mutableListOf<Socket>())

        init {
            val hostPort = target.removePrefix("http://").substringBefore('/')
            host = hostPort.substringBefore(':')
            port = hostPort.substringAfter(':').toInt()
            Thread({ acceptLoop() }, "tcp-proxy").apply { isDaemon = true }.start()
        }

        val url: String get() = "http://127.0.0.1:${server.localPort}"

        private fun acceptLoop() {
            while (!server.isClosed) {
                val client = try {
                    server.accept()
                } catch (e: Exception) {
                    return
                }
                val upstream = Socket()
                try {
                    upstream.connect(InetSocketAddress(host, port), 5_000)
                } catch (e: Exception) {
                    client.close()
                    continue
                }
                open += client
                open += upstream
                pump(client, upstream)
                pump(upstream, client)
            }
        }

        private fun pump(from: Socket, to: Socket) {
            Thread({
                try {
                    from.getInputStream().copyTo(to.getOutputStream())
                } catch (e: Exception) {
                    // the other side went away, or the proxy was unplugged
                } finally {
                    runCatching { to.shutdownOutput() }
                }
            }, "tcp-proxy-pump").apply { isDaemon = true }.start()
        }

        fun unplug() {
            server.close()
            synchronized(open) { open.forEach { runCatching { it.close() } } }
        }

        override fun close() = unplug()
    }
}
