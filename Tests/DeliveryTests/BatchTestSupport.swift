import Adapter
import EventSourceAPI
import Sinks
import StructuredData
import TestSupport
import Dispatch
import Synchronization

/// `count` events with distinct ids `batch-0`, `batch-1`, …, each otherwise like `sampleEvent`,
/// so a request at the receiver can be matched to its event by its ce-id.
func numberedEvents(_ count: Int, prefix: String = "batch") -> [CloudEvent] {
    (0..<count).map { index in
        var event = sampleEvent
        event.id = "\(prefix)-\(index)"
        event.data = ["stream": "orders", "message_id": .string("1700000000000-\(index)")]
        return event
    }
}

/// Runs `body` with one sink on a thread of its own, as an adapter does, and closes the sink.
func withSink<T: Sendable>(
    _ url: String, mode: SinkSpec.Mode = .binary, options: HTTPSinkOptions = testOptions,
    _ body: @escaping @Sendable (HTTPSink) -> T
) async -> T {
    await DedicatedThread.run(name: "http-sink-test") {
        let sink = HTTPSink(url: url, mode: mode, options: options)
        defer { sink.close() }
        return body(sink)
    }
}

extension HTTPSinkOptions {
    static func testing(connections: Int, requestTimeout: Duration = TestTimeouts.request) -> HTTPSinkOptions {
        HTTPSinkOptions(connectTimeout: TestTimeouts.request, requestTimeout: requestTimeout, connections: connections)
    }
}

/// Pairs each event's outcome with the one request that carried it, by ce-id.
func requestsByEventID(_ requests: [HTTPReceiver.ReceivedRequest]) -> [String: HTTPReceiver.ReceivedRequest] {
    var byID: [String: HTTPReceiver.ReceivedRequest] = [:]
    for request in requests {
        if let id = request.header("ce-id") { byID[id] = request }
    }
    return byID
}

/// Lets a test act between two steps of a sink's thread: the thread signals and blocks until
/// the test releases it. Blocking is fine there; the test itself only polls.
final class ThreadHandOff: Sendable {
    private let waiting = Atomic<Bool>(false)
    private let gate = DispatchSemaphore(value: 0)

    var isWaiting: Bool { waiting.load(ordering: .acquiring) }

    /// On the sink's thread.
    func signalAndWait() {
        waiting.store(true, ordering: .releasing)
        gate.wait()
    }

    /// From the test; at most once.
    func release() {
        gate.signal()
    }
}
