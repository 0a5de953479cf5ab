/// A snapshot of what one adapter is doing, for status, metrics and tests.
public struct AdapterStatus: Sendable, Equatable {
    public var phase: AdapterPhase = .connecting
    public var connected = false
    public var missingStreams: [String] = []
    public var consumerGroup: String
    public var consumerName: String
    public var forwarded: Int64 = 0
    public var failed: Int64 = 0
    public var filtered: Int64 = 0
    public var filterErrors: Int64 = 0
    public var deadLettered: Int64 = 0
    public var reclaimed: Int64 = 0
    /// Pending entries found trimmed from their stream (XTRIM/XDEL) and acknowledged undelivered.
    public var trimmed: Int64 = 0
    public var connectAttempts: Int64 = 0
    /// The server the streams are read from now (for Sentinel the master, for Cluster the node).
    public var server: String?
    /// How often the server changed under a running adapter (a failover, a slot moved), and when last.
    public var failovers: Int64 = 0
    /// Milliseconds since the epoch of the last change of server.
    public var lastFailoverTime: Int64?
    /// Milliseconds since the epoch of the last entry forwarded.
    public var lastEventTime: Int64?
    public var lastError: String?
    /// Entries read but not yet acknowledged by the group, per stream (XINFO GROUPS `pending`).
    public var pending: [String: Int64] = [:]
    /// Entries not yet read by the group, per stream (XINFO GROUPS `lag`); nil when Redis cannot tell.
    public var lag: [String: Int64?] = [:]
    /// Entries the whole group has read, per stream (XINFO GROUPS `entries-read`), across all replicas.
    public var groupEntriesRead: [String: Int64] = [:]

    public init(consumerGroup: String, consumerName: String) {
        self.consumerGroup = consumerGroup
        self.consumerName = consumerName
    }

    /// Records the server a (re)connect reached; a different one than before is a failover.
    package mutating func connected(to newServer: String, atMillisecondsSinceEpoch now: Int64) {
        if let server, server != newServer {
            failovers += 1
            lastFailoverTime = now
        }
        server = newServer
    }

    /// Adds the counters of the adapter this one replaced (and its last event time, if none yet).
    package mutating func addCounts(of previous: AdapterStatus) {
        forwarded += previous.forwarded
        failed += previous.failed
        filtered += previous.filtered
        filterErrors += previous.filterErrors
        deadLettered += previous.deadLettered
        reclaimed += previous.reclaimed
        trimmed += previous.trimmed
        connectAttempts += previous.connectAttempts
        failovers += previous.failovers
        lastFailoverTime = lastFailoverTime ?? previous.lastFailoverTime
        lastEventTime = lastEventTime ?? previous.lastEventTime
    }
}
