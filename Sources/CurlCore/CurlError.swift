import CCurl

/// A failed libcurl call or transfer: libcurl's own code, for callers that branch on it
/// (a refused connection never reached the server; a timeout may have), and its own words.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    public let code: CURLcode
    public let detail: String

    public init(code: CURLcode, detail: String) {
        self.code = code
        self.detail = detail
    }

    /// libcurl's short text for `code`, e.g. "Couldn't connect to server".
    public var summary: String { String(cString: curl_easy_strerror(code)) }

    public var description: String {
        detail.isEmpty || detail == summary ? summary : "\(summary): \(detail)"
    }

    public var isTimeout: Bool { code == CURLE_OPERATION_TIMEDOUT }

    /// The request never left: no connection was made, so even a POST can be sent again.
    public var neverReachedServer: Bool {
        code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY
    }
}
