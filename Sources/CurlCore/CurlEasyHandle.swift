import CCurl

/// Owns one libcurl easy handle and the error buffer libcurl writes into.
///
/// Its owner configures it, hands it to `CurlTransferLoop.start`, and touches it again only in
/// the completion, on the loop thread; libcurl allows a handle on one thread at a time.
/// @unchecked Sendable: the compiler cannot see that the C handle passes between threads, never shared.
public final class CurlEasyHandle: @unchecked Sendable {
    /// For options this type has no setter for; never used while the transfer loop runs it.
    public let handle: UnsafeMutableRawPointer
    /// libcurl keeps this pointer for the handle's life and fills it when a transfer fails.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    public init() throws(CurlError) {
        try CurlGlobal.check()
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

    public func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(ccurl_setopt_long(handle, option, value), "setting option \(option.rawValue)")
    }

    public func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try check(ccurl_setopt_string(handle, option, value), "setting option \(option.rawValue) to '\(value)'")
    }

    public func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(CurlError) {
        try check(ccurl_setopt_pointer(handle, option, pointer), "setting option \(option.rawValue)")
    }

    public func set(_ option: CURLoption, size: Int) throws(CurlError) {
        try check(ccurl_setopt_off_t(handle, option, curl_off_t(size)), "setting option \(option.rawValue)")
    }

    public func set(_ option: CURLoption, headers: UnsafeMutablePointer<curl_slist>?) throws(CurlError) {
        try check(ccurl_setopt_slist(handle, option, headers), "setting the request headers")
    }

    public func set(_ option: CURLoption, callback: ccurl_data_callback) throws(CurlError) {
        try check(ccurl_setopt_data_callback(handle, option, callback), "setting a callback")
    }

    /// Back to libcurl's defaults (for a handle reused for a different request), keeping the
    /// error buffer and the connection and TLS session caches.
    public func reset() throws(CurlError) {
        curl_easy_reset(handle)
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
    }

    /// Empties the error buffer, so a failure's text is from this transfer and not an older one.
    public func clearError() {
        errorBuffer[0] = 0
    }

    /// The error of a transfer that ended with `code`, with libcurl's own detail when it gave one.
    public func failure(_ code: CURLcode) -> CurlError {
        // libcurl's messages sometimes end in a space.
        var detail = Substring(String(cString: errorBuffer))
        while detail.last?.isWhitespace == true { detail = detail.dropLast() }
        return CurlError(code: code, detail: String(detail))
    }

    public func responseCode() -> Int {
        var code = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// The last value of a response header of the last transfer, looked up after it finished
    /// (libcurl ≥ 7.83): cheaper than a header callback that sees every line of every answer
    /// when only a failure's Retry-After or Location is ever wanted.
    public func responseHeader(_ name: String) -> String? {
        var header: UnsafeMutablePointer<curl_header>?
        guard curl_easy_header(handle, name, 0, UInt32(CURLH_HEADER), -1, &header) == CURLHE_OK,
            let amount = header?.pointee.amount
        else { return nil }
        if amount > 1, curl_easy_header(handle, name, amount - 1, UInt32(CURLH_HEADER), -1, &header) != CURLHE_OK {
            return nil
        }
        return header?.pointee.value.map { String(cString: $0) }
    }
}
