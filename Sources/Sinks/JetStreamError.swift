import CNats

/// Why talking to NATS failed. Every case is worth retrying: a server that is down, restarting,
/// full or refusing our login may recover, or its EventBus may be edited, which restarts us.
public struct JetStreamError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    /// `what`, with libnats' status text and its last error detail; libnats never puts a
    /// password into either.
    static func nats(_ what: String, _ status: natsStatus) -> JetStreamError {
        let text = String(cString: natsStatus_GetText(status))
        var lastStatus = NATS_OK
        let detail = nats_GetLastError(&lastStatus).map { String(cString: $0) } ?? ""
        guard !detail.isEmpty, detail != text else { return JetStreamError("\(what): \(text)") }
        return JetStreamError("\(what): \(text) (\(detail))")
    }
}
