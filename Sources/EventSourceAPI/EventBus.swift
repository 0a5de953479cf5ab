import StructuredData

/// An `argoproj.io/v1alpha1` `EventBus` (plural `eventbus`, short name `eb`), reduced to how an
/// EventSource publishes to it.
public struct EventBus: Sendable, Equatable {
    public static let apiVersion = "argoproj.io/v1alpha1"
    public static let kind = "EventBus"

    /// What the bus offers this operator.
    public enum Connection: Sendable, Equatable {
        case jetStream(JetStreamBusConfig)
        /// A bus this operator cannot publish to, with the reason to show in status.
        case unusable(String)
    }

    public var name: String
    public var namespace: String
    public var connection: Connection
    /// The CA to verify a bus without a `tls` block with, from the annotation
    /// `redis-eventsource/ca-cert-secret: <secret>/<key>` (Argo's own bus keeps its CA in
    /// `eventbus-<name>-js-server/ca-cert`). Argo's clients verify nothing on such a bus.
    public var caCertSecret: SecretKeySelector?

    public static let caCertSecretAnnotation = "redis-eventsource/ca-cert-secret"

    /// Argo's EventSource pods use `status.config.jetstream`, which Argo's controller fills from
    /// `spec.jetstream` or `spec.jetstreamExotic`. Without Argo's controller the status is empty,
    /// and an exotic bus (a NATS the user runs) is used from its spec directly.
    public static func decode(_ object: JSONValue, defaultNamespace: String = "default") -> Result<EventBus, ValidationError> {
        var reader = FieldReader()
        let metadata = reader.object(object["metadata"], at: "metadata")
        let name = reader.string(metadata?["name"], at: "metadata.name") ?? ""
        if name.isEmpty { reader.report("metadata.name", "required") }
        var namespace = reader.string(metadata?["namespace"], at: "metadata.namespace") ?? defaultNamespace
        if namespace.isEmpty { namespace = defaultNamespace }
        var caCertSecret: SecretKeySelector?
        let annotationPath = "metadata.annotations[\(caCertSecretAnnotation)]"
        if let text = reader.string(metadata?["annotations"]?[caCertSecretAnnotation], at: annotationPath) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2, KubernetesName.secretNameProblem(parts[0]) == nil, KubernetesName.secretKeyProblem(parts[1]) == nil {
                caCertSecret = SecretKeySelector(name: parts[0], key: parts[1])
            } else {
                reader.report(annotationPath, "must be <secret name>/<key>, got '\(text)'")
            }
        }
        let spec = reader.object(object["spec"], at: "spec")
        let statusConfig = reader.object(object["status"]?["config"], at: "status.config")
        let connection: Connection
        if let value = statusConfig?["jetstream"], !value.isNull {
            connection = JetStreamBusConfig.read(value, at: "status.config.jetstream", into: &reader).map(Connection.jetStream)
                ?? .unusable("status.config.jetstream is not usable")
        } else if let value = spec?["jetstreamExotic"], !value.isNull {
            connection = JetStreamBusConfig.read(value, at: "spec.jetstreamExotic", into: &reader).map(Connection.jetStream)
                ?? .unusable("spec.jetstreamExotic is not usable")
        } else if present(spec?["kafka"]) || present(statusConfig?["kafka"]) {
            connection = .unusable("a Kafka EventBus is not supported: use a JetStream EventBus")
        } else if present(spec?["nats"]) || present(statusConfig?["nats"]) {
            connection = .unusable("a NATS Streaming (STAN) EventBus is not supported: use a JetStream EventBus")
        } else if present(spec?["jetstream"]) {
            connection = .unusable(
                "the JetStream EventBus has no status.config.jetstream yet: Argo's controller deploys it and fills it in")
        } else {
            connection = .unusable("the EventBus has no JetStream configuration (spec.jetstreamExotic)")
        }
        guard reader.problems.isEmpty else { return .failure(ValidationError(problems: reader.problems)) }
        return .success(EventBus(name: name, namespace: namespace, connection: connection, caCertSecret: caCertSecret))
    }

    private static func present(_ value: JSONValue?) -> Bool {
        guard let value else { return false }
        return !value.isNull
    }
}

/// Argo's `JetStreamConfig`: how to reach a JetStream bus.
public struct JetStreamBusConfig: Sendable, Hashable {
    public var url: String
    /// A Secret key holding `auth.yaml` (`username`, `password`); absent means no login.
    public var accessSecret: SecretKeySelector?
    public var streamSettings: JetStreamStreamSettings
    public var tls: TLSConfig?

    public init(url: String, accessSecret: SecretKeySelector? = nil, streamSettings: JetStreamStreamSettings = .init(), tls: TLSConfig? = nil) {
        self.url = url
        self.accessSecret = accessSecret
        self.streamSettings = streamSettings
        self.tls = tls
    }

    static func read(_ value: JSONValue?, at path: String, into reader: inout FieldReader) -> JetStreamBusConfig? {
        guard let object = reader.object(value, at: path) else { return nil }
        let url = reader.string(object["url"], at: "\(path).url") ?? ""
        if url.isEmpty {
            reader.report("\(path).url", "required")
        } else if let problem = NATSServerList.problem(in: url) {
            reader.report("\(path).url", problem)
        }
        let accessSecret = reader.secretKeySelector(object["accessSecret"], at: "\(path).accessSecret")
        let tls = TLSConfig.read(object["tls"], at: "\(path).tls", into: &reader)
        var settings = JetStreamStreamSettings()
        if let text = reader.string(object["streamConfig"], at: "\(path).streamConfig") {
            switch JetStreamStreamSettings.parse(text, at: "\(path).streamConfig") {
            case .success(let parsed): settings = parsed
            case .failure(let error): for problem in error.problems { reader.report(problem.path, problem.message) }
            }
        }
        guard !url.isEmpty else { return nil }
        return JetStreamBusConfig(url: url, accessSecret: accessSecret, streamSettings: settings, tls: tls)
    }
}
