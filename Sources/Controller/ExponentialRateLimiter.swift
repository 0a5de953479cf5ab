import Reconciler
import Timing

/// Per-key exponential backoff under a global token bucket, the shape of client-go's default
/// controller rate limiter: 5 ms doubling to 1000 s per key, 10 per second overall with bursts of 100.
public struct ExponentialRateLimiter<Key: Hashable & Sendable>: Sendable {
    public var base: Duration { perKey.duration }
    public var maximum: Duration { perKey.cap ?? perKey.duration }
    /// client-go's ItemExponentialFailureRateLimiter: no jitter, the delay a pure function of the failure count.
    private let perKey: Backoff
    private var failureCounts: [Key: Int] = [:]
    private var bucket: TokenBucket

    public init(base: Duration = .milliseconds(5), maximum: Duration = .seconds(1000), rate: Double = 10, burst: Int = 100) {
        perKey = Backoff(duration: base, factor: 2, cap: maximum)
        bucket = TokenBucket(rate: rate, burst: burst)
    }

    public mutating func nextDelay(for key: Key, now: ContinuousClock.Instant = .now) -> Duration {
        let failures = failureCounts[key, default: 0]
        failureCounts[key] = failures + 1
        let global = bucket.take(now: now) ?? .zero
        return max(perKey.delay(afterSteps: failures), global)
    }

    public mutating func forget(_ key: Key) {
        failureCounts[key] = nil
    }

    public func failures(of key: Key) -> Int { failureCounts[key, default: 0] }
}
