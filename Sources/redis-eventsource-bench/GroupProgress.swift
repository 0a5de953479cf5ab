import Glibc

/// A consumer group's position as XINFO GROUPS reports it.
struct GroupProgress: Equatable {
    var pending: Int64
    /// Nil when Redis cannot tell (XDEL'd entries, servers before 7.0).
    var lag: Int64?
    var entriesRead: Int64?
    var consumers: Int64

    /// Read and acknowledged: the figure every throughput is counted in.
    var acknowledged: Int64 { max(0, (entriesRead ?? 0) - pending) }

    var isDrained: Bool { pending == 0 && lag == 0 }

    static func read(_ connection: HiredisConnection, stream: String, group: String) throws(BenchError) -> GroupProgress {
        let reply = try connection.command(["XINFO", "GROUPS", stream]).checked("XINFO GROUPS \(stream)")
        for item in reply.array ?? [] {
            // Each group is a flat [name, value, name, value, ...] list.
            let flat = item.array ?? []
            var fields: [String: RedisReply] = [:]
            var index = 0
            while index + 1 < flat.count {
                if let key = flat[index].text { fields[key] = flat[index + 1] }
                index += 2
            }
            guard fields["name"]?.text == group else { continue }
            return GroupProgress(
                pending: fields["pending"]?.integer ?? 0, lag: fields["lag"]?.integer,
                entriesRead: fields["entries-read"]?.integer, consumers: fields["consumers"]?.integer ?? 0)
        }
        throw .redis("group \(group) not found on \(stream)")
    }

    /// Polls until the group has read and acknowledged everything, `timeout` passes, or the
    /// consumer's process is gone (`stillRunning` returns false).
    static func waitUntilDrained(
        _ connection: HiredisConnection, stream: String, group: String, from start: UInt64, timeout: Double,
        interval: UInt32 = 5_000, stillRunning: () -> Bool = { true }
    ) throws(BenchError) -> DrainOutcome {
        var firstProgress: Double?
        while true {
            let progress = try read(connection, stream: stream, group: group)
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
    let last: GroupProgress

    var drained: Bool { last.isDrained }
}
