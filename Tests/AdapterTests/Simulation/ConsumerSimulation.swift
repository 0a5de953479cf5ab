import AdapterModel
import EventSourceAPI
import Foundation
import Sinks
@testable import Adapter

/// Runs the consumer's pure core (`ConsumerCore`) as `AdapterWorker` does, performing each
/// action against `SimulatedRedis` and `SimulatedSink` with every fault drawn from one seed:
/// lost connections (a lost XACK among them), NOGROUP, deleted and re-created streams, trimmed
/// entries, other consumers' abandoned entries (reclaim), refused dead-letter writes, sinks that
/// fail, hang, refuse everything and come back, stops and crashes (each followed by a restart).
/// The invariants are checked after every step. A failure names the seed and the last steps;
/// `ConsumerSimulation(seed:).run()` replays it exactly.
struct ConsumerSimulation {
    typealias Ref = SimulatedRedis.Ref

    struct Failure: Error, CustomStringConvertible {
        var seed: UInt64
        var step: Int
        var message: String
        var trace: [String]
        var description: String {
            "seed \(seed) failed at step \(step): \(message)\nreplay: SIMULATION_SEED=\(seed) (ConsumerSimulation(seed: \(seed)).run())\nlast steps:\n"
                + trace.joined(separator: "\n")
        }
    }

    let seed: UInt64
    private var random: SimulationRandom
    private var redis: SimulatedRedis
    private var sink: SimulatedSink
    private let clock = TestClock()
    private let configuration: ConsumerCore.Configuration
    private var core: ConsumerCore
    private let streams = ["A", "B"]
    private let batchSize: Int
    private let maxDeliveries: Int?
    private let trace = SimulationTrace()
    private var step = 0
    /// Entries whose XACK may have been lost after the sink took them (a lost connection, a
    /// crash): only these may come twice.
    private var mayDuplicate: Set<Ref> = []
    /// Whether any poison entry, refusing sink or lost group was seen: order is only promised without.
    private var orderMayBreak = false
    /// The connection broke (a lost XACK); the next command on it fails.
    private var connectionBroken = false
    /// Entries the filter drops.
    private var filteredOut: Set<Ref> = []
    /// XACKs written but not yet on the wire: they go out with the next command.
    private var unflushedAcks: [Ref] = []
    /// The read-ahead's reply, read when it was sent: its entries are this consumer's from then on.
    private var readAhead: Result<[ConsumerCore.ReadEntry], RedisError>?
    /// The stop asked for, and at which step the core was told.
    private var stopAsked = false
    private var stopToldAt: Int?
    private var deliveriesSinceStop = 0
    /// What the reports added up to, to hold against the model.
    private var reportedForwarded = 0
    private var reportedDeadLettered = 0
    private var deadLetterWrites = 0
    /// Duplicates already held against `mayDuplicate`.
    private var checkedDuplicates = 0
    private var reportedPhase: AdapterPhase?
    private var restarts = 0
    /// What the sink took before the running core started: it knows nothing of those, so when a
    /// group is lost as well, nothing remembers them and they may come again.
    private var acceptedBeforeStart: Set<Ref> = []

    init(seed: UInt64, ackRule: DeliveryDecisions.AckRule = .deliveredOnly, mutation: ConsumerCore.Mutation? = nil) {
        self.seed = seed
        var random = SimulationRandom(seed: seed)
        let keepsOrder = random.chance(0.3)
        batchSize = 1 + random.below(8)
        maxDeliveries = random.chance(0.5) ? 1 + random.below(4) : nil
        redis = SimulatedRedis(streams: streams)
        sink = SimulatedSink(keepsOrder: keepsOrder)
        let exact = Backoff(initial: .milliseconds(100), maximum: .seconds(30), jitter: 0)
        var configuration = ConsumerCore.Configuration(streams: streams)
        configuration.blockTime = .seconds(2)
        configuration.idleBlock = .seconds(600)
        configuration.startFrom = .beginning
        configuration.reconnectBackoff = exact
        configuration.deliveryBackoff = exact
        // Short enough that abandoned entries are reclaimed within the healing stretch.
        configuration.reclaimInterval = .milliseconds(500 + 500 * random.below(8))
        configuration.statsInterval = .seconds(5)
        configuration.keepsOrder = keepsOrder
        configuration.maxDeliveries = maxDeliveries
        configuration.retries = DeliveryRetrySchedule(
            backoff: Backoff(initial: .milliseconds(10), maximum: .seconds(30), factor: 1.5, jitter: 0),
            refused: Backoff(initial: .milliseconds(200), maximum: .seconds(30), jitter: 0))
        configuration.ackRule = ackRule
        configuration.mutation = mutation
        self.random = random
        self.configuration = configuration
        core = ConsumerCore(configuration)
    }

    /// A faulty stretch, then a healed one in which everything not poison must arrive.
    mutating func run(faultySteps: Int = 250, healingSteps: Int = 500) throws(Failure) {
        var actions = feed(.start)
        var phaseLeft = 0
        while step < faultySteps {
            if phaseLeft == 0 {
                sink.mode = SimulatedSink.Mode.allCases[random.below(SimulatedSink.Mode.allCases.count)]
                if random.chance(0.4) { sink.mode = .healthy }
                if sink.mode == .refusingAll { orderMayBreak = true }
                phaseLeft = 20 + random.below(60)
                note("sink is now \(sink.mode)")
            }
            phaseLeft -= 1
            injectFaults()
            if random.chance(0.004) {
                actions = try crash(discarding: actions)
            } else {
                if !stopAsked, random.chance(0.008) {
                    note("fault: a stop is asked for")
                    stopAsked = true
                }
                actions = try perform(actions, faults: true)
            }
            step += 1
        }
        sink.mode = .healthy
        note("healing: sink healthy, no more faults")
        // A backlog read a batch at a time takes two steps a batch (read, deliver) beyond that.
        let backlog = redis.allWritten.count { !arrived($0) }
        let deadline = step + healingSteps + 2 * backlog / batchSize
        // Checked every few steps: the check walks every entry written.
        while step < deadline, step % 16 != 0 || !allArrived {
            actions = try perform(actions, faults: false)
            step += 1
        }
        guard allArrived else {
            let missing = redis.allWritten.filter { !arrived($0) }.prefix(10)
            throw failure("stalled: after healing, not delivered: \(missing.map(\.description).joined(separator: ", "))")
        }
    }

    /// What a run came to, to compare two runs of one seed.
    var fingerprint: String {
        "\(step) \(sink.accepted.map(\.description)) \(redis.deadLetters.sorted().map(\.description)) \(redis.nextID) \(core.phase) \(restarts)"
    }

    private var allArrived: Bool { redis.allWritten.allSatisfy(arrived) }

    /// Taken by the sink, dropped by the filter, dead-lettered, gone by an outside hand, or
    /// poison kept pending (no dead-letter stream).
    private func arrived(_ ref: Ref) -> Bool {
        sink.acceptedSet.contains(ref) || filteredOut.contains(ref) || redis.deadLetters.contains(ref)
            || redis.droppedByFault.contains(ref) || (sink.poison.contains(ref) && redis.isPending(ref))
    }

    /// A destroyed group or deleted stream: what the sink took and no XACK confirmed yet has no
    /// pending list to be acknowledged in, so it may come again, and order may break.
    private mutating func pendingListLost(on stream: String) {
        mayDuplicate.formUnion(acceptedBeforeStart.filter { $0.stream == stream })
        mayDuplicate.formUnion(sink.acceptedSet.union(redis.deadLetters).filter { $0.stream == stream && !redis.acknowledged.contains($0) })
        orderMayBreak = true
    }

    private mutating func injectFaults() {
        if random.chance(0.5) {
            for _ in 0..<(1 + random.below(4)) {
                let stream = streams[random.below(streams.count)]
                redis.produce(into: stream)
                let ref = Ref(stream: stream, id: redis.nextID - 1)
                if random.chance(0.03) {
                    sink.poison.insert(ref)
                    orderMayBreak = true
                } else if random.chance(0.03) {
                    filteredOut.insert(ref)
                }
            }
        }
        if random.chance(0.01) {
            let stream = streams[random.below(streams.count)]
            note("fault: group on \(stream) destroyed")
            redis.destroyGroup(stream)
            pendingListLost(on: stream)
        }
        if random.chance(0.004) {
            let stream = streams[random.below(streams.count)]
            note("fault: stream \(stream) deleted (producers re-create it)")
            redis.deleteStream(stream)
            pendingListLost(on: stream)
        }
        if random.chance(0.01) {
            let stream = streams[random.below(streams.count)]
            note("fault: a pending entry of \(stream) trimmed")
            redis.trimPending(stream, pick: random.below(1000))
        }
        if random.chance(0.01) {
            let stream = streams[random.below(streams.count)]
            let count = redis.abandonNew(stream, count: 1 + random.below(3))
            if count > 0 {
                note("fault: another consumer read \(count) entries of \(stream) and died")
                orderMayBreak = true
            }
        }
    }

    /// The process dies: nothing in flight is finished, XACKs not yet written are lost, what
    /// Redis assigned stays pending. A new core starts on the same consumer name.
    private mutating func crash(discarding actions: [ConsumerAction]) throws(Failure) -> [ConsumerAction] {
        note("fault: crash, then a restart")
        // The status was written before the crash; the rest of the step is lost.
        for case .report(let event) in actions { record(event) }
        try loseBatchInFlight()
        return restart()
    }

    /// A batch cut short (a crash, a connection lost before its XACK was written): whatever the
    /// sink or the dead-letter stream took and Redis still holds pending comes again.
    private mutating func loseBatchInFlight() throws(Failure) {
        let inFlight = sink.acceptedSet.union(redis.deadLetters).filter { redis.isPending($0) && !mayDuplicate.contains($0) }
        try checkWindow(Array(inFlight))
        mayDuplicate.formUnion(inFlight)
    }

    private mutating func restart() -> [ConsumerAction] {
        restarts += 1
        acceptedBeforeStart = sink.acceptedSet.union(redis.deadLetters)
        // A group already lost: the new process re-creates it knowing nothing of what went before.
        for stream in streams where redis.streams[stream]?.group == nil {
            mayDuplicate.formUnion(acceptedBeforeStart.filter { $0.stream == stream })
        }
        unflushedAcks = []
        readAhead = nil
        connectionBroken = false
        stopAsked = false
        stopToldAt = nil
        deliveriesSinceStop = 0
        core = ConsumerCore(configuration)
        return feed(.start)
    }

    private mutating func feed(_ input: ConsumerInput) -> [ConsumerAction] {
        if Self.detailed { note("<- \(input)") }
        return core.receive(input, at: clock.now)
    }

    /// Runs one step's actions as the worker does; returns the next step's actions.
    private mutating func perform(_ step: [ConsumerAction], faults: Bool) throws(Failure) -> [ConsumerAction] {
        // Each step takes a little time, so per-entry retries come due while entries keep coming
        // (and, once healed, reclaims come due while poison entries are replayed).
        clock.advance(by: faults ? .milliseconds(1) : .milliseconds(10))
        var actions = step[...]
        while let action = actions.popFirst() {
            if actions.isEmpty, !action.ends, stopAsked, stopToldAt == nil {
                stopToldAt = self.step
                let reply = feed(.stopRequested)
                if !reply.isEmpty {
                    actions = reply[...]
                    continue
                }
            }
            // Everything the step reported is in; its last action has not run yet.
            if actions.isEmpty { try checkStatus() }
            note("-> \(action)")
            let answer = try execute(action, faults: faults)
            if let stopped = stopToldAt, self.step - stopped > 40 + 4 * batchSize {
                throw failure("a stop asked for at step \(stopped) has not ended the adapter")
            }
            switch answer {
            case .none:
                if action.ends {
                    if case .fail(let reason) = action { throw failure("the core gave up: \(reason)") }
                    return restart()
                }
            case .input(let input):
                precondition(actions.isEmpty, "\(action) answered before the step's last action")
                return feed(input)
            case .failed(let error):
                return feed(.redisFailed(error))
            }
        }
        throw failure("a step ended without an action to answer: \(step)")
    }

    private enum Answer {
        case none
        case input(ConsumerInput)
        case failed(RedisError)
    }

    private mutating func execute(_ action: ConsumerAction, faults: Bool) throws(Failure) -> Answer {
        switch action {
        case .connect:
            try loseUnflushedAcks()
            readAhead = nil
            connectionBroken = false
            if faults, random.chance(0.02) { return .failed(.connectFailed("refused")) }
            return .input(.connected(stopCanUnblockReads: random.chance(0.5)))
        case .disconnect:
            try loseUnflushedAcks()
            readAhead = nil
            return .none
        case .send(let command):
            return try send(command, faults: faults)
        case .deliver(let refs):
            if stopToldAt != nil {
                deliveriesSinceStop += 1
                // The batch in flight and the one read ahead behind it, nothing more.
                if deliveriesSinceStop > 2 { throw failure("a batch delivered after a stop beyond the two in flight") }
            }
            return .input(.sinkAnswered(deliver(refs)))
        case .ack(let ids):
            let refs = ids.flatMap { stream, ids in ids.map { Ref(stream: stream, id: Self.number($0)) } }
            try checkAcknowledgements(refs)
            unflushedAcks += refs
            return .none
        case .schedule(let duration):
            if stopToldAt != nil { throw failure("a wait of \(duration) after the stop was told") }
            clock.advance(by: duration)
            return .input(.timerFired)
        case .report(let event):
            record(event)
            return .none
        case .fail:
            return .none
        case .finish:
            // The worker confirms the XACKs written before it closes the connection.
            flushAcks(faults: false)
            note("stopped; restarting")
            return .none
        }
    }

    private mutating func send(_ command: ConsumerCommand, faults: Bool) throws(Failure) -> Answer {
        switch command {
        case .readAhead(let streams):
            // Written now; what Redis assigns is read when collected.
            readAhead = readNew(streams).map { .success($0) } ?? .failure(Self.noGroup)
            return .none
        case .uncount(let entries):
            guard !connectionBroken else { return .failed(.connectionLost("reset")) }
            for entry in entries { redis.uncount(Ref(stream: entry.ref.stream, id: Self.number(entry.ref.id))) }
            return .none
        case .refreshStats:
            return connectionBroken ? .failed(.connectionLost("reset")) : .none
        default:
            break
        }
        // Everything written before goes out with this command; one in fifty is lost with the connection.
        if connectionBroken || (faults && random.chance(0.02)) {
            note("fault: connection lost")
            connectionBroken = false
            try loseUnflushedAcks()
            try loseBatchInFlight()
            return .failed(.connectionLost("reset"))
        }
        if let highest = flushAcks(faults: faults) {
            let none = core.receive(.acknowledged(highest), at: clock.now)
            if !none.isEmpty { throw failure("acknowledged() asked for \(none)") }
        }
        switch command {
        case .createGroups(let startIDs):
            var outcomes: [String: ConsumerCore.GroupSetup] = [:]
            for (stream, start) in startIDs { outcomes[stream] = redis.createGroup(on: stream, at: start) }
            return .input(.groupsPrepared(outcomes))
        case .read(let mode, let streams, let block, let countDeliveries):
            var entries: [ConsumerCore.ReadEntry] = []
            switch mode {
            case .new:
                guard let read = readNew(streams) else { return .failed(Self.noGroup) }
                entries = read
                // A blocked read waits for the next write: soon while producers write, the whole BLOCK after.
                if entries.isEmpty, let block { clock.advance(by: faults ? min(block, .milliseconds(50)) : min(block, .seconds(2))) }
            case .pending(let cursors):
                for stream in streams {
                    let after = Self.number(cursors[stream] ?? "0")
                    guard let read = redis.readPending(stream, after: after, count: batchSize) else { return .failed(Self.noGroup) }
                    entries += read.map {
                        let ref = Ref(stream: stream, id: $0.id)
                        return ConsumerCore.ReadEntry(
                            ref: Self.entryRef(ref), trimmed: $0.trimmed, deliveries: countDeliveries ? redis.deliveryCount(ref) : 1)
                    }
                }
            }
            return .input(.entriesRead(entries))
        case .collectReadAhead:
            let collected = readAhead ?? .success([])
            readAhead = nil
            switch collected {
            case .success(let entries): return .input(.entriesRead(entries))
            case .failure(let error): return .failed(error)
            }
        case .deadLetter(let entry, let deliveries, _):
            let ref = Ref(stream: entry.stream, id: Self.number(entry.id))
            if let maxDeliveries, deliveries < maxDeliveries {
                throw failure("\(ref) dead-lettered after \(deliveries) deliveries, below maxDeliveries \(maxDeliveries)")
            }
            guard sink.acceptedSet.contains(where: { $0 != ref }) else {
                throw failure("\(ref) dead-lettered although the sink never took another entry")
            }
            if faults, random.chance(0.2) {
                note("fault: dead-letter XADD refused (OOM)")
                return .input(.deadLetterWritten(refusal: "OOM command not allowed when used memory > 'maxmemory'"))
            }
            if redis.deadLetters.contains(ref), !mayDuplicate.contains(ref) {
                throw failure("\(ref) dead-lettered twice without a lost acknowledgement")
            }
            redis.deadLetters.insert(ref)
            deadLetterWrites += 1
            return .input(.deadLetterWritten(refusal: nil))
        case .reclaim(let streams):
            var claimed: [String: Int] = [:]
            for stream in streams {
                guard let count = redis.claimAbandoned(stream) else { return .failed(Self.noGroup) }
                if count > 0 { claimed[stream] = count }
            }
            return .input(.reclaimed(claimed))
        case .readAhead, .uncount, .refreshStats:
            preconditionFailure("handled above")
        }
    }

    private mutating func readNew(_ streams: [String]) -> [ConsumerCore.ReadEntry]? {
        var entries: [ConsumerCore.ReadEntry] = []
        for stream in streams {
            guard let read = redis.readNew(stream, count: batchSize) else { return nil }
            entries += read.map { ConsumerCore.ReadEntry(ref: Self.entryRef(Ref(stream: stream, id: $0.id)), trimmed: $0.trimmed) }
        }
        return entries
    }

    private mutating func deliver(_ refs: [DeliveryDecisions.EntryRef]) -> [ConsumerCore.DeliveryResult] {
        let models = refs.map { Ref(stream: $0.stream, id: Self.number($0.id)) }
        let passing = models.filter { !filteredOut.contains($0) }
        var outcomes = sink.submit(passing, random: &random)[...]
        return models.map { ref in
            if filteredOut.contains(ref) { return .filtered }
            return outcomes.popFirst()!.map { .answered($0) } ?? .untried
        }
    }

    /// Applies the XACKs written so far, as Redis does when they arrive; the highest per stream.
    @discardableResult
    private mutating func flushAcks(faults: Bool) -> [String: StreamID]? {
        guard !unflushedAcks.isEmpty else { return nil }
        var highest: [String: StreamID] = [:]
        for ref in unflushedAcks {
            guard redis.acknowledge(ref) else {
                // The group went (destroyed, or its stream deleted) before the XACK arrived: a lost ack.
                if sink.acceptedSet.contains(ref) || redis.deadLetters.contains(ref) { mayDuplicate.insert(ref) }
                continue
            }
            let id = StreamID("\(ref.id)-0")!
            highest[ref.stream] = max(highest[ref.stream] ?? id, id)
        }
        unflushedAcks = []
        return highest
    }

    private mutating func loseUnflushedAcks() throws(Failure) {
        guard !unflushedAcks.isEmpty else { return }
        note("fault: \(unflushedAcks.count) XACKs lost with the connection")
        try checkWindow(unflushedAcks)
        mayDuplicate.formUnion(unflushedAcks.filter { sink.acceptedSet.contains($0) || redis.deadLetters.contains($0) })
        unflushedAcks = []
    }

    private mutating func record(_ event: AdapterEvent) {
        switch event {
        case .phaseChanged(let phase, _): reportedPhase = phase
        case .forwarded(let count, _, _): reportedForwarded += count
        case .deadLettered: reportedDeadLettered += 1
        default: break
        }
    }

    // MARK: invariants

    /// No entry is acknowledged before the sink took it (or the filter dropped it, it was
    /// trimmed, or it went to the dead-letter stream).
    private func checkAcknowledgements(_ refs: [Ref]) throws(Failure) {
        for ref in refs
        where !sink.acceptedSet.contains(ref) && !filteredOut.contains(ref) && !redis.deadLetters.contains(ref)
            && !redis.droppedByFault.contains(ref)
        {
            throw failure("\(ref) acknowledged, but the sink never took it")
        }
    }

    /// A lost XACK or a crash may repeat no more than what was in flight: a batch and the one read ahead.
    private func checkWindow(_ lost: [Ref]) throws(Failure) {
        if lost.count > 2 * batchSize * streams.count {
            throw failure("\(lost.count) acknowledgements in flight, beyond the window of \(2 * batchSize * streams.count)")
        }
    }

    /// Duplicates only after a lost XACK; first acceptances in order per stream for an ordered
    /// sink; the status (the reports folded up) agrees with the model; a failing sink shows in the phase.
    private mutating func checkStatus() throws(Failure) {
        while checkedDuplicates < sink.duplicates.count {
            let ref = sink.duplicates[checkedDuplicates]
            guard mayDuplicate.contains(ref) else { throw failure("\(ref) delivered twice without a lost acknowledgement") }
            checkedDuplicates += 1
        }
        if sink.keepsOrder, !orderMayBreak, let (ref, previous) = sink.outOfOrder {
            throw failure("order broken on \(ref.stream): \(ref.id) taken after \(previous)")
        }
        if reportedForwarded != sink.accepted.count {
            throw failure("the status says \(reportedForwarded) forwarded, the sink took \(sink.accepted.count)")
        }
        if reportedDeadLettered != deadLetterWrites {
            throw failure("the status says \(reportedDeadLettered) dead-lettered, the stream got \(deadLetterWrites)")
        }
        if let reportedPhase, reportedPhase != core.phase, !core.isStopping {
            throw failure("the status says \(reportedPhase), the core \(core.phase)")
        }
        if core.sinkFailing, core.phase == .consuming || core.phase == .waitingForStreams, !core.isStopping {
            throw failure("the sink is failing but the phase says \(core.phase)")
        }
    }

    private static let noGroup = RedisError.server(code: "NOGROUP", message: "NOGROUP No such key or consumer group")

    private static func number(_ id: String) -> Int {
        var value = 0
        for byte in id.utf8 {
            guard byte != UInt8(ascii: "-") else { break }
            value = value * 10 + Int(byte &- UInt8(ascii: "0"))
        }
        return value
    }

    private static func entryRef(_ ref: Ref) -> DeliveryDecisions.EntryRef { .init(stream: ref.stream, id: "\(ref.id)-0") }

    /// How many steps a failure shows (`SIMULATION_TRACE`, 40 by default).
    static let traceLength = ProcessInfo.processInfo.environment["SIMULATION_TRACE"].flatMap(Int.init) ?? 40

    /// Replaying one seed (`SIMULATION_SEED`) traces every input as well.
    static let detailed = ProcessInfo.processInfo.environment["SIMULATION_SEED"] != nil

    private func note(_ line: @autoclosure () -> String) {
        guard Self.detailed || Self.keepsTrace else { return }
        trace.append(step: step, line(), keeping: Self.traceLength)
    }

    /// Formatting every action costs more than the simulation itself, so the trace is kept only
    /// when a failing seed is replayed (`SIMULATION_SEED`) or asked for (`SIMULATION_TRACE`).
    static let keepsTrace = ProcessInfo.processInfo.environment["SIMULATION_TRACE"] != nil

    private func failure(_ message: String) -> Failure {
        Failure(
            seed: seed, step: step, message: message,
            trace: trace.lines.suffix(Self.traceLength).map { "[\($0.step)] \($0.text)" })
    }
}

/// The last steps of one run, kept by reference so noting a step never contends with the
/// simulation's own mutation.
final class SimulationTrace {
    private(set) var lines: [(step: Int, text: String)] = []

    func append(step: Int, _ text: String, keeping length: Int) {
        lines.append((step, text))
        if lines.count > length * 2 { lines.removeFirst(lines.count - length) }
    }
}
