import CNats

/// Why talking to NATS failed. Every case is worth retrying: a server that is down, restarting,
/// full or refusing our login may recover, or its EventBus may be edited, which restarts us.
public struct JetStreamError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    /// libnats' status and that of its last error detail, when the failure came from libnats. They
    /// differ when a server list was tried: the call's status is the last server's.
    let statuses: [natsStatus]

    public init(_ description: String) {
        self.description = description
        statuses = []
    }

    init(_ description: String, status: natsStatus, detailStatus: natsStatus? = nil) {
        self.description = description
        statuses = [status] + (detailStatus.map { [$0] } ?? [])
    }

    /// Whether libnats gave up because it wanted TLS and a server offered none.
    var serverOffersNoTLS: Bool { statuses.contains(NATS_SECURE_CONNECTION_WANTED) }

    public static func == (lhs: JetStreamError, rhs: JetStreamError) -> Bool { lhs.description == rhs.description }

    /// `what`, with libnats' status text and its last error detail; libnats never puts a
    /// password into either.
    static func nats(_ what: String, _ status: natsStatus) -> JetStreamError {
        let text = String(cString: natsStatus_GetText(status))
        var lastStatus = NATS_OK
        let detail = nats_GetLastError(&lastStatus).map { String(cString: $0) } ?? ""
        guard !detail.isEmpty, detail != text else { return JetStreamError("\(what): \(text)", status: status) }
        return JetStreamError("\(what): \(text) (\(detail))", status: status, detailStatus: lastStatus)
    }
}
