import Adapter
import EventSourceAPI
import Sinks
import Testing
import TestSupport

/// Issue 19's chaos findings over real servers: a sink that refuses every event (a redirect loop,
/// a wrong URL) is failing, not a stream of poison entries. The phase says so, the adapter holds
/// and backs off, and with dead-lettering on nothing goes to the dead-letter stream.
@Suite struct RefusingSinkTests {
    @Test(arguments: [false, true])
    func aSinkThatRedirectsEverythingEmptiesNothing(deadLettering: Bool) async throws {
        let receiver = try await HTTPReceiver.start()
        do {
            try await AdapterFixture.with { fixture in
                try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
                for index in 0..<30 { _ = try await fixture.client.xadd("FOO", [("n", "\(index)")]) }
                receiver.setDefault(.respond(status: 302, headers: [("Location", receiver.url(path: "/elsewhere"))]))
                var configuration = fixture.configuration(sink: SinkSpec(uri: receiver.url(path: "/events")))
                if deadLettering {
                    configuration.source.deadLetterStream = "FOO-dead"
                    configuration.source.maxDeliveries = 1
                }
                let adapter = fixture.startAdapter(configuration)
                try await waitUntil("the phase says the sink is failing") { adapter.status.snapshot.phase == .retrying }
                try await waitUntil("many refused requests", timeout: .seconds(60)) { await receiver.requests().count >= 40 }
                let status = adapter.status.snapshot
                #expect(status.phase == .retrying)
                #expect(status.deadLettered == 0)
                #expect(status.forwarded == 0)
                #expect(status.lastError?.contains("302") == true)
                #expect(try await fixture.client.command("XLEN", "FOO-dead").integer ?? 0 == 0)
                // Whatever was read is still pending: nothing was acknowledged.
                let pending = try await fixture.client.pendingCount("FOO", group: "argo-events-cg")
                #expect(pending > 0)
                #expect(pending <= 30)
                // Fixed: everything flows, nothing was lost.
                receiver.setDefault(.ok)
                try await waitUntil("every entry forwarded", timeout: .seconds(90)) { adapter.status.snapshot.forwarded == 30 }
                try await waitUntil("the phase is Consuming again") { adapter.status.snapshot.phase == .consuming }
                try await waitUntil("an empty PEL") { try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 }
                #expect(adapter.status.snapshot.deadLettered == 0)
            }
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }

    /// A receiver that never answers: the adapter shows the sink failing after one request timeout.
    @Test func aHangingSinkShowsAsFailing() async throws {
        let receiver = try await HTTPReceiver.start(defaultReaction: .hang)
        do {
            try await AdapterFixture.with { fixture in
                try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
                for index in 0..<10 { _ = try await fixture.client.xadd("FOO", [("n", "\(index)")]) }
                let url = receiver.url(path: "/events")
                let configuration = fixture.configuration(sink: SinkSpec(uri: url))
                let adapter = fixture.startAdapter(configuration) { _ in
                    HTTPSink(url: url, options: HTTPSinkOptions(connectTimeout: .seconds(5), requestTimeout: .seconds(1)))
                }
                try await waitUntil("the phase says the sink is failing", timeout: .seconds(60)) {
                    adapter.status.snapshot.phase == .retrying
                }
                #expect(adapter.status.snapshot.forwarded == 0)
                receiver.setDefault(.ok)
                try await waitUntil("every entry forwarded", timeout: .seconds(90)) { adapter.status.snapshot.forwarded == 10 }
            }
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }
}
