/// One paced load of the latency figure.
struct LatencyLoad: Sendable {
    let rate: Int
    let seconds: Int
    /// Why this rate, for the results: "1000/s", "half the HTTP maximum".
    let label: String
}

/// What one paced load came to: the XADD-to-arrival percentiles, and the rate the producer
/// really held (one XADD per round trip, so on a loud machine it may fall short of the aim).
struct LatencyFigure: Sendable {
    let load: LatencyLoad
    let sentRate: Double
    let summary: LatencySummary?
    /// The 1-minute load average as the load ended.
    var loadAverage: Double? = BenchRun.loadAverage()
    /// Issue 10: p99 at most 2 ms.
    static let p99Aim = 2.0

    var met: Bool? { summary.map { $0.p99 <= Self.p99Aim } }
}
