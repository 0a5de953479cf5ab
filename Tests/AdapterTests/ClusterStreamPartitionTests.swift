import AdapterModel
import Sinks
import EventSourceAPI
import Testing
@testable import Adapter

/// The pure parts of reading one cluster entry over several slots: which streams share a read,
/// which node serves each read under a slot map, and the entry's status made from its readers'.
@Suite struct ClusterStreamPartitionTests {
    static let nodeA = HostAddress(host: "10.0.0.1", port: 7000)
    static let nodeB = HostAddress(host: "10.0.0.2", port: 7001)

    @Test func streamsSharingAHashTagShareARead() {
        let partition = ClusterStreamPartition(streams: ["{orders}.created", "payments", "{orders}.paid", "payments"])
        #expect(partition.groups.count == 2)
        #expect(partition.groups[0].streams == ["{orders}.created", "{orders}.paid"])
        #expect(partition.groups[0].slot == RedisHashSlot.slot(of: "orders"))
        #expect(partition.groups[1].streams == ["payments"])
    }

    @Test func streamsInDifferentSlotsOnOneNodeStillReadApart() {
        // Redis refuses one XREADGROUP over two slots (CROSSSLOT) even on one node.
        let partition = ClusterStreamPartition(streams: ["a", "b"])
        #expect(RedisHashSlot.slot(of: "a") != RedisHashSlot.slot(of: "b"))
        let map = ClusterSlotMap(ranges: [.init(slots: 0...16383, master: Self.nodeA)])
        #expect(partition.groups.count == 2)
        #expect(partition.groupsByNode(in: map)[Self.nodeA]?.count == 2)
    }

    @Test func eachGroupGoesToTheNodeServingItsSlotAndMovesWithIt() {
        let partition = ClusterStreamPartition(streams: ["{a}.x", "{b}.x"])
        let slotA = RedisHashSlot.slot(of: "a")
        let slotB = RedisHashSlot.slot(of: "b")
        let split = min(slotA, slotB) + 1
        let before = ClusterSlotMap(ranges: [
            .init(slots: 0...(split - 1), master: Self.nodeA), .init(slots: split...16383, master: Self.nodeB),
        ])
        let low = slotA < slotB ? slotA : slotB
        let high = slotA < slotB ? slotB : slotA
        #expect(partition.nodes(in: before) == [low: Self.nodeA, high: Self.nodeB])
        // The low slot migrates to B.
        let after = ClusterSlotMap(ranges: [
            .init(slots: 0...(low - 1), master: Self.nodeA), .init(slots: low...16383, master: Self.nodeB),
        ])
        #expect(partition.nodes(in: after) == [low: Self.nodeB, high: Self.nodeB])
        // A slot nobody serves yet is left out, not guessed.
        #expect(partition.nodes(in: ClusterSlotMap(ranges: [])).isEmpty)
    }

    @Test func aClusterSlotsReplyIsReadWithTheSeedStandingInForAnEmptyHost() {
        let reply = RESPValue.array([
            .array([.integer(0), .integer(5460), .array([.bulk(Array("".utf8)), .integer(7000), .bulk(Array("id0".utf8))])]),
            .array([.integer(5461), .integer(16383), .array([.bulk(Array("10.0.0.2".utf8)), .integer(7001)])]),
            .array([.integer(1), .integer(0), .array([.bulk(Array("bad".utf8)), .integer(1)])]),
            .array([.integer(0), .integer(1), .array([.bulk(Array("bad".utf8)), .integer(70000)])]),
        ])
        let map = ClusterSlotMap(reply: reply, seed: HostAddress(host: "10.0.0.1", port: 9999))
        #expect(map.ranges.count == 2)
        #expect(map.owner(ofSlot: 0) == Self.nodeA)
        #expect(map.owner(ofSlot: 5461) == Self.nodeB)
        #expect(map.owner(ofKey: "{x}") == map.owner(ofSlot: RedisHashSlot.slot(of: "x")))
    }

    @Test func theEntrysStatusAddsItsReadersCountsAndShowsTheLeastHealthyPhase() {
        var base = AdapterStatus(consumerGroup: "g", consumerName: "c")
        base.forwarded = 100
        var first = AdapterStatus(consumerGroup: "g", consumerName: "c")
        first.phase = .consuming
        first.connected = true
        first.server = Self.nodeA.description
        first.forwarded = 5
        first.pending = ["{a}.x": 1]
        first.failovers = 1
        first.lastFailoverTime = 10
        var second = AdapterStatus(consumerGroup: "g", consumerName: "c")
        second.phase = .connecting
        second.server = Self.nodeB.description
        second.forwarded = 7
        second.pending = ["{b}.x": 2]
        second.lastError = "Redis replied: CROSSSLOT Keys in request don't hash to the same slot"
        let merged = ClusterStatusMerge.merged(
            base: base, members: [.init(streams: ["{a}.x"], status: first), .init(streams: ["{b}.x"], status: second)])
        #expect(merged.forwarded == 112)
        #expect(merged.phase == .connecting)
        #expect(!merged.connected)
        #expect(merged.pending == ["{a}.x": 1, "{b}.x": 2])
        #expect(merged.streamServers == ["{a}.x": "10.0.0.1:7000", "{b}.x": "10.0.0.2:7001"])
        #expect(merged.server == "10.0.0.1:7000, 10.0.0.2:7001")
        #expect(merged.failovers == 1 && merged.lastFailoverTime == 10)
        #expect(merged.lastError == "{b}.x: Redis replied: CROSSSLOT Keys in request don't hash to the same slot")
    }

    @Test func phasesRankFailedFirstAndStoppedOnlyWhenAllStopped() {
        #expect(ClusterStatusMerge.phase(of: [.consuming, .failed, .connecting]) == .failed)
        #expect(ClusterStatusMerge.phase(of: [.consuming, .retrying]) == .retrying)
        #expect(ClusterStatusMerge.phase(of: [.consuming, .waitingForStreams]) == .waitingForStreams)
        #expect(ClusterStatusMerge.phase(of: [.consuming, .stopped]) == .connecting)
        #expect(ClusterStatusMerge.phase(of: [.stopped, .stopped]) == .stopped)
        #expect(ClusterStatusMerge.phase(of: [.consuming, .consuming]) == .consuming)
    }
}

/// When the coordinator restarts a slot's reader: only once it has read from a node other than
/// the slot's owner for a while (a reconnect in progress settles by itself), and which errors make
/// it read the slot map again.
@Suite struct ClusterReadMemberTests {
    static func member() -> ClusterReadMember {
        let source = RedisStreamEntry(
            endpoint: .cluster(ClusterSpec(addresses: [HostAddress(host: "127.0.0.1", port: 7000)])), streams: ["a"])
        let configuration = AdapterConfiguration(
            namespace: "n", eventSourceName: "e", eventName: "x", source: source, sink: SinkSpec(uri: "stdout"), consumerName: "c")
        return ClusterReadMember(
            group: .init(slot: RedisHashSlot.slot(of: "a"), streams: ["a"]), configuration: configuration,
            initial: AdapterStatus(consumerGroup: "g", consumerName: "c"))
    }

    @Test func aMisplacedReaderIsRestartedOnlyAfterItStayedMisplaced() {
        let member = Self.member()
        let start = ContinuousClock.now
        #expect(!member.noteMisplaced(true, at: start, restartAfter: .seconds(5)))
        #expect(!member.noteMisplaced(true, at: start + .seconds(4), restartAfter: .seconds(5)))
        #expect(member.noteMisplaced(true, at: start + .seconds(5), restartAfter: .seconds(5)))
        // Back in place: the clock starts again.
        #expect(!member.noteMisplaced(false, at: start + .seconds(6), restartAfter: .seconds(5)))
        #expect(!member.noteMisplaced(true, at: start + .seconds(7), restartAfter: .seconds(5)))
        #expect(!member.noteMisplaced(true, at: start + .seconds(11), restartAfter: .seconds(5)))
    }

    @Test func aStoppedMemberStartsNoFurtherRun() {
        let member = Self.member()
        let first = member.beginRun()
        #expect(first?.number == 1)
        #expect(member.beginRun()?.number == 2)
        member.stopForGood(
            connector: RedisConnector(configuration: member.configuration), through: AdapterRuntime.forTests.controlConnections,
            logger: .init(label: "test"))
        #expect(member.beginRun() == nil)
    }

    @Test func redirectsAndLostConnectionsAskForTheSlotMapAgain() {
        #expect(ClusterReadCoordinator.suggestsTopologyChange("Redis replied: MOVED 3999 127.0.0.1:7001"))
        #expect(ClusterReadCoordinator.suggestsTopologyChange("Redis replied: ASK 3999 127.0.0.1:7001"))
        #expect(ClusterReadCoordinator.suggestsTopologyChange("connection to Redis lost: reset by peer"))
        #expect(!ClusterReadCoordinator.suggestsTopologyChange("sink rejected an event: poison"))
    }
}
