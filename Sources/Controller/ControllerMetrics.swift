import Metrics

/// The controller's own metrics, next to the adapters' (see AdapterMetrics).
struct ControllerMetrics: Sendable {
    let reconciles = Counter(label: "redis_eventsource_reconciles_total")
    let reconcileErrors = Counter(label: "redis_eventsource_reconcile_errors_total")
    let reconcileDuration = Timer(label: "redis_eventsource_reconcile_duration_milliseconds", preferredDisplayUnit: .milliseconds)
    let queueDepth = Gauge(label: "redis_eventsource_workqueue_depth")
    let watchRestarts = Counter(label: "redis_eventsource_watch_relists_total")
}
