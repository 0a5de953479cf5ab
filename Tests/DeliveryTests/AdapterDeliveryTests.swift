import Adapter
import AdapterModel
import EventSourceAPI
import Foundation
import StructuredData
import Testing
import TestSupport

/// The whole delivery path: a real redis-server, a running adapter, and a real HTTP receiver.
@Suite struct AdapterDeliveryTests {
    private func withReceiver(
        _ body: (AdapterFixture, HTTPReceiver) async throws -> Void
    ) async throws {
        let receiver = try await HTTPReceiver.start()
        do {
            try await AdapterFixture.with { fixture in
                try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
                try await body(fixture, receiver)
            }
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }

    private func configuration(_ fixture: AdapterFixture, _ receiver: HTTPReceiver, mode: SinkSpec.Mode = .binary)
        -> AdapterConfiguration
    {
        fixture.configuration(sink: SinkSpec(uri: receiver.url(path: "/events"), mode: mode))
    }

    private func pel(_ fixture: AdapterFixture) async throws -> Int64 {
        try await fixture.client.pendingCount("FOO", group: "argo-events-cg")
    }

    @Test func deliversInBinaryModeWithTheEntrysEventID() async throws {
        try await withReceiver { fixture, receiver in
            let adapter = fixture.startAdapter(configuration(fixture, receiver))
            try await fixture.waitForPhase(adapter, .consuming)
            let id = try await fixture.client.xadd("FOO", [("message", "hello")])
            let request = try #require(try await receiver.waitForRequests(1).first)
            let builder = EventBuilder(namespace: "test", eventSourceName: "redis-stream", eventName: "example", metadata: [:])
            #expect(request.method == "POST")
            #expect(request.target == "/events")
            #expect(request.header("ce-id") == builder.eventID(stream: "FOO", messageID: id))
            #expect(request.header("ce-subject") == "example")
            #expect(request.header("ce-time") == EntryTime.rfc3339(entryID: id), "the entry's time, to the millisecond")
            #expect(request.header("content-type") == "application/json")
            #expect(request.bodyText == #"{"stream":"FOO","message_id":"\#(id)","values":{"message":"hello"}}"#)
            try await waitUntil("an empty PEL") { try await pel(fixture) == 0 }
        }
    }

    @Test func deliversInStructuredMode() async throws {
        try await withReceiver { fixture, receiver in
            let adapter = fixture.startAdapter(configuration(fixture, receiver, mode: .structured))
            try await fixture.waitForPhase(adapter, .consuming)
            let id = try await fixture.client.xadd("FOO", [("message", "hello")])
            let request = try #require(try await receiver.waitForRequests(1).first)
            #expect(request.header("content-type") == "application/cloudevents+json")
            #expect(try JSONParser.parse(request.bodyText)["time"]?.stringValue == EntryTime.rfc3339(entryID: id))
            let body = try JSONParser.parse(request.bodyText)
            #expect(body["type"] == "redisStream")
            #expect(body["data"]?["values"] == ["message": "hello"])
        }
    }

    @Test func retriesAFailingReceiverWithTheSameIDUntilItAccepts() async throws {
        try await withReceiver { fixture, receiver in
            receiver.answer(status: 503, times: 3)
            let adapter = fixture.startAdapter(configuration(fixture, receiver))
            try await fixture.waitForPhase(adapter, .consuming)
            _ = try await fixture.client.xadd("FOO", [("k", "v")])
            let requests = try await receiver.waitForRequests(4)
            #expect(Set(requests.compactMap { $0.header("ce-id") }).count == 1)
            #expect(requests.map { $0.reaction.status } == [503, 503, 503, 200])
            try await waitUntil("an empty PEL") { try await pel(fixture) == 0 }
            #expect(adapter.status.snapshot.forwarded == 1)
            #expect(adapter.status.snapshot.failed == 3)
        }
    }

    @Test func aReceiverThatIsDownLosesNothingAndIsNotHammered() async throws {
        // The reservation keeps the port from other tests' servers while the receiver is down.
        let reserved = try ReservedPort()
        defer { reserved.close() }
        let port = reserved.port
        let receiver = try await HTTPReceiver.start(port: port)
        try await receiver.stop()
        var revived: HTTPReceiver?
        do {
            try await AdapterFixture.with { fixture in
                try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
                let adapter = fixture.startAdapter(fixture.configuration(sink: SinkSpec(uri: "http://127.0.0.1:\(port)/")))
                try await fixture.waitForPhase(adapter, .consuming)
                var ids: [String] = []
                for index in 0..<20 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
                // The sink stays down for 5 s, as a receiver being redeployed might.
                let downSince = ContinuousClock.now
                try await waitUntil("5 s of outage", timeout: .seconds(30)) {
                    ContinuousClock.now - downSince >= .seconds(5) && adapter.status.snapshot.failed >= 3
                }
                // How often it retries and that it holds one batch meanwhile are the core's decisions,
                // proven without waiting in ConsumerScenarioTests.aSinkThatIsDownIsBackedOffFromAndHoldsOneBatch.
                #expect(adapter.status.snapshot.phase == .retrying)
                revived = try await HTTPReceiver.start(port: port)
                let requests = try await revived!.waitForRequests(20, timeout: .seconds(60))
                let delivered = Set(requests.compactMap { try? JSONParser.parse($0.bodyText)["message_id"]?.stringValue })
                #expect(delivered == Set(ids))
                try await waitUntil("an empty PEL") { try await pel(fixture) == 0 }
                try await fixture.waitForPhase(adapter, .consuming)
            }
        } catch {
            try? await revived?.stop()
            throw error
        }
        try await revived?.stop()
    }

    /// Poison is an entry refused while the receiver takes others (issue 19: a receiver refusing
    /// everything is failing, and dead-letters nothing; see RefusingSinkTests).
    @Test func deadLettersAnEntryAfterMaxDeliveriesThenAcknowledgesIt() async throws {
        try await withReceiver { fixture, receiver in
            let id = "9000000000000-1"
            let builder = EventBuilder(namespace: "test", eventSourceName: "redis-stream", eventName: "example", metadata: [:])
            receiver.answer(.respond(status: 400), whenHeader: "ce-id", is: builder.eventID(stream: "FOO", messageID: id))
            var configuration = configuration(fixture, receiver)
            configuration.source.deadLetterStream = "FOO-dead"
            configuration.source.maxDeliveries = 3
            let adapter = fixture.startAdapter(configuration)
            try await fixture.waitForPhase(adapter, .consuming)
            _ = try await fixture.client.xadd("FOO", [("good", "1")])
            try await fixture.client.command("XADD", "FOO", id, "poison", "pill")
            _ = try await fixture.client.xadd("FOO", [("good", "2")])
            let dead = try await waitForValue("the dead-letter entry") { () -> [RESPValue]? in
                let reply = try await fixture.client.command("XRANGE", "FOO-dead", "-", "+")
                return reply.array?.isEmpty == false ? reply.array : nil
            }
            #expect(dead.count == 1)
            let flat = dead[0].array?[1].array?.compactMap(\.string) ?? []
            var fields: [String: String] = [:]
            for index in stride(from: 0, to: flat.count - 1, by: 2) { fields[flat[index]] = flat[index + 1] }
            #expect(fields["poison"] == "pill")
            #expect(fields["dlq_source_stream"] == "FOO")
            #expect(fields["dlq_message_id"] == id)
            #expect(fields["dlq_delivery_count"] == "3")
            #expect(fields["dlq_last_error"]?.contains("400") == true)
            #expect(await receiver.requests().filter { $0.reaction.status == 400 }.count == 3)
            try await waitUntil("an empty PEL") { try await pel(fixture) == 0 }
            #expect(adapter.status.snapshot.deadLettered == 1)
            #expect(adapter.status.snapshot.forwarded == 2)
        }
    }

    @Test func reclaimsEntriesAKilledConsumerLeftPending() async throws {
        try await withReceiver { fixture, receiver in
            var ids: [String] = []
            for index in 0..<5 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
            // Another replica read these and died before acknowledging them.
            try await fixture.client.command("XREADGROUP", "GROUP", "argo-events-cg", "dead-pod", "COUNT", "10", "STREAMS", "FOO", ">")
            var configuration = configuration(fixture, receiver)
            configuration.source.claimMinIdleSeconds = 1
            let adapter = fixture.startAdapter(configuration)
            let requests = try await receiver.waitForRequests(5)
            let delivered = requests.compactMap { try? JSONParser.parse($0.bodyText)["message_id"]?.stringValue }
            #expect(Set(delivered) == Set(ids))
            try await waitUntil("an empty PEL") { try await pel(fixture) == 0 }
            #expect(adapter.status.snapshot.reclaimed == 5)
        }
    }

    @Test func theFilterForwardsMatchesAndAcknowledgesTheRest() async throws {
        try await withReceiver { fixture, receiver in
            var configuration = configuration(fixture, receiver)
            configuration.source.filterExpression = #"values.kind == "keep" && asInt(values.n) > 1"#
            let adapter = fixture.startAdapter(configuration)
            try await fixture.waitForPhase(adapter, .consuming)
            _ = try await fixture.client.xadd("FOO", [("kind", "drop"), ("n", "5")])
            let kept = try await fixture.client.xadd("FOO", [("kind", "keep"), ("n", "5")])
            _ = try await fixture.client.xadd("FOO", [("kind", "keep"), ("n", "1")])
            _ = try await fixture.client.xadd("FOO", [("kind", "keep"), ("n", "not a number")])
            let last = try await fixture.client.xadd("FOO", [("kind", "keep"), ("n", "9")])
            try await waitUntil("every entry handled") {
                let status = adapter.status.snapshot
                return status.forwarded + status.filtered + status.filterErrors == 5
            }
            let delivered = await receiver.requests().compactMap { try? JSONParser.parse($0.bodyText)["message_id"]?.stringValue }
            #expect(Set(delivered) == [kept, last] && delivered.count == 2)
            #expect(adapter.status.snapshot.filtered == 2)
            #expect(adapter.status.snapshot.filterErrors == 1)
            try await waitUntil("an empty PEL") { try await pel(fixture) == 0 }
        }
    }

    @Test func aRedirectIsNotFollowedAndTheEntryStaysPending() async throws {
        try await withReceiver { fixture, receiver in
            receiver.setDefault(.respond(status: 301, headers: [("Location", "http://127.0.0.1:1/elsewhere")]))
            let adapter = fixture.startAdapter(configuration(fixture, receiver))
            try await fixture.waitForPhase(adapter, .consuming)
            _ = try await fixture.client.xadd("FOO", [("k", "v")])
            try await waitUntil("a refusal") { adapter.status.snapshot.failed >= 1 }
            #expect(adapter.status.snapshot.lastError?.contains("301") == true)
            #expect(try await pel(fixture) == 1)
            #expect(await receiver.requests().allSatisfy { $0.target == "/events" })
        }
    }
}
