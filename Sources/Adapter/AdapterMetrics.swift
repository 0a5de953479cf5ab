import Metrics

/// The adapter's metrics, under Argo Events' names and labels plus our own.
struct AdapterMetrics: Sendable {
    let sent: Counter
    let sendFailed: Counter
    let processingFailed: Counter
    let processingDuration: Timer
    let deadLettered: Counter
    let filteredOut: Counter
    let reclaimed: Counter
    let connected: Gauge

    init(eventSourceName: String, eventName: String) {
        let labels = [("eventsource_name", eventSourceName), ("event_name", eventName)]
        sent = Counter(label: "argo_events_events_sent_total", dimensions: labels)
        sendFailed = Counter(label: "argo_events_events_sent_failed_total", dimensions: labels)
        processingFailed = Counter(label: "argo_events_events_processing_failed_total", dimensions: labels)
        processingDuration = Timer(
            label: "argo_events_event_processing_duration_milliseconds", dimensions: labels,
            preferredDisplayUnit: .milliseconds)
        deadLettered = Counter(label: "redis_eventsource_dead_lettered_total", dimensions: labels)
        filteredOut = Counter(label: "redis_eventsource_filtered_out_total", dimensions: labels)
        reclaimed = Counter(label: "redis_eventsource_reclaimed_total", dimensions: labels)
        connected = Gauge(label: "redis_eventsource_connected", dimensions: labels)
    }
}
