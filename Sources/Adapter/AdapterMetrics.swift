import Metrics

/// The adapter's metrics, under Argo Events' names and labels (`pkg/metrics/metrics.go`:
/// `namespace`, `eventsource_name`, `event_name`) plus our own.
///
/// Created for an adapter's labels, they are the same series for its replacement after a
/// restart (the registry hands out the existing ones), so counts go on; `remove()` drops the
/// series once the entry is gone for good.
struct AdapterMetrics: Sendable {
    static let eventsSent = "argo_events_events_sent_total"
    static let eventsSentFailed = "argo_events_events_sent_failed_total"
    static let eventsProcessingFailed = "argo_events_events_processing_failed_total"
    static let eventProcessingDuration = "argo_events_event_processing_duration_milliseconds"

    let sent: Counter
    let sendFailed: Counter
    let processingFailed: Counter
    let processingDuration: Timer
    let deadLettered: Counter
    let filteredOut: Counter
    let reclaimed: Counter
    /// Pending entries found trimmed from their stream, acknowledged without delivery.
    let trimmed: Counter
    let connected: Gauge
    /// Changes of server under a running adapter (Sentinel failover, cluster slot moved), and when last.
    let failovers: Counter
    let lastFailover: Gauge

    init(namespace: String, eventSourceName: String, eventName: String) {
        let labels = [("namespace", namespace), ("eventsource_name", eventSourceName), ("event_name", eventName)]
        sent = Counter(label: Self.eventsSent, dimensions: labels)
        sendFailed = Counter(label: Self.eventsSentFailed, dimensions: labels)
        processingFailed = Counter(label: Self.eventsProcessingFailed, dimensions: labels)
        processingDuration = Timer(
            label: Self.eventProcessingDuration, dimensions: labels, preferredDisplayUnit: .milliseconds)
        deadLettered = Counter(label: "redis_eventsource_dead_lettered_total", dimensions: labels)
        filteredOut = Counter(label: "redis_eventsource_filtered_out_total", dimensions: labels)
        reclaimed = Counter(label: "redis_eventsource_reclaimed_total", dimensions: labels)
        trimmed = Counter(label: "redis_eventsource_trimmed_pending_total", dimensions: labels)
        connected = Gauge(label: "redis_eventsource_connected", dimensions: labels)
        failovers = Counter(label: "redis_eventsource_failovers_total", dimensions: labels)
        lastFailover = Gauge(label: "redis_eventsource_last_failover_timestamp_seconds", dimensions: labels)
    }

    /// Takes the adapter's series out of `/metrics`.
    func remove() {
        for counter in [sent, sendFailed, processingFailed, deadLettered, filteredOut, reclaimed, trimmed, failovers] { counter.destroy() }
        processingDuration.destroy()
        connected.destroy()
        lastFailover.destroy()
    }

    /// Counts a change of server seen at a reconnect.
    func noteServer(_ server: String, failovers count: Int64, atMillisecondsSinceEpoch now: Int64) {
        guard count > 0 else { return }
        failovers.increment(by: count)
        lastFailover.record(Double(now) / 1000)
    }
}
