import Adapter
import AdapterModel

/// Gauges derived from adapter status at scrape time.
///
/// Labels are Argo's (`pkg/metrics/metrics.go`): `namespace`, `eventsource_name` and
/// `event_name`. Only adapters that run have series, so an adapter that stops leaves none behind.
/// `redis_eventsource_connected` is not derived here: the adapter records it as a swift-metrics
/// gauge under that name, from the connection of the status it just reduced
/// (`AdapterStatus.Significant.connection`), so the gauge and the status show one value.
public enum AdapterStatusMetrics {
    public static let pendingEntries = "redis_eventsource_pending_entries"
    public static let groupLag = "redis_eventsource_group_lag"
    public static let phase = "redis_eventsource_adapter_phase"
    /// 1 per stream and the server or cluster node it is read from now.
    public static let streamServer = "redis_eventsource_stream_server"
    public static let adaptersRunning = "redis_eventsource_adapters_running"
    /// Argo's: running event services (here adapters) per EventSource, labelled `namespace` and
    /// `eventsource_name` only.
    public static let eventServicesRunning = "argo_events_event_service_running_total"

    /// A collector for `MetricsExposition` over the given live set.
    public static func collector(_ reports: @escaping AdapterReportProvider) -> ScrapeCollector {
        { families(for: reports()) }
    }

    public static func families(for reports: [AdapterReport]) -> [GaugeFamily] {
        var pending = GaugeFamily(
            name: pendingEntries, help: "Entries delivered to the consumer group but not yet acknowledged, per stream.")
        var lag = GaugeFamily(
            name: groupLag,
            help: "Entries in the stream not yet delivered to the consumer group, per stream; absent when Redis cannot tell.")
        var servers = GaugeFamily(
            name: streamServer, help: "1 for each stream and the Redis server or cluster node it is read from now.")
        var phases = GaugeFamily(
            name: phase, help: "1 for the phase the adapter is in, 0 for the others.")
        var running = GaugeFamily(name: adaptersRunning, help: "Adapters whose thread has not stopped.")
        var services = GaugeFamily(
            name: eventServicesRunning,
            help: "How many configured events in the EventSource object are actively running.")
        var servicesPerSource: [EventSourceIdentity: Int] = [:]

        var runningCount = 0
        for report in reports {
            let identity = [
                ("namespace", report.namespace), ("eventsource_name", report.eventSourceName),
                ("event_name", report.eventName),
            ]
            for (stream, count) in report.status.pending.sorted(by: { $0.key < $1.key }) {
                pending.samples.append(.init(labels: identity + [("stream", stream)], value: Double(count)))
            }
            for (stream, value) in report.status.lag.sorted(by: { $0.key < $1.key }) {
                // XINFO GROUPS answers a null lag after deletions it cannot count across: no sample,
                // rather than a 0 that would claim the group is caught up.
                guard let value else { continue }
                lag.samples.append(.init(labels: identity + [("stream", stream)], value: Double(value)))
            }
            for (stream, server) in report.status.streamServers.sorted(by: { $0.key < $1.key }) {
                servers.samples.append(.init(labels: identity + [("stream", stream), ("server", server)], value: 1))
            }
            for candidate in allPhases {
                let current = candidate == report.status.phase ? 1.0 : 0.0
                phases.samples.append(.init(labels: identity + [("phase", candidate.rawValue)], value: current))
            }
            let source = EventSourceIdentity(namespace: report.namespace, name: report.eventSourceName)
            servicesPerSource[source, default: 0] += report.status.phase != .stopped ? 1 : 0
            if report.status.phase != .stopped { runningCount += 1 }
        }
        running.samples = [.init(value: Double(runningCount))]
        services.samples = servicesPerSource.sorted { ($0.key.namespace, $0.key.name) < ($1.key.namespace, $1.key.name) }
            .map { .init(labels: [("namespace", $0.key.namespace), ("eventsource_name", $0.key.name)], value: Double($0.value)) }
        return [pending, lag, servers, phases, running, services]
    }

    private static let allPhases: [AdapterPhase] = [
        .connecting, .waitingForStreams, .consuming, .retrying, .failed, .stopped,
    ]
}

private struct EventSourceIdentity: Hashable {
    var namespace: String
    var name: String
}
