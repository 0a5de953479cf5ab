import Adapter
import AdapterModel
import EventSourceAPI
import Foundation
import Sinks
import Testing
import TestSupport

/// The ways to reach Redis besides `hostAddress: host:port` — a Unix socket, URLs — and what an
/// adapter says when the Sentinels or cluster it is given cannot serve it. Real redis-server processes.
@Suite struct RedisEndpointTests {
    static func configuration(_ endpoint: RedisEndpoint, streams: [String] = ["FOO"], password: String? = nil) -> AdapterConfiguration {
        let source = RedisStreamEntry(
            endpoint: endpoint, password: password.map { _ in SecretKeySelector(name: "redis", key: "password") }, streams: streams)
        return AdapterConfiguration(
            namespace: "test", eventSourceName: "endpoints", eventName: "example", source: source,
            password: password.map { SecretValue($0) }, sink: SinkSpec(uri: "stdout"), consumerName: "endpoint-consumer",
            blockTime: .milliseconds(200))
    }

    /// Runs an adapter with a recording sink until the body returns.
    static func withAdapter(
        _ configuration: AdapterConfiguration, _ body: (StreamAdapter, RecordingSink) async throws -> Void
    ) async throws {
        let sink = RecordingSink()
        let adapter = StreamAdapter(configuration: configuration, runtime: .forTests, logger: .init(label: "test"), statsInterval: .milliseconds(100)) { _ in sink }
        adapter.start()
        do {
            try await body(adapter, sink)
        } catch {
            await adapter.stop()
            throw error
        }
        await adapter.stop()
    }

    /// A redis-server that also listens on a Unix socket in its folder.
    static func withSocketRedis(_ body: (RedisServer, String, RedisTestClient) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sock-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let socket = folder.appendingPathComponent("redis.sock").path
        let redis = try await RedisServer(arguments: ["--unixsocket", socket, "--unixsocketperm", "700"])
        let client = RedisTestClient(port: redis.port)
        do {
            try await body(redis, socket, client)
        } catch {
            await client.close()
            redis.stop()
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        await client.close()
        redis.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func aUnixSocketHostAddressIsDialledAsASocket() async throws {
        try await Self.withSocketRedis { _, socket, client in
            try await Self.withAdapter(Self.configuration(.server(.unix(path: socket)))) { adapter, sink in
                try await waitUntil("consuming over the socket") { adapter.status.snapshot.phase == .consuming }
                #expect(adapter.status.snapshot.server == "unix:\(socket)")
                let id = try await client.xadd("FOO", [("over", "socket")])
                try await waitUntil("the event") { sink.events.count == 1 }
                #expect(sink.events.first?.data["message_id"]?.stringValue == id)
                try await waitUntil("the entry acknowledged") { try await client.pendingCount("FOO", group: "argo-events-cg") == 0 }
            }
        }
    }

    @Test func aUnixURLWithADatabaseReadsThatDatabase() async throws {
        try await Self.withSocketRedis { _, socket, client in
            let url = try RedisURL.parse("unix://\(socket)?db=3").get()
            try await Self.withAdapter(Self.configuration(.url(url))) { adapter, sink in
                try await waitUntil("consuming over the socket") { adapter.status.snapshot.phase == .consuming }
                try await client.command("SELECT", "3")
                _ = try await client.xadd("FOO", [("in", "db3")])
                try await waitUntil("the event from db 3") { sink.events.count == 1 }
                #expect(try await client.command("EXISTS", "FOO") == .integer(1))
                try await client.command("SELECT", "0")
                #expect(try await client.command("EXISTS", "FOO") == .integer(0))
            }
        }
    }

    @Test func aRedissURLWithAnACLUserVerifiesTheServerAndAuthenticates() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let redis = try await RedisServer(tls: certificates)
        defer { redis.stop() }
        let ca = SecretValue(try certificates.contents("ca.crt"))
        let admin = RedisTestClient(port: redis.port, tls: TLSMaterial(caCertificate: ca))
        defer { Task { await admin.close() } }
        try await admin.command("ACL", "SETUSER", "app", "on", ">app-pass", "~*", "+@all")
        let url = try RedisURL.parse("rediss://app@127.0.0.1:\(redis.port)/0").get()
        var configuration = Self.configuration(.url(url), password: "app-pass")
        configuration.tls = TLSMaterial(caCertificate: ca)
        #expect(configuration.redis.username == "app")
        try await Self.withAdapter(configuration) { adapter, sink in
            try await waitUntil("consuming over TLS as app") { adapter.status.snapshot.phase == .consuming }
            _ = try await admin.xadd("FOO", [("over", "rediss")])
            try await waitUntil("the event") { sink.events.count == 1 }
            let clients = try await admin.command("CLIENT", "LIST").string ?? ""
            #expect(clients.contains("user=app"))
        }
    }

    @Test func aRedissURLWithoutACAVerifiesAgainstTheSystemStoreAndSaysSo() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let redis = try await RedisServer(tls: certificates)
        defer { redis.stop() }
        let url = try RedisURL.parse("rediss://127.0.0.1:\(redis.port)").get()
        try await Self.withAdapter(Self.configuration(.url(url))) { adapter, sink in
            try await waitUntil("a verification error") {
                adapter.status.snapshot.lastError?.contains("certificate was not accepted") == true
            }
            #expect(sink.events.isEmpty)
            #expect(adapter.status.snapshot.phase == .connecting)
        }
    }

    @Test func aSentinelThatKnowsNoSuchMasterNamesTheField() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let sentinel = try await RedisSentinel(monitoring: [("other", redis.port)])
        defer { sentinel.stop() }
        let spec = SentinelSpec(masterName: "mymaster", addresses: [HostAddress(host: "127.0.0.1", port: sentinel.port)])
        try await Self.withAdapter(Self.configuration(.sentinel(spec))) { adapter, sink in
            try await waitUntil("the reason") {
                adapter.status.snapshot.lastError?.contains("sentinel.masterName: no Sentinel knows a master named 'mymaster'") == true
            }
            #expect(adapter.status.snapshot.phase == .connecting)
            try await waitUntil("a retry") { adapter.status.snapshot.connectAttempts >= 2 }
            #expect(sink.events.isEmpty)
        }
    }

    @Test func everySentinelDownNamesTheAddresses() async throws {
        let closed = [FreePort.belowEphemeralRange(), FreePort.belowEphemeralRange()]
        let spec = SentinelSpec(masterName: "mymaster", addresses: closed.map { HostAddress(host: "127.0.0.1", port: $0) })
        try await Self.withAdapter(Self.configuration(.sentinel(spec), password: "hunter2-secret")) { adapter, _ in
            try await waitUntil("the reason") {
                adapter.status.snapshot.lastError?.contains("sentinel.addresses: no Sentinel answered") == true
            }
            let error = adapter.status.snapshot.lastError ?? ""
            #expect(error.contains("127.0.0.1:\(closed[0])") && error.contains("127.0.0.1:\(closed[1])"))
            #expect(!error.contains("hunter2-secret"))
            #expect(adapter.status.snapshot.phase == .connecting)
        }
    }

    @Test func aStandaloneServerGivenAsAClusterNamesTheField() async throws {
        try await AdapterFixture.with { fixture in
            let spec = ClusterSpec(addresses: [HostAddress(host: "127.0.0.1", port: fixture.redis.port)])
            _ = try await fixture.client.xadd("FOO", [("left", "alone")])
            try await Self.withAdapter(Self.configuration(.cluster(spec))) { adapter, sink in
                try await waitUntil("the reason") {
                    adapter.status.snapshot.lastError?.contains("cluster.addresses: 127.0.0.1:\(fixture.redis.port) not in cluster mode") == true
                }
                #expect(adapter.status.snapshot.phase == .connecting)
                #expect(sink.events.isEmpty)
                // Nothing read, so nothing acknowledged: the group was never even created.
                #expect((try? await fixture.client.pendingCount("FOO", group: "argo-events-cg")) == nil)
            }
        }
    }
}
