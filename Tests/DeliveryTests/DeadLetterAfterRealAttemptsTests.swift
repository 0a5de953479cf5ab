import Adapter
import EventSourceAPI
import Foundation
import StructuredData
import Testing
import TestSupport

/// The reproduction of issue 13 item 4 over real HTTP: a receiver down for a while must not send
/// entries to the dead-letter stream after a single POST.
@Suite struct DeadLetterAfterRealAttemptsTests {
    @Test func noEntryIsDeadLetteredBeforeMaxDeliveriesRealPOSTs() async throws {
        let receiver = try await HTTPReceiver.start()
        do {
            try await AdapterFixture.with { fixture in
                try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
                var ids: [String] = []
                for index in 0..<8 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
                // The receiver is down until two entries have used up their attempts.
                receiver.setDefault(.respond(status: 503))
                var configuration = fixture.configuration(sink: SinkSpec(uri: receiver.url(path: "/events")))
                configuration.source.deadLetterStream = "FOO-dead"
                configuration.source.maxDeliveries = 3
                let adapter = fixture.startAdapter(configuration)
                try await waitUntil("two dead-lettered entries", timeout: .seconds(90)) {
                    adapter.status.snapshot.deadLettered >= 2
                }
                receiver.setDefault(.respond(status: 200))
                try await waitUntil("every entry delivered or dead-lettered", timeout: .seconds(90)) {
                    let status = adapter.status.snapshot
                    return status.forwarded + status.deadLettered == Int64(ids.count)
                }
                let builder = EventBuilder(namespace: "test", eventSourceName: "redis-stream", eventName: "example", metadata: [:])
                var posts: [String: Int] = [:]
                for request in await receiver.requests() { posts[request.header("ce-id") ?? "", default: 0] += 1 }
                let reply = try await fixture.client.command("XRANGE", "FOO-dead", "-", "+")
                for item in reply.array ?? [] {
                    let flat = item.array?[1].array?.compactMap(\.string) ?? []
                    var fields: [String: String] = [:]
                    for index in stride(from: 0, to: flat.count - 1, by: 2) { fields[flat[index]] = flat[index + 1] }
                    let id = try #require(fields["dlq_message_id"])
                    let tried = posts[builder.eventID(stream: "FOO", messageID: id)] ?? 0
                    #expect(tried >= 3, "\(id) dead-lettered after \(tried) POSTs")
                    #expect(fields["dlq_delivery_count"] == String(tried), "the record says how many attempts happened")
                }
                #expect((reply.array ?? []).count >= 2)
                try await waitUntil("an empty PEL") { try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 }
            }
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }
}
