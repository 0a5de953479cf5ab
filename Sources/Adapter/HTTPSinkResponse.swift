/// What came back from one POST, and what it means for the event (issue 3's table):
/// 2xx delivered; 429 and 503 retryable, honouring Retry-After; 408, other 5xx and transport
/// failures retryable; 3xx (never followed) and other 4xx rejected.
struct HTTPSinkResponse {
    var status = 0
    var retryAfter: String?
    var location: String?
    /// The start of the body, kept only to explain a failure.
    var bodyPrefix: [UInt8] = []

    static let bodyPrefixLimit = 512

    mutating func reset() {
        self = HTTPSinkResponse()
    }

    /// Called with each raw header line; a new status line (after `100 Continue`) starts afresh.
    mutating func record(headerLine: [UInt8]) {
        var line = Substring(decoding: headerLine, as: UTF8.self)
        while let last = line.last, last == "\r" || last == "\n" || last == "\r\n" { line = line.dropLast() }
        if line.hasPrefix("HTTP/") {
            retryAfter = nil
            location = nil
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = String(line[line.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" }))
        switch name {
        case "retry-after": retryAfter = value
        case "location": location = value
        default: break
        }
    }

    mutating func record(body chunk: UnsafeRawBufferPointer) {
        let room = Self.bodyPrefixLimit - bodyPrefix.count
        if room > 0 { bodyPrefix.append(contentsOf: chunk.prefix(room)) }
    }

    func outcome(url: String) -> DeliveryOutcome {
        let answer = "\(url) answered \(status)\(Self.reasonPhrase(status).map { " \($0)" } ?? "")"
        switch status {
        case 200..<300:
            return .delivered
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
