/// Entries read and acknowledged per second over one measured run.
struct ThroughputFigure {
    let entries: Int64
    let seconds: Double
    /// False when the run hit its time limit or its process died: the rate then covers
    /// only what was done.
    let complete: Bool
    /// Seconds until the first acknowledgement, when known (start-up and connect).
    let startup: Double?
    /// The 1-minute load average as the run ended, so each figure says what the machine was doing.
    var loadAverage: Double? = BenchRun.loadAverage()

    var rate: Double { seconds > 0 ? Double(entries) / seconds : 0 }

    init(entries: Int64, seconds: Double, complete: Bool, startup: Double? = nil) {
        self.entries = entries
        self.seconds = seconds
        self.complete = complete
        self.startup = startup
    }

    init(_ outcome: DrainOutcome) {
        self.init(
            entries: outcome.last.acknowledged, seconds: outcome.seconds, complete: outcome.drained,
            startup: outcome.firstProgress)
    }
}
