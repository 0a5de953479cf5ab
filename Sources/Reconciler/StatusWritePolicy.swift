import StructuredData

/// Decides when one EventSource's status is worth a write: never when nothing changed, at once
/// for a transition, and at most once per `counterInterval` when only counters moved.
///
/// It keeps what the server holds as far as it knows. That is our last write while the cache has
/// not caught up with it (the cached object is older), and what the cache shows once it is newer
/// than our write: then someone else wrote after us. Under `--shard-by lease` that happens at each
/// hand-over, when a replica that has not yet seen the new membership writes as the owner it no
/// longer is; the owner must write its own status back, or it stays wrong (Ready False, the wrong
/// `runningOn`) until something else changes.
public struct StatusWritePolicy: Sendable {
    public enum Decision: Sendable, Equatable {
        /// A phase, condition or generation changed (or nothing was written yet): write now.
        case writeTransition
        /// Only counters changed, or someone else's write is to be put right, and the last write is old enough.
        case writeCounters
        case skip
        /// As for `writeCounters`, but the last write was recent: try again after this long.
        case later(Duration)
    }

    public var counterInterval: Duration
    /// What the server holds as far as we know: our last write, or what we observed before or after it.
    public private(set) var lastWritten: JSONValue?
    /// True while `lastWritten` is someone else's write, observed after our own.
    public private(set) var overwritten = false
    /// Our own last write, to tell a change of our view from someone else's write.
    private var ownWrite: JSONValue?
    private var lastWriteTime: ContinuousClock.Instant?
    /// The resourceVersion `lastWritten` was read at or written as, and whether the cache has shown it.
    private var knownVersion: String?
    private var cacheReachedKnownVersion = false

    public init(counterInterval: Duration = .seconds(10)) {
        self.counterInterval = counterInterval
    }

    public func decide(_ status: JSONValue, now: ContinuousClock.Instant) -> Decision {
        guard let lastWritten else { return .writeTransition }
        if lastWritten == status { return .skip }
        if EventSourceStatus.significantPart(lastWritten) != EventSourceStatus.significantPart(status) {
            // Our own view did not change, only the server's copy did: put it right, but paced as
            // counters are, so two writers that disagree for good (two replicas without
            // --leader-elect) cost one write per interval each, never a storm.
            let ourViewUnchanged = ownWrite.map { EventSourceStatus.significantPart($0) == EventSourceStatus.significantPart(status) }
            guard overwritten, ourViewUnchanged == true else { return .writeTransition }
        }
        guard let lastWriteTime else { return .writeCounters }
        let due = lastWriteTime + counterInterval
        return now >= due ? .writeCounters : .later(now.duration(to: due))
    }

    /// Records a successful write; `version` and `serverHolds` are the resourceVersion and status
    /// the server answered with. A server that holds something else of significance after our write
    /// (it drops fields of ours, or another writer's came in between) is taken at its word: what
    /// differs is written again at the counter pace, never in a loop.
    public mutating func wrote(
        _ status: JSONValue, at time: ContinuousClock.Instant, version: String? = nil, serverHolds: JSONValue? = nil
    ) {
        ownWrite = status
        if let serverHolds, EventSourceStatus.significantPart(serverHolds) != EventSourceStatus.significantPart(status) {
            lastWritten = serverHolds
            overwritten = true
        } else {
            lastWritten = status
            overwritten = false
        }
        lastWriteTime = time
        knownVersion = version
        cacheReachedKnownVersion = false
    }

    /// What the cache holds now (the object's status and resourceVersion), before each decision:
    /// the first look, e.g. after a restart, so no write repeats what is there; later looks newer
    /// than our write, so a change someone else made is not taken for what we wrote. Only a change
    /// of the significant part counts: counters and a `null` that a merge patch dropped do not.
    public mutating func observed(_ status: JSONValue?, version: String? = nil) {
        guard let known = lastWritten else {
            lastWritten = status
            knownVersion = version
            cacheReachedKnownVersion = version != nil
            return
        }
        guard let version, let knownVersion else { return }
        if version == knownVersion {
            cacheReachedKnownVersion = true
            return
        }
        guard isNewer(version, than: knownVersion) else { return }
        self.knownVersion = version
        cacheReachedKnownVersion = true
        guard let status, EventSourceStatus.significantPart(status) != EventSourceStatus.significantPart(known) else { return }
        lastWritten = status
        overwritten = true
    }

    /// Kubernetes' resourceVersions are etcd revisions (and kube-testserver's counters): integers
    /// that grow. Should one not be, the watch's order still tells: once the cache showed the
    /// known version, any other it shows is later.
    private func isNewer(_ version: String, than known: String) -> Bool {
        if let version = Int(version), let known = Int(known) { return version > known }
        return cacheReachedKnownVersion
    }
}
