/// A snapshot of what one adapter is doing, for status, metrics and tests.
///
/// Three parts, each compared on its own: `significant` is what a reader acts on (the phase, the
/// streams it waits for, and where the streams are read from), so a change there is a transition;
/// `counters` and `group` only move figures on. `lastError` stands beside them: its text changes
/// with every retry of a flaky sink, so, as in the rendered status's `significantPart`, it is not
/// a transition, and it reaches the status at the counters' pace (a failure or a recovery always
/// moves a counter too). Every change goes through `reduce(_:)`.
public struct AdapterStatus: Sendable, Equatable {
    public var consumerGroup: String
    public var consumerName: String
    public var significant = Significant()
    public var counters = Counters()
    public var group = GroupFigures()
    /// Why the entry last failed, cleared when it delivers again or reconnects.
    public var lastError: String?

    public init(consumerGroup: String, consumerName: String) {
        self.consumerGroup = consumerGroup
        self.consumerName = consumerName
    }

    /// What the adapter is doing: a change here is a transition, reported at once.
    public struct Significant: Sendable, Equatable {
        public var phase: AdapterPhase = .connecting
        public var missingStreams: [String] = []
        public var connection = Connection()

        public init() {}
    }

    /// The Redis connection, as the status and the `redis_eventsource_connected` gauge show it.
    public struct Connection: Sendable, Equatable {
        public var connected = false
        /// The server the streams are read from now (for Sentinel the master, for Cluster the node).
        public var server: String?
        /// The server or node each stream is read from; with a cluster entry over several slots each
        /// slot's streams have their own node.
        public var streamServers: [String: String] = [:]

        public init() {}
    }

    /// Figures that only grow (and the times of the last event and failover); carried over to the
    /// adapter that replaces this one.
    public struct Counters: Sendable, Equatable {
        public var forwarded: Int64 = 0
        public var failed: Int64 = 0
        public var filtered: Int64 = 0
        public var filterErrors: Int64 = 0
        public var deadLettered: Int64 = 0
        public var reclaimed: Int64 = 0
        /// Pending entries found trimmed from their stream (XTRIM/XDEL) and acknowledged undelivered.
        public var trimmed: Int64 = 0
        public var connectAttempts: Int64 = 0
        /// How often the server changed under a running adapter (a failover, a slot moved), and when last.
        public var failovers: Int64 = 0
        /// Milliseconds since the epoch of the last change of server.
        public var lastFailoverTime: Int64?
        /// Milliseconds since the epoch of the last entry forwarded.
        public var lastEventTime: Int64?

        public init() {}

        /// These counts added to `other`'s; the later of the two times.
        public func adding(_ other: Counters) -> Counters {
            var sum = self
            sum.forwarded += other.forwarded
            sum.failed += other.failed
            sum.filtered += other.filtered
            sum.filterErrors += other.filterErrors
            sum.deadLettered += other.deadLettered
            sum.reclaimed += other.reclaimed
            sum.trimmed += other.trimmed
            sum.connectAttempts += other.connectAttempts
            sum.failovers += other.failovers
            sum.lastFailoverTime = Self.latest(lastFailoverTime, other.lastFailoverTime)
            sum.lastEventTime = Self.latest(lastEventTime, other.lastEventTime)
            return sum
        }

        private static func latest(_ a: Int64?, _ b: Int64?) -> Int64? {
            switch (a, b) {
            case (nil, _): return b
            case (_, nil): return a
            case (let a?, let b?): return max(a, b)
            }
        }
    }

    /// The consumer group's figures per stream, from XINFO GROUPS.
    public struct GroupFigures: Sendable, Equatable {
        /// Entries read but not yet acknowledged by the group, per stream (`pending`).
        public var pending: [String: Int64] = [:]
        /// Entries not yet read by the group, per stream (`lag`); nil when Redis cannot tell.
        public var lag: [String: Int64?] = [:]
        /// Entries the whole group has read, per stream (`entries-read`), across all replicas.
        public var entriesRead: [String: Int64] = [:]

        public init(pending: [String: Int64] = [:], lag: [String: Int64?] = [:], entriesRead: [String: Int64] = [:]) {
            self.pending = pending
            self.lag = lag
            self.entriesRead = entriesRead
        }
    }
}

/// The flat names the status renderer, the metrics and the tests read.
extension AdapterStatus {
    public var phase: AdapterPhase {
        get { significant.phase }
        set { significant.phase = newValue }
    }
    public var missingStreams: [String] {
        get { significant.missingStreams }
        set { significant.missingStreams = newValue }
    }
    public var connected: Bool {
        get { significant.connection.connected }
        set { significant.connection.connected = newValue }
    }
    public var server: String? {
        get { significant.connection.server }
        set { significant.connection.server = newValue }
    }
    public var streamServers: [String: String] {
        get { significant.connection.streamServers }
        set { significant.connection.streamServers = newValue }
    }
    public var forwarded: Int64 {
        get { counters.forwarded }
        set { counters.forwarded = newValue }
    }
    public var failed: Int64 {
        get { counters.failed }
        set { counters.failed = newValue }
    }
    public var filtered: Int64 {
        get { counters.filtered }
        set { counters.filtered = newValue }
    }
    public var filterErrors: Int64 {
        get { counters.filterErrors }
        set { counters.filterErrors = newValue }
    }
    public var deadLettered: Int64 {
        get { counters.deadLettered }
        set { counters.deadLettered = newValue }
    }
    public var reclaimed: Int64 {
        get { counters.reclaimed }
        set { counters.reclaimed = newValue }
    }
    public var trimmed: Int64 {
        get { counters.trimmed }
        set { counters.trimmed = newValue }
    }
    public var connectAttempts: Int64 {
        get { counters.connectAttempts }
        set { counters.connectAttempts = newValue }
    }
    public var failovers: Int64 {
        get { counters.failovers }
        set { counters.failovers = newValue }
    }
    public var lastFailoverTime: Int64? {
        get { counters.lastFailoverTime }
        set { counters.lastFailoverTime = newValue }
    }
    public var lastEventTime: Int64? {
        get { counters.lastEventTime }
        set { counters.lastEventTime = newValue }
    }
    public var pending: [String: Int64] {
        get { group.pending }
        set { group.pending = newValue }
    }
    public var lag: [String: Int64?] {
        get { group.lag }
        set { group.lag = newValue }
    }
    public var groupEntriesRead: [String: Int64] {
        get { group.entriesRead }
        set { group.entriesRead = newValue }
    }
}
