import Foundation
import EventSourceAPI
import Sinks
import Synchronization
import TestSupport
import Testing

/// `submit` hands batches to the process' one libcurl thread: the caller does not wait, and
/// many sinks in flight at once add no thread each.
@Suite struct SubmitThreadTests {
    /// What the child process of `SubmitThreadExitTests` runs: nil when every batch was delivered
    /// and the sinks added far fewer threads than one each, else what went wrong.
    static func threeHundredSinks() async throws -> String? {
        var problem: String?
        try await withReceiver { receiver in
            // Starts the shared transfer loop, so the baseline counts it.
            guard await deliver(to: receiver.url) == .delivered else {
                problem = "the first event was not delivered"
                return
            }
            let baseline = try ProcessThreadCount.current()
            let sinkCount = 300
            let sinks = (0..<sinkCount).map { _ in HTTPSink(url: receiver.url, options: testOptions) }
            defer { for sink in sinks { sink.close() } }
            let counts = SubmitCounts()
            let batch = (0..<4).map { index in
                var event = sampleEvent
                event.id = "thread-test-\(index)"
                return event
            }
            for sink in sinks {
                sink.submit(batch: batch) { outcomes in
                    counts.delivered.add(outcomes.filter { $0 == .delivered }.count, ordering: .relaxed)
                    counts.record(outcomes)
                    counts.completed.add(1, ordering: .relaxed)
                }
            }
            var peak = try ProcessThreadCount.current()
            try await waitUntil("every sink's batch completed", timeout: .seconds(120)) {
                peak = max(peak, try ProcessThreadCount.current())
                return counts.completed.load(ordering: .relaxed) == sinkCount
            }
            if counts.delivered.load(ordering: .relaxed) != sinkCount * batch.count {
                problem = "not delivered: \(counts.failures.withLock { $0 }.sorted { $0.value > $1.value }.prefix(5))"
            } else if peak - baseline >= sinkCount / 2 {
                // A thread per sink would add 300; this process runs nothing else.
                problem = "threads went from \(baseline) to \(peak)"
            }
        }
        return problem
    }

    @Test func submitReturnsBeforeAHangingReceiverAnswers() async throws {
        try await withReceiver(defaultReaction: .ok) { receiver in
            receiver.hang(times: 1)
            let options = HTTPSinkOptions(connectTimeout: .seconds(5), requestTimeout: .seconds(2), connections: 1)
            let sink = HTTPSink(url: receiver.url, options: options)
            defer { sink.close() }
            let outcome = SubmitResult()
            sink.submit(batch: [sampleEvent]) { outcomes in outcome.value.withLock { $0 = outcomes } }
            // The caller is back while the request hangs; the completion comes with the timeout.
            #expect(outcome.value.withLock { $0 } == nil)
            let outcomes = try await waitForValue("the timed-out batch", timeout: .seconds(60)) { outcome.value.withLock { $0 } }
            #expect(outcomes.count == 1)
            #expect(outcomes[0]?.isRetryable == true)
        }
    }
}

extension SubmitThreadTests {
    @Test func batchesHandedOverBackToBackEachCompleteOnce() async throws {
        try await withReceiver { receiver in
            let sink = HTTPSink(url: receiver.url, options: .testing(connections: 2))
            defer { sink.close() }
            let completed = SubmitBatches()
            for batch in 0..<3 {
                let events = (0..<5).map { index in
                    var event = sampleEvent
                    event.id = "queued-\(batch)-\(index)"
                    return event
                }
                sink.submit(batch: events) { outcomes in completed.value.withLock { $0.append((batch, outcomes)) } }
            }
            let batches = try await waitForValue("three batches", timeout: .seconds(60)) {
                completed.value.withLock { $0.count >= 3 ? $0 : nil }
            }
            #expect(batches.map(\.0) == [0, 1, 2])
            for (_, outcomes) in batches { #expect(outcomes == Array(repeating: .delivered, count: 5)) }
            #expect(try await receiver.waitForRequests(15).count == 15)
        }
    }
}

private final class SubmitBatches: Sendable {
    let value = Mutex<[(Int, [DeliveryOutcome?])]>([])
}

private final class SubmitCounts: Sendable {
    let completed = Atomic<Int>(0)
    let delivered = Atomic<Int>(0)
    /// Why events were not delivered, with how often: "never started" when a failed first request stopped the batch.
    let failures = Mutex<[String: Int]>([:])

    func record(_ outcomes: [DeliveryOutcome?]) {
        failures.withLock { failures in
            for outcome in outcomes where outcome != .delivered {
                failures[outcome.map { $0.reason ?? "\($0)" } ?? "never started", default: 0] += 1
            }
        }
    }
}

private final class SubmitResult: Sendable {
    let value = Mutex<[DeliveryOutcome?]?>(nil)
}

/// 300 sinks in a process of their own, so that only their threads are counted: run apart from the
/// other suites, as every `*ExitTests` suite is (see AdapterScaleExitTests).
@Suite struct SubmitThreadExitTests {
    @Test func threeHundredSinksInFlightShareOneTransferThread() async {
        await #expect(processExitsWith: .success) {
            if let problem = try await SubmitThreadTests.threeHundredSinks() {
                FileHandle.standardError.write(Data("threeHundredSinksInFlightShareOneTransferThread: \(problem)\n".utf8))
                exit(1)
            }
        }
    }
}
