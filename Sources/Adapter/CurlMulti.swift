import CCurl

/// A failed call on a libcurl multi handle (not a failed transfer: those end with a CURLcode).
struct CurlMultiError: Error, CustomStringConvertible {
    let code: CURLMcode
    let call: String

    var description: String { "\(call): \(String(cString: curl_multi_strerror(code)))" }
}

/// Owns one libcurl multi handle: it runs the transfers of several easy handles at once, on
/// the calling thread, over a connection cache of its own. Not Sendable, like the easy handles
/// it drives; it blocks only in `poll`.
final class CurlMulti {
    private let handle: UnsafeMutableRawPointer

    /// At most `maxConnections` connections at once, and as many kept open between transfers,
    /// so a sink that keeps that many requests in flight reuses the same connections forever.
    init(maxConnections: Int) throws(CurlMultiError) {
        let initialised = curlGlobalInitialization
        guard initialised == CURLE_OK, let handle = curl_multi_init() else {
            throw CurlMultiError(code: CURLM_INTERNAL_ERROR, call: "curl_multi_init")
        }
        self.handle = handle
        for option in [CURLMOPT_MAX_HOST_CONNECTIONS, CURLMOPT_MAX_TOTAL_CONNECTIONS, CURLMOPT_MAXCONNECTS] {
            try check(ccurl_multi_setopt_long(handle, option, maxConnections), "curl_multi_setopt")
        }
    }

    /// Every easy handle must have been removed by now: each transfer is removed as it finishes.
    deinit {
        curl_multi_cleanup(handle)
    }

    private func check(_ code: CURLMcode, _ call: String) throws(CurlMultiError) {
        guard code == CURLM_OK else { throw CurlMultiError(code: code, call: call) }
    }

    func add(_ easy: CurlEasyHandle) throws(CurlMultiError) {
        try check(curl_multi_add_handle(handle, easy.handle), "curl_multi_add_handle")
    }

    /// Also how a transfer is abandoned; its connection is closed if it was mid-request.
    func remove(_ easy: CurlEasyHandle) {
        _ = curl_multi_remove_handle(handle, easy.handle)
    }

    /// Moves every transfer along as far as it can go without waiting.
    func perform() throws(CurlMultiError) {
        var running: Int32 = 0
        try check(curl_multi_perform(handle, &running), "curl_multi_perform")
    }

    /// Blocks until a socket of a transfer is ready or one of libcurl's timers (a transfer's
    /// timeout among them) is due, but no longer than `milliseconds`.
    func poll(milliseconds: Int32) throws(CurlMultiError) {
        var ready: Int32 = 0
        try check(curl_multi_poll(handle, nil, 0, milliseconds, &ready), "curl_multi_poll")
    }

    /// The next transfer that finished since the last call, with how it ended, or nil.
    func nextFinished() -> (easy: UnsafeMutableRawPointer, result: CURLcode)? {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(handle, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            return (easy, ccurl_message_result(message))
        }
        return nil
    }
}
