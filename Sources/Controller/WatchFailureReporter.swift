import KubeClient
import Logging
import Synchronization

/// The owner's side of the controller's watchers: counts every failed list or watch in
/// `redis_eventsource_watch_errors_total{resource,reason}` and logs as `WatchFailureLog` decides.
/// The logged text is the server's Status (code, reason, message) or the transport error, which
/// name the resource and the refused verb, never object contents, so no Secret data can appear.
final class WatchFailureReporter: Sendable {
    private let log = Mutex(WatchFailureLog())
    private let logger: Logger
    private let metrics: ControllerMetrics

    /// `resources`: the plurals the controller watches. Their error counters exist from the start,
    /// at zero for every reason, so a `rate()` over them works on a fresh install.
    init(logger: Logger, metrics: ControllerMetrics, resources: [String] = []) {
        self.logger = logger
        self.metrics = metrics
        for resource in resources {
            for reason in WatchFailureReason.allCases { _ = metrics.watchErrors(resource: resource, reason: reason.rawValue) }
        }
    }

    func handle(_ report: WatcherReport) {
        if case .failed(let failure) = report {
            metrics.watchErrors(resource: failure.resource, reason: failure.reason.rawValue).increment()
        }
        guard let level = log.withLock({ $0.level(for: report) }) else { return }
        switch report {
        case .failed(let failure):
            var metadata: Logger.Metadata = [
                "resource": "\(failure.resource)", "request": "\(failure.request.rawValue)",
                "reason": "\(failure.reason.rawValue)",
            ]
            if let code = failure.statusCode { metadata["code"] = "\(code)" }
            let advice = failure.reason.needsOperator ? "; check the controller's credentials and RBAC rules" : ""
            logger.log(
                level: level, "\(failure.request.rawValue) of \(failure.resource) failed, retrying with backoff\(advice): \(Self.safeDescription(failure.error))",
                metadata: metadata)
        case .recovered(let resource):
            logger.log(level: level, "\(resource) can be listed and watched again", metadata: ["resource": "\(resource)"])
        }
    }

    /// A malformed answer's text may quote the answer, and on a Secret watch that is Secret data.
    private static func safeDescription(_ error: KubeError) -> String {
        if case .malformedResponse = error { return "malformed response from the API server" }
        return "\(error)"
    }
}
