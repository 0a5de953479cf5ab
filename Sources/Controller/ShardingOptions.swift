/// `--shard-by lease`: each replica runs only the EventSources it owns.
public struct ShardingOptions: Sendable {
    /// Owners per EventSource (`--replicas-per-source`); they share its entries through the consumer group.
    public var replicasPerSource: Int
    public var leaseNamespace: String
    /// Each replica's membership Lease is named `<leaseName>-<replica>`.
    public var leaseName: String
    /// A replica whose Lease was not renewed this long (on the observer's clock) has left.
    public var leaseDuration: Duration
    /// How often each replica renews its Lease and looks for expired ones.
    public var renewPeriod: Duration

    public init(
        replicasPerSource: Int = 1, leaseNamespace: String, leaseName: String = "redis-eventsource-controller",
        leaseDuration: Duration = .seconds(15), renewPeriod: Duration = .seconds(2)
    ) {
        self.replicasPerSource = replicasPerSource
        self.leaseNamespace = leaseNamespace
        self.leaseName = leaseName
        self.leaseDuration = leaseDuration
        self.renewPeriod = renewPeriod
    }

    /// Every membership Lease's name starts so.
    public var leasePrefix: String { "\(leaseName)-" }
    /// The label every membership Lease carries, valued `leaseName`, so replicas list each other and nothing else.
    public static let membershipLabel = "redis-eventsource/shard-group"
}
