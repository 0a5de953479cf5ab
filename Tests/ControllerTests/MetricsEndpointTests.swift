import Adapter
import AdapterModel
import Controller
import Foundation
import Metrics
import Testing
import TestSupport

/// Metrics are process-global and other suites emit them too, so every test uses an EventSource
/// name of its own and looks only at lines carrying it.
@Suite struct MetricsEndpointTests {
    @Test func bootstrapIsIdempotentFromManyTasksAtOnce() async {
        let first = MetricsBootstrap.bootstrap()
        let others = await withTaskGroup(of: ObjectIdentifier.self) { group in
            for _ in 0..<16 { group.addTask { ObjectIdentifier(MetricsBootstrap.bootstrap()) } }
            return await group.reduce(into: Set()) { $0.insert($1) }
        }
        #expect(others == [ObjectIdentifier(first)])
        #expect(MetricsBootstrap.registry === first)
    }

    @Test func adapterCountersRenderUnderArgosNamesAndLabels() async throws {
        let registry = MetricsBootstrap.bootstrap()
        let name = "counters-\(UUID().uuidString.prefix(8))"
        let labels = [("namespace", "ns"), ("eventsource_name", name), ("event_name", "example")]
        let counts = [
            "argo_events_events_sent_total": 3, "argo_events_events_sent_failed_total": 2,
            "argo_events_events_processing_failed_total": 1, "redis_eventsource_dead_lettered_total": 4,
            "redis_eventsource_filtered_out_total": 5, "redis_eventsource_reclaimed_total": 6,
        ]
        for (metric, count) in counts {
            let counter = Counter(label: metric, dimensions: labels)
            for _ in 0..<count { counter.increment() }
        }
        try await RunningHealthServer.with(metrics: MetricsExposition(registry: registry)) { port in
            let response = try await CurlRequest.send(port: port, path: "/metrics")
            for (metric, count) in counts {
                #expect(response.lines.contains("\(metric){namespace=\"ns\",eventsource_name=\"\(name)\",event_name=\"example\"} \(count)"))
                #expect(response.lines.contains("# TYPE \(metric) counter"))
            }
        }
    }

    @Test func processingDurationIsExportedInMilliseconds() async throws {
        let name = "timer-\(UUID().uuidString.prefix(8))"
        MetricsBootstrap.bootstrap()
        let timer = Timer(
            label: "argo_events_event_processing_duration_milliseconds",
            dimensions: [("namespace", "ns"), ("eventsource_name", name), ("event_name", "example")],
            preferredDisplayUnit: .milliseconds)
        timer.record(duration: .milliseconds(250))
        timer.record(duration: .microseconds(700))
        try await RunningHealthServer.with { port in
            let lines = try await CurlRequest.send(port: port, path: "/metrics").lines
            let metric = "argo_events_event_processing_duration_milliseconds"
            let labels = "namespace=\"ns\",eventsource_name=\"\(name)\",event_name=\"example\""
            #expect(lines.contains("# TYPE \(metric) histogram"))
            #expect(lines.contains("\(metric)_sum{\(labels)} 250.7"))
            #expect(lines.contains("\(metric)_count{\(labels)} 2"))
            #expect(lines.contains("\(metric)_bucket{\(labels),le=\"1.0\"} 1"))
            #expect(lines.contains("\(metric)_bucket{\(labels),le=\"100.0\"} 1"))
            #expect(lines.contains("\(metric)_bucket{\(labels),le=\"250.0\"} 2"))
            #expect(lines.contains("\(metric)_bucket{\(labels),le=\"+Inf\"} 2"))
        }
    }

    @Test func otherTimersStayInSeconds() async throws {
        let name = "seconds-\(UUID().uuidString.prefix(8))"
        MetricsBootstrap.bootstrap()
        Timer(label: "redis_eventsource_test_duration_seconds", dimensions: [("case", name)])
            .record(duration: .milliseconds(1500))
        try await RunningHealthServer.with { port in
            let lines = try await CurlRequest.send(port: port, path: "/metrics").lines
            #expect(lines.contains("redis_eventsource_test_duration_seconds_sum{case=\"\(name)\"} 1.5"))
            #expect(lines.contains("redis_eventsource_test_duration_seconds_bucket{case=\"\(name)\",le=\"2.5\"} 1"))
        }
    }

    @Test func adapterStatusGaugesAreComputedOnEachScrape() async throws {
        let name = "status-\(UUID().uuidString.prefix(8))"
        let state = SharedReports([report(name, event: "orders", phase: .consuming, pending: ["A": 4, "B": 0], lag: ["A": 7, "B": nil])])
        let metrics = MetricsExposition().adding(AdapterStatusMetrics.collector { state.reports })
        try await RunningHealthServer.with(metrics: metrics) { port in
            let identity = "namespace=\"ns\",eventsource_name=\"\(name)\",event_name=\"orders\""
            let lines = try await CurlRequest.send(port: port, path: "/metrics").lines
            #expect(lines.contains("# TYPE redis_eventsource_pending_entries gauge"))
            #expect(lines.contains("redis_eventsource_pending_entries{\(identity),stream=\"A\"} 4"))
            #expect(lines.contains("redis_eventsource_pending_entries{\(identity),stream=\"B\"} 0"))
            #expect(lines.contains("redis_eventsource_group_lag{\(identity),stream=\"A\"} 7"))
            // Redis could not tell B's lag: no sample rather than a misleading 0.
            #expect(!lines.contains { $0.hasPrefix("redis_eventsource_group_lag{\(identity),stream=\"B\"}") })
            #expect(lines.contains("redis_eventsource_adapter_phase{\(identity),phase=\"Consuming\"} 1"))
            #expect(lines.contains("redis_eventsource_adapter_phase{\(identity),phase=\"Retrying\"} 0"))
            #expect(lines.contains("redis_eventsource_adapters_running 1"))
            #expect(lines.contains("argo_events_event_service_running_total{namespace=\"ns\",eventsource_name=\"\(name)\"} 1"))

            state.reports = [
                report(name, event: "orders", phase: .retrying, pending: ["A": 9, "B": 0], lag: ["A": nil, "B": 2]),
                report(name, event: "stopped", phase: .stopped),
            ]
            let next = try await CurlRequest.send(port: port, path: "/metrics").lines
            #expect(next.contains("argo_events_event_service_running_total{namespace=\"ns\",eventsource_name=\"\(name)\"} 1"))
            #expect(next.contains("redis_eventsource_pending_entries{\(identity),stream=\"A\"} 9"))
            #expect(!next.contains { $0.hasPrefix("redis_eventsource_group_lag{\(identity),stream=\"A\"}") })
            #expect(next.contains("redis_eventsource_group_lag{\(identity),stream=\"B\"} 2"))
            #expect(next.contains("redis_eventsource_adapter_phase{\(identity),phase=\"Retrying\"} 1"))
            #expect(next.contains("redis_eventsource_adapters_running 1"))

            // An adapter that is gone leaves no series behind.
            state.reports = []
            let empty = try await CurlRequest.send(port: port, path: "/metrics").lines
            #expect(!empty.contains { $0.contains(name) && $0.hasPrefix("redis_eventsource_pending_entries") })
            #expect(empty.contains("redis_eventsource_adapters_running 0"))
            #expect(!empty.contains { $0.contains(name) })
            #expect(empty.contains("# TYPE redis_eventsource_group_lag gauge"))
        }
    }

    private func report(
        _ name: String, event: String, phase: AdapterPhase, pending: [String: Int64] = [:], lag: [String: Int64?] = [:]
    ) -> AdapterReport {
        var status = AdapterStatus(consumerGroup: "cg", consumerName: "me")
        status.phase = phase
        status.pending = pending
        status.lag = lag
        return AdapterReport(namespace: "ns", eventSourceName: name, eventName: event, status: status)
    }
}
