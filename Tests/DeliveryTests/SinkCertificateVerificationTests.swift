import Adapter
import EventSourceAPI
import Foundation
import Sinks
import Testing
import TestSupport

/// An https sink verifies the receiver: against a CA file when given, else the system's trust.
/// The receiver sits behind a real TLS terminator (socat) using certificates the real openssl made.
@Suite struct SinkCertificateVerificationTests {
    private func withTLSReceiver(_ body: (TestCertificates, HTTPReceiver, Int) async throws -> Void) async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let receiver = try await HTTPReceiver.start()
        // Port 0: the kernel picks, and the test reads which port socat listens on.
        let terminator = try ChildProcess(
            "/usr/bin/socat",
            [
                "OPENSSL-LISTEN:0,bind=127.0.0.1,reuseaddr,fork,cert=\(certificates.serverCertificate),"
                    + "key=\(certificates.serverKey),verify=0",
                "TCP:127.0.0.1:\(receiver.port)",
            ])
        do {
            let port = try await waitForValue("socat to listen", interval: .milliseconds(100)) {
                ListeningPort.of(pid: terminator.pid)
            }
            try await body(certificates, receiver, port)
        } catch {
            terminator.stop()
            try? await receiver.stop()
            throw error
        }
        terminator.stop()
        try await receiver.stop()
    }

    private func deliver(to port: Int, caFile: String?) async throws -> DeliveryOutcome {
        let event = CloudEvent(id: "0123456789abcdef0123456789abcdef", source: "es", subject: "e", time: "2026-01-01T00:00:00Z", data: ["k": "v"])
        return await DedicatedThread.run {
            let sink = SinkFactory.makeSink(spec: SinkSpec(uri: "https://127.0.0.1:\(port)/events"), caFile: caFile, runtime: .forTests)
            defer { sink.close() }
            return sink.deliver(event)
        }
    }

    @Test func deliversWhenTheCAFileSignedTheReceiver() async throws {
        try await withTLSReceiver { certificates, receiver, port in
            #expect(try await deliver(to: port, caFile: certificates.caCertificate) == .delivered)
            let request = try #require(try await receiver.waitForRequests(1).first)
            #expect(request.header("ce-id") == "0123456789abcdef0123456789abcdef")
        }
    }

    @Test func refusesAReceiverTheCAFileDidNotSign() async throws {
        try await withTLSReceiver { certificates, receiver, port in
            let outcome = try await deliver(to: port, caFile: certificates.otherCACertificate)
            guard case .retryable(let reason, _) = outcome else {
                Issue.record("expected a retryable TLS failure, got \(outcome)")
                return
            }
            #expect(reason.lowercased().contains("certificate"))
            #expect(await receiver.requestCount() == 0)
        }
    }

    @Test func withoutACAFileTheSystemTrustRefusesATestCA() async throws {
        try await withTLSReceiver { _, receiver, port in
            let outcome = try await deliver(to: port, caFile: nil)
            #expect(outcome != .delivered)
            #expect(await receiver.requestCount() == 0)
        }
    }
}
