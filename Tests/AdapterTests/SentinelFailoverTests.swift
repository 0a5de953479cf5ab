import Adapter
import AdapterModel
import EventSourceAPI
import Foundation
import Sinks
import Synchronization
import Testing
import TestSupport

/// One master, one replica and three Sentinels, all real; a producer writing all along and
/// counting an entry as written only once `WAIT 1` confirmed a replica has it. The master is
/// killed with SIGKILL twice in one run; every confirmed entry must reach the sink.
@Suite(.serialized) struct SentinelFailoverTests {
    static let masterName = "mymaster"

    /// Writes to whichever server the Sentinels name master, until stopped.
    final class ConfirmingProducer: Sendable {
        private let state = Mutex<(stop: Bool, confirmed: Set<String>, written: Int)>((false, [], 0))
        private let sentinels: [RedisSentinel]
        private let done = Mutex<CheckedContinuation<Void, Never>?>(nil)
        private let finished = Mutex(false)

        init(sentinels: [RedisSentinel]) { self.sentinels = sentinels }

        var confirmed: Set<String> { state.withLock { $0.confirmed } }

        func run() async {
            var client: RedisTestClient?
            var number = 0
            while !state.withLock({ $0.stop }) {
                if client == nil {
                    for sentinel in sentinels {
                        if let port = try? await sentinel.masterPort(SentinelFailoverTests.masterName) {
                            client = RedisTestClient(port: port)
                            break
                        }
                    }
                }
                guard let current = client else { continue }
                do {
                    number += 1
                    let id = try await current.xadd("events", [("n", String(number))])
                    let replicas = try await current.command("WAIT", "1", "1000").integer ?? 0
                    state.withLock {
                        $0.written += 1
                        if replicas >= 1 { $0.confirmed.insert(id) }
                    }
                    // A steady trickle rather than a flood: pacing the producer, not waiting on anything.
                    try? await Task.sleep(for: .milliseconds(10))
                } catch {
                    await current.close()
                    client = nil
                }
            }
            await client?.close()
        }

        func stop() { state.withLock { $0.stop = true } }
    }

    @Test func everyConfirmedEntryIsDeliveredAcrossTwoFailovers() async throws {
        let first = try await RedisServer()
        defer { first.stop() }
        let second = try await RedisServer(arguments: ["--replicaof", "127.0.0.1", String(first.port)])
        defer { second.stop() }
        let sentinels = try await Self.sentinels(master: first, replica: second)
        defer { for sentinel in sentinels { sentinel.stop() } }
        let configuration = Self.configuration(sentinels)
        let sink = RecordingSink()
        let adapter = StreamAdapter(configuration: configuration, runtime: .forTests, logger: .init(label: "test"), statsInterval: .milliseconds(100)) { _ in sink }
        adapter.start()
        let producer = ConfirmingProducer(sentinels: sentinels)
        let producing = Task { await producer.run() }
        do {
            try await waitUntil("consuming from the first master") {
                adapter.status.snapshot.phase == .consuming && adapter.status.snapshot.server == "127.0.0.1:\(first.port)"
            }
            try await waitUntil("entries confirmed before the first failover") { producer.confirmed.count >= 20 }

            // First failover: the replica is promoted.
            try await first.kill()
            try await waitUntil("reading from the promoted replica", timeout: .seconds(120)) {
                adapter.status.snapshot.server == "127.0.0.1:\(second.port)" && adapter.status.snapshot.phase == .consuming
            }
            #expect(adapter.status.snapshot.failovers == 1)
            #expect(adapter.status.snapshot.lastFailoverTime != nil)

            // The old master comes back empty; the Sentinels make it a replica of the new one.
            try await first.restart()
            try await waitUntil("the old master resynced as a replica", timeout: .seconds(120)) {
                guard try await Self.linkIsUp(replicaPort: first.port) else { return false }
                for sentinel in sentinels where !(try await sentinel.seesHealthyReplica(Self.masterName, port: first.port)) {
                    return false
                }
                return true
            }
            let beforeSecond = producer.confirmed.count
            try await waitUntil("entries confirmed by the new replica") { producer.confirmed.count >= beforeSecond + 20 }

            // Second failover: back to the first server.
            try await second.kill()
            try await waitUntil("reading from the first server again", timeout: .seconds(120)) {
                adapter.status.snapshot.server == "127.0.0.1:\(first.port)" && adapter.status.snapshot.phase == .consuming
            }
            #expect(adapter.status.snapshot.failovers == 2)
            // The lone master has no replica left, so WAIT confirms nothing more from here on.
            producer.stop()
            await producing.value

            let confirmed = producer.confirmed
            try await waitUntil("every confirmed entry delivered", timeout: .seconds(120)) {
                confirmed.isSubset(of: Set(sink.events.compactMap { $0.data["message_id"]?.stringValue }))
            }
            let delivered = sink.events.compactMap { $0.data["message_id"]?.stringValue }
            let duplicates = delivered.count - Set(delivered).count
            // At most what was in flight at each switch: a read batch (10) and its read-ahead, per failover, twice over.
            #expect(duplicates <= 80, "duplicates: \(duplicates)")
        } catch {
            producer.stop()
            await producing.value
            await adapter.stop()
            throw error
        }
        await adapter.stop()
    }

    /// Three Sentinels (quorum 2) watching `master`, once they know each other and the replica in sync.
    static func sentinels(master: RedisServer, replica: RedisServer) async throws -> [RedisSentinel] {
        try await waitUntil("the replica in sync") { try await Self.linkIsUp(replicaPort: replica.port) }
        var sentinels: [RedisSentinel] = []
        do {
            for _ in 0..<3 {
                sentinels.append(try await RedisSentinel(monitoring: [(Self.masterName, master.port)], quorum: 2))
            }
            try await waitUntil("the Sentinels to know each other and the replica") {
                for sentinel in sentinels {
                    guard try await sentinel.masterField(Self.masterName, "num-other-sentinels") == "2",
                        try await sentinel.seesHealthyReplica(Self.masterName, port: replica.port)
                    else { return false }
                }
                return true
            }
        } catch {
            for sentinel in sentinels { sentinel.stop() }
            throw error
        }
        return sentinels
    }

    static func configuration(_ sentinels: [RedisSentinel]) -> AdapterConfiguration {
        let spec = SentinelSpec(
            masterName: Self.masterName, addresses: sentinels.map { HostAddress(host: "127.0.0.1", port: $0.port) })
        let source = RedisStreamEntry(endpoint: .sentinel(spec), streams: ["events"], startFrom: .beginning)
        return AdapterConfiguration(
            namespace: "test", eventSourceName: "sentinel", eventName: "failover", source: source,
            sink: SinkSpec(uri: "stdout"), consumerName: "sentinel-consumer", blockTime: .milliseconds(200))
    }

    /// A master, its replica, three Sentinels and an adapter reading through them, consuming from
    /// the master when `body` starts; everything is stopped after it.
    static func withFailoverSetup(
        _ body: (_ first: RedisServer, _ second: RedisServer, _ sentinels: [RedisSentinel], StreamAdapter, RecordingSink) async throws -> Void
    ) async throws {
        let first = try await RedisServer()
        defer { first.stop() }
        let second = try await RedisServer(arguments: ["--replicaof", "127.0.0.1", String(first.port)])
        defer { second.stop() }
        let sentinels = try await Self.sentinels(master: first, replica: second)
        defer { for sentinel in sentinels { sentinel.stop() } }
        let sink = RecordingSink()
        let adapter = StreamAdapter(configuration: Self.configuration(sentinels), runtime: .forTests, logger: .init(label: "test"), statsInterval: .milliseconds(100)) { _ in sink }
        adapter.start()
        do {
            try await waitUntil("consuming from the first master") {
                adapter.status.snapshot.phase == .consuming && adapter.status.snapshot.server == "127.0.0.1:\(first.port)"
            }
            try await body(first, second, sentinels, adapter, sink)
        } catch {
            await adapter.stop()
            throw error
        }
        await adapter.stop()
    }

    /// A manual failover (`SENTINEL FAILOVER`): the old master lives on, demoted to a replica. The
    /// adapter's reads there end (UNBLOCKED, READONLY); it asks the Sentinels again and follows.
    @Test func aManualFailoverMovesReadingToTheNewMasterWithTheOldOneAlive() async throws {
        try await Self.withFailoverSetup { _, second, sentinels, adapter, sink in
            let producer = ConfirmingProducer(sentinels: sentinels)
            let producing = Task { await producer.run() }
            do {
                try await waitUntil("entries confirmed") { producer.confirmed.count >= 20 }
                let answer = try await CommandRun.run(
                    "/usr/bin/redis-cli", ["-p", String(sentinels[0].port), "SENTINEL", "FAILOVER", Self.masterName]
                ).standardOutput
                #expect(answer.contains("OK"), "SENTINEL FAILOVER: \(answer)")
                try await waitUntil("reading from the promoted replica", timeout: .seconds(120)) {
                    adapter.status.snapshot.server == "127.0.0.1:\(second.port)" && adapter.status.snapshot.phase == .consuming
                }
                let before = producer.confirmed.count
                // The demoted master becomes the new one's replica, so WAIT confirms again.
                try await waitUntil("entries confirmed after the switch", timeout: .seconds(120)) { producer.confirmed.count >= before + 20 }
                producer.stop()
                await producing.value
                let confirmed = producer.confirmed
                try await waitUntil("every confirmed entry delivered", timeout: .seconds(120)) {
                    confirmed.isSubset(of: Set(sink.events.compactMap { $0.data["message_id"]?.stringValue }))
                }
                #expect(adapter.status.snapshot.failovers == 1)
            } catch {
                producer.stop()
                await producing.value
                throw error
            }
        }
    }

    /// The master hangs (SIGSTOP) rather than dies: no connection breaks and nothing answers READONLY,
    /// and an idle read blocks for minutes. The Sentinels' `+switch-master` makes the adapter leave
    /// the hung master for the promoted one.
    @Test func aHungMasterIsLeftWhenTheSentinelsAnnounceTheSwitch() async throws {
        try await Self.withFailoverSetup { first, second, _, adapter, sink in
            let pid = try #require(first.pid)
            kill(pid, SIGSTOP)
            defer { kill(pid, SIGCONT) }
            try await waitUntil("reading from the promoted replica while the old master hangs", timeout: .seconds(120)) {
                adapter.status.snapshot.server == "127.0.0.1:\(second.port)" && adapter.status.snapshot.phase == .consuming
            }
            let client = RedisTestClient(port: second.port)
            let id = try await client.xadd("events", [("after", "switch")])
            await client.close()
            try await waitUntil("the entry written to the new master") {
                sink.events.contains { $0.data["message_id"]?.stringValue == id }
            }
        }
    }

    static func linkIsUp(replicaPort: Int) async throws -> Bool {
        let info = try await CommandRun.run("/usr/bin/redis-cli", ["-p", String(replicaPort), "INFO", "replication"]).standardOutput
        return info.contains("role:slave") && info.contains("master_link_status:up")
    }
}
