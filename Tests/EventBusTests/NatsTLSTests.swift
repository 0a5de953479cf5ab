import AdapterModel
import Testing
import TestSupport

@testable import Sinks

/// TLS to NATS as an EventBus's `tls` asks: the server verified against the given CA, a client
/// certificate when the server demands one.
@Suite struct NatsTLSTests {
    private func event(_ id: String) -> CloudEvent {
        CloudEvent(id: id, source: "es", subject: "e", time: "2026-11-26T12:00:00Z", data: [:])
    }

    private func deliver(url: String, tls: TLSMaterial) async -> DeliveryOutcome? {
        await DedicatedThread.run {
            let sink = JetStreamSink(
                endpoint: JetStreamEndpoint(connection: NATSConnectionKey(url: url, tls: tls)), eventSourceName: "es",
                eventName: "e", registry: NATSConnectionRegistry())
            defer { sink.close() }
            return sink.deliver(batch: [event("a")])[0]
        }
    }

    @Test func verifiesTheServerAndPresentsTheClientCertificate() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let nats = try await NatsServer(arguments: [
            "--tlsverify", "--tlscert", certificates.serverCertificate, "--tlskey", certificates.serverKey,
            "--tlscacert", certificates.caCertificate,
        ])
        defer { nats.stop() }
        let ca = SecretValue(try certificates.contents("ca.crt"))
        let good = TLSMaterial(
            caCertificate: ca, clientCertificate: SecretValue(try certificates.contents("client.crt")),
            clientKey: SecretValue(try certificates.contents("client.key")))
        #expect(await deliver(url: nats.url, tls: good) == .delivered)

        // The wrong CA: the server is not trusted.
        let wrongCA = TLSMaterial(
            caCertificate: SecretValue(try certificates.contents("other-ca.crt")),
            clientCertificate: good.clientCertificate, clientKey: good.clientKey)
        guard case .retryable(let reason, _)? = await deliver(url: nats.url, tls: wrongCA) else {
            Issue.record("a server signed by another CA was trusted")
            return
        }
        #expect(reason.contains("does not verify against the CA given for it"))
        // No client certificate: the server refuses us.
        guard case .retryable? = await deliver(url: nats.url, tls: TLSMaterial(caCertificate: ca)) else {
            Issue.record("connected without the client certificate the server demands")
            return
        }
    }
}
