import StructuredData

/// An `argoproj.io/v1alpha1` `EventSource`, reduced to what this operator acts on, or a
/// `redis-eventsource.io/v1alpha1` `RedisStreamSource`, which is the same spec under our own kind
/// (see `SourceKind`). Fields that belong to other source types or to Argo's deployment are kept
/// in `object` and otherwise ignored, so the same YAML works with Argo's own controller.
public struct EventSource: Sendable, Equatable {
    public static let apiVersion = SourceKind.eventSource.apiVersion
    public static let kind = SourceKind.eventSource.kind

    /// Which of the two kinds this is; everything else is read the same way for both.
    public var sourceKind: SourceKind = .eventSource
    public var name: String
    public var namespace: String
    public var uid: String?
    public var generation: Int64?
    public var labels: [String: String]
    /// Event name → entry, in the order the spec lists them.
    public var redisStream: [(name: String, source: RedisStreamEntry)]
    public var sink: SinkSpec?
    /// What is accepted but probably not meant: unknown or misplaced fields, fields ignored as Argo ignores them.
    public var warnings: [ValidationProblem] = []
    /// The object exactly as read.
    public var object: JSONValue

    public var hasRedisStream: Bool { !redisStream.isEmpty }

    public static func == (lhs: EventSource, rhs: EventSource) -> Bool {
        lhs.object == rhs.object && lhs.namespace == rhs.namespace
    }

    /// True when the object is an EventSource at all, whatever its spec holds.
    public static func isEventSource(_ object: JSONValue) -> Bool {
        object["kind"]?.stringValue == kind && object["apiVersion"]?.stringValue == apiVersion
    }

    /// Decodes and validates one object of either kind (told by its `kind`, an EventSource when
    /// it names neither), returning every problem at once.
    public static func decode(_ object: JSONValue, defaultNamespace: String = "default") -> Result<EventSource, ValidationError> {
        var reader = FieldReader()
        guard case .object = object else {
            return .failure(ValidationError(problems: [ValidationProblem(path: "", message: "expected a map, got \(object.typeName)")]))
        }
        let sourceKind = SourceKind(kindOf: object) ?? .eventSource
        if object["apiVersion"]?.stringValue != sourceKind.apiVersion {
            reader.report("apiVersion", "must be \(sourceKind.apiVersion)")
        }
        if object["kind"]?.stringValue != sourceKind.kind {
            reader.report("kind", "must be \(kind) or \(SourceKind.redisStreamSource.kind)")
        }
        let metadata = reader.object(object["metadata"], at: "metadata")
        let name = reader.string(metadata?["name"], at: "metadata.name") ?? ""
        if name.isEmpty {
            reader.report("metadata.name", "required")
        } else if let problem = KubernetesName.dnsSubdomainProblem(name) {
            reader.report("metadata.name", problem)
        }
        var namespace = reader.string(metadata?["namespace"], at: "metadata.namespace") ?? defaultNamespace
        if namespace.isEmpty { namespace = defaultNamespace }
        let labels = reader.stringMap(metadata?["labels"], at: "metadata.labels") ?? [:]
        let uid = metadata?["uid"]?.stringValue
        let generation = metadata?["generation"]?.intValue

        let spec = reader.object(object["spec"], at: "spec")
        if object["spec"] == nil || object["spec"]?.isNull == true { reader.report("spec", "required") }
        if sourceKind == .redisStreamSource {
            RedisStreamSourceRules.check(name: name, spec: spec, into: &reader)
        }
        if let spec {
            if sourceKind == .eventSource {
                FieldSchema.spec.warnAboutUnknownKeys(of: spec, at: "spec", into: &reader)
                ArgoSourceTypes.check(spec, into: &reader)
            }
            if case .object(let sinkObject) = spec["sink"] {
                FieldSchema.sink.warnAboutUnknownKeys(of: sinkObject, at: "spec.sink", into: &reader)
            }
        }
        var entries: [(String, RedisStreamEntry)] = []
        if let redis = reader.object(spec?["redisStream"], at: "spec.redisStream"),
            !FieldSchema.reportEntryFieldsIndentedTooShallow(in: redis, into: &reader)
        {
            for (eventName, value) in redis {
                let path = "spec.redisStream.\(eventName)"
                if eventName.isEmpty { reader.report(path, "the event name must not be empty") }
                if let source = RedisStreamEntry.read(value, at: path, into: &reader) {
                    entries.append((eventName, source))
                }
            }
        }
        let sink = SinkSpec.read(spec?["sink"], at: "spec.sink", into: &reader)

        guard reader.problems.isEmpty else {
            return .failure(ValidationError(problems: reader.problems, warnings: reader.warnings))
        }
        return .success(
            EventSource(
                sourceKind: sourceKind, name: name, namespace: namespace, uid: uid, generation: generation, labels: labels,
                redisStream: entries, sink: sink, warnings: reader.warnings, object: object))
    }
}
