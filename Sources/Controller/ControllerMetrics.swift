import Metrics

/// The controller's own metrics, next to the adapters' (see AdapterMetrics).
struct ControllerMetrics: Sendable {
    let reconciles = Counter(label: "redis_eventsource_reconciles_total")
    let reconcileErrors = Counter(label: "redis_eventsource_reconcile_errors_total")
    let reconcileDuration = Timer(label: "redis_eventsource_reconcile_duration_milliseconds", preferredDisplayUnit: .milliseconds)
    /// Passes over every adapter's figures (one per `--status-interval`) that queue the EventSources whose figures moved.
    let counterSweeps = Counter(label: "redis_eventsource_status_sweeps_total")
    let queueDepth = Gauge(label: "redis_eventsource_workqueue_depth")
    let watchRestarts = Counter(label: "redis_eventsource_watch_relists_total")
    /// Objects each watch has delivered (a relist counts every item), per resource.
    let secretWatchEvents = Counter(label: "redis_eventsource_watch_events_total", dimensions: [("resource", "secrets")])
    /// Secrets whose data the controller holds: only those some EventSource refers to.
    let secretsHeld = Gauge(label: "redis_eventsource_secrets_cached")

    /// Failed lists and watches of the controller's watchers, by resource plural and `WatchFailureReason`.
    func watchErrors(resource: String, reason: String) -> Counter {
        Counter(label: "redis_eventsource_watch_errors_total", dimensions: [("resource", resource), ("reason", reason)])
    }
}
