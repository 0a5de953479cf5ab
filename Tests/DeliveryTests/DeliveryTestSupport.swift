import Adapter
import EventSourceAPI
import Sinks
import StructuredData
import TestSupport

/// An event as the adapter builds it for entry 1700000000000-0 of stream `orders`.
let sampleEvent = CloudEvent(
    id: "orders-1700000000000-0", source: "redis-es", subject: "orders", time: "2024-01-02T03:04:05.678Z",
    data: [
        "stream": "orders", "message_id": "1700000000000-0",
        "values": ["kind": "created", "note": "say \"hi\"\n", "name": "café"],
    ])

/// Short, so a hanging receiver costs the test little; generous enough for a loaded machine.
/// Connect and request timeouts from TestTimeouts: a request under load must not fail before the wait around it.
let testOptions = HTTPSinkOptions(connectTimeout: TestTimeouts.request, requestTimeout: TestTimeouts.request)

/// Starts a receiver, runs `body`, and stops the receiver whether or not `body` threw.
func withReceiver<T>(
    defaultReaction: HTTPReceiver.Reaction = .ok, _ body: (HTTPReceiver) async throws -> T
) async throws -> T {
    let receiver = try await HTTPReceiver.start(defaultReaction: defaultReaction)
    do {
        let result = try await body(receiver)
        try await receiver.stop()
        return result
    } catch {
        try? await receiver.stop()
        throw error
    }
}

/// Creates a sink on a thread of its own, as an adapter does, delivers `events` in order
/// and closes it; libcurl's blocking calls never touch the cooperative pool.
func deliver(
    _ events: [CloudEvent], to url: String, mode: SinkSpec.Mode = .binary, options: HTTPSinkOptions = testOptions
) async -> [DeliveryOutcome] {
    await DedicatedThread.run(name: "http-sink-test") {
        let sink = HTTPSink(url: url, mode: mode, options: options)
        defer { sink.close() }
        return events.map { sink.deliver($0) }
    }
}

func deliver(
    _ event: CloudEvent = sampleEvent, to url: String, mode: SinkSpec.Mode = .binary,
    options: HTTPSinkOptions = testOptions
) async -> DeliveryOutcome {
    await deliver([event], to: url, mode: mode, options: options)[0]
}

extension DeliveryOutcome {
    var reason: String? {
        switch self {
        case .delivered: return nil
        case .retryable(let reason, _), .rejected(let reason): return reason
        }
    }

    var isRetryable: Bool {
        if case .retryable = self { return true }
        return false
    }

    var isRejected: Bool {
        if case .rejected = self { return true }
        return false
    }

    var retryAfter: Duration? {
        if case .retryable(_, let retryAfter) = self { return retryAfter }
        return nil
    }
}
