import StructuredData

/// A Kubernetes `Status` object, as the API server returns with every failure.
public struct KubeStatus: Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    public let reason: String
    public let message: String
    public let details: Details?

    public struct Details: Sendable, Equatable {
        public let name: String?
        public let group: String?
        public let kind: String?
        public let retryAfterSeconds: Int?
        public let causes: [Cause]
    }

    public struct Cause: Sendable, Equatable {
        public let reason: String?
        public let message: String?
        public let field: String?
    }

    public init(code: Int, reason: String, message: String, details: Details? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    /// Reads a Status from a response body; a body that is not one still yields the HTTP code.
    public init(decoding body: [UInt8], httpStatus: Int) {
        guard let value = try? JSONParser.parse(body), value["kind"]?.stringValue == "Status" else {
            let text = String(decoding: body.prefix(512), as: UTF8.self)
            self.init(code: httpStatus, reason: Self.defaultReason(httpStatus), message: text)
            return
        }
        self.init(value, httpStatus: httpStatus)
    }

    public init(_ value: JSONValue, httpStatus: Int) {
        code = value["code"]?.intValue.map(Int.init) ?? httpStatus
        reason = value["reason"]?.stringValue ?? Self.defaultReason(code)
        message = value["message"]?.stringValue ?? ""
        if let details = value["details"]?.objectValue {
            let causes = (details["causes"]?.arrayValue ?? []).map { cause in
                Cause(
                    reason: cause["reason"]?.stringValue, message: cause["message"]?.stringValue,
                    field: cause["field"]?.stringValue)
            }
            self.details = Details(
                name: details["name"]?.stringValue, group: details["group"]?.stringValue,
                kind: details["kind"]?.stringValue, retryAfterSeconds: details["retryAfterSeconds"]?.intValue.map(Int.init),
                causes: causes)
        } else {
            details = nil
        }
    }

    public var description: String { "\(code) \(reason): \(message)" }

    static func defaultReason(_ code: Int) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 409: return "Conflict"
        case 410: return "Expired"
        case 413: return "RequestEntityTooLarge"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return "Unknown"
        }
    }
}
