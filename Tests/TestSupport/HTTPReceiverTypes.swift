extension HTTPReceiver {
    /// How the receiver answers one request.
    public enum Reaction: Sendable {
        /// A complete HTTP/1.1 response; `Content-Length` is added. The connection stays open
        /// unless the request asked to close it.
        case respond(status: Int, headers: [(name: String, value: String)] = [], body: String = "")
        /// Reads the request and never answers, until the client gives up or `stop()`.
        case hang
        /// Writes these bytes instead of an HTTP response, then closes the connection.
        case sendGarbage([UInt8])
        /// Closes the connection without a byte of response.
        case closeConnection
        /// A status line and headers promising a body far longer than what follows: `bodyBytes`
        /// bytes, then nothing more until the client gives up or `stop()` (a body that never ends).
        case respondWithoutEndingBody(status: Int, bodyBytes: Int)

        public static let ok = Reaction.respond(status: 200)

        /// The status answered, if the reaction was an HTTP response.
        public var status: Int? {
            switch self {
            case .respond(let status, _, _), .respondWithoutEndingBody(let status, _): return status
            default: return nil
            }
        }
    }

    /// What to keep of each request.
    public enum Recording: Sendable {
        /// Method, target, headers and body of every request.
        case everything
        /// Only the count: for load tests, where keeping every body would cost memory and time.
        case countOnly
    }

    /// One request exactly as it arrived.
    public struct ReceivedRequest: Sendable {
        public let method: String
        /// The request target, e.g. `/events?x=1`.
        public let target: String
        /// Names in the case and order the client sent them.
        public let headers: [(name: String, value: String)]
        public let body: [UInt8]
        /// Which connection carried it, numbered from 1 in the order they were accepted.
        public let connection: Int
        /// How the receiver answered.
        public let reaction: Reaction

        /// The first value of a header, by case-insensitive name.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// Every value of a header, by case-insensitive name.
        public func headers(named name: String) -> [String] {
            headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }

        /// The body as UTF-8 text (invalid bytes replaced); use `body` for exact bytes.
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }
}
