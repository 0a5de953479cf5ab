import Adapter
import AdapterModel
import EventSourceAPI
import Foundation
import Sinks
import Testing
import TestSupport

/// The `tls` block means what it means in Argo (docs/redis-deployments.md "Redis TLS and ACL users", parity lines
/// V14 and V15), from the YAML through secret resolution to a real TLS redis-server that demands
/// a client certificate.
@Suite struct TLSParityTests {
    /// Resolves the entry of `tls` YAML with the test certificates as Secret `tls` in a secrets directory.
    private func material(_ tls: String, certificates: TestCertificates, secrets: URL) throws -> TLSMaterial? {
        let yaml = """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es}
            spec:
              redisStream:
                e:
                  hostAddress: "127.0.0.1:1"
                  streams: [FOO]
                  tls: \(tls)
            """
        let eventSource = try #require(try EventSourceFile.parse(yaml).documents.first).result.get()
        #expect(!eventSource.warnings.isEmpty)
        let source = try #require(eventSource.redisStream.first).source
        let configuration = try AdapterConfiguration.resolve(
            eventSource: eventSource, eventName: "e", source: source, destination: .stdout, replicaName: "c",
            secrets: MountedSecretDirectory(path: secrets.path)
        ).configuration.get()
        return configuration.tls
    }

    private func connects(_ port: Int, _ material: TLSMaterial) async -> Bool {
        let client = RedisTestClient(port: port, tls: material)
        let answered = (try? await client.command("PING")) != nil
        await client.close()
        return answered
    }

    @Test func enabledFalseWithCertificatesStillUsesTLSAndInsecureSkipVerifyDropsTheClientCertificate() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let secrets = FileManager.default.temporaryDirectory.appendingPathComponent("tls-secrets-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: secrets) }
        try FileManager.default.createDirectory(at: secrets.appendingPathComponent("tls"), withIntermediateDirectories: true)
        for name in ["ca.crt", "client.crt", "client.key"] {
            try FileManager.default.copyItem(
                at: certificates.directory.appendingPathComponent(name), to: secrets.appendingPathComponent("tls/\(name)"))
        }
        let redis = try await RedisServer(tls: certificates, clientAuthentication: true)
        defer { redis.stop() }

        let withCertificates = try #require(
            try material(
                "{enabled: false, caCertSecret: {name: tls, key: ca.crt}, clientCertSecret: {name: tls, key: client.crt}, "
                    + "clientKeySecret: {name: tls, key: client.key}}",
                certificates: certificates, secrets: secrets))
        #expect(withCertificates.caCertificate != nil && withCertificates.clientCertificate != nil)
        #expect(await connects(redis.port, withCertificates))

        let insecure = try #require(
            try material(
                "{insecureSkipVerify: true, clientCertSecret: {name: tls, key: client.crt}, clientKeySecret: {name: tls, key: client.key}}",
                certificates: certificates, secrets: secrets))
        #expect(insecure == TLSMaterial(insecureSkipVerify: true))
        // As with Argo: no client certificate is presented, so a server that demands one refuses the connection.
        #expect(await connects(redis.port, insecure) == false)
    }
}
