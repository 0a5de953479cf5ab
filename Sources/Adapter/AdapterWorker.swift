import AdapterModel
import EventSourceAPI
import FilterExpression
import Logging
import Metrics
import NIOCore
import Sinks

/// One adapter's sequential logic, performing the consumer state machine's actions. An actor
/// whose executor is its event loop: it runs on one of the few shared I/O threads, never on
/// Swift's cooperative pool, and everything it awaits (Redis replies, the sink, timers) resumes
/// it there. While it waits, the loop serves the other adapters.
///
/// Reads are pipelined: while a batch of new entries is delivered, the next non-blocking
/// XREADGROUP is already on the wire, and the batch's XACK goes out in one write with the read
/// after it. A read-ahead batch is delivered only when the batch before it is done with; else it
/// stays in this consumer's pending list and is replayed in order.
actor AdapterWorker {
    nonisolated let loop: EventLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.executor.asUnownedSerialExecutor() }
    private let configuration: AdapterConfiguration
    private let status: AdapterStatusCell
    private let stop: StopSignal
    private let interrupter: BlockedReadInterrupter
    private let severer: ConnectionSeverer
    private let logger: Logger
    private let sink: EventSink
    private let builder: EventBuilder
    private let filter: FilterProgram?
    private let connector: RedisConnector
    private let queries: ConsumerGroupQueries
    private let metrics: AdapterMetrics
    private let statsInterval: Duration
    private let onPhaseChange: (@Sendable () -> Void)?
    private let commandTimeout = Duration.seconds(10)
    private var connection: (any RedisPipe)?
    /// The connection's CLIENT ID, so a stop can unblock its read; nil when Redis would not say.
    private var clientID: Int64?
    /// Whether this user may run CLIENT UNBLOCK, so a stop ends a long BLOCK at once.
    private var canBeUnblocked = false
    /// Why this entry cannot run at all, found while setting up.
    private var setupProblem: String?
    private var machine: ConsumerStateMachine
    private var nextStatsRefresh = ContinuousClock.now
    /// Whether the group's figures changed (deliveries, acks) since XINFO last looked: an idle
    /// adapter asks once when it goes idle, then never while nothing happens.
    private var statsStale = true
    /// What was last logged about missing streams, so a long wait logs once, not every poll.
    private var reportedMissing: [String] = []
    /// Filter limits (budget, regex) already logged, so a hostile filter does not flood the log.
    private var loggedFilterLimits: Set<FilterEvaluationError.Kind> = []
    /// The non-blocking read of new entries sent while the current batch is delivered.
    private var readAhead: RedisReplyTicket<[StreamEntry]>?
    /// Whether the last batch of new entries was all taken, so a read-ahead behind it may follow.
    private var lastNewBatchWentThrough = false
    /// XACKs written (maybe not yet flushed) whose replies are checked before the next step.
    private var unsettledAcks: [(stream: String, ids: [RedisArgument], reply: RedisReplyTicket<RESPValue>)] = []
    /// How long an idle read blocks when a stop can unblock it: idle adapters cost nothing.
    /// Reclaim and stream checks still wake it when due (the machine bounds each BLOCK by them).
    private static let idleBlock = Duration.seconds(600)

    private var group: String { configuration.source.consumerGroup }
    private var streams: [String] { configuration.source.streams }

    init(
        configuration: AdapterConfiguration, loop: EventLoop, status: AdapterStatusCell, stop: StopSignal,
        interrupter: BlockedReadInterrupter = BlockedReadInterrupter(), severer: ConnectionSeverer = ConnectionSeverer(),
        logger: Logger,
        statsInterval: Duration, sink: sending EventSink, metrics: AdapterMetrics, onPhaseChange: (@Sendable () -> Void)? = nil
    ) {
        let keepsOrder = sink.keepsOrder
        self.loop = loop
        self.metrics = metrics
        self.onPhaseChange = onPhaseChange
        self.configuration = configuration
        self.status = status
        self.stop = stop
        self.interrupter = interrupter
        self.severer = severer
        self.logger = logger
        self.sink = sink
        self.statsInterval = statsInterval
        builder = EventBuilder(
            namespace: configuration.namespace, eventSourceName: configuration.eventSourceName,
            eventName: configuration.eventName, metadata: configuration.source.metadata)
        connector = RedisConnector(configuration: configuration)
        queries = ConsumerGroupQueries(
            streams: configuration.source.streams, group: configuration.source.consumerGroup,
            consumer: configuration.consumerName, claimMinIdleSeconds: configuration.source.claimMinIdleSeconds,
            timeout: commandTimeout)
        // Validation parsed the expression already; one that still fails to parse stops this entry
        // alone (Failed, with the reason) rather than forwarding what the filter meant to drop.
        var problem: String?
        if let expression = configuration.source.filterExpression {
            do {
                filter = try FilterProgram.parse(expression, knownVariables: FilterProgram.redisStreamVariables)
            } catch {
                problem = "filter expression does not parse: \(error)"
                filter = nil
            }
        } else {
            filter = nil
        }
        setupProblem = problem
        // Clamped before any arithmetic: the value is the user's.
        let claimIdle = Duration.seconds(min(max(configuration.source.claimMinIdleSeconds, 1), 60))
        machine = ConsumerStateMachine(
            streams: configuration.source.streams, blockTime: configuration.blockTime,
            startFrom: configuration.source.startFrom,
            reclaimInterval: max(.seconds(1), claimIdle / 2), idleBlock: Self.idleBlock,
            delivery: DeliveryDecisions(keepsOrder: keepsOrder, maxDeliveries: DeadLetterPolicy(source: configuration.source)?.maxDeliveries))
    }

    func run() async {
        var action = setupProblem.map { machine.cannotRun($0) } ?? machine.start()
        logger.info("adapter starting", metadata: ["streams": "\(streams.joined(separator: ","))", "group": "\(group)"])
        loop: while !stop.isStopped {
            if readAhead != nil, !action.readsNew {
                // A reclaim, a stream check or a backoff comes first. If the batch before went through,
                // order allows delivering the read-ahead now; else its entries stay pending, replayed in order.
                if lastNewBatchWentThrough { await deliverReadAhead() } else { await setReadAheadAside() }
            }
            switch action {
            case .connect:
                action = await connect()
            case .sleep(let duration):
                if await stop.sleep(for: duration, on: loop) { break loop }
                action = machine.sleepFinished()
            case .fail(let reason):
                logger.error("this entry cannot run: \(reason)")
                status.update {
                    $0.phase = .failed
                    $0.lastError = reason
                }
                onPhaseChange?()
                break loop
            default:
                do throws(RedisError) {
                    guard let connection else { throw .connectionLost("not connected") }
                    action = try await perform(action, over: connection)
                } catch {
                    if !error.breaksConnection, let connection {
                        // XACKs sent before the failed command were answered first: the machine must know
                        // them before it re-creates a lost group where this adapter last acknowledged.
                        try? await settleAcknowledgements(over: connection)
                    }
                    action = failed(error)
                }
            }
            let phase = machine.phase
            let missing = machine.missingStreams
            let changed = status.update { current -> Bool in
                defer {
                    current.phase = phase
                    current.missingStreams = missing
                }
                return current.phase != phase || current.missingStreams != missing
            }
            if changed { onPhaseChange?() }
        }
        if readAhead != nil, action.readsNew, let connection {
            // The batch before it went through: deliver what was read ahead as well, so a drain leaves nothing pending.
            do throws(RedisError) {
                _ = try await perform(action, over: connection)
            } catch {
                _ = failed(error)
            }
        } else if readAhead != nil, lastNewBatchWentThrough {
            await deliverReadAhead()
        }
        // Never abandon a reply: a read-ahead still here stays pending under our name; acks are confirmed.
        await setReadAheadAside()
        if let connection { try? await settleAcknowledgements(over: connection) }
        dropConnection()
        sink.close()
        status.update {
            // A failed entry keeps showing why until it is changed or deleted.
            if $0.phase != .failed { $0.phase = .stopped }
        }
        onPhaseChange?()
        logger.info("adapter stopped")
    }

    /// One step that needs the connection.
    private func perform(
        _ action: ConsumerStateMachine.Action, over connection: any RedisPipe
    ) async throws(RedisError) -> ConsumerStateMachine.Action {
        switch action {
        case .prepareGroups(let startIDs):
            let outcomes = try await prepareGroups(connection, startIDs: startIDs)
            let wasConsuming = machine.phase == .consuming
            let next = machine.groupsPrepared(outcomes)
            let missing = machine.missingStreams
            if missing != reportedMissing {
                if missing.isEmpty {
                    status.update { $0.lastError = nil }
                } else {
                    logger.info("waiting for streams: \(missing.joined(separator: ", "))")
                }
                reportedMissing = missing
            }
            if machine.phase == .consuming && !wasConsuming {
                logger.info("consuming", metadata: ["consumer": "\(configuration.consumerName)"])
            }
            return next
        case .read(let mode, let block):
            let entries = try await read(connection, mode: mode, block: block)
            try await settleAcknowledgements(over: connection)
            if case .new = mode, !entries.isEmpty, !stop.isStopped, machine.delivery.allowsReadAhead {
                // The next batch travels while this one is delivered; non-blocking, so the XACKs behind it are not held up.
                // Only while the sink takes events: a failing or never-reached sink holds no more than the batch it has.
                readAhead = sendRead(connection, mode: .new, block: nil)
                connection.flush()
            }
            let result = try await deliver(entries, mode: mode, over: connection)
            lastNewBatchWentThrough = mode == .new && !result.sinkFailed && !result.entriesLeftPending
            if ContinuousClock.now >= nextStatsRefresh { try await refreshStats(connection) }
            return machine.batchFinished(mode, result)
        case .reclaim:
            try await settleAcknowledgements(over: connection)
            return machine.reclaimFinished(claimed: try await reclaim(connection))
        case .connect, .sleep, .fail:
            preconditionFailure("\(action) needs no connection")
        }
    }

    private func connect() async -> ConsumerStateMachine.Action {
        dropConnection()
        status.update { $0.connectAttempts += 1 }
        do throws(RedisError) {
            let (opened, server) = try await connector.openNamingServer(on: loop, severer: severer)
            connection = opened
            // Lets a stop unblock our reads; a user without the right to ask simply waits out BLOCK.
            do throws(RedisError) {
                clientID = try await opened.command(["CLIENT", "ID"], timeout: commandTimeout).integer
                // Unblocking ourselves (not blocked: a no-op) proves a stop may unblock us; only then may reads block long.
                if let clientID {
                    try await opened.command(["CLIENT", "UNBLOCK", RedisArgument(Int(clientID))], timeout: commandTimeout)
                    canBeUnblocked = true
                }
                // With a stop able to unblock it, an idle read waits long: an idle adapter costs nothing.
                machine.stopCanUnblockReads(canBeUnblocked)
            } catch .server {
                canBeUnblocked = false
                machine.stopCanUnblockReads(false)
            }
            setConnected(true)
            let now = WallClock.millisecondsSinceEpoch()
            let newFailovers = status.update { current -> Int64 in
                let before = current.failovers
                current.lastError = nil
                current.connected(to: server, atMillisecondsSinceEpoch: now)
                return current.failovers - before
            }
            metrics.noteServer(server, failovers: newFailovers, atMillisecondsSinceEpoch: now)
            logger.info("connected to Redis at \(server)")
            return machine.connected()
        } catch .unusableTLSMaterial(let reason) {
            return machine.cannotRun("TLS material unusable: \(reason)")
        } catch {
            return failed(error)
        }
    }

    /// Forgets the connection and what was in flight on it; Redis keeps whatever it assigned us pending.
    private func dropConnection() {
        connection?.close()
        connection = nil
        clientID = nil
        canBeUnblocked = false
        machine.stopCanUnblockReads(false)
        readAhead = nil
        unsettledAcks = []
        setConnected(false)
    }

    /// The one place the connection state is recorded, so the status and the gauge never disagree.
    private func setConnected(_ connected: Bool) {
        metrics.connected.record(connected ? 1 : 0)
        status.update { $0.connected = connected }
    }

    private func failed(_ error: RedisError) -> ConsumerStateMachine.Action {
        // Our own close (a stop): no failure to report; the loop ends on the stop.
        if case .cancelled = error { return machine.redisFailed(error) }
        if error.breaksConnection { dropConnection() }
        status.update { $0.lastError = error.description }
        logger.warning("\(error)")
        return machine.redisFailed(error)
    }

    /// Delivers the read-ahead batch outside the machine's steps, when the next step is not a read
    /// of new entries: the batch before it went through, so nothing is overtaken. Whatever it
    /// leaves pending (a failure, a lost connection) the machine replays from the pending list.
    private func deliverReadAhead() async {
        guard let ticket = readAhead, let connection else { return }
        readAhead = nil
        do throws(RedisError) {
            let entries = try await connection.reply(ticket)
            guard !entries.isEmpty else { return }
            let result = try await deliver(entries, mode: .new, over: connection)
            if result.sinkFailed || result.entriesLeftPending { machine.readAheadLeftPending() }
        } catch {
            machine.readAheadLeftPending()
            if error.breaksConnection { dropConnection() }
            status.update { $0.lastError = error.description }
            logger.warning("\(error)")
        }
    }

    /// Collects the read-ahead's reply without delivering it: Redis assigned its entries to this
    /// consumer, so they are replayed from the pending list, after the entries before them.
    private func setReadAheadAside() async {
        guard let ticket = readAhead, let connection else { return }
        readAhead = nil
        guard let entries = try? await connection.reply(ticket), !entries.isEmpty else { return }
        machine.readAheadLeftPending()
        if DeadLetterPolicy(source: configuration.source) != nil {
            // The read counted a delivery the sink never saw; only real attempts may dead-letter.
            do throws(RedisError) {
                try await queries.uncountReads(of: entries, deliveryCounts: [:], over: connection)
            } catch {
                logger.warning("could not take back the delivery count of entries read ahead: \(error)")
            }
        }
    }

    /// XGROUP CREATE on each stream named, stream by stream: one missing or holding another type
    /// does not hold up the rest. With MKSTREAM (the default) a missing stream is created at once,
    /// so entries written before its producer's first XADD reaches us cannot be lost.
    private func prepareGroups(
        _ connection: any RedisPipe, startIDs: [String: String]
    ) async throws(RedisError) -> [String: ConsumerStateMachine.GroupSetup] {
        let names = streams.filter { startIDs[$0] != nil }
        let create = configuration.source.createStreams
        let replies = try await connection.pipeline(
            names.map { stream in
                ["XGROUP", "CREATE", RedisArgument(stream), RedisArgument(group), RedisArgument(startIDs[stream]!)]
                    + (create ? ["MKSTREAM"] : [])
            }, timeout: commandTimeout)
        var outcomes: [String: ConsumerStateMachine.GroupSetup] = [:]
        for (stream, reply) in zip(names, replies) {
            guard case .error(let message) = reply else {
                let position = try await createdPosition(of: stream, requested: startIDs[stream]!, over: connection)
                logger.info("created consumer group \(group) on \(stream) at \(position?.description ?? startIDs[stream]!)")
                outcomes[stream] = .created(at: position)
                continue
            }
            switch RedisError.fromErrorReply(message) {
            case .server(let code, _) where code == "BUSYGROUP": outcomes[stream] = .ready
            case .server(let code, _) where code == "WRONGTYPE":
                outcomes[stream] = .wrongType
                status.update { $0.lastError = "\(stream) holds something other than a stream (WRONGTYPE); waiting for it to be a stream" }
            case .server(_, let text) where !create && text.contains("requires the key to exist"): outcomes[stream] = .missing
            case let error: throw error
            }
        }
        return outcomes
    }

    /// Where a group just created stands: the id asked for, or for `$` the group's
    /// last-delivered-id as XINFO GROUPS reports it right after.
    private func createdPosition(
        of stream: String, requested: String, over connection: any RedisPipe
    ) async throws(RedisError) -> StreamID? {
        if let id = StreamID(requested) { return id }
        let reply = try await connection.pipeline([["XINFO", "GROUPS", RedisArgument(stream)]], timeout: commandTimeout)[0]
        return GroupInfo.find(group, in: reply)?.lastDeliveredID.flatMap(StreamID.init)
    }

    /// Writes an XREADGROUP (not flushed); `block` nil is a non-blocking read.
    private func sendRead(
        _ connection: any RedisPipe, mode: ConsumerStateMachine.ReadMode, block: Duration?
    ) -> RedisReplyTicket<[StreamEntry]>? {
        let names: [String]
        switch mode {
        case .new: names = machine.readyStreams
        case .pending(let cursors): names = streams.filter { cursors[$0] != nil }
        }
        guard !names.isEmpty else { return nil }
        var arguments: [RedisArgument] = [
            "XREADGROUP", "GROUP", RedisArgument(group), RedisArgument(configuration.consumerName),
            "COUNT", RedisArgument(configuration.source.maxMsgCountPerRead),
        ]
        var timeout = commandTimeout
        if let block {
            let bounded = min(block, .seconds(3600))
            let milliseconds = bounded.components.seconds * 1000 + bounded.components.attoseconds / 1_000_000_000_000_000
            arguments += ["BLOCK", RedisArgument(Int(max(1, milliseconds)))]
            timeout += bounded
        }
        arguments.append("STREAMS")
        arguments += names.map { RedisArgument($0) }
        switch mode {
        case .new: arguments += names.map { _ in ">" }
        case .pending(let cursors): arguments += names.map { RedisArgument(cursors[$0] ?? "0") }
        }
        return connection.send(arguments, timeout: timeout, errorsAsValues: false) { reply throws(RedisError) in
            try StreamEntry.parseReadReply(reply)
        }
    }

    private func read(
        _ connection: any RedisPipe, mode: ConsumerStateMachine.ReadMode, block: Duration?
    ) async throws(RedisError) -> [StreamEntry] {
        if case .new = mode, let ticket = readAhead {
            readAhead = nil
            let entries = try await connection.reply(ticket)
            // An empty read-ahead means the stream is drained: the next read blocks.
            guard entries.isEmpty, block != nil else { return entries }
        }
        guard let block else {
            guard let ticket = sendRead(connection, mode: mode, block: nil) else { return [] }
            return try await connection.reply(ticket)
        }
        // Stopping: no new read blocks (this is the last delivery of a drain).
        guard !stop.isStopped else { return [] }
        if statsStale {
            // Going idle: the group's figures as they stand now, asked in the same write as the read.
            try await refreshStats(connection)
        }
        // The reply is never abandoned: Redis may already have handed entries to this consumer
        // when a stop arrives, and they would be stranded in its pending list. A stop instead
        // unblocks the read (CLIENT UNBLOCK … TIMEOUT) and the entries that came are delivered.
        if let clientID {
            guard interrupter.beginBlocking(clientID: clientID, stop: stop) else { return [] }
        }
        defer { interrupter.endBlocking() }
        guard let ticket = sendRead(connection, mode: mode, block: block) else { return [] }
        return try await connection.reply(ticket)
    }

    /// Delivers a batch and acknowledges what the sink accepted (or the filter dropped, or went to
    /// the dead-letter stream) in one pipelined XACK per stream. What each outcome means is the
    /// core's decision (`DeliveryDecisions`); this only carries it out.
    private func deliver(
        _ entries: [StreamEntry], mode: ConsumerStateMachine.ReadMode, over connection: any RedisPipe
    ) async throws(RedisError) -> ConsumerStateMachine.BatchResult {
        let deadLetter = DeadLetterPolicy(source: configuration.source)
        let attempts = try await deadLetter == nil ? [:] : queries.deliveryCounts(of: entries, mode: mode, over: connection)
        let now = ContinuousClock.now
        var acknowledged: [String: [RedisArgument]] = [:]
        var lastIDs: [String: String] = [:]
        var retryIn: Duration?
        func acknowledge(_ entry: StreamEntry) { acknowledged[entry.stream, default: []].append(RedisArgument(entry.id)) }
        func leavePending(_ wait: Duration) { retryIn = min(retryIn ?? wait, wait) }
        /// Read (so counted by Redis) but never offered to the sink.
        var untried: [StreamEntry] = []
        var outgoing: [(entry: StreamEntry, event: CloudEvent)] = []
        outgoing.reserveCapacity(entries.count)
        var trimmed: Int64 = 0
        // The whole batch is in flight once read: a stop request lets it finish and be acknowledged.
        for entry in entries {
            lastIDs[entry.stream] = entry.id
            let ref = DeliveryDecisions.EntryRef(stream: entry.stream, id: entry.id)
            switch machine.delivery.offer(ref, trimmed: entry.fields == nil, replayed: mode != .new, now: now) {
            case .acknowledgeTrimmed:
                trimmed += 1
                acknowledge(entry)
                continue
            case .wait(let wait):
                leavePending(wait)
                untried.append(entry)
                continue
            case .deadLetter(let deliveries, let lastError):
                // Its sink attempts were used up before; only the dead-letter write is repeated.
                untried.append(entry)
                guard let deadLetter else { continue }
                if let wait = try await writeDeadLetter(entry, ref, deliveries, lastError, deadLetter, over: connection) {
                    leavePending(wait)
                } else {
                    acknowledge(entry)
                }
                continue
            case .offer:
                break
            }
            let event = builder.event(for: entry)
            if let filter, !passes(filter, event, entry) {
                // Argo acknowledges what its filter drops, and so do we: the entry was handled.
                machine.delivery.filtered(ref)
                acknowledge(entry)
                continue
            }
            outgoing.append((entry, event))
        }
        if trimmed > 0 { recordTrimmed(trimmed) }
        let started = ContinuousClock.now
        let outcomes = outgoing.isEmpty ? [] : await submit(outgoing.map(\.event))
        if !outgoing.isEmpty {
            let perEvent = (ContinuousClock.now - started) / outgoing.count
            for _ in outgoing { metrics.processingDuration.record(duration: perEvent) }
        }
        let offered = outgoing.map { (DeliveryDecisions.EntryRef(stream: $0.entry.stream, id: $0.entry.id), attempts[$0.entry.id] ?? 1) }
        let settlement = machine.delivery.settle(offered, outcomes: outcomes, now: ContinuousClock.now)
        var forwarded: Int64 = 0
        var lastForwardedTime: Int64?
        for (index, verdict) in settlement.verdicts.enumerated() {
            let entry = outgoing[index].entry
            let outcome = outcomes[index]
            switch verdict {
            case .acknowledge:
                acknowledge(entry)
                if case .delivered? = outcome {
                    forwarded += 1
                    lastForwardedTime = entry.milliseconds ?? lastForwardedTime
                }
            case .deadLetter(let deliveries, let reason):
                guard let deadLetter else { break }
                if let wait = try await writeDeadLetter(entry, offered[index].0, deliveries, reason, deadLetter, over: connection) {
                    leavePending(wait)
                } else {
                    acknowledge(entry)
                }
            case .pending(let wait):
                if outcome == nil {
                    untried.append(entry)
                } else {
                    let how = wait.map { "will retry it alone in \($0)" } ?? "the sink is failing, backing off"
                    logger.warning("delivery of \(entry.stream) \(entry.id) failed, \(how): \(outcome?.reason ?? "")")
                }
            }
            switch outcome {
            case .retryable(let reason, _)?: recordFailure("delivery failed, will retry: \(reason)")
            case .rejected(let reason)?: recordFailure("sink rejected an event: \(reason)")
            default: break
            }
        }
        if let wait = settlement.retryIn { leavePending(wait) }
        if forwarded > 0 {
            metrics.sent.increment(by: forwarded)
            let recovered = settlement.failures == 0
            status.update {
                $0.forwarded += forwarded
                if let lastForwardedTime { $0.lastEventTime = lastForwardedTime }
                // The entry delivers again: an old error no longer describes it.
                if recovered { $0.lastError = nil }
            }
        }
        self.acknowledge(acknowledged, over: connection)
        if !acknowledged.isEmpty { statsStale = true }
        if deadLetter != nil && !untried.isEmpty {
            // The read counted a delivery the sink never saw; only real attempts may dead-letter.
            try await queries.uncountReads(of: untried, deliveryCounts: attempts, over: connection)
        }
        return ConsumerStateMachine.BatchResult(
            entryCount: lastIDs.isEmpty ? 0 : entries.count, lastIDs: lastIDs, sinkFailed: settlement.sinkFailed,
            entriesLeftPending: retryIn != nil && !settlement.sinkFailed,
            retryAfter: settlement.sinkFailed ? settlement.retryAfter.flatMap { $0 > .zero ? $0 : nil } : nil,
            delivered: Int(forwarded), retryIn: retryIn, probeNew: settlement.probeNew)
    }

    /// Hands the batch to the sink without blocking the loop; the sink answers on any thread.
    private func submit(_ events: [CloudEvent]) async -> [DeliveryOutcome?] {
        await withCheckedContinuation { (continuation: CheckedContinuation<[DeliveryOutcome?], Never>) in
            sink.submit(batch: events) { continuation.resume(returning: $0) }
        }
    }

    /// One XACK per stream, written but not flushed: it goes out with the next read. Its reply is
    /// checked by `settleAcknowledgements` before the next step relies on it.
    private func acknowledge(_ acknowledged: [String: [RedisArgument]], over connection: any RedisPipe) {
        for stream in acknowledged.keys.sorted() {
            let ids = acknowledged[stream]!
            let reply = connection.sendValue(["XACK", RedisArgument(stream), RedisArgument(group)] + ids, timeout: commandTimeout)
            unsettledAcks.append((stream, ids, reply))
        }
    }

    /// Checks the XACKs written so far; what succeeded becomes the point a lost group is re-created at.
    private func settleAcknowledgements(over connection: any RedisPipe) async throws(RedisError) {
        guard !unsettledAcks.isEmpty else { return }
        let acks = unsettledAcks
        unsettledAcks = []
        var highest: [String: StreamID] = [:]
        for ack in acks {
            _ = try await connection.reply(ack.reply)
            let ids = ack.ids.compactMap { StreamID(String(decoding: $0.bytes, as: UTF8.self)) }
            if let top = ids.max() { highest[ack.stream] = max(highest[ack.stream] ?? top, top) }
        }
        machine.acknowledged(highest)
    }

    private func recordFailure(_ message: String) {
        metrics.sendFailed.increment()
        status.update {
            $0.failed += 1
            $0.lastError = message
        }
    }

    /// Writes a used-up entry to the dead-letter stream; nil when it is there, else how long it
    /// stays pending. A write Redis refuses (out of memory, say) is tried again when due: it is
    /// neither a lost connection nor one more attempt at the sink.
    private func writeDeadLetter(
        _ entry: StreamEntry, _ ref: DeliveryDecisions.EntryRef, _ deliveries: Int, _ reason: String,
        _ policy: DeadLetterPolicy, over connection: any RedisPipe
    ) async throws(RedisError) -> Duration? {
        do throws(RedisError) {
            try await policy.write(entry, deliveries: deliveries, lastError: reason, over: connection)
        } catch {
            guard case .server = error else { throw error }
            let wait = machine.delivery.deadLetterFailed(ref, deliveries: deliveries, lastError: reason, now: ContinuousClock.now)
            let message = "could not write \(entry.stream) \(entry.id) to the dead-letter stream \(policy.stream), it stays pending: \(error)"
            status.update { $0.lastError = message }
            logger.warning("\(message); trying again in \(wait)")
            return wait
        }
        machine.delivery.deadLettered(ref)
        metrics.deadLettered.increment()
        status.update { $0.deadLettered += 1 }
        logger.warning("dead-lettered \(entry.stream) \(entry.id) to \(policy.stream) after \(deliveries) failed deliveries")
        return nil
    }

    /// Entries trimmed from the stream while pending: nothing is left to deliver, so they are
    /// acknowledged, and counted rather than logged one line each.
    private func recordTrimmed(_ count: Int64) {
        metrics.trimmed.increment(by: count)
        status.update { $0.trimmed += count }
        logger.warning("\(count) pending entries were trimmed from the stream before delivery; acknowledging them")
    }

    /// Moves other consumers' abandoned entries into this consumer's pending list; returns how many.
    private func reclaim(_ connection: any RedisPipe) async throws(RedisError) -> Int {
        var claimed = 0
        for (stream, count) in try await queries.claimAbandoned(in: machine.readyStreams, over: connection) {
            logger.info("reclaimed \(count) abandoned entries of \(stream)")
            claimed += count
        }
        if claimed > 0 {
            metrics.reclaimed.increment(by: Int64(claimed))
            status.update { $0.reclaimed += Int64(claimed) }
        }
        return claimed
    }

    /// Evaluates the filter; an evaluation error drops the event, as Argo does, with a log line and a count.
    private func passes(_ filter: FilterProgram, _ event: CloudEvent, _ entry: StreamEntry) -> Bool {
        do {
            if try filter.evaluate(event.filterEnvironment) { return true }
            metrics.filteredOut.increment()
            status.update { $0.filtered += 1 }
            return false
        } catch {
            metrics.processingFailed.increment()
            status.update {
                $0.filterErrors += 1
                $0.lastError = "filter failed on \(entry.stream) \(entry.id): \(error)"
            }
            // A filter over its budget or regex limit tends to fail on every entry: log that once.
            if error.kind == .invalidOperation || loggedFilterLimits.insert(error.kind).inserted {
                let more = error.kind == .invalidOperation ? "" : " (logged once; later ones are only counted)"
                logger.warning("filter failed on \(entry.stream) \(entry.id); dropping the event\(more): \(error)")
            }
            return false
        }
    }

    /// Pending and lag per stream from XINFO GROUPS: after a batch at most once per
    /// `statsInterval`, and once when the adapter goes idle after a change; never while idle.
    private func refreshStats(_ connection: any RedisPipe) async throws(RedisError) {
        nextStatsRefresh = ContinuousClock.now + statsInterval
        statsStale = false
        let infos = try await queries.groupInfo(over: connection)
        status.update {
            $0.pending = infos.mapValues(\.pending)
            $0.lag = infos.mapValues(\.lag)
            $0.groupEntriesRead = infos.compactMapValues(\.entriesRead)
        }
    }
}

extension DeliveryOutcome {
    /// Why the sink did not take the event; nil when it did.
    var reason: String? {
        switch self {
        case .delivered: nil
        case .retryable(let reason, _), .rejected(let reason): reason
        }
    }
}

extension ConsumerStateMachine.Action {
    /// A read of new entries, the only step a read-ahead batch may be delivered in.
    var readsNew: Bool {
        if case .read(.new, _) = self { return true }
        return false
    }
}
