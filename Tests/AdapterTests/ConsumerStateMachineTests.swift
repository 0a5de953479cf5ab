import Testing
@testable import Adapter

@Suite struct ConsumerStateMachineTests {
    private static let exact = Backoff(initial: .milliseconds(100), maximum: .seconds(30), jitter: 0)

    private func machine(streams: [String] = ["A", "B"], now: @escaping @Sendable () -> ContinuousClock.Instant = { .now })
        -> ConsumerStateMachine
    {
        ConsumerStateMachine(
            streams: streams, blockTime: .seconds(2), reconnectBackoff: Self.exact, deliveryBackoff: Self.exact, now: now)
    }

    private let fromStart = ConsumerStateMachine.ReadMode.pending(after: ["A": "0", "B": "0"])

    @Test func startsByConnectingThenPreparesGroupsAtTheNewestEntry() {
        var consumer = machine()
        #expect(consumer.start() == .connect)
        #expect(consumer.phase == .connecting)
        #expect(consumer.connected() == .prepareGroups(startID: "$"))
    }

    @Test func waitsWithGrowingButBoundedPollsWhileStreamsAreMissing() {
        var consumer = machine()
        _ = consumer.connected()
        #expect(consumer.streamsMissing(["B"]) == .sleep(.milliseconds(100)))
        #expect(consumer.phase == .waitingForStreams)
        #expect(consumer.missingStreams == ["B"])
        #expect(consumer.sleepFinished() == .prepareGroups(startID: "$"))
        #expect(consumer.streamsMissing(["B"]) == .sleep(.milliseconds(200)))
        for _ in 0..<20 { _ = consumer.streamsMissing(["B"]) }
        #expect(consumer.streamsMissing(["B"]) == .sleep(.seconds(5)))
    }

    @Test func replaysOwnPendingEntriesBeforeReadingNewOnes() {
        var consumer = machine()
        _ = consumer.connected()
        #expect(consumer.groupsReady() == .read(fromStart, block: nil))
        #expect(consumer.phase == .consuming)
        #expect(consumer.missingStreams.isEmpty)
    }

    @Test func pendingReplayAdvancesEachStreamsCursorPastWhatItRead() {
        var consumer = machine()
        _ = consumer.groupsReady()
        let next = consumer.batchFinished(fromStart, .init(entryCount: 3, lastIDs: ["A": "5-0"]))
        #expect(next == .read(.pending(after: ["A": "5-0", "B": "0"]), block: nil))
    }

    @Test func anEmptyPendingReadSwitchesToNewEntriesWithBlocking() {
        var consumer = machine()
        _ = consumer.groupsReady()
        #expect(consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:])) == .read(.new, block: .seconds(2)))
        #expect(consumer.batchFinished(.new, .init(entryCount: 0, lastIDs: [:])) == .read(.new, block: .seconds(2)))
    }

    @Test func aFailingSinkBacksOffAndReplaysPendingInsteadOfReadingNew() {
        var consumer = machine()
        _ = consumer.groupsReady()
        _ = consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:]))
        let failed = ConsumerStateMachine.BatchResult(entryCount: 2, lastIDs: ["A": "1-0"], sinkFailed: true)
        #expect(consumer.batchFinished(.new, failed) == .sleep(.milliseconds(100)))
        #expect(consumer.phase == .retrying)
        #expect(consumer.sleepFinished() == .read(fromStart, block: nil))
        #expect(consumer.batchFinished(fromStart, failed) == .sleep(.milliseconds(200)))
        #expect(consumer.sleepFinished() == .read(fromStart, block: nil))
        // The sink recovers: the replay delivers everything, the next replay is empty, new reads resume.
        let delivered = ConsumerStateMachine.BatchResult(entryCount: 2, lastIDs: ["A": "1-0"], delivered: 2)
        #expect(consumer.batchFinished(fromStart, delivered) == .read(.pending(after: ["A": "1-0", "B": "0"]), block: nil))
        #expect(consumer.phase == .consuming)
        #expect(consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:])) == .read(.new, block: .seconds(2)))
        // The delivery backoff started over.
        #expect(consumer.batchFinished(.new, failed) == .sleep(.milliseconds(100)))
    }

    @Test func refusedEntriesAreRetriedLaterWithoutStoppingNewReads() {
        let clock = TestClock()
        var consumer = machine(now: { clock.now })
        _ = consumer.groupsReady()
        _ = consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:]))
        let refused = ConsumerStateMachine.BatchResult(entryCount: 1, lastIDs: ["A": "1-0"], entriesLeftPending: true)
        // New reads go on, but block no longer than until the retry is due.
        #expect(consumer.batchFinished(.new, refused) == .read(.new, block: .milliseconds(100)))
        clock.advance(by: .milliseconds(150))
        #expect(consumer.batchFinished(.new, .init(entryCount: 0, lastIDs: [:])) == .read(fromStart, block: nil))
    }

    @Test func eventsFailingWhileOthersGoThroughRetryOnTheirOwnScheduleAndReadsGoOn() {
        let clock = TestClock()
        var consumer = machine(now: { clock.now })
        _ = consumer.groupsReady()
        _ = consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:]))
        let partly = ConsumerStateMachine.BatchResult(
            entryCount: 10, lastIDs: ["A": "10-0"], entriesLeftPending: true, delivered: 7, retryIn: .milliseconds(250))
        // No adapter-wide backoff: new reads go on, blocking no longer than until the retry is due.
        #expect(consumer.batchFinished(.new, partly) == .read(.new, block: .milliseconds(250)))
        #expect(consumer.phase == .consuming)
        // A later failure due sooner brings the replay forward; one due later does not delay it.
        clock.advance(by: .milliseconds(50))
        let sooner = ConsumerStateMachine.BatchResult(
            entryCount: 10, lastIDs: ["A": "20-0"], entriesLeftPending: true, delivered: 9, retryIn: .milliseconds(100))
        #expect(consumer.batchFinished(.new, sooner) == .read(.new, block: .milliseconds(100)))
        let later = ConsumerStateMachine.BatchResult(
            entryCount: 10, lastIDs: ["A": "30-0"], entriesLeftPending: true, delivered: 9, retryIn: .seconds(5))
        #expect(consumer.batchFinished(.new, later) == .read(.new, block: .milliseconds(100)))
        clock.advance(by: .milliseconds(100))
        #expect(consumer.batchFinished(.new, .init(entryCount: 0, lastIDs: [:])) == .read(fromStart, block: nil))
    }

    @Test func aBatchThatDeliveredSomethingResetsTheAdapterWideBackoff() {
        var consumer = machine()
        _ = consumer.groupsReady()
        let failed = ConsumerStateMachine.BatchResult(entryCount: 2, lastIDs: ["A": "1-0"], sinkFailed: true)
        #expect(consumer.batchFinished(.new, failed) == .sleep(.milliseconds(100)))
        #expect(consumer.batchFinished(fromStart, failed) == .sleep(.milliseconds(200)))
        let partly = ConsumerStateMachine.BatchResult(
            entryCount: 2, lastIDs: ["A": "1-0"], entriesLeftPending: true, delivered: 1, retryIn: .milliseconds(300))
        _ = consumer.batchFinished(fromStart, partly)
        #expect(consumer.phase == .consuming)
        #expect(consumer.batchFinished(.new, failed) == .sleep(.milliseconds(100)))
    }

    @Test func aBrokenConnectionBacksOffThenReconnects() {
        var consumer = machine()
        _ = consumer.groupsReady()
        #expect(consumer.redisFailed(.connectionLost("reset")) == .sleep(.milliseconds(100)))
        #expect(consumer.phase == .connecting)
        #expect(consumer.sleepFinished() == .connect)
        #expect(consumer.redisFailed(.connectFailed("refused")) == .sleep(.milliseconds(200)))
        #expect(consumer.redisFailed(.connectFailed("refused")) == .sleep(.milliseconds(400)))
    }

    @Test func aSuccessfulBatchResetsTheReconnectBackoff() {
        var consumer = machine()
        _ = consumer.redisFailed(.connectFailed("refused"))
        _ = consumer.redisFailed(.connectFailed("refused"))
        _ = consumer.groupsReady()
        _ = consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:]))
        #expect(consumer.redisFailed(.connectionLost("reset")) == .sleep(.milliseconds(100)))
    }

    @Test func noGroupRecreatesTheGroupFromTheStartOfTheNewStream() {
        var consumer = machine()
        _ = consumer.groupsReady()
        let next = consumer.redisFailed(.server(code: "NOGROUP", message: "NOGROUP No such key 'A'"))
        #expect(next == .prepareGroups(startID: "0"))
        // Once recovered, a later reconnect creates missing groups at the newest entry again.
        _ = consumer.groupsReady()
        #expect(consumer.connected() == .prepareGroups(startID: "$"))
    }

    @Test func aReadUnblockedByTheStreamsDeletionAlsoRecreatesTheGroupFromTheStart() {
        var consumer = machine()
        _ = consumer.groupsReady()
        let next = consumer.redisFailed(.server(code: "UNBLOCKED", message: "UNBLOCKED the stream key no longer exists"))
        #expect(next == .prepareGroups(startID: "0"))
        // Until the stream is back, the machine waits, and still means to start from 0.
        _ = consumer.streamsMissing(["A"])
        #expect(consumer.sleepFinished() == .prepareGroups(startID: "0"))
    }

    @Test func otherErrorRepliesBackOffAndReconnect() {
        var consumer = machine()
        _ = consumer.groupsReady()
        let wrongType = RedisError.server(code: "WRONGTYPE", message: "WRONGTYPE Operation against a key")
        #expect(consumer.redisFailed(wrongType) == .sleep(.milliseconds(100)))
        #expect(consumer.sleepFinished() == .connect)
    }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let offset = Mutex<Duration>(.zero)
    private let start = ContinuousClock.now

    var now: ContinuousClock.Instant { start + offset.withLock { $0 } }

    func advance(by duration: Duration) {
        offset.withLock { $0 += duration }
    }
}

import Synchronization

@Suite struct ConsumerRetryAfterTests {
    @Test func aRetryAfterHintLongerThanTheBackoffIsHonouredUpToTheCap() {
        let exact = Backoff(initial: .milliseconds(100), maximum: .seconds(30), jitter: 0)
        var consumer = ConsumerStateMachine(streams: ["A"], reconnectBackoff: exact, deliveryBackoff: exact)
        _ = consumer.groupsReady()
        let throttled = ConsumerStateMachine.BatchResult(entryCount: 1, lastIDs: ["A": "1-0"], sinkFailed: true, retryAfter: .seconds(3))
        #expect(consumer.batchFinished(.new, throttled) == .sleep(.seconds(3)))
        let absurd = ConsumerStateMachine.BatchResult(entryCount: 1, lastIDs: ["A": "1-0"], sinkFailed: true, retryAfter: .seconds(86_400))
        #expect(consumer.batchFinished(.new, absurd) == .sleep(ConsumerStateMachine.maximumRetryAfter))
        let short = ConsumerStateMachine.BatchResult(entryCount: 1, lastIDs: ["A": "1-0"], sinkFailed: true, retryAfter: .milliseconds(1))
        #expect(consumer.batchFinished(.new, short) == .sleep(.milliseconds(400)))
    }
}

@Suite struct ConsumerReclaimTests {
    private let fromStart = ConsumerStateMachine.ReadMode.pending(after: ["A": "0"])

    @Test func reclaimsOnceConsumingThenEveryIntervalAndReplaysWhatItClaimed() {
        let clock = TestClock()
        var consumer = ConsumerStateMachine(streams: ["A"], reclaimInterval: .seconds(30), now: { clock.now })
        _ = consumer.groupsReady()
        #expect(consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:])) == .reclaim)
        #expect(consumer.reclaimFinished(claimed: 2) == .read(fromStart, block: nil))
        #expect(consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:])) == .read(.new, block: .seconds(2)))
        clock.advance(by: .seconds(29))
        #expect(consumer.batchFinished(.new, .init(entryCount: 0, lastIDs: [:])) == .read(.new, block: .seconds(1)))
        clock.advance(by: .seconds(1))
        #expect(consumer.batchFinished(.new, .init(entryCount: 0, lastIDs: [:])) == .reclaim)
        #expect(consumer.reclaimFinished(claimed: 0) == .read(.new, block: .seconds(2)))
    }

    @Test func withoutAnIntervalItNeverReclaims() {
        var consumer = ConsumerStateMachine(streams: ["A"])
        _ = consumer.groupsReady()
        #expect(consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:])) == .read(.new, block: .seconds(2)))
    }
}
