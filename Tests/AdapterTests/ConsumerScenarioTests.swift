import AdapterModel
import Sinks
import Testing
@testable import Adapter

/// Decisions that used to be proven against a real redis-server and a running adapter, now run
/// as scripted scenarios of the consumer's core over `SimulatedRedis` (`ScriptedConsumer`):
/// the same entries and sink failures, deterministic and without waiting. What only real
/// servers show (the wire, XCLAIM RETRYCOUNT, HTTP status handling) stays in the end-to-end
/// suites; docs/development.md "Where adapter tests live" says which is where.
@Suite struct ConsumerScenarioTests {
    private static func failing(_ attempts: Set<Int>) -> ScriptedConsumer.Script {
        { attempt, _ in attempts.contains(attempt) ? .retryable(reason: "test failure") : .delivered }
    }

    /// Was OrderedSinkTests: a sink that keeps order gets the stream in order although single
    /// deliveries fail inside batches: a failure holds the adapter back, nothing overtakes it.
    @Test func singleFailuresInsideABatchDoNotReorderTheStream() {
        var run = ScriptedConsumer(batchSize: 10, script: Self.failing([3, 14]))
        let ids = run.produce(25)
        #expect(run.run { $0.accepted.count == 25 && $0.pending().isEmpty })
        #expect(run.accepted == ids)
        #expect(run.failuresReported == 2)
        #expect(run.forwardedReported == 25)
    }

    /// Was ReadAheadTests: failures in the middle of batches of 5, with the next batch already
    /// read ahead: each entry is taken once, in order, and the read-ahead never goes past a failure.
    @Test func anOrderedSinkFailingMidBatchSeesNothingOvertakeAndEverythingInOrder() {
        var run = ScriptedConsumer(batchSize: 5, script: Self.failing([3, 9, 10, 24, 41]))
        let ids = run.produce(60)
        #expect(run.run { $0.accepted.count == 60 && $0.pending().isEmpty })
        #expect(run.accepted == ids)
        #expect(run.attempts == 65)
        #expect(run.forwardedReported == 60)
        #expect(run.readAheads > 0, "the scenario must exercise the read-ahead")
    }

    /// Was ReadAheadTests: entries read ahead behind a failing batch and set aside are given
    /// back their delivery count (`.uncount`), so only real attempts lead to the dead-letter stream.
    @Test func readAheadEntriesSetAsideAreNotCountedAsDeliveryAttempts() {
        // e0 ok, e1 fails; replay: e1 ok, e2 fails; replay: e2–e4 ok; new e5–e9 with e10–e14 read
        // ahead: e5 fails (attempt 8), so e10–e14 are set aside; replay: e5–e9 ok, then e10 fails
        // on its first offering (attempt 14).
        var run = ScriptedConsumer(batchSize: 5, maxDeliveries: 2, script: Self.failing([2, 4, 8, 14]))
        let ids = run.produce(20)
        #expect(run.run { $0.accepted.count == 20 && $0.pending().isEmpty })
        // Each entry failed at most once: had the set-aside read counted, e10 would be dead-lettered.
        #expect(run.accepted == ids)
        #expect(run.attempts == 24)
        #expect(run.deadLetters.isEmpty)
        #expect(run.readAheads > 0)
    }

    /// Was ReadAheadTests: twenty entries in batches of five; the stop comes while the sink has the
    /// second batch and the third is read ahead (assigned to this consumer).
    private func stopDuringAReadAhead(failingHeld: Bool) -> (ScriptedConsumer, [SimulatedRedis.Ref]) {
        var run = ScriptedConsumer(batchSize: 5) { attempt, _ in
            // The second batch's first attempt; the sink keeps order, so the rest of it is untried.
            failingHeld && attempt == 6 ? .retryable(reason: "test failure") : .delivered
        }
        let ids = run.produce(20)
        run.stopDuringBatch = 2
        run.run()
        #expect(run.finished)
        #expect(run.readAheads > 0)
        return (run, ids)
    }

    @Test func aStopDuringAReadAheadBehindAFailingBatchLeavesBothPendingForTheRestart() {
        var (run, ids) = stopDuringAReadAhead(failingHeld: true)
        // The second batch failed (a sink that keeps order), so the read-ahead behind it was not delivered.
        #expect(run.accepted == Array(ids[0..<5]))
        #expect(run.pending() == Array(ids[5..<15]))
        let before = run.forwardedReported
        run.restart()
        #expect(run.run { $0.accepted.count == 20 && $0.pending().isEmpty })
        #expect(run.accepted == ids)
        #expect(run.forwardedReported - before == 15)
    }

    @Test func aStopDuringAReadAheadBehindASuccessfulBatchDeliversItToo() {
        let (run, ids) = stopDuringAReadAhead(failingHeld: false)
        // A drain: the batch in flight and the one read ahead behind it are delivered, nothing is left pending.
        #expect(run.accepted == Array(ids[0..<15]))
        #expect(run.pending().isEmpty)
    }

    /// Was StreamAdapterTests (the same event id on each retry stays end-to-end in
    /// AdapterDeliveryTests): a retryable failure is retried after the adapter-wide backoff,
    /// doubling, and acknowledged only once the sink took it.
    @Test func aRetryableSinkFailureIsRetriedAfterADoublingBackoffThenAcknowledged() {
        var run = ScriptedConsumer(batchSize: 10, script: Self.failing([1, 2, 3]))
        let ids = run.produce(1)
        #expect(run.run { $0.accepted.count == 1 && $0.pending().isEmpty })
        #expect(run.accepted == ids)
        #expect(run.attempts == 4)
        #expect(run.failuresReported == 3)
        #expect(run.waits == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
    }

    /// Was StreamAdapterTests: a refused entry stays pending, never acknowledged, until the sink takes it.
    @Test func aRefusedEntryStaysPendingAndIsNeverAcknowledged() {
        var run = ScriptedConsumer(batchSize: 10) { _, _ in .rejected(reason: "test rejects") }
        let ids = run.produce(1)
        #expect(run.run { $0.attempts >= 3 })
        #expect(run.pending() == ids)
        #expect(run.accepted.isEmpty)
        run.script = { _, _ in .delivered }
        #expect(run.run { $0.accepted.count == 1 && $0.pending().isEmpty })
        #expect(run.accepted == ids)
    }

    /// Was part of AdapterDeliveryTests' receiver outage (which stays, end-to-end): while the
    /// sink is down the adapter backs off doubling from 100 ms, holds the one batch it has (no
    /// read-ahead, no new reads), says Retrying, and delivers everything once the sink is back.
    @Test func aSinkThatIsDownIsBackedOffFromAndHoldsOneBatch() {
        var run = ScriptedConsumer(batchSize: 10, keepsOrder: false) { _, _ in .retryable(reason: "connection refused") }
        let ids = run.produce(20)
        #expect(run.run { $0.waits.count >= 6 })
        #expect(run.waits == [100, 200, 400, 800, 1_600, 3_200].map { Duration.milliseconds($0) })
        #expect(run.mostPending == 10)
        #expect(run.readAheads == 0)
        #expect(run.accepted.isEmpty)
        #expect(run.core.phase == .retrying)
        run.script = { _, _ in .delivered }
        #expect(run.run { $0.accepted.count == 20 && $0.pending().isEmpty })
        #expect(Set(run.accepted) == Set(ids))
        #expect(run.core.phase == .consuming)
    }
}
