/// The spelling most callers use: a first wait and a ceiling, with client-go's reflector figures
/// by default (0.8 s, doubling, jittered by up to half, up to 30 s).
extension Backoff {
    public init(initial: Duration = .milliseconds(800), maximum: Duration = .seconds(30), factor: Double = 2, jitter: Double = 0.5) {
        self.init(duration: initial, factor: factor, jitter: jitter, cap: maximum)
    }

    public var initial: Duration { duration }

    public var maximum: Duration {
        get { cap ?? .seconds(Int64.max) }
        set { cap = newValue }
    }
}
