import AdapterModel
import EventSourceAPI
import StructuredData

/// Computes the `status` an EventSource should show, from its spec, what could be resolved
/// and what its adapters report. Pure: the controller decides when to write it.
public struct EventSourceStatus: Sendable {
    public var generation: Int64?
    /// Empty when the spec is valid.
    public var specProblems: [ValidationProblem]
    /// The entries the spec lists, in its order; with an invalid spec, those of the last valid one still running.
    public var eventNames: [String]
    public var desired: DesiredState
    /// Event name → the status of its running adapter.
    public var adapters: [String: AdapterStatus]
    /// Event name → a note that another entry reads the same stream through the same group.
    public var groupSharing: [String: String] = [:]
    /// What the spec holds that is accepted but probably not meant (unknown or misplaced fields, fields
    /// ignored as Argo ignores them): shown as `status.warnings`.
    public var specWarnings: [ValidationProblem] = []
    /// With an invalid spec: the entries of the last valid spec, whose adapters keep running.
    public var stillRunning: [String] = []
    /// With an invalid spec: the generation of the last valid one, when this controller saw it.
    public var lastValidGeneration: Int64?
    /// Under `--shard-by lease`: the replicas that own and run it, first the one writing this status.
    /// Shown as `status.runningOn`, comma-separated (a `kubectl get es` column); nil leaves it out.
    public var runningOn: [String]?

    public init(
        generation: Int64?, specProblems: [ValidationProblem], eventNames: [String], desired: DesiredState,
        adapters: [String: AdapterStatus]
    ) {
        self.generation = generation
        self.specProblems = specProblems
        self.eventNames = eventNames
        self.desired = desired
        self.adapters = adapters
    }

    /// The status object; condition transition times carry over from `previous` when unchanged.
    public func render(previous: JSONValue?, now: String) -> JSONValue {
        let earlier = Condition.list(from: previous)
        var status = JSONObject()
        if let generation { status["observedGeneration"] = .int(generation) }
        let conditions = [sourcesProvided(now), deployed(now), ready(now)].map { $0.carryingTransitionTime(from: earlier) }
        status["conditions"] = .array(conditions.map(\.json))
        var sources = JSONObject()
        for name in eventNames { sources[name] = source(name) }
        if !sources.isEmpty { status["sources"] = .object(sources) }
        if !specWarnings.isEmpty { status["warnings"] = .array(specWarnings.map { .string($0.description) }) }
        if let runningOn { status["runningOn"] = .string(runningOn.joined(separator: ",")) }
        return .object(status)
    }

    private func sourcesProvided(_ now: String) -> Condition {
        if !specProblems.isEmpty {
            return Condition(
                type: Condition.sourcesProvided, status: false, reason: "InvalidSpec",
                message: specProblems.map(\.description).joined(separator: "; "), lastTransitionTime: now)
        }
        let count = eventNames.count
        return Condition(
            type: Condition.sourcesProvided, status: true, reason: "Valid",
            message: "\(count) redisStream \(count == 1 ? "entry" : "entries")", lastTransitionTime: now)
    }

    /// Says plainly what runs while the spec is invalid, so nobody thinks the edit took effect
    /// or that the source stopped.
    private var invalidSpecMessage: String {
        guard !stillRunning.isEmpty else {
            return "the spec is invalid (see SourcesProvided); nothing runs until it is fixed"
        }
        let generation = lastValidGeneration.map { " (generation \($0))" } ?? ""
        return "the spec is invalid (see SourcesProvided); the last valid configuration\(generation) is still running: "
            + stillRunning.joined(separator: ", ")
    }

    private func deployed(_ now: String) -> Condition {
        if !specProblems.isEmpty {
            return Condition(
                type: Condition.deployed, status: false, reason: "InvalidSpec", message: invalidSpecMessage,
                lastTransitionTime: now)
        }
        let blocked = eventNames.compactMap { name in desired.problems[name].map { (name, $0) } }
        if let first = blocked.first {
            return Condition(
                type: Condition.deployed, status: false, reason: first.1.reason,
                message: blocked.map { "\($0.0): \($0.1.message)" }.joined(separator: "; "), lastTransitionTime: now)
        }
        let running = eventNames.filter { adapters[$0] != nil }.count
        return Condition(
            type: Condition.deployed, status: running == eventNames.count, reason: running == eventNames.count ? "AdaptersRunning" : "Starting",
            message: "\(running) of \(eventNames.count) adapters running", lastTransitionTime: now)
    }

    private func ready(_ now: String) -> Condition {
        if !specProblems.isEmpty {
            return Condition(
                type: Condition.ready, status: false, reason: "InvalidSpec", message: invalidSpecMessage,
                lastTransitionTime: now)
        }
        var notReady: [(name: String, reason: String, message: String)] = []
        for name in eventNames {
            if let problem = desired.problems[name] {
                notReady.append((name, problem.reason, problem.message))
                continue
            }
            guard let adapter = adapters[name] else {
                notReady.append((name, "Starting", "starting"))
                continue
            }
            switch adapter.phase {
            case .consuming: continue
            case .waitingForStreams:
                notReady.append((name, "WaitingForStreams", "waiting for streams: \(adapter.missingStreams.joined(separator: ", "))"))
            default:
                notReady.append((name, adapter.phase.rawValue, adapter.lastError ?? adapter.phase.rawValue.lowercased()))
            }
        }
        guard let first = notReady.first else {
            return Condition(
                type: Condition.ready, status: true, reason: "Consuming",
                message: "every entry is consuming", lastTransitionTime: now)
        }
        return Condition(
            type: Condition.ready, status: false, reason: first.reason,
            message: notReady.map { "\($0.name): \($0.message)" }.joined(separator: "; "), lastTransitionTime: now)
    }

    private func source(_ name: String) -> JSONValue {
        var object = JSONObject()
        if let problem = desired.problems[name] {
            object["phase"] = .string(AdapterPhase.failed.rawValue)
            object["lastError"] = .string(problem.message)
            return .object(object)
        }
        guard let adapter = adapters[name] else {
            object["phase"] = .string(AdapterPhase.connecting.rawValue)
            return .object(object)
        }
        object["phase"] = .string(adapter.phase.rawValue)
        object["consumerGroup"] = .string(adapter.consumerGroup)
        if let configuration = desired.adapters.first(where: { $0.key.eventName == name })?.value {
            object["sink"] = .string(configuration.sinkDescription)
        }
        object["consumerName"] = .string(adapter.consumerName)
        if let server = adapter.server { object["server"] = .string(server) }
        // Only when the streams are read from several servers (a cluster entry over slots on several
        // nodes); otherwise `server` says it for all of them.
        if Set(adapter.streamServers.values).count > 1 {
            object["streamServers"] = .object(
                JSONObject(adapter.streamServers.keys.sorted().map { ($0, .string(adapter.streamServers[$0]!)) }))
        }
        if adapter.failovers > 0 { object["failovers"] = .int(adapter.failovers) }
        if let time = adapter.lastFailoverTime { object["lastFailoverTime"] = .string(KubeTime.time(millisecondsSinceEpoch: time)) }
        if let note = groupSharing[name] { object["groupShared"] = .string(note) }
        if !adapter.missingStreams.isEmpty { object["missingStreams"] = .array(adapter.missingStreams.map { .string($0) }) }
        object["forwarded"] = .int(adapter.forwarded)
        object["failed"] = .int(adapter.failed)
        object["filtered"] = .int(adapter.filtered)
        object["filterErrors"] = .int(adapter.filterErrors)
        object["deadLettered"] = .int(adapter.deadLettered)
        // Only when it happened: pending entries trimmed from under the group are rare and worth seeing.
        if adapter.trimmed > 0 { object["trimmed"] = .int(adapter.trimmed) }
        // Only when it happened: entries taken over from consumers that stopped reading them.
        if adapter.reclaimed > 0 { object["reclaimed"] = .int(adapter.reclaimed) }
        // Only once it tried: more attempts than failovers means the connection keeps dropping.
        if adapter.connectAttempts > 0 { object["connectAttempts"] = .int(adapter.connectAttempts) }
        if !adapter.pending.isEmpty {
            object["pending"] = .object(JSONObject(adapter.pending.keys.sorted().map { ($0, .int(adapter.pending[$0]!)) }))
        }
        if !adapter.lag.isEmpty {
            object["lag"] = .object(
                JSONObject(adapter.lag.keys.sorted().map { key in (key, adapter.lag[key]!.map { .int($0) } ?? .null) }))
        }
        if !adapter.groupEntriesRead.isEmpty {
            object["groupEntriesRead"] = .object(
                JSONObject(adapter.groupEntriesRead.keys.sorted().map { ($0, .int(adapter.groupEntriesRead[$0]!)) }))
        }
        if let time = adapter.lastEventTime { object["lastEventTime"] = .string(KubeTime.time(millisecondsSinceEpoch: time)) }
        if let error = adapter.lastError { object["lastError"] = .string(error) }
        return .object(object)
    }

    /// The status without what changes with every event or every retry (counts, pending, lag,
    /// times, error texts): a change in what remains — a phase, a condition's status or reason,
    /// the observed generation — is a transition and is written at once; the rest may wait.
    public static func significantPart(_ status: JSONValue) -> JSONValue {
        guard case .object(var object) = status else { return status }
        if case .array(let conditions) = object["conditions"] {
            object["conditions"] = .array(
                conditions.map { condition in
                    guard case .object(var fields) = condition else { return condition }
                    fields["message"] = nil
                    return .object(fields)
                })
        }
        if case .object(var sources) = object["sources"] {
            for (name, value) in sources {
                guard case .object(var source) = value else { continue }
                for field in [
                    "forwarded", "failed", "filtered", "filterErrors", "deadLettered", "trimmed", "reclaimed", "connectAttempts",
                    "pending", "lag", "groupEntriesRead", "lastEventTime", "lastError",
                ] {
                    source[field] = nil
                }
                sources[name] = .object(source)
            }
            object["sources"] = .object(sources)
        }
        return .object(object)
    }
}
