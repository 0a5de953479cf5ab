import Metrics
import Prometheus

/// Installs swift-metrics' process-wide factory, backed by one Prometheus registry, and hands out
/// that registry for `/metrics`.
///
/// swift-metrics binds a handler when a `Counter` or `Timer` is created, so call `bootstrap()`
/// before the first adapter starts: metrics created earlier stay no-ops for their whole life.
/// swift-metrics allows one bootstrap per process and traps on a second one, so this type is the
/// only place that bootstraps; calling it again, from any thread, returns the same registry.
public enum MetricsBootstrap {
    /// Bounds, in milliseconds, of the histograms behind Timers named `*_milliseconds`.
    /// Stdout deliveries take well under a millisecond; HTTP deliveries that retry take seconds.
    public static let millisecondBuckets: [Double] = [
        0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
    ]

    // A static let is initialised once, under a lock, on first use: that is the once-only guarantee.
    private static let installed: (registry: PrometheusCollectorRegistry, adapterSeries: AdapterSeriesStore) = {
        let registry = PrometheusCollectorRegistry()
        let adapterSeries = AdapterSeriesStore(millisecondBuckets: millisecondBuckets)
        MetricsSystem.bootstrap(
            MillisecondTimerMetricsFactory(registry: registry, buckets: millisecondBuckets, adapterSeries: adapterSeries))
        return (registry, adapterSeries)
    }()

    /// Bootstraps swift-metrics on the first call; returns the registry every time.
    @discardableResult
    public static func bootstrap() -> PrometheusCollectorRegistry {
        installed.registry
    }

    /// The registry `/metrics` renders; reading it bootstraps too.
    public static var registry: PrometheusCollectorRegistry { installed.registry }

    /// The adapters' own series (see `AdapterSeriesStore`), which `/metrics` renders after the registry.
    static var adapterSeries: AdapterSeriesStore { installed.adapterSeries }
}
