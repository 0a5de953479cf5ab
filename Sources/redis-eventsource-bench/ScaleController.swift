import Glibc

/// The real `redis-eventsource controller` (the release build) as a child process, events to
/// /dev/null through the stdout sink, its log in the scratch folder, `/metrics` on a port the
/// system picks (`--http-port auto`), read back from the log.
struct ScaleController {
    let process: SpawnedProcess
    let arguments: [String]
    let metricsURL: String
    let logPath: String

    static func start(
        executable: String, kubeconfig: String, extraArguments: [String], directory: String, consumerName: String = "scale-bench"
    ) throws(BenchError) -> ScaleController {
        let arguments = [
            "controller", "--kubeconfig", kubeconfig, "--watch", "eventsources", "--default-sink", "stdout", "--http-port", "auto",
            "--consumer-name", consumerName,
        ] + extraArguments
        let logPath = consumerName == "scale-bench" ? "\(directory)/controller.log" : "\(directory)/controller-\(consumerName).log"
        let process = try SpawnedProcess(executable, arguments, standardOutput: "/dev/null", standardError: logPath)
        let port = try waitForPort(process: process, logPath: logPath)
        let controller = ScaleController(
            process: process, arguments: arguments, metricsURL: "http://127.0.0.1:\(port)/metrics", logPath: logPath)
        try controller.waitUntilReady()
        return controller
    }

    /// The port from the log line "serving /healthz /readyz /metrics on http://ADDRESS:PORT".
    private static func waitForPort(process: SpawnedProcess, logPath: String) throws(BenchError) -> Int {
        let start = MonotonicClock.now()
        while MonotonicClock.seconds(since: start) < 30 {
            let log = (try? TextFile.read(logPath)) ?? ""
            for line in log.split(separator: "\n") where line.contains("serving") && line.contains("/metrics") {
                guard let range = line.range(of: " on http://") else { continue }
                let address = line[range.upperBound...].prefix { !$0.isWhitespace }
                if let port = address.split(separator: ":").last.flatMap({ Int($0) }) { return port }
            }
            guard process.isRunning else { throw .process("the controller exited:\n\(log.suffix(800))") }
            usleep(20_000)
        }
        throw .timeout("the controller did not log its HTTP port")
    }

    /// `/readyz` answers 200 once the first list of EventSources is cached: from then on an
    /// apply is seen through the watch, which is the path the figure is about.
    private func waitUntilReady() throws(BenchError) {
        let client = try ScaleHTTPClient()
        let readyURL = metricsURL.replacingSuffix("/metrics", with: "/readyz")
        let start = MonotonicClock.now()
        while MonotonicClock.seconds(since: start) < 20 {
            guard process.isRunning else { throw .process("the controller exited:\n\(logTail)") }
            if (try? client.get(readyURL)) != nil { return }
            usleep(20_000)
        }
        throw .timeout("the controller did not become ready:\n\(logTail)")
    }

    func metrics(_ client: ScaleHTTPClient) throws(BenchError) -> ScaleMetricsText {
        ScaleMetricsText(text: String(decoding: try client.get(metricsURL), as: UTF8.self))
    }

    /// SIGTERM, as Kubernetes sends it; returns the seconds until it exited and its exit status.
    func stop() -> (seconds: Double, status: Int32) {
        let start = MonotonicClock.now()
        let status = process.stop(grace: 25)
        return (MonotonicClock.seconds(since: start), status)
    }

    var logTail: String {
        let text = (try? TextFile.read(logPath)) ?? ""
        return text.split(separator: "\n").suffix(10).joined(separator: "\n")
    }
}

extension String {
    fileprivate func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
