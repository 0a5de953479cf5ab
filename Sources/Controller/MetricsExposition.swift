import Prometheus

/// Produces a collector's gauge families at scrape time. It runs on the scraping task (Swift's
/// cooperative pool, not an event loop), so it must be quick and must not block: read snapshots,
/// don't query Redis or the API server.
public typealias ScrapeCollector = @Sendable () -> [GaugeFamily]

/// What `/metrics` serves: everything swift-metrics recorded in the registry, followed by the
/// gauges the collectors compute at this moment.
///
/// The controller adds its own scrape-time gauges (queue depth, adapters running) with
/// `adding(_:)`; its counters and Timers (reconciles, reconcile duration, watch restarts) need
/// nothing here, as swift-metrics writes them into the registry.
public struct MetricsExposition: Sendable {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public let registry: PrometheusCollectorRegistry
    /// The adapters' per-entry series, when the registry is `MetricsBootstrap`'s.
    let adapterSeries: AdapterSeriesStore?
    public private(set) var collectors: [ScrapeCollector]

    /// The default registry is `MetricsBootstrap`'s, so creating an exposition bootstraps metrics.
    public init(registry: PrometheusCollectorRegistry = MetricsBootstrap.bootstrap(), collectors: [ScrapeCollector] = []) {
        self.registry = registry
        adapterSeries = registry === MetricsBootstrap.registry ? MetricsBootstrap.adapterSeries : nil
        self.collectors = collectors
    }

    public func adding(_ collector: @escaping ScrapeCollector) -> MetricsExposition {
        var copy = self
        copy.collectors.append(collector)
        return copy
    }

    public func render() -> [UInt8] {
        // The registry keeps no internal buffer for this call, so concurrent scrapes don't contend.
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        adapterSeries?.render(into: &buffer)
        for collector in collectors {
            for family in collector() { family.render(into: &buffer) }
        }
        return buffer
    }
}
