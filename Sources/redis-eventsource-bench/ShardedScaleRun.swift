import Adapter
import Foundation
import Glibc

/// Issue 20's sharded figures: three controllers with `--shard-by lease` (default Lease timing:
/// 15 s, renewed every 2 s) against one kube-testserver and redis-server. Times one `kubectl
/// apply` of `size` EventSources to all Ready with one owner each, reads each replica's share
/// (`redis_eventsource_adapters_running`), starts a fourth and times until it owns its quarter,
/// then adds an entry to every stream, `kill -9`s one replica, times until its EventSources run
/// elsewhere, adds another entry to every stream and checks that every group ends with nothing
/// unread and nothing pending: no entry lost. Blocking; run it on a dedicated thread.
struct ShardedScaleRun {
    let size: Int
    let productExecutable: String
    let crdPath: String
    let directory: String
    let timeout: Double

    static let leaseSeconds = 15.0
    static let readyAim = 60.0
    static let joinAim = 30.0
    static let shareTolerance = 0.10
    /// A killed replica's pending entries are reclaimed after this idle time (the manifest's `claimMinIdleSeconds`).
    static let claimIdleSeconds = 5

    struct Result: Sendable {
        let size: Int
        var allReadySeconds: Double?
        var readyFailure: String?
        var shares: [String: Int] = [:]
        var joinSeconds: Double?
        var joinShares: [String: Int] = [:]
        var failoverSeconds: Double?
        var killed = ""
        /// Entries added around the kill, and those still unread or pending at the end.
        var entriesAdded = 0
        var entriesNotDelivered: Int64?
    }

    private struct Replica {
        let name: String
        let controller: ScaleController
    }

    func run() throws(BenchError) -> Result {
        let redis = try RedisProcess.start(in: directory, maxClients: max(10_000, size * 2 + 64))
        defer { redis.stop() }
        let kube = try ScaleKubeServer.start(in: directory)
        defer { kube.stop() }
        let kubectl = ScaleKubectl(kubeconfig: kube.kubeconfigPath, directory: directory)
        try kubectl.run(["apply", "-f", crdPath], label: "crd")
        try TextFile.write(ScaleManifest.namespaceYAML, to: "\(directory)/namespace.yaml")
        try kubectl.run(["apply", "-f", "\(directory)/namespace.yaml"], label: "namespace")
        let manifest = ScaleManifest(count: size, redisPort: redis.port)
        try ScaleStreams.create(manifest.streams, port: redis.port)
        let manifestPath = "\(directory)/eventsources-\(size).yaml"
        try TextFile.write(
            manifest.yaml.replacingOccurrences(
                of: "consumerGroup: \(ScaleManifest.consumerGroup)\n",
                with: "consumerGroup: \(ScaleManifest.consumerGroup)\n      claimMinIdleSeconds: \(Self.claimIdleSeconds)\n"),
            to: manifestPath)
        let http = try ScaleHTTPClient()
        let listURL = "\(kube.url)/apis/argoproj.io/v1alpha1/namespaces/\(ScaleManifest.namespace)/eventsources"

        var replicas: [Replica] = []
        defer { for replica in replicas { _ = replica.controller.stop() } }
        for name in ["shard-a", "shard-b", "shard-c"] {
            replicas.append(try start(name, kube: kube))
        }
        var result = Result(size: size)
        let start = MonotonicClock.now()
        try kubectl.run(["apply", "--validate=false", "-f", manifestPath], label: "apply-sharded", timeout: timeout)
        guard let ready = try waitSettled(replicas, listURL: listURL, http: http, since: start) else {
            result.readyFailure = "not all Ready with one live owner after \(Int(timeout)) s"
            return result
        }
        result.allReadySeconds = ready
        result.shares = try shares(replicas, http: http)

        Console.error("  sharded: a fourth replica joins")
        replicas.append(try self.start("shard-d", kube: kube))
        let joined = MonotonicClock.now()
        result.joinSeconds = try waitSettled(replicas, listURL: listURL, http: http, since: joined)
        result.joinShares = try shares(replicas, http: http)
        // Back to three for the failover figure: shard-d leaves gracefully.
        _ = replicas.removeLast().controller.stop()
        guard try waitSettled(replicas, listURL: listURL, http: http, since: MonotonicClock.now()) != nil else { return result }

        Console.error("  sharded: kill -9 of one replica while entries flow")
        let bench = try BenchRedis(port: redis.port)
        try addEntry(to: manifest.streams, bench)
        let killed = replicas.remove(at: 1)
        result.killed = killed.name
        kill(killed.controller.process.pid, SIGKILL)
        _ = killed.controller.stop()
        let failedAt = MonotonicClock.now()
        try addEntry(to: manifest.streams, bench)
        result.failoverSeconds = try waitSettled(replicas, listURL: listURL, http: http, since: failedAt)
        try addEntry(to: manifest.streams, bench)
        result.entriesAdded = 3 * size
        result.entriesNotDelivered = try waitDelivered(manifest.streams, bench)
        return result
    }

    private func start(_ name: String, kube: ScaleKubeServer) throws(BenchError) -> Replica {
        Replica(
            name: name,
            controller: try ScaleController.start(
                executable: productExecutable, kubeconfig: kube.kubeconfigPath, extraArguments: ["--shard-by", "lease"],
                directory: directory, consumerName: name))
    }

    /// Polls until every EventSource is Ready with one owner among `replicas`, and the replicas'
    /// running adapters add up to the size; returns the seconds since `since`, nil at the timeout.
    private func waitSettled(_ replicas: [Replica], listURL: String, http: ScaleHTTPClient, since: UInt64) throws(BenchError) -> Double? {
        let names = Set(replicas.map(\.name))
        while MonotonicClock.seconds(since: since) < timeout {
            let owners = try Self.owners(listBody: http.get(listURL))
            if owners.ready == size, owners.byReplica.keys.allSatisfy(names.contains) {
                let running = try shares(replicas, http: http)
                if names.allSatisfy({ running[$0] == owners.byReplica[$0] ?? 0 }) { return MonotonicClock.seconds(since: since) }
            }
            usleep(250_000)
        }
        return nil
    }

    private func shares(_ replicas: [Replica], http: ScaleHTTPClient) throws(BenchError) -> [String: Int] {
        var shares: [String: Int] = [:]
        for replica in replicas {
            shares[replica.name] = Int(try replica.controller.metrics(http).sum("redis_eventsource_adapters_running") ?? -1)
        }
        return shares
    }

    /// Ready objects with exactly one owner, and how many each replica owns (from `status.runningOn`).
    static func owners(listBody bytes: [UInt8]) throws(BenchError) -> (ready: Int, byReplica: [String: Int]) {
        guard let list = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
            let items = list["items"] as? [[String: Any]]
        else { throw .tool("the EventSource list is not a JSON list") }
        var ready = 0
        var byReplica: [String: Int] = [:]
        for item in items {
            let status = item["status"] as? [String: Any]
            guard let runningOn = status?["runningOn"] as? String, !runningOn.contains(","),
                let conditions = status?["conditions"] as? [[String: Any]],
                conditions.contains(where: { $0["type"] as? String == "Ready" && $0["status"] as? String == "True" })
            else { continue }
            ready += 1
            byReplica[runningOn, default: 0] += 1
        }
        return (ready, byReplica)
    }

    private func addEntry(to streams: [String], _ redis: BenchRedis) throws(BenchError) {
        for start in stride(from: 0, to: streams.count, by: 500) {
            _ = try redis.pipeline(streams[start..<min(start + 500, streams.count)].map { ["XADD", $0, "*", "at", "failover"] })
        }
    }

    /// Waits (up to the timeout) for every group to have read everything and acknowledged it;
    /// returns the entries still unread or pending then.
    private func waitDelivered(_ streams: [String], _ redis: BenchRedis) throws(BenchError) -> Int64 {
        let start = MonotonicClock.now()
        var left: Int64 = 0
        repeat {
            left = 0
            for first in stride(from: 0, to: streams.count, by: 500) {
                let replies = try redis.pipelineReplies(streams[first..<min(first + 500, streams.count)].map { ["XINFO", "GROUPS", $0] })
                for reply in replies {
                    guard let group = GroupInfo.find(ScaleManifest.consumerGroup, in: reply) else {
                        left += 3
                        continue
                    }
                    left += group.pending + (group.lag ?? 0)
                }
            }
            if left == 0 { return 0 }
            usleep(500_000)
        } while MonotonicClock.seconds(since: start) < timeout
        return left
    }
}
