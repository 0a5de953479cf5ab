import AdapterModel
import EventSourceAPI
import Sinks
@testable import Adapter

/// One scripted run of the consumer's core against `SimulatedRedis`, with no random faults: the
/// sink answers each attempt as the test's script says, and the test reads what the sink took,
/// what Redis holds pending and what the core reported. For decisions that used to need a real
/// redis-server and a running adapter (order behind a failure, read-ahead, dead-letter counts,
/// stops): deterministic, without sleeps (the clock moves by hand, by every wait the core asks).
struct ScriptedConsumer {
    typealias Ref = SimulatedRedis.Ref

    /// What the sink answers to the attempt numbered `attempt` (from 1 over the sink's life) at `ref`.
    typealias Script = (_ attempt: Int, _ ref: Ref) -> DeliveryOutcome

    private(set) var redis: SimulatedRedis
    let clock = TestClock()
    private(set) var core: ConsumerCore
    private let configuration: ConsumerCore.Configuration
    private let batchSize: Int
    var script: Script
    /// The sink delivers in order: after a failure, the rest of its batch is not tried.
    let keepsOrder: Bool

    private(set) var attempts = 0
    /// What the sink took, in order.
    private(set) var accepted: [Ref] = []
    /// Every wait the core asked for, in order.
    private(set) var waits: [Duration] = []
    private(set) var reports: [AdapterEvent] = []
    /// Each dead-letter write, with the delivery count it carries.
    private(set) var deadLetters: [(ref: Ref, deliveries: Int)] = []
    /// The largest number of entries this consumer held pending at any time.
    private(set) var mostPending = 0
    /// How many read-aheads the core sent.
    private(set) var readAheads = 0
    /// How many `.deliver` actions ran.
    private(set) var batchesDelivered = 0
    /// A stop is told to the core while it waits for the sink's answer to this batch (from 1).
    var stopDuringBatch: Int?
    private(set) var finished = false
    private var readAhead: [ConsumerCore.ReadEntry]?
    /// The actions a run stopped at (its condition held), to go on with; nil before the core started.
    private var next: [ConsumerAction]?

    init(
        streams: [String] = ["A"], batchSize: Int, keepsOrder: Bool = true, maxDeliveries: Int? = nil,
        redis: SimulatedRedis? = nil, script: @escaping Script = { _, _ in .delivered }
    ) {
        var configuration = ConsumerCore.Configuration(streams: streams)
        let exact = Backoff(initial: .milliseconds(100), maximum: .seconds(30), jitter: 0)
        configuration.reconnectBackoff = exact
        configuration.deliveryBackoff = exact
        configuration.startFrom = .beginning
        configuration.keepsOrder = keepsOrder
        configuration.maxDeliveries = maxDeliveries
        configuration.retries = DeliveryRetrySchedule(
            backoff: Backoff(initial: .milliseconds(10), maximum: .seconds(30), factor: 1.5, jitter: 0),
            refused: Backoff(initial: .milliseconds(200), maximum: .seconds(30), jitter: 0))
        self.configuration = configuration
        self.redis = redis ?? SimulatedRedis(streams: streams)
        self.batchSize = batchSize
        self.keepsOrder = keepsOrder
        self.script = script
        core = ConsumerCore(configuration)
    }

    /// Writes `count` entries to `stream`; returns them in order.
    @discardableResult
    mutating func produce(_ count: Int, into stream: String = "A") -> [Ref] {
        (0..<count).map { _ in
            redis.produce(into: stream)
            return Ref(stream: stream, id: redis.nextID - 1)
        }
    }

    /// This consumer's pending entries, in id order.
    func pending(_ stream: String = "A") -> [Ref] {
        (redis.streams[stream]?.group?.pending.keys.sorted() ?? []).map { Ref(stream: stream, id: $0) }
    }

    var forwardedReported: Int { reports.reduce(0) { if case .forwarded(let count, _, _) = $1 { $0 + count } else { $0 } } }
    var failuresReported: Int { reports.count { if case .sinkFailed = $0 { true } else { false } } }

    /// Runs step by step until `done` holds (checked between steps), the core ends, or `steps` run out.
    /// Returns whether `done` held.
    @discardableResult
    mutating func run(steps: Int = 2_000, until done: (ScriptedConsumer) -> Bool = { _ in false }) -> Bool {
        precondition(!finished, "the core ended: restart() first")
        var actions = next ?? core.receive(.start, at: clock.now)
        defer { next = finished ? nil : actions }
        for _ in 0..<steps {
            if done(self) { return true }
            guard let following = perform(actions) else {
                finished = true
                return done(self)
            }
            actions = following
        }
        return done(self)
    }

    /// Runs one step's actions as the worker does; nil once the core ended.
    private mutating func perform(_ actions: [ConsumerAction]) -> [ConsumerAction]? {
        for action in actions {
            switch action {
            case .connect:
                readAhead = nil
                return core.receive(.connected(stopCanUnblockReads: false), at: clock.now)
            case .disconnect:
                readAhead = nil
            case .send(let command):
                if let input = send(command) { return core.receive(input, at: clock.now) }
            case .deliver(let refs):
                batchesDelivered += 1
                if batchesDelivered == stopDuringBatch {
                    precondition(core.receive(.stopRequested, at: clock.now).isEmpty, "a stop during delivery must let the batch finish")
                }
                return core.receive(.sinkAnswered(deliver(refs)), at: clock.now)
            case .ack(let ids):
                for (stream, ids) in ids { for id in ids { _ = redis.acknowledge(Ref(stream: stream, id: Self.number(id))) } }
            case .schedule(let duration):
                waits.append(duration)
                clock.advance(by: duration)
                return core.receive(.timerFired, at: clock.now)
            case .report(let event):
                reports.append(event)
            case .fail, .finish:
                return nil
            }
        }
        preconditionFailure("a step ended without an action to answer: \(actions)")
    }

    private mutating func send(_ command: ConsumerCommand) -> ConsumerInput? {
        defer { mostPending = max(mostPending, redis.streams.values.reduce(0) { $0 + ($1.group?.pending.count ?? 0) }) }
        switch command {
        case .createGroups(let startIDs):
            var outcomes: [String: ConsumerCore.GroupSetup] = [:]
            for (stream, start) in startIDs { outcomes[stream] = redis.createGroup(on: stream, at: start) }
            return .groupsPrepared(outcomes)
        case .read(.new, let streams, let block, _):
            let entries = readNew(streams)
            // A blocked read with nothing to read waits its whole BLOCK.
            if entries.isEmpty, let block { clock.advance(by: block) }
            return .entriesRead(entries)
        case .read(.pending(let cursors), let streams, _, let countDeliveries):
            var entries: [ConsumerCore.ReadEntry] = []
            for stream in streams {
                let read = redis.readPending(stream, after: Self.number(cursors[stream] ?? "0"), count: batchSize) ?? []
                entries += read.map {
                    let ref = Ref(stream: stream, id: $0.id)
                    return .init(ref: Self.entryRef(ref), trimmed: $0.trimmed, deliveries: countDeliveries ? redis.deliveryCount(ref) : 1)
                }
            }
            return .entriesRead(entries)
        case .readAhead(let streams):
            readAheads += 1
            readAhead = readNew(streams)
            return nil
        case .collectReadAhead:
            defer { readAhead = nil }
            return .entriesRead(readAhead ?? [])
        case .uncount(let entries):
            for entry in entries { redis.uncount(Ref(stream: entry.ref.stream, id: Self.number(entry.ref.id))) }
            return nil
        case .deadLetter(let entry, let deliveries, _):
            let ref = Ref(stream: entry.stream, id: Self.number(entry.id))
            deadLetters.append((ref, deliveries))
            redis.deadLetters.insert(ref)
            return .deadLetterWritten(refusal: nil)
        case .reclaim(let streams):
            var claimed: [String: Int] = [:]
            for stream in streams { claimed[stream] = redis.claimAbandoned(stream) ?? 0 }
            return .reclaimed(claimed.filter { $0.value > 0 })
        case .refreshStats:
            return nil
        }
    }

    private mutating func readNew(_ streams: [String]) -> [ConsumerCore.ReadEntry] {
        streams.flatMap { stream in
            (redis.readNew(stream, count: batchSize) ?? []).map {
                ConsumerCore.ReadEntry(ref: Self.entryRef(Ref(stream: stream, id: $0.id)), trimmed: $0.trimmed)
            }
        }
    }

    private mutating func deliver(_ refs: [DeliveryDecisions.EntryRef]) -> [ConsumerCore.DeliveryResult] {
        var failedBefore = false
        return refs.map { entry in
            if keepsOrder && failedBefore { return .untried }
            attempts += 1
            let ref = Ref(stream: entry.stream, id: Self.number(entry.id))
            let outcome = script(attempts, ref)
            if outcome == .delivered { accepted.append(ref) } else { failedBefore = true }
            return .answered(outcome)
        }
    }

    /// Restarts on the same consumer after the core ended (a stop): a new process, the same Redis.
    mutating func restart() {
        core = ConsumerCore(configuration)
        next = nil
        finished = false
        stopDuringBatch = nil
        readAhead = nil
    }

    private static func number(_ id: String) -> Int { Int(id.split(separator: "-")[0])! }
    private static func entryRef(_ ref: Ref) -> DeliveryDecisions.EntryRef { .init(stream: ref.stream, id: "\(ref.id)-0") }
}
