import CCurl

/// Owns one libcurl easy handle. @unchecked Sendable: libcurl allows a handle on any thread as
/// long as one thread uses it at a time, and `CurlHandlePool` hands each handle to one transfer only.
final class CurlHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer

    init() throws(KubeError) {
        guard CurlGlobal.initialized, let raw = curl_easy_init() else {
            throw .transport("libcurl could not create a handle")
        }
        self.raw = raw
    }

    deinit { curl_easy_cleanup(raw) }
}

enum CurlGlobal {
    /// curl_global_init is not thread-safe, so it runs once, before any handle exists (CURL_GLOBAL_ALL).
    static let initialized: Bool = curl_global_init(3) == CURLE_OK
}
