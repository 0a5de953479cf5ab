import Adapter
import Dispatch
import Sinks
import Synchronization
import Testing
import TestSupport

/// Pipelined reads: the next batch is read while one is delivered, and every guarantee holds.
@Suite struct ReadAheadTests {
    /// Entries added before the adapter starts, so every read (and read-ahead) finds a full batch.
    private func backlog(_ fixture: AdapterFixture, count: Int) async throws -> [String] {
        try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
        var ids: [String] = []
        for index in 0..<count { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
        return ids
    }

    private func pendingIDs(_ fixture: AdapterFixture, consumer: String) async throws -> [String] {
        let reply = try await fixture.client.command("XPENDING", "FOO", "argo-events-cg", "-", "+", "1000", consumer)
        return (reply.array ?? []).compactMap { $0.array?.first?.string }
    }

    @Test func anOrderedSinkFailingMidBatchSeesNothingOvertakeAndEverythingInOrder() async throws {
        try await AdapterFixture.with { fixture in
            let ids = try await backlog(fixture, count: 60)
            let sink = RecordingSink()
            // Failures in the middle of batches of 5, while the next batch is already read ahead.
            sink.failAttempts([3, 9, 10, 24, 41])
            let adapter = fixture.startAdapter(fixture.configuration(count: 5), sink: sink)
            try await waitUntil("all 60 entries", timeout: .seconds(60)) { sink.events.count == 60 }
            // Exactly in order and each once: a read-ahead batch never went past a failed entry.
            #expect(sink.messageIDs() == ids)
            #expect(sink.attempts == 65)
            try await waitUntil("an empty PEL") { try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 }
            #expect(adapter.status.snapshot.forwarded == 60)
        }
    }

    @Test func readAheadEntriesSetAsideAreNotCountedAsDeliveryAttempts() async throws {
        try await AdapterFixture.with { fixture in
            let ids = try await backlog(fixture, count: 20)
            let sink = RecordingSink()
            // Attempts: e0 ok, e1 fails (e2–e4 untried, e5–e9 read ahead and set aside); replay: e1 ok,
            // e2 fails; replay: e2, e3, e4 ok, then e5 fails on its first offering (attempt 8).
            sink.failAttempts([2, 4, 8])
            var configuration = fixture.configuration(count: 5)
            configuration.source.deadLetterStream = "DLQ"
            configuration.source.maxDeliveries = 2
            let adapter = fixture.startAdapter(configuration, sink: sink)
            try await waitUntil("all 20 entries", timeout: .seconds(60)) { sink.events.count == 20 }
            // Each entry failed at most once: had the reads of set-aside batches counted as
            // deliveries, e5 would have been dead-lettered at its first failure.
            #expect(sink.messageIDs() == ids)
            #expect(sink.attempts == 23)
            #expect(try await fixture.client.command("XLEN", "DLQ").integer ?? 0 == 0)
            #expect(adapter.status.snapshot.deadLettered == 0)
            try await waitUntil("an empty PEL") { try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 }
        }
    }

    /// Twenty entries in batches of five: the second batch is held in the sink while the third,
    /// read ahead, is assigned to pod-a too (a sink that has taken nothing yet gets no read-ahead:
    /// hence the second batch); then a stop, and the held batch is released.
    private func stopDuringAReadAhead(
        _ fixture: AdapterFixture, failingHeld: Bool
    ) async throws -> (ids: [String], sink: GatedSink) {
        let ids = try await backlog(fixture, count: 20)
        let gated = GatedSink(holding: 2, failingHeld: failingHeld)
        let adapter = fixture.startAdapter(fixture.configuration(consumer: "pod-a", count: 5)) { _ in gated }
        try await waitUntil("the second batch in the sink") { gated.isHolding }
        try await waitUntil("the read-ahead batch assigned") { try await pendingIDs(fixture, consumer: "pod-a").count == 10 }
        adapter.requestStop()
        gated.release()
        try await waitUntil("the adapter stopped") { adapter.isFinished }
        return (ids, gated)
    }

    @Test func aStopDuringAReadAheadBehindAFailingBatchLeavesBothPendingForTheRestart() async throws {
        try await AdapterFixture.with { fixture in
            let (ids, gated) = try await stopDuringAReadAhead(fixture, failingHeld: true)
            // The second batch failed (an ordered sink), so the read-ahead batch behind it was not delivered.
            #expect(gated.delivered == Array(ids[0..<5]))
            #expect(try await pendingIDs(fixture, consumer: "pod-a") == Array(ids[5..<15]))

            let sink = RecordingSink()
            let second = fixture.startAdapter(fixture.configuration(consumer: "pod-a", count: 5), sink: sink)
            try await waitUntil("the other 15 entries after the restart", timeout: .seconds(60)) { sink.events.count == 15 }
            #expect(sink.messageIDs() == Array(ids[5...]))
            try await waitUntil("an empty PEL") { try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 }
            #expect(second.status.snapshot.forwarded == 15)
        }
    }

    @Test func aStopDuringAReadAheadBehindASuccessfulBatchDeliversItToo() async throws {
        try await AdapterFixture.with { fixture in
            let (ids, gated) = try await stopDuringAReadAhead(fixture, failingHeld: false)
            // A drain: the batch in flight and the one read ahead behind it are delivered, nothing is left pending.
            #expect(gated.delivered == Array(ids[0..<15]))
            #expect(try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0)
        }
    }
}

/// A sink whose `holding`-th batch waits until the test releases it (a slow receiver), answering
/// through its non-blocking `submit`; it records what it took.
final class GatedSink: SynchronousEventSink, Sendable {
    private let gate = DispatchSemaphore(value: 0)
    private let holding: Int
    /// Whether the held batch fails (retryable) once released, instead of being delivered.
    private let failingHeld: Bool
    private let state = Mutex<(batches: Int, delivered: [String])>((0, []))

    init(holding: Int, failingHeld: Bool) {
        self.holding = holding
        self.failingHeld = failingHeld
    }

    var isHolding: Bool { state.withLock { $0.batches >= holding } }
    var delivered: [String] { state.withLock { $0.delivered } }

    func deliver(_ event: CloudEvent) -> DeliveryOutcome {
        state.withLock { $0.delivered.append(event.data["message_id"]?.stringValue ?? "") }
        return .delivered
    }

    func submit(batch events: [CloudEvent], completion: @escaping @Sendable ([DeliveryOutcome?]) -> Void) {
        let number = state.withLock { state -> Int in
            state.batches += 1
            return state.batches
        }
        guard number == holding else { return completion(deliver(batch: events)) }
        DispatchQueue.global().async { [self] in
            gate.wait()
            if failingHeld {
                completion(events.map { _ in .retryable(reason: "test failure") })
            } else {
                completion(deliver(batch: events))
            }
        }
    }

    func release() { gate.signal() }
    func close() {}
}
