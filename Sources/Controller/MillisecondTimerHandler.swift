import CoreMetrics
import Prometheus

/// Records Timer durations into a histogram of milliseconds (see `MillisecondTimerMetricsFactory`).
final class MillisecondTimerHandler: TimerHandler, Sendable {
    let histogram: ValueHistogram

    init(histogram: ValueHistogram) {
        self.histogram = histogram
    }

    func recordNanoseconds(_ duration: Int64) {
        histogram.record(Double(duration) / 1_000_000)
    }
}
