/// The resources every server has before any CRD is applied.
enum BuiltInResources {
    static let all: [ResourceType] = [
        ResourceType(
            group: "", version: "v1", plural: "namespaces", singular: "namespace", kind: "Namespace",
            shortNames: ["ns"], namespaced: false, hasStatusSubresource: true),
        ResourceType(
            group: "", version: "v1", plural: "configmaps", singular: "configmap", kind: "ConfigMap",
            shortNames: ["cm"], namespaced: true),
        ResourceType(
            group: "", version: "v1", plural: "secrets", singular: "secret", kind: "Secret", namespaced: true),
        ResourceType(
            group: "", version: "v1", plural: "events", singular: "event", kind: "Event", shortNames: ["ev"],
            namespaced: true),
        ResourceType(
            group: "events.k8s.io", version: "v1", plural: "events", singular: "event", kind: "Event",
            shortNames: ["ev"], namespaced: true, storage: StorageKey(group: "", plural: "events"), view: .eventsV1),
        ResourceType(
            group: "coordination.k8s.io", version: "v1", plural: "leases", singular: "lease", kind: "Lease",
            namespaced: true),
        ResourceType(
            group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions",
            singular: "customresourcedefinition", kind: "CustomResourceDefinition", shortNames: ["crd", "crds"],
            namespaced: false, hasStatusSubresource: true),
    ]

    static let namespaces = all[0]
    static let customResourceDefinitions = all[6]
}
