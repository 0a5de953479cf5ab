import CCurl
import CurlCore
import EventSourceAPI

/// One request slot of an `HTTPSink`: an easy handle configured once for the sink's URL and
/// options, reused for event after event, with the memory libcurl reads the request from and
/// writes the answer into. A transfer carries one event at a time.
final class HTTPSinkTransfer {
    let easy: CurlEasyHandle
    private let url: String
    private let mode: SinkSpec.Mode
    private let headers = HTTPSinkHeaderList()
    /// Where libcurl's write callback puts the answer, through an unretained pointer: a class,
    /// so the pointer stays valid while the transfer lives.
    private let response: ResponseBox
    private var scratch: [UInt8] = []
    /// The body libcurl sends from; its own memory, since libcurl reads it after `prepare` returns.
    private var body: UnsafeMutableRawPointer
    private var bodyCapacity: Int

    init(url: String, mode: SinkSpec.Mode, options: HTTPSinkOptions) throws(CurlError) {
        let easy = try CurlEasyHandle()
        let response = ResponseBox()
        try Self.configure(easy, url: url, options: options, response: response)
        self.easy = easy
        self.response = response
        self.url = url
        self.mode = mode
        // Allocated only once nothing can throw any more, so it cannot leak from a failed init.
        bodyCapacity = 1024
        body = .allocate(byteCount: bodyCapacity, alignment: 1)
    }

    private static func configure(
        _ easy: CurlEasyHandle, url: String, options: HTTPSinkOptions, response: ResponseBox
    ) throws(CurlError) {
        try easy.set(CURLOPT_URL, url)
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_POST, 1)
        // Timeouts would otherwise use SIGALRM, which is unsafe with many threads.
        try easy.set(CURLOPT_NOSIGNAL, 1)
        try easy.set(CURLOPT_FOLLOWLOCATION, 0)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeout.curlMilliseconds)
        try easy.set(CURLOPT_TIMEOUT_MS, options.requestTimeout.curlMilliseconds)
        try easy.set(CURLOPT_SSL_VERIFYPEER, 1)
        try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = options.caFile { try easy.set(CURLOPT_CAINFO, caFile) }
        try easy.set(CURLOPT_TCP_KEEPALIVE, 1)
        try easy.set(CURLOPT_USERAGENT, options.userAgent)
        try easy.set(CURLOPT_WRITEFUNCTION, callback: { data, size, count, box in
            let length = size * count
            guard let data, let box else { return length }
            let bytes = UnsafeRawBufferPointer(start: data, count: length)
            let response = Unmanaged<ResponseBox>.fromOpaque(box).takeUnretainedValue()
            response.value.record(body: bytes)
            // The status line is the answer: a body that never ends must not hold the event, so
            // past a small bound the transfer stops (a write error) and the status decides.
            return response.value.bodyLength > HTTPSinkResponse.bodyLimit ? 0 : length
        })
        try easy.set(CURLOPT_WRITEDATA, pointer: Unmanaged.passUnretained(response).toOpaque())
    }

    deinit {
        body.deallocate()
    }

    /// Sets the handle up to post `event`; the caller then hands it to the multi handle.
    func prepare(_ event: CloudEvent) throws(CurlError) {
        scratch.removeAll(keepingCapacity: true)
        CloudEventHTTPMessage.writeBody(of: event, mode: mode, into: &scratch)
        if scratch.count > bodyCapacity {
            body.deallocate()
            bodyCapacity = scratch.count * 2
            body = .allocate(byteCount: bodyCapacity, alignment: 1)
        }
        scratch.withUnsafeBytes { bytes in
            if let source = bytes.baseAddress { body.copyMemory(from: source, byteCount: bytes.count) }
        }
        response.value.reset()
        easy.clearError()
        try easy.set(CURLOPT_HTTPHEADER, headers: headers.update(for: event, mode: mode))
        // Never a null POSTFIELDS, which libcurl reads as "take the body from stdin".
        try easy.set(CURLOPT_POSTFIELDS, pointer: body)
        try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, size: scratch.count)
    }

    /// What the finished transfer means for its event.
    func outcome(_ result: CURLcode) -> DeliveryOutcome {
        guard result == CURLE_OK else {
            let answered = easy.responseCode()
            if (200..<300).contains(answered) {
                // A 2xx arrived; what the body did after it (endless, hung, cut off) does not undo it.
                return .delivered
            }
            if result == CURLE_WRITE_ERROR, answered > 0 {
                // Stopped reading an overlong body: the status line still says what happened.
                response.value.status = answered
                return response.value.outcome(url: url)
            }
            let error = easy.failure(result)
            return .retryable(reason: "POST to \(url) \(error.isTimeout ? "timed out" : "failed"): \(error)")
        }
        let status = easy.responseCode()
        response.value.status = status
        if HTTPSinkResponse.needsRetryAfter(status) { response.value.retryAfter = easy.responseHeader("Retry-After") }
        if HTTPSinkResponse.needsLocation(status) { response.value.location = easy.responseHeader("Location") }
        return response.value.outcome(url: url)
    }
}

private final class ResponseBox {
    var value = HTTPSinkResponse()
}
