import AdapterModel
import CNats
import EventSourceAPI
import Metrics

/// Publishes an adapter's events to an Argo EventBus: NATS JetStream, stream `default`,
/// subject `default.<eventSourceName>.<eventName>`, `Nats-Msg-Id` = the event id.
///
/// The batch goes out asynchronously, up to `options.publishWindow` messages in flight, and an
/// event counts as delivered only once JetStream's PubAck for it arrived. A refused or
/// unanswered publish (no PubAck within `options.ackTimeout`) is retryable: the adapter
/// publishes it again with the same id, and JetStream's duplicate window keeps one copy. The
/// connection is shared with every other adapter publishing to the same server and login
/// (`NATSConnectionRegistry`); this sink owns only its JetStream context, whose acks come back
/// to it alone.
///
/// `submit` never waits: the first window goes out on the caller's thread, the rest from
/// libnats' PubAck thread as answers make room, and the completion runs there once every
/// published event is answered. Connecting and checking the stream block, so they run on
/// the registry's `JetStreamSetupThread`, once per connection.
public final class JetStreamSink: EventSink {
    public let endpoint: JetStreamEndpoint
    public let subject: String
    private let core: JetStreamSinkCore

    public init(
        endpoint: JetStreamEndpoint, eventSourceName: String, eventName: String,
        options: JetStreamSinkOptions = JetStreamSinkOptions(), registry: NATSConnectionRegistry
    ) {
        self.endpoint = endpoint
        subject = JetStreamMessage.subject(eventSourceName: eventSourceName, eventName: eventName)
        core = JetStreamSinkCore(
            endpoint: endpoint, subject: subject, eventSourceName: eventSourceName, eventName: eventName,
            options: options, registry: registry)
    }

    public func submit(batch events: [CloudEvent], completion: @escaping @Sendable ([DeliveryOutcome?]) -> Void) {
        guard !events.isEmpty else { return completion([]) }
        if let publisher = core.readyPublisherOrEnterSetup() {
            core.collector.begin(events, publisher: publisher, window: core.options.publishWindow, completion: completion)
            return
        }
        let core = self.core
        core.registry.setup.execute {
            defer { core.leftSetup() }
            do throws(JetStreamError) {
                let publisher = try core.prepare()
                core.collector.begin(events, publisher: publisher, window: core.options.publishWindow, completion: completion)
            } catch {
                // Nothing was tried: only the first counts as a failed attempt, as with any sink.
                var outcomes = [DeliveryOutcome?](repeating: nil, count: events.count)
                outcomes[0] = .retryable(reason: error.description)
                completion(outcomes)
            }
        }
    }

    public func close() {
        core.close()
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
