import Glibc

/// Issue 10's reaction figure: one EventSource among many has its stream changed, and the clock
/// runs until its adapter reads the new stream.
///
/// Definition: the clock starts when `kubectl patch` (a merge patch of the entry's `streams`)
/// has exited successfully, so the API server holds the edit; it stops at the first poll
/// (every 5 ms) where `XINFO CONSUMERS <new stream> scale` lists a consumer, i.e. the adapter
/// has created the group there and issued its first XREADGROUP on it. Each edit moves a
/// different EventSource to a stream of its own, created empty beforehand as a user's would be.
struct ScaleReaction {
    let kubectl: ScaleKubectl
    let redisPort: Int
    let size: Int
    let edits: Int
    /// An edit not seen by then counts as missed.
    let timeout = 10.0

    struct Result: Sendable {
        /// Seconds per edit from kubectl's exit to the adapter on the new stream; nil: not within the timeout.
        let seconds: [Double?]
        /// kubectl patch itself, spawn to exit, per edit (not part of the figure).
        let kubectlSeconds: [Double]
        /// The streams the edits moved to, for the PEL check at exit.
        let streams: [String]

        var median: Double? {
            let sorted = seconds.map { $0 ?? .infinity }.sorted()
            guard !sorted.isEmpty, sorted[sorted.count / 2].isFinite else { return nil }
            return sorted[sorted.count / 2]
        }
        var missed: Int { seconds.filter { $0 == nil }.count }
    }

    func run() throws(BenchError) -> Result {
        let streams = (0..<edits).map { "react-\($0)" }
        try ScaleStreams.create(streams, port: redisPort)
        let redis = try BenchRedis(port: redisPort)
        var seconds: [Double?] = []
        var kubectlSeconds: [Double] = []
        for (edit, stream) in streams.enumerated() {
            // Spread over the whole set, so the edits do not all land on the first adapters started.
            let name = ScaleManifest.name(edit * 7_919 % size)
            let patch = #"{"spec":{"redisStream":{"\#(ScaleManifest.eventName)":{"streams":["\#(stream)"]}}}}"#
            let spawned = MonotonicClock.now()
            try kubectl.run(["patch", "eventsource", name, "-n", ScaleManifest.namespace, "--type=merge", "-p", patch], label: "patch-\(edit)")
            let applied = MonotonicClock.now()
            kubectlSeconds.append(Double(applied &- spawned) / 1e9)
            var seen: Double?
            while MonotonicClock.seconds(since: applied) < timeout {
                if redis.consumerCount(ScaleManifest.consumerGroup, on: stream) > 0 {
                    seen = MonotonicClock.seconds(since: applied)
                    break
                }
                usleep(5_000)
            }
            seconds.append(seen)
            Console.error("  reaction \(edit + 1)/\(edits): \(name) → \(stream): \(seen.map { ScaleResults.seconds($0) } ?? "not within \(Int(timeout)) s")")
        }
        return Result(seconds: seconds, kubectlSeconds: kubectlSeconds, streams: streams)
    }
}
