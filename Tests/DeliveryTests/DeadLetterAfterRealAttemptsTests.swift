import Adapter
import EventSourceAPI
import Foundation
import StructuredData
import Testing
import TestSupport

/// The reproduction of issue 13 item 4 over real HTTP: no entry goes to the dead-letter stream
/// before `maxDeliveries` real POSTs; and (issue 19) a receiver that is down dead-letters nothing:
/// only entries failing while the receiver takes others are poison.
@Suite struct DeadLetterAfterRealAttemptsTests {
    @Test func noEntryIsDeadLetteredBeforeMaxDeliveriesRealPOSTs() async throws {
        let receiver = try await HTTPReceiver.start()
        do {
            try await AdapterFixture.with { fixture in
                try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
                var ids: [String] = []
                for index in 0..<8 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
                let builder = EventBuilder(namespace: "test", eventSourceName: "redis-stream", eventName: "example", metadata: [:])
                // Two entries the receiver always fails; and at first it is down for everything.
                for poison in [ids[2], ids[5]] {
                    receiver.answer(.respond(status: 503), whenHeader: "ce-id", is: builder.eventID(stream: "FOO", messageID: poison))
                }
                receiver.setDefault(.respond(status: 503))
                var configuration = fixture.configuration(sink: SinkSpec(uri: receiver.url(path: "/events")))
                configuration.source.deadLetterStream = "FOO-dead"
                configuration.source.maxDeliveries = 3
                let adapter = fixture.startAdapter(configuration)
                // The adapter backs off (200 ms doubling): a handful of attempts in a few seconds.
                try await waitUntil("the receiver was tried several times over", timeout: .seconds(60)) {
                    await receiver.requests().count >= 5
                }
                // Down for everything: the sink is failing, and nothing is dead-lettered.
                #expect(adapter.status.snapshot.deadLettered == 0)
                try await waitUntil("the phase says the sink is failing") { adapter.status.snapshot.phase == .retrying }
                #expect(try await fixture.client.command("XLEN", "FOO-dead").integer ?? 0 == 0)
                receiver.setDefault(.respond(status: 200))
                try await waitUntil("every entry delivered or dead-lettered", timeout: .seconds(90)) {
                    let status = adapter.status.snapshot
                    return status.forwarded + status.deadLettered == Int64(ids.count)
                }
                #expect(adapter.status.snapshot.deadLettered == 2)
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
