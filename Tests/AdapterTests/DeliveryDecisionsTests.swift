import Sinks
import Testing
@testable import Adapter

/// The delivery rules the chaos run of 2026-12-07 found wrong, decided by the pure core.
@Suite struct DeliveryDecisionsTests {
    private let now = ContinuousClock.now

    private func refs(_ ids: ClosedRange<Int>) -> [(entry: DeliveryDecisions.EntryRef, deliveries: Int)] {
        ids.map { (DeliveryDecisions.EntryRef(stream: "A", id: "\($0)-0"), 5) }
    }

    @Test func aSinkThatRefusesEverythingIsFailingAndNothingIsDeadLettered() {
        var core = DeliveryDecisions(keepsOrder: false, maxDeliveries: 1)
        let refused = [DeliveryOutcome?](repeating: .rejected(reason: "answered 302: a redirect"), count: 3)
        let settlement = core.settle(refs(1...3), outcomes: refused, now: now)
        #expect(core.sinkFailing)
        #expect(settlement.sinkFailed)
        #expect(settlement.verdicts == [.pending(retryIn: nil), .pending(retryIn: nil), .pending(retryIn: nil)])
    }

    @Test func anEntryRefusedWhileTheSinkTakesOthersIsPoisonAndTheRestFlowOn() {
        var core = DeliveryDecisions(keepsOrder: false, maxDeliveries: nil)
        let settlement = core.settle(
            refs(1...3), outcomes: [.delivered, .rejected(reason: "over max_payload"), .delivered], now: now)
        #expect(!settlement.sinkFailed)
        #expect(core.health == .taking)
        #expect(settlement.verdicts[0] == .acknowledge && settlement.verdicts[2] == .acknowledge)
        guard case .pending(let wait?) = settlement.verdicts[1] else {
            Issue.record("the refused entry should wait on its own schedule: \(settlement.verdicts[1])")
            return
        }
        #expect(wait > .zero)
    }

    @Test func poisonIsDeadLetteredOnlyWhileTheSinkTakesOthers() {
        var core = DeliveryDecisions(keepsOrder: false, maxDeliveries: 2)
        _ = core.settle(refs(1...1), outcomes: [.rejected(reason: "413")], now: now)
        #expect(core.sinkFailing)
        let settlement = core.settle(refs(1...2), outcomes: [.rejected(reason: "413"), .delivered], now: now)
        #expect(settlement.verdicts[0] == .deadLetter(deliveries: 5, reason: "413"))
    }

    @Test func entriesThatFailedBeforeDoNotHoldTheAdapterBack() {
        var core = DeliveryDecisions(keepsOrder: false, maxDeliveries: nil)
        _ = core.settle(refs(1...5), outcomes: [.delivered, .rejected(reason: "413"), .delivered, .rejected(reason: "413"), .delivered], now: now)
        // A replay of the two poison entries alone is no news about the sink.
        let replay = core.settle([refs(2...2)[0], refs(4...4)[0]], outcomes: [.rejected(reason: "413"), .rejected(reason: "413")], now: now)
        #expect(!replay.sinkFailed)
        #expect(core.health == .taking)
    }

    @Test func aWholeBatchTimingOutMarksTheSinkFailingWithinOneRequestTimeout() {
        var core = DeliveryDecisions(keepsOrder: false, maxDeliveries: 3)
        _ = core.settle(refs(1...2), outcomes: [.delivered, .delivered], now: now)
        let hung = [DeliveryOutcome?](repeating: .retryable(reason: "timed out"), count: 4)
        let settlement = core.settle(refs(3...6), outcomes: hung, now: now)
        #expect(core.sinkFailing && settlement.sinkFailed)
        #expect(!settlement.verdicts.contains { if case .deadLetter = $0 { true } else { false } })
    }

    @Test func aFailedDeadLetterWriteIsRepeatedWithoutAnotherAttemptAtTheSink() {
        var core = DeliveryDecisions(keepsOrder: false, maxDeliveries: 1)
        let entry = DeliveryDecisions.EntryRef(stream: "A", id: "1-0")
        _ = core.deadLetterFailed(entry, deliveries: 1, lastError: "413", now: now)
        #expect(core.offer(entry, trimmed: false, replayed: true, now: now + .seconds(60)) == .deadLetter(deliveries: 1, lastError: "413"))
        core.deadLettered(entry)
        #expect(core.offer(entry, trimmed: false, replayed: true, now: now + .seconds(60)) == .offer)
    }
}
