import Adapter
import Sinks
import Testing
import TestSupport

/// `deliver(batch:)` against a real receiver: several requests in flight over N keep-alive
/// connections, and one outcome per event, whatever order the answers come back in.
@Suite struct BatchDeliveryTests {
    @Test func aBatchIsDeliveredOverExactlyNConnectionsKeptAcrossBatches() async throws {
        try await withReceiver { receiver in
            let events = numberedEvents(40)
            let outcomes = await withSink(receiver.url, options: .testing(connections: 4)) { sink in
                [sink.deliver(batch: Array(events[..<20])), sink.deliver(batch: Array(events[20...]))]
            }
            #expect(outcomes.flatMap { $0 } == Array(repeating: .delivered, count: 40))
            let requests = try await receiver.waitForRequests(40)
            #expect(requests.count == 40)
            #expect(Set(requests.compactMap { $0.header("ce-id") }) == Set(events.map(\.id)))
            #expect(Set(requests.map(\.connection)) == [1, 2, 3, 4])
            #expect(await receiver.connectionsAccepted() == 4)
        }
    }

    @Test func eachEventGetsTheOutcomeOfItsOwnAnswer() async throws {
        try await withReceiver { receiver in
            let warmUp = numberedEvents(3, prefix: "warm-up")
            let events = numberedEvents(4)
            let url = receiver.url
            // The three warm-up answers open the sink's window to 4 requests; then all four
            // events are in flight at once over 4 connections, and each takes one of the other
            // answers, in whatever order they arrive.
            receiver.enqueue(.ok, times: 4)
            receiver.answer(status: 503, body: "busy")
            receiver.answer(status: 400, body: "bad event")
            receiver.hang()
            let options = HTTPSinkOptions.testing(connections: 4, requestTimeout: .seconds(2))
            let outcomes = await withSink(url, options: options) { sink in
                _ = sink.deliver(batch: warmUp)
                return sink.deliver(batch: events)
            }
            let requests = requestsByEventID(try await receiver.waitForRequests(7))
            #expect(requests.count == 7)
            var seen: [String] = []
            for (event, outcome) in zip(events, outcomes) {
                let request = try #require(requests[event.id], "no request carried \(event.id)")
                let outcome = try #require(outcome, "\(event.id) was not tried")
                switch request.reaction {
                case .respond(200, _, _):
                    #expect(outcome == .delivered)
                    seen.append("200")
                case .respond(503, _, _):
                    #expect(outcome == .retryable(reason: "\(url) answered 503 Service Unavailable: busy"))
                    seen.append("503")
                case .respond(400, _, _):
                    #expect(outcome == .rejected(reason: "\(url) answered 400 Bad Request: bad event"))
                    seen.append("400")
                case .hang:
                    #expect(outcome.isRetryable)
                    #expect(outcome.reason?.hasPrefix("POST to \(url) timed out") == true)
                    seen.append("hang")
                default:
                    Issue.record("unexpected reaction \(request.reaction) for \(event.id)")
                }
            }
            #expect(seen.sorted() == ["200", "400", "503", "hang"])
        }
    }

    @Test func retryAfterOfA429InsideABatchBelongsToItsEvent() async throws {
        try await withReceiver { receiver in
            let events = numberedEvents(4)
            receiver.enqueue(.ok)
            receiver.enqueue(.ok)
            receiver.answerTooManyRequests(retryAfter: "7")
            let outcomes = await withSink(receiver.url, options: .testing(connections: 4)) { sink in
                _ = sink.deliver(batch: numberedEvents(1, prefix: "warm-up"))
                return sink.deliver(batch: events)
            }
            let requests = requestsByEventID(try await receiver.waitForRequests(5))
            for (event, outcome) in zip(events, outcomes) {
                let request = try #require(requests[event.id])
                if request.reaction.status == 429 {
                    #expect(outcome?.isRetryable == true)
                    #expect(outcome?.retryAfter == .seconds(7))
                    #expect(outcome?.reason?.contains("answered 429 Too Many Requests") == true)
                } else {
                    #expect(outcome == .delivered)
                }
            }
            #expect(outcomes.filter { $0?.retryAfter == .seconds(7) }.count == 1)
        }
    }

    @Test func aRetryableAnswerStopsTheRestOfTheBatchAndTheNextBatchProbesFirst() async throws {
        try await withReceiver { receiver in
            receiver.answer(status: 503)
            let events = numberedEvents(5)
            let (first, second) = await withSink(receiver.url, options: .testing(connections: 4)) { sink in
                (sink.deliver(batch: events), sink.deliver(batch: events))
            }
            // A new sink does not know the receiver answers yet: one request, which failed.
            #expect(first[0]?.isRetryable == true)
            #expect(first[1...].allSatisfy { $0 == nil })
            #expect(second == Array(repeating: .delivered, count: 5))
            let requests = try await receiver.waitForRequests(6)
            #expect(requests.count == 6)
            #expect(requests.first?.header("ce-id") == "batch-0")
        }
    }

    @Test func aRefusedConnectionFailsOnlyTheFirstRequestOfTheBatch() async throws {
        let closed = try ReservedPort()
        defer { closed.close() }
        let url = "http://127.0.0.1:\(closed.port)/"
        let outcomes = await withSink(url, options: .testing(connections: 4)) { sink in
            [sink.deliver(batch: numberedEvents(10)), sink.deliver(batch: numberedEvents(10))]
        }
        for batch in outcomes {
            #expect(batch[0]?.reason?.hasPrefix("POST to \(url) failed: Couldn't connect to server") == true)
            #expect(batch[1...].allSatisfy { $0 == nil })
        }
    }

    @Test func aReceiverGoneMidRunFailsTheRequestsInFlightAndStartsNoMore() async throws {
        let receiver = try await HTTPReceiver.start()
        let url = receiver.url
        let handOff = ThreadHandOff()
        async let outcomes = withSink(url, options: .testing(connections: 4)) { sink in
            let warmUp = sink.deliver(batch: numberedEvents(8, prefix: "warm-up"))
            handOff.signalAndWait()
            return [warmUp, sink.deliver(batch: numberedEvents(10))]
        }
        do {
            try await waitUntil("the warm-up batch delivered") { handOff.isWaiting }
            // Up to 4: on a busy machine early requests may finish before later ones need a new connection.
            #expect((1...4).contains(await receiver.connectionsAccepted()))
        } catch {
            handOff.release()
            _ = await outcomes
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
        handOff.release()
        let (warmUp, batch) = await (outcomes[0], outcomes[1])
        #expect(warmUp == Array(repeating: .delivered, count: 8))
        // The four requests in flight fail on their dead connections; none is started after.
        #expect(batch[..<4].allSatisfy { $0?.isRetryable == true })
        #expect(batch[4...].allSatisfy { $0 == nil })
    }
}
