@_exported import Timing

/// The adapter's waits, on the one client-go style `Backoff` the watcher, leader election and the
/// work queue use too.
extension Backoff {
    /// Reconnecting to Redis: from 100 ms, doubling, up to 30 s.
    public static let redisReconnect = Backoff(initial: .milliseconds(100), maximum: .seconds(30))
    /// A sink that takes nothing: from 200 ms, doubling, up to 30 s.
    public static let delivery = Backoff(initial: .milliseconds(200), maximum: .seconds(30))
}
