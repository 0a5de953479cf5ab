import KubeClient
import Logging
import Metrics
import Reconciler
import StructuredData
import Timing

/// Writes EventSource status through the `/status` subresource, only as leader, never when
/// nothing changed. Transitions (phases, conditions) are written at once; changes of counters
/// alone at most once per interval per object and at most N per second overall; a counter write
/// that has to wait says how long, and the reconcile asks to run again then.
public actor StatusWriter {
    public enum Outcome: Sendable, Equatable {
        case written
        case unchanged
        /// Only counters changed and their write is not due yet: try again after this long.
        case deferred(Duration)
        case notLeader
    }

    private let client: KubeClient
    private let leadership: Leadership
    private let counterInterval: Duration
    /// Names this replica in `managedFields`, so `kubectl get -o yaml --show-managed-fields` tells who wrote.
    private let fieldManager: String
    private var policies: [ObjectKey: StatusWritePolicy] = [:]
    private var bucket: TokenBucket
    /// Counter writes waiting for the bucket, each with the slot it reserved.
    private var reservations: [ObjectKey: ContinuousClock.Instant] = [:]
    public private(set) var writes = 0
    /// False once a `/status` write came back 404 for an object that exists: the CRD has no status
    /// subresource (Argo Events' own CRD, for one), so status goes through the main endpoint.
    public private(set) var usesStatusSubresource = true
    private let writeCounter = Counter(label: "redis_eventsource_status_writes_total")
    private let clock: AnyClock
    private let logger: Logger
    /// The policies and the bucket count in continuous instants; this maps the clock's onto them.
    private let origin = ContinuousClock.now

    public init(
        client: KubeClient, leadership: Leadership, counterInterval: Duration, writesPerSecond: Double, fieldManager: String,
        clock: some Clock<Duration> = ContinuousClock(), logger: Logger = Logger(label: "redis-eventsource")
    ) {
        self.client = client
        self.logger = logger
        self.fieldManager = fieldManager
        self.leadership = leadership
        self.counterInterval = counterInterval
        self.clock = AnyClock(clock)
        bucket = TokenBucket(rate: writesPerSecond, burst: max(1, Int(writesPerSecond)), now: origin)
    }

    private var now: ContinuousClock.Instant { origin + clock.now.offset }

    /// Writes `status` for the object if the policies allow; `current` is the object as cached.
    public func submit(_ status: JSONValue, for key: ObjectKey, current: JSONValue) async throws(KubeError) -> Outcome {
        var status = status
        if !usesStatusSubresource {
            // Without the subresource every status write bumps metadata.generation, so reporting
            // observedGeneration would change the status again with each write, for ever.
            status["observedGeneration"] = nil
        }
        guard leadership.writesStatus(of: key) else {
            // A new leader starts from what the server holds, not from what it last wrote itself.
            policies[key] = nil
            reservations[key] = nil
            return .notLeader
        }
        var policy = policies[key] ?? StatusWritePolicy(counterInterval: counterInterval)
        let wasOverwritten = policy.overwritten
        policy.observed(current["status"], version: current["metadata"]?["resourceVersion"]?.stringValue)
        if policy.overwritten && !wasOverwritten {
            logger.info("the status of \(key.kind) \(key) was changed by another writer after ours; writing ours back")
        }
        defer { policies[key] = policy }
        status = Self.carryingTransitionTimes(status, from: policy.lastWritten)
        let now = self.now
        switch policy.decide(status, now: now) {
        case .skip: return .unchanged
        case .later(let wait): return .deferred(wait)
        case .writeCounters:
            // One rate-limited queue for every EventSource: a write that must wait holds a slot.
            if let slot = reservations[key] {
                if now < slot { return .deferred(now.duration(to: slot)) }
                reservations[key] = nil
            } else {
                let wait = bucket.reserve(now: now)
                if wait > .zero {
                    reservations[key] = now + wait
                    return .deferred(wait)
                }
            }
        case .writeTransition: break
        }
        // Diff against our own last write: the cache may not have caught up with it yet.
        var written = try await patchStatus(MergePatchDiff.make(from: policy.lastWritten ?? current["status"], to: status), key)
        if let held = written["status"], EventSourceStatus.significantPart(held) != EventSourceStatus.significantPart(status) {
            // What we diffed against was not what the server held: a cache behind another writer's
            // status (a sharded hand-over), so the fields both of us set to the same value went
            // unsent and the server now holds a mix. Its answer is the truth; send the rest once more.
            logger.info("the status of \(key.kind) \(key) held another writer's fields; writing the rest of ours")
            written = try await patchStatus(MergePatchDiff.make(from: held, to: status), key)
            writes += 1
            writeCounter.increment()
        }
        policy.wrote(status, at: self.now, version: written["metadata"]?["resourceVersion"]?.stringValue, serverHolds: written["status"])
        writes += 1
        writeCounter.increment()
        return .written
    }

    /// One merge patch of the status; on a 404 from `/status` it finds out whether the object is
    /// gone or its CRD has no status subresource (then the main endpoint takes status writes).
    private func patchStatus(_ patch: JSONValue, _ key: ObjectKey) async throws(KubeError) -> JSONValue {
        do {
            return try await write(patch, key)
        } catch where error.isNotFound && usesStatusSubresource {
            usesStatusSubresource = false
            do {
                return try await write(patch, key)
            } catch {
                usesStatusSubresource = true
                throw error
            }
        }
    }

    /// Returns the object as the server holds it after the write.
    private func write(_ patch: JSONValue, _ key: ObjectKey) async throws(KubeError) -> JSONValue {
        try await client.patch(
            EventSourceResource.resource(of: key.kind), name: key.name, namespace: key.namespace, .merge(["status": patch]),
            subresource: usesStatusSubresource ? "status" : nil, fieldManager: fieldManager)
    }

    /// The status was rendered against the cached object, which may not show our last write yet:
    /// its conditions then got a new transition time, which would look like a transition (written
    /// at once, outside the counter pacing) and move `lastTransitionTime` with nothing changed.
    /// What we last wrote is the newer previous state, so unchanged conditions keep its times.
    private static func carryingTransitionTimes(_ status: JSONValue, from written: JSONValue?) -> JSONValue {
        let earlier = Condition.list(from: written)
        guard !earlier.isEmpty, let conditions = status["conditions"]?.arrayValue else { return status }
        var status = status
        status["conditions"] = .array(
            conditions.map { item in
                guard let time = item["lastTransitionTime"]?.stringValue,
                    let current = Condition.list(from: ["conditions": .array([item])]).first
                else { return item }
                let carried = current.carryingTransitionTime(from: earlier).lastTransitionTime
                guard carried != time else { return item }
                var item = item
                item["lastTransitionTime"] = .string(carried)
                return item
            })
        return status
    }

    public func forget(_ key: ObjectKey) {
        policies[key] = nil
        reservations[key] = nil
    }
}
