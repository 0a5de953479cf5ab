import Adapter
import EventSourceAPI
import Sinks

/// How the operator runs; the `controller` command's flags fill it in.
public struct ControllerOptions: Sendable {
    /// Watch one namespace; nil watches all.
    public var namespace: String?
    /// Which kinds to act on. Here an EventSource controller by default, as the in-process callers
    /// expect; the `controller` command's own default is `WatchedKinds.safeDefault`.
    public var watch: WatchedKinds
    /// For EventSources without `spec.sink`; nil means such entries do not start.
    public var defaultSink: SinkSpec?
    /// This replica's name in every consumer group.
    public var consumerName: String
    /// Act only on EventSources with these labels (a Kubernetes label selector).
    public var labelSelector: String?
    public var leaderElection: LeaderElectionOptions?
    /// `--shard-by lease`; nil runs every EventSource (one replica, or active-active).
    public var sharding: ShardingOptions?
    public var workers: Int
    /// How often every EventSource is looked at again: the safety net of a level-triggered
    /// controller. Phase changes need no resync (adapters report them at once), and counters
    /// reach the status through one sweep over all adapters every `statusCounterInterval`, which
    /// queues only the EventSources whose figures moved.
    public var resyncInterval: Duration
    /// Counter-only status changes are written at most this often per object; also the period of the counter sweep.
    public var statusCounterInterval: Duration
    /// Status writes per second across all objects.
    public var statusWritesPerSecond: Double
    /// How long graceful shutdown may take in all (the service group's limit); then it is cancelled.
    public var shutdownTimeout: Duration
    /// How sinks talk to their receivers (HTTP connections, CA file, JetStream window and login).
    public var sinkOptions: SinkOptions

    public init(
        namespace: String? = nil, watch: WatchedKinds = .eventSources, defaultSink: SinkSpec? = nil, consumerName: String, labelSelector: String? = nil,
        leaderElection: LeaderElectionOptions? = nil, sharding: ShardingOptions? = nil, workers: Int = 4, resyncInterval: Duration = .seconds(300),
        statusCounterInterval: Duration = .seconds(10), statusWritesPerSecond: Double = 20,
        shutdownTimeout: Duration = .seconds(20), sinkOptions: SinkOptions = SinkOptions()
    ) {
        self.sinkOptions = sinkOptions
        self.namespace = namespace
        self.watch = watch
        self.defaultSink = defaultSink
        self.consumerName = consumerName
        self.labelSelector = labelSelector
        self.leaderElection = leaderElection
        self.sharding = sharding
        self.workers = workers
        self.resyncInterval = resyncInterval
        self.statusCounterInterval = statusCounterInterval
        self.statusWritesPerSecond = statusWritesPerSecond
        self.shutdownTimeout = shutdownTimeout
    }
}

public struct LeaderElectionOptions: Sendable {
    public var leaseName: String
    public var leaseNamespace: String
    public var leaseDuration: Duration
    public var renewDeadline: Duration
    public var retryPeriod: Duration

    public init(
        leaseName: String = "redis-eventsource-controller", leaseNamespace: String, leaseDuration: Duration = .seconds(15),
        renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2)
    ) {
        self.leaseName = leaseName
        self.leaseNamespace = leaseNamespace
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
    }
}
