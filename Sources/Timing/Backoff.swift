/// client-go's `wait.Backoff`: each step waits `duration`, stretched by a random fraction up to
/// `jitter`, then multiplies `duration` by `factor`, until `cap` or until `steps` run out; from
/// then on every step waits the last duration (jittered). One of these serves every retry loop:
/// the watcher, the Kubernetes client, leader election, the work queue and the adapters.
///
/// Unlike client-go the jitter never takes a delay past `cap`, so `cap` is a true upper bound.
public struct Backoff: Sendable, Equatable {
    /// The first delay.
    public var duration: Duration
    /// What each step multiplies the delay by; 1 keeps it constant (client-go's JitterUntil).
    public var factor: Double
    /// Each delay is stretched by a random fraction up to this (0.5: between 1x and 1.5x), so
    /// clients that failed together do not retry together.
    public var jitter: Double
    /// How many steps grow the delay; afterwards it stays where it got to.
    public var steps: Int
    /// The longest delay; nil for none.
    public var cap: Duration?
    /// Steps taken since the last reset.
    public private(set) var attempt = 0

    public init(duration: Duration, factor: Double = 2, jitter: Double = 0, steps: Int = .max, cap: Duration? = nil) {
        self.duration = duration
        self.factor = factor
        self.jitter = jitter
        self.steps = steps
        self.cap = cap
    }

    /// The delay before the next attempt, with `random` in 0..<1 choosing the jitter.
    public mutating func next(random: Double) -> Duration {
        defer { attempt += 1 }
        return jittered(delay(afterSteps: attempt), random: random)
    }

    public mutating func next<R: RandomNumberGenerator>(using generator: inout R) -> Duration {
        next(random: Double.random(in: 0..<1, using: &generator))
    }

    public mutating func next() -> Duration {
        next(random: Double.random(in: 0..<1))
    }

    /// After a success, start again from `duration`.
    public mutating func reset() { attempt = 0 }

    /// The delay without jitter after `count` steps: `duration * factor^min(count, steps)`, capped.
    /// A pure function, for callers that keep their own count (the work queue's per-key failures).
    public func delay(afterSteps count: Int) -> Duration {
        let growing = min(max(0, count), steps)
        let seconds = Self.seconds(duration) * Self.power(factor, growing)
        guard let cap else { return Self.duration(seconds) }
        return seconds >= Self.seconds(cap) || !seconds.isFinite ? cap : Self.duration(seconds)
    }

    private func jittered(_ base: Duration, random: Double) -> Duration {
        guard jitter > 0 else { return base }
        let stretched = base * (1 + jitter * min(max(random, 0), 1))
        guard let cap else { return stretched }
        return min(stretched, cap)
    }

    /// factor^exponent without overflowing into a trap: it saturates at infinity, which the cap catches.
    private static func power(_ factor: Double, _ exponent: Int) -> Double {
        if factor == 1 || exponent == 0 { return 1 }
        var result = 1.0
        for _ in 0..<min(exponent, 2048) {
            result *= factor
            if !result.isFinite || result == 0 { break }
        }
        return result
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func duration(_ seconds: Double) -> Duration {
        // Beyond about 292 years Int64 nanoseconds overflow; no retry waits that long.
        .nanoseconds(Int64(min(seconds, 9e9) * 1e9))
    }
}
