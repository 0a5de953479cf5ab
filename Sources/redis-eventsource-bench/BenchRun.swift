import Adapter
import Glibc

/// The whole benchmark, phase by phase, on one redis-server; each raw capacity is measured in
/// the same run as the product figure it is compared with, on the same machine state.
struct BenchRun: Sendable {
    let settings: BenchSettings
    let redisPort: Int
    let stream = "bench"

    private func log(_ line: String) { Console.error("bench: \(line)") }

    func run() async throws -> BenchResults {
        var results = BenchResults(settings: settings)

        log("filling stream \(stream) with \(settings.entries) entries")
        let port = redisPort
        let (stream, entries, rounds) = (self.stream, settings.entries, settings.stdoutRounds)
        results.fillSeconds = try await BlockingWork.run("bench-fill") { () throws(BenchError) in
            let connection = try BenchRedis(port: port)
            let start = MonotonicClock.now()
            try StreamFiller(stream: stream, count: entries).fill(connection)
            let groups = (1...rounds).flatMap { ["raw-\($0)", "product-stdout-\($0)", "product-jetstream-\($0)", "product-http-\($0)"] }
            for group in groups {
                try connection.command(["XGROUP", "CREATE", stream, group, "0"])
            }
            return MonotonicClock.seconds(since: start)
        }

        // Raw and product alternate, and each figure is the median of its rounds: on a shared
        // machine a neighbour's burst then skews one round, not the ratio.
        for round in 1...rounds {
            log("(a) round \(round)/\(rounds) raw: hiredis XREADGROUP COUNT \(settings.readCount) + XACK, group raw-\(round)")
            let raw = try await measureRawLoop(group: "raw-\(round)")
            results.rawRedisRounds.append(raw)
            log("(a) round \(round)/\(rounds) raw: \(Int(raw.rate)) entries/s")
            log("(a) round \(round)/\(rounds) product: redis-eventsource run --sink stdout > /dev/null, group product-stdout-\(round)")
            let product = try await measureProduct(label: "stdout-\(round)", group: "product-stdout-\(round)", sink: "stdout")
            results.productStdoutRounds.append(product)
            log("(a) round \(round)/\(rounds) product: \(Int(product.rate)) events/s")
        }

        try await measureCluster(into: &results)

        let receiver = try await BenchReceiver.start(threads: 1)
        do {
            try await measureHTTP(receiver: receiver, into: &results)
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()

        let nats = try BenchNatsServer.start(in: settings.workDirectory)
        defer { nats.stop() }
        try await measureJetStream(url: nats.url, into: &results)
        return results
    }

    /// (d) alone, for `--cluster-only`.
    func runClusterOnly() async throws -> BenchResults {
        var results = BenchResults(settings: settings)
        try await measureCluster(into: &results)
        return results
    }

    private func measureCluster(into results: inout BenchResults) async throws {
        let cluster = try BenchCluster.start(in: settings.workDirectory)
        do {
            try await ClusterStdoutBench(settings: settings, cluster: cluster).run(into: &results)
        } catch {
            cluster.stop()
            throw error
        }
        cluster.stop()
    }

    /// (c) The product publishing to a local nats-server against raw libnats publishing the same
    /// messages with the same window; alternating rounds, each on an emptied stream.
    private func measureJetStream(url: String, into results: inout BenchResults) async throws {
        let settings = self.settings
        let manifest = BenchManifest(redisPort: redisPort, stream: stream, group: "product-jetstream", count: settings.readCount)
        let sample = EventSample(manifest: manifest, stream: stream)
        results.busBodyBytes = sample.busBody.count
        let (subject, body) = (sample.busSubject, sample.busBody)
        for round in 1...settings.stdoutRounds {
            try await BlockingWork.run("bench-nats-reset") { () throws(BenchError) in try JetStreamBenchSession(url: url).deleteStream() }
            log("(c) round \(round)/\(settings.stdoutRounds) raw: libnats js_PublishMsgAsync, window \(settings.jetStreamWindow)")
            let raw = try await BlockingWork.run("bench-nats-raw") { () throws(BenchError) in
                try JetStreamBaseline(
                    url: url, subject: subject, body: body, count: settings.entries, window: settings.jetStreamWindow, round: round
                ).run()
            }
            results.rawJetStreamRounds.append(raw)
            log("(c) round \(round)/\(settings.stdoutRounds) raw: \(Int(raw.rate)) messages/s")
            try await BlockingWork.run("bench-nats-reset") { () throws(BenchError) in try JetStreamBenchSession(url: url).deleteStream() }
            log("(c) round \(round)/\(settings.stdoutRounds) product: redis-eventsource run --sink \(url)")
            let product = try await measureProduct(label: "jetstream-\(round)", group: "product-jetstream-\(round)", sink: url)
            results.productJetStreamRounds.append(product)
            let stored = try await BlockingWork.run("bench-nats-count") { () throws(BenchError) in
                try JetStreamBenchSession(url: url).messageCount()
            }
            log("(c) round \(round)/\(settings.stdoutRounds) product: \(Int(product.rate)) events/s, \(stored) messages in the stream")
        }
    }

    private func measureHTTP(receiver: BenchReceiver, into results: inout BenchResults) async throws {
        let manifest = BenchManifest(redisPort: redisPort, stream: stream, group: "product-http", count: settings.readCount)
        let sample = EventSample(manifest: manifest, stream: stream)
        results.requestBytes = sample.wireSize(port: receiver.port)
        results.bodyBytes = sample.body.count

        // wrk and libcurl alone get exactly the connections the product's one adapter keeps, so the
        // ratios compare the same concurrency. The three alternate round by round and each figure
        // is the median of its rounds: a neighbour's burst then skews one round, not the ratio.
        let connections = settings.httpConnections
        let wrk = WrkLoad(
            url: receiver.url, sample: sample, connections: connections, seconds: settings.wrkSeconds,
            workDirectory: settings.workDirectory)
        let curl = CurlBaseline(url: receiver.url, sample: sample, connections: connections, seconds: settings.wrkSeconds)
        let rounds = settings.stdoutRounds
        for round in 1...rounds {
            log("(b) round \(round)/\(rounds) raw: wrk -t1 -c\(connections) -d\(settings.wrkSeconds)s, \(results.requestBytes) byte requests, against \(receiver.url)")
            let raw = try await BlockingWork.run("bench-wrk") { () throws(BenchError) in try wrk.run().requestsPerSecond }
            results.rawReceiverRuns.append(MeasuredRate(value: raw))
            log("(b) round \(round)/\(rounds) raw: \(Int(raw)) requests/s")

            log("(b) round \(round)/\(rounds) libcurl alone: curl_multi over \(connections) connections, the same request, \(settings.wrkSeconds) s")
            let alone = try await BlockingWork.run("bench-curl") { () throws(BenchError) in try curl.run() }
            results.curlBaselineRuns.append(MeasuredRate(value: alone))
            log("(b) round \(round)/\(rounds) libcurl alone: \(Int(alone)) requests/s")

            log("(b) round \(round)/\(rounds) product: redis-eventsource run --sink \(receiver.url), group product-http-\(round)")
            let requestsBefore = receiver.tally.requestCount
            let product = try await measureProduct(label: "http-\(round)", group: "product-http-\(round)", sink: receiver.url)
            results.productHTTPRounds.append(product)
            let arrived = receiver.tally.requestCount - requestsBefore
            results.receivedHTTP += arrived
            log("(b) round \(round)/\(rounds) product: \(Int(product.rate)) events/s, \(arrived) requests arrived")
        }

        // The two loads: a fixed 1,000 events/s, and half of the most the HTTP sink just
        // moved, where a queue would show if the adapter only kept up at full stretch.
        var loads = [LatencyLoad(rate: settings.latencyRate, seconds: settings.latencySeconds, label: "\(settings.latencyRate)/s")]
        if let maximum = results.productHTTP?.rate, maximum >= 2 {
            loads.append(LatencyLoad(rate: Int(maximum / 2), seconds: settings.halfRateLatencySeconds, label: "half the HTTP maximum"))
        }
        results.latencies = try await measureLatency(receiver: receiver, loads: loads)

        if settings.partialEntries > 0 {
            results.partialFailures = try await measurePartialFailures(receiver: receiver)
        }
    }

    private func measureRawLoop(group: String) async throws -> ThroughputFigure {
        let (port, stream, settings) = (redisPort, self.stream, self.settings)
        return try await BlockingWork.run("bench-raw") { () throws(BenchError) in
            let start = MonotonicClock.now()
            let connection = try HiredisConnection(port: port)
            let loop = RawConsumerLoop(
                stream: stream, group: group, consumer: "raw", count: settings.readCount,
                maxBatches: settings.entries / settings.readCount + 10)
            let count = try loop.run(connection)
            let seconds = MonotonicClock.seconds(since: start)
            let progress = try BenchRedis(port: port).group(group, on: stream)
            return ThroughputFigure(entries: Int64(count), seconds: seconds, complete: progress.isDrained)
        }
    }

    /// From spawning the product to the poll that sees its group drained, start-up included.
    func measureProduct(label: String, group: String, sink: String, stream: String? = nil) async throws -> ThroughputFigure {
        let stream = stream ?? self.stream
        let manifest = BenchManifest(redisPort: redisPort, stream: stream, group: group, count: settings.readCount)
        let (port, settings) = (redisPort, self.settings)
        let start = MonotonicClock.now()
        let product = try ProductProcess.start(
            executable: settings.productExecutable, manifest: manifest, sink: sink,
            workDirectory: settings.workDirectory, label: label, httpConnections: settings.httpConnections)
        let outcome: DrainOutcome
        do {
            outcome = try await BlockingWork.run("bench-poll") { () throws(BenchError) in
                let connection = try BenchRedis(port: port)
                return try GroupDrain.wait(
                    connection, stream: stream, group: group, from: start, timeout: settings.phaseTimeout,
                    stillRunning: { product.process.isRunning })
            }
        } catch {
            _ = product.stop()
            throw error
        }
        let status = try product.stopAfterRun(label: label)
        if status != 0 { log("redis-eventsource (\(label)) exited with status \(status) after SIGTERM") }
        return ThroughputFigure(outcome)
    }

    private func measureLatency(receiver: BenchReceiver, loads: [LatencyLoad]) async throws -> [LatencyFigure] {
        let latencyStream = "latency"
        let group = "product-latency"
        let (port, settings) = (redisPort, self.settings)
        try await BlockingWork.run("bench-latency-setup") { () throws(BenchError) in
            _ = try BenchRedis(port: port).command(["XGROUP", "CREATE", latencyStream, group, "$", "MKSTREAM"])
        }
        let manifest = BenchManifest(redisPort: redisPort, stream: latencyStream, group: group, count: settings.readCount)
        let product = try ProductProcess.start(
            executable: settings.productExecutable, manifest: manifest, sink: receiver.url,
            workDirectory: settings.workDirectory, label: "latency", httpConnections: settings.httpConnections)
        defer { _ = product.stop() }
        let tally = receiver.tally
        return try await BlockingWork.run("bench-latency") { () throws(BenchError) -> [LatencyFigure] in
            let connection = try BenchRedis(port: port)
            // The adapter appears as a consumer with its first XREADGROUP: from then on it is waiting.
            let start = MonotonicClock.now()
            while connection.consumerCount(group, on: latencyStream) == 0 {
                guard product.process.isRunning else {
                    throw .process("redis-eventsource (latency) exited:\n\(product.logTail)")
                }
                guard MonotonicClock.seconds(since: start) < 20 else { throw .timeout("the latency adapter to start reading") }
                usleep(10_000)
            }
            func paced(rate: Int, seconds: Int) throws(BenchError) -> (samples: [UInt64], sentRate: Double) {
                let count = rate * seconds
                _ = tally.takeLatencies()
                let took = try PacedProducer(stream: latencyStream, rate: rate, count: count).run(connection)
                let waitStart = MonotonicClock.now()
                while tally.latencyCount < count && MonotonicClock.seconds(since: waitStart) < 20 { usleep(10_000) }
                return (tally.takeLatencies(), Double(count) / max(took, 1e-9))
            }
            var figures: [LatencyFigure] = []
            for load in loads {
                Console.error("bench: latency: \(load.rate) entries/s (\(load.label)) for \(load.seconds) s through the HTTP sink")
                // One second unrecorded first, so a connect or a change of pace is not counted as event latency.
                _ = try paced(rate: load.rate, seconds: 1)
                let run = try paced(rate: load.rate, seconds: load.seconds)
                if run.samples.count < load.rate * load.seconds {
                    Console.error("bench: latency: only \(run.samples.count) of \(load.rate * load.seconds) events arrived")
                }
                figures.append(LatencyFigure(load: load, sentRate: run.sentRate, summary: LatencySummary(nanoseconds: run.samples)))
            }
            return figures
        }
    }
}
