import Sinks

/// The real `redis-eventsource run` (the release build) as a child process: the product
/// measured exactly as users run it, with its events on /dev/null or posted to a sink URL.
struct ProductProcess {
    let process: SpawnedProcess
    let logPath: String

    static func start(
        executable: String, manifest: BenchManifest, sink: String, workDirectory: String, label: String,
        httpConnections: Int = HTTPSinkOptions.defaultConnections
    ) throws(BenchError) -> ProductProcess {
        let manifestPath = "\(workDirectory)/\(label).yaml"
        try TextFile.write(manifest.yaml, to: manifestPath)
        let logPath = "\(workDirectory)/\(label).log"
        var arguments = ["run", "-f", manifestPath, "--sink", sink, "--consumer-name", "bench-\(label)"]
        // Stated, not left to the default, so wrk and the libcurl baseline surely get the
        // connection count the sink uses.
        if sink.hasPrefix("http") { arguments += ["--sink-connections", String(httpConnections)] }
        let process = try SpawnedProcess(
            executable, arguments,
            standardOutput: "/dev/null", standardError: logPath)
        return ProductProcess(process: process, logPath: logPath)
    }

    /// Stops it with SIGTERM, as Kubernetes would; a non-zero exit is worth reporting.
    func stop() -> Int32 { process.stop() }

    /// Stops it once a measured run is over; returns its exit status. A product that had already
    /// exited by itself did not measure what the run claims, so that is an error, with its log.
    func stopAfterRun(label: String) throws(BenchError) -> Int32 {
        let exited = process.terminationStatus
        let status = stop()
        if exited != nil {
            throw BenchError.process("redis-eventsource (\(label)) exited early with status \(status):\n\(logTail)")
        }
        return status
    }

    /// The end of its log, for a failure message.
    var logTail: String {
        let text = (try? TextFile.read(logPath)) ?? ""
        return text.split(separator: "\n").suffix(10).joined(separator: "\n")
    }
}
