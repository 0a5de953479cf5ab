import Adapter
import AdapterModel
import Sinks
import Synchronization
import TestSupport

/// A sink for in-process adapter tests: it keeps every event it accepts and can be told to refuse
/// everything. (Redis is always real; only the destination is replaced here, by a real in-memory
/// one. Scripted failures of single attempts are scenarios of the core: ConsumerScenarioTests.)
final class RecordingSink: SynchronousEventSink, Sendable {
    struct State {
        var events: [CloudEvent] = []
        var attempts = 0
        var rejectAll = false
    }

    private let state = Mutex(State())

    var events: [CloudEvent] { state.withLock { $0.events } }
    var attempts: Int { state.withLock { $0.attempts } }

    func rejectEverything(_ reject: Bool) {
        state.withLock { $0.rejectAll = reject }
    }

    func deliver(_ event: CloudEvent) -> DeliveryOutcome {
        state.withLock { state in
            state.attempts += 1
            if state.rejectAll { return .rejected(reason: "test rejects") }
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
