import EventSourceAPI
import KubeClient

public enum EventSourceResource {
    /// Argo Events' `eventsources.argoproj.io/v1alpha1`.
    public static let eventSources = KubeResource(group: "argoproj.io", version: "v1alpha1", plural: "eventsources", namespaced: true)
    /// Our own `redisstreamsources.redis-eventsource.io/v1alpha1`: the same spec, out of reach of Argo's controller.
    public static let redisStreamSources = KubeResource(
        group: SourceKind.redisStreamSource.group, version: SourceKind.redisStreamSource.version,
        plural: SourceKind.redisStreamSource.plural, namespaced: true)

    public static func resource(of kind: SourceKind) -> KubeResource {
        switch kind {
        case .eventSource: return eventSources
        case .redisStreamSource: return redisStreamSources
        }
    }

    /// Argo Events' `eventbus.argoproj.io/v1alpha1` (the plural is `eventbus`).
    public static let eventBuses = KubeResource(group: "argoproj.io", version: "v1alpha1", plural: "eventbus", namespaced: true)
}
