import StructuredData

/// What the real server fills into a new Service: type ClusterIP, a cluster IP of its own from
/// 10.96.0.0/16 (nothing routes to it here; clients and `kubectl get svc` only show it), and TCP
/// ports whose targetPort defaults to the port.
enum ServiceDefaults {
    static func apply(_ service: inout JSONValue, takenAddresses: Set<String>) {
        var spec = service["spec"]?.objectValue ?? JSONObject()
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        spec["type"] = .string(type)
        if type != "ExternalName", spec["clusterIP"]?.stringValue == nil {
            let address = (1..<65_535).lazy.map { "10.96.\($0 / 256).\($0 % 256)" }.first { !takenAddresses.contains($0) }
            if let address {
                spec["clusterIP"] = .string(address)
                spec["clusterIPs"] = [.string(address)]
            }
        }
        if spec["sessionAffinity"] == nil { spec["sessionAffinity"] = "None" }
        if let ports = spec["ports"]?.arrayValue {
            spec["ports"] = .array(ports.map { port in
                var port = port
                if port["protocol"] == nil { port["protocol"] = "TCP" }
                if port["targetPort"] == nil, let number = port["port"] { port["targetPort"] = number }
                return port
            })
        }
        service["spec"] = .object(spec)
    }
}
