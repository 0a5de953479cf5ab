import Adapter
import Sinks
import StructuredData
import Testing
import TestSupport

/// What arrives at a real receiver, compared with hand-written expectations, byte for byte.
@Suite struct CloudEventHTTPBindingTests {
    private static let expectedData =
        #"{"stream":"orders","message_id":"1700000000000-0","values":{"kind":"created","note":"say \"hi\"\n","name":"café"}}"#

    @Test func binaryModePutsAttributesInHeadersAndDataInTheBody() async throws {
        try await withReceiver { receiver in
            let outcome = await deliver(to: receiver.url(path: "/events?source=redis"))
            #expect(outcome == .delivered)
            let request = try #require(try await receiver.waitForRequests(1).first)
            #expect(request.method == "POST")
            #expect(request.target == "/events?source=redis")
            let expectedHeaders = [
                "Host: 127.0.0.1:\(receiver.port)",
                "User-Agent: redis-eventsource",
                "Accept: */*",
                "ce-id: orders-1700000000000-0",
                "ce-source: redis-es",
                "ce-specversion: 1.0",
                "ce-type: redisStream",
                "ce-subject: orders",
                "ce-time: 2024-01-02T03:04:05.678Z",
                "Content-Type: application/json",
                "Content-Length: \(Self.expectedData.utf8.count)",
            ]
            #expect(request.headers.map { "\($0.name): \($0.value)" } == expectedHeaders)
            #expect(request.body == Array(Self.expectedData.utf8))
        }
    }

    @Test func structuredModeSendsTheWholeEventAsCloudEventsJSON() async throws {
        try await withReceiver { receiver in
            let outcome = await deliver(to: receiver.url, mode: .structured)
            #expect(outcome == .delivered)
            let request = try #require(try await receiver.waitForRequests(1).first)
            let expectedBody =
                #"{"id":"orders-1700000000000-0","source":"redis-es","specversion":"1.0","type":"redisStream","#
                + #""datacontenttype":"application/json","subject":"orders","time":"2024-01-02T03:04:05.678Z","#
                + #""data":"# + Self.expectedData + "}"
            let expectedHeaders = [
                "Host: 127.0.0.1:\(receiver.port)",
                "User-Agent: redis-eventsource",
                "Accept: */*",
                "Content-Type: application/cloudevents+json",
                "Content-Length: \(expectedBody.utf8.count)",
            ]
            #expect(request.method == "POST")
            #expect(request.target == "/")
            #expect(request.headers.map { "\($0.name): \($0.value)" } == expectedHeaders)
            #expect(request.body == Array(expectedBody.utf8))
        }
    }

    @Test func headerValuesArePercentEncodedAsTheBindingRequires() async throws {
        var event = sampleEvent
        event.id = "100% \"done\""
        event.source = "tab\there/and~back!#$&'()*+,:;=?@[]"
        event.subject = "café ✓\r\nX-Injected: yes"
        try await withReceiver { receiver in
            #expect(await deliver(event, to: receiver.url) == .delivered)
            let request = try #require(try await receiver.waitForRequests(1).first)
            #expect(request.header("ce-id") == "100%25%20%22done%22")
            #expect(request.header("ce-source") == "tab%09here/and~back!#$&'()*+,:;=?@[]")
            #expect(request.header("ce-subject") == "caf%C3%A9%20%E2%9C%93%0D%0AX-Injected:%20yes")
            #expect(request.header("X-Injected") == nil)
        }
    }

    @Test func expectContinueIsNeverSentEvenForLargeBodies() async throws {
        var event = sampleEvent
        event.data = ["big": .string(String(repeating: "x", count: 2_000_000))]
        try await withReceiver { receiver in
            #expect(await deliver(event, to: receiver.url) == .delivered)
            let request = try #require(try await receiver.waitForRequests(1).first)
            #expect(request.header("Expect") == nil)
            #expect(request.body.count == 2_000_000 + #"{"big":""}"#.utf8.count)
        }
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("a b", "a%20b"),
        ("\"", "%22"),
        ("%", "%25"),
        ("!~", "!~"),
        ("\u{7F}\u{0}", "%7F%00"),
        ("ü", "%C3%BC"),
        ("😀", "%F0%9F%98%80"),
    ])
    func percentEncoding(input: String, expected: String) {
        #expect(CloudEventHTTPMessage.percentEncoded(input) == expected)
    }
}
