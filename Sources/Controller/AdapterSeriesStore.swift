import CoreMetrics
import Synchronization

/// The per-adapter series (`namespace`, `eventsource_name`, `event_name`: Argo's
/// `argo_events_events_sent_total` and the rest from `AdapterMetrics`), kept here instead of in
/// swift-prometheus' registry. That registry copies a metric family's whole dictionary to add one
/// label set, so registering N adapters' series cost O(N²): at 10,000 adapters, minutes of CPU
/// (BENCHMARKS.md). Here a new series is one dictionary insert under a lock, and `/metrics`
/// renders every family in one pass, in the same text format, names and labels.
///
/// Every series exists, at zero, from the moment its adapter creates its metrics (at start),
/// so alerts on rates see a first sample before the first event.
final class AdapterSeriesStore: Sendable {
    /// The label names, in order, that make a series an adapter's.
    static let labelNames = ["namespace", "eventsource_name", "event_name"]

    static func isAdapterSeries(_ dimensions: [(String, String)]) -> Bool {
        dimensions.count == labelNames.count && zip(dimensions, labelNames).allSatisfy { $0.0 == $1 }
    }

    private enum Kind: String { case counter, gauge, histogram }

    private struct Family {
        var kind: Kind
        /// Rendered label set (`namespace="…",…`) → series; insertion order kept for stable output.
        var series: [String: AnyObject] = [:]
        var order: [String] = []
        /// In `order` but no longer in `series`.
        var removed: Set<String> = []
    }

    private struct Families: ~Copyable {
        var byName: [String: Family] = [:]
        var names: [String] = []
    }

    private let families = Mutex(Families())
    private let buckets: [Double]

    init(millisecondBuckets: [Double]) {
        buckets = millisecondBuckets
    }

    func counter(_ name: String, _ dimensions: [(String, String)]) -> AdapterCounter {
        series(name, .counter, dimensions) { AdapterCounter(key: $0) }
    }

    func gauge(_ name: String, _ dimensions: [(String, String)]) -> AdapterGauge {
        series(name, .gauge, dimensions) { AdapterGauge(key: $0) }
    }

    func histogram(_ name: String, _ dimensions: [(String, String)]) -> AdapterHistogram {
        series(name, .histogram, dimensions) { [buckets] in AdapterHistogram(key: $0, buckets: buckets) }
    }

    /// The existing series for these labels (an adapter restarted with a new configuration counts on), or a new one.
    private func series<T: AnyObject>(
        _ name: String, _ kind: Kind, _ dimensions: [(String, String)], make: (AdapterSeriesKey) -> T
    ) -> T {
        let labels = Self.render(dimensions)
        return families.withLock { families in
            if let existing = families.byName[name]?.series[labels] as? T { return existing }
            let made = make(AdapterSeriesKey(family: name, labels: labels))
            if families.byName[name] == nil {
                families.byName[name] = Family(kind: kind)
                families.names.append(name)
            }
            families.byName[name]!.series[labels] = made
            // A series removed and made again keeps its old place.
            if families.byName[name]!.removed.remove(labels) == nil { families.byName[name]!.order.append(labels) }
            return made
        }
    }

    /// Takes a series out (its adapter's entry is gone for good). The order list is only
    /// compacted when the family renders, so removing is O(1) too.
    func remove(_ key: AdapterSeriesKey) {
        families.withLock { families in
            guard families.byName[key.family]?.series.removeValue(forKey: key.labels) != nil else { return }
            families.byName[key.family]?.removed.insert(key.labels)
        }
    }

    /// Every family in the Prometheus text format, one pass.
    func render(into buffer: inout [UInt8]) {
        let snapshot = families.withLock { families in
            families.names.compactMap { name in
                families.byName[name].map { family in
                    (name, family.kind, family.order.compactMap { labels in family.series[labels].map { (labels, $0) } })
                }
            }
        }
        for (name, kind, series) in snapshot where !series.isEmpty {
            buffer.append(contentsOf: "# TYPE \(name) \(kind.rawValue)\n".utf8)
            for (labels, handler) in series {
                switch handler {
                case let counter as AdapterCounter:
                    buffer.append(contentsOf: "\(name){\(labels)} \(counter.value)\n".utf8)
                case let gauge as AdapterGauge:
                    buffer.append(contentsOf: "\(name){\(labels)} \(gauge.value)\n".utf8)
                case let histogram as AdapterHistogram:
                    histogram.render(name: name, labels: labels, into: &buffer)
                default:
                    continue
                }
            }
        }
    }

    /// `name="value"` pairs, escaped as the text format wants (backslash, quote, newline).
    private static func render(_ dimensions: [(String, String)]) -> String {
        dimensions.map { key, value in
            var escaped = ""
            for character in value {
                switch character {
                case "\\": escaped += "\\\\"
                case "\"": escaped += "\\\""
                case "\n": escaped += "\\n"
                default: escaped.append(character)
                }
            }
            return "\(key)=\"\(escaped)\""
        }.joined(separator: ",")
    }
}

/// Where a series sits in `AdapterSeriesStore`, so removing it needs no search.
struct AdapterSeriesKey: Sendable, Hashable {
    var family: String
    var labels: String
}

/// A counter series of `AdapterSeriesStore`.
final class AdapterCounter: CounterHandler, Sendable {
    let key: AdapterSeriesKey
    init(key: AdapterSeriesKey) { self.key = key }
    private let count = Atomic<Int64>(0)
    var value: Int64 { count.load(ordering: .relaxed) }
    func increment(by amount: Int64) { count.add(amount, ordering: .relaxed) }
    func reset() { count.store(0, ordering: .relaxed) }
}

/// A gauge series of `AdapterSeriesStore`.
final class AdapterGauge: RecorderHandler, Sendable {
    let key: AdapterSeriesKey
    init(key: AdapterSeriesKey) { self.key = key }
    private let bits = Atomic<UInt64>(Double.zero.bitPattern)
    var value: Double { Double(bitPattern: bits.load(ordering: .relaxed)) }
    func record(_ value: Int64) { record(Double(value)) }
    func record(_ value: Double) { bits.store(value.bitPattern, ordering: .relaxed) }
}

/// A Timer recorded as a histogram of milliseconds, as `MillisecondTimerMetricsFactory` does for
/// the registry's `*_milliseconds` Timers.
final class AdapterHistogram: TimerHandler, Sendable {
    private struct Counts {
        var buckets: [Int64]
        var count: Int64 = 0
        var sum: Double = 0
    }

    let key: AdapterSeriesKey
    private let bounds: [Double]
    private let counts: Mutex<Counts>

    init(key: AdapterSeriesKey, buckets: [Double]) {
        self.key = key
        bounds = buckets
        counts = Mutex(Counts(buckets: Array(repeating: 0, count: buckets.count)))
    }

    func recordNanoseconds(_ duration: Int64) {
        let milliseconds = Double(duration) / 1_000_000
        counts.withLock { counts in
            for (index, bound) in bounds.enumerated() where milliseconds <= bound { counts.buckets[index] += 1 }
            counts.count += 1
            counts.sum += milliseconds
        }
    }

    func render(name: String, labels: String, into buffer: inout [UInt8]) {
        let state = counts.withLock { $0 }
        for (index, bound) in bounds.enumerated() {
            buffer.append(contentsOf: "\(name)_bucket{\(labels),le=\"\(bound)\"} \(state.buckets[index])\n".utf8)
        }
        buffer.append(contentsOf: "\(name)_bucket{\(labels),le=\"+Inf\"} \(state.count)\n".utf8)
        buffer.append(contentsOf: "\(name)_sum{\(labels)} \(state.sum)\n".utf8)
        buffer.append(contentsOf: "\(name)_count{\(labels)} \(state.count)\n".utf8)
    }
}
