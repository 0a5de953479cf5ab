/// Where one Redis server listens: `host:port` over TCP, or a Unix socket path (go-redis, which
/// Argo uses, dials a socket when `hostAddress` starts with `/`).
public enum RedisServerAddress: Sendable, Hashable, CustomStringConvertible {
    case tcp(HostAddress)
    case unix(path: String)

    public var description: String {
        switch self {
        case .tcp(let address): return address.description
        case .unix(let path): return "unix:\(path)"
        }
    }

    /// The host TLS verifies the certificate against; nil for a socket.
    public var host: String? {
        if case .tcp(let address) = self { return address.host }
        return nil
    }
}
