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

    @Test func untilTheReceiverAnswersOnlyOneRequestIsInFlight() {
        var batch = HTTPSinkBatch(eventCount: 10, transferCount: 4, fanOut: false)
        let first = Self.startAll(&batch)
        #expect(first.map(\.event) == [0])
        batch.finish(slot: first[0].slot, outcome: .delivered)
        #expect(batch.fanOut)
        let next = Self.startAll(&batch)
        #expect(next.map(\.event) == [1, 2, 3, 4])
        #expect(Set(next.map(\.slot)) == [0, 1, 2, 3])
        #expect(batch.inFlightCount == 4)
    }

    @Test func eventsStartInOrderOnFreedTransfersUntilAllAreDone() {
        var batch = HTTPSinkBatch(eventCount: 6, transferCount: 2, fanOut: true)
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
        #expect(batch.fanOut)
    }

    @Test func aRetryableOutcomeStopsStartsButTheRequestsInFlightFinish() {
        var batch = HTTPSinkBatch(eventCount: 8, transferCount: 3, fanOut: true)
        let started = Self.startAll(&batch)
        batch.finish(slot: started[1].slot, outcome: Self.failure)
        #expect(batch.nextStart() == nil)
        #expect(!batch.fanOut)
        #expect(Set(batch.inFlightSlots) == [started[0].slot, started[2].slot])
        batch.finish(slot: started[0].slot, outcome: .delivered)
        #expect(batch.nextStart() == nil)
        batch.finish(slot: started[2].slot, outcome: .delivered)
        #expect(batch.inFlightCount == 0)
        #expect(batch.outcomes == [.delivered, Self.failure, .delivered, nil, nil, nil, nil, nil])
    }

    @Test func finishingAFreeTransferChangesNothing() {
        var batch = HTTPSinkBatch(eventCount: 2, transferCount: 2, fanOut: false)
        batch.finish(slot: 1, outcome: Self.failure)
        #expect(batch.outcomes == [nil, nil])
        #expect(batch.nextStart()?.event == 0)
    }
}
