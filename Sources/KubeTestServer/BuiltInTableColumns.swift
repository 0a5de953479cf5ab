import StructuredData

/// The columns the real API server prints for the built-in kinds, so `kubectl get` looks as it
/// does against a cluster (a subset: the default columns, and for Events the wide ones too).
enum BuiltInTableColumns {
    static func columns(for resource: ResourceType) -> [TableColumn]? {
        switch (resource.group, resource.plural) {
        case ("", "events"), ("events.k8s.io", "events"): return events
        case ("", "namespaces"): return [.name, .text("Status") { $0["status"]?["phase"]?.stringValue ?? "" }, .age]
        case ("", "configmaps"): return [.name, .count("Data") { mapCount($0["data"]) + mapCount($0["binaryData"]) }, .age]
        case ("", "secrets"):
            return [.name, .text("Type") { $0["type"]?.stringValue ?? "Opaque" }, .count("Data") { mapCount($0["data"]) }, .age]
        case ("", "services"):
            return [
                .name, .text("Type") { $0["spec"]?["type"]?.stringValue ?? "ClusterIP" },
                .text("Cluster-IP") { $0["spec"]?["clusterIP"]?.stringValue ?? "<none>" },
                .text("External-IP") { _ in "<none>" }, .text("Port(s)", servicePorts), .age,
            ]
        case ("apps", "deployments"):
            return [
                .name,
                .text("Ready") { "\(int($0["status"]?["readyReplicas"]))/\(int($0["spec"]?["replicas"], default: 1))" },
                .count("Up-to-date") { int($0["status"]?["updatedReplicas"]) },
                .count("Available") { int($0["status"]?["availableReplicas"]) }, .age,
            ]
        case ("coordination.k8s.io", "leases"):
            return [.name, .text("Holder") { $0["spec"]?["holderIdentity"]?.stringValue ?? "" }, .age]
        case ("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "clusterroles"),
            ("apiextensions.k8s.io", "customresourcedefinitions"):
            return [.name, .text("Created At") { $0["metadata"]?["creationTimestamp"]?.stringValue ?? "" }]
        case ("rbac.authorization.k8s.io", "rolebindings"), ("rbac.authorization.k8s.io", "clusterrolebindings"):
            return [
                .name,
                .text("Role") { "\($0["roleRef"]?["kind"]?.stringValue ?? "")/\($0["roleRef"]?["name"]?.stringValue ?? "")" },
                .age,
            ]
        case ("policy", "poddisruptionbudgets"):
            return [
                .name, .text("Min Available") { text($0["spec"]?["minAvailable"]) },
                .text("Max Unavailable") { text($0["spec"]?["maxUnavailable"]) },
                .count("Allowed Disruptions") { int($0["status"]?["disruptionsAllowed"]) }, .age,
            ]
        default: return nil
        }
    }

    /// As the real server prints Events: when, what, about which object; the name only with `-o wide`.
    private static let events: [TableColumn] = [
        TableColumn(name: "Last Seen", type: "string", format: "", description: "Time when last seen", priority: 0) { event in
            TableColumn.age(event["lastTimestamp"] ?? event["deprecatedLastTimestamp"] ?? event["eventTime"]
                ?? event["metadata"]?["creationTimestamp"])
        },
        .text("Type") { $0["type"]?.stringValue ?? "" },
        .text("Reason") { $0["reason"]?.stringValue ?? "" },
        .text("Object") { event in
            let object = event["involvedObject"] ?? event["regarding"]
            return "\((object?["kind"]?.stringValue ?? "").lowercased())/\(object?["name"]?.stringValue ?? "")"
        },
        .text("Subobject", priority: 1) { ($0["involvedObject"] ?? $0["regarding"])?["fieldPath"]?.stringValue ?? "" },
        .text("Source", priority: 1) { event in
            event["source"]?["component"]?.stringValue ?? event["reportingComponent"]?.stringValue
                ?? event["reportingController"]?.stringValue ?? ""
        },
        .text("Message") { $0["message"]?.stringValue ?? $0["note"]?.stringValue ?? "" },
        TableColumn(name: "First Seen", type: "string", format: "", description: "Time when first seen", priority: 1) { event in
            TableColumn.age(event["firstTimestamp"] ?? event["deprecatedFirstTimestamp"] ?? event["eventTime"])
        },
        .count("Count") { int($0["count"] ?? $0["deprecatedCount"], default: 1) }.withPriority(1),
        TableColumn(name: "Name", type: "string", format: "name", description: "Name", priority: 1) {
            $0["metadata"]?["name"] ?? ""
        },
    ]

    private static func mapCount(_ value: JSONValue?) -> Int64 { Int64(value?.objectValue?.count ?? 0) }

    private static func int(_ value: JSONValue?, default fallback: Int64 = 0) -> Int64 { value?.intValue ?? fallback }

    private static func text(_ value: JSONValue?) -> String {
        guard let value else { return "N/A" }
        return value.stringValue ?? value.intValue.map(String.init) ?? "N/A"
    }

    private static func servicePorts(_ service: JSONValue) -> String {
        let ports = service["spec"]?["ports"]?.arrayValue ?? []
        if ports.isEmpty { return "<none>" }
        return ports.map { port in
            "\(port["port"]?.intValue ?? 0)/\(port["protocol"]?.stringValue ?? "TCP")"
        }.joined(separator: ",")
    }
}

extension TableColumn {
    func withPriority(_ priority: Int) -> TableColumn {
        TableColumn(name: name, type: type, format: format, description: description, priority: priority, cell: cell)
    }
}
