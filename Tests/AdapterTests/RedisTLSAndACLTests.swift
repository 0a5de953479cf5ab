import Adapter
import AdapterModel
import EventSourceAPI
import Foundation
import Sinks
import Testing
import TestSupport

/// TLS and ACL against real redis-server processes, with certificates the real openssl made.
@Suite struct RedisTLSAndACLTests {
    private func withTLSRedis(
        clientAuthentication: Bool = false, _ body: (TestCertificates, RedisServer, RedisTestClient) async throws -> Void
    ) async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let redis = try await RedisServer(tls: certificates, clientAuthentication: clientAuthentication)
        let material = TLSMaterial(
            caCertificate: SecretValue(try certificates.contents("ca.crt")),
            clientCertificate: SecretValue(try certificates.contents("client.crt")),
            clientKey: SecretValue(try certificates.contents("client.key")))
        let client = RedisTestClient(port: redis.port, tls: material)
        do {
            try await client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            try await body(certificates, redis, client)
        } catch {
            await client.close()
            redis.stop()
            throw error
        }
        await client.close()
        redis.stop()
    }

    /// An adapter for the TLS server, run until the body returns.
    private func withAdapter(
        port: Int, tls: TLSMaterial, _ body: (StreamAdapter, RecordingSink) async throws -> Void
    ) async throws {
        let source = RedisStreamEntry(hostAddress: HostAddress(host: "127.0.0.1", port: port), streams: ["FOO"])
        let configuration = AdapterConfiguration(
            namespace: "test", eventSourceName: "tls", eventName: "example", source: source, tls: tls,
            sink: SinkSpec(uri: "stdout"), consumerName: "tls-consumer", blockTime: .milliseconds(200))
        let sink = RecordingSink()
        let adapter = StreamAdapter(configuration: configuration, runtime: .forTests, logger: .init(label: "test")) { _ in sink }
        adapter.start()
        do {
            try await body(adapter, sink)
        } catch {
            await adapter.stop()
            throw error
        }
        await adapter.stop()
    }

    @Test func consumesOverTLSVerifyingTheServerAgainstTheCA() async throws {
        try await withTLSRedis { certificates, redis, client in
            let tls = TLSMaterial(caCertificate: SecretValue(try certificates.contents("ca.crt")))
            try await withAdapter(port: redis.port, tls: tls) { adapter, sink in
                try await waitUntil("consuming over TLS") { adapter.status.snapshot.phase == .consuming }
                _ = try await client.xadd("FOO", [("over", "tls")])
                try await waitUntil("the event") { sink.events.count == 1 }
            }
        }
    }

    @Test func refusesAServerSignedByAnotherCA() async throws {
        try await withTLSRedis { certificates, redis, _ in
            let tls = TLSMaterial(caCertificate: SecretValue(try certificates.contents("other-ca.crt")))
            try await withAdapter(port: redis.port, tls: tls) { adapter, _ in
                try await waitUntil("a verification error") {
                    adapter.status.snapshot.lastError?.contains("certificate was not accepted") == true
                }
                #expect(adapter.status.snapshot.phase == .connecting)
                try await waitUntil("a retry") { adapter.status.snapshot.connectAttempts >= 2 }
            }
        }
    }

    @Test func insecureSkipVerifyAcceptsAnUnknownServer() async throws {
        try await withTLSRedis { _, redis, _ in
            try await withAdapter(port: redis.port, tls: TLSMaterial(insecureSkipVerify: true)) { adapter, _ in
                try await waitUntil("consuming") { adapter.status.snapshot.phase == .consuming }
            }
        }
    }

    @Test func mutualTLSWorksWithTheRightClientCertificateOnly() async throws {
        try await withTLSRedis(clientAuthentication: true) { certificates, redis, client in
            let ca = SecretValue(try certificates.contents("ca.crt"))
            let good = TLSMaterial(
                caCertificate: ca, clientCertificate: SecretValue(try certificates.contents("client.crt")),
                clientKey: SecretValue(try certificates.contents("client.key")))
            try await withAdapter(port: redis.port, tls: good) { adapter, sink in
                try await waitUntil("consuming with a client certificate") { adapter.status.snapshot.phase == .consuming }
                _ = try await client.xadd("FOO", [("mutual", "tls")])
                try await waitUntil("the event") { sink.events.count == 1 }
            }
            let stranger = TLSMaterial(
                caCertificate: ca, clientCertificate: SecretValue(try certificates.contents("stranger.crt")),
                clientKey: SecretValue(try certificates.contents("stranger.key")))
            try await withAdapter(port: redis.port, tls: stranger) { adapter, _ in
                try await waitUntil("a TLS failure") { adapter.status.snapshot.lastError?.contains("TLS") == true }
                #expect(adapter.status.snapshot.phase == .connecting)
            }
            let none = TLSMaterial(caCertificate: ca)
            try await withAdapter(port: redis.port, tls: none) { adapter, _ in
                try await waitUntil("a TLS failure") { adapter.status.snapshot.lastError?.contains("TLS") == true }
            }
        }
    }

    @Test func aMismatchedClientKeyIsAClearError() async throws {
        try await withTLSRedis { certificates, redis, _ in
            let mismatched = TLSMaterial(
                caCertificate: SecretValue(try certificates.contents("ca.crt")),
                clientCertificate: SecretValue(try certificates.contents("client.crt")),
                clientKey: SecretValue(try certificates.contents("stranger.key")))
            try await withAdapter(port: redis.port, tls: mismatched) { adapter, _ in
                try await waitUntil("the key error") {
                    adapter.status.snapshot.lastError?.contains("clientKeySecret does not match clientCertSecret") == true
                }
                // Only a new Secret can fix it: the entry is Failed rather than retried for ever.
                try await waitUntil("Failed") { adapter.status.snapshot.phase == .failed }
            }
        }
    }

    @Test func anACLUserAuthenticatesWithUsernameAndPassword() async throws {
        try await AdapterFixture.with(redisArguments: ["--requirepass", "admin-pass"]) { fixture in
            try await fixture.client.command("ACL", "SETUSER", "events", "on", ">events-pass", "~*", "+@all")
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let sink = RecordingSink()
            let adapter = fixture.startAdapter(fixture.configuration(password: "events-pass", username: "events"), sink: sink)
            try await fixture.waitForPhase(adapter, .consuming)
            _ = try await fixture.client.xadd("FOO", [("acl", "user")])
            try await waitUntil("the event") { sink.events.count == 1 }

            let wrong = fixture.startAdapter(
                fixture.configuration(consumer: "wrong", password: "nope", username: "events"), sink: RecordingSink())
            try await waitUntil("an authentication error") {
                wrong.status.snapshot.lastError?.contains("authentication failed") == true
            }
            #expect(wrong.status.snapshot.lastError?.contains("nope") == false)
        }
    }
}
