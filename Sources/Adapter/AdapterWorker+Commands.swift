import EventSourceAPI

/// The Redis commands the consumer core asks for, as the worker writes and reads them.
extension AdapterWorker {
    func send(_ command: ConsumerCommand) async throws(RedisError) -> ConsumerInput? {
        guard let connection else { throw .connectionLost("not connected") }
        switch command {
        case .createGroups(let startIDs):
            let outcomes = try await prepareGroups(connection, startIDs: startIDs)
            try await settleAcknowledgements()
            return .groupsPrepared(outcomes)
        case .read(let mode, let streams, let block, let countDeliveries):
            let entries = try await read(connection, mode: mode, streams: streams, block: block)
            return try await entriesRead(entries, mode: mode, countDeliveries: countDeliveries, over: connection)
        case .readAhead(let streams):
            readAhead = sendRead(connection, mode: .new, streams: streams, block: nil)
            connection.flush()
        case .collectReadAhead(let countDeliveries):
            var entries: [StreamEntry] = []
            if let ticket = readAhead {
                readAhead = nil
                entries = try await connection.reply(ticket)
            }
            return try await entriesRead(entries, mode: .new, countDeliveries: countDeliveries, over: connection)
        case .uncount(let entries):
            let counts = Dictionary(entries.map { ($0.ref.id, $0.deliveries) }, uniquingKeysWith: max)
            try await queries.uncountReads(
                of: entries.map { StreamEntry(stream: $0.ref.stream, id: $0.ref.id, fields: nil) }, deliveryCounts: counts,
                over: connection)
        case .deadLetter(let ref, let deliveries, let reason):
            guard let deadLetter, let entry = batchEntries[ref] else { preconditionFailure("dead-lettering \(ref) without a policy or entry") }
            do throws(RedisError) {
                try await deadLetter.write(entry, deliveries: deliveries, lastError: reason, over: connection)
            } catch {
                // A write Redis refuses (out of memory, say) is not a lost connection.
                guard case .server = error else { throw error }
                return .deadLetterWritten(refusal: "\(error)")
            }
            return .deadLetterWritten(refusal: nil)
        case .reclaim(let streams):
            try await settleAcknowledgements()
            return .reclaimed(try await queries.claimAbandoned(in: streams, over: connection))
        case .refreshStats:
            try await refreshStats(connection)
        }
        return nil
    }

    /// Keeps the entries for the sink and answers with what the core needs of them.
    private func entriesRead(
        _ entries: [StreamEntry], mode: ConsumerCore.ReadMode, countDeliveries: Bool, over connection: any RedisPipe
    ) async throws(RedisError) -> ConsumerInput {
        try await settleAcknowledgements()
        let counts = countDeliveries ? try await queries.deliveryCounts(of: entries, mode: mode, over: connection) : [:]
        batchEntries = Dictionary(entries.map { (DeliveryDecisions.EntryRef(stream: $0.stream, id: $0.id), $0) }, uniquingKeysWith: { $1 })
        return .entriesRead(
            entries.map {
                ConsumerCore.ReadEntry(
                    ref: DeliveryDecisions.EntryRef(stream: $0.stream, id: $0.id), trimmed: $0.fields == nil, deliveries: counts[$0.id] ?? 1)
            })
    }

    private func read(
        _ connection: any RedisPipe, mode: ConsumerCore.ReadMode, streams: [String], block: Duration?
    ) async throws(RedisError) -> [StreamEntry] {
        guard block != nil else {
            guard let ticket = sendRead(connection, mode: mode, streams: streams, block: nil) else { return [] }
            return try await connection.reply(ticket)
        }
        // The reply is never abandoned: Redis may already have handed entries to this consumer
        // when a stop arrives, and they would be stranded in its pending list. A stop instead
        // unblocks the read (CLIENT UNBLOCK … TIMEOUT) and the entries that came are delivered.
        if let clientID {
            guard interrupter.beginBlocking(clientID: clientID, stop: stop) else { return [] }
        } else if stop.isStopped {
            return []
        }
        defer { interrupter.endBlocking() }
        guard let ticket = sendRead(connection, mode: mode, streams: streams, block: block) else { return [] }
        return try await connection.reply(ticket)
    }

    /// Writes an XREADGROUP (not flushed); `block` nil is a non-blocking read.
    private func sendRead(
        _ connection: any RedisPipe, mode: ConsumerCore.ReadMode, streams names: [String], block: Duration?
    ) -> RedisReplyTicket<[StreamEntry]>? {
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

    /// XGROUP CREATE on each stream named, stream by stream: one missing or holding another type
    /// does not hold up the rest. With MKSTREAM (the default) a missing stream is created at once,
    /// so entries written before its producer's first XADD reaches us cannot be lost.
    private func prepareGroups(
        _ connection: any RedisPipe, startIDs: [String: String]
    ) async throws(RedisError) -> [String: ConsumerCore.GroupSetup] {
        let names = configuration.source.streams.filter { startIDs[$0] != nil }
        let create = configuration.source.createStreams
        let replies = try await connection.pipeline(
            names.map { stream in
                ["XGROUP", "CREATE", RedisArgument(stream), RedisArgument(group), RedisArgument(startIDs[stream]!)]
                    + (create ? ["MKSTREAM"] : [])
            }, timeout: commandTimeout)
        var outcomes: [String: ConsumerCore.GroupSetup] = [:]
        for (stream, reply) in zip(names, replies) {
            guard case .error(let message) = reply else {
                let position = try await createdPosition(of: stream, requested: startIDs[stream]!, over: connection)
                logger.info("created consumer group \(group) on \(stream) at \(position?.description ?? startIDs[stream]!)")
                outcomes[stream] = .created(at: position)
                continue
            }
            switch RedisError.fromErrorReply(message) {
            case .server(let code, _) where code == "BUSYGROUP": outcomes[stream] = .ready
            case .server(let code, _) where code == "WRONGTYPE": outcomes[stream] = .wrongType
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

    /// One XACK per stream, written but not flushed: it goes out with the next command. Its
    /// reply is checked when the next reply is read (replies come in order).
    func acknowledge(_ acknowledged: [String: [String]]) {
        guard let connection else { return }
        for stream in acknowledged.keys.sorted() {
            let ids = acknowledged[stream]!.map { RedisArgument($0) }
            let reply = connection.sendValue(["XACK", RedisArgument(stream), RedisArgument(group)] + ids, timeout: commandTimeout)
            unsettledAcks.append((stream, ids, reply))
        }
    }

    /// Checks the XACKs written so far and tells the core what Redis confirmed.
    func settleAcknowledgements() async throws(RedisError) {
        guard let connection, !unsettledAcks.isEmpty else { return }
        let acks = unsettledAcks
        unsettledAcks = []
        var highest: [String: StreamID] = [:]
        for ack in acks {
            _ = try await connection.reply(ack.reply)
            let ids = ack.ids.compactMap { StreamID(String(decoding: $0.bytes, as: UTF8.self)) }
            if let top = ids.max() { highest[ack.stream] = max(highest[ack.stream] ?? top, top) }
        }
        let actions = core.receive(.acknowledged(highest), at: .now)
        precondition(actions.isEmpty, "acknowledged() asked for \(actions)")
    }

    /// Pending and lag per stream from XINFO GROUPS, when the core asks (after a batch at most
    /// once per stats interval, and once when the adapter goes idle after a change).
    private func refreshStats(_ connection: any RedisPipe) async throws(RedisError) {
        let infos = try await queries.groupInfo(over: connection)
        changeStatus([
            .groupFigures(
                .init(pending: infos.mapValues(\.pending), lag: infos.mapValues(\.lag), entriesRead: infos.compactMapValues(\.entriesRead)))
        ])
    }
}
