import KubeClient

public enum EventSourceResource {
    /// Argo Events' `eventsources.argoproj.io/v1alpha1`.
    public static let eventSources = KubeResource(group: "argoproj.io", version: "v1alpha1", plural: "eventsources", namespaced: true)
    /// Argo Events' `eventbus.argoproj.io/v1alpha1` (the plural is `eventbus`).
    public static let eventBuses = KubeResource(group: "argoproj.io", version: "v1alpha1", plural: "eventbus", namespaced: true)
}
