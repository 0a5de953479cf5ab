import Logging
import Metrics

/// The loop on an adapter's own thread: it performs the consumer state machine's actions.
/// Confined to that one thread, so it needs no locks of its own.
final class AdapterWorker {
    private let configuration: AdapterConfiguration
    private let status: AdapterStatusCell
    private let stop: StopSignal
    private let logger: Logger
    private let sink: EventSink
    private let builder: EventBuilder
    private let connector: RedisConnector
    private let metrics: AdapterMetrics
    private let statsInterval: Duration
    private let commandTimeout = Duration.seconds(10)
    private var connection: RESPConnection?
    private var machine: ConsumerStateMachine
    private var nextStatsRefresh = ContinuousClock.now
    /// What was last logged about missing streams, so a long wait logs once, not every poll.
    private var reportedMissing: [String] = []

    private var group: String { configuration.source.consumerGroup }
    private var streams: [String] { configuration.source.streams }

    init(
        configuration: AdapterConfiguration, status: AdapterStatusCell, stop: StopSignal, logger: Logger,
        statsInterval: Duration, sink: EventSink
    ) {
        self.configuration = configuration
        self.status = status
        self.stop = stop
        self.logger = logger
        self.sink = sink
        self.statsInterval = statsInterval
        builder = EventBuilder(
            namespace: configuration.namespace, eventSourceName: configuration.eventSourceName,
            eventName: configuration.eventName, metadata: configuration.source.metadata)
        connector = RedisConnector(configuration: configuration)
        metrics = AdapterMetrics(eventSourceName: configuration.eventSourceName, eventName: configuration.eventName)
        machine = ConsumerStateMachine(streams: configuration.source.streams, blockTime: configuration.blockTime)
    }

    func run() {
        var action = machine.start()
        logger.info("adapter starting", metadata: ["streams": "\(streams.joined(separator: ","))", "group": "\(group)"])
        loop: while !stop.isStopped {
            switch action {
            case .connect:
                action = connect()
            case .prepareGroups(let startID):
                action = perform { connection throws(RedisError) in
                    let missing = try prepareGroups(connection, startID: startID)
                    if missing.isEmpty {
                        if machine.phase != .consuming {
                            logger.info("consuming", metadata: ["consumer": "\(configuration.consumerName)"])
                        }
                        reportedMissing = []
                        return machine.groupsReady()
                    }
                    if missing != reportedMissing {
                        logger.info("waiting for streams: \(missing.joined(separator: ", "))")
                        reportedMissing = missing
                    }
                    return machine.streamsMissing(missing)
                }
            case .read(let mode, let block):
                action = perform { connection throws(RedisError) in
                    let entries = try read(connection, mode: mode, block: block)
                    let result = try deliver(entries, over: connection)
                    refreshStatsIfDue(connection)
                    return machine.batchFinished(mode, result)
                }
            case .sleep(let duration):
                if stop.sleep(for: duration) { break loop }
                action = machine.sleepFinished()
            }
            let phase = machine.phase
            let missing = machine.missingStreams
            status.update {
                $0.phase = phase
                $0.missingStreams = missing
            }
        }
        connection?.close()
        sink.close()
        metrics.connected.record(0)
        status.update {
            $0.phase = .stopped
            $0.connected = false
        }
        logger.info("adapter stopped")
    }

    private func connect() -> ConsumerStateMachine.Action {
        connection?.close()
        connection = nil
        status.update { $0.connectAttempts += 1 }
        do {
            connection = try connector.connect(stop: stop)
            status.update {
                $0.connected = true
                $0.lastError = nil
            }
            metrics.connected.record(1)
            logger.info("connected to Redis at \(configuration.source.hostAddress)")
            return machine.connected()
        } catch {
            return failed(error)
        }
    }

    /// Runs one step that needs the connection, turning any Redis failure into the machine's next action.
    private func perform(
        _ step: (RESPConnection) throws(RedisError) -> ConsumerStateMachine.Action
    ) -> ConsumerStateMachine.Action {
        guard let connection else { return failed(.connectionLost("not connected")) }
        do {
            return try step(connection)
        } catch {
            return failed(error)
        }
    }

    private func failed(_ error: RedisError) -> ConsumerStateMachine.Action {
        if case .cancelled = error { return .sleep(.zero) }
        if error.breaksConnection {
            connection?.close()
            connection = nil
            metrics.connected.record(0)
        }
        status.update {
            $0.lastError = error.description
            if error.breaksConnection { $0.connected = false }
        }
        logger.warning("\(error)")
        return machine.redisFailed(error)
    }

    /// Returns the streams that do not exist yet; creates the group on the others.
    private func prepareGroups(_ connection: RESPConnection, startID: String) throws(RedisError) -> [String] {
        let exists = try connection.pipeline(streams.map { ["EXISTS", RedisArgument($0)] }, timeout: commandTimeout)
        let missing = zip(streams, exists).filter { $0.1.integer != 1 }.map(\.0)
        guard missing.isEmpty else { return missing }
        for stream in streams {
            do {
                try connection.command(
                    ["XGROUP", "CREATE", RedisArgument(stream), RedisArgument(group), RedisArgument(startID)],
                    timeout: commandTimeout)
                logger.info("created consumer group \(group) on \(stream) at \(startID)")
            } catch .server(let code, _) where code == "BUSYGROUP" {
                continue
            }
        }
        return []
    }

    private func read(
        _ connection: RESPConnection, mode: ConsumerStateMachine.ReadMode, block: Duration?
    ) throws(RedisError) -> [StreamEntry] {
        var arguments: [RedisArgument] = [
            "XREADGROUP", "GROUP", RedisArgument(group), RedisArgument(configuration.consumerName),
            "COUNT", RedisArgument(configuration.source.maxMsgCountPerRead),
        ]
        var timeout = commandTimeout
        if let block {
            let milliseconds = max(1, Int(block.components.seconds * 1000 + block.components.attoseconds / 1_000_000_000_000_000))
            arguments += ["BLOCK", RedisArgument(milliseconds)]
            timeout += block
        }
        arguments.append("STREAMS")
        arguments += streams.map { RedisArgument($0) }
        switch mode {
        case .new: arguments += streams.map { _ in ">" }
        case .pending(let cursors): arguments += streams.map { RedisArgument(cursors[$0] ?? "0") }
        }
        let reply = try connection.command(arguments, timeout: timeout, interruptible: block != nil)
        return try StreamEntry.parseReadReply(reply)
    }

    /// Delivers a batch in order and acknowledges what the sink accepted. A retryable failure
    /// stops the batch, leaving the rest pending; a stop request lets delivered entries be acked.
    private func deliver(_ entries: [StreamEntry], over connection: RESPConnection) throws(RedisError)
        -> ConsumerStateMachine.BatchResult
    {
        var acknowledged: [String: [RedisArgument]] = [:]
        var lastIDs: [String: String] = [:]
        var sinkFailed = false
        var leftPending = false
        var count = 0
        for entry in entries {
            if stop.isStopped { break }
            count += 1
            lastIDs[entry.stream] = entry.id
            guard entry.fields != nil else {
                // Trimmed from the stream while pending: there is nothing left to deliver.
                logger.warning("entry \(entry.id) of \(entry.stream) was deleted before delivery; acknowledging it")
                acknowledged[entry.stream, default: []].append(RedisArgument(entry.id))
                continue
            }
            let started = ContinuousClock.now
            let event = builder.event(for: entry)
            let outcome = sink.deliver(event)
            metrics.processingDuration.record(duration: ContinuousClock.now - started)
            switch outcome {
            case .delivered:
                acknowledged[entry.stream, default: []].append(RedisArgument(entry.id))
                metrics.sent.increment()
                status.update {
                    $0.forwarded += 1
                    $0.lastEventTime = entry.milliseconds
                }
            case .retryable(let reason, _):
                metrics.sendFailed.increment()
                status.update {
                    $0.failed += 1
                    $0.lastError = "delivery failed, will retry: \(reason)"
                }
                logger.warning("delivery of \(entry.stream) \(entry.id) failed, will retry: \(reason)")
                sinkFailed = true
            case .rejected(let reason):
                metrics.sendFailed.increment()
                status.update {
                    $0.failed += 1
                    $0.lastError = "sink rejected an event: \(reason)"
                }
                logger.warning("sink rejected \(entry.stream) \(entry.id); it stays pending: \(reason)")
                leftPending = true
            }
            if sinkFailed { break }
        }
        let acks = acknowledged.map { stream, ids -> [RedisArgument] in
            ["XACK", RedisArgument(stream), RedisArgument(group)] + ids
        }
        if !acks.isEmpty {
            for reply in try connection.pipeline(acks, timeout: commandTimeout) {
                if case .error(let message) = reply { throw RedisError.fromErrorReply(message) }
            }
        }
        return .init(entryCount: count, lastIDs: lastIDs, sinkFailed: sinkFailed, entriesLeftPending: leftPending)
    }

    /// Pending and lag per stream from XINFO GROUPS, at most once per `statsInterval`.
    private func refreshStatsIfDue(_ connection: RESPConnection) {
        guard ContinuousClock.now >= nextStatsRefresh else { return }
        nextStatsRefresh = ContinuousClock.now + statsInterval
        guard let replies = try? connection.pipeline(streams.map { ["XINFO", "GROUPS", RedisArgument($0)] }, timeout: commandTimeout)
        else { return }
        var pending: [String: Int64] = [:]
        var lag: [String: Int64?] = [:]
        for (stream, reply) in zip(streams, replies) {
            guard let info = GroupInfo.find(group, in: reply) else { continue }
            pending[stream] = info.pending
            lag[stream] = info.lag
        }
        status.update {
            $0.pending = pending
            $0.lag = lag
        }
    }
}
