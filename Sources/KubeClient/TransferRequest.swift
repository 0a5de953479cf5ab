/// One HTTP request to the API server, before credentials and TLS settings are added.
struct TransferRequest: Sendable {
    var method: String
    /// Path and query, starting with `/`.
    var target: String
    var body: [UInt8]? = nil
    var contentType: String? = nil
    var accept = "application/json"
    /// nil for watches, which stay open as long as the server keeps them.
    var timeout: Duration? = .seconds(60)
}

/// A finished response: any status, with its body.
struct TransferResult: Sendable {
    let status: Int
    let body: [UInt8]
    let retryAfterSeconds: Int?
}
