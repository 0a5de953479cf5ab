import CNats
import EventSourceAPI

/// How one sink's messages go out on its connection's shared JetStream context: publishing is
/// called from the adapter's thread and from libnats' PubAck thread (the next message of a
/// batch goes out when an earlier one is answered). Each message is registered with
/// `JetStreamAckRouter` under the sink's token before it leaves, so its answer finds the sink.
///
/// Its `NATSConnection` keeps the context open as long as the publisher holds the connection.
/// @unchecked Sendable: the compiler cannot see that libnats locks every call on the context pointer.
final class JetStreamPublisher: @unchecked Sendable {
    let context: OpaquePointer
    let subject: String
    private let connection: NATSConnection
    private let token: UInt
    private let ackTimeoutMilliseconds: Int64

    init(connection: NATSConnection, token: UInt, subject: String, ackTimeoutMilliseconds: Int64) throws(JetStreamError) {
        context = try connection.jetStreamContext()
        self.connection = connection
        self.token = token
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
        guard status == NATS_OK, let created = message else { return status }
        defer { natsMsg_Destroy(message) }  // nothing once libnats took the message over
        JetStreamAckRouter.expect(created, for: token)
        var publishOptions = jsPubOptions()
        jsPubOptions_Init(&publishOptions)
        publishOptions.MaxWait = ackTimeoutMilliseconds
        status = event.id.withCString { id in
            publishOptions.MsgId = id
            return js_PublishMsgAsync(context, &message, &publishOptions)
        }
        if status != NATS_OK { JetStreamAckRouter.forget(created) }
        // The stream vanished: the next batch looks it up (and creates it) again.
        if status == NATS_NO_RESPONDERS { connection.forgetStream() }
        return status
    }
}
