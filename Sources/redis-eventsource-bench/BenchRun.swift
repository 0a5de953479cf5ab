import Glibc

/// The whole benchmark, phase by phase, on one redis-server; each raw capacity is measured in
/// the same run as the product figure it is compared with, on the same machine state.
struct BenchRun: Sendable {
    let settings: BenchSettings
    let redisPort: Int
    let stream = "bench"

    private func log(_ line: String) { FileHandleOutput.error("bench: \(line)") }

    func run() async throws -> BenchResults {
        var results = BenchResults(settings: settings)

        log("filling stream \(stream) with \(settings.entries) entries")
        let port = redisPort
        let (stream, entries) = (self.stream, settings.entries)
        results.fillSeconds = try await BlockingWork.run("bench-fill") { () throws(BenchError) in
            let connection = try HiredisConnection(port: port)
            let start = MonotonicClock.now()
            try StreamFiller(stream: stream, count: entries).fill(connection)
            for group in ["raw", "product-stdout", "product-http"] {
                _ = try connection.command(["XGROUP", "CREATE", stream, group, "0"]).checked("XGROUP CREATE \(group)")
            }
            return MonotonicClock.seconds(since: start)
        }

        log("(a) raw: hiredis XREADGROUP COUNT \(settings.readCount) + XACK, group raw")
        results.rawRedis = try await measureRawLoop()
        log("(a) raw: \(Int(results.rawRedis!.rate)) entries/s")

        log("(a) product: redis-eventsource run --sink stdout > /dev/null, group product-stdout")
        results.productStdout = try await measureProduct(label: "stdout", group: "product-stdout", sink: "stdout")
        log("(a) product: \(Int(results.productStdout!.rate)) events/s")

        let receiver = try await BenchReceiver.start(threads: 1)
        do {
            try await measureHTTP(receiver: receiver, into: &results)
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
        return results
    }

    private func measureHTTP(receiver: BenchReceiver, into results: inout BenchResults) async throws {
        let manifest = BenchManifest(redisPort: redisPort, stream: stream, group: "product-http", count: settings.readCount)
        let sample = EventSample(manifest: manifest, stream: stream)
        results.requestBytes = sample.wireSize(port: receiver.port)
        results.bodyBytes = sample.body.count

        log("(b) raw: wrk -t1 -c1 -d\(settings.wrkSeconds)s, \(results.requestBytes) byte requests, against \(receiver.url)")
        let wrk = WrkLoad(
            url: receiver.url, sample: sample, connections: 1, seconds: settings.wrkSeconds,
            workDirectory: settings.workDirectory)
        results.rawReceiver = try await BlockingWork.run("bench-wrk") { () throws(BenchError) in try wrk.run().requestsPerSecond }
        log("(b) raw: \(Int(results.rawReceiver!)) requests/s")

        log("(b) product: redis-eventsource run --sink \(receiver.url), group product-http")
        let before = receiver.tally.requestCount
        results.productHTTP = try await measureProduct(label: "http", group: "product-http", sink: receiver.url)
        results.receivedHTTP = receiver.tally.requestCount - before
        log("(b) product: \(Int(results.productHTTP!.rate)) events/s, \(results.receivedHTTP) requests arrived")

        log("latency: \(settings.latencyRate) entries/s for \(settings.latencySeconds) s through the HTTP sink")
        results.latency = try await measureLatency(receiver: receiver)
    }

    private func measureRawLoop() async throws -> ThroughputFigure {
        let (port, stream, settings) = (redisPort, self.stream, self.settings)
        return try await BlockingWork.run("bench-raw") { () throws(BenchError) in
            let start = MonotonicClock.now()
            let connection = try HiredisConnection(port: port)
            let loop = RawConsumerLoop(
                stream: stream, group: "raw", consumer: "raw", count: settings.readCount,
                maxBatches: settings.entries / settings.readCount + 10)
            let count = try loop.run(connection)
            let seconds = MonotonicClock.seconds(since: start)
            let progress = try GroupProgress.read(connection, stream: stream, group: "raw")
            return ThroughputFigure(entries: Int64(count), seconds: seconds, complete: progress.isDrained)
        }
    }

    /// From spawning the product to the poll that sees its group drained, start-up included.
    private func measureProduct(label: String, group: String, sink: String) async throws -> ThroughputFigure {
        let manifest = BenchManifest(redisPort: redisPort, stream: stream, group: group, count: settings.readCount)
        let (port, stream, settings) = (redisPort, self.stream, self.settings)
        let start = MonotonicClock.now()
        let product = try ProductProcess.start(
            executable: settings.productExecutable, manifest: manifest, sink: sink,
            workDirectory: settings.workDirectory, label: label)
        let outcome: DrainOutcome
        do {
            outcome = try await BlockingWork.run("bench-poll") { () throws(BenchError) in
                let connection = try HiredisConnection(port: port)
                return try GroupProgress.waitUntilDrained(
                    connection, stream: stream, group: group, from: start, timeout: settings.phaseTimeout,
                    stillRunning: { product.process.isRunning })
            }
        } catch {
            _ = product.stop()
            throw error
        }
        let exited = product.process.terminationStatus
        let status = product.stop()
        if exited != nil {
            throw BenchError.process("redis-eventsource (\(label)) exited early with status \(status):\n\(product.logTail)")
        }
        if status != 0 { log("redis-eventsource (\(label)) exited with status \(status) after SIGTERM") }
        return ThroughputFigure(outcome)
    }

    private func measureLatency(receiver: BenchReceiver) async throws -> LatencySummary? {
        let latencyStream = "latency"
        let group = "product-latency"
        let (port, settings) = (redisPort, self.settings)
        try await BlockingWork.run("bench-latency-setup") { () throws(BenchError) in
            let connection = try HiredisConnection(port: port)
            _ = try connection.command(["XGROUP", "CREATE", latencyStream, group, "$", "MKSTREAM"]).checked("XGROUP CREATE")
        }
        let manifest = BenchManifest(redisPort: redisPort, stream: latencyStream, group: group, count: settings.readCount)
        let product = try ProductProcess.start(
            executable: settings.productExecutable, manifest: manifest, sink: receiver.url,
            workDirectory: settings.workDirectory, label: "latency")
        defer { _ = product.stop() }
        let tally = receiver.tally
        return try await BlockingWork.run("bench-latency") { () throws(BenchError) -> LatencySummary? in
            let connection = try HiredisConnection(port: port)
            // The adapter appears as a consumer with its first XREADGROUP: from then on it is waiting.
            let start = MonotonicClock.now()
            while try GroupProgress.read(connection, stream: latencyStream, group: group).consumers == 0 {
                guard product.process.isRunning else {
                    throw .process("redis-eventsource (latency) exited:\n\(product.logTail)")
                }
                guard MonotonicClock.seconds(since: start) < 20 else { throw .timeout("the latency adapter to start reading") }
                usleep(10_000)
            }
            // One second unrecorded first, so the sink's connect is not counted as event latency.
            func paced(seconds: Int) throws(BenchError) -> [UInt64] {
                let count = settings.latencyRate * seconds
                _ = tally.takeLatencies()
                _ = try PacedProducer(stream: latencyStream, rate: settings.latencyRate, count: count).run(connection)
                let waitStart = MonotonicClock.now()
                while tally.latencyCount < count && MonotonicClock.seconds(since: waitStart) < 20 { usleep(10_000) }
                return tally.takeLatencies()
            }
            _ = try paced(seconds: 1)
            let samples = try paced(seconds: settings.latencySeconds)
            if samples.count < settings.latencyRate * settings.latencySeconds {
                FileHandleOutput.error("bench: latency: only \(samples.count) events arrived")
            }
            return LatencySummary(nanoseconds: samples)
        }
    }
}
