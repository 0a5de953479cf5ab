import Adapter
import AdapterModel
import EventSourceAPI
import Testing
import TestSupport

/// Two entries of one process on one stream and group read under their own consumer names.
@Suite struct ConsumerIsolationTests {
    private let group = "argo-events-cg"

    private func configuration(_ fixture: AdapterFixture, event: String, claimIdle: Int) -> AdapterConfiguration {
        var configuration = fixture.configuration()
        configuration.eventName = event
        configuration.consumerName = AdapterConsumerName.make(
            replica: "pod-a", namespace: configuration.namespace, eventSource: configuration.eventSourceName, event: event)
        configuration.source.claimMinIdleSeconds = claimIdle
        return configuration
    }

    /// The pending ids of one consumer, from XPENDING's extended form.
    private func pending(_ fixture: AdapterFixture, consumer: String) async throws -> Set<String> {
        let reply = try await fixture.client.command("XPENDING", "FOO", group, "-", "+", "1000", consumer)
        return Set((reply.array ?? []).compactMap { $0.array?.first?.string })
    }

    @Test func twoEntriesOnOneGroupNeverReadEachOthersPendingEntriesAndStillReclaimFromEachOther() async throws {
        try await AdapterFixture.with { fixture in
            let refusing = RecordingSink()
            refusing.rejectEverything(true)
            let accepting = RecordingSink()
            let one = configuration(fixture, event: "one", claimIdle: 3600)
            let two = configuration(fixture, event: "two", claimIdle: 3600)
            #expect(one.consumerName != two.consumerName)
            // The refusing entry runs alone for the first half, so it surely holds a share: Redis
            // need not split entries between two readers (one with reads ahead may take them all).
            let first = fixture.startAdapter(one, sink: refusing)
            try await fixture.waitForPhase(first, .consuming)
            var ids: [String] = []
            for index in 0..<20 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
            try await waitUntil("the first half held by the refusing entry", timeout: .seconds(60)) {
                try await pending(fixture, consumer: one.consumerName).count == 20
            }
            let second = fixture.startAdapter(two, sink: accepting)
            try await fixture.waitForPhase(second, .consuming)
            for index in 20..<40 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
            // Redis splits the rest; what the first entry holds stays pending with it.
            let held = try await waitForValue("every entry handled or held", timeout: .seconds(60)) { () -> Set<String>? in
                let held = try await pending(fixture, consumer: one.consumerName)
                return held.count + accepting.events.count == ids.count ? held : nil
            }
            #expect(!held.isEmpty, "the refusing entry got a share")
            // Let the refusing entry replay its pending entries once more.
            let attempts = refusing.attempts
            try await waitUntil("another replay", timeout: .seconds(90)) { refusing.attempts >= attempts + held.count }
            #expect(Set(accepting.messageIDs()).isDisjoint(with: held))
            #expect(try await pending(fixture, consumer: two.consumerName).isEmpty)
            #expect(try await pending(fixture, consumer: one.consumerName) == held)

            // Reclaim between them keeps working: once the first is gone, a third claims what it held.
            await first.stop()
            let taking = RecordingSink()
            _ = fixture.startAdapter(configuration(fixture, event: "three", claimIdle: 1), sink: taking)
            try await waitUntil("the held entries reclaimed and delivered", timeout: .seconds(60)) { Set(taking.messageIDs()) == held }
            let delivered = accepting.messageIDs() + taking.messageIDs()
            #expect(delivered.count == ids.count)
            #expect(Set(delivered) == Set(ids))
        }
    }
}
