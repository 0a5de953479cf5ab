import EventSourceAPI

/// Everything one adapter needs, with secrets already resolved. Two equal configurations
/// run identically, which is what lets the reconciler restart only entries that changed.
public struct AdapterConfiguration: Sendable, Hashable {
    /// The kind of resource the entry belongs to; it changes neither the events nor the consumer name,
    /// so a source moved from one kind to the other resumes its consumer group where it stopped.
    public var sourceKind: SourceKind = .eventSource
    public var namespace: String
    public var eventSourceName: String
    public var eventName: String
    public var source: RedisStreamEntry
    public var password: SecretValue?
    public var tls: TLSMaterial?
    public var sink: SinkSpec
    /// The Argo EventBus to publish to, when the entry's sink is one; it takes precedence over `sink`.
    public var eventBus: JetStreamEndpoint?
    public var consumerName: String
    /// How long one XREADGROUP may block; short enough to notice config and stop promptly.
    public var blockTime: Duration

    public init(
        namespace: String, eventSourceName: String, eventName: String, source: RedisStreamEntry,
        password: SecretValue? = nil, tls: TLSMaterial? = nil, sink: SinkSpec, eventBus: JetStreamEndpoint? = nil,
        consumerName: String, blockTime: Duration = .seconds(2)
    ) {
        self.namespace = namespace
        self.eventSourceName = eventSourceName
        self.eventName = eventName
        self.source = source
        self.password = password
        self.tls = tls
        self.sink = sink
        self.eventBus = eventBus
        self.consumerName = consumerName
        self.blockTime = blockTime
    }

    /// The sink in use, for status and logs, without credentials: `stdout`, the URL, or
    /// `eventbus default (nats://…)`.
    public var sinkDescription: String {
        if let eventBus { return eventBus.displayName }
        // Any user:password@ in a URL stays out of status.
        let url = NATSConnectionKey(url: sink.uri).redactedURL
        return sink.kind == .eventBus ? "eventbus (\(url))" : url
    }

    /// `namespace/name/event`, the adapter's name in logs and metrics.
    public var key: String { "\(namespace)/\(eventSourceName)/\(eventName)" }

    /// Resolves an entry's secrets, and names every Secret it read, found or not: the Secrets the
    /// entry depends on, which the controller watches. Every reference is read even after one is
    /// missing, so the names are complete; the first missing one is the error. The adapter's consumer
    /// name is derived from `replicaName` and the entry (see `AdapterConsumerName`).
    public static func resolve(
        eventSource: EventSource, eventName: String, source: RedisStreamEntry, sink: SinkSpec, replicaName: String,
        secrets: SecretStore
    ) -> (configuration: Result<AdapterConfiguration, SecretError>, secretNames: Set<String>) {
        let namespace = eventSource.namespace
        var reads = SecretReads(store: secrets, namespace: namespace)
        let password = source.password.map { reads.value(of: $0) }
        var material: TLSMaterial?
        if let tls = source.tls, tls.enabled { material = reads.tls(tls) }
        if let error = reads.firstError { return (.failure(error), reads.names) }
        var configuration = AdapterConfiguration(
            namespace: namespace, eventSourceName: eventSource.name, eventName: eventName, source: source,
            password: password, tls: material, sink: sink,
            consumerName: AdapterConsumerName.make(
                replica: replicaName, namespace: namespace, eventSource: eventSource.name, event: eventName))
        configuration.sourceKind = eventSource.sourceKind
        return (.success(configuration), reads.names)
    }
}
