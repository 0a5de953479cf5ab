/// Percentiles of the XADD-to-arrival latencies, nearest-rank.
struct LatencySummary: Sendable {
    let count: Int
    let p50: Double
    let p99: Double
    let max: Double

    /// - Parameter nanoseconds: one value per event that arrived.
    init?(nanoseconds: [UInt64]) {
        guard !nanoseconds.isEmpty else { return nil }
        let sorted = nanoseconds.sorted()
        func percentile(_ fraction: Double) -> Double {
            let rank = Swift.max(1, Int((fraction * Double(sorted.count)).rounded(.up)))
            return Double(sorted[Swift.min(rank, sorted.count) - 1]) / 1e6
        }
        count = sorted.count
        p50 = percentile(0.50)
        p99 = percentile(0.99)
        max = Double(sorted.last!) / 1e6
    }
}
