/// Capped exponential backoff with jitter. client-go's figures by default: 0.8 s, doubling, up to 30 s.
public struct Backoff: Sendable {
    public var initial: Duration
    public var maximum: Duration
    public var factor: Double
    /// Each delay is stretched by a random fraction up to this (0.5: between 1x and 1.5x), so
    /// clients that failed together do not retry together.
    public var jitter: Double
    private var current: Duration?

    public init(initial: Duration = .milliseconds(800), maximum: Duration = .seconds(30), factor: Double = 2, jitter: Double = 0.5) {
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
        self.jitter = jitter
    }

    /// The next delay to wait; each call grows the base delay until the maximum.
    public mutating func next(random: Double = Double.random(in: 0..<1)) -> Duration {
        let base = current.map { min($0 * factor, maximum) } ?? initial
        current = base
        let stretched = base * (1 + jitter * random)
        return min(stretched, maximum)
    }

    /// After a success, start again from the initial delay.
    public mutating func reset() {
        current = nil
    }
}
