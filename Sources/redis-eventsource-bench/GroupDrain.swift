import Adapter
import Glibc

/// Polls a consumer group until it has read and acknowledged everything, `timeout` passes, or
/// the consumer's process is gone (`stillRunning` returns false).
enum GroupDrain {
    static func wait(
        _ redis: BenchRedis, stream: String, group: String, from start: UInt64, timeout: Double,
        interval: UInt32 = 5_000, stillRunning: () -> Bool = { true }
    ) throws(BenchError) -> DrainOutcome {
        var firstProgress: Double?
        while true {
            let progress = try redis.group(group, on: stream)
            let elapsed = MonotonicClock.seconds(since: start)
            if firstProgress == nil && progress.acknowledged > 0 { firstProgress = elapsed }
            if progress.isDrained || elapsed > timeout || !stillRunning() {
                return DrainOutcome(seconds: elapsed, firstProgress: firstProgress, last: progress)
            }
            usleep(interval)
        }
    }
}

/// How a drain ended, as the poller saw it.
struct DrainOutcome {
    /// From the start of the run to the poll that saw the end.
    let seconds: Double
    /// When the first acknowledgement showed: mostly process start-up and connecting.
    let firstProgress: Double?
    let last: GroupInfo

    var drained: Bool { last.isDrained }
}
