import Foundation
import StructuredData
import Testing
import TestSupport

/// An idle EventSource costs nothing: no reconcile, no status write, no request to the API server.
@Suite struct IdleCostTests {
    private func serverRequests(_ fixture: OperatorFixture) async throws -> Int64 {
        try await serverStats(fixture)["requests"]?.intValue ?? -1
    }

    private func serverStats(_ fixture: OperatorFixture) async throws -> JSONValue {
        let stats = try await CommandRun.run("/usr/bin/curl", ["-sf", "\(fixture.kube.url)/testserver/stats"])
        return try JSONParser.parse(stats.standardOutput)
    }

    private func resourceVersion(_ fixture: OperatorFixture, _ name: String) async throws -> String? {
        try await fixture.eventSource(name)?["metadata"]?["resourceVersion"]?.stringValue
    }

    @Test func anIdleEventSourceIsNeitherReconciledNorWrittenWhileABusyOneIsWrittenAtMostOncePerInterval() async throws {
        try await OperatorFixture.with { fixture in
            // As installed: with Argo's EventBus CRD, whose absence would have the EventBus watch retrying.
            let eventBusCRD = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/crds/argoproj.io_eventbus.yaml").path
            try await fixture.kubectl.succeed(["apply", "-f", eventBusCRD])
            for stream in ["IDLE", "BUSY"] {
                try await fixture.client.command("XGROUP", "CREATE", stream, "argo-events-cg", "$", "MKSTREAM")
            }
            let (_, port) = try await fixture.startControllerWithMetrics()
            try await fixture.apply(fixture.eventSourceYAML(name: "idle", entries: [("example", ["IDLE"])]))
            try await fixture.waitForReady("idle")
            _ = try await fixture.client.xadd("IDLE", [("n", "0")])
            try await waitUntil("the one entry in the status") {
                try await fixture.eventSource("idle")?["status"]?["sources"]?["example"]?["forwarded"] == 1
            }
            // Let the adapter's group figures settle, then watch a quiet period of five sweeps.
            try await waitForSweeps(fixture, port: port, count: 3)
            let requests = try await serverRequests(fixture)
            let reconciles = try await fixture.metric("redis_eventsource_reconciles_total", port: port) ?? 0
            let writes = try await fixture.metric("redis_eventsource_status_writes_total", port: port) ?? 0
            try await waitForSweeps(fixture, port: port, count: 5)
            #expect(try await fixture.metric("redis_eventsource_reconciles_total", port: port) == reconciles)
            #expect(try await fixture.metric("redis_eventsource_status_writes_total", port: port) == writes)
            // Five sweeps' worth of scrapes go to the controller, not the API server: it heard nothing from it.
            let after = try await serverStats(fixture)
            #expect(after["requests"]?.intValue  == requests, "\(requests) then \(after)")

            // A busy neighbour: its counters reach its status, coalesced, while the idle one stays untouched.
            try await fixture.apply(fixture.eventSourceYAML(name: "busy", entries: [("example", ["BUSY"])]))
            try await fixture.waitForReady("busy")
            try await waitForSweeps(fixture, port: port, count: 2)
            let idleVersion = try await resourceVersion(fixture, "idle")
            let before = try await fixture.metric("redis_eventsource_status_writes_total", port: port) ?? 0
            let sweepsBefore = try await fixture.metric("redis_eventsource_status_sweeps_total", port: port) ?? 0
            for index in 0..<200 {
                _ = try await fixture.client.xadd("BUSY", [("n", "\(index)")])
            }
            try await waitUntil("the busy status to show all 200") {
                try await fixture.eventSource("busy")?["status"]?["sources"]?["example"]?["forwarded"] == 200
            }
            let written = (try await fixture.metric("redis_eventsource_status_writes_total", port: port) ?? 0) - before
            let sweeps = (try await fixture.metric("redis_eventsource_status_sweeps_total", port: port) ?? 0) - sweepsBefore
            // 200 forwarded entries, but at most one counter write per sweep (plus one already due).
            #expect(written >= 1 && written <= sweeps + 1, "\(written) writes over \(sweeps) sweeps")
            #expect(try await resourceVersion(fixture, "idle") == idleVersion)
        }
    }
}
