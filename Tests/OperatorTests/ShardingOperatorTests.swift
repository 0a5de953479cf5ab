import Foundation
import StructuredData
import Synchronization
import Testing
import TestSupport

/// `--shard-by lease` end to end: real controller processes against kube-testserver, a real
/// redis-server and an HTTP receiver, with entries flowing into every stream throughout.
@Suite(.serialized) struct ShardingOperatorTests {
    /// What the last look found missing, for the timeout's message.
    private final class LastSeen: Sendable { let text = Mutex("") }
    private let lastUnsettled = LastSeen()

    /// 300 EventSources, one stream each, as the issue asks; every phase waits for all of them.
    static let sourceCount = 300
    /// Short Leases, so expiry after a kill -9 takes seconds.
    static let shardFlags = ["--shard-by", "lease", "--lease-duration", "4", "--renew-deadline", "3", "--retry-period", "0.5"]

    /// One running replica: its process and metrics port.
    struct Replica {
        var process: ChildProcess
        var port: Int
    }

    private func start(_ name: String, _ fixture: OperatorFixture, extra: [String] = []) async throws -> Replica {
        let (process, port) = try await fixture.startControllerWithMetrics(consumer: name, extra: Self.shardFlags + extra)
        return Replica(process: process, port: port)
    }

    /// Settled: every EventSource Ready, running on live replicas only, as many owners as asked,
    /// and each replica running exactly the adapters of the EventSources that name it.
    private func settled(
        _ fixture: OperatorFixture, _ replicas: [String: Replica], perSource: Int = 1, count: Int = sourceCount
    ) async throws -> Bool {
        let reason = try await unsettled(fixture, replicas, perSource: perSource, count: count)
        lastUnsettled.text.withLock { $0 = reason ?? "" }
        return reason == nil
    }

    /// Why it is not settled yet (nil: it is), so a timeout says what it was waiting for.
    private func unsettled(
        _ fixture: OperatorFixture, _ replicas: [String: Replica], perSource: Int, count: Int
    ) async throws -> String? {
        let listed = try await fixture.kubectl.run(["get", "eventsources", "-o", "json"])
        guard listed.exitCode == 0 else { return "kubectl get failed" }
        let items = try JSONParser.parse(listed.output)["items"]?.arrayValue ?? []
        guard items.count == count else { return "\(items.count) EventSources" }
        var owned: [String: Set<String>] = [:]
        for item in items {
            let name = item["metadata"]?["name"]?.stringValue ?? "?"
            let ready = item["status"]?["conditions"]?.arrayValue?.first { $0["type"] == "Ready" }?["status"]
            guard ready == "True", let runningOn = item["status"]?["runningOn"]?.stringValue else {
                return "\(name): Ready \(ready?.stringValue ?? "none"), runningOn \(item["status"]?["runningOn"]?.stringValue ?? "none")"
                    + logLines(mentioning: name, replicas)
            }
            let owners = runningOn.split(separator: ",").map(String.init)
            guard owners.count == min(perSource, replicas.count), Set(owners).count == owners.count,
                owners.allSatisfy({ replicas[$0] != nil })
            else { return "\(name) runs on \(runningOn), live: \(replicas.keys.sorted())" }
            for owner in owners { owned[owner, default: []].insert(name) }
        }
        for (name, replica) in replicas.sorted(by: { $0.key < $1.key }) {
            let running = try await runningEventSources(fixture, port: replica.port)
            let named = owned[name] ?? []
            guard running == named else {
                let extra = running.subtracting(named).sorted(), missing = named.subtracting(running).sorted()
                return "\(name) runs \(running.count) EventSources, statuses name it on \(named.count)"
                    + (extra.isEmpty ? "" : "; it runs \(extra) that name others")
                    + (missing.isEmpty ? "" : "; it does not run \(missing) that name it")
                    + logLines(mentioning: (extra + missing).first ?? "", replicas)
            }
        }
        return nil
    }

    /// The EventSources a replica runs adapters of, from Argo's per-EventSource gauge.
    private func runningEventSources(_ fixture: OperatorFixture, port: Int) async throws -> Set<String> {
        let output = try await CommandRun.run("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/metrics"])
        var names: Set<String> = []
        for line in output.standardOutput.split(separator: "\n") where line.hasPrefix("argo_events_event_service_running_total{") {
            guard let value = line.split(separator: " ").last.flatMap({ Double($0) }), value > 0,
                let range = line.range(of: "eventsource_name=\""),
                let end = line[range.upperBound...].firstIndex(of: "\"")
            else { continue }
            names.insert(String(line[range.upperBound..<end]))
        }
        return names
    }

    /// Each replica's log lines about one EventSource, for a timeout's message.
    private func logLines(mentioning name: String, _ replicas: [String: Replica]) -> String {
        guard !name.isEmpty else { return "" }
        return replicas.sorted(by: { $0.key < $1.key }).map { replica, running in
            let lines = (running.process.standardOutput + running.process.standardError).split(separator: "\n")
                .filter { line in line.ranges(of: "/\(name)").contains { !(line[$0.upperBound...].first?.isNumber ?? false) } }.suffix(40)
            return "\n  \(replica) about \(name):\n    " + lines.joined(separator: "\n    ")
        }.joined()
    }

    private func ownedCounts(_ fixture: OperatorFixture) async throws -> [String: Int] {
        let items = try JSONParser.parse(try await fixture.kubectl.succeed(["get", "eventsources", "-o", "json"]))["items"]?.arrayValue ?? []
        var owned: [String: Int] = [:]
        for item in items {
            for owner in (item["status"]?["runningOn"]?.stringValue ?? "").split(separator: ",") { owned[String(owner), default: 0] += 1 }
        }
        return owned
    }

    private func applySources(_ fixture: OperatorFixture, count: Int = sourceCount) async throws {
        for index in 0..<count {
            try await fixture.client.command("XGROUP", "CREATE", "S\(index)", "argo-events-cg", "$", "MKSTREAM")
        }
        // One kubectl apply of every EventSource; a short reclaim idle so a killed replica's pending entries move soon.
        let documents = (0..<count).map { index in
            fixture.eventSourceYAML(name: "es-\(index)", entries: [("example", ["S\(index)"])], extra: "      claimMinIdleSeconds: 2")
        }
        try await fixture.apply(documents.joined(separator: "\n---\n"))
    }

    /// Writes entries round-robin over every stream until told to stop; returns their ids.
    private final class Producer: Sendable {
        let ids = Mutex<[String]>([])
        let stopped = Atomic(false)

        func run(_ client: RedisTestClient) async throws {
            var index = 0
            while !stopped.load(ordering: .relaxed) {
                let id = try await client.xadd("S\(index % ShardingOperatorTests.sourceCount)", [("n", "\(index)")])
                ids.withLock { $0.append(id + "@S\(index % ShardingOperatorTests.sourceCount)") }
                index += 1
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    @Test func sourcesSplitAndMoveOnAJoinAKillAGracefulLeaveAndARollingRestartWithEveryEntryDelivered() async throws {
        try await OperatorFixture.with { fixture in
            do {
                try await splitJoinKillLeaveAndRestart(fixture)
            } catch let error as DeadlineExceeded {
                Issue.record("\(error); last seen: \(lastUnsettled.text.withLock { $0 })")
            }
        }
    }

    private func splitJoinKillLeaveAndRestart(_ fixture: OperatorFixture) async throws {
        do {
            var replicas: [String: Replica] = [:]
            for name in ["replica-a", "replica-b"] { replicas[name] = try await start(name, fixture) }
            try await applySources(fixture)
            try await waitUntil("300 EventSources Ready on two replicas", timeout: .seconds(180)) { try await settled(fixture, replicas) }

            let producer = Producer()
            let producerClient = RedisTestClient(port: fixture.redis.port)
            let production = Task { try await producer.run(producerClient) }

            // A join: the third replica takes about a third, and the split is even.
            replicas["replica-c"] = try await start("replica-c", fixture)
            try await waitUntil("the split over three replicas", timeout: .seconds(180)) { try await settled(fixture, replicas) }
            let split = try await ownedCounts(fixture)
            #expect(split.count == 3)
            for (name, count) in split { #expect(count > Self.sourceCount / 6, "\(name) owns \(count): \(split)") }

            // kill -9: its Lease expires and its EventSources run elsewhere; its pending entries are reclaimed.
            let killed = try #require(replicas["replica-b"])
            replicas["replica-b"] = nil
            try await killed.process.killAndWait()
            try await waitUntil("replica-b's EventSources moved after its Lease expired", timeout: .seconds(180)) {
                try await settled(fixture, replicas)
            }
            // It comes back (a restarted pod of the same name).
            replicas["replica-b"] = try await start("replica-b", fixture)
            try await waitUntil("replica-b back", timeout: .seconds(180)) { try await settled(fixture, replicas) }

            // A graceful leave: it drains, deletes its Lease, the others take over at once.
            let leaving = try #require(replicas["replica-c"])
            replicas["replica-c"] = nil
            leaving.process.signal(SIGTERM)
            #expect(try await leaving.process.waitForExit(timeout: .seconds(30)) == 0)
            try await waitUntil("replica-c's EventSources moved after it left", timeout: .seconds(180)) {
                try await settled(fixture, replicas)
            }
            let leases = try await fixture.kubectl.succeed(["get", "leases", "-o", "name"])
            #expect(!leases.contains("redis-eventsource-controller-replica-c"), "a graceful leave deletes its Lease: \(leases)")
            replicas["replica-c"] = try await start("replica-c", fixture)
            try await waitUntil("replica-c back", timeout: .seconds(180)) { try await settled(fixture, replicas) }

            // A rolling restart of all three, one at a time.
            for name in ["replica-a", "replica-b", "replica-c"] {
                let old = try #require(replicas[name])
                replicas[name] = nil
                old.process.signal(SIGTERM)
                #expect(try await old.process.waitForExit(timeout: .seconds(30)) == 0)
                replicas[name] = try await start(name, fixture)
                try await waitUntil("\(name) restarted", timeout: .seconds(180)) { try await settled(fixture, replicas) }
            }

            producer.stopped.store(true, ordering: .relaxed)
            try await production.value
            await producerClient.close()
            let produced = producer.ids.withLock { $0 }
            #expect(produced.count > 100)
            // Ids repeat across streams, so an entry is known by id and stream.
            try await waitUntil("every entry delivered", timeout: .seconds(120)) {
                let delivered = Set(
                    await fixture.receiver.requests().compactMap { request -> String? in
                        guard let body = try? JSONParser.parse(request.bodyText), let id = body["message_id"]?.stringValue,
                            let stream = body["stream"]?.stringValue
                        else { return nil }
                        return "\(id)@\(stream)"
                    })
                return delivered.isSuperset(of: produced)
            }
            // What the killed replica left pending was reclaimed by the new owners and acknowledged.
            try await waitUntil("every PEL empty", timeout: .seconds(60), interval: .milliseconds(500)) {
                for index in 0..<Self.sourceCount where try await fixture.client.pendingCount("S\(index)", group: "argo-events-cg") != 0 {
                    return false
                }
                return true
            }
            #expect(try await settled(fixture, replicas))
        }
    }
}

extension ShardingOperatorTests {
    private func lease(name: String, holder: String, renewTime: String) -> String {
        """
        apiVersion: coordination.k8s.io/v1
        kind: Lease
        metadata:
          name: \(name)
          labels: {redis-eventsource/shard-group: redis-eventsource-controller}
        spec: {holderIdentity: \(holder), leaseDurationSeconds: 4, renewTime: "\(renewTime)"}
        """
    }

    /// More replicas per source than alive runs on all with a warning; a Lease that no replica
    /// holds as its own is ignored with a warning; a Lease whose clock is an hour ahead, never
    /// renewed, still expires on the observers' clocks, so nothing stays stuck on it.
    @Test func tooFewReplicasAForeignLeaseAndASkewedClockAreEachToldAndSurvived() async throws {
        try await OperatorFixture.with { fixture in
            try await fixture.apply(lease(name: "redis-eventsource-controller-ghost", holder: "intruder", renewTime: "2026-01-01T00:00:00.000000Z"))
            let future = KubeTime.microTime(Date().addingTimeInterval(3600))
            try await fixture.apply(lease(name: "redis-eventsource-controller-skewed", holder: "skewed", renewTime: future))
            var replicas: [String: Replica] = [:]
            replicas["replica-a"] = try await start("replica-a", fixture, extra: ["--replicas-per-source", "2"])
            try await applySources(fixture, count: 12)
            // "skewed" counts until its Lease runs out on our clock; then everything is on replica-a alone.
            try await waitUntil("12 EventSources Ready on the one live replica", timeout: .seconds(90)) {
                try await settled(fixture, replicas, perSource: 2, count: 12)
            }
            let a = replicas["replica-a"]!.process
            try await waitUntil("the warnings") {
                let log = a.standardOutput + a.standardError
                return log.contains("--replicas-per-source 2 is more than the 1 live replica(s)")
                    && log.contains("held by 'intruder'")
            }
            replicas["replica-b"] = try await start("replica-b", fixture, extra: ["--replicas-per-source", "2"])
            try await waitUntil("each EventSource on both replicas", timeout: .seconds(90)) {
                try await settled(fixture, replicas, perSource: 2, count: 12)
            }
            // `kubectl get es` shows who runs it.
            let table = try await fixture.kubectl.succeed(["get", "eventsources"])
            #expect(table.contains("RUNNING-ON"), "\(table)")
            #expect(table.contains("replica-a,replica-b") || table.contains("replica-b,replica-a"), "\(table)")
        }
    }

    /// A replica whose service account may not use Leases stops at start with an error saying so;
    /// the sharded variant's Role is enough.
    @Test func withoutLeasePermissionsAReplicaStopsAtStartSayingWhyAndTheShardedVariantIsEnough() async throws {
        try await OperatorFixture.with(kubeArguments: ["--enforce-rbac"]) { fixture in
            _ = try await fixture.kubectl.succeed(["apply", "-k", BuiltProducts.repositoryRoot.appendingPathComponent("manifests").path])
            let kubeconfig = try fixture.serviceAccountKubeconfig(namespace: "redis-eventsource", name: "redis-eventsource")
            let refused = try fixture.startController(
                consumer: "replica-a", extra: ["--kubeconfig", kubeconfig, "--lease-namespace", "redis-eventsource"] + Self.shardFlags)
            #expect(try await refused.waitForExit(timeout: .seconds(60)) == 1)
            let said = refused.standardOutput + refused.standardError
            #expect(said.contains("--shard-by lease: cannot list leases.coordination.k8s.io in namespace redis-eventsource"), "\(said)")

            _ = try await fixture.kubectl.succeed(
                ["apply", "-k", BuiltProducts.repositoryRoot.appendingPathComponent("manifests/variants/sharded").path])
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let allowed = try fixture.startController(
                consumer: "replica-a", extra: ["--kubeconfig", kubeconfig, "--lease-namespace", "redis-eventsource"] + Self.shardFlags)
            try await fixture.apply(fixture.eventSourceYAML(name: "guarded", entries: [("example", ["FOO"])]))
            try await fixture.waitForReady("guarded", timeout: .seconds(60))
            #expect(try await fixture.eventSource("guarded")?["status"]?["runningOn"] == "replica-a")
            allowed.signal(SIGTERM)
            #expect(try await allowed.waitForExit(timeout: .seconds(30)) == 0)
            #expect(!(allowed.standardOutput + allowed.standardError).contains("forbidden"), "no call was refused")
        }
    }
}
