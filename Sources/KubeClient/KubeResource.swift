/// A resource type by group, version and plural, and whether its objects live in namespaces.
public struct KubeResource: Sendable, Hashable, CustomStringConvertible {
    public let group: String
    public let version: String
    public let plural: String
    public let namespaced: Bool

    public init(group: String, version: String, plural: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.namespaced = namespaced
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public var description: String { group.isEmpty ? "\(plural)/\(version)" : "\(plural).\(version).\(group)" }

    public static let namespaces = KubeResource(group: "", version: "v1", plural: "namespaces", namespaced: false)
    public static let configMaps = KubeResource(group: "", version: "v1", plural: "configmaps", namespaced: true)
    public static let secrets = KubeResource(group: "", version: "v1", plural: "secrets", namespaced: true)
    public static let coreEvents = KubeResource(group: "", version: "v1", plural: "events", namespaced: true)
    public static let events = KubeResource(group: "events.k8s.io", version: "v1", plural: "events", namespaced: true)
    public static let leases = KubeResource(group: "coordination.k8s.io", version: "v1", plural: "leases", namespaced: true)
    public static let customResourceDefinitions = KubeResource(
        group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", namespaced: false)

    /// The URL path of the collection or of one object, with an optional subresource.
    func path(namespace: String?, name: String? = nil, subresource: String? = nil) -> String {
        var path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace { path += "/namespaces/\(PercentEncoding.pathSegment(namespace))" }
        path += "/\(plural)"
        if let name { path += "/\(PercentEncoding.pathSegment(name))" }
        if let subresource { path += "/\(subresource)" }
        return path
    }
}

enum PercentEncoding {
    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    static func pathSegment(_ text: String) -> String { encode(text) }

    static func queryValue(_ text: String) -> String { encode(text) }

    private static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                result.append(Character(Unicode.Scalar(byte)))
            } else {
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }

    static func query(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        return "?" + items.map { "\($0.0)=\(queryValue($0.1))" }.joined(separator: "&")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
