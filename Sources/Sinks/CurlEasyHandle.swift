import CCurl

/// libcurl must be initialised once per process before any handle exists, and
/// curl_global_init itself is not safe to race; a global `let` is initialised exactly once,
/// under the runtime's own lock.
let curlGlobalInitialization: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

/// A failed libcurl call, with libcurl's own words for it.
struct CurlError: Error, CustomStringConvertible {
    let code: CURLcode
    let detail: String

    var description: String {
        let summary = String(cString: curl_easy_strerror(code))
        return detail.isEmpty || detail == summary ? summary : "\(summary): \(detail)"
    }

    var isTimeout: Bool { code == CURLE_OPERATION_TIMEDOUT }
}

/// Owns one libcurl easy handle and the error buffer libcurl writes into. Not Sendable:
/// a handle may be used by one thread at a time, so it stays with the sink that created it.
final class CurlEasyHandle {
    /// For `CurlMulti`, which drives the transfer; nobody else may call libcurl with it.
    let handle: UnsafeMutableRawPointer
    /// libcurl keeps this pointer for the handle's life and fills it when a transfer fails.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() throws(CurlError) {
        let initialised = curlGlobalInitialization
        guard initialised == CURLE_OK else { throw CurlError(code: initialised, detail: "curl_global_init failed") }
        guard let handle = curl_easy_init() else {
            throw CurlError(code: CURLE_FAILED_INIT, detail: "curl_easy_init returned no handle")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    private func check(_ code: CURLcode, _ what: @autoclosure () -> String) throws(CurlError) {
        guard code == CURLE_OK else { throw CurlError(code: code, detail: what()) }
    }

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(ccurl_setopt_long(handle, option, value), "setting option \(option.rawValue)")
    }

    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try check(ccurl_setopt_string(handle, option, value), "setting option \(option.rawValue) to '\(value)'")
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(CurlError) {
        try check(ccurl_setopt_pointer(handle, option, pointer), "setting option \(option.rawValue)")
    }

    func set(_ option: CURLoption, size: Int) throws(CurlError) {
        try check(ccurl_setopt_off_t(handle, option, curl_off_t(size)), "setting option \(option.rawValue)")
    }

    func set(_ option: CURLoption, headers: UnsafeMutablePointer<curl_slist>?) throws(CurlError) {
        try check(ccurl_setopt_slist(handle, option, headers), "setting the request headers")
    }

    func set(_ option: CURLoption, callback: ccurl_data_callback) throws(CurlError) {
        try check(ccurl_setopt_data_callback(handle, option, callback), "setting a callback")
    }

    /// Empties the error buffer, so a failure's text is from this transfer and not an older one.
    func clearError() {
        errorBuffer[0] = 0
    }

    /// The error of a transfer that ended with `code`, with libcurl's own detail when it gave one.
    func failure(_ code: CURLcode) -> CurlError {
        // libcurl's messages sometimes end in a space.
        var detail = Substring(String(cString: errorBuffer))
        while detail.last?.isWhitespace == true { detail = detail.dropLast() }
        return CurlError(code: code, detail: String(detail))
    }

    func responseCode() -> Int {
        var code = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// The last value of a response header of the last transfer, looked up after it finished
    /// (libcurl ≥ 7.83): cheaper than a header callback that sees every line of every answer
    /// when only a failure's Retry-After or Location is ever wanted.
    func responseHeader(_ name: String) -> String? {
        var header: UnsafeMutablePointer<curl_header>?
        guard curl_easy_header(handle, name, 0, UInt32(CURLH_HEADER), -1, &header) == CURLHE_OK,
            let amount = header?.pointee.amount
        else { return nil }
        if amount > 1, curl_easy_header(handle, name, amount - 1, UInt32(CURLH_HEADER), -1, &header) != CURLHE_OK {
            return nil
        }
        return header?.pointee.value.map { String(cString: $0) }
    }

    /// Why libcurl cannot parse `url`, or nil when it can. Uses libcurl's own URL parser, so
    /// what passes here is what a transfer will accept.
    static func problem(withURL url: String) -> String? {
        guard let parsed = curl_url() else { return "libcurl could not allocate a URL parser" }
        defer { curl_url_cleanup(parsed) }
        let code = curl_url_set(parsed, CURLUPART_URL, url, 0)
        guard code == CURLUE_OK else { return String(cString: curl_url_strerror(code)) }
        return nil
    }
}
