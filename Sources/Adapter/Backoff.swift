#if canImport(Glibc)
import Glibc
#endif

/// Capped exponential backoff with jitter, so that nothing retries in a tight loop and
/// many adapters that failed together do not retry in step.
public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    /// 0 means exact delays; 0.5 spreads each delay over ±50 %.
    public var jitter: Double
    public private(set) var attempt = 0

    public static let redisReconnect = Backoff(initial: .milliseconds(100), maximum: .seconds(30))
    public static let delivery = Backoff(initial: .milliseconds(200), maximum: .seconds(30))

    public init(initial: Duration, maximum: Duration, multiplier: Double = 2, jitter: Double = 0.5) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// The delay before the next attempt; each call grows it until the cap.
    public mutating func next<R: RandomNumberGenerator>(using generator: inout R) -> Duration {
        let base = Self.seconds(initial) * pow(multiplier, Double(attempt))
        let capped = min(base, Self.seconds(maximum))
        attempt += 1
        guard jitter > 0 else { return .nanoseconds(Int64(capped * 1e9)) }
        let factor = Double.random(in: (1 - jitter)...(1 + jitter), using: &generator)
        return .nanoseconds(Int64(min(capped * factor, Self.seconds(maximum)) * 1e9))
    }

    public mutating func next() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return next(using: &generator)
    }

    public mutating func reset() { attempt = 0 }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
