/// Adds entries at a fixed rate, each carrying the monotonic time just before its XADD, so
/// the receiver can tell how long the entry took to arrive. Absolute deadlines keep the rate
/// steady; a late slot is sent at once, never skipped.
struct PacedProducer {
    let stream: String
    let rate: Int
    let count: Int

    /// Returns the seconds the whole run took.
    func run(_ connection: BenchRedis) throws(BenchError) -> Double {
        let period = UInt64(1_000_000_000 / rate)
        let start = MonotonicClock.now()
        for index in 0..<count {
            MonotonicClock.sleep(until: start + UInt64(index) * period)
            let sent = MonotonicClock.now()
            try connection.command(["XADD", stream, "*", "sent", String(sent), "action", "view", "n", String(index)])
        }
        return MonotonicClock.seconds(since: start)
    }
}
