import CCurl

/// A failed call on a libcurl multi handle (not a failed transfer: those end with a CURLcode).
public struct CurlMultiError: Error, Sendable, CustomStringConvertible {
    public let code: CURLMcode
    public let call: String

    public var description: String { "\(call): \(String(cString: curl_multi_strerror(code)))" }
}

/// Owns one libcurl multi handle: it runs the transfers of many easy handles at once, on
/// `CurlTransferLoop`'s thread, over one connection cache. Not Sendable: only that thread uses
/// it, and it blocks only in `drive`.
final class CurlMulti {
    private let handle: UnsafeMutableRawPointer
    /// Written by libcurl's callbacks; lives as long as the multi handle, which points to it.
    private let sockets: CurlMultiSockets

    /// No per-host or total connection limit: every client bounds its own requests in flight
    /// (an HTTP sink its window, the Kubernetes client its callers), and a limit here would make
    /// a long watch hold back an unrelated request. The cache size is set by the transfer loop.
    /// `drive` also returns as soon as `wakeDescriptor` is readable (see `CurlWakePipe`).
    init(wakeDescriptor: Int32) throws(CurlMultiError) {
        guard CurlGlobal.initialization == CURLE_OK, let handle = curl_multi_init() else {
            throw CurlMultiError(code: CURLM_INTERNAL_ERROR, call: "curl_multi_init")
        }
        self.handle = handle
        sockets = CurlMultiSockets(wakeDescriptor: wakeDescriptor)
        try check(sockets.install(on: handle), "curl_multi_setopt")
    }

    /// Every easy handle must have been removed by now: each transfer is removed as it finishes.
    deinit {
        curl_multi_cleanup(handle)
    }

    /// How many connections, in use or idle, libcurl keeps open before it closes the oldest
    /// idle one.
    func setConnectionCacheSize(_ size: Int) {
        _ = ccurl_multi_setopt_long(handle, CURLMOPT_MAXCONNECTS, size)
    }

    private func check(_ code: CURLMcode, _ call: String) throws(CurlMultiError) {
        guard code == CURLM_OK else { throw CurlMultiError(code: code, call: call) }
    }

    func add(_ easy: UnsafeMutableRawPointer) throws(CurlMultiError) {
        try check(curl_multi_add_handle(handle, easy), "curl_multi_add_handle")
    }

    /// Also how a transfer is abandoned; its connection is closed if it was mid-request.
    func remove(_ easy: UnsafeMutableRawPointer) {
        _ = curl_multi_remove_handle(handle, easy)
    }

    /// Moves the transfers along: runs libcurl's timer if it is due, or else waits (at most
    /// `limit`, less if the timer is due sooner, none once woken) for a socket to be ready and
    /// lets libcurl act on each ready one. Transfers that finished are then in `nextFinished`.
    func drive(waitingAtMost limit: Duration) throws(CurlMultiError) {
        var running: Int32 = 0
        if sockets.takeDueTimer() {
            try check(curl_multi_socket_action(handle, CURL_SOCKET_TIMEOUT, 0, &running), "curl_multi_socket_action")
            return
        }
        let ready = sockets.waitForReadySockets(limit: limit)
        for (socket, events) in ready {
            try check(curl_multi_socket_action(handle, socket, events, &running), "curl_multi_socket_action")
        }
        if ready.isEmpty, sockets.takeDueTimer() {
            try check(curl_multi_socket_action(handle, CURL_SOCKET_TIMEOUT, 0, &running), "curl_multi_socket_action")
        }
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
