import CCurl
import Glibc

/// What libcurl alone can do on the HTTP path: one easy handle posting the sample event over
/// and over, headers built once, responses discarded. Not a figure the issue asks for, but it
/// splits the gap between wrk and the product into libcurl's share and the adapter's own.
struct CurlBaseline {
    let url: String
    let sample: EventSample
    let seconds: Int

    func run() throws(BenchError) -> Double {
        guard let handle = curl_easy_init() else { throw .tool("curl_easy_init failed") }
        defer { curl_easy_cleanup(handle) }
        var headers: UnsafeMutablePointer<curl_slist>?
        // Like the product's sink: no 100-continue round trip, and the same request headers.
        for line in ["Expect:"] + sample.headers.filter({ $0.name != "User-Agent" && $0.name != "Accept" }).map({ "\($0.name): \($0.value)" }) {
            headers = curl_slist_append(headers, line)
        }
        defer { curl_slist_free_all(headers) }
        let discard: ccurl_data_callback = { _, size, count, _ in size * count }
        let body = sample.body
        // withUnsafeBytes only rethrows untyped errors, so the typed one travels in a Result.
        return try body.withUnsafeBytes { bytes in Result { () throws(BenchError) -> Double in
            let setup: [CURLcode] = [
                ccurl_setopt_string(handle, CURLOPT_URL, url),
                ccurl_setopt_long(handle, CURLOPT_POST, 1),
                ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
                ccurl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1),
                ccurl_setopt_string(handle, CURLOPT_USERAGENT, "redis-eventsource"),
                ccurl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, discard),
                ccurl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, discard),
                ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers),
                ccurl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)),
                ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress)),
            ]
            guard setup.allSatisfy({ $0 == CURLE_OK }) else { throw .tool("libcurl setup failed") }
            let start = MonotonicClock.now()
            var requests = 0
            while MonotonicClock.seconds(since: start) < Double(seconds) {
                let code = curl_easy_perform(handle)
                guard code == CURLE_OK else { throw .tool("libcurl: \(String(cString: curl_easy_strerror(code)))") }
                requests += 1
            }
            var status = 0
            _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            guard status == 200 else { throw .tool("libcurl baseline got HTTP \(status)") }
            return Double(requests) / MonotonicClock.seconds(since: start)
        } }.get()
    }
}
