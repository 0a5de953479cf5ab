import CNats
import EventSourceAPI
import Metrics
import Synchronization

/// One sink's batch in flight: which events are published, which are answered, and the
/// completion to call once every published event is. Filled in by `JetStreamAckRouter` on
/// libnats' PubAck thread, which also publishes the next events as answers make room in the
/// window, so no thread ever waits for the batch.
final class JetStreamAckCollector: Sendable {
    typealias Completion = @Sendable ([DeliveryOutcome?]) -> Void

    private struct Batch: ~Copyable {
        var events: [CloudEvent] = []
        /// Indices of the events published and not yet answered, by id: JetStream answers a
        /// repeated id (its duplicate) like the first, so each answer settles the oldest.
        var unanswered: [String: [Int]] = [:]
        var outcomes: [DeliveryOutcome?] = []
        var next = 0
        var inFlight = 0
        /// Set when a publish call failed: nothing more goes out.
        var stopped = false
        /// Whether a thread is publishing now; it publishes in order, one at a time, so the
        /// batch keeps its order even though answers come in on another thread.
        var publishing = false
        var window = 1
        var publisher: JetStreamPublisher?
        var completion: Completion?
        var started = ContinuousClock.now
        /// Batches handed over while this one is in flight; each starts once the one before is
        /// answered, so batches never overtake each other.
        var waiting: [Waiting] = []
    }

    private struct Waiting {
        let events: [CloudEvent]
        let publisher: JetStreamPublisher
        let window: Int
        let completion: Completion
    }

    private let batch = Mutex(Batch())
    /// From the start of a batch's publishing to each message's PubAck.
    private let publishLatency: Timer?
    init(publishLatency: Timer? = nil) {
        self.publishLatency = publishLatency
    }

    /// Starts a batch and publishes the first window of it on the calling thread, or queues it
    /// behind the batch in flight.
    func begin(
        _ events: [CloudEvent], publisher: JetStreamPublisher, window: Int, completion: @escaping Completion
    ) {
        let next = Waiting(events: events, publisher: publisher, window: window, completion: completion)
        let started = batch.withLock { batch -> Bool in
            guard batch.completion == nil else {
                batch.waiting.append(next)
                return false
            }
            Self.install(next, in: &batch)
            return true
        }
        if started { publishWhatFits() }
    }

    private static func install(_ next: Waiting, in batch: inout Batch) {
        batch.events = next.events
        batch.unanswered = [:]
        batch.outcomes = Array(repeating: nil, count: next.events.count)
        batch.next = 0
        batch.inFlight = 0
        batch.stopped = false
        batch.publishing = false
        batch.window = max(1, next.window)
        batch.publisher = next.publisher
        batch.completion = next.completion
        batch.started = .now
    }

    func record(id: String, outcome: DeliveryOutcome) {
        let started = batch.withLock { batch -> ContinuousClock.Instant? in
            guard var indices = batch.unanswered[id], !indices.isEmpty else { return nil }
            let index = indices.removeFirst()
            batch.unanswered[id] = indices.isEmpty ? nil : indices
            batch.outcomes[index] = outcome
            batch.inFlight -= 1
            return batch.started
        }
        guard let started else { return }
        if outcome == .delivered { publishLatency?.record(duration: ContinuousClock.now - started) }
        publishWhatFits()
    }

    /// Ends the batch now (the sink closes): what is still unanswered comes back retryable, and
    /// a batch still waiting is not tried.
    func abandon(reason: String) {
        let (finished, waiting) = batch.withLock { batch -> ((Completion, [DeliveryOutcome?])?, [Waiting]) in
            let waiting = batch.waiting
            batch.waiting = []
            guard let completion = batch.completion else { return (nil, waiting) }
            for indices in batch.unanswered.values {
                for index in indices { batch.outcomes[index] = .retryable(reason: reason) }
            }
            batch.unanswered = [:]
            batch.inFlight = 0
            batch.stopped = true
            return (take(&batch).map { (completion, $0) }, waiting)
        }
        if let (completion, outcomes) = finished { completion(outcomes) }
        for batch in waiting {
            var outcomes = [DeliveryOutcome?](repeating: nil, count: batch.events.count)
            if !outcomes.isEmpty { outcomes[0] = .retryable(reason: reason) }
            batch.completion(outcomes)
        }
    }

    /// Publishes, in order, while the window has room; then completes the batch if every
    /// published event is answered. One thread at a time does this; another that finds it busy
    /// leaves the work to it, which sees the room that thread's answer made.
    private func publishWhatFits() {
        while true {
            let step = batch.withLock { batch -> Step in
                if batch.completion == nil { return .idle }
                if batch.publishing { return .idle }
                if !batch.stopped, batch.next < batch.events.count, batch.inFlight < batch.window,
                    let publisher = batch.publisher
                {
                    let index = batch.next
                    batch.next += 1
                    batch.inFlight += 1
                    batch.unanswered[batch.events[index].id, default: []].append(index)
                    batch.publishing = true
                    return .publish(index, batch.events[index], publisher)
                }
                if batch.inFlight == 0, let completion = batch.completion, let outcomes = take(&batch) {
                    // The next batch takes over in the same step, so a new one cannot overtake it.
                    if !batch.waiting.isEmpty { Self.install(batch.waiting.removeFirst(), in: &batch) }
                    return .complete(completion, outcomes)
                }
                return .idle
            }
            switch step {
            case .idle:
                return
            case .complete(let completion, let outcomes):
                completion(outcomes)
                // A batch that took over goes out from here (nothing happens when none did).
                continue
            case .publish(let index, let event, let publisher):
                let status = publisher.publish(event)
                batch.withLock { batch in
                    batch.publishing = false
                    guard status != NATS_OK else { return }
                    batch.unanswered[event.id]?.removeAll { $0 == index }
                    if batch.unanswered[event.id]?.isEmpty == true { batch.unanswered[event.id] = nil }
                    batch.inFlight -= 1
                    let error = JetStreamError.nats("publishing to \(publisher.subject) failed", status)
                    guard status != NATS_MAX_PAYLOAD else {
                        // This event alone is over the server's max_payload: no retry sends it, and
                        // the events behind it are not held up (as an HTTP 413).
                        batch.outcomes[index] = .rejected(reason: error.description)
                        return
                    }
                    // Not published: this event fails, the rest of the batch is not tried.
                    batch.stopped = true
                    batch.outcomes[index] = .retryable(reason: error.description)
                }
            }
        }
    }

    private enum Step {
        case idle
        case publish(Int, CloudEvent, JetStreamPublisher)
        case complete(Completion, [DeliveryOutcome?])
    }

    /// The finished batch's outcomes, leaving the collector ready for the next batch.
    private func take(_ batch: inout Batch) -> [DeliveryOutcome?]? {
        guard batch.completion != nil else { return nil }
        let outcomes = batch.outcomes
        batch.completion = nil
        batch.publisher = nil
        batch.events = []
        batch.outcomes = []
        return outcomes
    }
}
