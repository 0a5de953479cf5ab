/// What came back from one POST, and what it means for the event (issue 3's table):
/// 2xx delivered; 429 and 503 retryable, honouring Retry-After; 408, other 5xx and transport
/// failures retryable; 3xx (never followed) and other 4xx rejected.
struct HTTPSinkResponse {
    var status = 0
    /// Looked up after the transfer, and only for the answers that use them (429, 503, 3xx).
    var retryAfter: String?
    var location: String?
    /// The start of the body, kept only to explain a failure.
    var bodyPrefix: [UInt8] = []

    static let bodyPrefixLimit = 512
    /// How much of a response body is read at all; the rest is not waited for.
    static let bodyLimit = 64 * 1024
    var bodyLength = 0

    mutating func reset() {
        self = HTTPSinkResponse()
    }

    mutating func record(body chunk: UnsafeRawBufferPointer) {
        bodyLength += chunk.count
        let room = Self.bodyPrefixLimit - bodyPrefix.count
        if room > 0 { bodyPrefix.append(contentsOf: chunk.prefix(room)) }
    }

    /// Whether the outcome needs a header libcurl keeps for after the transfer.
    static func needsRetryAfter(_ status: Int) -> Bool { status == 429 || status == 503 }
    static func needsLocation(_ status: Int) -> Bool { (300..<400).contains(status) }

    func outcome(url: String) -> DeliveryOutcome {
        // The common answer returns before any text is formatted.
        if (200..<300).contains(status) { return .delivered }
        let answer = "\(url) answered \(status)\(Self.reasonPhrase(status).map { " \($0)" } ?? "")"
        switch status {
        case 429, 503:
            return .retryable(reason: answer + bodySummary, retryAfter: retryAfter.flatMap { HTTPSinkRetryAfter.parse($0) })
        case 408, 500..<600:
            return .retryable(reason: answer + bodySummary)
        case 300..<400:
            let target = location.map { " to \($0)" } ?? ""
            return .rejected(reason: "\(answer): a redirect\(target), which the sink does not follow")
        case 400..<500:
            return .rejected(reason: answer + bodySummary)
        default:
            return .retryable(reason: "\(url) answered with an unexpected HTTP status \(status)")
        }
    }

    private var bodySummary: String {
        let text = String(decoding: bodyPrefix, as: UTF8.self).filter { !$0.isNewline }
        guard !text.isEmpty else { return "" }
        return ": " + (bodyPrefix.count >= Self.bodyPrefixLimit ? text + "…" : text)
    }

    static func reasonPhrase(_ status: Int) -> String? {
        switch status {
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 307: return "Temporary Redirect"
        case 308: return "Permanent Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return nil
        }
    }
}
