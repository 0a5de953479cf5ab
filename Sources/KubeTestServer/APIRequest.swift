import StructuredData

/// Who a request comes from, once the server has checked its credentials.
public struct ClientIdentity: Sendable, Equatable {
    public let user: String
    public let groups: [String]
}

/// One HTTP request as the API logic sees it: no NIO types, so it can be tested without sockets.
struct APIRequest: Sendable {
    let method: String
    let path: String
    let query: [String: String]
    let headers: [(name: String, value: String)]
    let body: [UInt8]
    /// The body went over the server's limit and was dropped while it arrived.
    let bodyTooLarge: Bool
    /// The subject of a verified client certificate, when TLS carried one.
    let certificateIdentity: ClientIdentity?

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var contentType: String {
        let raw = header("Content-Type") ?? ""
        return raw.split(separator: ";").first.map { String($0).trimmingSpaces.lowercased() } ?? ""
    }

    var wantsTable: Bool {
        (header("Accept") ?? "").contains("as=Table")
    }

    var isWatch: Bool {
        query["watch"] == "true" || query["watch"] == "1"
    }

    /// Splits a request target into its path and decoded query items.
    static func splitTarget(_ target: String) -> (path: String, query: [String: String]) {
        guard let mark = target.firstIndex(of: "?") else { return (percentDecoded(target), [:]) }
        var query: [String: String] = [:]
        for item in target[target.index(after: mark)...].split(separator: "&") {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecoded(String(pair[0]))
            let value = pair.count > 1 ? percentDecoded(String(pair[1])) : ""
            query[key] = value
        }
        return (percentDecoded(String(target[..<mark])), query)
    }

    static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// What the server sends back: a whole JSON document, or a watch that streams until it ends.
enum APIResponse: Sendable {
    case json(status: Int, body: JSONValue, headers: [(String, String)])
    case text(status: Int, body: String)
    case bytes(status: Int, body: [UInt8], contentType: String)
    case watch(WatchPlan)

    static func ok(_ body: JSONValue) -> APIResponse { .json(status: 200, body: body, headers: []) }

    static func failure(_ error: APIError) -> APIResponse {
        var headers: [(String, String)] = []
        if let retryAfter = error.retryAfterSeconds { headers.append(("Retry-After", String(retryAfter))) }
        return .json(status: error.code, body: error.status, headers: headers)
    }
}
