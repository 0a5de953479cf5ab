/// The one reducer of adapter status: every change is an `AdapterStatusEvent` folded in here.
extension AdapterStatus {
    public mutating func reduce(_ event: AdapterStatusEvent) {
        switch event {
        case .phaseChanged(let phase, let missing):
            significant.phase = phase
            significant.missingStreams = missing
        case .failed(let reason):
            significant.phase = .failed
            lastError = reason
        case .stopped:
            if significant.phase != .failed { significant.phase = .stopped }
        case .restarting:
            significant.phase = .connecting
        case .streamsMissing(let missing):
            if missing.isEmpty { lastError = nil }
        case .error(let message):
            lastError = message
        case .connectAttempted:
            counters.connectAttempts += 1
        case .connected(let server, let streams, let now):
            if let previous = significant.connection.server, previous != server {
                counters.failovers += 1
                counters.lastFailoverTime = now
            }
            lastError = nil
            significant.connection.connected = true
            significant.connection.server = server
            significant.connection.streamServers = Dictionary(streams.map { ($0, server) }) { first, _ in first }
        case .disconnected:
            significant.connection.connected = false
        case .forwarded(let count, let lastEventTime, let recovered):
            counters.forwarded += Int64(count)
            if let lastEventTime { counters.lastEventTime = lastEventTime }
            // The entry delivers again: an old error no longer describes it.
            if recovered { lastError = nil }
        case .deliveryFailed(let message):
            counters.failed += 1
            lastError = message
        case .deadLettered:
            counters.deadLettered += 1
        case .trimmed(let count):
            counters.trimmed += Int64(count)
        case .reclaimed(let count):
            counters.reclaimed += Int64(count)
        case .filteredOut:
            counters.filtered += 1
        case .filterFailed(let message):
            counters.filterErrors += 1
            lastError = message
        case .groupFigures(let figures):
            group = figures
        case .countsCarriedOver(let previous):
            counters = counters.adding(previous)
        case .merged(let merged):
            significant = merged.significant
            counters = merged.counters
            group = merged.group
            lastError = merged.lastError
        }
    }

    /// This status with `events` folded in, in order.
    public func reduced(_ events: some Sequence<AdapterStatusEvent>) -> AdapterStatus {
        var status = self
        for event in events { status.reduce(event) }
        return status
    }
}
