import EventSourceAPI
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

    @Test func startsByConnectingThenPreparesEveryGroupAtTheNewestEntry() {
        var consumer = machine()
        #expect(consumer.start() == .connect)
        #expect(consumer.phase == .connecting)
        #expect(consumer.connected() == .prepareGroups(["A": "$", "B": "$"]))
    }

    @Test func startFromAppliesToGroupsThisAdapterCreatesFirst() {
        var consumer = ConsumerStateMachine(streams: ["A"], startFrom: .beginning, reconnectBackoff: Self.exact)
        #expect(consumer.connected() == .prepareGroups(["A": "0"]))
        var atID = ConsumerStateMachine(streams: ["A"], startFrom: GroupStart("5-1")!, reconnectBackoff: Self.exact)
        #expect(atID.connected() == .prepareGroups(["A": "5-1"]))
        // A group that vanished later is never re-created at 0.
        _ = consumer.groupsPrepared(["A": .ready])
        #expect(consumer.redisFailed(.server(code: "NOGROUP", message: "NOGROUP")) == .prepareGroups(["A": "$"]))
    }

    @Test func readsTheStreamsThatAreReadyWhileAMissingOneIsRetriedOnItsOwn() {
        let clock = TestClock()
        var consumer = machine(now: { clock.now })
        _ = consumer.connected()
        let next = consumer.groupsPrepared(["A": .ready, "B": .missing])
        #expect(next == .read(.pending(after: ["A": "0"]), block: nil))
        #expect(consumer.readyStreams == ["A"])
        #expect(consumer.missingStreams == ["B"])
        #expect(consumer.phase == .waitingForStreams)
        // New entries of A are read meanwhile, blocking no longer than until B is looked at again.
        #expect(consumer.batchFinished(.pending(after: ["A": "0"]), .init(entryCount: 0, lastIDs: [:])) == .read(.new, block: .milliseconds(100)))
        clock.advance(by: .milliseconds(100))
        // B was seen missing: once it exists, everything in it is new, so its group starts at 0.
        #expect(consumer.batchFinished(.new, .init(entryCount: 0, lastIDs: [:])) == .prepareGroups(["B": "0"]))
        #expect(consumer.groupsPrepared(["B": .ready]) == .read(.pending(after: ["B": "0"]), block: nil))
        #expect(consumer.phase == .consuming)
        #expect(consumer.readyStreams == ["A", "B"])
        #expect(consumer.missingStreams.isEmpty)
    }

    @Test func waitsWithGrowingButBoundedPollsWhileNoStreamIsReady() {
        var consumer = machine()
        _ = consumer.connected()
        #expect(consumer.groupsPrepared(["A": .missing, "B": .wrongType]) == .sleep(.milliseconds(100)))
        #expect(consumer.phase == .waitingForStreams)
        #expect(consumer.missingStreams == ["A", "B"])
        #expect(consumer.sleepFinished() == .prepareGroups(["A": "0", "B": "0"]))
        #expect(consumer.groupsPrepared(["A": .missing, "B": .missing]) == .sleep(.milliseconds(200)))
        for _ in 0..<20 {
            _ = consumer.sleepFinished()
            _ = consumer.groupsPrepared(["A": .missing, "B": .missing])
        }
        _ = consumer.sleepFinished()
        #expect(consumer.groupsPrepared(["A": .missing, "B": .missing]) == .sleep(.seconds(5)))
    }

    @Test func replaysOwnPendingEntriesBeforeReadingNewOnes() {
        var consumer = machine()
        _ = consumer.connected()
        #expect(consumer.groupsPrepared(["A": .ready, "B": .ready]) == .read(fromStart, block: nil))
        #expect(consumer.phase == .consuming)
        #expect(consumer.missingStreams.isEmpty)
    }

    @Test func aLostGroupIsRecreatedWhereThisAdapterLastAcknowledged() {
        var consumer = machine()
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
        consumer.acknowledged(["A": StreamID("7-0")!])
        consumer.acknowledged(["A": StreamID("5-3")!])
        #expect(consumer.lastAcknowledged["A"] == StreamID("7-0"))
        let next = consumer.redisFailed(.server(code: "NOGROUP", message: "NOGROUP No such key 'A'"))
        // A at its last acknowledged id (no replay, no gap); B, never acknowledged, at $ — never 0.
        #expect(next == .prepareGroups(["A": "7-0", "B": "$"]))
        #expect(consumer.groupsPrepared(["A": .ready, "B": .ready]) == .read(fromStart, block: nil))
    }

    @Test func aGroupThisAdapterCreatedIsRecreatedNoEarlierThanWhereItWasCreated() {
        var consumer = machine()
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .created(at: StreamID("4-0")), "B": .created(at: nil)])
        // Nothing acknowledged yet: A goes back where it was created (everything after it is
        // post-group), B, whose position Redis did not tell, at $.
        #expect(consumer.redisFailed(.server(code: "NOGROUP", message: "NOGROUP")) == .prepareGroups(["A": "4-0", "B": "$"]))
        consumer.acknowledged(["A": StreamID("6-0")!])
        #expect(consumer.startID(for: "A") == "6-0")
    }

    @Test func aKeyTurnedIntoAnotherTypeIsWaitedForAndComesBackAtItsLastAcknowledgedID() {
        var consumer = machine()
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
        consumer.acknowledged(["B": StreamID("9-0")!])
        #expect(consumer.redisFailed(.server(code: "UNBLOCKED", message: "UNBLOCKED the stream key no longer exists"))
            == .prepareGroups(["A": "$", "B": "9-0"]))
        #expect(consumer.groupsPrepared(["A": .wrongType, "B": .ready]) == .read(.pending(after: ["B": "0"]), block: nil))
        #expect(consumer.missingStreams == ["A"])
        #expect(consumer.readyStreams == ["B"])
        // A was seen holding something else: once a stream again, everything in it is new.
        #expect(consumer.startID(for: "A") == "0")
    }

    @Test func repeatedGroupErrorsWaitInsteadOfSpinning() {
        var consumer = machine()
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
        let wrongType = RedisError.server(code: "WRONGTYPE", message: "WRONGTYPE Operation against a key")
        #expect(consumer.redisFailed(wrongType) == .prepareGroups(["A": "$", "B": "$"]))
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
        #expect(consumer.redisFailed(wrongType) == .sleep(.milliseconds(100)))
        #expect(consumer.sleepFinished() == .prepareGroups(["A": "$", "B": "$"]))
        // A replay right after re-creating proves nothing; a read of new entries ends the streak.
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
        _ = consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:]))
        #expect(consumer.redisFailed(wrongType) == .sleep(.milliseconds(100)))
        _ = consumer.sleepFinished()
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
        _ = consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:]))
        _ = consumer.batchFinished(.new, .init(entryCount: 0, lastIDs: [:]))
        #expect(consumer.redisFailed(wrongType) == .prepareGroups(["A": "$", "B": "$"]))
    }

    @Test func aReconnectChecksEveryGroupAgain() {
        var consumer = machine()
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
        consumer.acknowledged(["A": StreamID("3-0")!])
        _ = consumer.redisFailed(.connectionLost("reset"))
        #expect(consumer.sleepFinished() == .connect)
        #expect(consumer.connected() == .prepareGroups(["A": "3-0", "B": "$"]))
        #expect(consumer.readyStreams.isEmpty)
    }

    @Test func anEntryThatCannotRunFailsAtOnce() {
        var consumer = machine()
        #expect(consumer.cannotRun("filter expression does not parse") == .fail(reason: "filter expression does not parse"))
        #expect(consumer.phase == .failed)
    }

    @Test func pendingReplayAdvancesEachStreamsCursorPastWhatItRead() {
        var consumer = machine()
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
        let next = consumer.batchFinished(fromStart, .init(entryCount: 3, lastIDs: ["A": "5-0"]))
        #expect(next == .read(.pending(after: ["A": "5-0", "B": "0"]), block: nil))
    }

    @Test func anEmptyPendingReadSwitchesToNewEntriesWithBlocking() {
        var consumer = machine()
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
        #expect(consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:])) == .read(.new, block: .seconds(2)))
        #expect(consumer.batchFinished(.new, .init(entryCount: 0, lastIDs: [:])) == .read(.new, block: .seconds(2)))
    }

    @Test func aFailingSinkBacksOffAndReplaysPendingInsteadOfReadingNew() {
        var consumer = machine()
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
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
        #expect(
            consumer.batchFinished(.pending(after: ["A": "1-0", "B": "0"]), .init(entryCount: 0, lastIDs: [:]))
                == .read(.new, block: .seconds(2)))
        // The delivery backoff started over.
        #expect(consumer.batchFinished(.new, failed) == .sleep(.milliseconds(100)))
    }

    @Test func refusedEntriesAreRetriedLaterWithoutStoppingNewReads() {
        let clock = TestClock()
        var consumer = machine(now: { clock.now })
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
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
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
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
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
        _ = consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:]))
        let failed = ConsumerStateMachine.BatchResult(entryCount: 2, lastIDs: ["A": "1-0"], sinkFailed: true)
        #expect(consumer.batchFinished(.new, failed) == .sleep(.milliseconds(100)))
        _ = consumer.sleepFinished()
        #expect(consumer.batchFinished(fromStart, failed) == .sleep(.milliseconds(200)))
        _ = consumer.sleepFinished()
        let partly = ConsumerStateMachine.BatchResult(
            entryCount: 2, lastIDs: ["A": "1-0"], entriesLeftPending: true, delivered: 1, retryIn: .milliseconds(300))
        _ = consumer.batchFinished(fromStart, partly)
        #expect(consumer.phase == .consuming)
        #expect(consumer.batchFinished(.pending(after: ["A": "1-0", "B": "0"]), failed) == .sleep(.milliseconds(100)))
    }

    @Test func aBrokenConnectionBacksOffThenReconnects() {
        var consumer = machine()
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
        #expect(consumer.redisFailed(.connectionLost("reset")) == .sleep(.milliseconds(100)))
        #expect(consumer.phase == .connecting)
        #expect(consumer.sleepFinished() == .connect)
        #expect(consumer.redisFailed(.connectFailed("refused")) == .sleep(.milliseconds(200)))
        _ = consumer.sleepFinished()
        #expect(consumer.redisFailed(.connectFailed("refused")) == .sleep(.milliseconds(400)))
    }

    @Test func aSuccessfulBatchResetsTheReconnectBackoff() {
        var consumer = machine()
        _ = consumer.start()
        _ = consumer.redisFailed(.connectFailed("refused"))
        _ = consumer.sleepFinished()
        _ = consumer.redisFailed(.connectFailed("refused"))
        _ = consumer.sleepFinished()
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
        _ = consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:]))
        #expect(consumer.redisFailed(.connectionLost("reset")) == .sleep(.milliseconds(100)))
    }

    @Test func otherErrorRepliesBackOffAndReconnect() {
        var consumer = machine()
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready, "B": .ready])
        let denied = RedisError.server(code: "NOPERM", message: "NOPERM this user has no permissions")
        #expect(consumer.redisFailed(denied) == .sleep(.milliseconds(100)))
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
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready])
        let fromStart = ConsumerStateMachine.ReadMode.pending(after: ["A": "0"])
        _ = consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:]))
        let throttled = ConsumerStateMachine.BatchResult(entryCount: 1, lastIDs: ["A": "1-0"], sinkFailed: true, retryAfter: .seconds(3))
        #expect(consumer.batchFinished(.new, throttled) == .sleep(.seconds(3)))
        _ = consumer.sleepFinished()
        let absurd = ConsumerStateMachine.BatchResult(entryCount: 1, lastIDs: ["A": "1-0"], sinkFailed: true, retryAfter: .seconds(86_400))
        #expect(consumer.batchFinished(fromStart, absurd) == .sleep(ConsumerStateMachine.maximumRetryAfter))
        _ = consumer.sleepFinished()
        let short = ConsumerStateMachine.BatchResult(entryCount: 1, lastIDs: ["A": "1-0"], sinkFailed: true, retryAfter: .milliseconds(1))
        #expect(consumer.batchFinished(fromStart, short) == .sleep(.milliseconds(400)))
    }
}

@Suite struct ConsumerReclaimTests {
    private let fromStart = ConsumerStateMachine.ReadMode.pending(after: ["A": "0"])

    @Test func reclaimsOnceConsumingThenEveryIntervalAndReplaysWhatItClaimed() {
        let clock = TestClock()
        var consumer = ConsumerStateMachine(streams: ["A"], reclaimInterval: .seconds(30), now: { clock.now })
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready])
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
        _ = consumer.connected()
        _ = consumer.groupsPrepared(["A": .ready])
        #expect(consumer.batchFinished(fromStart, .init(entryCount: 0, lastIDs: [:])) == .read(.new, block: .seconds(2)))
    }
}
