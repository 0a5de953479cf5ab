import Foundation
import StructuredData
import Testing
import TestSupport

/// The controller's scoping, sink and Lease flags, end to end: the real binary against
/// kube-testserver, a redis-server and an HTTP receiver (behind socat for TLS).
@Suite struct ControllerOptionTests {
    private func applyIn(_ namespace: String, _ yaml: String, _ fixture: OperatorFixture) async throws {
        let file = fixture.kube.directory.appendingPathComponent("apply-\(UUID().uuidString).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        try await fixture.kubectl.succeed(["apply", "-n", namespace, "-f", file.path])
    }

    private func status(_ name: String, namespace: String, _ fixture: OperatorFixture) async throws -> JSONValue? {
        let result = try await fixture.kubectl.run(["get", "eventsource", name, "-n", namespace, "-o", "json"])
        guard result.exitCode == 0 else { return nil }
        return try JSONParser.parse(result.output)["status"]
    }

    private func readyIn(_ name: String, namespace: String, _ fixture: OperatorFixture) async throws -> Bool {
        let conditions = try await status(name, namespace: namespace, fixture)?["conditions"]?.arrayValue ?? []
        return conditions.contains { $0["type"] == "Ready" && $0["status"] == "True" }
    }

    @Test func namespaceWatchesOnlyThatNamespace() async throws {
        try await OperatorFixture.with { fixture in
            try await fixture.kubectl.succeed(["create", "namespace", "team"])
            // Both exist before the controller starts, so both are in its first list if it sees them.
            try await applyIn("default", fixture.eventSourceYAML(name: "outside", entries: [("example", ["FOO"])]), fixture)
            try await applyIn("team", fixture.eventSourceYAML(name: "inside", entries: [("example", ["BAR"])]), fixture)
            try fixture.startController(extra: ["--namespace", "team"])
            try await waitUntil("inside to be Ready") { try await readyIn("inside", namespace: "team", fixture) }
            #expect(try await status("outside", namespace: "default", fixture) == nil)
            #expect(try await fixture.client.command("EXISTS", "FOO").integer == 0, "nothing made a group on the outside stream")
        }
    }

    @Test func selectorActsOnlyOnMatchingEventSources() async throws {
        try await OperatorFixture.with { fixture in
            let labelled = fixture.eventSourceYAML(name: "payments", entries: [("example", ["FOO"])])
                .replacingOccurrences(of: "  name: payments\n", with: "  name: payments\n  labels:\n    team: payments\n")
            try await fixture.apply(labelled)
            try await fixture.apply(fixture.eventSourceYAML(name: "unlabelled", entries: [("example", ["BAR"])]))
            try fixture.startController(extra: ["--selector", "team=payments"])
            try await fixture.waitForReady("payments")
            #expect(try await fixture.eventSource("unlabelled")?["status"] == nil)
        }
    }

    @Test func sinkCAFileVerifiesAnHTTPSSink() async throws {
        try await OperatorFixture.with { fixture in
            let certificates = try await TestCertificates.make()
            defer { certificates.remove() }
            let terminator = try ChildProcess(
                "/usr/bin/socat",
                [
                    "OPENSSL-LISTEN:0,bind=127.0.0.1,reuseaddr,fork,cert=\(certificates.serverCertificate),"
                        + "key=\(certificates.serverKey),verify=0",
                    "TCP:127.0.0.1:\(fixture.receiver.port)",
                ])
            defer { terminator.stop() }
            let port = try await waitForValue("socat to listen", interval: .milliseconds(100)) { ListeningPort.of(pid: terminator.pid) }
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            try fixture.startController(
                sinkArguments: ["--default-sink", "https://127.0.0.1:\(port)/events", "--sink-ca-file", certificates.caCertificate])
            try await fixture.apply(fixture.eventSourceYAML(name: "secure", entries: [("example", ["FOO"])]))
            try await fixture.waitForReady("secure")
            _ = try await fixture.client.xadd("FOO", [("n", "1")])
            let delivered = try await fixture.receiver.waitForRequests(1)
            #expect(delivered.count == 1)
        }
    }

    @Test func leaseFlagsNameTheLeaseAndItsTiming() async throws {
        try await OperatorFixture.with { fixture in
            try await fixture.kubectl.succeed(["create", "namespace", "elections"])
            try fixture.startController(
                consumer: "flagged",
                extra: [
                    "--leader-elect", "--lease-name", "custom-lease", "--lease-namespace", "elections", "--lease-duration", "7",
                    "--renew-deadline", "5", "--retry-period", "0.5",
                ])
            let spec = try await waitForValue("the custom Lease") { () async throws -> JSONValue? in
                let result = try await fixture.kubectl.run(["get", "lease", "custom-lease", "-n", "elections", "-o", "json"])
                guard result.exitCode == 0 else { return nil }
                let spec = try JSONParser.parse(result.output)["spec"]
                return spec?["holderIdentity"] == "flagged" ? spec : nil
            }
            #expect(spec["leaseDurationSeconds"] == 7)
            let elsewhere = try await fixture.kubectl.run(["get", "lease", "redis-eventsource-controller", "-n", "default"])
            #expect(elsewhere.exitCode != 0, "no Lease under the default name")
        }
    }

    /// At 0.001 counter writes per second the burst holds one token: after the Ready write at most
    /// one counter-only write happens, however often the EventSource is reconciled. Which change
    /// spends it is not fixed (the group's idle figures, lag and entries read, may arrive after
    /// the Ready write, or the first forwarded count), so the test counts writes.
    @Test func statusWritesPerSecondCapsCounterOnlyWrites() async throws {
        try await OperatorFixture.with { fixture in
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let (_, port) = try await fixture.startControllerWithMetrics(extra: ["--status-writes-per-second", "0.001"])
            try await fixture.apply(fixture.eventSourceYAML(name: "paced", entries: [("example", ["FOO"])]))
            try await fixture.waitForReady("paced")
            let writes = try await fixture.metric("redis_eventsource_status_writes_total", port: port) ?? 0
            // Each entry is a counter change the sweep queues; uncapped (20 per second at a
            // 1 s interval), each round would be written.
            for round in 1...3 {
                // Read before the entry: the sweep may queue its reconcile before the receiver's answer is seen here.
                let reconciles = try await fixture.metric("redis_eventsource_reconciles_total", port: port) ?? 0
                _ = try await fixture.client.xadd("FOO", [("n", "\(round)")])
                _ = try await fixture.receiver.waitForRequests(round)
                // The counter sweep sees the moved figures and queues it.
                try await waitUntil("a reconcile after entry \(round)") {
                    try await fixture.metric("redis_eventsource_reconciles_total", port: port) ?? 0 >= reconciles + 1
                }
            }
            let written = try await fixture.metric("redis_eventsource_status_writes_total", port: port) ?? 0
            #expect(written - writes <= 1, "one token for counter-only writes: \(written - writes) written")
            let forwarded = try await fixture.eventSource("paced")?["status"]?["sources"]?["example"]?["forwarded"]?.intValue ?? 0
            #expect(forwarded < 3, "the status does not follow the counters: forwarded \(forwarded)")
            #expect(try await fixture.condition("paced", "Ready")?["status"] == "True")
        }
    }
}
