import EventSourceAPI

/// How an adapter reaches Redis, every secret resolved: what the connection layer needs and
/// nothing else. `password`, `username`, `db` and `tls` are the master's (Sentinel) or every node's (Cluster).
public struct RedisTarget: Sendable, Hashable, CustomStringConvertible {
    public enum Topology: Sendable, Hashable {
        case server(RedisServerAddress)
        case sentinel(masterName: String, sentinels: [HostAddress], username: String?, password: SecretValue?)
        case cluster(seeds: [HostAddress])
    }

    public var topology: Topology
    public var db: Int
    public var username: String?
    public var password: SecretValue?
    public var tls: TLSMaterial?

    public init(topology: Topology, db: Int = 0, username: String? = nil, password: SecretValue? = nil, tls: TLSMaterial? = nil) {
        self.topology = topology
        self.db = db
        self.username = username
        self.password = password
        self.tls = tls
    }

    /// Where it points, without credentials, for logs and status.
    public var description: String {
        switch topology {
        case .server(let address): return address.description
        case .sentinel(let name, let sentinels, _, _):
            return "master \(name) via Sentinels \(sentinels.map(\.description).joined(separator: ","))"
        case .cluster(let seeds): return "cluster via \(seeds.map(\.description).joined(separator: ","))"
        }
    }
}
