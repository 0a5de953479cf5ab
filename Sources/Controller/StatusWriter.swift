import KubeClient
import Logging
import Metrics
import Reconciler
import StructuredData

/// Writes EventSource status through the `/status` subresource, only as leader, never when
/// nothing changed, counters at most once per interval per object, and at most N writes per second.
public actor StatusWriter {
    public enum Outcome: Sendable, Equatable {
        case written
        case unchanged
        /// Not written yet: look again after this long.
        case retryAfter(Duration)
        case notLeader
    }

    private let client: KubeClient
    private let leadership: Leadership
    private let counterInterval: Duration
    /// Names this replica in `managedFields`, so `kubectl get -o yaml --show-managed-fields` tells who wrote.
    private let fieldManager: String
    private var policies: [ObjectKey: StatusWritePolicy] = [:]
    private var bucket: TokenBucket
    public private(set) var writes = 0
    private let writeCounter = Counter(label: "redis_eventsource_status_writes_total")

    public init(
        client: KubeClient, leadership: Leadership, counterInterval: Duration, writesPerSecond: Double, fieldManager: String
    ) {
        self.client = client
        self.fieldManager = fieldManager
        self.leadership = leadership
        self.counterInterval = counterInterval
        bucket = TokenBucket(rate: writesPerSecond, burst: max(1, Int(writesPerSecond)))
    }

    /// Writes `status` for the object if the policies allow; `current` is the object as cached.
    public func submit(_ status: JSONValue, for key: ObjectKey, current: JSONValue) async throws(KubeError) -> Outcome {
        guard leadership.isLeader else {
            // A new leader starts from what the server holds, not from what it last wrote itself.
            policies[key] = nil
            return .notLeader
        }
        var policy = policies[key] ?? StatusWritePolicy(counterInterval: counterInterval)
        policy.observed(current["status"])
        defer { policies[key] = policy }
        let now = ContinuousClock.now
        switch policy.decide(status, now: now) {
        case .skip: return .unchanged
        case .later(let wait): return .retryAfter(wait)
        case .write: break
        }
        if let wait = bucket.take(now: now) { return .retryAfter(wait) }
        // Diff against our own last write: the cache may not have caught up with it yet.
        let patch = MergePatchDiff.make(from: policy.lastWritten ?? current["status"], to: status)
        _ = try await client.patch(
            EventSourceResource.eventSources, name: key.name, namespace: key.namespace, .merge(["status": patch]),
            subresource: "status", fieldManager: fieldManager)
        policy.wrote(status, at: ContinuousClock.now)
        writes += 1
        writeCounter.increment()
        return .written
    }

    public func forget(_ key: ObjectKey) {
        policies[key] = nil
    }
}
