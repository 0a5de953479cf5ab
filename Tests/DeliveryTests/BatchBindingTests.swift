import Adapter
import Sinks
import StructuredData
import Testing
import TestSupport

/// Requests sent in batches are still exactly the binding's, byte for byte, when the reused
/// transfers carry events whose attributes and body sizes differ from one to the next.
@Suite struct BatchBindingTests {
    private static let longSubject = String(repeating: "s", count: 100)

    /// Values that change from event to event: a long body then short ones, a subject that needs
    /// percent-encoding, one longer than any before, and back to the first event's attributes.
    private static let events: [CloudEvent] = [
        event("a", source: "redis-es", subject: "orders", second: 5, payload: String(repeating: "x", count: 3000)),
        event("b", source: "redis-es", subject: "refunds and returns", second: 5, payload: "short"),
        event("c", source: "other-source", subject: longSubject, second: 6, payload: ""),
        event("d", source: "redis-es", subject: "orders", second: 5, payload: "x"),
    ]

    private static func event(_ id: String, source: String, subject: String, second: Int, payload: String) -> CloudEvent {
        CloudEvent(id: id, source: source, subject: subject, time: "2024-01-02T03:04:0\(second)Z", data: ["n": .string(payload)])
    }

    private static func expectedBinaryHeaders(_ event: CloudEvent, port: Int, subject: String) -> [String] {
        [
            "Host: 127.0.0.1:\(port)", "User-Agent: redis-eventsource", "Accept: */*",
            "ce-id: \(event.id)", "ce-source: \(event.source)", "ce-specversion: 1.0", "ce-type: redisStream",
            "ce-subject: \(subject)", "ce-time: \(event.time)", "Content-Type: application/json",
            "Content-Length: \(binaryBody(event).utf8.count)",
        ]
    }

    private static func binaryBody(_ event: CloudEvent) -> String {
        #"{"n":"\#(event.data["n"]?.stringValue ?? "")"}"#
    }

    private static func structuredBody(_ event: CloudEvent) -> String {
        #"{"id":"\#(event.id)","source":"\#(event.source)","specversion":"1.0","type":"redisStream","#
            + #""datacontenttype":"application/json","subject":"\#(event.subject)","time":"\#(event.time)","#
            + #""data":"# + binaryBody(event) + "}"
    }

    @Test(arguments: [1, 3])
    func binaryModeStaysExact(connections: Int) async throws {
        try await withReceiver { receiver in
            let outcomes = await withSink(receiver.url, options: .testing(connections: connections)) { sink in
                [sink.deliver(batch: Self.events), sink.deliver(batch: Self.events)]
            }
            #expect(outcomes.flatMap { $0 } == Array(repeating: .delivered, count: 8))
            let requests = try await receiver.waitForRequests(8)
            let subjects = ["a": "orders", "b": "refunds%20and%20returns", "c": Self.longSubject, "d": "orders"]
            for request in requests {
                let id = try #require(request.header("ce-id"))
                let event = try #require(Self.events.first { $0.id == id })
                #expect(request.method == "POST")
                #expect(request.target == "/")
                #expect(
                    request.headers.map { "\($0.name): \($0.value)" }
                        == Self.expectedBinaryHeaders(event, port: receiver.port, subject: subjects[id]!))
                #expect(request.body == Array(Self.binaryBody(event).utf8))
            }
            #expect(requests.compactMap { $0.header("ce-id") }.sorted() == ["a", "a", "b", "b", "c", "c", "d", "d"])
        }
    }

    @Test(arguments: [1, 3])
    func structuredModeStaysExact(connections: Int) async throws {
        try await withReceiver { receiver in
            let outcomes = await withSink(receiver.url, mode: .structured, options: .testing(connections: connections)) {
                sink in [sink.deliver(batch: Self.events), sink.deliver(batch: Self.events)]
            }
            #expect(outcomes.flatMap { $0 } == Array(repeating: .delivered, count: 8))
            let requests = try await receiver.waitForRequests(8)
            let expectedBodies = Self.events.map { Self.structuredBody($0) }
            #expect(requests.map(\.bodyText).sorted() == (expectedBodies + expectedBodies).sorted())
            for request in requests {
                #expect(
                    request.headers.map { "\($0.name): \($0.value)" } == [
                        "Host: 127.0.0.1:\(receiver.port)", "User-Agent: redis-eventsource", "Accept: */*",
                        "Content-Type: application/cloudevents+json", "Content-Length: \(request.body.count)",
                    ])
            }
        }
    }
}
