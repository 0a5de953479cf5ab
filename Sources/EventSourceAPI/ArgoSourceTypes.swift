import StructuredData

/// The source types an Argo `EventSourceSpec` may hold, and the checks Argo's reconciler makes across
/// them (`pkg/reconciler/eventsource/validate.go`): no event name twice, whatever the types, and no
/// mix of types Argo deploys with a Recreate strategy with types it deploys with a RollingUpdate.
enum ArgoSourceTypes {
    /// `RecreateStrategyEventSources` in Argo's `const.go`, as spec keys; `redisStream` is one of them.
    static let recreate: Set<String> = [
        "amqp", "calendar", "kafka", "pubSub", "azureEventsHub", "azureServiceBus", "nats", "mqtt", "minio", "emitter",
        "nsq", "pulsar", "redis", "redisStream", "resource", "hdfs", "file", "sftp", "generic",
    ]
    /// Every other source type of `EventSourceSpec`.
    static let rollingUpdate: Set<String> = [
        "webhook", "sns", "sqs", "github", "gitlab", "slack", "storageGrid", "stripe", "bitbucketserver", "bitbucket",
        "azureQueueStorage", "gerrit", "mns",
    ]
    static var all: Set<String> { recreate.union(rollingUpdate) }

    /// Reports what Argo would reject, and warns about the types this operator leaves alone.
    static func check(_ spec: JSONObject, into reader: inout FieldReader) {
        // Argo counts a type only when its map has entries (`len(...) != 0`).
        let present = spec.compactMap { key, value -> (type: String, names: [String])? in
            guard all.contains(key), case .object(let entries) = value, !entries.isEmpty else { return nil }
            return (key, entries.keys)
        }
        var firstType: [String: String] = [:]
        for (type, names) in present {
            for name in names {
                if let other = firstType[name] {
                    reader.report(
                        "spec.\(type).\(name)",
                        "the event name '\(name)' is also used under spec.\(other); Argo rejects an event name used twice in one EventSource")
                } else {
                    firstType[name] = type
                }
            }
        }
        guard present.contains(where: { $0.type == "redisStream" }) else { return }
        for (type, _) in present where type != "redisStream" {
            if rollingUpdate.contains(type) {
                reader.report(
                    "spec.\(type)",
                    "cannot be in one EventSource with redisStream: Argo rejects mixing source types it deploys with a "
                        + "RollingUpdate strategy (\(type)) with ones it deploys with Recreate (redisStream); use two EventSources")
            } else {
                reader.warn(
                    "spec.\(type)",
                    "not run by redis-eventsource, which runs only the redisStream entries; Argo's controller would run "
                        + "this whole EventSource, redisStream included (see 'Beside Argo Events' in docs/argo-compatibility.md)")
            }
        }
    }
}

extension EventSource {
    /// An EventSource with no source type at all whose spec has a key close to `redisStream`
    /// (`redisStreams`, `RedisStream`): meant for us, but misspelled. Argo's controller ignores it
    /// too, so without this it would sit there with no status; the controller reports this instead.
    public static func misspelledRedisStream(in object: JSONValue) -> ValidationProblem? {
        guard let spec = object["spec"]?.objectValue, !spec.keys.contains(where: ArgoSourceTypes.all.contains) else { return nil }
        for key in spec.keys where FieldSchema.nearest(to: key, among: ["redisStream"]) != nil {
            return ValidationProblem(
                path: "spec.\(key.count > 64 ? key.prefix(64) + "…" : key)",
                message: "unknown source type; did you mean 'redisStream'? Nothing runs until it is spelled so")
        }
        return nil
    }
}
