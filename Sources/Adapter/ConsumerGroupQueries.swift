/// The questions an adapter asks Redis about its consumer group besides reading and acking:
/// delivery counts of its pending entries, other consumers' abandoned entries, and the group's
/// pending/lag figures. Stateless; the adapter thread calls it with its own connection.
struct ConsumerGroupQueries {
    let streams: [String]
    let group: String
    let consumer: String
    let claimMinIdleSeconds: Int
    let timeout: Duration

    /// How many times each entry has been delivered, counting this one: new entries are on their
    /// first delivery; replayed ones carry Redis' own count, which every read increments.
    func deliveryCounts(
        of entries: [StreamEntry], mode: ConsumerStateMachine.ReadMode, over connection: RESPConnection
    ) throws(RedisError) -> [String: Int] {
        guard case .pending = mode, !entries.isEmpty else { return [:] }
        var ranges: [String: (first: String, last: String, count: Int)] = [:]
        for entry in entries {
            if let range = ranges[entry.stream] {
                ranges[entry.stream] = (range.first, entry.id, range.count + 1)
            } else {
                ranges[entry.stream] = (entry.id, entry.id, 1)
            }
        }
        let replies = try connection.pipeline(
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

    /// Moves entries that other consumers (dead replicas, renamed pods) left pending for longer
    /// than `claimMinIdleSeconds` into this consumer's pending list. Returns how many moved, per stream.
    func claimAbandoned(over connection: RESPConnection) throws(RedisError) -> [String: Int] {
        let minimumIdle = RedisArgument(claimMinIdleSeconds.multipliedReportingOverflow(by: 1000).overflow ? Int.max : claimMinIdleSeconds * 1000)
        var claimed: [String: Int] = [:]
        for stream in streams {
            let pending = try connection.command(
                ["XPENDING", RedisArgument(stream), RedisArgument(group), "IDLE", minimumIdle, "-", "+", "1000"],
                timeout: timeout)
            let abandoned = (pending.array ?? []).compactMap { item -> RedisArgument? in
                guard let fields = item.array, fields.count >= 2, let id = fields[0].string, fields[1].string != consumer
                else { return nil }
                return RedisArgument(id)
            }
            guard !abandoned.isEmpty else { continue }
            // XCLAIM re-checks the idle time, so an entry its owner touched meanwhile stays with it.
            let moved = try connection.command(
                ["XCLAIM", RedisArgument(stream), RedisArgument(group), RedisArgument(consumer), minimumIdle]
                    + abandoned + ["JUSTID"], timeout: timeout)
            let count = moved.array?.count ?? 0
            if count > 0 { claimed[stream] = count }
        }
        return claimed
    }

    /// The group's line of XINFO GROUPS for each stream that has the group.
    func groupInfo(over connection: RESPConnection) throws(RedisError) -> [String: GroupInfo] {
        let replies = try connection.pipeline(streams.map { ["XINFO", "GROUPS", RedisArgument($0)] }, timeout: timeout)
        var infos: [String: GroupInfo] = [:]
        for (stream, reply) in zip(streams, replies) {
            if let info = GroupInfo.find(group, in: reply) { infos[stream] = info }
        }
        return infos
    }
}
