/// (d) One entry reading 4 streams spread over 3 cluster masters through the stdout sink, against
/// raw hiredis XREADGROUP+XACK loops on the same masters, one per stream at once (the product
/// too keeps one read per slot, each on its own connection); alternating rounds, as in (a).
struct ClusterStdoutBench {
    let settings: BenchSettings
    let cluster: BenchCluster
    static let streamCount = 4

    private func log(_ line: String) { Console.error("bench: (d) \(line)") }

    func run(into results: inout BenchResults) async throws {
        let streams = cluster.streamsSpread(Self.streamCount)
        let perStream = max(1, settings.entries / streams.count)
        let placed = streams.map { "\($0)@\(cluster.port(serving: $0) ?? 0)" }.joined(separator: ", ")
        log("filling \(streams.count) streams with \(perStream) entries each: \(placed)")
        let rounds = settings.stdoutRounds
        for stream in streams {
            guard let port = cluster.port(serving: stream) else { throw BenchError.redis("no master serves \(stream)") }
            try await BlockingWork.run("bench-cluster-fill") { () throws(BenchError) in
                let connection = try BenchRedis(port: port)
                try StreamFiller(stream: stream, count: perStream).fill(connection)
                for round in 1...rounds {
                    for group in ["raw-\(round)", "product-\(round)"] {
                        try connection.command(["XGROUP", "CREATE", stream, group, "0"])
                    }
                }
            }
        }
        results.clusterStreams = streams.count
        results.clusterMasters = Set(streams.compactMap { cluster.port(serving: $0) }).count
        for round in 1...rounds {
            log("round \(round)/\(rounds) raw: \(streams.count) hiredis XREADGROUP+XACK loops at once, group raw-\(round)")
            let raw = try await measureRaw(streams: streams, group: "raw-\(round)")
            results.clusterRawRounds.append(raw)
            log("round \(round)/\(rounds) raw: \(Int(raw.rate)) entries/s")
            log("round \(round)/\(rounds) product: one cluster entry, stdout sink > /dev/null, group product-\(round)")
            let product = try await measureProduct(streams: streams, group: "product-\(round)", label: "cluster-\(round)")
            results.clusterProductRounds.append(product)
            log("round \(round)/\(rounds) product: \(Int(product.rate)) events/s")
        }
    }

    private func measureRaw(streams: [String], group: String) async throws -> ThroughputFigure {
        let settings = self.settings
        let start = MonotonicClock.now()
        let counts = try await withThrowingTaskGroup(of: (Int, Bool).self) { tasks in
            for stream in streams {
                let port = cluster.port(serving: stream) ?? 0
                tasks.addTask {
                    try await BlockingWork.run("bench-cluster-raw") { () throws(BenchError) in
                        let connection = try HiredisConnection(port: port)
                        let loop = RawConsumerLoop(
                            stream: stream, group: group, consumer: "raw", count: settings.readCount,
                            maxBatches: settings.entries / settings.readCount + 10)
                        let count = try loop.run(connection)
                        return (count, try BenchRedis(port: port).group(group, on: stream).isDrained)
                    }
                }
            }
            var all: [(Int, Bool)] = []
            for try await result in tasks { all.append(result) }
            return all
        }
        return ThroughputFigure(
            entries: Int64(counts.map(\.0).reduce(0, +)), seconds: MonotonicClock.seconds(since: start),
            complete: counts.allSatisfy(\.1))
    }

    /// From spawning the product to the poll that sees every stream's group drained.
    private func measureProduct(streams: [String], group: String, label: String) async throws -> ThroughputFigure {
        let manifest = BenchManifest(
            redisPort: cluster.ports[0], stream: streams[0], group: group, count: settings.readCount,
            clusterPorts: cluster.ports, moreStreams: Array(streams.dropFirst()))
        let settings = self.settings
        let owners = streams.map { ($0, cluster.port(serving: $0) ?? 0) }
        let start = MonotonicClock.now()
        let product = try ProductProcess.start(
            executable: settings.productExecutable, manifest: manifest, sink: "stdout",
            workDirectory: settings.workDirectory, label: label)
        let outcomes: [DrainOutcome]
        do {
            outcomes = try await BlockingWork.run("bench-cluster-poll") { () throws(BenchError) in
                var outcomes: [DrainOutcome] = []
                for (stream, port) in owners {
                    outcomes.append(
                        try GroupDrain.wait(
                            BenchRedis(port: port), stream: stream, group: group, from: start, timeout: settings.phaseTimeout,
                            stillRunning: { product.process.isRunning }))
                }
                return outcomes
            }
        } catch {
            _ = product.stop()
            throw error
        }
        _ = try product.stopAfterRun(label: label)
        return ThroughputFigure(
            entries: outcomes.map(\.last.acknowledged).reduce(0, +), seconds: outcomes.map(\.seconds).max() ?? 0,
            complete: outcomes.allSatisfy(\.drained), startup: outcomes.compactMap(\.firstProgress).min())
    }
}
