import Adapter
import AdapterModel
import Sinks
import Synchronization
import TestSupport

/// A sink for in-process adapter tests: it keeps every event it accepts and can be told to fail.
/// (Redis is always real; only the destination is replaced here, by a real in-memory one.)
final class RecordingSink: SynchronousEventSink, Sendable {
    struct State {
        var events: [CloudEvent] = []
        var attempts = 0
        var failuresLeft = 0
        var rejectAll = false
        /// Attempt numbers (from 1) that fail as retryable.
        var failingAttempts: Set<Int> = []
    }

    private let state = Mutex(State())

    var events: [CloudEvent] { state.withLock { $0.events } }
    var attempts: Int { state.withLock { $0.attempts } }

    /// The next `count` deliveries fail as retryable.
    func failNext(_ count: Int) {
        state.withLock { $0.failuresLeft = count }
    }

    /// These attempts (counted from 1 over the sink's life) fail as retryable.
    func failAttempts(_ numbers: Set<Int>) {
        state.withLock { $0.failingAttempts = numbers }
    }

    func rejectEverything(_ reject: Bool) {
        state.withLock { $0.rejectAll = reject }
    }

    func deliver(_ event: CloudEvent) -> DeliveryOutcome {
        state.withLock { state in
            state.attempts += 1
            if state.rejectAll { return .rejected(reason: "test rejects") }
            if state.failingAttempts.contains(state.attempts) { return .retryable(reason: "test failure") }
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                return .retryable(reason: "test failure")
            }
            state.events.append(event)
            return .delivered
        }
    }

    func close() {}

    func messageIDs() -> [String] {
        events.compactMap { $0.data["message_id"]?.stringValue }
    }
}

extension AdapterFixture {
    /// An adapter whose sink is `sink`, shared with the test so it can look at what arrived.
    func startAdapter(_ configuration: AdapterConfiguration, sink: RecordingSink) -> StreamAdapter {
        startAdapter(configuration) { _ in sink }
    }
}
