import Metrics
import Synchronization

/// The outcomes of one sink's batch in flight, filled in by `JetStreamAckRouter` from libnats'
/// delivery thread while the adapter's thread waits. An event-loop runtime can read it the same
/// way once `settledCount` reaches the number published.
final class JetStreamAckCollector: Sendable {
    private struct Batch: ~Copyable {
        var indexByID: [String: Int] = [:]
        var outcomes: [DeliveryOutcome?] = []
        var settled = 0
        var started = ContinuousClock.now
    }

    private let batch = Mutex(Batch())
    /// From the start of a batch's publishing to each message's PubAck.
    private let publishLatency: Timer?

    init(publishLatency: Timer? = nil) {
        self.publishLatency = publishLatency
    }

    /// Starts a batch: acks for ids not in it (left over from an earlier batch) are ignored.
    func begin(ids: [String]) {
        batch.withLock { batch in
            batch.indexByID = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            batch.outcomes = Array(repeating: nil, count: ids.count)
            batch.settled = 0
            batch.started = .now
        }
    }

    func record(id: String, outcome: DeliveryOutcome) {
        let started = batch.withLock { batch -> ContinuousClock.Instant? in
            guard let index = batch.indexByID[id], batch.outcomes[index] == nil else { return nil }
            batch.outcomes[index] = outcome
            batch.settled += 1
            return batch.started
        }
        if let started, outcome == .delivered { publishLatency?.record(duration: ContinuousClock.now - started) }
    }

    var settledCount: Int { batch.withLock { $0.settled } }

    /// The outcomes so far, one per id given to `begin`, and ends the batch.
    func finish() -> [DeliveryOutcome?] {
        batch.withLock { batch in
            batch.indexByID = [:]
            return batch.outcomes
        }
    }
}
