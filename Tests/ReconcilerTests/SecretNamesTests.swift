import AdapterModel
import EventSourceAPI
import Testing

@testable import Reconciler

/// The Secrets building an EventSource's desired state read: the controller watches exactly these.
@Suite struct SecretNamesTests {
    private func eventSource() throws -> EventSource {
        let file = try EventSourceFile.parse(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es, namespace: ns}
            spec:
              redisStream:
                plain: {hostAddress: "127.0.0.1:6379", streams: [A]}
                locked:
                  hostAddress: "127.0.0.1:6379"
                  streams: [B]
                  password: {name: redis-login, key: password}
                  tls:
                    enabled: true
                    caCertSecret: {name: redis-ca, key: ca.crt}
                    clientCertSecret: {name: redis-client, key: tls.crt}
                    clientKeySecret: {name: redis-client, key: tls.key}
            """)
        return try file.documents[0].result.get()
    }

    @Test func namesEverySecretReadEvenAfterOneIsMissing() throws {
        // Only the CA exists: the password is missing first, yet the TLS Secrets are still named,
        // so one fetch brings every one the entry needs.
        let secrets = SecretSnapshot(secrets: ["ns": ["redis-ca": ["ca.crt": Array("pem".utf8)]]])
        let state = DesiredState.build(try eventSource(), secrets: secrets, defaultSink: SinkSpec(uri: "stdout"), replicaName: "pod")
        #expect(state.secretNames == ["redis-login", "redis-ca", "redis-client"])
        #expect(state.problems["locked"]?.message.contains("Secret ns/redis-login not found") == true)
        #expect(state.adapters.keys.map(\.eventName) == ["plain"])
    }

    @Test func resolveNamesWhatItRead() throws {
        let source = try eventSource()
        let entry = try #require(source.redisStream.first { $0.name == "locked" })
        let resolved = AdapterConfiguration.resolve(
            eventSource: source, eventName: entry.name, source: entry.source, destination: .stdout,
            replicaName: "pod", secrets: SecretSnapshot())
        #expect(resolved.secretNames == ["redis-login", "redis-ca", "redis-client"])
        #expect(throws: SecretError.self) { try resolved.configuration.get() }
    }
}
