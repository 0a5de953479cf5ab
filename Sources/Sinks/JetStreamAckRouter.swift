import CNats
import Synchronization

/// Routes each PubAck back to the adapter that published the message. All sinks on a
/// connection share its JetStream context, and libnats hands the context's acks to the one
/// handler below together with the very message that was published; the sink registered that
/// message under its token just before publishing. A token, not a pointer to the sink, so an
/// ack that arrives after its sink closed finds nothing instead of freed memory.
enum JetStreamAckRouter {
    private struct Table: ~Copyable {
        var collectors: [UInt: JetStreamAckCollector] = [:]
        /// Token of the sink that published each message still waiting for its answer, by the
        /// message's address (libnats keeps the message alive until the handler destroys it).
        var publishers: [UInt: UInt] = [:]
        var nextToken: UInt = 1
    }

    private static let table = Mutex(Table())

    static func register(_ collector: JetStreamAckCollector) -> UInt {
        table.withLock { table in
            let token = table.nextToken
            table.nextToken += 1
            table.collectors[token] = collector
            return token
        }
    }

    static func unregister(_ token: UInt) {
        _ = table.withLock { $0.collectors.removeValue(forKey: token) }
    }

    /// Before publishing `message`: its answer goes to the sink with `token`.
    static func expect(_ message: OpaquePointer, for token: UInt) {
        table.withLock { $0.publishers[UInt(bitPattern: message)] = token }
    }

    /// After a publish call failed: libnats gave `message` back and will not answer it.
    static func forget(_ message: OpaquePointer) {
        _ = table.withLock { $0.publishers.removeValue(forKey: UInt(bitPattern: message)) }
    }

    /// The collector of the sink that published `message`, which is answered now.
    private static func collector(answering message: OpaquePointer) -> JetStreamAckCollector? {
        table.withLock { table in
            guard let token = table.publishers.removeValue(forKey: UInt(bitPattern: message)) else { return nil }
            return table.collectors[token]
        }
    }

    /// libnats calls this on its delivery thread for every async publish: `ack` on success,
    /// `failure` when the server refused it or no ack came within the publish's MaxWait.
    static let handler: jsPubAckHandler = { _, message, ack, failure, _ in
        defer { natsMsg_Destroy(message) }
        guard let message, let collector = JetStreamAckRouter.collector(answering: message) else { return }
        var idPointer: UnsafePointer<CChar>?
        guard natsMsgHeader_Get(message, "Nats-Msg-Id", &idPointer) == NATS_OK, let idPointer else { return }
        let id = String(cString: idPointer)
        if ack != nil {
            collector.record(id: id, outcome: .delivered)
        } else if let failure = failure?.pointee {
            collector.record(id: id, outcome: .retryable(reason: Self.reason(failure)))
        }
    }

    /// E.g. `JetStream did not store the event: maximum messages exceeded (error 10077)`.
    static func reason(_ failure: jsPubAckErr) -> String {
        if failure.Err == NATS_TIMEOUT { return "no PubAck from JetStream in time" }
        var text = failure.ErrText.map { String(cString: $0) } ?? ""
        if text.isEmpty { text = String(cString: natsStatus_GetText(failure.Err)) }
        let code = failure.ErrCode.rawValue
        return code == 0 ? "JetStream did not store the event: \(text)" : "JetStream did not store the event: \(text) (error \(code))"
    }
}
