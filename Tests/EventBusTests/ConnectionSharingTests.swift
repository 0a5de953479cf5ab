import AdapterModel
import EventSourceAPI
import Testing
import TestSupport

@testable import Sinks

/// Sinks of many adapters on one bus share one NATS connection, and each gets its own acks.
@Suite struct ConnectionSharingTests {
    private func event(_ id: String) -> CloudEvent {
        CloudEvent(id: id, source: "es", subject: "e", time: "2026-11-26T11:00:00Z", data: ["n": .string(id)])
    }

    @Test func adaptersOnOneBusShareOneConnectionAndGetTheirOwnAcks() async throws {
        let nats = try await NatsServer()
        defer { nats.stop() }
        let url = nats.url
        let registry = NATSConnectionRegistry()
        let (outcomes, sharedCount, afterClose) = await DedicatedThread.run {
            let endpoint = JetStreamEndpoint(connection: NATSConnectionKey(url: url))
            let sinks = (0..<3).map { JetStreamSink(endpoint: endpoint, eventSourceName: "es", eventName: "e\($0)", registry: registry) }
            var outcomes: [[DeliveryOutcome?]] = []
            for (index, sink) in sinks.enumerated() {
                outcomes.append(sink.deliver(batch: (0..<20).map { event("s\(index)-\($0)") }))
            }
            let shared = registry.connectionCount
            for sink in sinks { sink.close() }
            return (outcomes, shared, registry.connectionCount)
        }
        #expect(sharedCount == 1)
        #expect(afterClose == 0)
        for batch in outcomes { #expect(batch == Array(repeating: .delivered, count: 20)) }
        let reader = try await DedicatedThread.run { Result { try JetStreamTestReader(url: url) } }.get()
        #expect(await DedicatedThread.run { reader.messageCount() } == 60)
    }

    @Test func aRepublishedIDIsKeptOnce() async throws {
        let nats = try await NatsServer()
        defer { nats.stop() }
        let url = nats.url
        let outcomes = await DedicatedThread.run {
            let sink = JetStreamSink(
                endpoint: JetStreamEndpoint(connection: NATSConnectionKey(url: url)), eventSourceName: "es", eventName: "e",
                registry: NATSConnectionRegistry())
            defer { sink.close() }
            return sink.deliver(batch: [event("a"), event("b")]) + sink.deliver(batch: [event("a")])
        }
        #expect(outcomes == [.delivered, .delivered, .delivered])
        let reader = try await DedicatedThread.run { Result { try JetStreamTestReader(url: url) } }.get()
        #expect(await DedicatedThread.run { reader.messageCount() } == 2)
    }

    @Test func anUnreachableBusIsRetryableAndNamesNoPassword() async throws {
        let outcomes = await DedicatedThread.run {
            let sink = JetStreamSink(
                endpoint: JetStreamEndpoint(
                    connection: NATSConnectionKey(
                        url: "nats://127.0.0.1:1", credentials: NATSCredentials(username: "u", password: SecretValue("pw-xyz")))),
                eventSourceName: "es", eventName: "e", registry: NATSConnectionRegistry())
            defer { sink.close() }
            return sink.deliver(batch: [event("a"), event("b")])
        }
        guard case .retryable(let reason, _)? = outcomes.first else {
            Issue.record("expected a retryable outcome, got \(outcomes)")
            return
        }
        #expect(outcomes.count == 2 && outcomes[1] == nil)
        #expect(reason.contains("127.0.0.1:1"))
        #expect(!reason.contains("pw-xyz"))
    }
}

/// A stream that refuses a message makes that event retryable, so the adapter retries it and
/// dead-letters it after maxDeliveries like any failed delivery.
@Suite struct StreamRefusalTests {
    @Test func aFullStreamRefusesRetryablyAndStoresNothingMore() async throws {
        let nats = try await NatsServer()
        defer { nats.stop() }
        let url = nats.url
        var settings = JetStreamStreamSettings()
        settings.maxMsgs = 1
        settings.discard = .new
        let endpoint = JetStreamEndpoint(connection: NATSConnectionKey(url: url), streamSettings: settings)
        let outcomes = await DedicatedThread.run {
            let sink = JetStreamSink(endpoint: endpoint, eventSourceName: "es", eventName: "e", registry: NATSConnectionRegistry())
            defer { sink.close() }
            return sink.deliver(batch: [
                CloudEvent(id: "first", source: "es", subject: "e", time: "2026-11-26T12:00:00Z", data: [:]),
                CloudEvent(id: "second", source: "es", subject: "e", time: "2026-11-26T12:00:00Z", data: [:]),
            ])
        }
        #expect(outcomes.first == .delivered)
        guard case .retryable(let reason, _)? = outcomes.last else {
            Issue.record("expected the second to be refused retryably, got \(outcomes)")
            return
        }
        #expect(reason.contains("JetStream did not store the event"))
        let reader = try await DedicatedThread.run { Result { try JetStreamTestReader(url: url) } }.get()
        #expect(await DedicatedThread.run { reader.messageCount() } == 1)
    }
}
