import EventSourceAPI

/// Everything one adapter needs, with secrets already resolved. Two equal configurations
/// run identically, which is what lets the reconciler restart only entries that changed.
public struct AdapterConfiguration: Sendable, Hashable {
    public var namespace: String
    public var eventSourceName: String
    public var eventName: String
    public var source: RedisStreamSource
    public var password: SecretValue?
    public var tls: TLSMaterial?
    public var sink: SinkSpec
    public var consumerName: String
    /// How long one XREADGROUP may block; short enough to notice config and stop promptly.
    public var blockTime: Duration

    public init(
        namespace: String, eventSourceName: String, eventName: String, source: RedisStreamSource,
        password: SecretValue? = nil, tls: TLSMaterial? = nil, sink: SinkSpec, consumerName: String,
        blockTime: Duration = .seconds(2)
    ) {
        self.namespace = namespace
        self.eventSourceName = eventSourceName
        self.eventName = eventName
        self.source = source
        self.password = password
        self.tls = tls
        self.sink = sink
        self.consumerName = consumerName
        self.blockTime = blockTime
    }

    /// `namespace/name/event`, the adapter's name in logs and metrics.
    public var key: String { "\(namespace)/\(eventSourceName)/\(eventName)" }

    /// Resolves an entry's secrets; every missing one is reported. The adapter's consumer name is
    /// derived from `replicaName` and the entry (see `AdapterConsumerName`).
    public static func resolve(
        eventSource: EventSource, eventName: String, source: RedisStreamSource, sink: SinkSpec, replicaName: String,
        secrets: SecretStore
    ) -> Result<AdapterConfiguration, SecretError> {
        do throws(SecretError) {
            let namespace = eventSource.namespace
            let password = try source.password.map { (selector) throws(SecretError) in
                try secrets.value(of: selector, namespace: namespace)
            }
            var material: TLSMaterial?
            if let tls = source.tls, tls.enabled {
                func load(_ selector: SecretKeySelector?) throws(SecretError) -> SecretValue? {
                    guard let selector else { return nil }
                    return try secrets.value(of: selector, namespace: namespace)
                }
                material = TLSMaterial(
                    caCertificate: try load(tls.caCertSecret), clientCertificate: try load(tls.clientCertSecret),
                    clientKey: try load(tls.clientKeySecret), insecureSkipVerify: tls.insecureSkipVerify)
            }
            return .success(
                AdapterConfiguration(
                    namespace: namespace, eventSourceName: eventSource.name, eventName: eventName, source: source,
                    password: password, tls: material, sink: sink,
                    consumerName: AdapterConsumerName.make(
                        replica: replicaName, namespace: namespace, eventSource: eventSource.name, event: eventName)))
        } catch {
            return .failure(error)
        }
    }
}

/// TLS settings for the Redis connection with PEM contents resolved from their Secrets.
public struct TLSMaterial: Sendable, Hashable {
    public var caCertificate: SecretValue?
    public var clientCertificate: SecretValue?
    public var clientKey: SecretValue?
    public var insecureSkipVerify: Bool

    public init(
        caCertificate: SecretValue? = nil, clientCertificate: SecretValue? = nil, clientKey: SecretValue? = nil,
        insecureSkipVerify: Bool = false
    ) {
        self.caCertificate = caCertificate
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.insecureSkipVerify = insecureSkipVerify
    }
}
