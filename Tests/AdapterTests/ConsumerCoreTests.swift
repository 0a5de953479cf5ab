import EventSourceAPI
import Sinks
import Testing
@testable import Adapter

/// The consumer's core, input by input: each test feeds answers with a hand-moved clock and
/// checks the actions. The seeded simulation (`ConsumerSimulationTests`) covers the combinations.
@Suite struct ConsumerCoreTests {
    private static let exact = Backoff(initial: .milliseconds(100), maximum: .seconds(30), jitter: 0)
    private let clock = TestClock()

    private func core(streams: [String] = ["A"], configure: (inout ConsumerCore.Configuration) -> Void = { _ in }) -> ConsumerCore {
        var configuration = ConsumerCore.Configuration(streams: streams)
        configuration.reconnectBackoff = Self.exact
        configuration.deliveryBackoff = Self.exact
        configure(&configuration)
        return ConsumerCore(configuration)
    }

    /// The step's last action, which the next input answers (reports and acks come before it).
    private func last(_ actions: [ConsumerAction]) -> ConsumerAction? { actions.last }

    private func entry(_ stream: String, _ id: Int) -> ConsumerCore.ReadEntry {
        .init(ref: .init(stream: stream, id: "\(id)-0"), trimmed: false)
    }

    /// Connected, groups ready, the first replay empty: the next action reads new entries.
    private func consuming(_ consumer: inout ConsumerCore) -> [ConsumerAction] {
        _ = consumer.receive(.start, at: clock.now)
        _ = consumer.receive(.connected(stopCanUnblockReads: false), at: clock.now)
        _ = consumer.receive(.groupsPrepared(Dictionary(uniqueKeysWithValues: consumer.readyOrAll.map { ($0, .ready) })), at: clock.now)
        return consumer.receive(.entriesRead([]), at: clock.now)
    }

    @Test func connectsThenPreparesEveryGroupAtTheNewestEntryThenReplaysPendingEntries() {
        var consumer = core(streams: ["A", "B"])
        #expect(last(consumer.receive(.start, at: clock.now)) == .connect)
        #expect(consumer.phase == .connecting)
        #expect(consumer.receive(.connected(stopCanUnblockReads: false), at: clock.now) == [.send(.createGroups(["A": "$", "B": "$"]))])
        let replay = consumer.receive(.groupsPrepared(["A": .ready, "B": .created(at: StreamID("5-0"))]), at: clock.now)
        #expect(last(replay) == .send(.read(.pending(after: ["A": "0", "B": "0"]), streams: ["A", "B"], block: nil, countDeliveries: false)))
        #expect(consumer.phase == .consuming)
        #expect(replay.contains(.report(.phaseChanged(.consuming, missingStreams: []))))
    }

    @Test func readsTheReadyStreamsWhileAMissingOneIsLookedAtAgainOnItsOwn() {
        var consumer = core(streams: ["A", "B"])
        _ = consumer.receive(.start, at: clock.now)
        _ = consumer.receive(.connected(stopCanUnblockReads: false), at: clock.now)
        let next = consumer.receive(.groupsPrepared(["A": .ready, "B": .missing]), at: clock.now)
        #expect(last(next) == .send(.read(.pending(after: ["A": "0"]), streams: ["A"], block: nil, countDeliveries: false)))
        #expect(next.contains(.report(.streamsMissing(["B"]))))
        #expect(consumer.phase == .waitingForStreams)
        // New entries of A are read meanwhile, blocking no longer than until B is looked at again.
        #expect(last(consumer.receive(.entriesRead([]), at: clock.now)) == .send(.read(.new, streams: ["A"], block: .milliseconds(100), countDeliveries: false)))
        clock.advance(by: .milliseconds(100))
        // B was seen missing: once it exists, everything in it is new, so its group starts at 0.
        #expect(last(consumer.receive(.entriesRead([]), at: clock.now)) == .send(.createGroups(["B": "0"])))
        _ = consumer.receive(.groupsPrepared(["B": .ready]), at: clock.now)
        #expect(consumer.phase == .consuming)
        #expect(consumer.readyStreams == ["A", "B"])
    }

    @Test func acknowledgesOnlyWhatTheSinkTookAndReadsAheadWhileTheSinkTakesEverything() {
        var consumer = core()
        _ = consuming(&consumer)
        let first = consumer.receive(.entriesRead([entry("A", 1), entry("A", 2)]), at: clock.now)
        #expect(last(first) == .deliver([.init(stream: "A", id: "1-0"), .init(stream: "A", id: "2-0")]))
        // The sink never took an event yet: no read-ahead travels with the first batch.
        #expect(!first.contains(.send(.readAhead(streams: ["A"]))))
        let settled = consumer.receive(.sinkAnswered([.answered(.delivered), .answered(.retryable(reason: "503"))]), at: clock.now)
        #expect(settled.contains(.ack(["A": ["1-0"]])))
        #expect(settled.contains(.report(.forwarded(count: 1, lastID: "1-0", recovered: false))))
    }

    @Test func readsAheadWhileTheSinkTakesEverything() {
        var consumer = core()
        _ = consuming(&consumer)
        _ = consumer.receive(.entriesRead([entry("A", 1)]), at: clock.now)
        _ = consumer.receive(.sinkAnswered([.answered(.delivered)]), at: clock.now)
        // The sink takes events now: the next batch of new entries has the one after it on the wire.
        let next = consumer.receive(.entriesRead([entry("A", 3)]), at: clock.now)
        #expect(next.suffix(2) == [.send(.readAhead(streams: ["A"])), .deliver([.init(stream: "A", id: "3-0")])])
        let after = consumer.receive(.sinkAnswered([.answered(.delivered)]), at: clock.now)
        #expect(after.contains(.ack(["A": ["3-0"]])))
        #expect(last(after) == .send(.collectReadAhead(countDeliveries: false)))
    }

    @Test func aLostGroupIsCreatedAgainWhereThisAdapterLastAcknowledged() {
        var consumer = core()
        _ = consuming(&consumer)
        _ = consumer.receive(.acknowledged(["A": StreamID("7-0")!]), at: clock.now)
        let again = consumer.receive(.redisFailed(.server(code: "NOGROUP", message: "NOGROUP no such group")), at: clock.now)
        #expect(last(again) == .send(.createGroups(["A": "7-0"])))
        #expect(!again.contains(.disconnect))
    }

    @Test func aBrokenConnectionBacksOffAndReconnects() {
        var consumer = core()
        _ = consuming(&consumer)
        let actions = consumer.receive(.redisFailed(.connectionLost("reset")), at: clock.now)
        #expect(actions.contains(.disconnect))
        #expect(last(actions) == .schedule(after: .milliseconds(100)))
        #expect(consumer.phase == .connecting)
        #expect(consumer.receive(.timerFired, at: clock.now) == [.connect])
    }

    @Test func aRetryAfterHintLongerThanTheBackoffIsHonouredUpToTheCap() {
        var consumer = core()
        _ = consuming(&consumer)
        _ = consumer.receive(.entriesRead([entry("A", 1)]), at: clock.now)
        let throttled = consumer.receive(.sinkAnswered([.answered(.retryable(reason: "429", retryAfter: .seconds(3)))]), at: clock.now)
        #expect(last(throttled) == .schedule(after: .seconds(3)))
        #expect(consumer.phase == .retrying)
        _ = consumer.receive(.timerFired, at: clock.now)
        _ = consumer.receive(.entriesRead([entry("A", 1)]), at: clock.now)
        let absurd = consumer.receive(.sinkAnswered([.answered(.retryable(reason: "429", retryAfter: .seconds(86_400)))]), at: clock.now)
        #expect(last(absurd) == .schedule(after: ConsumerCore.maximumRetryAfter))
    }

    @Test func reclaimsOnceConsumingThenEveryIntervalAndReplaysWhatItClaimed() {
        var consumer = core { $0.reclaimInterval = .seconds(30) }
        _ = consumer.receive(.start, at: clock.now)
        _ = consumer.receive(.connected(stopCanUnblockReads: false), at: clock.now)
        _ = consumer.receive(.groupsPrepared(["A": .ready]), at: clock.now)
        #expect(last(consumer.receive(.entriesRead([]), at: clock.now)) == .send(.reclaim(streams: ["A"])))
        let claimed = consumer.receive(.reclaimed(["A": 2]), at: clock.now)
        #expect(claimed.contains(.report(.reclaimed(["A": 2]))))
        #expect(last(claimed) == .send(.read(.pending(after: ["A": "0"]), streams: ["A"], block: nil, countDeliveries: false)))
        #expect(last(consumer.receive(.entriesRead([]), at: clock.now)) == .send(.read(.new, streams: ["A"], block: .seconds(2), countDeliveries: false)))
        clock.advance(by: .seconds(30))
        #expect(last(consumer.receive(.entriesRead([]), at: clock.now)) == .send(.reclaim(streams: ["A"])))
    }

    @Test func aStopLetsTheBatchInFlightFinishAndBeAcknowledgedThenEnds() {
        var consumer = core()
        _ = consuming(&consumer)
        _ = consumer.receive(.entriesRead([entry("A", 1)]), at: clock.now)
        // Told while the sink has the batch: carry on.
        #expect(consumer.receive(.stopRequested, at: clock.now).isEmpty)
        let end = consumer.receive(.sinkAnswered([.answered(.delivered)]), at: clock.now)
        #expect(end.contains(.ack(["A": ["1-0"]])))
        #expect(last(end) == .finish)
    }

    @Test func aStopDuringABackoffEndsAtOnce() {
        var consumer = core()
        _ = consumer.receive(.start, at: clock.now)
        #expect(last(consumer.receive(.redisFailed(.connectFailed("refused")), at: clock.now)) == .schedule(after: .milliseconds(100)))
        #expect(consumer.receive(.stopRequested, at: clock.now) == [.finish])
    }

    @Test func aPoisonEntryIsDeadLetteredOnlyWhileTheSinkTakesOthers() {
        var consumer = core { $0.maxDeliveries = 1 }
        _ = consuming(&consumer)
        _ = consumer.receive(.entriesRead([entry("A", 1), entry("A", 2)]), at: clock.now)
        let poison = consumer.receive(.sinkAnswered([.answered(.delivered), .answered(.rejected(reason: "413"))]), at: clock.now)
        #expect(last(poison) == .send(.deadLetter(.init(stream: "A", id: "2-0"), deliveries: 1, reason: "413")))
        let written = consumer.receive(.deadLetterWritten(refusal: nil), at: clock.now)
        #expect(written.contains(.ack(["A": ["1-0", "2-0"]])))
        #expect(written.contains(.report(.deadLettered(.init(stream: "A", id: "2-0"), deliveries: 1))))
    }

    @Test func aSinkThatRefusesEverythingIsFailingAndNothingIsDeadLettered() {
        var consumer = core { $0.maxDeliveries = 1 }
        _ = consuming(&consumer)
        _ = consumer.receive(.entriesRead([entry("A", 1), entry("A", 2)]), at: clock.now)
        let refused = consumer.receive(.sinkAnswered([.answered(.rejected(reason: "302")), .answered(.rejected(reason: "302"))]), at: clock.now)
        #expect(!refused.contains { if case .send(.deadLetter) = $0 { true } else { false } })
        #expect(!refused.contains { if case .ack = $0 { true } else { false } })
        #expect(consumer.sinkFailing)
        #expect(consumer.phase == .retrying)
    }
}

extension ConsumerCore {
    /// The configured streams, for a test that declares them all ready.
    fileprivate var readyOrAll: [String] { configuration.streams }
}

/// An input that does not answer the step in progress is a bug in the executor: the core traps.
@Suite struct ConsumerCoreExitTests {
    @Test func anAnswerToAStepNotAskedForTraps() async {
        await #expect(processExitsWith: .failure) {
            var consumer = ConsumerCore(.init(streams: ["A"]))
            _ = consumer.receive(.start, at: .now)
            _ = consumer.receive(.timerFired, at: .now)
        }
    }
}
