import Glibc

/// What `/proc/<pid>/status` and `/proc/<pid>/stat` say about one process at one moment.
struct ScaleProcessSample {
    /// Resident memory now, and its peak so far, in KiB.
    let residentKiB: Int
    let peakResidentKiB: Int
    let threads: Int
    /// User plus system CPU time since the process started, in seconds.
    let cpuSeconds: Double
    let takenAt: UInt64

    static func read(_ pid: pid_t) throws(BenchError) -> ScaleProcessSample {
        let status = try TextFile.read("/proc/\(pid)/status")
        func field(_ name: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
            return line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap { Int($0) }
        }
        // The command name in `stat` may hold spaces and parentheses: fields are counted after the last ')'.
        let stat = try TextFile.read("/proc/\(pid)/stat")
        guard let close = stat.lastIndex(of: ")") else { throw .tool("unreadable /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the name: state is field 3 of stat(5), utime 14 and stime 15, so indices 11 and 12 here.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]),
            let resident = field("VmRSS"), let peak = field("VmHWM"), let threads = field("Threads")
        else { throw .tool("unreadable /proc/\(pid)/status or stat") }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ScaleProcessSample(
            residentKiB: resident, peakResidentKiB: peak, threads: threads, cpuSeconds: (user + system) / ticks,
            takenAt: MonotonicClock.now())
    }

    /// CPU use between two samples, as a percentage of one core.
    func cpuPercent(since earlier: ScaleProcessSample) -> Double {
        let wall = Double(takenAt &- earlier.takenAt) / 1e9
        return wall > 0 ? (cpuSeconds - earlier.cpuSeconds) / wall * 100 : 0
    }
}
