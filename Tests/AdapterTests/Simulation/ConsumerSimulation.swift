import EventSourceAPI
import Foundation
import Sinks
@testable import Adapter

/// Drives the consumer's pure core (`ConsumerStateMachine` with its `DeliveryDecisions`) the way
/// `AdapterWorker` does, against `SimulatedRedis` and `SimulatedSink`, with every fault drawn
/// from one seed, and checks the invariants after every step. A failure names the seed and the
/// last steps; `ConsumerSimulation(seed:).run()` replays it exactly.
struct ConsumerSimulation {
    typealias Ref = SimulatedRedis.Ref

    struct Failure: Error, CustomStringConvertible {
        var seed: UInt64
        var step: Int
        var message: String
        var trace: [String]
        var description: String {
            "seed \(seed) failed at step \(step): \(message)\nreplay: ConsumerSimulation(seed: \(seed)).run()\nlast steps:\n"
                + trace.joined(separator: "\n")
        }
    }

    let seed: UInt64
    private var random: SimulationRandom
    private var redis: SimulatedRedis
    private var sink: SimulatedSink
    private let clock = TestClock()
    private var machine: ConsumerStateMachine
    private let streams = ["A", "B"]
    private let batchSize: Int
    private let maxDeliveries: Int?
    /// The last steps, formatted only when a failure shows them (formatting every step costs more
    /// than the simulation itself).
    private var trace: [(step: Int, action: ConsumerStateMachine.Action?, text: String)] = []
    private var step = 0
    /// Entries whose XACK may have been lost after the sink took them: only these may come twice.
    private var mayDuplicate: Set<Ref> = []
    /// Whether any poison entry or a refusing sink was ever seen: order is only promised without.
    private var orderMayBreak = false
    /// A lost XACK broke the connection; the next step that uses it fails.
    private var connectionBroken = false

    init(seed: UInt64, ackRule: DeliveryDecisions.AckRule = .deliveredOnly) {
        self.seed = seed
        var random = SimulationRandom(seed: seed)
        let keepsOrder = random.chance(0.3)
        batchSize = 1 + random.below(8)
        maxDeliveries = random.chance(0.5) ? 1 + random.below(4) : nil
        self.random = random
        redis = SimulatedRedis(streams: streams)
        sink = SimulatedSink(keepsOrder: keepsOrder)
        let exact = Backoff(initial: .milliseconds(100), maximum: .seconds(30), jitter: 0)
        let retries = DeliveryRetrySchedule(
            backoff: Backoff(initial: .milliseconds(10), maximum: .seconds(30), factor: 1.5, jitter: 0),
            refused: Backoff(initial: .milliseconds(200), maximum: .seconds(30), jitter: 0))
        let clock = clock
        machine = ConsumerStateMachine(
            streams: streams, blockTime: .seconds(2), startFrom: .beginning, reconnectBackoff: exact, deliveryBackoff: exact,
            reclaimInterval: .seconds(15),
            delivery: DeliveryDecisions(keepsOrder: keepsOrder, maxDeliveries: maxDeliveries, retries: retries, ackRule: ackRule),
            now: { clock.now })
    }

    /// A faulty stretch, then a healed one in which everything not poison must arrive.
    mutating func run(faultySteps: Int = 250, healingSteps: Int = 500) throws(Failure) {
        var action = machine.start()
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
            action = try perform(action, faults: true)
            step += 1
        }
        sink.mode = .healthy
        note("healing: sink healthy, no more faults")
        let deadline = step + healingSteps
        // Checked every few steps: the check walks every entry written.
        while step < deadline, step % 16 != 0 || !allArrived {
            action = try perform(action, faults: false)
            step += 1
        }
        guard allArrived else {
            let missing = redis.allWritten.filter { !arrived($0) }.prefix(10)
            throw failure("stalled: after healing, not delivered: \(missing.map(\.description).joined(separator: ", "))")
        }
    }

    /// What a run came to, to compare two runs of one seed.
    var fingerprint: String {
        "\(step) \(sink.accepted.map(\.description)) \(redis.deadLetters.sorted().map(\.description)) \(redis.nextID) \(machine.phase)"
    }

    private var allArrived: Bool { redis.allWritten.allSatisfy(arrived) }

    /// Taken by the sink, dead-lettered, gone by an outside hand, or poison kept pending (no dead-letter stream).
    private func arrived(_ ref: Ref) -> Bool {
        sink.acceptedSet.contains(ref) || redis.deadLetters.contains(ref) || redis.droppedByFault.contains(ref)
            || (sink.poison.contains(ref) && redis.isPending(ref))
    }

    private mutating func injectFaults() {
        if random.chance(0.5) {
            for _ in 0..<(1 + random.below(4)) {
                let stream = streams[random.below(streams.count)]
                redis.produce(into: stream)
                if random.chance(0.03) {
                    sink.poison.insert(Ref(stream: stream, id: redis.nextID - 1))
                    orderMayBreak = true
                }
            }
        }
        if random.chance(0.01) {
            let stream = streams[random.below(streams.count)]
            note("fault: group on \(stream) destroyed")
            redis.destroyGroup(stream)
            orderMayBreak = true
        }
        if random.chance(0.004) {
            let stream = streams[random.below(streams.count)]
            note("fault: stream \(stream) deleted")
            redis.deleteStream(stream)
            orderMayBreak = true
        }
        if random.chance(0.01) {
            let stream = streams[random.below(streams.count)]
            note("fault: a pending entry of \(stream) trimmed")
            redis.trimPending(stream, pick: random.below(1000))
        }
    }

    private mutating func perform(_ action: ConsumerStateMachine.Action, faults: Bool) throws(Failure) -> ConsumerStateMachine.Action {
        noteStep(action)
        // Each step takes a little time, so per-entry retries come due while entries keep coming.
        clock.advance(by: .milliseconds(1))
        var lose = faults && random.chance(0.02)
        if connectionBroken {
            switch action {
            case .connect: connectionBroken = false
            case .prepareGroups, .read, .reclaim:
                connectionBroken = false
                lose = true
            case .sleep, .fail: break
            }
        }
        switch action {
        case .connect:
            if lose { return machine.redisFailed(.connectionLost("refused")) }
            return machine.connected()
        case .prepareGroups(let startIDs):
            if lose { return machine.redisFailed(.connectionLost("reset")) }
            var outcomes: [String: ConsumerStateMachine.GroupSetup] = [:]
            for (stream, start) in startIDs { outcomes[stream] = redis.createGroup(on: stream, at: start) }
            return machine.groupsPrepared(outcomes)
        case .reclaim:
            if lose { return machine.redisFailed(.connectionLost("reset")) }
            return machine.reclaimFinished(claimed: 0)
        case .sleep(let duration):
            clock.advance(by: duration)
            return machine.sleepFinished()
        case .fail(let reason):
            throw failure("the core gave up: \(reason)")
        case .read(let mode, let block):
            if lose { return machine.redisFailed(.connectionLost("reset")) }
            return try read(mode, block: block, faults: faults)
        }
    }

    private mutating func read(
        _ mode: ConsumerStateMachine.ReadMode, block: Duration?, faults: Bool
    ) throws(Failure) -> ConsumerStateMachine.Action {
        var read: [(ref: Ref, trimmed: Bool)] = []
        var lastIDs: [String: String] = [:]
        switch mode {
        case .new:
            for stream in machine.readyStreams {
                guard let entries = redis.readNew(stream, count: batchSize) else {
                    return machine.redisFailed(.server(code: "NOGROUP", message: "NOGROUP no such group"))
                }
                read += entries.map { (Ref(stream: stream, id: $0.id), $0.trimmed) }
            }
            // A blocked read waits for the next write: soon while producers write, the whole BLOCK after.
            if read.isEmpty, let block { clock.advance(by: faults ? min(block, .milliseconds(50)) : block) }
        case .pending(let cursors):
            for stream in streams where cursors[stream] != nil {
                let after = Int(cursors[stream]!.split(separator: "-")[0]) ?? 0
                guard let entries = redis.readPending(stream, after: after, count: batchSize) else {
                    return machine.redisFailed(.server(code: "NOGROUP", message: "NOGROUP no such group"))
                }
                read += entries.map { (Ref(stream: stream, id: $0.id), $0.trimmed) }
            }
        }
        for (ref, _) in read { lastIDs[ref.stream] = "\(ref.id)-0" }
        let now = clock.now
        var toAck: [Ref] = []
        var retryIn: Duration?
        var offered: [Ref] = []
        var untried: [Ref] = []
        for (ref, trimmed) in read {
            let entry = DeliveryDecisions.EntryRef(stream: ref.stream, id: "\(ref.id)-0")
            switch machine.delivery.offer(entry, trimmed: trimmed, replayed: mode != .new, now: now) {
            case .acknowledgeTrimmed: toAck.append(ref)
            case .wait(let wait):
                untried.append(ref)
                retryIn = min(retryIn ?? wait, wait)
            case .deadLetter(let deliveries, _):
                untried.append(ref)
                if let wait = try writeDeadLetter(ref, deliveries: deliveries, faults: faults) {
                    retryIn = min(retryIn ?? wait, wait)
                } else {
                    toAck.append(ref)
                }
            case .offer: offered.append(ref)
            }
        }
        let outcomes = sink.submit(offered, random: &random)
        if Self.detailed { note("  read \(read.map { "\($0.ref)\($0.trimmed ? " (trimmed)" : "")" }) offered \(offered) -> \(outcomes.map { $0.map { "\($0)".prefix(12) } ?? "untried" })") }
        let settlement = machine.delivery.settle(
            offered.map { (DeliveryDecisions.EntryRef(stream: $0.stream, id: "\($0.id)-0"), redis.deliveryCount($0)) },
            outcomes: outcomes, now: clock.now)
        for (ref, verdict) in zip(offered, settlement.verdicts) {
            switch verdict {
            case .acknowledge: toAck.append(ref)
            case .deadLetter(let deliveries, _):
                if let wait = try writeDeadLetter(ref, deliveries: deliveries, faults: faults) {
                    retryIn = min(retryIn ?? wait, wait)
                } else {
                    toAck.append(ref)
                }
            case .pending: break
            }
        }
        for (ref, outcome) in zip(offered, outcomes) where outcome == nil { untried.append(ref) }
        if maxDeliveries != nil { for ref in untried { redis.uncount(ref) } }
        try checkAcknowledgements(toAck)
        try checkSinkFailingIsKnown(settlement)
        // The XACKs go out; one in fifty is lost with the connection before Redis has it.
        if faults, !toAck.isEmpty, random.chance(0.02) {
            mayDuplicate.formUnion(toAck.filter { sink.acceptedSet.contains($0) })
            note("fault: XACK lost with the connection")
            // The executor finds out when it next needs the connection.
            connectionBroken = true
            return machine.batchFinished(mode, result(settlement, read.count, lastIDs, retryIn))
        }
        var highest: [String: StreamID] = [:]
        for ref in toAck where redis.acknowledge(ref) {
            let id = StreamID("\(ref.id)-0")!
            highest[ref.stream] = max(highest[ref.stream] ?? id, id)
        }
        machine.acknowledged(highest)
        let next = machine.batchFinished(mode, result(settlement, read.count, lastIDs, retryIn))
        try checkDuplicatesOrderAndPhase()
        return next
    }

    /// What the executor reports, as `AdapterWorker.deliver` builds it.
    private func result(
        _ settlement: DeliveryDecisions.Settlement, _ count: Int, _ lastIDs: [String: String], _ waits: Duration?
    ) -> ConsumerStateMachine.BatchResult {
        let retryIn = [waits, settlement.retryIn].compactMap { $0 }.min()
        return ConsumerStateMachine.BatchResult(
            entryCount: lastIDs.isEmpty ? 0 : count, lastIDs: lastIDs, sinkFailed: settlement.sinkFailed,
            entriesLeftPending: retryIn != nil && !settlement.sinkFailed, retryAfter: nil,
            delivered: settlement.delivered, retryIn: retryIn, probeNew: settlement.probeNew)
    }

    /// A dead-letter XADD; Redis refuses one in five under fault (out of memory). Nil when
    /// written, else how long the entry stays pending.
    private mutating func writeDeadLetter(_ ref: Ref, deliveries: Int, faults: Bool) throws(Failure) -> Duration? {
        let entry = DeliveryDecisions.EntryRef(stream: ref.stream, id: "\(ref.id)-0")
        if let maxDeliveries, deliveries < maxDeliveries {
            throw failure("\(ref) dead-lettered after \(deliveries) deliveries, below maxDeliveries \(maxDeliveries)")
        }
        guard sink.acceptedSet.contains(where: { $0 != ref }) else {
            throw failure("\(ref) dead-lettered although the sink never took another entry")
        }
        if faults, random.chance(0.2) {
            note("fault: dead-letter XADD refused (OOM)")
            return machine.delivery.deadLetterFailed(entry, deliveries: deliveries, lastError: "x", now: clock.now)
        }
        machine.delivery.deadLettered(entry)
        redis.deadLetters.insert(ref)
        return nil
    }

    // MARK: invariants

    /// No entry is acknowledged before the sink took it (or it was trimmed, or dead-lettered).
    private func checkAcknowledgements(_ refs: [Ref]) throws(Failure) {
        for ref in refs where !sink.acceptedSet.contains(ref) && !redis.deadLetters.contains(ref) && !redis.droppedByFault.contains(ref) {
            throw failure("\(ref) acknowledged, but the sink never took it")
        }
    }

    /// A sink that never took anything and fails everything is failing after one batch.
    private func checkSinkFailingIsKnown(_ settlement: DeliveryDecisions.Settlement) throws(Failure) {
        if sink.accepted.isEmpty, settlement.failures > 0, !machine.delivery.sinkFailing {
            throw failure("every attempt failed and the sink never took an event, but the core calls it healthy")
        }
    }

    /// Duplicates only after a lost XACK; first acceptances in order per stream for an ordered
    /// sink; a failing sink shows in the phase.
    private func checkDuplicatesOrderAndPhase() throws(Failure) {
        if let ref = sink.duplicates.first(where: { !mayDuplicate.contains($0) }) {
            throw failure("\(ref) delivered twice without a lost acknowledgement")
        }
        if sink.keepsOrder, !orderMayBreak, let (ref, previous) = sink.outOfOrder {
            throw failure("order broken on \(ref.stream): \(ref.id) taken after \(previous)")
        }
        if machine.delivery.sinkFailing, machine.phase != .retrying {
            throw failure("the sink is failing but the phase says \(machine.phase)")
        }
    }

    /// How many steps a failure shows (`SIMULATION_TRACE`, 40 by default).
    static let traceLength = ProcessInfo.processInfo.environment["SIMULATION_TRACE"].flatMap(Int.init) ?? 40

    /// Replaying one seed (`SIMULATION_SEED`) traces every read and outcome as well.
    static let detailed = ProcessInfo.processInfo.environment["SIMULATION_SEED"] != nil

    private mutating func note(_ line: String) {
        trace.append((step, nil, line))
        if trace.count > Self.traceLength * 2 { trace.removeFirst(trace.count - Self.traceLength) }
    }

    private mutating func noteStep(_ action: ConsumerStateMachine.Action) {
        trace.append((step, action, ""))
        if trace.count > Self.traceLength * 2 { trace.removeFirst(trace.count - Self.traceLength) }
    }

    private func failure(_ message: String) -> Failure {
        Failure(
            seed: seed, step: step, message: message,
            trace: trace.suffix(Self.traceLength).map { line in "[\(line.step)] " + (line.action.map { "\($0)" } ?? line.text) })
    }
}
