import Reconciler
import Synchronization

/// Under `--shard-by lease`, which replicas own which EventSource right now: the membership
/// service publishes each new set of live replicas here, and the reconciler and the status
/// writer read it without waiting for anything.
public final class ShardOwnership: Sendable {
    /// This replica's name: its consumer name, and its membership Lease's holder.
    public let identity: String
    public let replicasPerSource: Int
    private let current = Mutex<RendezvousAssignment?>(nil)

    public init(identity: String, replicasPerSource: Int) {
        self.identity = identity
        self.replicasPerSource = replicasPerSource
    }

    /// Nil until the membership Leases were first listed: before then no replica knows what it owns.
    public var assignment: RendezvousAssignment? { current.withLock { $0 } }

    /// The owners of one EventSource, highest rank first; nil while membership is not known yet.
    public func owners(of key: ObjectKey) -> [String]? { assignment?.owners(of: key) }

    /// The first owner writes the status and Events.
    public func writesStatus(of key: ObjectKey) -> Bool { owners(of: key)?.first == identity }

    /// Publishes the live replicas; true when that changed who owns what.
    @discardableResult
    func publish(live replicas: [String]) -> Bool {
        let next = RendezvousAssignment(replicas: replicas, replicasPerSource: replicasPerSource)
        return current.withLock { assignment in
            guard assignment != next else { return false }
            assignment = next
            return true
        }
    }
}
