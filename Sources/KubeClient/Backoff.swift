@_exported import Timing

/// KubeClient's spelling of the one `Backoff` (see Timing), with the watcher's figures as in
/// client-go's reflector by default: 0.8 s, doubling, jittered by up to half, up to 30 s.
extension Backoff {
    public init(initial: Duration = .milliseconds(800), maximum: Duration = .seconds(30), factor: Double = 2, jitter: Double = 0.5) {
        self.init(duration: initial, factor: factor, jitter: jitter, cap: maximum)
    }

    public var initial: Duration { duration }
    public var maximum: Duration { cap ?? .seconds(Int64.max) }
}
