import AdapterModel
import Controller
import Foundation
import Sinks
import Testing
import TestSupport

/// The JetStream sink's publish latency reaches /metrics, labelled like Argo's metrics.
@Suite struct EventBusMetricsTests {
    @Test func publishLatencyIsExportedPerEventSourceAndEvent() async throws {
        MetricsBootstrap.bootstrap()
        let nats = try await NatsServer()
        defer { nats.stop() }
        let name = "bus-\(UUID().uuidString.prefix(8).lowercased())"
        let url = nats.url
        let outcomes = await DedicatedThread.run {
            let sink = JetStreamSink(
                endpoint: JetStreamEndpoint(connection: NATSConnectionKey(url: url)), eventSourceName: name, eventName: "example",
                registry: NATSConnectionRegistry())
            defer { sink.close() }
            return sink.deliver(batch: (0..<5).map {
                CloudEvent(id: "\(name)-\($0)", source: name, subject: "example", time: "2026-11-26T12:00:00Z", data: ["n": .int(Int64($0))])
            })
        }
        #expect(outcomes == Array(repeating: .delivered, count: 5))
        try await RunningHealthServer.with { port in
            let lines = try await CurlRequest.send(port: port, path: "/metrics").lines
            let metric = "redis_eventsource_eventbus_publish_duration_milliseconds"
            #expect(lines.contains("# TYPE \(metric) histogram"))
            #expect(lines.contains("\(metric)_count{eventsource_name=\"\(name)\",event_name=\"example\"} 5"))
        }
    }
}
