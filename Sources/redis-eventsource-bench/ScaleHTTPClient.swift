import CCurl

/// GETs on 127.0.0.1 for the scale bench (the EventSource list, `/metrics`), through one libcurl
/// easy handle kept between polls so that each poll reuses its connection.
///
/// Not Sendable: an easy handle belongs to one thread, and the bench's measuring thread owns this.
final class ScaleHTTPClient {
    private let handle: UnsafeMutableRawPointer

    init() throws(BenchError) {
        guard let handle = curl_easy_init() else { throw .tool("curl_easy_init failed") }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// The body of a 200 answer; anything else is an error naming the URL.
    func get(_ url: String) throws(BenchError) -> [UInt8] {
        let body = ResponseBody()
        let append: ccurl_data_callback = { pointer, size, count, userdata in
            let body = Unmanaged<ResponseBody>.fromOpaque(userdata!).takeUnretainedValue()
            body.bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: size * count))
            return size * count
        }
        let code = withExtendedLifetime(body) { () -> CURLcode in
            let setup: [CURLcode] = [
                ccurl_setopt_string(handle, CURLOPT_URL, url),
                ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1),
                ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
                ccurl_setopt_long(handle, CURLOPT_TIMEOUT, 30),
                ccurl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, append),
                ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(body).toOpaque()),
            ]
            guard setup.allSatisfy({ $0 == CURLE_OK }) else { return CURLE_FAILED_INIT }
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else { throw .tool("GET \(url): \(String(cString: curl_easy_strerror(code)))") }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        guard status == 200 else { throw .tool("GET \(url): HTTP \(status)") }
        return body.bytes
    }

    /// A JSON merge patch; returns once the server answered 200, i.e. it has stored the change.
    /// Leaves the handle in PATCH mode: use a client of its own for patches.
    func mergePatch(_ url: String, json: String) throws(BenchError) {
        let headers = curl_slist_append(nil, "Content-Type: application/merge-patch+json")
        defer { curl_slist_free_all(headers) }
        let discard: ccurl_data_callback = { _, size, count, _ in size * count }
        let setup: [CURLcode] = [
            ccurl_setopt_string(handle, CURLOPT_URL, url),
            ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "PATCH"),
            ccurl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, json),
            ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers),
            ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            ccurl_setopt_long(handle, CURLOPT_TIMEOUT, 30),
            ccurl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, discard),
        ]
        guard setup.allSatisfy({ $0 == CURLE_OK }) else { throw .tool("PATCH \(url): libcurl setup failed") }
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else { throw .tool("PATCH \(url): \(String(cString: curl_easy_strerror(code)))") }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        guard status == 200 else { throw .tool("PATCH \(url): HTTP \(status)") }
    }

    /// Where libcurl's write callback puts the body; lives for one request.
    private final class ResponseBody {
        var bytes: [UInt8] = []
    }
}
