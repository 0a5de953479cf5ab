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
    /// The URL read from `urlSecret`, its password moved to `urlPassword`.
    public var urlFromSecret: RedisURL?
    public var urlPassword: SecretValue?
    /// The Sentinels' own password (`sentinel.password`).
    public var sentinelPassword: SecretValue?
    /// Where events go, resolved once from the EventBus and the sink spec.
    public var destination: SinkDestination
    public var consumerName: String
    /// How long one XREADGROUP may block; short enough to notice config and stop promptly.
    public var blockTime: Duration

    public init(
        namespace: String, eventSourceName: String, eventName: String, source: RedisStreamEntry,
        password: SecretValue? = nil, tls: TLSMaterial? = nil, destination: SinkDestination,
        consumerName: String, blockTime: Duration = .seconds(2)
    ) {
        self.namespace = namespace
        self.eventSourceName = eventSourceName
        self.eventName = eventName
        self.source = source
        self.password = password
        self.tls = tls
        self.destination = destination
        self.consumerName = consumerName
        self.blockTime = blockTime
    }

    /// With the destination `sink` (or `eventBus`, which takes precedence) names.
    public init(
        namespace: String, eventSourceName: String, eventName: String, source: RedisStreamEntry,
        password: SecretValue? = nil, tls: TLSMaterial? = nil, sink: SinkSpec, eventBus: JetStreamEndpoint? = nil,
        consumerName: String, blockTime: Duration = .seconds(2)
    ) {
        self.init(
            namespace: namespace, eventSourceName: eventSourceName, eventName: eventName, source: source,
            password: password, tls: tls, destination: SinkDestination(spec: sink, eventBus: eventBus),
            consumerName: consumerName, blockTime: blockTime)
    }

    /// How the adapter reaches Redis: the entry's endpoint with the URL's user, database and TLS applied.
    public var redis: RedisTarget {
        var target = RedisTarget(topology: .server(.unix(path: "")), db: source.db, username: source.username, password: password, tls: tls)
        var url: RedisURL?
        switch source.endpoint {
        case .server(let address): target.topology = .server(address)
        case .url(let given): url = given
        case .urlSecret: url = urlFromSecret
        case .sentinel(let sentinel):
            target.topology = .sentinel(
                masterName: sentinel.masterName, sentinels: sentinel.addresses, username: sentinel.username,
                password: sentinelPassword)
        case .cluster(let cluster): target.topology = .cluster(seeds: cluster.addresses)
        }
        if let url {
            target.topology = .server(url.address)
            target.db = url.db ?? target.db
            target.username = url.username ?? target.username
            target.password = urlPassword ?? target.password
            if url.usesTLS || url.skipVerify {
                var material = target.tls ?? TLSMaterial()
                if url.skipVerify { material.insecureSkipVerify = true }
                target.tls = material
            }
        }
        return target
    }

    /// The sink in use, for status and logs, without credentials: `stdout`, the URL, or
    /// `eventbus default (nats://…)`.
    public var sinkDescription: String { destination.description }

    /// The Argo EventBus the adapter publishes to, when its destination came from one.
    public var eventBus: JetStreamEndpoint? { destination.eventBus }

    /// `namespace/name/event`, the adapter's name in logs and metrics.
    public var key: String { "\(namespace)/\(eventSourceName)/\(eventName)" }

    /// Resolves an entry's secrets, and names every Secret it read, found or not: the Secrets the
    /// entry depends on, which the controller watches. Every reference is read even after one is
    /// missing, so the names are complete; the first missing one is the error. The adapter's consumer
    /// name is derived from `replicaName` and the entry (see `AdapterConsumerName`).
    public static func resolve(
        eventSource: EventSource, eventName: String, source: RedisStreamEntry, destination: SinkDestination,
        replicaName: String, secrets: SecretStore
    ) -> (configuration: Result<AdapterConfiguration, SecretError>, secretNames: Set<String>) {
        let namespace = eventSource.namespace
        var reads = SecretReads(store: secrets, namespace: namespace)
        let password = source.password.map { reads.value(of: $0) }
        var material: TLSMaterial?
        if let tls = source.tls, tls.enabled { material = reads.tls(tls) }
        var sentinelPassword: SecretValue?
        if case .sentinel(let sentinel) = source.endpoint { sentinelPassword = sentinel.password.map { reads.value(of: $0) } }
        var secretURL: (url: RedisURL, password: SecretValue?)?
        if case .urlSecret(let selector) = source.endpoint {
            let text = reads.value(of: selector)
            if reads.firstError == nil {
                // A URL never ends in whitespace; Secrets written from files end with "\n".
                var urlText = Substring(text.text)
                while urlText.last?.isWhitespace == true { urlText = urlText.dropLast() }
                switch RedisURL.parse(String(urlText)) {
                case .success(var url):
                    secretURL = (url, url.password.map { SecretValue($0) })
                    url.password = nil
                    secretURL?.url = url
                case .failure(let error):
                    // The message never repeats the URL, which holds the password.
                    return (.failure(SecretError(selector: selector, reason: "urlSecret: not a Redis URL: \(error.message)")), reads.names)
                }
            }
        }
        if let error = reads.firstError { return (.failure(error), reads.names) }
        var configuration = AdapterConfiguration(
            namespace: namespace, eventSourceName: eventSource.name, eventName: eventName, source: source,
            password: password, tls: material, destination: destination,
            consumerName: AdapterConsumerName.make(
                replica: replicaName, namespace: namespace, eventSource: eventSource.name, event: eventName))
        configuration.sourceKind = eventSource.sourceKind
        configuration.urlFromSecret = secretURL?.url
        configuration.urlPassword = secretURL?.password
        configuration.sentinelPassword = sentinelPassword
        return (.success(configuration), reads.names)
    }
}
