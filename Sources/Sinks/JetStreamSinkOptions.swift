/// How a `JetStreamSink` publishes.
public struct JetStreamSinkOptions: Sendable, Equatable {
    /// Messages published but not yet acknowledged, per adapter: enough to keep a loopback
    /// server busy while a batch is in flight, small enough that a slow bus holds little.
    public var publishWindow: Int
    /// How long a published message may wait for its PubAck before it counts as failed and is
    /// published again (same `Nats-Msg-Id`, so JetStream keeps one copy).
    public var ackTimeout: Duration

    public static let defaultPublishWindow = 256

    public init(publishWindow: Int = Self.defaultPublishWindow, ackTimeout: Duration = .seconds(5)) {
        self.publishWindow = publishWindow
        self.ackTimeout = ackTimeout
    }

    var ackTimeoutMilliseconds: Int64 {
        let (seconds, attoseconds) = ackTimeout.components
        return max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}
