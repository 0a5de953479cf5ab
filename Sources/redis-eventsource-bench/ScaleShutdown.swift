import Adapter

/// The SIGTERM figure: one entry added to every stream just before the signal, so adapters are
/// busy when it lands, then the time to exit and every consumer group's PEL after it (XINFO
/// GROUPS through the adapter's own parser). Entries read but not acknowledged would show as
/// pending; entries never read are not.
struct ScaleShutdown {
    let redisPort: Int
    let streams: [String]

    struct Result: Sendable {
        let seconds: Double
        let status: Int32
        /// Entries added just before SIGTERM, and those the adapters had read by the exit (the
        /// burst less every group's lag; nil when Redis could not tell a lag).
        let burst: Int
        let read: Int64?
        /// Streams whose group still had pending entries after the exit, and how many in all.
        let streamsWithPending: Int
        let pending: Int64
        /// Streams without our group at the exit (the adapter never created it).
        let streamsWithoutGroup: Int
    }

    func run(stopping controller: ScaleController) throws(BenchError) -> Result {
        let redis = try BenchRedis(port: redisPort)
        for batch in batches() {
            try redis.pipeline(batch.map { ["XADD", $0, "*", "at", "shutdown"] })
        }
        let stopped = controller.stop()
        var pending: Int64 = 0
        var streamsWithPending = 0
        var withoutGroup = 0
        var lag: Int64? = 0
        for batch in batches() {
            // Errors come back as replies here (a stream with no group is a finding, not a failure).
            let replies = try redis.pipelineReplies(batch.map { ["XINFO", "GROUPS", $0] })
            for reply in replies {
                guard let group = GroupInfo.find(ScaleManifest.consumerGroup, in: reply) else {
                    withoutGroup += 1
                    continue
                }
                pending += group.pending
                if group.pending > 0 { streamsWithPending += 1 }
                lag = lag.flatMap { total in group.lag.map { total + $0 } }
            }
        }
        return Result(
            seconds: stopped.seconds, status: stopped.status, burst: streams.count, read: lag.map { Int64(streams.count - withoutGroup) - $0 },
            streamsWithPending: streamsWithPending, pending: pending, streamsWithoutGroup: withoutGroup)
    }

    private func batches() -> [ArraySlice<String>] {
        stride(from: 0, to: streams.count, by: 500).map { streams[$0..<min($0 + 500, streams.count)] }
    }
}
