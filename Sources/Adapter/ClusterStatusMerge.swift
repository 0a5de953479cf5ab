import AdapterModel

/// One entry's status made from the statuses of its per-slot workers (`ClusterReadCoordinator`):
/// counters add up, per-stream figures join, and the phase is the least healthy member's, so a
/// slot that cannot be read (a CROSSSLOT or any reply not understood, a node down) shows in the
/// entry's phase with its reason, while the other slots go on.
enum ClusterStatusMerge {
    struct Member {
        let streams: [String]
        let status: AdapterStatus
    }

    /// - Parameter base: the entry's status before its workers started (counts continued from a predecessor).
    static func merged(base: AdapterStatus, members: [Member]) -> AdapterStatus {
        var result = base
        result.phase = phase(of: members.map(\.status.phase))
        result.connected = !members.isEmpty && members.allSatisfy(\.status.connected)
        result.missingStreams = members.flatMap(\.status.missingStreams)
        var servers: [String] = []
        result.streamServers = [:]
        result.pending = [:]
        result.lag = [:]
        result.groupEntriesRead = [:]
        result.lastError = nil
        for member in members {
            let status = member.status
            // Counts add up; a member's own change of node is its streams' failover or migration.
            result.counters = result.counters.adding(status.counters)
            if let server = status.server {
                if !servers.contains(server) { servers.append(server) }
                for stream in member.streams { result.streamServers[stream] = server }
            }
            result.pending.merge(status.pending) { _, new in new }
            result.lag.merge(status.lag) { _, new in new }
            result.groupEntriesRead.merge(status.groupEntriesRead) { _, new in new }
            if result.lastError == nil, let error = status.lastError {
                result.lastError = "\(member.streams.joined(separator: ", ")): \(error)"
            }
        }
        result.server = servers.isEmpty ? nil : servers.joined(separator: ", ")
        return result
    }

    /// Failed before Connecting before Retrying before WaitingForStreams before Consuming; Stopped
    /// only once every member stopped (a member between two runs counts as Connecting).
    static func phase(of phases: [AdapterPhase]) -> AdapterPhase {
        if phases.isEmpty || phases.allSatisfy({ $0 == .stopped }) { return .stopped }
        let order: [AdapterPhase] = [.failed, .connecting, .stopped, .retrying, .waitingForStreams]
        for candidate in order where phases.contains(candidate) {
            return candidate == .stopped ? .connecting : candidate
        }
        return .consuming
    }
}
