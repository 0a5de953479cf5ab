import Adapter
import Sinks
import Testing
import TestSupport

/// How each kind of answer counts (issue 3): 2xx delivered; 429, 408, 5xx and transport
/// failures retryable; 3xx and other 4xx rejected. Each against a real receiver.
@Suite struct ResponseHandlingTests {
    @Test(arguments: [200, 201, 202, 204, 299])
    func successIsDelivered(status: Int) async throws {
        try await withReceiver(defaultReaction: .respond(status: status)) { receiver in
            #expect(await deliver(to: receiver.url) == .delivered)
        }
    }

    @Test func tooManyRequestsIsRetryableAfterTheSecondsGiven() async throws {
        try await withReceiver { receiver in
            receiver.answerTooManyRequests(retryAfter: "7")
            let outcome = await deliver(to: receiver.url)
            #expect(outcome.isRetryable)
            #expect(outcome.retryAfter == .seconds(7))
            #expect(outcome.reason?.contains("answered 429 Too Many Requests") == true)
        }
    }

    @Test func retryAfterAsAPastHTTPDateMeansNow() async throws {
        try await withReceiver { receiver in
            receiver.answerTooManyRequests(retryAfter: "Sun, 06 Nov 1994 08:49:37 GMT")
            let outcome = await deliver(to: receiver.url)
            #expect(outcome.retryAfter == .zero)
        }
    }

    @Test func tooManyRequestsWithoutAReadableRetryAfterGivesNoHint() async throws {
        try await withReceiver { receiver in
            receiver.answerTooManyRequests(retryAfter: "soon")
            receiver.answer(status: 429)
            let outcomes = await deliver([sampleEvent, sampleEvent], to: receiver.url)
            #expect(outcomes.allSatisfy { $0.isRetryable && $0.retryAfter == nil })
        }
    }

    @Test(arguments: [408, 500, 502, 503, 504, 599])
    func timeoutAndServerErrorsAreRetryable(status: Int) async throws {
        try await withReceiver { receiver in
            receiver.answer(status: status, body: "try later")
            let outcome = await deliver(to: receiver.url)
            #expect(outcome.isRetryable)
            #expect(outcome.reason?.contains("answered \(status)") == true)
            #expect(outcome.reason?.hasSuffix(": try later") == true)
        }
    }

    @Test(arguments: [400, 401, 403, 404, 409, 413, 415, 422])
    func otherClientErrorsRejectTheEvent(status: Int) async throws {
        try await withReceiver { receiver in
            receiver.answer(status: status, body: "bad event")
            let outcome = await deliver(to: receiver.url)
            #expect(outcome.isRejected)
            #expect(outcome.reason?.contains("\(receiver.url) answered \(status)") == true)
            #expect(outcome.reason?.hasSuffix("bad event") == true)
        }
    }

    @Test func notFoundNamesTheStatus() async throws {
        try await withReceiver { receiver in
            receiver.answer(status: 404)
            let outcome = await deliver(to: receiver.url(path: "/missing"))
            #expect(outcome == .rejected(reason: "\(receiver.url(path: "/missing")) answered 404 Not Found"))
        }
    }

    @Test(arguments: [301, 302, 307, 308])
    func redirectsAreNotFollowed(status: Int) async throws {
        try await withReceiver { receiver in
            receiver.redirect(to: receiver.url(path: "/elsewhere"), status: status)
            let outcome = await deliver(to: receiver.url)
            #expect(outcome.isRejected)
            #expect(outcome.reason?.contains("answered \(status)") == true)
            #expect(outcome.reason?.contains("redirect to \(receiver.url(path: "/elsewhere"))") == true)
            let requests = await receiver.requests()
            #expect(requests.map(\.target) == ["/"])
        }
    }

    @Test func aReceiverThatHangsTimesOutAsRetryableAndTheSinkRecovers() async throws {
        try await withReceiver { receiver in
            receiver.hang()
            let url = receiver.url
            let options = HTTPSinkOptions(connectTimeout: .seconds(5), requestTimeout: .milliseconds(500))
            let (first, recovered) = await DedicatedThread.run {
                let sink = HTTPSink(url: url, options: options)
                defer { sink.close() }
                let first = sink.deliver(sampleEvent)
                // The short timeout could also cut a good request on a loaded machine, so
                // recovery is polled for, a bounded number of times, rather than assumed at once.
                for _ in 0..<20 {
                    if sink.deliver(sampleEvent) == .delivered { return (first, true) }
                }
                return (first, false)
            }
            #expect(first.isRetryable)
            #expect(first.reason?.contains("timed out") == true)
            #expect(recovered)
        }
    }

    @Test func garbageInsteadOfHTTPIsRetryableAndTheSinkRecovers() async throws {
        try await withReceiver { receiver in
            receiver.sendGarbage()
            let outcomes = await deliver([sampleEvent, sampleEvent], to: receiver.url)
            #expect(outcomes[0].isRetryable)
            #expect(outcomes[0].reason?.hasPrefix("POST to \(receiver.url) failed:") == true)
            #expect(outcomes[1] == .delivered)
        }
    }

    @Test func aClosedConnectionIsRetryable() async throws {
        try await withReceiver { receiver in
            receiver.closeConnection()
            let outcomes = await deliver([sampleEvent, sampleEvent], to: receiver.url)
            #expect(outcomes[0].isRetryable)
            #expect(outcomes[1] == .delivered)
        }
    }

    @Test func connectionRefusedIsRetryable() async throws {
        let closed = try ReservedPort()
        defer { closed.close() }
        let url = "http://127.0.0.1:\(closed.port)/"
        let outcome = await deliver(to: url)
        #expect(outcome.isRetryable)
        #expect(outcome.reason?.hasPrefix("POST to \(url) failed: Couldn't connect to server") == true)
    }

    @Test func httpsVerifiesTheServerSoAPlainHTTPPortFailsRetryably() async throws {
        try await withReceiver { receiver in
            let outcome = await deliver(to: "https://127.0.0.1:\(receiver.port)/")
            #expect(outcome.isRetryable)
            #expect(outcome.reason?.contains("SSL") == true)
        }
    }

    @Test func aMissingCAFileIsAClearRetryableError() async throws {
        try await withReceiver { receiver in
            let options = HTTPSinkOptions(caFile: "/nonexistent/ca.pem")
            let outcome = await deliver(to: "https://127.0.0.1:\(receiver.port)/", options: options)
            #expect(outcome.isRetryable)
            #expect(outcome.reason?.contains("/nonexistent/ca.pem") == true || outcome.reason?.contains("CA") == true)
        }
    }

    @Test(arguments: ["http://", "ftp://example.com/", "stdout", "http://exa mple/", "file:///etc/passwd"])
    func anUnusableURLFailsEveryDeliveryRetryablyWithoutCrashing(url: String) async {
        let outcome = await deliver(to: url)
        #expect(outcome.isRetryable)
        #expect(outcome.reason?.hasPrefix("sink URL '\(url)' is unusable: ") == true)
    }

    /// A 2xx status line is the receiver's answer: a body that goes on and on is read only up to
    /// a small bound, and the event counts as delivered (it was re-sent for ever before).
    @Test func aTwoHundredWithAnEndlessBodyIsDelivered() async throws {
        try await withReceiver(defaultReaction: .respondWithoutEndingBody(status: 200, bodyBytes: 256 * 1024)) { receiver in
            #expect(await deliver(to: receiver.url) == .delivered)
            #expect(await receiver.requests().count == 1)
        }
    }

    /// The same when the body stops after a few bytes and never ends: the request timeout cuts
    /// the transfer, and the 2xx that already arrived still counts.
    @Test func aTwoHundredWhoseBodyHangsIsDeliveredAtTheRequestTimeout() async throws {
        try await withReceiver(defaultReaction: .respondWithoutEndingBody(status: 200, bodyBytes: 10)) { receiver in
            // Long enough for the status line to arrive on a loaded machine, short enough to cut the body.
            let options = HTTPSinkOptions(connectTimeout: TestTimeouts.request, requestTimeout: TestTimeouts.scaled(.seconds(5)))
            #expect(await deliver(to: receiver.url, options: options) == .delivered)
        }
    }

    /// An error status with an overlong body is still that error.
    @Test func aServiceUnavailableWithAnEndlessBodyStaysRetryable() async throws {
        try await withReceiver(defaultReaction: .respondWithoutEndingBody(status: 503, bodyBytes: 256 * 1024)) { receiver in
            let outcome = await deliver(to: receiver.url)
            #expect(outcome.isRetryable)
            #expect(outcome.reason?.contains("answered 503") == true)
        }
    }
}
