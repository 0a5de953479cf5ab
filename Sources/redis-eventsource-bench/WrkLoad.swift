import Glibc

/// The receiver's own capacity: wrk posting the sample event over `connections` keep-alive
/// connections, as many as the product's one adapter keeps with its HTTP sink.
struct WrkLoad {
    let url: String
    let sample: EventSample
    let connections: Int
    let seconds: Int
    let workDirectory: String

    struct Result {
        let requestsPerSecond: Double
        let output: String
    }

    func run() throws(BenchError) -> Result {
        let script = "\(workDirectory)/post.lua"
        try TextFile.write(luaScript(), to: script)
        let outputPath = "\(workDirectory)/wrk.out"
        let process = try SpawnedProcess(
            "wrk",
            ["-t", "1", "-c", String(connections), "-d", "\(seconds)s", "--timeout", "5s", "-s", script, url],
            standardOutput: outputPath, standardError: "\(workDirectory)/wrk.err")
        let start = MonotonicClock.now()
        while process.isRunning && MonotonicClock.seconds(since: start) < Double(seconds + 15) { usleep(20_000) }
        let status = process.stop()
        let output = (try? TextFile.read(outputPath)) ?? ""
        guard status == 0, let rate = Self.requestsPerSecond(in: output) else {
            let errors = (try? TextFile.read("\(workDirectory)/wrk.err")) ?? ""
            throw .tool("wrk failed (status \(status)): \(output) \(errors)")
        }
        if output.contains("Non-2xx") || output.contains("Socket errors") {
            throw .tool("wrk saw errors, its rate would not be a capacity: \(output)")
        }
        return Result(requestsPerSecond: rate, output: output)
    }

    /// Long-bracket strings keep the JSON body and header values verbatim, with no escaping to get wrong.
    func luaScript() -> String {
        var lines = ["wrk.method = \"POST\"", "wrk.body = [==[\(String(decoding: sample.body, as: UTF8.self))]==]"]
        for header in sample.headers {
            lines.append("wrk.headers[\"\(header.name)\"] = [==[\(header.value)]==]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func requestsPerSecond(in output: String) -> Double? {
        for line in output.split(separator: "\n") where line.hasPrefix("Requests/sec:") {
            return Double(line.dropFirst("Requests/sec:".count).trimmingCharacters(in: " "))
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
