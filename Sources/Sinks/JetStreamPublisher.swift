import CNats
import EventSourceAPI

/// One sink's JetStream context, from which its messages go out: publishing is called from the
/// adapter's thread and from libnats' PubAck thread (the next message of a batch goes out when
/// an earlier one is answered).
///
/// @unchecked Sendable: it owns the context pointer, and libnats locks every call on a context
/// itself; `destroy` is called once, by the sink's close, after which nothing publishes.
final class JetStreamPublisher: @unchecked Sendable {
    let context: OpaquePointer
    let subject: String
    private let connection: NATSConnection
    private let ackTimeoutMilliseconds: Int64

    init(context: OpaquePointer, connection: NATSConnection, subject: String, ackTimeoutMilliseconds: Int64) {
        self.context = context
        self.connection = connection
        self.subject = subject
        self.ackTimeoutMilliseconds = ackTimeoutMilliseconds
    }

    /// Publishes `event` with `Nats-Msg-Id` = its id, asynchronously: libnats calls the
    /// context's ack handler with the PubAck, a refusal, or a timeout after the ack timeout.
    func publish(_ event: CloudEvent) -> natsStatus {
        var body: [UInt8] = []
        JetStreamMessage.writeBody(of: event, into: &body)
        var message: OpaquePointer?
        var status = body.withUnsafeBufferPointer { bytes in
            natsMsg_Create(&message, subject, nil, bytes.baseAddress, Int32(bytes.count))
        }
        guard status == NATS_OK else { return status }
        defer { natsMsg_Destroy(message) }  // nothing once libnats took the message over
        var publishOptions = jsPubOptions()
        jsPubOptions_Init(&publishOptions)
        publishOptions.MaxWait = ackTimeoutMilliseconds
        status = event.id.withCString { id in
            publishOptions.MsgId = id
            return js_PublishMsgAsync(context, &message, &publishOptions)
        }
        // The stream vanished: the next batch looks it up (and creates it) again.
        if status == NATS_NO_RESPONDERS { connection.forgetStream() }
        return status
    }

    func destroy() {
        jsCtx_Destroy(context)
    }
}
