#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock time for status fields that show a moment (a failover), as milliseconds since the epoch.
enum WallClock {
    static func millisecondsSinceEpoch() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
