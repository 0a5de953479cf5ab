import Glibc

/// CLOCK_MONOTONIC in nanoseconds: one clock for every timestamp, shared by the paced
/// producer and the receiver's threads, so a latency is a plain subtraction.
enum MonotonicClock {
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    static func seconds(since start: UInt64) -> Double {
        Double(now() &- start) / 1e9
    }

    /// Sleeps until an absolute monotonic time, so a paced loop does not drift.
    static func sleep(until deadline: UInt64) {
        var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
    }
}
