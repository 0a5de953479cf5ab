import Adapter
import Foundation
import StructuredData
import Testing
import TestSupport

@Suite struct ReplicaAndFaultTests {
    private let leaseFlags = ["--leader-elect", "--lease-duration", "3", "--renew-deadline", "2", "--retry-period", "0.5"]

    private func leaseHolder(_ fixture: OperatorFixture) async throws -> String? {
        let result = try await fixture.kubectl.run(["get", "lease", "redis-eventsource-controller", "-o", "json"])
        guard result.exitCode == 0 else { return nil }
        return try JSONParser.parse(result.output)["spec"]?["holderIdentity"]?.stringValue
    }

    /// The replicas that wrote the object's status, from the field managers the server recorded.
    private func statusWriters(_ fixture: OperatorFixture, about name: String) async throws -> Set<String> {
        let output = try await fixture.kubectl.succeed(["get", "eventsource", name, "-o", "json", "--show-managed-fields"])
        let managers = try JSONParser.parse(output)["metadata"]?["managedFields"]?.arrayValue ?? []
        return Set(
            managers.filter { $0["subresource"]?.stringValue == "status" }
                .compactMap { $0["manager"]?.stringValue?.split(separator: "/").last.map(String.init) })
    }

    /// The replicas that recorded Events about the object.
    private func eventReporters(_ fixture: OperatorFixture, about name: String) async throws -> Set<String> {
        let output = try await fixture.kubectl.succeed(["get", "events", "-o", "json"])
        let items = try JSONParser.parse(output)["items"]?.arrayValue ?? []
        return Set(
            items.filter { ($0["involvedObject"]?["name"] ?? $0["regarding"]?["name"])?.stringValue == name }
                .compactMap { ($0["reportingInstance"] ?? $0["source"]?["host"])?.stringValue })
    }

    @Test func twoReplicasBothConsumeOnlyTheLeaderWritesAndTheOtherTakesOver() async throws {
        try await OperatorFixture.with { fixture in
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let first = try fixture.startController(consumer: "replica-a", extra: leaseFlags)
            try await waitUntil("replica-a to lead") { try await leaseHolder(fixture) == "replica-a" }
            let second = try fixture.startController(consumer: "replica-b", extra: leaseFlags)
            try await fixture.apply(fixture.eventSourceYAML(name: "shared", entries: [("example", ["FOO"])]))
            try await fixture.waitForReady("shared")
            try await waitUntil("both replicas in the group") {
                try await fixture.client.command("XINFO", "CONSUMERS", "FOO", "argo-events-cg").array?.count == 2
            }
            var ids: [String] = []
            for index in 0..<200 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
            try await waitUntil("all 200 delivered") { Set(await fixture.deliveredIDs()).isSuperset(of: ids) }
            // Each consumer took a share of the entries.
            let consumers = try await fixture.client.command("XINFO", "CONSUMERS", "FOO", "argo-events-cg").array ?? []
            #expect(consumers.count == 2)
            #expect(try await statusWriters(fixture, about: "shared") == ["replica-a"])
            #expect(try await eventReporters(fixture, about: "shared") == ["replica-a"])
            #expect(try await leaseHolder(fixture) == "replica-a")

            first.signal(SIGKILL)
            _ = try await first.waitForExit()
            try await waitUntil("replica-b to take the lease", timeout: .seconds(45)) {
                try await leaseHolder(fixture) == "replica-b"
            }
            // The new leader writes status: a stream whose key holds a string makes Ready go False.
            try await fixture.client.command("SET", "MISSING", "not a stream")
            for index in 200..<260 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
            try await waitUntil("everything delivered after the failover", timeout: .seconds(40)) {
                Set(await fixture.deliveredIDs()).isSuperset(of: ids)
            }
            try await fixture.apply(fixture.eventSourceYAML(name: "shared", entries: [("example", ["FOO", "MISSING"])]))
            try await waitUntil("status from the new leader") {
                try await fixture.condition("shared", "Ready")?["reason"] == "WaitingForStreams"
            }
            #expect(try await statusWriters(fixture, about: "shared").contains("replica-b"))
            #expect(second.isRunning)
        }
    }

    @Test func droppedWatchesAndA410LeaveExactlyTheRightAdapters() async throws {
        try await OperatorFixture.with(kubeArguments: ["--close-watches-after-events", "20", "--bookmark-interval", "3600"]) {
            fixture in
            let (controller, httpPort) = try await fixture.startControllerWithMetrics()
            var names: [String] = []
            for index in 0..<12 {
                let name = "es-\(index)"
                names.append(name)
                try await fixture.client.command("XGROUP", "CREATE", "S\(index)", "argo-events-cg", "$", "MKSTREAM")
                try await fixture.apply(fixture.eventSourceYAML(name: name, entries: [("example", ["S\(index)"])]))
            }
            for name in names { try await fixture.waitForReady(name) }
            // Move the global resourceVersion past what the EventSource watch has seen, forget the
            // history and end every watch: the controller's re-watch gets 410 and must relist.
            try await fixture.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bump}\ndata: {a: b}\n")
            let compacted = try await CommandRun.run(
                "/usr/bin/curl", ["-sf", "-X", "POST", "\(fixture.kube.url)/testserver/compact?closeWatches=true"])
            #expect(compacted.status == 0)
            for index in stride(from: 0, to: 12, by: 2) {
                try await fixture.kubectl.succeed(["delete", "eventsource", "es-\(index)"])
            }
            try await fixture.apply(fixture.eventSourceYAML(name: "es-late", entries: [("example", ["S1"])]))
            try await fixture.waitForReady("es-late")
            // Exactly one reader per live EventSource: blocked XREADGROUP clients tell which streams are read.
            // Each entry is a consumer of its own: S1 has es-1's and es-late's.
            try await waitUntil("only the surviving adapters reading") {
                let consumersPerStream = try await (0..<12).asyncMap { index in
                    try await fixture.client.command("XINFO", "CONSUMERS", "S\(index)", "argo-events-cg").array?.count ?? 0
                }
                let clients = (try await fixture.client.command("CLIENT", "LIST").string ?? "")
                    .split(separator: "\n").filter { $0.contains("cmd=xreadgroup") }.count
                return consumersPerStream == (0..<12).map { $0 == 1 ? 2 : 1 } && clients == 7
            }
            // The initial list, and at least one more after the 410.
            try await waitUntil("a relist after the 410") {
                (try await fixture.metric("redis_eventsource_watch_relists_total", port: httpPort) ?? 0) >= 2
            }
            #expect(try await fixture.metric("redis_eventsource_adapters_running", port: httpPort) == 7)
            #expect(controller.isRunning)
        }
    }
}

extension ReplicaAndFaultTests {
    @Test func errorsAndThrottlingFromTheAPIServerAreRiddenOut() async throws {
        try await OperatorFixture.with { fixture in
            let (_, httpPort) = try await fixture.startControllerWithMetrics()
            for index in 0..<6 {
                try await fixture.client.command("XGROUP", "CREATE", "S\(index)", "argo-events-cg", "$", "MKSTREAM")
            }
            let faults = #"{"errorFraction": 0.3, "throttleFraction": 0.2, "retryAfterSeconds": 1}"#
            let enabled = try await CommandRun.run(
                "/usr/bin/curl", ["-sf", "-X", "PUT", "-d", faults, "\(fixture.kube.url)/testserver/faults"])
            #expect(enabled.status == 0)
            // kubectl does not retry a 500, so the test's own writes retry until they land.
            for index in 0..<6 {
                try await waitUntil("es-\(index) applied") {
                    (try? await fixture.apply(fixture.eventSourceYAML(name: "es-\(index)", entries: [("example", ["S\(index)"])]))) != nil
                }
            }
            _ = try await CommandRun.run("/usr/bin/curl", ["-sf", "-X", "PUT", "-d", "{}", "\(fixture.kube.url)/testserver/faults"])
            for index in 0..<6 { try await fixture.waitForReady("es-\(index)", timeout: .seconds(60)) }
            let stats = try JSONParser.parse(
                try await CommandRun.run("/usr/bin/curl", ["-sf", "\(fixture.kube.url)/testserver/stats"]).standardOutput)
            #expect((stats["injectedErrors"]?.intValue ?? 0) + (stats["injectedThrottles"]?.intValue ?? 0) > 0)
            #expect(try await fixture.metric("redis_eventsource_adapters_running", port: httpPort) == 6)
            for index in 0..<6 {
                let consumers = try await fixture.client.command("XINFO", "CONSUMERS", "S\(index)", "argo-events-cg").array
                #expect(consumers?.count == 1)
            }
        }
    }
}

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

extension ReplicaAndFaultTests {
    @Test func sigtermDrainsTheAdaptersReleasesTheLeaseAndExits() async throws {
        try await OperatorFixture.with { fixture in
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let controller = try fixture.startController(consumer: "leaving", extra: leaseFlags)
            try await waitUntil("the lease") { try await leaseHolder(fixture) == "leaving" }
            try await fixture.apply(fixture.eventSourceYAML(name: "draining", entries: [("example", ["FOO"])]))
            try await fixture.waitForReady("draining")
            for index in 0..<100 { _ = try await fixture.client.xadd("FOO", [("n", "\(index)")]) }
            controller.signal(SIGTERM)
            #expect(try await controller.waitForExit(timeout: .seconds(20)) == 0)
            // Everything read was delivered and acknowledged before the exit.
            #expect(try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0)
            let delivered = await fixture.deliveredIDs().count
            let read = try await fixture.client.command("XINFO", "GROUPS", "FOO").array?.first?.array ?? []
            var counters: [String: Int64] = [:]
            for index in stride(from: 0, to: read.count - 1, by: 2) {
                if let key = read[index].string, let value = read[index + 1].integer { counters[key] = value }
            }
            #expect(Int64(delivered) == counters["entries-read"])
            // The lease was given up, so a standby need not wait for it to expire.
            let holder = try await leaseHolder(fixture)
            #expect(holder == nil || holder == "")
        }
    }
}
