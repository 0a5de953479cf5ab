/// The one way an entry reaches Redis: exactly one of `hostAddress`, `url`, `urlSecret`,
/// `sentinel` or `cluster`.
public enum RedisEndpoint: Sendable, Hashable {
    /// `hostAddress`: one server, as in Argo.
    case server(RedisServerAddress)
    /// `url`: one server, with the user, database and TLS the URL names (never a password).
    case url(RedisURL)
    /// `urlSecret`: a whole URL, password included, read from a Secret when the entry starts.
    case urlSecret(SecretKeySelector)
    /// `sentinel`: the master the Sentinels name, followed across failovers.
    case sentinel(SentinelSpec)
    /// `cluster`: a Redis Cluster found from its seed nodes.
    case cluster(ClusterSpec)

    /// The spec field that gave it, for messages.
    public var fieldName: String {
        switch self {
        case .server: return "hostAddress"
        case .url: return "url"
        case .urlSecret: return "urlSecret"
        case .sentinel: return "sentinel"
        case .cluster: return "cluster"
        }
    }

    static let fieldNames = ["hostAddress", "url", "urlSecret", "sentinel", "cluster"]
}

extension RedisEndpoint {
    /// Names the Redis data this endpoint reaches, without credentials: two entries with equal
    /// identities (and db) read the same keys.
    public var identity: String {
        switch self {
        case .server(let address): return address.description
        case .url(let url): return url.address.description
        case .urlSecret(let selector): return "url in \(selector)"
        case .sentinel(let sentinel):
            return "sentinel master \(sentinel.masterName) via \(sentinel.addresses.map(\.description).sorted().joined(separator: ","))"
        case .cluster(let cluster): return "cluster via \(cluster.addresses.map(\.description).sorted().joined(separator: ","))"
        }
    }
}
