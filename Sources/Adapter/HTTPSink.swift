import CCurl
import EventSourceAPI

/// Posts each event to an HTTP(S) receiver, per the CloudEvents HTTP binding, over one
/// libcurl easy handle: its connection cache keeps the TCP/TLS connection alive between events.
///
/// Blocks the calling thread for up to `options.requestTimeout`, so it belongs on the owning
/// adapter's dedicated thread, never on Swift's cooperative pool. Redirects are not followed:
/// a 3xx rejects the event rather than sending it somewhere the spec did not name.
public final class HTTPSink: EventSink {
    public let url: String
    public let mode: SinkSpec.Mode
    public let options: HTTPSinkOptions

    private var handle: CurlEasyHandle?
    /// Why the sink cannot send at all (unusable URL, libcurl setup); reported on every
    /// delivery as retryable, so no entry is dropped because of a configuration mistake.
    private var setupProblem: String?
    /// Filled by libcurl's callbacks during `perform`, through an unretained pointer to this box.
    private let response = ResponseBox()

    public init(url: String, mode: SinkSpec.Mode = .binary, options: HTTPSinkOptions = HTTPSinkOptions()) {
        self.url = url
        self.mode = mode
        self.options = options
        if let problem = Self.problem(withURL: url) {
            setupProblem = "sink URL '\(url)' is unusable: \(problem)"
            return
        }
        do {
            handle = try makeHandle()
        } catch {
            setupProblem = "could not prepare an HTTP client for \(url): \(error)"
        }
    }

    /// Why `url` cannot be posted to, or nil. Only http and https are accepted.
    public static func problem(withURL url: String) -> String? {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            return "only http:// and https:// URLs are supported"
        }
        return CurlEasyHandle.problem(withURL: url)
    }

    private func makeHandle() throws(CurlError) -> CurlEasyHandle {
        let handle = try CurlEasyHandle()
        try handle.set(CURLOPT_URL, url)
        try handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try handle.set(CURLOPT_POST, 1)
        // Timeouts would otherwise use SIGALRM, which is unsafe with many threads.
        try handle.set(CURLOPT_NOSIGNAL, 1)
        try handle.set(CURLOPT_FOLLOWLOCATION, 0)
        try handle.set(CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeout.curlMilliseconds)
        try handle.set(CURLOPT_TIMEOUT_MS, options.requestTimeout.curlMilliseconds)
        try handle.set(CURLOPT_SSL_VERIFYPEER, 1)
        try handle.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = options.caFile { try handle.set(CURLOPT_CAINFO, caFile) }
        try handle.set(CURLOPT_TCP_KEEPALIVE, 1)
        try handle.set(CURLOPT_USERAGENT, options.userAgent)
        let box = Unmanaged.passUnretained(response).toOpaque()
        try handle.set(CURLOPT_HEADERFUNCTION, callback: { data, size, count, box in
            let length = size * count
            guard let data, let box else { return length }
            let bytes = UnsafeRawBufferPointer(start: data, count: length)
            Unmanaged<ResponseBox>.fromOpaque(box).takeUnretainedValue().value.record(headerLine: Array(bytes))
            return length
        })
        try handle.set(CURLOPT_HEADERDATA, pointer: box)
        try handle.set(CURLOPT_WRITEFUNCTION, callback: { data, size, count, box in
            let length = size * count
            guard let data, let box else { return length }
            let bytes = UnsafeRawBufferPointer(start: data, count: length)
            Unmanaged<ResponseBox>.fromOpaque(box).takeUnretainedValue().value.record(body: bytes)
            return length
        })
        try handle.set(CURLOPT_WRITEDATA, pointer: box)
        return handle
    }

    public func deliver(_ event: CloudEvent) -> DeliveryOutcome {
        if let setupProblem { return .retryable(reason: setupProblem) }
        guard let handle else { return .retryable(reason: "the HTTP sink for \(url) is closed") }
        let message = CloudEventHTTPMessage(event, mode: mode)
        // An empty "Expect:" stops libcurl from waiting for 100-continue before larger bodies.
        var lines = ["Expect:"]
        for header in message.headers { lines.append("\(header.name): \(header.value)") }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for line in lines { headerList = curl_slist_append(headerList, line) }
        defer { curl_slist_free_all(headerList) }
        response.value.reset()
        do {
            try handle.set(CURLOPT_HTTPHEADER, headers: headerList)
            defer { try? handle.set(CURLOPT_HTTPHEADER, headers: nil) }
            try Self.withNonEmptyBody(message.body) { (body) throws(CurlError) in
                try handle.set(CURLOPT_POSTFIELDSIZE_LARGE, size: message.body.count)
                try handle.set(CURLOPT_POSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: body))
                defer { try? handle.set(CURLOPT_POSTFIELDS, pointer: nil) }
                try handle.perform()
            }
        } catch {
            let what = error.isTimeout ? "timed out" : "failed"
            return .retryable(reason: "POST to \(url) \(what): \(error)")
        }
        response.value.status = handle.responseCode()
        return response.value.outcome(url: url)
    }

    /// libcurl reads a null POSTFIELDS as "read the body from stdin", so never pass one.
    private static func withNonEmptyBody(
        _ body: [UInt8], _ send: (UnsafeRawPointer) throws(CurlError) -> Void
    ) throws(CurlError) {
        let bytes = body.isEmpty ? [0] : body
        // withUnsafeBytes only rethrows untyped errors, so the typed one is carried out by hand.
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(CurlError) in try send(buffer.baseAddress!) }
        }
        try result.get()
    }

    public func close() {
        handle = nil
    }
}

/// Where libcurl's C callbacks write, reached through an opaque pointer: a class, so the
/// pointer stays valid while the sink lives.
private final class ResponseBox {
    var value = HTTPSinkResponse()
}
