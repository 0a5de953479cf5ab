import Adapter
import AdapterModel
import Sinks
import EventSourceAPI
import Synchronization
import Testing
import TestSupport

/// A sink that takes its first `succeedFirst` deliveries, fails the next `failures`, then takes
/// the rest, and counts every attempt per entry. Unordered, it tries every event of a batch.
private final class FlakySink: SynchronousEventSink, Sendable {
    private let state: Mutex<(succeedFirst: Int, failuresLeft: Int, attempts: [String: Int], delivered: [String])>
    private let ordered: Bool

    init(failures: Int, succeedFirst: Int = 0, ordered: Bool = true) {
        state = Mutex((succeedFirst, failures, [:], []))
        self.ordered = ordered
    }

    var keepsOrder: Bool { ordered }

    func attempts(_ id: String) -> Int { state.withLock { $0.attempts[id] ?? 0 } }
    var totalAttempts: Int { state.withLock { $0.attempts.values.reduce(0, +) } }
    var delivered: [String] { state.withLock { $0.delivered } }

    func deliver(batch events: [CloudEvent]) -> [DeliveryOutcome?] {
        // In order: after a failure the rest is not tried.
        if ordered { return deliverInOrder(events) }
        return events.map { deliver($0) }
    }

    func deliver(_ event: CloudEvent) -> DeliveryOutcome {
        let id = event.data["message_id"]?.stringValue ?? ""
        return state.withLock { state in
            state.attempts[id, default: 0] += 1
            if state.succeedFirst > 0 {
                state.succeedFirst -= 1
            } else if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                return .retryable(reason: "receiver down")
            }
            state.delivered.append(id)
            return .delivered
        }
    }

    func close() {}
}

/// Dead-lettering counts real attempts at the sink, not reads of pending entries.
@Suite struct DeadLetterAttemptTests {
    private func configuration(_ fixture: AdapterFixture) -> AdapterConfiguration {
        var configuration = fixture.configuration()
        configuration.source.deadLetterStream = "FOO-dead"
        configuration.source.maxDeliveries = 3
        return configuration
    }

    private func deadLetters(_ fixture: AdapterFixture) async throws -> [[String: String]] {
        let reply = try await fixture.client.command("XRANGE", "FOO-dead", "-", "+")
        return (reply.array ?? []).map { item in
            let flat = item.array?[1].array?.compactMap(\.string) ?? []
            var fields: [String: String] = [:]
            for index in stride(from: 0, to: flat.count - 1, by: 2) { fields[flat[index]] = flat[index + 1] }
            return fields
        }
    }

    /// Redis' delivery counter of each pending entry.
    private func deliveryCounts(_ fixture: AdapterFixture) async throws -> [String: Int64] {
        let reply = try await fixture.client.command("XPENDING", "FOO", "argo-events-cg", "-", "+", "100")
        var counts: [String: Int64] = [:]
        for item in reply.array ?? [] {
            if let fields = item.array, let id = fields[0].string, let count = fields[3].integer { counts[id] = count }
        }
        return counts
    }

    @Test func onlyEntriesTheSinkReallyTriedMaxDeliveriesTimesAreDeadLettered() async throws {
        try await AdapterFixture.with { fixture in
            // All five entries arrive in the adapter's first read, so the ones behind the failing
            // first entry are read (and replayed) without being tried.
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            // The sink takes a first entry: from then on a failing entry is the entry's fault (poison),
            // not the sink's (issue 19: a sink that never took anything dead-letters nothing).
            let first = try await fixture.client.xadd("FOO", [("n", "first")])
            var ids: [String] = []
            for index in 0..<5 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
            // Four failures: the first entry fails three times (dead-lettered), the second once.
            let sink = FlakySink(failures: 4, succeedFirst: 1)
            let adapter = fixture.startAdapter(configuration(fixture)) { _ in sink }
            try await waitUntil("every entry handled", timeout: .seconds(60)) {
                sink.delivered.count + Int(adapter.status.snapshot.deadLettered) == ids.count + 1
            }
            let dead = try await deadLetters(fixture)
            #expect(dead.map { $0["dlq_message_id"] } == [ids[0]], "only the entry tried three times")
            #expect(dead.first?["dlq_delivery_count"] == "3")
            #expect(sink.attempts(ids[0]) == 3)
            #expect(Set(sink.delivered) == Set(ids.dropFirst() + [first]))
            try await waitUntil("an empty PEL", timeout: .seconds(60)) { try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 }
        }
    }

    @Test func attemptsAreCountedAcrossRestarts() async throws {
        try await AdapterFixture.with { fixture in
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            var ids: [String] = []
            for index in 0..<4 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
            let down = FlakySink(failures: 1000)
            // Dead-lettering is on, but out of reach for the first run, whenever the stop lands.
            var patient = configuration(fixture)
            patient.source.maxDeliveries = 1000
            let first = fixture.startAdapter(patient) { _ in down }
            try await waitUntil("two attempts at the first entry", timeout: .seconds(60)) { down.attempts(ids[0]) >= 2 }
            await first.stop()
            let tried = down.attempts(ids[0])
            // Redis' counter holds the real attempts: the entries behind the first were read, never tried.
            let counts = try await deliveryCounts(fixture)
            #expect(counts[ids[0]] == Int64(tried))
            #expect(ids.dropFirst().allSatisfy { counts[$0] == 0 }, "\(counts)")

            // The restarted adapter (same consumer) allows one attempt more than were made: one failure
            // dead-letters, as the sink takes the other entries (an unordered sink, trying them all).
            var strict = configuration(fixture)
            strict.source.maxDeliveries = tried + 1
            let again = FlakySink(failures: 1, ordered: false)
            _ = fixture.startAdapter(strict) { _ in again }
            // The dead-letter write may still be on its way when the others are delivered.
            try await waitUntil("every entry handled", timeout: .seconds(60)) {
                guard again.delivered.count == ids.count - 1 else { return false }
                return try await !deadLetters(fixture).isEmpty
            }
            let dead = try await deadLetters(fixture)
            #expect(dead.map { $0["dlq_message_id"] } == [ids[0]])
            #expect(dead.first?["dlq_delivery_count"] == String(tried + 1))
            #expect(again.attempts(ids[0]) == 1)
            #expect(Set(again.delivered) == Set(ids.dropFirst()))
        }
    }
}
