import AdapterModel
import CNats
import EventSourceAPI
import Metrics

/// Publishes an adapter's events to an Argo EventBus: NATS JetStream, stream `default`,
/// subject `default.<eventSourceName>.<eventName>`, `Nats-Msg-Id` = the event id.
///
/// The batch goes out asynchronously, up to `options.publishWindow` messages in flight, and an
/// event counts as delivered only once JetStream's PubAck for it arrived. A refused or
/// unanswered publish is retryable: the adapter publishes it again with the same id, and
/// JetStream's duplicate window keeps one copy. The connection is shared with every other
/// adapter publishing to the same server and login (`NATSConnectionRegistry`); this sink owns
/// only its JetStream context, whose acks come back to it alone.
///
/// Blocks the adapter's thread while the batch's acks arrive, at most `options.ackTimeout`
/// and a little more.
public final class JetStreamSink: EventSink {
    public let endpoint: JetStreamEndpoint
    public let subject: String
    private let options: JetStreamSinkOptions
    private let registry: NATSConnectionRegistry
    private let collector: JetStreamAckCollector
    private let token: UInt
    private var connection: NATSConnection?
    private var context: OpaquePointer?
    /// Reused from event to event.
    private var body: [UInt8] = []

    public init(
        endpoint: JetStreamEndpoint, eventSourceName: String, eventName: String,
        options: JetStreamSinkOptions = JetStreamSinkOptions(), registry: NATSConnectionRegistry = .shared
    ) {
        self.endpoint = endpoint
        self.subject = JetStreamMessage.subject(eventSourceName: eventSourceName, eventName: eventName)
        self.options = options
        self.registry = registry
        collector = JetStreamAckCollector(
            publishLatency: Timer(
                label: "redis_eventsource_eventbus_publish_duration_milliseconds",
                dimensions: [("eventsource_name", eventSourceName), ("event_name", eventName)],
                preferredDisplayUnit: .milliseconds))
        token = JetStreamAckRouter.register(collector)
    }

    public func deliver(_ event: CloudEvent) -> DeliveryOutcome {
        deliver(batch: [event])[0] ?? .retryable(reason: "not published")
    }

    public func deliver(batch events: [CloudEvent]) -> [DeliveryOutcome?] {
        guard !events.isEmpty else { return [] }
        let context: OpaquePointer
        do {
            context = try prepare()
        } catch {
            // Nothing was tried: only the first counts as a failed attempt, as with any sink.
            var outcomes = [DeliveryOutcome?](repeating: nil, count: events.count)
            outcomes[0] = .retryable(reason: error.description)
            return outcomes
        }
        collector.begin(ids: events.map(\.id))
        var published = 0
        var publishFailure: DeliveryOutcome?
        for event in events {
            let status = publish(event, on: context)
            guard status == NATS_OK else {
                if status == NATS_NO_RESPONDERS { connection?.forgetStream() }
                publishFailure = .retryable(reason: JetStreamError.nats("publishing to \(subject) failed", status).description)
                break
            }
            published += 1
        }
        if published > 0 {
            var wait = jsPubOptions()
            jsPubOptions_Init(&wait)
            wait.MaxWait = options.ackTimeoutMilliseconds + 2000
            _ = js_PublishAsyncComplete(context, &wait)
        }
        var outcomes = collector.finish()
        if outcomes[..<published].contains(where: { $0 == nil }) {
            // Take back what is still unanswered, so no late ack or timeout arrives for it.
            var pending = natsMsgList()
            if js_PublishAsyncGetPendingList(&pending, context) == NATS_OK { natsMsgList_Destroy(&pending) }
            for index in 0..<published where outcomes[index] == nil {
                outcomes[index] = .retryable(reason: "no PubAck from JetStream for \(subject) in time")
            }
        }
        if published < events.count { outcomes[published] = publishFailure }
        return outcomes
    }

    /// The shared connection and this sink's JetStream context, and the stream checked once per
    /// connection; on failure the next batch tries again.
    private func prepare() throws(JetStreamError) -> OpaquePointer {
        let connection: NATSConnection
        if let existing = self.connection {
            connection = existing
        } else {
            connection = try registry.acquire(endpoint.connection)
            self.connection = connection
        }
        let context: OpaquePointer
        if let existing = self.context {
            context = existing
        } else {
            context = try makeContext(on: connection)
            self.context = context
        }
        try connection.ensureStream(endpoint.streamSettings, using: context)
        return context
    }

    private func makeContext(on connection: NATSConnection) throws(JetStreamError) -> OpaquePointer {
        var jsOptions = CNats.jsOptions()
        jsOptions_Init(&jsOptions)
        jsOptions.PublishAsync.MaxPending = Int64(max(1, options.publishWindow))
        jsOptions.PublishAsync.AckHandler = JetStreamAckRouter.handler
        jsOptions.PublishAsync.AckHandlerClosure = UnsafeMutableRawPointer(bitPattern: token)
        // A full window waits this long for room before the publish call gives up.
        jsOptions.PublishAsync.StallWait = options.ackTimeoutMilliseconds
        var context: OpaquePointer?
        let status = natsConnection_JetStream(&context, connection.pointer, &jsOptions)
        guard status == NATS_OK, let context else { throw .nats("cannot open a JetStream context", status) }
        return context
    }

    private func publish(_ event: CloudEvent, on context: OpaquePointer) -> natsStatus {
        body.removeAll(keepingCapacity: true)
        JetStreamMessage.writeBody(of: event, into: &body)
        var message: OpaquePointer?
        var status = body.withUnsafeBufferPointer { bytes in
            natsMsg_Create(&message, subject, nil, bytes.baseAddress, Int32(bytes.count))
        }
        guard status == NATS_OK else { return status }
        defer { natsMsg_Destroy(message) }  // nothing once libnats took the message over
        var publishOptions = jsPubOptions()
        jsPubOptions_Init(&publishOptions)
        publishOptions.MaxWait = options.ackTimeoutMilliseconds
        status = event.id.withCString { id in
            publishOptions.MsgId = id
            return js_PublishMsgAsync(context, &message, &publishOptions)
        }
        return status
    }

    public func close() {
        if let context { jsCtx_Destroy(context) }
        context = nil
        JetStreamAckRouter.unregister(token)
        if let connection { registry.release(connection) }
        connection = nil
    }

    deinit { close() }
}

extension JetStreamSink {
    /// The subject and body this sink publishes for `event`, for benchmarks that compare the
    /// product with raw libnats on the same bytes.
    public static func message(for event: CloudEvent, eventSourceName: String, eventName: String) -> (subject: String, body: [UInt8]) {
        (JetStreamMessage.subject(eventSourceName: eventSourceName, eventName: eventName), JetStreamMessage.body(of: event))
    }

    /// Calls `body` with the `default` stream's configuration as this sink creates it.
    public static func withStreamConfig(
        _ settings: JetStreamStreamSettings, _ body: (UnsafeMutablePointer<jsStreamConfig>) -> natsStatus
    ) -> natsStatus {
        JetStreamMessage.withStreamConfig(settings, body)
    }
}
