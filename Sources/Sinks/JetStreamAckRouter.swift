import CNats
import Synchronization

/// Routes each PubAck back to the adapter that published the message. Every sink has its own
/// JetStream context on the shared connection, and libnats hands that context's acks to the
/// one handler below with the sink's token as closure. A token, not a pointer, so an ack that
/// arrives after its sink closed finds nothing instead of freed memory.
enum JetStreamAckRouter {
    private struct Table: ~Copyable {
        var collectors: [UInt: JetStreamAckCollector] = [:]
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

    static func collector(for token: UInt) -> JetStreamAckCollector? {
        table.withLock { $0.collectors[token] }
    }

    /// libnats calls this on its delivery thread for every async publish: `ack` on success,
    /// `failure` when the server refused it or no ack came within the publish's MaxWait.
    static let handler: jsPubAckHandler = { _, message, ack, failure, closure in
        defer { natsMsg_Destroy(message) }
        guard let message, let collector = JetStreamAckRouter.collector(for: UInt(bitPattern: closure)) else { return }
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
