import CCurl

/// libcurl must be initialised once per process before any handle exists, and
/// curl_global_init itself is not safe to race; a static `let` is initialised exactly once,
/// under the runtime's own lock. Every easy and multi handle of the process is made after it.
public enum CurlGlobal {
    public static let initialization: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    /// Throws when libcurl could not be initialised; then no handle can be made.
    static func check() throws(CurlError) {
        let code = initialization
        guard code == CURLE_OK else { throw CurlError(code: code, detail: "curl_global_init failed") }
    }
}
