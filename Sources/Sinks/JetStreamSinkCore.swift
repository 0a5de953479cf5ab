import AdapterModel
import CNats
import Metrics
import Synchronization

/// What a `JetStreamSink` shares with the threads that finish its work (the setup thread and
/// libnats' PubAck thread): its connection, its JetStream context and its batch in flight.
final class JetStreamSinkCore: Sendable {
    private struct Prepared: ~Copyable {
        var connection: NATSConnection?
        var publisher: JetStreamPublisher?
        var closed = false
        /// Batches on their way through `JetStreamSetupThread`; while there are any, later
        /// batches go the same way, so none overtakes another.
        var batchesInSetup = 0
    }

    let endpoint: JetStreamEndpoint
    let subject: String
    let options: JetStreamSinkOptions
    let collector: JetStreamAckCollector
    let registry: NATSConnectionRegistry
    private let token: UInt
    private let prepared = Mutex(Prepared())

    init(
        endpoint: JetStreamEndpoint, subject: String, eventSourceName: String, eventName: String,
        options: JetStreamSinkOptions, registry: NATSConnectionRegistry
    ) {
        self.endpoint = endpoint
        self.subject = subject
        self.options = options
        self.registry = registry
        collector = JetStreamAckCollector(
            publishLatency: Timer(
                label: "redis_eventsource_eventbus_publish_duration_milliseconds",
                dimensions: [("eventsource_name", eventSourceName), ("event_name", eventName)],
                preferredDisplayUnit: .milliseconds))
        token = JetStreamAckRouter.register(collector)
    }

    /// The publisher when a batch can go out at once: connected, stream known to exist, no
    /// earlier batch still in setup. Otherwise nil, and the batch counts as in setup until
    /// `leftSetup`.
    func readyPublisherOrEnterSetup() -> JetStreamPublisher? {
        prepared.withLock { prepared in
            if prepared.batchesInSetup == 0, !prepared.closed, let connection = prepared.connection,
                connection.isStreamReady, let publisher = prepared.publisher
            {
                return publisher
            }
            prepared.batchesInSetup += 1
            return nil
        }
    }

    /// A batch that went through setup has been handed to the collector (or failed).
    func leftSetup() {
        prepared.withLock { $0.batchesInSetup -= 1 }
    }

    /// The shared connection and this sink's JetStream context, and the stream checked once per
    /// connection; on failure the next batch tries again. Blocks: setup thread only.
    func prepare() throws(JetStreamError) -> JetStreamPublisher {
        let (existingConnection, existingPublisher, closed) = prepared.withLock { ($0.connection, $0.publisher, $0.closed) }
        guard !closed else { throw JetStreamError("the EventBus sink for \(subject) is closed") }
        let connection: NATSConnection
        if let existingConnection {
            connection = existingConnection
        } else {
            connection = try registry.acquire(endpoint.connection)
            let closedMeanwhile = prepared.withLock { prepared in
                if !prepared.closed { prepared.connection = connection }
                return prepared.closed
            }
            if closedMeanwhile {
                registry.release(connection)
                throw JetStreamError("the EventBus sink for \(subject) is closed")
            }
        }
        let publisher: JetStreamPublisher
        if let existingPublisher {
            publisher = existingPublisher
        } else {
            publisher = try makePublisher(on: connection)
            prepared.withLock { $0.publisher = publisher }
        }
        try connection.ensureStream(endpoint.streamSettings, using: publisher.context)
        return publisher
    }

    private func makePublisher(on connection: NATSConnection) throws(JetStreamError) -> JetStreamPublisher {
        try JetStreamPublisher(
            connection: connection, token: token, subject: subject, ackTimeoutMilliseconds: options.ackTimeoutMilliseconds)
    }

    /// Ends a batch still in flight (its unanswered events come back retryable), then lets the
    /// connection go; answers still on their way find no sink and are dropped.
    func close() {
        let connection = prepared.withLock { prepared -> NATSConnection? in
            guard !prepared.closed else { return nil }
            prepared.closed = true
            defer {
                prepared.connection = nil
                prepared.publisher = nil
            }
            return prepared.connection
        }
        JetStreamAckRouter.unregister(token)
        collector.abandon(reason: "the EventBus sink for \(subject) closed before JetStream answered")
        if let connection { registry.release(connection) }
    }
}
