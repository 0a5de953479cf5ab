/// A rate from a baseline tool (wrk, libcurl alone) with the machine's load as it ended.
struct MeasuredRate: Sendable {
    let value: Double
    /// The 1-minute load average as the run ended.
    var loadAverage: Double? = BenchRun.loadAverage()
}
