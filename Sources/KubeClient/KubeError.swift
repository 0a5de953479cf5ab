import CCurl

/// Everything that can go wrong talking to Kubernetes, in cases a caller branches on.
public enum KubeError: Error, Sendable, CustomStringConvertible {
    /// 404: the object (or the resource type) does not exist.
    case notFound(KubeStatus)
    /// 409 Conflict: the object changed since it was read (stale resourceVersion or precondition).
    case conflict(KubeStatus)
    /// 409 AlreadyExists: create of a name that is taken.
    case alreadyExists(KubeStatus)
    /// 410: the resourceVersion (of a watch or a continue token) is older than the server remembers.
    case gone(KubeStatus)
    /// 429: the server asks to come back later.
    case tooManyRequests(KubeStatus, retryAfter: Duration?)
    /// 422: the object breaks a rule of the API.
    case invalid(KubeStatus)
    /// 401 or 403.
    case unauthorized(KubeStatus)
    /// 5xx: the server failed.
    case server(KubeStatus)
    /// Any other refusal (400, 405, 413, 415, ...): the request itself is wrong.
    case rejected(KubeStatus)
    /// The request did not get a full answer: connection refused or reset, TLS failure, timeout.
    /// `curlCode` is libcurl's code for it, when libcurl failed the transfer.
    case transport(String, curlCode: CURLcode? = nil)
    /// The answer was not what the API promises (not JSON, missing fields).
    case malformedResponse(String)
    /// The kubeconfig or in-cluster files cannot be used.
    case configuration(String)
    /// The caller's task was cancelled.
    case cancelled

    /// Maps an HTTP failure and its Status body to a case.
    public static func from(status: KubeStatus, httpCode: Int, retryAfterHeader: Int? = nil) -> KubeError {
        switch httpCode {
        case 404: return .notFound(status)
        case 409: return status.reason == "AlreadyExists" ? .alreadyExists(status) : .conflict(status)
        case 410: return .gone(status)
        case 429:
            let seconds = retryAfterHeader ?? status.details?.retryAfterSeconds
            return .tooManyRequests(status, retryAfter: seconds.map { .seconds($0) })
        case 422: return .invalid(status)
        case 401, 403: return .unauthorized(status)
        case 500...599: return .server(status)
        default: return .rejected(status)
        }
    }

    /// The server's Status, when it sent one.
    public var status: KubeStatus? {
        switch self {
        case .notFound(let status), .conflict(let status), .alreadyExists(let status), .gone(let status),
            .tooManyRequests(let status, _), .invalid(let status), .unauthorized(let status), .server(let status),
            .rejected(let status):
            return status
        case .transport, .malformedResponse, .configuration, .cancelled:
            return nil
        }
    }

    /// Whether the same request may succeed later. Conflicts are not retryable as they are:
    /// the caller must read the object again first.
    public var isRetryable: Bool {
        switch self {
        case .tooManyRequests, .server, .transport: return true
        default: return false
        }
    }

    public var isNotFound: Bool { if case .notFound = self { true } else { false } }
    public var isConflict: Bool { if case .conflict = self { true } else { false } }
    public var isAlreadyExists: Bool { if case .alreadyExists = self { true } else { false } }
    public var isGone: Bool { if case .gone = self { true } else { false } }

    public var description: String {
        switch self {
        case .transport(let message, _): return "transport error: \(message)"
        case .malformedResponse(let message): return "malformed response: \(message)"
        case .configuration(let message): return "configuration error: \(message)"
        case .cancelled: return "cancelled"
        default: return status.map { "\($0)" } ?? "unknown error"
        }
    }
}
