import Adapter
import Controller
import EventSourceAPI
import Sinks
import Foundation
import Logging
import Reconciler
import Testing
import TestSupport

/// A real adapter's series on `/metrics`, checked against Argo Events' `pkg/metrics/metrics.go`:
/// names, the `namespace` label every one of them carries, and removal once the adapter is gone.
/// Metrics are process-global, so the EventSource name is the test's own.
@Suite struct AdapterMetricSeriesTests {
    /// Argo's EventSource metrics and their labels (the `namespace` ConstLabel first).
    private static let argoEventMetrics: [(name: String, labels: [String])] = [
        ("argo_events_events_sent_total", ["namespace", "eventsource_name", "event_name"]),
        ("argo_events_events_sent_failed_total", ["namespace", "eventsource_name", "event_name"]),
        ("argo_events_events_processing_failed_total", ["namespace", "eventsource_name", "event_name"]),
    ]

    private func series(_ lines: [String], named metric: String, containing name: String) -> [String] {
        lines.filter { $0.hasPrefix(metric + "{") && $0.contains("eventsource_name=\"\(name)\"") }
    }

    /// The label names of one exposition line, in order.
    private func labelNames(_ line: String) -> [String] {
        guard let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}") else { return [] }
        return line[line.index(after: open)..<close].split(separator: ",").compactMap { pair in
            pair.split(separator: "=", maxSplits: 1).first.map(String.init)
        }.filter { !$0.hasPrefix("\"") }
    }

    @Test func anAdaptersSeriesCarryArgosNamesAndLabelsSurviveARestartAndGoWhenItStops() async throws {
        let registry = MetricsBootstrap.bootstrap()
        let name = "series-\(UUID().uuidString.prefix(8))"
        let receiver = try await HTTPReceiver.start()
        do {
            try await AdapterFixture.with { fixture in
                try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
                var configuration = fixture.configuration(sink: SinkSpec(uri: receiver.url))
                configuration.eventSourceName = name
                let supervisor = AdapterSupervisor { configuration in
                    StreamAdapter(configuration: configuration, runtime: .forTests, logger: Logger(label: "test")) {
                        SinkFactory.makeSink($0.destination, runtime: .forTests)
                    }
                }
                let metrics = MetricsExposition(registry: registry)
                    .adding(AdapterStatusMetrics.collector { supervisor.reports })
                try await RunningHealthServer.with(metrics: metrics) { port in
                    _ = await supervisor.apply(AdapterPlan(start: [configuration]))
                    for index in 0..<3 { _ = try await fixture.client.xadd("FOO", [("n", "\(index)")]) }
                    try await waitUntil("3 entries forwarded") {
                        await supervisor.statuses(of: configuration.adapterKey.objectKey)["example"]?.forwarded == 3
                    }
                    let lines = try await CurlRequest.send(port: port, path: "/metrics").lines
                    let identity = "namespace=\"test\",eventsource_name=\"\(name)\",event_name=\"example\""
                    for metric in Self.argoEventMetrics {
                        let found = series(lines, named: metric.name, containing: name)
                        #expect(found.count == 1, "\(metric.name): \(found)")
                        #expect(found.first.map(labelNames) == metric.labels)
                    }
                    #expect(lines.contains("argo_events_events_sent_total{\(identity)} 3"))
                    #expect(lines.contains("argo_events_events_sent_failed_total{\(identity)} 0"))
                    #expect(lines.contains("argo_events_event_service_running_total{namespace=\"test\",eventsource_name=\"\(name)\"} 1"))
                    #expect(lines.contains { $0.hasPrefix("argo_events_event_processing_duration_milliseconds_count{\(identity)}") })
                    #expect(lines.contains("redis_eventsource_connected{\(identity)} 1.0"))

                    // A restart (a changed spec) continues the counts, in status and in metrics.
                    var changed = configuration
                    changed.blockTime = .milliseconds(300)
                    _ = await supervisor.apply(AdapterPlan(restart: [changed]))
                    _ = try await fixture.client.xadd("FOO", [("n", "3")])
                    try await waitUntil("the 4th entry forwarded by the new adapter") {
                        await supervisor.statuses(of: configuration.adapterKey.objectKey)["example"]?.forwarded == 4
                    }
                    let afterRestart = try await CurlRequest.send(port: port, path: "/metrics").lines
                    #expect(afterRestart.contains("argo_events_events_sent_total{\(identity)} 4"))

                    // Stopped for good: every series of the adapter is gone.
                    _ = await supervisor.apply(AdapterPlan(stop: [configuration.adapterKey]))
                    let afterStop = try await CurlRequest.send(port: port, path: "/metrics").lines
                    #expect(afterStop.filter { $0.contains("\"\(name)\"") } == [])
                    #expect(afterStop.contains("# TYPE argo_events_event_service_running_total gauge"))
                }
            }
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }
}
