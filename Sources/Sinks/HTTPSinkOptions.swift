/// How an `HTTPSink` talks to its receiver.
public struct HTTPSinkOptions: Sendable, Equatable {
    /// How long to wait for the TCP (and TLS) connection.
    public var connectTimeout: Duration
    /// How long one POST may take in all, connecting included; a receiver that hangs
    /// costs at most this, then counts as a retryable failure.
    public var requestTimeout: Duration
    /// PEM bundle to verify an https receiver against, instead of the system trust store.
    public var caFile: String?
    public var userAgent: String
    /// Keep-alive connections, and so requests in flight at once, per sink (one sink per
    /// adapter); values below 1 count as 1. One connection waits out a round trip per event;
    /// 4 already keep the adapter's thread busy on loopback (BENCHMARKS.md), and every
    /// adapter's connections add to what the receiver must hold open.
    public var connections: Int

    public static let defaultConnections = 4

    public init(
        connectTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(30), caFile: String? = nil,
        userAgent: String = "redis-eventsource", connections: Int = Self.defaultConnections
    ) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.caFile = caFile
        self.userAgent = userAgent
        self.connections = connections
    }
}

extension Duration {
    /// Whole milliseconds, at least 1: libcurl reads 0 as "no timeout at all".
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        guard !milliseconds.overflow else { return Int.max }
        return max(1, Int(milliseconds.partialValue) + Int(attoseconds / 1_000_000_000_000_000))
    }
}
