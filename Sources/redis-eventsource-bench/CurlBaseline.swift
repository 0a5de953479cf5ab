import CCurl
import Glibc

/// What libcurl alone can do on the HTTP path: a multi handle keeping `connections` easy
/// handles busy posting the sample event, headers built once, responses discarded, as the
/// product's sink does but with no event to build and no Redis. Not a figure the issue asks
/// for, but it splits the gap between wrk and the product into libcurl's share and the adapter's.
struct CurlBaseline {
    let url: String
    let sample: EventSample
    let connections: Int
    let seconds: Int

    func run() throws(BenchError) -> Double {
        guard let multi = curl_multi_init() else { throw .tool("curl_multi_init failed") }
        defer { curl_multi_cleanup(multi) }
        for option in [CURLMOPT_MAX_HOST_CONNECTIONS, CURLMOPT_MAX_TOTAL_CONNECTIONS, CURLMOPT_MAXCONNECTS] {
            guard ccurl_multi_setopt_long(multi, option, connections) == CURLM_OK else { throw .tool("curl_multi_setopt failed") }
        }
        var headers: UnsafeMutablePointer<curl_slist>?
        // Like the product's sink: no 100-continue round trip, and the same request headers.
        for line in ["Expect:"] + sample.headers.filter({ $0.name != "User-Agent" && $0.name != "Accept" }).map({ "\($0.name): \($0.value)" }) {
            headers = curl_slist_append(headers, line)
        }
        defer { curl_slist_free_all(headers) }
        var handles: [UnsafeMutableRawPointer] = []
        defer {
            for handle in handles {
                curl_multi_remove_handle(multi, handle)
                curl_easy_cleanup(handle)
            }
        }
        let discard: ccurl_data_callback = { _, size, count, _ in size * count }
        let body = sample.body
        // withUnsafeBytes only rethrows untyped errors, so the typed one travels in a Result.
        return try body.withUnsafeBytes { bytes in Result { () throws(BenchError) -> Double in
            for _ in 0..<connections {
                guard let handle = curl_easy_init() else { throw .tool("curl_easy_init failed") }
                handles.append(handle)
                let setup: [CURLcode] = [
                    ccurl_setopt_string(handle, CURLOPT_URL, url),
                    ccurl_setopt_long(handle, CURLOPT_POST, 1),
                    ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
                    ccurl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1),
                    ccurl_setopt_string(handle, CURLOPT_USERAGENT, "redis-eventsource"),
                    ccurl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, discard),
                    ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers),
                    ccurl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)),
                    ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress)),
                ]
                guard setup.allSatisfy({ $0 == CURLE_OK }) else { throw .tool("libcurl setup failed") }
                guard curl_multi_add_handle(multi, handle) == CURLM_OK else { throw .tool("curl_multi_add_handle failed") }
            }
            let start = MonotonicClock.now()
            var requests = 0
            var running: Int32 = 0
            while MonotonicClock.seconds(since: start) < Double(seconds) {
                guard curl_multi_perform(multi, &running) == CURLM_OK else { throw .tool("curl_multi_perform failed") }
                var remaining: Int32 = 0
                var restarted = false
                while let message = curl_multi_info_read(multi, &remaining) {
                    guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                    let code = ccurl_message_result(message)
                    guard code == CURLE_OK else { throw .tool("libcurl: \(String(cString: curl_easy_strerror(code)))") }
                    var status = 0
                    _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
                    guard status == 200 else { throw .tool("libcurl baseline got HTTP \(status)") }
                    requests += 1
                    // Removing and adding again is how a finished easy handle makes its next request.
                    curl_multi_remove_handle(multi, handle)
                    curl_multi_add_handle(multi, handle)
                    restarted = true
                }
                if !restarted {
                    var ready: Int32 = 0
                    curl_multi_poll(multi, nil, 0, 1000, &ready)
                }
            }
            return Double(requests) / MonotonicClock.seconds(since: start)
        } }.get()
    }
}
