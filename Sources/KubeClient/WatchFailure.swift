/// One failed list or watch request of a `ResourceWatcher`, as reported to its owner. The watcher
/// retries on its own; the report is there so a persistent failure (a 403 from a missing RBAC
/// rule, say) can be seen in logs and metrics instead of looping silently.
public struct WatchFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Request: String, Sendable {
        case list
        case watch
    }

    /// The resource's plural, as RBAC names it (`eventsources`, `secrets`).
    public let resource: String
    public let request: Request
    /// The failure as the server (an HTTP status or a watch ERROR event) or the transport gave it.
    public let error: KubeError

    public init(resource: String, request: Request, error: KubeError) {
        self.resource = resource
        self.request = request
        self.error = error
    }

    public var reason: WatchFailureReason { WatchFailureReason(error) }

    /// The HTTP status code, when the server answered with one.
    public var statusCode: Int? { error.status.map(\.code).flatMap { $0 > 0 ? $0 : nil } }

    public var description: String {
        "\(request) \(resource) failed (\(reason.rawValue)): \(error)"
    }

    public static func == (lhs: WatchFailure, rhs: WatchFailure) -> Bool {
        lhs.resource == rhs.resource && lhs.request == rhs.request && lhs.reason == rhs.reason
            && lhs.error.status == rhs.error.status && lhs.error.description == rhs.error.description
    }
}

/// Why a list or watch failed, in words fit for a metric label: a small, closed set.
public enum WatchFailureReason: String, Sendable, CaseIterable {
    /// 401: the credentials were not accepted.
    case unauthorized
    /// 403: authenticated, but RBAC does not allow the request.
    case forbidden
    /// 404: the resource type is not served (its CRD is missing, say).
    case notFound = "not_found"
    /// 410: the resourceVersion is too old; the watcher lists again, which is routine.
    case gone
    case tooManyRequests = "too_many_requests"
    /// 5xx.
    case serverError = "server_error"
    /// Any other refusal of the request itself (400, 409, 422, ...).
    case rejected
    /// No full answer: connection refused or reset, TLS failure, timeout.
    case transport
    /// An answer that is not what the API promises (a watch line that is not JSON, say).
    case malformedResponse = "malformed_response"
    case configuration

    public init(_ error: KubeError) {
        switch error {
        case .unauthorized(let status): self = status.code == 401 ? .unauthorized : .forbidden
        case .notFound: self = .notFound
        case .gone: self = .gone
        case .tooManyRequests: self = .tooManyRequests
        case .server: self = .serverError
        case .conflict, .alreadyExists, .invalid, .rejected: self = .rejected
        case .transport, .cancelled: self = .transport
        case .malformedResponse: self = .malformedResponse
        case .configuration: self = .configuration
        }
    }

    /// 401 and 403: retrying cannot help until someone changes credentials or RBAC.
    public var needsOperator: Bool { self == .unauthorized || self == .forbidden }
}
