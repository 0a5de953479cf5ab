import Adapter
import Sinks

/// What one bench run does; the defaults are the benchmark.
struct BenchSettings: Sendable {
    var productExecutable: String
    var entries = 200_000
    /// COUNT per XREADGROUP, for the raw loop and the product alike.
    var readCount = 100
    /// Alternating raw and product runs for the stdout figure; each side reports its median.
    var stdoutRounds = 3
    var wrkSeconds = 5
    /// The connections the product's HTTP sink keeps (`--sink-connections`, its default unless
    /// the bench is told otherwise), and so the connections wrk and the libcurl baseline get.
    var httpConnections = HTTPSinkOptions.defaultConnections
    /// PubAcks awaited at once: the product's default, and so the raw libnats loop's.
    var jetStreamWindow = JetStreamSinkOptions.defaultPublishWindow
    var latencyRate = 1_000
    var latencySeconds = 10
    /// Seconds recorded at half the HTTP sink's measured maximum (the second latency load).
    var halfRateLatencySeconds = 5
    /// Entries for each run of the partial-failure figure (issue 13); 0 skips it.
    var partialEntries = 20_000
    /// The receiver's 503 rates for the partial-failure figure, each against a healthy run.
    var failureRates = [0.05, 0.10, 0.30]
    /// Rounds of the partial-failure figure; each round runs healthy, then every failure rate,
    /// so on a loaded machine each failing run has a healthy one beside it.
    var partialRounds = 1
    /// The most any one phase may take before its figure is reported as partial.
    var phaseTimeout = 90.0
    var workDirectory: String
}
