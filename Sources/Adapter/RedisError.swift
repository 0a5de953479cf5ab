/// Everything that can go wrong talking to Redis, and whether trying again can help.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// DNS, refused, unreachable: the server may come back.
    case connectFailed(String)
    /// The connection broke or timed out mid-conversation.
    case connectionLost(String)
    case timedOut(String)
    /// The server sent bytes hiredis' reader cannot parse.
    case protocolError(String)
    /// An error reply, split into its code (`NOGROUP`, `WRONGPASS`, …) and message.
    case server(code: String, message: String)
    case authenticationFailed(String)
    case tlsFailed(String)
    /// The entry's TLS certificates or key cannot be used; only a new Secret can fix that.
    case unusableTLSMaterial(String)
    /// The adapter is stopping; not a failure.
    case cancelled

    public var isRetryable: Bool {
        switch self {
        case .cancelled, .unusableTLSMaterial: return false
        default: return true
        }
    }

    /// True when the connection can no longer be used and must be re-established.
    public var breaksConnection: Bool {
        switch self {
        case .server: return false
        default: return true
        }
    }

    /// A cluster's MOVED or ASK: another node serves the key now.
    public var isClusterRedirect: Bool {
        if case .server(let code, _) = self { return code == "MOVED" || code == "ASK" }
        return false
    }

    public var description: String {
        switch self {
        case .connectFailed(let reason): return "cannot connect to Redis: \(reason)"
        case .connectionLost(let reason): return "connection to Redis lost: \(reason)"
        case .timedOut(let what): return "Redis did not answer in time (\(what))"
        case .protocolError(let reason): return "invalid reply from Redis: \(reason)"
        case .server(_, let message): return "Redis replied: \(message)"
        case .authenticationFailed(let reason): return "Redis authentication failed: \(reason)"
        case .tlsFailed(let reason): return "TLS with Redis failed: \(reason)"
        case .unusableTLSMaterial(let reason): return "TLS with Redis failed: \(reason)"
        case .cancelled: return "stopped"
        }
    }

    static func fromErrorReply(_ message: String) -> RedisError {
        let code = message.prefix { $0 != " " }
        return .server(code: String(code), message: message)
    }
}
