import ArgumentParser
import BenchSupport
import Foundation
import Sinks

/// `redis-eventsource-bench`: the issue's benchmark, end to end against the real product.
/// `scripts/bench.sh` (`make bench`) runs it and puts its Markdown into BENCHMARKS.md.
@main
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis-eventsource-bench",
        abstract: "Measures redis-eventsource's throughput and latency against the raw capacity of Redis and of the receiver."
    )

    @Option(help: "The redis-eventsource executable to measure. Default: the one beside this program.")
    var product: String?

    @Option(help: "Entries in the throughput stream.")
    var entries = 200_000

    @Option(help: "Alternating raw and product rounds for the stdout figure (medians are reported).")
    var rounds = 3

    @Option(help: "Connections of the product's HTTP sink (--sink-connections), and so of wrk and the libcurl baseline.")
    var httpConnections = HTTPSinkOptions.defaultConnections

    @Option(help: "Seconds wrk loads the receiver, before and after the product's HTTP run.")
    var wrkSeconds = 5

    @Option(help: "Seconds of paced entries for the latency figure.")
    var latencySeconds = 10

    @Option(help: "Entries per second for the latency figure.")
    var latencyRate = 1_000

    @Option(help: "Entries per run of the partial-failure figure (receiver answering 503 at random); 0 skips it.")
    var partialEntries = 20_000

    @Option(help: "Rounds of the partial-failure figure; each runs healthy, then every failure rate (shares are medians).")
    var partialRounds = 3

    @Option(help: "The receiver's 503 rates, in percent, for the partial-failure figure.")
    var partialFailurePercents: [Double] = [5, 10, 30]

    @Flag(help: "Run only the partial-failure figure (issue 19's 30% 503s), printing it; no other figure.")
    var partialOnly = false

    @Flag(help: "Run only the cluster figure (issue 18: 4 streams over 3 cluster masters, stdout sink vs raw loops), printing it.")
    var clusterOnly = false

    @Option(help: "Also write the results as Markdown to this file.")
    var markdown: String?

    @Option(help: "Also write each figure with its aim and verdict, as Markdown table rows (figure | measured | aim | met?), to this file.")
    var summary: String?

    @Option(help: "Also write issue 19's aims, each figure with the load it ran at and met or missed, as Markdown table rows, to this file.")
    var issue19Aims: String?

    @Option(help: "Only run the bench receiver for this many seconds, printing its URL, so other clients can be profiled against it.")
    var receiverOnly: Int?

    @Flag(help: "Keep the scratch folder (manifests, logs, wrk output) for inspection.")
    var keepWorkDirectory = false

    @OptionGroup(title: "Controller scale bench (issue 5)") var scale: ScaleOptions

    func run() async throws {
        let signalSources = ChildRegistry.stopChildrenOnSignals()
        defer { withExtendedLifetime(signalSources) {} }
        if let receiverOnly {
            try await Self.serve(seconds: receiverOnly)
            return
        }
        let executable = product ?? InstalledTool.builtProduct("redis-eventsource")
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ValidationError("no redis-eventsource at \(executable); build it with swift build -c release")
        }
        if scale.controllerScale {
            var bench = ScaleBench(
                options: scale, productExecutable: executable, markdownPath: markdown, summaryPath: summary,
                keepWorkDirectory: keepWorkDirectory)
            return try await bench.run()
        }
        let workDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("redis-eventsource-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        var settings = BenchSettings(
            productExecutable: executable, entries: entries, stdoutRounds: max(1, rounds), wrkSeconds: wrkSeconds, latencyRate: latencyRate,
            latencySeconds: latencySeconds, partialEntries: max(0, partialEntries), workDirectory: workDirectory)
        settings.httpConnections = max(1, httpConnections)
        settings.partialRounds = max(1, partialRounds)
        settings.failureRates = partialFailurePercents.filter { $0 > 0 && $0 <= 100 }.map { $0 / 100 }

        let redis = try RedisProcess.start(in: workDirectory)
        let results: BenchResults
        do {
            let run = BenchRun(settings: settings, redisPort: redis.port)
            results = try await partialOnly ? run.runPartialFailuresOnly() : clusterOnly ? run.runClusterOnly() : run.run()
        } catch {
            // The signal handler is stopping the children and will end the process; a phase
            // that failed because its child was stopped is not worth reporting.
            for _ in 0..<10 where ChildRegistry.isInterrupted { try? await Task.sleep(for: .seconds(1)) }
            redis.stop()
            Console.error("bench failed; logs are in \(workDirectory)")
            throw error
        }
        redis.stop()
        Console.out(
            partialOnly ? results.partialFailureText.joined(separator: "\n") : clusterOnly ? results.clusterText.joined(separator: "\n") : results.text)
        if let markdown { try TextFile.write(results.markdown, to: markdown) }
        if let summary { try TextFile.write(SummaryRow.markdown(results.summaryRows), to: summary) }
        if let issue19Aims, !partialOnly { try TextFile.write(SummaryRow.markdown(results.issue19AimRows), to: issue19Aims) }
        if keepWorkDirectory {
            Console.error("scratch files kept in \(workDirectory)")
        } else {
            try? FileManager.default.removeItem(atPath: workDirectory)
        }
    }

    private static func serve(seconds: Int) async throws {
        let receiver = try await BenchReceiver.start(threads: 1)
        Console.out(receiver.url)
        let start = MonotonicClock.now()
        var last = (time: start, count: 0)
        for _ in 0..<max(0, seconds) {
            try await Task.sleep(for: .seconds(1))
            let now = (time: MonotonicClock.now(), count: receiver.tally.requestCount)
            let rate = Double(now.count - last.count) / (Double(now.time - last.time) / 1e9)
            Console.error("receiver: \(now.count) requests, \(Int(rate)) requests/s in the last second")
            last = now
        }
        await receiver.stop()
    }
}
