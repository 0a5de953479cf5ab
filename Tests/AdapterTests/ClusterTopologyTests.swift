import Adapter
import AdapterModel
import EventSourceAPI
import Foundation
import Sinks
import Synchronization
import Testing
import TestSupport

/// Takes every event but those whose field `k` is `poison`, which it refuses.
private final class PoisonRefusingSink: SynchronousEventSink, Sendable {
    private let delivered = Mutex(0)
    var keepsOrder: Bool { false }
    var deliveredCount: Int { delivered.withLock { $0 } }

    func deliver(_ event: CloudEvent) -> DeliveryOutcome {
        if event.data["values"]?["k"]?.stringValue == "poison" { return .rejected(reason: "poison") }
        delivered.withLock { $0 += 1 }
        return .delivered
    }

    func close() {}
}

/// Three masters with a replica each, all real. One entry reads streams on two masters while a
/// producer writes on, counting an entry only once `WAIT 1` confirmed a replica has it. One
/// stream's slot migrates live; then a master is killed and its replica promoted. Every confirmed
/// entry must reach the sinks.
@Suite(.serialized) struct ClusterTopologyTests {
    /// Writes to the master serving each stream's slot, following the cluster as it changes.
    final class ClusterProducer: Sendable {
        private let state = Mutex<(stop: Bool, confirmed: [String: Set<String>])>((false, [:]))
        private let cluster: RedisClusterNodes
        private let streams: [String]

        init(cluster: RedisClusterNodes, streams: [String]) {
            self.cluster = cluster
            self.streams = streams
        }

        func confirmed(_ stream: String) -> Set<String> { state.withLock { $0.confirmed[stream] ?? [] } }

        func run() async {
            var clients: [String: RedisTestClient] = [:]
            var number = 0
            while !state.withLock({ $0.stop }) {
                for stream in streams {
                    if clients[stream] == nil {
                        guard let port = try? await cluster.ownerPort(ofSlot: RedisHashSlot.slot(of: stream)) else { continue }
                        clients[stream] = RedisTestClient(port: port)
                    }
                    guard let client = clients[stream] else { continue }
                    do {
                        number += 1
                        let id = try await client.xadd(stream, [("n", String(number))])
                        let replicas = try await client.command("WAIT", "1", "1000").integer ?? 0
                        if replicas >= 1 { state.withLock { _ = $0.confirmed[stream, default: []].insert(id) } }
                    } catch {
                        // MOVED, ASK, a dead master: ask the cluster again.
                        await client.close()
                        clients[stream] = nil
                    }
                }
                // Pacing the producer, not waiting on anything.
                try? await Task.sleep(for: .milliseconds(10))
            }
            for client in clients.values { await client.close() }
        }

        func stop() { state.withLock { $0.stop = true } }
    }

    /// Two stream names whose slots two different masters serve.
    static func streamsOnTwoMasters(_ cluster: RedisClusterNodes) async throws -> (String, String) {
        var byOwner: [Int: String] = [:]
        for index in 0..<200 {
            let name = "{s\(index)}.events"
            guard let owner = try await cluster.ownerPort(ofSlot: RedisHashSlot.slot(of: name)) else { continue }
            if byOwner[owner] == nil { byOwner[owner] = name }
            if byOwner.count == 2 { break }
        }
        let names = Array(byOwner.values)
        return (names[0], names[1])
    }

    /// Moves `slot` from its master to `target`, key and all, as `redis-cli --cluster reshard` does.
    static func migrate(slot: Int, to target: RedisClusterNodes.Node, in cluster: RedisClusterNodes) async throws {
        let nodes = try await cluster.describe()
        let sourcePort = try #require(try await cluster.ownerPort(ofSlot: slot))
        let source = try #require(nodes.first { $0.port == sourcePort })
        _ = try await RedisClusterNodes.cli(target.port, ["CLUSTER", "SETSLOT", String(slot), "IMPORTING", source.id])
        _ = try await RedisClusterNodes.cli(source.port, ["CLUSTER", "SETSLOT", String(slot), "MIGRATING", target.id])
        let keys = try await RedisClusterNodes.cli(source.port, ["CLUSTER", "GETKEYSINSLOT", String(slot), "100"])
            .split(separator: "\n").map(String.init)
        if !keys.isEmpty {
            let reply = try await RedisClusterNodes.cli(
                source.port, ["MIGRATE", "127.0.0.1", String(target.port), "", "0", "10000", "KEYS"] + keys)
            #expect(reply.contains("OK"), "MIGRATE: \(reply)")
        }
        for master in nodes where master.isMaster && !master.isFailed {
            _ = try await RedisClusterNodes.cli(master.port, ["CLUSTER", "SETSLOT", String(slot), "NODE", target.id])
        }
    }

    static func configuration(_ streams: [String], seeds: [Int], event: String) -> AdapterConfiguration {
        let source = RedisStreamEntry(
            endpoint: .cluster(ClusterSpec(addresses: seeds.map { HostAddress(host: "127.0.0.1", port: $0) })),
            streams: streams, startFrom: .beginning)
        return AdapterConfiguration(
            namespace: "test", eventSourceName: "cluster", eventName: event, source: source, sink: SinkSpec(uri: "stdout"),
            consumerName: "cluster-consumer", blockTime: .milliseconds(200))
    }

    static func delivered(_ sink: RecordingSink, stream: String) -> [String] {
        sink.events.filter { $0.data["stream"]?.stringValue == stream }.compactMap { $0.data["message_id"]?.stringValue }
    }

    /// One entry reads two streams that live on two masters: one read per slot, each on the node serving it.
    @Test func everyConfirmedEntryIsDeliveredThroughASlotMigrationAndAMasterFailover() async throws {
        try await HeavyFixtureLimit.shared.run {
            let cluster = try await RedisClusterNodes()
            defer { cluster.stop() }
            try await Self.readThroughMigrationAndFailover(cluster)
        }
    }

    static func readThroughMigrationAndFailover(_ cluster: RedisClusterNodes) async throws {
        let (migrating, failing) = try await Self.streamsOnTwoMasters(cluster)
        let seeds = cluster.nodes.map(\.port)
        let sink = RecordingSink()
        let adapter = StreamAdapter(
            configuration: Self.configuration([migrating, failing], seeds: seeds, event: "both"), runtime: .forTests,
            logger: .init(label: "test"),
            statsInterval: .milliseconds(100)
        ) { _ in sink }
        adapter.start()
        let producer = ClusterProducer(cluster: cluster, streams: [migrating, failing])
        let producing = Task { await producer.run() }
        do {
            let migratingSlot = RedisHashSlot.slot(of: migrating)
            let failingSlot = RedisHashSlot.slot(of: failing)
            let firstOwner = try #require(try await cluster.ownerPort(ofSlot: migratingSlot))
            let failingOwner = try #require(try await cluster.ownerPort(ofSlot: failingSlot))
            try await waitUntil("the entry consuming both streams, each from its master") {
                let snapshot = adapter.status.snapshot
                return snapshot.phase == .consuming
                    && snapshot.streamServers == [migrating: "127.0.0.1:\(firstOwner)", failing: "127.0.0.1:\(failingOwner)"]
            }
            try await waitUntil("entries confirmed on both streams") {
                producer.confirmed(migrating).count >= 20 && producer.confirmed(failing).count >= 20
            }

            // A live slot migration to the third master.
            let nodes = try await cluster.describe()
            let target = try #require(nodes.first { $0.isMaster && $0.port != firstOwner && $0.port != failingOwner })
            try await Self.migrate(slot: migratingSlot, to: target, in: cluster)
            try await waitUntil("the migrated stream read from its new master", timeout: .seconds(120)) {
                let snapshot = adapter.status.snapshot
                return snapshot.streamServers[migrating] == "127.0.0.1:\(target.port)" && snapshot.phase == .consuming
            }
            #expect(adapter.status.snapshot.failovers >= 1)
            #expect(adapter.status.snapshot.streamServers[failing] == "127.0.0.1:\(failingOwner)")
            let afterMigration = producer.confirmed(migrating).count
            try await waitUntil("entries confirmed after the migration") { producer.confirmed(migrating).count >= afterMigration + 20 }

            // kill -9 of the other stream's master; its replica takes over.
            let replica = try #require(nodes.first { $0.masterID == nodes.first { $0.port == failingOwner }?.id })
            let victim = try #require(cluster.nodes.first { $0.port == failingOwner })
            try await victim.kill()
            try await waitUntil("the failing stream read from the promoted replica", timeout: .seconds(120)) {
                let snapshot = adapter.status.snapshot
                return snapshot.streamServers[failing] == "127.0.0.1:\(replica.port)" && snapshot.phase == .consuming
            }
            #expect(adapter.status.snapshot.failovers >= 2)
            // The promoted replica has no replica of its own, so WAIT 1 confirms nothing written after the failover.
            producer.stop()
            await producing.value

            for stream in [migrating, failing] {
                let confirmed = producer.confirmed(stream)
                try await waitUntil("every confirmed entry of \(stream) delivered", timeout: .seconds(120)) {
                    confirmed.isSubset(of: Set(Self.delivered(sink, stream: stream)))
                }
                let delivered = Self.delivered(sink, stream: stream)
                #expect(delivered.count - Set(delivered).count <= 40, "duplicates on \(stream)")
            }
        } catch {
            producer.stop()
            await producing.value
            await adapter.stop()
            throw error
        }
        await adapter.stop()
    }

    /// The streams on two masters, the dead-letter stream on the third: each rejected entry is
    /// dead-lettered on the node owning the dead-letter stream, and only then acknowledged.
    @Test func deadLettersGoToTheNodeOwningTheDeadLetterStream() async throws {
        try await HeavyFixtureLimit.shared.run {
            let cluster = try await RedisClusterNodes()
            defer { cluster.stop() }
            try await Self.deadLetterOnItsOwnNode(cluster)
        }
    }

    static func deadLetterOnItsOwnNode(_ cluster: RedisClusterNodes) async throws {
        let (first, second) = try await Self.streamsOnTwoMasters(cluster)
        let firstOwner = try #require(try await cluster.ownerPort(ofSlot: RedisHashSlot.slot(of: first)))
        let secondOwner = try #require(try await cluster.ownerPort(ofSlot: RedisHashSlot.slot(of: second)))
        var deadLetter: String?
        for index in 0..<500 where deadLetter == nil {
            let name = "{dead\(index)}.dlq"
            let owner = try await cluster.ownerPort(ofSlot: RedisHashSlot.slot(of: name))
            if let owner, owner != firstOwner, owner != secondOwner { deadLetter = name }
        }
        let deadLetterStream = try #require(deadLetter)
        let deadLetterOwner = try #require(try await cluster.ownerPort(ofSlot: RedisHashSlot.slot(of: deadLetterStream)))
        var configuration = Self.configuration([first, second], seeds: cluster.nodes.map(\.port), event: "dead")
        configuration.source.deadLetterStream = deadLetterStream
        configuration.source.maxDeliveries = 1
        let sink = PoisonRefusingSink()
        let adapter = StreamAdapter(configuration: configuration, runtime: .forTests, logger: .init(label: "test"), statsInterval: .milliseconds(100)) { _ in sink }
        adapter.start()
        let clients = [RedisTestClient(port: firstOwner), RedisTestClient(port: secondOwner), RedisTestClient(port: deadLetterOwner)]
        do {
            // A good entry first on each stream, so the sink is seen taking events and the poison
            // ones count as poison rather than as a sink that is down.
            _ = try await clients[0].xadd(first, [("k", "good")])
            _ = try await clients[1].xadd(second, [("k", "good")])
            try await waitUntil("the good entries delivered") { sink.deliveredCount == 2 }
            _ = try await clients[0].xadd(first, [("k", "poison")])
            _ = try await clients[1].xadd(second, [("k", "poison")])
            try await waitUntil("both poison entries dead-lettered") { adapter.status.snapshot.deadLettered == 2 }
            #expect(try await clients[2].command("XLEN", deadLetterStream) == .integer(2))
            try await waitUntil("every entry acknowledged, the poison ones once dead-lettered") {
                let firstPending = try await clients[0].pendingCount(first, group: "argo-events-cg")
                let secondPending = try await clients[1].pendingCount(second, group: "argo-events-cg")
                return firstPending == 0 && secondPending == 0
            }
            #expect(sink.deliveredCount == 2)
        } catch {
            Issue.record("status at the failure: \(adapter.status.snapshot)")
            await adapter.stop()
            for client in clients { await client.close() }
            throw error
        }
        await adapter.stop()
        for client in clients { await client.close() }
    }

    /// A cluster node given as a plain `hostAddress`, with streams in two slots: Redis answers the
    /// read with CROSSSLOT. The reason shows, the adapter keeps retrying, nothing is acknowledged.
    @Test func aCrossSlotReplyShowsItsReasonAndNothingIsAcknowledged() async throws {
        try await HeavyFixtureLimit.shared.run {
            let cluster = try await RedisClusterNodes()
            defer { cluster.stop() }
            try await Self.crossSlot(cluster)
        }
    }

    static func crossSlot(_ cluster: RedisClusterNodes) async throws {
        let node = try #require(try await cluster.describe().first { $0.isMaster })
        var streams: [String] = []
        for index in 0..<500 where streams.count < 2 {
            let name = "plain\(index)"
            if try await cluster.ownerPort(ofSlot: RedisHashSlot.slot(of: name)) == node.port,
                !streams.contains(where: { RedisHashSlot.slot(of: $0) == RedisHashSlot.slot(of: name) })
            {
                streams.append(name)
            }
        }
        #expect(streams.count == 2)
        let client = RedisTestClient(port: node.port)
        defer { Task { await client.close() } }
        let source = RedisStreamEntry(hostAddress: HostAddress(host: "127.0.0.1", port: node.port), streams: streams, startFrom: .beginning)
        let configuration = AdapterConfiguration(
            namespace: "test", eventSourceName: "cluster", eventName: "crossslot", source: source, sink: SinkSpec(uri: "stdout"),
            consumerName: "crossslot-consumer", blockTime: .milliseconds(200))
        let sink = RecordingSink()
        let adapter = StreamAdapter(configuration: configuration, runtime: .forTests, logger: .init(label: "test")) { _ in sink }
        adapter.start()
        do {
            _ = try await client.xadd(streams[0], [("k", "v")])
            try await waitUntil("the CROSSSLOT reason") { adapter.status.snapshot.lastError?.contains("CROSSSLOT") == true }
            let attempts = adapter.status.snapshot.connectAttempts
            try await waitUntil("a retry") { adapter.status.snapshot.connectAttempts > attempts }
            // Each retry connects before the read fails again, so Consuming may show for a moment;
            // what matters is that the failure shows with its reason rather than a healthy phase.
            try await waitUntil("a phase other than Consuming, with the reason") {
                let snapshot = adapter.status.snapshot
                return snapshot.phase != .consuming && snapshot.lastError?.contains("CROSSSLOT") == true
            }
            #expect(sink.events.isEmpty)
            #expect(try await client.pendingCount(streams[0], group: "argo-events-cg") == 0)
            #expect(try await client.command("XLEN", streams[0]) == .integer(1))
        } catch {
            await adapter.stop()
            throw error
        }
        await adapter.stop()
    }
}
