import AdapterModel
import Testing

/// `AdapterStatus.reduce(_:)`, the one place adapter status changes, folded over event sequences.
@Suite struct AdapterStatusReducerTests {
    private let fresh = AdapterStatus(consumerGroup: "cg", consumerName: "pod-0")

    @Test func aConnectAndABatchReachConsumingWithTheirCounts() {
        let status = fresh.reduced([
            .connectAttempted,
            .connected(server: "10.0.0.1:6379", streams: ["A", "B"], atMillisecondsSinceEpoch: 1_000),
            .phaseChanged(.consuming, missingStreams: []),
            .forwarded(count: 3, lastEventTime: 1_700_000_000_000, recovered: true),
            .filteredOut,
            .reclaimed(2),
            .groupFigures(.init(pending: ["A": 1], lag: ["A": nil], entriesRead: ["A": 4])),
        ])
        var significant = AdapterStatus.Significant()
        significant.phase = .consuming
        significant.connection.connected = true
        significant.connection.server = "10.0.0.1:6379"
        significant.connection.streamServers = ["A": "10.0.0.1:6379", "B": "10.0.0.1:6379"]
        #expect(status.significant == significant)
        var counters = AdapterStatus.Counters()
        (counters.connectAttempts, counters.forwarded, counters.filtered, counters.reclaimed) = (1, 3, 1, 2)
        counters.lastEventTime = 1_700_000_000_000
        #expect(status.counters == counters)
        #expect(status.group == .init(pending: ["A": 1], lag: ["A": nil], entriesRead: ["A": 4]))
    }

    @Test func aNewServerIsAFailoverAndTheSameOneIsNot() {
        let status = fresh.reduced([
            .connected(server: "a:6379", streams: ["A"], atMillisecondsSinceEpoch: 1),
            .disconnected,
            .connected(server: "a:6379", streams: ["A"], atMillisecondsSinceEpoch: 2),
            .error("connection lost"),
            .disconnected,
            .connected(server: "b:6379", streams: ["A"], atMillisecondsSinceEpoch: 3),
        ])
        #expect(status.failovers == 1)
        #expect(status.lastFailoverTime == 3)
        #expect(status.server == "b:6379")
        #expect(status.connected)
        // Reaching a server again clears the error that lost the last one.
        #expect(status.lastError == nil)
    }

    @Test func failuresSetTheErrorAndARecoveredBatchClearsIt() {
        let failing = fresh.reduced([
            .phaseChanged(.consuming, missingStreams: []),
            .deliveryFailed(message: "delivery failed, will retry: 503"),
            .filterFailed(message: "filter failed on A 1-0: budget"),
        ])
        #expect(failing.failed == 1)
        #expect(failing.filterErrors == 1)
        #expect(failing.lastError == "filter failed on A 1-0: budget")
        #expect(failing.reduced([.forwarded(count: 1, lastEventTime: nil, recovered: false)]).lastError != nil)
        #expect(failing.reduced([.forwarded(count: 1, lastEventTime: nil, recovered: true)]).lastError == nil)
    }

    @Test func aFailedEntryStaysFailedWhenItStops() {
        let failed = fresh.reduced([.failed(reason: "the filter does not parse"), .stopped])
        #expect(failed.phase == .failed)
        #expect(failed.lastError == "the filter does not parse")
        #expect(fresh.reduced([.phaseChanged(.consuming, missingStreams: []), .stopped]).phase == .stopped)
    }

    @Test func countOnlyEventsLeaveTheSignificantPartEqual() {
        let consuming = fresh.reduced([
            .connected(server: "a:6379", streams: ["A"], atMillisecondsSinceEpoch: 1),
            .phaseChanged(.consuming, missingStreams: []),
        ])
        var previous = AdapterStatus.Counters()
        (previous.forwarded, previous.failovers, previous.lastEventTime) = (40, 2, 5)
        let counted = consuming.reduced([
            .forwarded(count: 5, lastEventTime: 9, recovered: false), .filteredOut, .deadLettered, .trimmed(1), .reclaimed(3),
            .connectAttempted, .groupFigures(.init(pending: ["A": 2])), .countsCarriedOver(previous),
        ])
        #expect(counted.significant == consuming.significant)
        #expect(counted.counters != consuming.counters)
        // A flaky sink's error text comes and goes with each retry; that is no transition either.
        let flapping = counted.reduced([
            .deliveryFailed(message: "delivery failed, will retry: 503"), .forwarded(count: 1, lastEventTime: 10, recovered: true),
            .deliveryFailed(message: "delivery failed, will retry: timeout"),
        ])
        #expect(flapping.lastError == "delivery failed, will retry: timeout")
        #expect(flapping.significant == consuming.significant)
        #expect(counted.forwarded == 45)
        #expect(counted.failovers == 2)
        #expect(counted.lastEventTime == 9)
    }

    @Test func missingStreamsShowUntilFoundAndAClusterMergeReplacesEveryPart() {
        let waiting = fresh.reduced([
            .phaseChanged(.waitingForStreams, missingStreams: ["B"]), .error("B holds something other than a stream (WRONGTYPE)"),
        ])
        #expect(waiting.missingStreams == ["B"])
        let found = waiting.reduced([.streamsMissing([]), .phaseChanged(.consuming, missingStreams: [])])
        #expect(found.lastError == nil)
        #expect(found.missingStreams.isEmpty)
        var merged = AdapterStatus(consumerGroup: "other", consumerName: "other")
        merged.forwarded = 7
        merged.phase = .retrying
        let replaced = found.reduced([.merged(merged)])
        #expect(replaced.significant == merged.significant)
        #expect(replaced.counters == merged.counters)
        #expect(replaced.consumerGroup == "cg")
        #expect(replaced.reduced([.restarting]).phase == .connecting)
    }
}
