import CoreMetrics
import Prometheus

/// swift-prometheus' factory, except that Timers whose name ends in `_milliseconds` are exported
/// in milliseconds.
///
/// swift-prometheus 2.x ignores a Timer's `preferredDisplayUnit` and always renders Timers as
/// histograms of seconds (buckets `le="0.005"`…, `_sum` in seconds). Argo's
/// `argo_events_event_processing_duration_milliseconds` is in milliseconds, so under that factory
/// a dashboard built for Argo would read values 1000 times too small. The unit is chosen by the
/// name, not by the display-unit hint, because the hint arrives only after the handler (and its
/// buckets) exist. Other Timers keep swift-prometheus' seconds, as Prometheus names `*_seconds` expect.
///
/// Series labelled as an adapter's go to `AdapterSeriesStore` instead of the registry.
struct MillisecondTimerMetricsFactory: MetricsFactory {
    private let prometheus: PrometheusMetricsFactory
    private let registry: PrometheusCollectorRegistry
    private let buckets: [Double]
    private let adapterSeries: AdapterSeriesStore?

    init(registry: PrometheusCollectorRegistry, buckets: [Double], adapterSeries: AdapterSeriesStore? = nil) {
        self.prometheus = PrometheusMetricsFactory(registry: registry)
        self.registry = registry
        self.buckets = buckets
        self.adapterSeries = adapterSeries
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let unit = "_milliseconds"
        if let adapterSeries, label.hasSuffix(unit), AdapterSeriesStore.isAdapterSeries(dimensions) {
            return adapterSeries.histogram(label, dimensions)
        }
        guard label.hasSuffix(unit), label.count > unit.count else {
            return prometheus.makeTimer(label: label, dimensions: dimensions)
        }
        // Help stays empty, as swift-prometheus' own factory leaves it: the registry traps when two
        // registrations of one name disagree on help text.
        let descriptor = MetricNameDescriptor(
            metricName: String(label.dropLast(unit.count)), unitName: "milliseconds", helpText: "")
        let histogram = registry.makeValueHistogram(descriptor: descriptor, labels: dimensions, buckets: buckets)
        return MillisecondTimerHandler(histogram: histogram)
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let handler = handler as? AdapterHistogram {
            adapterSeries?.remove(handler.key)
        } else if let handler = handler as? MillisecondTimerHandler {
            registry.unregisterValueHistogram(handler.histogram)
        } else {
            prometheus.destroyTimer(handler)
        }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        if let adapterSeries, AdapterSeriesStore.isAdapterSeries(dimensions) { return adapterSeries.counter(label, dimensions) }
        return prometheus.makeCounter(label: label, dimensions: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        prometheus.makeFloatingPointCounter(label: label, dimensions: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        if let adapterSeries, !aggregate, AdapterSeriesStore.isAdapterSeries(dimensions) {
            return adapterSeries.gauge(label, dimensions)
        }
        return prometheus.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        prometheus.makeMeter(label: label, dimensions: dimensions)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let handler = handler as? AdapterCounter { adapterSeries?.remove(handler.key) } else { prometheus.destroyCounter(handler) }
    }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        prometheus.destroyFloatingPointCounter(handler)
    }
    func destroyRecorder(_ handler: any RecorderHandler) {
        if let handler = handler as? AdapterGauge { adapterSeries?.remove(handler.key) } else { prometheus.destroyRecorder(handler) }
    }
    func destroyMeter(_ handler: any MeterHandler) { prometheus.destroyMeter(handler) }
}
