import CCurl

/// When a request is tried again: on 429 after the server's Retry-After, on 5xx and network
/// errors after a backoff delay; never on answers that will not change (404, 409, 422...).
public struct RetryPolicy: Sendable {
    /// Tries in all, the first included.
    public var maxAttempts: Int
    public var backoff: Backoff
    /// The longest Retry-After honoured; a server asking for more gets this.
    public var maximumRetryAfter: Duration
    /// What the waits between attempts are measured on; tests pass a clock they advance.
    public var clock = AnyClock.continuous

    public init(maxAttempts: Int = 6, backoff: Backoff = Backoff(), maximumRetryAfter: Duration = .seconds(60)) {
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.maximumRetryAfter = maximumRetryAfter
    }

    public static let standard = RetryPolicy()
    public static let never = RetryPolicy(maxAttempts: 1)

    /// Whether `error` is worth another try of a `method` request. A POST that failed in transit
    /// may have been applied, so it is only retried when it never reached the server.
    func shouldRetry(_ error: KubeError, method: String) -> Bool {
        switch error {
        case .tooManyRequests, .server: return true
        case .transport(_, let curlCode):
            // Connection refused: the request never reached the server.
            return method != "POST" || curlCode == CURLE_COULDNT_CONNECT
        default: return false
        }
    }
}
