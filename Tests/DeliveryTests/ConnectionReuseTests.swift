import Adapter
import Sinks
import Testing
import TestSupport

@Suite struct ConnectionReuseTests {
    @Test func oneSinkKeepsOneConnectionForManyEvents() async throws {
        try await withReceiver { receiver in
            let outcomes = await deliver(Array(repeating: sampleEvent, count: 5), to: receiver.url)
            #expect(outcomes == Array(repeating: .delivered, count: 5))
            let requests = try await receiver.waitForRequests(5)
            #expect(requests.map(\.connection) == [1, 1, 1, 1, 1])
            #expect(await receiver.connectionsAccepted() == 1)
        }
    }

    @Test func theConnectionIsReusedAfterRetryableAnswers() async throws {
        try await withReceiver { receiver in
            receiver.answer(status: 503, times: 2)
            let outcomes = await deliver(Array(repeating: sampleEvent, count: 3), to: receiver.url)
            #expect(outcomes.map(\.isRetryable) == [true, true, false])
            #expect(outcomes[2] == .delivered)
            let requests = try await receiver.waitForRequests(3)
            #expect(requests.map(\.reaction.status) == [503, 503, 200])
            #expect(Set(requests.map(\.connection)) == [1])
            #expect(Set(requests.compactMap { $0.header("ce-id") }) == [sampleEvent.id])
        }
    }

    @Test func aClosedSinkDoesNotSend() async throws {
        try await withReceiver { receiver in
            let url = receiver.url
            let outcome = await DedicatedThread.run {
                let sink = HTTPSink(url: url)
                sink.close()
                return sink.deliver(sampleEvent)
            }
            #expect(outcome == .retryable(reason: "the HTTP sink for \(url) is closed"))
            #expect(await receiver.requestCount() == 0)
        }
    }
}
