/// The resources every server has before any CRD is applied: the ones the operator uses, and the
/// ones its deploy manifests create, so `kubectl apply` of those manifests can be read back.
enum BuiltInResources {
    static let namespaces = ResourceType(
        group: "", version: "v1", plural: "namespaces", singular: "namespace", kind: "Namespace",
        shortNames: ["ns"], namespaced: false, hasStatusSubresource: true)
    static let customResourceDefinitions = ResourceType(
        group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions",
        singular: "customresourcedefinition", kind: "CustomResourceDefinition", shortNames: ["crd", "crds"],
        namespaced: false, hasStatusSubresource: true)

    static let all: [ResourceType] = [
        namespaces,
        core("configmaps", "ConfigMap", shortNames: ["cm"]),
        core("secrets", "Secret"),
        core("events", "Event", shortNames: ["ev"]),
        core("services", "Service", shortNames: ["svc"], status: true, categories: ["all"]),
        core("serviceaccounts", "ServiceAccount", shortNames: ["sa"]),
        ResourceType(
            group: "events.k8s.io", version: "v1", plural: "events", singular: "event", kind: "Event",
            shortNames: ["ev"], namespaced: true, storage: StorageKey(group: "", plural: "events"), view: .eventsV1),
        ResourceType(
            group: "coordination.k8s.io", version: "v1", plural: "leases", singular: "lease", kind: "Lease",
            namespaced: true),
        customResourceDefinitions,
        grouped("apps", "deployments", "Deployment", shortNames: ["deploy"], status: true, categories: ["all"]),
        grouped("apps", "statefulsets", "StatefulSet", shortNames: ["sts"], status: true, categories: ["all"]),
        grouped("apps", "daemonsets", "DaemonSet", shortNames: ["ds"], status: true, categories: ["all"]),
        grouped("apps", "replicasets", "ReplicaSet", shortNames: ["rs"], status: true, categories: ["all"]),
        grouped("rbac.authorization.k8s.io", "roles", "Role"),
        grouped("rbac.authorization.k8s.io", "rolebindings", "RoleBinding"),
        grouped("rbac.authorization.k8s.io", "clusterroles", "ClusterRole", namespaced: false),
        grouped("rbac.authorization.k8s.io", "clusterrolebindings", "ClusterRoleBinding", namespaced: false),
        grouped("policy", "poddisruptionbudgets", "PodDisruptionBudget", shortNames: ["pdb"], status: true),
        grouped("networking.k8s.io", "networkpolicies", "NetworkPolicy", shortNames: ["netpol"]),
        grouped("networking.k8s.io", "ingresses", "Ingress", shortNames: ["ing"], status: true),
    ]

    private static func core(
        _ plural: String, _ kind: String, shortNames: [String] = [], status: Bool = false, categories: [String] = []
    ) -> ResourceType {
        grouped("", plural, kind, shortNames: shortNames, status: status, categories: categories)
    }

    private static func grouped(
        _ group: String, _ plural: String, _ kind: String, shortNames: [String] = [], namespaced: Bool = true,
        status: Bool = false, categories: [String] = []
    ) -> ResourceType {
        ResourceType(
            group: group, version: "v1", plural: plural, singular: kind.lowercased(), kind: kind, shortNames: shortNames,
            namespaced: namespaced, hasStatusSubresource: status, categories: categories)
    }
}
