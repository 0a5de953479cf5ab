import StructuredData

/// `cluster` (an extension): seed nodes of a Redis Cluster. The adapter learns the rest of the
/// cluster from them; `password`, `username` and `tls` of the entry apply to every node.
public struct ClusterSpec: Sendable, Hashable {
    public var addresses: [HostAddress]

    public init(addresses: [HostAddress]) {
        self.addresses = addresses
    }

    static func read(_ value: JSONValue?, at path: String, into reader: inout FieldReader) -> ClusterSpec? {
        guard let object = reader.object(value, at: path) else { return nil }
        FieldSchema.cluster.warnAboutUnknownKeys(of: object, at: path, into: &reader)
        guard let addresses = HostAddress.readList(object["addresses"], at: "\(path).addresses", what: "seed node", into: &reader)
        else { return nil }
        return ClusterSpec(addresses: addresses)
    }
}
