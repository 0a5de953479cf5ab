import Foundation
import AdapterModel
import EventSourceAPI
import Synchronization
import Testing
import TestSupport

@testable import Sinks

/// Many EventBus sinks on one connection complete their batches from libnats' threads of that
/// connection: no thread per sink, and no caller waits.
@Suite struct PublishThreadTests {
    /// What the child process of `PublishThreadExitTests` runs: nil when every batch was
    /// acknowledged on one connection and the sinks added far fewer threads than one each.
    static func twoHundredSinks() async throws -> String? {
        let nats = try await NatsServer()
        defer { nats.stop() }
        let registry = NATSConnectionRegistry()
        let endpoint = JetStreamEndpoint(connection: NATSConnectionKey(url: nats.url))
        let event = { @Sendable (id: String) in
            CloudEvent(id: id, source: "es", subject: "e", time: "2026-11-26T11:00:00Z", data: ["n": .string(id)])
        }
        // The first sink connects and creates the stream, so the baseline counts the connection's threads.
        let first = JetStreamSink(endpoint: endpoint, eventSourceName: "es", eventName: "first", registry: registry)
        defer { first.close() }
        let firstOutcomes = PublishResult()
        first.submit(batch: [event("first")]) { outcomes in firstOutcomes.value.withLock { $0 = outcomes } }
        let firstResult = try await waitForValue("the first batch", timeout: .seconds(60)) { firstOutcomes.value.withLock { $0 } }
        guard firstResult == [.delivered] else { return "the first batch: \(firstResult)" }
        let baseline = try ProcessThreadCount.current()

        let sinkCount = 200
        let sinks = (0..<sinkCount).map {
            JetStreamSink(endpoint: endpoint, eventSourceName: "es", eventName: "e\($0)", registry: registry)
        }
        defer { for sink in sinks { sink.close() } }
        let counts = PublishCounts()
        for (index, sink) in sinks.enumerated() {
            sink.submit(batch: (0..<5).map { event("s\(index)-\($0)") }) { outcomes in
                counts.delivered.add(outcomes.filter { $0 == .delivered }.count, ordering: .relaxed)
                counts.completed.add(1, ordering: .relaxed)
            }
        }
        var peak = try ProcessThreadCount.current()
        try await waitUntil("every sink's batch acknowledged", timeout: .seconds(120)) {
            peak = max(peak, try ProcessThreadCount.current())
            return counts.completed.load(ordering: .relaxed) == sinkCount
        }
        let delivered = counts.delivered.load(ordering: .relaxed)
        if delivered != sinkCount * 5 { return "\(delivered) of \(sinkCount * 5) delivered" }
        if registry.connectionCount != 1 { return "\(registry.connectionCount) connections" }
        // A thread per sink would add 200; this process runs nothing else.
        if peak - baseline >= sinkCount / 2 { return "threads went from \(baseline) to \(peak)" }
        return nil
    }
}

/// 200 sinks in a process of their own, so that only their threads are counted: run apart from the
/// other suites, as every `*ExitTests` suite is (see AdapterScaleExitTests).
@Suite struct PublishThreadExitTests {
    @Test func twoHundredSinksOnOneBusAddNoThreadEach() async {
        await #expect(processExitsWith: .success) {
            if let problem = try await PublishThreadTests.twoHundredSinks() {
                FileHandle.standardError.write(Data("twoHundredSinksOnOneBusAddNoThreadEach: \(problem)\n".utf8))
                exit(1)
            }
        }
    }
}

extension PublishThreadTests {
    @Test func batchesHandedOverBackToBackCompleteInOrder() async throws {
        let nats = try await NatsServer()
        defer { nats.stop() }
        let sink = JetStreamSink(
            endpoint: JetStreamEndpoint(connection: NATSConnectionKey(url: nats.url)), eventSourceName: "es", eventName: "queued",
            options: JetStreamSinkOptions(publishWindow: 2), registry: NATSConnectionRegistry())
        defer { sink.close() }
        let order = PublishOrder()
        for batch in 0..<3 {
            let events = (0..<5).map {
                CloudEvent(id: "b\(batch)-\($0)", source: "es", subject: "e", time: "2026-11-26T11:00:00Z", data: ["n": .int(Int64($0))])
            }
            sink.submit(batch: events) { outcomes in
                order.completed.withLock { $0.append((batch, outcomes)) }
            }
        }
        let completed = try await waitForValue("three batches", timeout: .seconds(60)) {
            order.completed.withLock { $0.count == 3 ? $0 : nil }
        }
        #expect(completed.map(\.0) == [0, 1, 2])
        for (_, outcomes) in completed { #expect(outcomes == Array(repeating: .delivered, count: 5)) }
    }
}

private final class PublishOrder: Sendable {
    let completed = Mutex<[(Int, [DeliveryOutcome?])]>([])
}

private final class PublishCounts: Sendable {
    let completed = Atomic<Int>(0)
    let delivered = Atomic<Int>(0)
}

private final class PublishResult: Sendable {
    let value = Mutex<[DeliveryOutcome?]?>(nil)
}
