import Adapter
import Sinks
import Testing
import TestSupport

/// A sink that keeps order (stdout, and this in-memory one) gets the stream's entries in order
/// even when single deliveries fail: a failure holds back the whole adapter, so no later entry
/// overtakes the failed one. (The HTTP sink, which does not keep order, retries the failed
/// event alone instead: Tests/DeliveryTests/PartialSinkFailureTests.)
@Suite struct OrderedSinkTests {
    @Test func singleFailuresInsideABatchDoNotReorderTheStream() async throws {
        try await AdapterFixture.with { fixture in
            var ids: [String] = []
            for index in 0..<25 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "0")
            let sink = RecordingSink()
            #expect(sink.keepsOrder)
            // Mid-batch failures: the 3rd attempt (in the first batch of 10) and the 14th.
            sink.failAttempts([3, 14])
            let adapter = fixture.startAdapter(fixture.configuration(count: 10), sink: sink)
            try await waitUntil("all 25 entries delivered") { sink.events.count == 25 }
            #expect(sink.messageIDs() == ids)
            #expect(adapter.status.snapshot.failed == 2)
            try await waitUntil("an empty PEL") { try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 }
        }
    }
}
