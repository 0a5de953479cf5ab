/// A token bucket: `rate` operations per second on average, bursts up to `burst`.
/// Caps the controller's status writes overall (client-go's default limiter is the same shape).
public struct TokenBucket: Sendable {
    public let rate: Double
    public let burst: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant

    public init(rate: Double, burst: Int, now: ContinuousClock.Instant = .now) {
        self.rate = rate
        self.burst = Double(burst)
        tokens = Double(burst)
        last = now
    }

    /// Takes a token if one is there; otherwise says how long until one is.
    public mutating func take(now: ContinuousClock.Instant) -> Duration? {
        let elapsed = last.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(burst, tokens + max(0, seconds) * rate)
        last = now
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return .nanoseconds(Int64((1 - tokens) / rate * 1e9))
    }

    /// Takes a token now or, when none is there, the next one to come, going into debt: each
    /// caller waiting gets a slot of its own, so N callers come back one after another at the
    /// rate instead of all of them asking again every time a token comes (a herd that, with
    /// 10,000 EventSources waiting on 20 writes a second, cost thousands of reconciles a second).
    public mutating func reserve(now: ContinuousClock.Instant) -> Duration {
        let elapsed = last.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(burst, tokens + max(0, seconds) * rate)
        last = now
        tokens -= 1
        return tokens >= 0 ? .zero : .nanoseconds(Int64(-tokens / rate * 1e9))
    }
}
