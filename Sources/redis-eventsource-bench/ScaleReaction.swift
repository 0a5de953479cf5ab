import Glibc

/// Issue 10's reaction figure: one EventSource among many has its stream changed, and the clock
/// runs until its adapter reads the new stream.
///
/// Definition: the clock starts when the API server has answered 200 to a JSON merge patch of
/// the entry's `streams` (the bench sends it itself, as `kubectl patch --type=merge` would, so
/// kubectl's own start-up is not in the figure); it stops at the first poll (every 5 ms) where
/// `XINFO CONSUMERS <new stream> scale` lists a consumer, i.e. the adapter has created the group
/// there and issued its first XREADGROUP on it. Each edit moves a different EventSource to a
/// stream of its own, created empty beforehand as a user's would be.
struct ScaleReaction {
    let kubeURL: String
    let redisPort: Int
    let size: Int
    let edits: Int
    /// An edit not seen by then counts as missed.
    static let timeout = 5.0
    /// After this many misses in a row the rest are not tried (and count as missed), so a
    /// controller that does not react cannot push `make bench` past its time limit.
    static let missesBeforeGivingUp = 3

    struct Result: Sendable {
        /// Seconds per edit from the API server's answer to the adapter on the new stream; nil: not within the timeout.
        let seconds: [Double?]
        /// The PATCH itself, per edit (not part of the figure).
        let patchSeconds: [Double]
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
        let http = try ScaleHTTPClient()
        var seconds: [Double?] = []
        var patchSeconds: [Double] = []
        for (edit, stream) in streams.enumerated() {
            if seconds.suffix(Self.missesBeforeGivingUp).count == Self.missesBeforeGivingUp,
                seconds.suffix(Self.missesBeforeGivingUp).allSatisfy({ $0 == nil })
            {
                Console.error("  reaction: \(Self.missesBeforeGivingUp) misses in a row; the other \(edits - edit) edits count as missed")
                seconds += [Double?](repeating: nil, count: edits - edit)
                break
            }
            // Spread over the whole set, so the edits do not all land on the first adapters started.
            let name = ScaleManifest.name(edit * 7_919 % size)
            let url = "\(kubeURL)/apis/argoproj.io/v1alpha1/namespaces/\(ScaleManifest.namespace)/eventsources/\(name)"
            let patch = #"{"spec":{"redisStream":{"\#(ScaleManifest.eventName)":{"streams":["\#(stream)"]}}}}"#
            let sent = MonotonicClock.now()
            try http.mergePatch(url, json: patch)
            let applied = MonotonicClock.now()
            patchSeconds.append(Double(applied &- sent) / 1e9)
            var seen: Double?
            while MonotonicClock.seconds(since: applied) < Self.timeout {
                if redis.consumerCount(ScaleManifest.consumerGroup, on: stream) > 0 {
                    seen = MonotonicClock.seconds(since: applied)
                    break
                }
                usleep(5_000)
            }
            seconds.append(seen)
            Console.error(
                "  reaction \(edit + 1)/\(edits): \(name) → \(stream): \(seen.map { ScaleResults.milliseconds($0) } ?? "not within \(Int(Self.timeout)) s")")
        }
        return Result(seconds: seconds, patchSeconds: patchSeconds, streams: streams)
    }
}
