import Adapter
import EventSourceAPI
import Sinks
import StructuredData
import Testing
import TestSupport

/// Issue 13 item 3: a receiver that answers 503 to a random 30 % of requests. Before, every 503
/// ended its batch and throttled the whole adapter (about 0.5 events/s); now the failed event
/// retries alone and the others go on.
@Suite struct PartialSinkFailureTests {
    /// Scripts 503 for a seeded random `rate` of the next `count` requests and 200 for the others.
    private static func scriptRandomFailures(_ receiver: HTTPReceiver, rate: Double, count: Int, seed: UInt64) {
        var generator = SplitMix(seed: seed)
        for _ in 0..<count {
            receiver.enqueue(Double.random(in: 0..<1, using: &generator) < rate ? .respond(status: 503) : .ok)
        }
    }

    /// Batches of 10, as an adapter reads them, failed events going to the back of the queue as
    /// pending entries do: rounds are the sink's `deliver(batch:)` calls.
    @Test func thirtyPercentOf503sCostAFewExtraRoundsNotOnePerFailure() async throws {
        try await withReceiver { receiver in
            Self.scriptRandomFailures(receiver, rate: 0.3, count: 2_000, seed: 13)
            let events = numberedEvents(300)
            let (rounds, delivered) = await withSink(receiver.url, options: .testing(connections: 4)) { sink in
                var queue = events
                var rounds = 0
                var delivered: [String] = []
                while !queue.isEmpty && rounds < 10_000 {
                    rounds += 1
                    let batch = Array(queue.prefix(10))
                    queue.removeFirst(batch.count)
                    for (event, outcome) in zip(batch, sink.deliver(batch: batch)) {
                        if outcome == .delivered { delivered.append(event.id) } else { queue.append(event) }
                    }
                }
                return (rounds, delivered)
            }
            #expect(delivered.count == 300)
            #expect(Set(delivered) == Set(events.map(\.id)))
            let requests = await receiver.requests()
            let failures = requests.filter { $0.reaction.status == 503 }.count
            #expect(requests.count == 300 + failures)
            #expect(failures > 60, "the script should have failed about 130 requests, not \(failures)")
            // 30 rounds carry the 300 events once; the ~130 failures add their own retries, about
            // 10 to a round. Stopping at every 503, as before, took one round per failure.
            #expect(rounds <= 60, "\(rounds) rounds for \(failures) failures")
            #expect(rounds * 2 < failures)
        }
    }

    @Test func anAdapterDeliversEveryEntryExactlyOnceThroughRandom503s() async throws {
        let receiver = try await HTTPReceiver.start()
        do {
            try await AdapterFixture.with { fixture in
                try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
                Self.scriptRandomFailures(receiver, rate: 0.3, count: 2_000, seed: 31)
                let configuration = fixture.configuration(count: 10, sink: SinkSpec(uri: receiver.url(path: "/events")))
                let adapter = fixture.startAdapter(configuration)
                try await fixture.waitForPhase(adapter, .consuming)
                var ids: [String] = []
                for index in 0..<300 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
                // Before the fix this took about ten minutes (0.5 events/s at 30 % failures).
                try await waitUntil("all 300 entries forwarded", timeout: .seconds(120)) {
                    adapter.status.snapshot.forwarded == 300
                }
                try await waitUntil("an empty PEL") {
                    try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0
                }
                let requests = await receiver.requests()
                let accepted = requests.filter { $0.reaction.status == 200 }
                let delivered = accepted.compactMap { try? JSONParser.parse($0.bodyText)["message_id"]?.stringValue }
                #expect(delivered.count == 300, "each entry accepted exactly once")
                #expect(Set(delivered) == Set(ids))
                let failures = requests.filter { $0.reaction.status == 503 }.count
                #expect(failures > 60)
                #expect(adapter.status.snapshot.failed == Int64(failures))
            }
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }
}
