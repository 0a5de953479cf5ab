import KubeClient
import Reconciler

/// Whether this replica may write an EventSource's status and Events. Without leader election it
/// always may; with it, exactly while its `LeaderElector` holds the Lease: the elector is the one
/// place that knows. Sharded (`--shard-by lease`), for the EventSources whose first owner it is.
/// Consumption never depends on it.
public struct Leadership: Sendable {
    private let elector: LeaderElector?
    private let shards: ShardOwnership?
    private let fixed: Bool

    /// Leads always (`true`, no leader election) or never.
    public init(leading: Bool) {
        elector = nil
        shards = nil
        fixed = leading
    }

    public init(elector: LeaderElector) {
        self.elector = elector
        shards = nil
        fixed = false
    }

    public init(shards: ShardOwnership) {
        elector = nil
        self.shards = shards
        fixed = false
    }

    /// Leads as a whole: the leader elector's say. Sharded, no replica leads them all.
    public var isLeader: Bool { elector?.isLeader ?? (shards == nil && fixed) }

    /// Writes this EventSource's status and Events.
    public func writesStatus(of key: ObjectKey) -> Bool {
        if let shards { return shards.writesStatus(of: key) }
        return isLeader
    }
}
