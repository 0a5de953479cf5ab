/// The questions an adapter asks Redis about its consumer group besides reading and acking:
/// delivery counts of its pending entries, other consumers' abandoned entries, and the group's
/// pending/lag figures. Stateless; the adapter calls it with its own connection, on its event loop.
struct ConsumerGroupQueries {
    let streams: [String]
    let group: String
    let consumer: String
    let claimMinIdleSeconds: Int
    let timeout: Duration

    /// How many times the sink has really been offered each entry, counting this attempt: new
    /// entries are on their first; replayed ones carry Redis' delivery counter, which every read
    /// increments and `uncountReads` takes back for reads the sink never saw, so the counter
    /// counts real attempts, durably and across restarts.
    func deliveryCounts(
        of entries: [StreamEntry], mode: ConsumerCore.ReadMode, over connection: any RedisPipe,
        isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) -> [String: Int] {
        guard case .pending = mode, !entries.isEmpty else { return [:] }
        var ranges: [String: (first: String, last: String, count: Int)] = [:]
        for entry in entries {
            if let range = ranges[entry.stream] {
                ranges[entry.stream] = (range.first, entry.id, range.count + 1)
            } else {
                ranges[entry.stream] = (entry.id, entry.id, 1)
            }
        }
        let replies = try await connection.pipeline(
            ranges.map { stream, range in
                [
                    "XPENDING", RedisArgument(stream), RedisArgument(group), RedisArgument(range.first),
                    RedisArgument(range.last), RedisArgument(range.count), RedisArgument(consumer),
                ]
            }, timeout: timeout)
        var counts: [String: Int] = [:]
        for reply in replies {
            for item in reply.array ?? [] {
                guard let fields = item.array, fields.count >= 4, let id = fields[0].string, let count = fields[3].integer
                else { continue }
                counts[id] = Int(count)
            }
        }
        return counts
    }

    /// Sets the delivery counter of entries that were read but not offered to the sink (the batch
    /// stopped at an earlier failure) back to what it was before the read. XCLAIM to ourselves
    /// with JUSTID does not count a delivery, and RETRYCOUNT sets the counter.
    func uncountReads(
        of entries: [StreamEntry], deliveryCounts: [String: Int], over connection: any RedisPipe,
        isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) {
        guard !entries.isEmpty else { return }
        let commands = entries.map { entry -> [RedisArgument] in
            let before = max(0, (deliveryCounts[entry.id] ?? 1) - 1)
            return [
                "XCLAIM", RedisArgument(entry.stream), RedisArgument(group), RedisArgument(consumer), "0",
                RedisArgument(entry.id), "RETRYCOUNT", RedisArgument(before), "JUSTID",
            ]
        }
        for reply in try await connection.pipeline(commands, timeout: timeout) {
            if case .error(let message) = reply { throw RedisError.fromErrorReply(message) }
        }
    }

    /// Moves entries that other consumers (dead replicas, renamed pods) left pending for longer
    /// than `claimMinIdleSeconds` into this consumer's pending list. Returns how many moved, per stream.
    /// Only `streams` are looked at: those whose group is in place.
    func claimAbandoned(
        in streams: [String], over connection: any RedisPipe, isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) -> [String: Int] {
        // The user's value: saturate rather than overflow (Redis caps idle times itself).
        let (milliseconds, overflow) = claimMinIdleSeconds.multipliedReportingOverflow(by: 1000)
        let minimumIdle = RedisArgument(overflow ? Int.max : milliseconds)
        var claimed: [String: Int] = [:]
        for stream in streams {
            let pending = try await connection.command(
                ["XPENDING", RedisArgument(stream), RedisArgument(group), "IDLE", minimumIdle, "-", "+", "1000"],
                timeout: timeout)
            let abandoned = (pending.array ?? []).compactMap { item -> RedisArgument? in
                guard let fields = item.array, fields.count >= 2, let id = fields[0].string, fields[1].string != consumer
                else { return nil }
                return RedisArgument(id)
            }
            guard !abandoned.isEmpty else { continue }
            // XCLAIM re-checks the idle time, so an entry its owner touched meanwhile stays with it.
            let moved = try await connection.command(
                ["XCLAIM", RedisArgument(stream), RedisArgument(group), RedisArgument(consumer), minimumIdle]
                    + abandoned + ["JUSTID"], timeout: timeout)
            let count = moved.array?.count ?? 0
            if count > 0 { claimed[stream] = count }
        }
        return claimed
    }

    /// The group's line of XINFO GROUPS for each stream that has the group.
    func groupInfo(
        over connection: any RedisPipe, isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) -> [String: GroupInfo] {
        let replies = try await connection.pipeline(streams.map { ["XINFO", "GROUPS", RedisArgument($0)] }, timeout: timeout)
        var infos: [String: GroupInfo] = [:]
        for (stream, reply) in zip(streams, replies) {
            if let info = GroupInfo.find(group, in: reply) { infos[stream] = info }
        }
        return infos
    }
}
