@testable import Adapter
@testable import Sinks
import Testing

/// The decisions of one batch, apart from libcurl: which event starts next, on which
/// transfer, and when to stop starting.
@Suite struct HTTPSinkBatchTests {
    private static let failure = DeliveryOutcome.retryable(reason: "down")

    private static func startAll(_ batch: inout HTTPSinkBatch) -> [(event: Int, slot: Int)] {
        var started: [(event: Int, slot: Int)] = []
        while let next = batch.nextStart() { started.append(next) }
        return started
    }

    /// A window opened to `size` by answers, as a sink that has been delivering has.
    private static func open(_ size: Int, maximum: Int) -> HTTPSinkWindow {
        var window = HTTPSinkWindow(maximum: maximum)
        while window.limit < size { window.answered() }
        return window
    }

    @Test func aNewSinkSendsOneRequestThenWidensWithEachAnswer() {
        var batch = HTTPSinkBatch(eventCount: 10, transferCount: 4, window: HTTPSinkWindow(maximum: 4))
        let first = Self.startAll(&batch)
        #expect(first.map(\.event) == [0])
        batch.finish(slot: first[0].slot, outcome: .delivered)
        let second = Self.startAll(&batch)
        #expect(second.map(\.event) == [1, 2])
        batch.finish(slot: second[0].slot, outcome: .delivered)
        let third = Self.startAll(&batch)
        #expect(third.map(\.event) == [3, 4])
        #expect(batch.inFlightCount == 3)
        batch.finish(slot: second[1].slot, outcome: .delivered)
        #expect(Self.startAll(&batch).map(\.event) == [5, 6])
        #expect(batch.inFlightCount == 4)
        #expect(Set(batch.inFlightSlots) == [0, 1, 2, 3])
    }

    @Test func eventsStartInOrderOnFreedTransfersUntilAllAreDone() {
        var batch = HTTPSinkBatch(eventCount: 6, transferCount: 2, window: Self.open(2, maximum: 2))
        var started = Self.startAll(&batch)
        #expect(started.map(\.event) == [0, 1])
        var order: [Int] = started.map(\.event)
        while batch.inFlightCount > 0 {
            // Answers come back in any order: here the later request first.
            let done = started.removeLast()
            batch.finish(slot: done.slot, outcome: done.event == 3 ? .rejected(reason: "bad") : .delivered)
            let more = Self.startAll(&batch)
            order += more.map(\.event)
            started += more
        }
        #expect(order == [0, 1, 2, 3, 4, 5])
        #expect(batch.outcomes == [.delivered, .delivered, .delivered, .rejected(reason: "bad"), .delivered, .delivered])
        #expect(batch.window.limit == 2)
    }

    @Test func aRetryableOutcomeFailsOnlyItsEventAndHalvesTheWindow() {
        var batch = HTTPSinkBatch(eventCount: 8, transferCount: 4, window: Self.open(4, maximum: 4))
        let started = Self.startAll(&batch)
        #expect(started.count == 4)
        batch.finish(slot: started[1].slot, outcome: Self.failure)
        #expect(batch.window.limit == 2)
        // Three still in flight, more than the halved window: nothing starts until two finish.
        #expect(batch.nextStart() == nil)
        batch.finish(slot: started[0].slot, outcome: .delivered)
        #expect(batch.nextStart() == nil)
        batch.finish(slot: started[2].slot, outcome: .delivered)
        #expect(Self.startAll(&batch).map(\.event) == [4])
        // The rest of the batch goes on: every answer delivers and frees a transfer.
        while let slot = batch.inFlightSlots.first {
            batch.finish(slot: slot, outcome: .delivered)
            _ = Self.startAll(&batch)
        }
        #expect(batch.outcomes == [.delivered, Self.failure, .delivered, .delivered, .delivered, .delivered, .delivered, .delivered])
    }

    @Test func aFailedProbeStopsTheBatchButTheRequestsInFlightFinish() {
        var batch = HTTPSinkBatch(eventCount: 8, transferCount: 3, window: Self.open(3, maximum: 3))
        let started = Self.startAll(&batch)
        #expect(started.count == 3)
        batch.finish(slot: started[0].slot, outcome: Self.failure)
        batch.finish(slot: started[1].slot, outcome: Self.failure)
        #expect(batch.window.limit == 1)
        #expect(batch.nextStart() == nil)
        // The window was already down to one: this failure is a failed probe.
        batch.finish(slot: started[2].slot, outcome: Self.failure)
        #expect(batch.nextStart() == nil)
        #expect(batch.inFlightCount == 0)
        #expect(batch.outcomes == [Self.failure, Self.failure, Self.failure, nil, nil, nil, nil, nil])
    }

    @Test func afterAnAnswerOnlyThreeFailuresInARowAtOneRequestStopTheBatch() {
        // One transfer: the window is always one request, and events go strictly one by one.
        var batch = HTTPSinkBatch(eventCount: 10, transferCount: 1, window: HTTPSinkWindow(maximum: 1))
        let script: [DeliveryOutcome] = [.delivered, Self.failure, Self.failure, .delivered, Self.failure, Self.failure, Self.failure]
        var answers = script.makeIterator()
        while let started = batch.nextStart(), let outcome = answers.next() {
            batch.finish(slot: started.slot, outcome: outcome)
        }
        // Failures at one request after an answer go on; the third in a row stops the batch.
        #expect(batch.outcomes[..<7].map { $0 } == script.map { $0 })
        #expect(batch.outcomes[7...].allSatisfy { $0 == nil })
        #expect(batch.nextStart() == nil)
    }

    @Test func aNewSinksFirstFailureIsAFailedProbe() {
        var batch = HTTPSinkBatch(eventCount: 5, transferCount: 4, window: HTTPSinkWindow(maximum: 4))
        let first = Self.startAll(&batch)
        batch.finish(slot: first[0].slot, outcome: Self.failure)
        #expect(batch.nextStart() == nil)
        #expect(batch.outcomes == [Self.failure, nil, nil, nil, nil])
    }

    @Test func finishingAFreeTransferChangesNothing() {
        var batch = HTTPSinkBatch(eventCount: 2, transferCount: 2, window: HTTPSinkWindow(maximum: 2))
        batch.finish(slot: 1, outcome: Self.failure)
        #expect(batch.outcomes == [nil, nil])
        #expect(batch.nextStart()?.event == 0)
    }
}
